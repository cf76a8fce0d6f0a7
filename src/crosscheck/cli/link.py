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
from crosscheck.cli.evaluate import (
    DataOption,
    FmtOption,
    GateOption,
    _gate,
    _show,
    eval_app,
)
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
    largest: Annotated[bool, typer.Option(
        "--largest", help="Most articles first (default: latest first).")] = False,
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
        rows = store.iter_stories(since=since, until=until, entity=entity, limit=limit,
                                  largest=largest)
        emit_records(rows, STORY_COLUMNS, fmt, widths={"label": 70, "id": 18})


@app.command("story")
@friendly
def story_command(
    story_id: Annotated[str, typer.Argument(help="Story id (or a unique prefix).")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """One story: label, time span, key entities and places, its articles in time order
    (near copies under the article they copy; estimated dates marked ~), then its claims
    board (contradictions, corroborations) and figures over time.

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
    _claims_board(record)


def _claims_board(record: dict[str, Any]) -> None:
    """Contradictions, corroborations and figure series of a story, in words."""
    def who(sources: list[dict[str, Any]]) -> str:
        names = [f"{s['speaker'] or s['outlet'] or s['origin']}"
                 + (f" ({s['side']})" if s["side"] else "") for s in sources]
        return "; ".join(dict.fromkeys(names))

    for title, key in (("contradictions", "contradictions"),
                       ("corroborations", "corroborations")):
        if record[key]:
            typer.echo(f"\n{title}:")
        for c in record[key][:15]:
            if key == "contradictions":
                typer.echo(f"  ✗ {c['proposition']}\n      asserted by {who(c['asserted_by'])}"
                           f"\n      denied by   {who(c['denied_by']) or '(figures differ)'}")
            else:
                typer.echo(f"  ✓ {c['proposition']}: {who(c['sources'])}")
    if record["series"]:
        typer.echo("\nfigures over time:")
    for series in record["series"][:10]:
        place = series["place"] or "?"
        typer.echo(f"  {series['counted']} at {place}"
                   + (" (the story's place)" if series["place_inferred"] else ""))
        for p in series["points"]:
            value = (f"{p['value']:g}" if p["value"] is not None
                     else f"{p['low'] or 0:g}-{p['high'] or 0:g}")
            day = (p["date"] or "?") + ("~" if p["date_estimated"] else "")
            typer.echo(f"      {day:12} {(p['qualifier'] or '') + ' ' + value:>22}  "
                       f"{p['speaker'] or p['outlet'] or p['origin']}")


def _story_row(article: dict[str, Any], note: str) -> dict[str, Any]:
    day = article["date"] or ""
    if article["date_estimated"] and day:
        day = "~" + day
    return {"date": day, "outlet": article["outlet"], "title": article["title"],
            "id": article["id"], "note": note}


@eval_app.command("linking")
@friendly
def eval_linking(
    set_: Annotated[str, typer.Option(
        "--set", help="ecbplus (story clustering), fnc1 (claim stance) or all.")] = "all",
    split: Annotated[str, typer.Option(
        help="reporting (ECB+ test topics 36-45; FNC-1 even body ids), the default, or "
        "tuning (ECB+ dev topics; FNC-1 odd body ids); test, dev and train name ECB+ "
        "splits (FNC-1 then runs its reporting half for test, its tuning half "
        "otherwise).")] = "reporting",
    limit: Annotated[int | None, typer.Option(
        min=1, help="First N documents (ECB+) and first N pairs (FNC-1) only.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for `process` [default: one per core].")] = None,
    data: DataOption = None, gate: GateOption = False, fmt: FmtOption = Format.table,
) -> None:
    """Story clustering on ECB+ (gold: one story per seminal event): B-cubed and pairwise
    precision/recall/F1 and adjusted Rand index, beside a TF-IDF single-link baseline;
    claim stance on FNC-1 (agree/disagree/discuss/unrelated): per-class P/R/F1, macro F1
    and the FNC score, beside a keyword baseline; both baselines run in the same command.

    Example: crosscheck eval linking --set fnc1 --split tuning --limit 2000
    """
    from crosscheck.bench import default_data_dir
    from crosscheck.eval.gate import load_floors
    from crosscheck.eval.linking import SPLITS, evaluate_linking
    from crosscheck.eval.stance import evaluate_stance

    halves = {"reporting": ("test", "reporting"), "tuning": ("dev", "tuning"),
              **{s: (s, "reporting" if s == "test" else "tuning") for s in SPLITS}}
    if split not in halves:
        raise typer.BadParameter(", ".join(halves), param_hint="--split")
    if set_ not in ("ecbplus", "fnc1", "all"):
        raise typer.BadParameter("ecbplus, fnc1 or all", param_hint="--set")
    settings = settings_from()
    data_dir = data or default_data_dir()
    ecb_split, fnc_half = halves[split]
    reports: dict[str, Any] = {}
    if set_ in ("ecbplus", "all"):
        reports["ecbplus"] = evaluate_linking(data_dir, ecb_split, model=settings.spacy_model,
                                              limit=limit, workers=workers)
    if set_ in ("fnc1", "all"):
        reports["fnc1"] = evaluate_stance(data_dir, fnc_half, model=settings.spacy_model,
                                          limit=limit)
    if fmt is Format.table:
        for name, report in reports.items():
            _show(f"linking/{name}", report, fmt)
            if not isinstance(report["seconds"], dict):  # a dict is shown as a section
                typer.echo(f"  seconds: {report['seconds']}")
    else:
        typer.echo(to_json(next(iter(reports.values())) if len(reports) == 1
                           else {"split": split, **reports}))
    ok = True
    if gate and "fnc1" in reports:
        if fnc_half != load_floors()["fnc1"]["split"] or limit is not None:
            err.print("gate: fnc1 is checked on its full tuning half only")
        else:
            ok = _gate("fnc1", reports["fnc1"], True)
    raise typer.Exit(0 if ok else 1)


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
