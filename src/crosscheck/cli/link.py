"""crosscheck link | stories | story ID | eval linking | bench link"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crosscheck.cli._common import (
    DbOption,
    FormatOption,
    LimitOption,
    app,
    bench_app,
    err,
    friendly,
    settings_from,
)
from crosscheck.cli._output import Format, emit_records, to_json
from crosscheck.cli.evaluate import DataOption, FmtOption, _show, eval_app
from crosscheck.errors import InputError
from crosscheck.store import open_store

if TYPE_CHECKING:
    from crosscheck.link import LinkReport

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: str | None, option: str) -> str | None:
    if value is not None and not _DAY.match(value):
        raise InputError(option, f"{value!r} is not a date: use YYYY-MM-DD")
    return value


SinceOption = Annotated[str | None, typer.Option(help="On or after YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option(help="On or before YYYY-MM-DD.")]


@app.command("link")
@friendly
def link_command(
    since: Annotated[str | None, typer.Option(
        help="Re-link articles published on or after YYYY-MM-DD (with the other members "
        "of their stories), e.g. after a rule change.")] = None,
    all_: Annotated[bool, typer.Option(
        "--all", help="Forget every link and rebuild from scratch.")] = False,
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.table,
) -> None:
    """Find near duplicates and group articles into stories, incrementally: every processed
    article not linked yet joins an existing story or opens a new one.

    Example: crosscheck link --since 2022-05-01
    """
    from crosscheck.link import relink

    since = _day(since, "--since")
    settings = settings_from(db=db)
    progress = Progress(TextColumn("linking"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, transient=True,
                        disable=not err.is_terminal)
    with open_store(settings.db, create=False) as store, progress:
        task = progress.add_task("link", total=None)

        def on_progress(report: LinkReport) -> None:
            progress.update(task, total=report.selected, completed=report.linked)

        report = relink(store, since=since, everything=all_, on_progress=on_progress)
    if fmt is Format.json:
        typer.echo(to_json(report.to_dict()))
    else:
        typer.echo(f"linked {report.linked} articles in {report.seconds:.1f}s: "
                   f"{report.duplicates} near copies, {report.stories_opened} new stories, "
                   f"{report.joined} joined existing stories, {report.estimated_dates} "
                   f"estimated dates ({report.comparisons} story comparisons)")


STORY_COLUMNS = ["id", "label", "start", "end", "articles", "size"]


@app.command("stories")
@friendly
def stories_command(
    since: SinceOption = None, until: UntilOption = None,
    entity: Annotated[str | None, typer.Option(
        help="Only stories with an entity whose name contains this.")] = None,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """Stories (articles about one developing event), latest first: label, time span,
    articles (near copies included) and distinct texts (size).

    Example: crosscheck stories --entity Mariupol --since 2022-04-01
    """
    since, until = _day(since, "--since"), _day(until, "--until")
    settings = settings_from(db=db)
    if fmt is Format.table and limit is None:
        limit = 50
    with open_store(settings.db, create=False) as store:
        rows = store.iter_stories(since=since, until=until, entity=entity, limit=limit)
        emit_records(rows, STORY_COLUMNS, fmt, widths={"label": 70, "id": 18})


@app.command("story")
@friendly
def story_command(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix).")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """One story: label, time span, key entities and places, and its articles in time
    order (near copies under the article they copy; estimated dates marked ~).

    Example: crosscheck story s1a2b3 --format json
    """
    from crosscheck.link import story_record

    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store:
        record = story_record(store, story_id)
    if fmt is not Format.table:
        typer.echo(to_json(record))
        return
    typer.echo(f"{record['id']}  {record['label']}")
    typer.echo(f"{record['start'] or '?'} .. {record['end'] or '?'}, "
               f"{len(record['articles'])} articles ({record['size']} with near copies)")
    if record["entities"]:
        typer.echo("entities: " + ", ".join(f"{e['name']} ({e['articles']})"
                                             for e in record["entities"][:12]))
    rows = []
    for article in record["articles"]:
        rows.append(_story_row(article, ""))
        rows.extend(_story_row(copy, "copy") for copy in article["copies"])
    emit_records(rows, ["date", "outlet", "title", "id", "note"], Format.table,
                 widths={"title": 70})


def _story_row(article: dict[str, Any], note: str) -> dict[str, Any]:
    day = article["date"] or ""
    if article["date_estimated"] and day:
        day = "~" + day
    return {"date": day, "outlet": article["outlet"], "title": article["title"],
            "id": article["id"], "note": note}


@eval_app.command("linking")
@friendly
def eval_linking(
    split: Annotated[str, typer.Option(
        help="test (topics 36-45, the report), dev or train (tuning).")] = "test",
    limit: Annotated[int | None, typer.Option(min=1, help="First N documents only.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for `process` [default: one per core].")] = None,
    data: DataOption = None, fmt: FmtOption = Format.table,
) -> None:
    """Story clustering on ECB+ (gold: one story per seminal event): B-cubed and pairwise
    precision/recall/F1 and adjusted Rand index, beside a TF-IDF single-link baseline
    run in the same command.

    Example: crosscheck eval linking --split dev
    """
    from crosscheck.bench import default_data_dir
    from crosscheck.eval.linking import SPLITS, evaluate_linking

    if split not in SPLITS:
        raise typer.BadParameter(", ".join(SPLITS), param_hint="--split")
    settings = settings_from()
    report = evaluate_linking(data or default_data_dir(), split, model=settings.spacy_model,
                              limit=limit, workers=workers)
    _show("linking", report, fmt)
    if fmt is Format.table:
        typer.echo(f"  seconds: {report['seconds']}")


@bench_app.command("link")
@friendly
def bench_link_command(
    sizes: Annotated[str, typer.Option(
        help="Comma-separated store sizes to link (add 100000 for the full growth run).")
    ] = "1000,10000",
    sample: Annotated[int, typer.Option(
        min=20, help="Real full-text articles processed to recombine from.")] = 200,
    source_db: Annotated[Path | None, typer.Option(
        "--from-db", help="Recombine the processed articles of this store instead.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for processing the sample [default: one per core].")] = None,
    data: DataOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Linking speed and peak memory at growing store sizes, on synthetic articles made by
    recombining the sentences, entity mentions and events of real processed articles
    (shifted dates, no re-parsing); each size is linked in a fresh process.

    Example: crosscheck bench link --sizes 1000,10000,100000
    """
    from crosscheck.bench.link import bench_link

    try:
        counts = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter("comma-separated numbers", param_hint="--sizes") from None
    settings = settings_from()
    results = bench_link(data, counts, sample=sample, source_db=source_db,
                         model=settings.spacy_model, workers=workers)
    rows = [r.to_dict() for r in results]
    emit_records(rows, ["articles", "seconds", "articles_per_second", "peak_rss_mb",
                        "stories", "near_copies", "comparisons_per_article"], fmt)
