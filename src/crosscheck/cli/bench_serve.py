"""crosscheck bench serve"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crosscheck.cli._common import bench_app, err, friendly, settings_from
from crosscheck.cli._output import Format, emit_records, to_json

COLUMNS = ["endpoint", "stories", "requests", "errors", "requests_per_second", "p50_ms",
           "p95_ms", "p99_ms", "max_ms"]


@bench_app.command("serve")
@friendly
def bench_serve_command(
    articles: Annotated[int, typer.Option(
        min=1, help="Articles in the generated store.")] = 100_000,
    duration: Annotated[float, typer.Option(
        min=0.5, help="Seconds of load per endpoint (after an uncounted warm-up of a "
        "quarter of it, at most 2 s).")] = 20.0,
    concurrency: Annotated[int, typer.Option(
        min=1, help="Concurrent clients.")] = 4,
    from_db: Annotated[Path | None, typer.Option(
        "--from-db", help="Measure this store (one kept with --keep) instead of building "
        "one.")] = None,
    keep: Annotated[Path | None, typer.Option(
        help="Write the generated store here and keep it (a new SQLite path).")] = None,
    source_db: Annotated[Path | None, typer.Option(
        "--source-db", help="Recombine the processed articles of this SQLite store instead "
        "of processing --sample real ones.")] = None,
    sample: Annotated[int, typer.Option(
        min=5, help="Real full-text articles processed to recombine from.")] = 200,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for processing the sample [default: one per core].")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Folder of the shared data sets [default ../shared/data].")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Latency of the story page, JSON (/api/stories/ID) and HTML (/stories/ID), on a store
    of recombined real articles (copied facts, shifted ids and dates, generated stories
    with their claims; no re-parsing), served by uvicorn on loopback and loaded by
    concurrent clients for a bounded time: p50/p95/p99 latency, requests/s, errors.

    Example: crosscheck bench serve --articles 100000 --keep serve.db
    """
    from crosscheck.bench.serve import bench_serve

    settings = settings_from()

    def progress(message: str) -> None:
        if fmt is Format.table:
            err.print(message)

    result = bench_serve(data, articles=articles, duration=duration,
                         concurrency=concurrency, from_db=from_db, keep=keep,
                         source_db=source_db, sample=sample, model=settings.spacy_model,
                         workers=workers, on_progress=progress)
    if fmt is Format.json:
        typer.echo(to_json(result.to_dict()))
        return
    emit_records([r.to_dict() for r in result.results], COLUMNS, fmt)
    if fmt is Format.table:
        s = result.store
        built = ("reused" if s.reused else
                 f"built in {s.build_seconds:g} s + claims {s.claims_seconds:g} s")
        typer.echo(f"store: {s.articles:,} articles, {s.stories:,} stories (largest "
                   f"{s.largest_story:,} articles), {s.claims:,} claims (of {s.claim_stories:,} "
                   f"stories), {s.size_mb:,.0f} MB, "
                   f"{built}")
        for name in result.unavailable:
            typer.echo(f"{name}: not available (the app has no such page)")
