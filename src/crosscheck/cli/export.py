"""crosscheck export …"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from crosscheck.cli._common import DbOption, app, err, friendly, settings_from
from crosscheck.errors import ConfigError
from crosscheck.export import write_events
from crosscheck.store import open_store

export_app = typer.Typer(help="Write records for other tools, to standard output or --output.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")

OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file instead of standard output.")]


@export_app.command("events")
@friendly
def export_events(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="acled-csv, geojson (located events only) or jsonl.")
    ] = "acled-csv",
    output: OutputOption = None,
    event_type: Annotated[str | None, typer.Option("--type", help="Event type contains.")]
    = None,
    side: Annotated[str | None, typer.Option(help="Actor's side.")] = None,
    status: Annotated[str | None, typer.Option(help="reported, claimed, denied, …")] = None,
    since: Annotated[str | None, typer.Option(help="On or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="On or before YYYY-MM-DD.")] = None,
    db: DbOption = None,
) -> None:
    """Events as an ACLED-style table with a character span for every field, as GeoJSON
    points, or as JSONL records.

    Example: crosscheck export events --format geojson --output events.geojson
    """
    if fmt not in ("acled-csv", "geojson", "jsonl"):
        raise ConfigError(f"--format: unknown event export format {fmt!r} "
                          "(acled-csv, geojson, jsonl)")
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store:
        handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            count = write_events(store, handle, fmt, event_type=event_type, side=side,
                                 status=status, since=since, until=until)
        finally:
            if output:
                handle.close()
    if output:
        err.print(f"wrote {count} events to {output}")
