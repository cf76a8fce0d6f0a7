"""crosscheck bench ..."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crosscheck.bench import bench_ingest, bench_process
from crosscheck.cli._common import bench_app, friendly
from crosscheck.cli._output import Format, emit_records

DataOption = Annotated[Path | None, typer.Option(
    "--data", help="Folder of the shared data sets [default ../shared/data].")]


@bench_app.command("ingest")
@friendly
def bench_ingest_command(
    data: DataOption = None,
    limit: Annotated[int | None, typer.Option(help="Use only the first N articles.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Ingest speed on the real full-text corpus as text files, HTML pages and JSONL.

    Example: crosscheck bench ingest --limit 1000
    """
    results = bench_ingest(data, limit)
    emit_records([r.to_dict() for r in results],
                 ["stage", "input", "articles", "seconds", "articles_per_second", "peak_rss_mb"],
                 fmt)


@bench_app.command("process")
@friendly
def bench_process_command(
    data: DataOption = None,
    limit: Annotated[int, typer.Option(help="First N articles (0: all 4,729).")] = 600,
    workers: Annotated[int, typer.Option(help="Processes for both runs.", min=1)] = 2,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Extraction speed: `process` against spaCy's nlp.pipe alone on the same real
    articles, with the ratio.

    Example: crosscheck bench process --limit 300
    """
    results = bench_process(data, limit or None, workers)
    rows = [r.to_dict() for r in results]
    ratio = results[1].articles_per_second / results[0].articles_per_second
    emit_records(rows, ["stage", "input", "articles", "seconds", "articles_per_second",
                        "peak_rss_mb"], fmt)
    if fmt is Format.table:
        typer.echo(f"ratio crosscheck/spaCy alone: {ratio:.2f}")
