"""crosscheck ingest"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crosscheck.cli._common import DbOption, app, err, friendly, settings_from
from crosscheck.cli._output import Format, to_json
from crosscheck.ingest import FieldMap, IngestOptions, ingest
from crosscheck.records import IngestReport
from crosscheck.store import open_store


@app.command("ingest")
@friendly
def ingest_command(
    sources: Annotated[list[str], typer.Argument(
        help="Files, directories (read recursively), or http(s) URLs of pages and feeds.")],
    db: DbOption = None,
    map_: Annotated[str | None, typer.Option(
        "--map", help="Field mapping for JSONL/JSON/CSV/feeds, e.g. "
        "'text=body,date=published,outlet=source.name'.")] = None,
    include: Annotated[list[str] | None, typer.Option(
        "--include", help="Glob of files to read in directories (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="Glob of files to skip in directories (repeatable).")] = None,
    as_: Annotated[str | None, typer.Option(
        "--as", help="Read every file with this reader: text, html, jsonl, json, csv, feed.")
    ] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Allow URLs on private, loopback and link-local addresses.")
    ] = False,
    max_bytes: Annotated[int | None, typer.Option(
        "--max-bytes", help="Largest accepted document in bytes [default 5 MB].")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.table,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no rejections.")]
    = False,
) -> None:
    """Read articles into the store, cleaned, with their provenance.

    Exit status: 0 everything usable stored, 1 some inputs rejected, 2 nothing usable.

    Example: crosscheck ingest dumps/wire.jsonl.gz pages/ https://example.org/feed.xml
    """
    if as_ is not None and as_ not in {"text", "html", "jsonl", "json", "csv", "feed"}:
        err.print(f"error: --as: unknown reader {as_!r}")
        raise typer.Exit(2)
    settings = settings_from(db=db, max_bytes=max_bytes,
                             allow_private=True if allow_private else None)
    options = IngestOptions.from_settings(
        settings, fields=FieldMap.parse(map_), include=tuple(include or ()),
        exclude=tuple(exclude or ()), format=as_)
    with open_store(settings.db) as store:
        show_progress = not quiet and err.is_terminal
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err, transient=True, disable=not show_progress) as progress:
            task = progress.add_task("reading", total=None)

            def on_item(report: IngestReport) -> None:
                if report.read % 25 == 0:
                    progress.update(task, description=(
                        f"read {report.read} · stored {report.stored} · "
                        f"duplicates {report.duplicates} · rejected {len(report.rejected)}"))

            report = ingest(sources, store, options=options, batch_size=settings.batch_size,
                            stock_threshold=settings.stock_threshold, on_item=on_item)
    if not quiet:
        for rejection in report.rejected:
            err.print(f"rejected: {rejection}", markup=False, highlight=False, soft_wrap=True)
    if fmt is Format.json:
        typer.echo(to_json(report.to_dict()))
    else:
        typer.echo(
            f"read {report.read}, stored {report.stored}, duplicates {report.duplicates} "
            f"({report.new_sightings} new sightings), rejected {len(report.rejected)}")
    raise typer.Exit(report.exit_code)
