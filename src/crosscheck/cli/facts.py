"""crosscheck process | statements | quantities | entities"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crosscheck.cli._common import (
    DbOption,
    FormatOption,
    LimitOption,
    app,
    err,
    friendly,
    settings_from,
)
from crosscheck.cli._output import Format, emit_records, to_json
from crosscheck.process import ProcessReport, process
from crosscheck.store import open_store

ModelOption = Annotated[str | None, typer.Option(
    "--spacy-model", help="Installed spaCy English pipeline [env CROSSCHECK_SPACY_MODEL].")]
SpeakerOption = Annotated[str | None, typer.Option(help="Speaker name contains this.")]
SideOption = Annotated[str | None, typer.Option(
    help="Ukraine, Russia, international, third country, media.")]
SinceOption = Annotated[str | None, typer.Option(help="On or after YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option(help="On or before YYYY-MM-DD.")]
ArticleOption = Annotated[str | None, typer.Option(help="Only this article (id prefix).")]


@app.command("process")
@friendly
def process_command(
    db: DbOption = None,
    model: ModelOption = None,
    reprocess: Annotated[bool, typer.Option(
        "--reprocess", help="Also redo articles an older extractor version processed.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes [default: one per core].", min=1)] = None,
    limit: Annotated[int | None, typer.Option(help="At most N articles.", min=1)] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.table,
) -> None:
    """Parse every unprocessed article once and store its entities, statements, figures
    and dates. Resumable: a killed run keeps what it committed; rerun to go on.

    Example: crosscheck process --workers 2
    """
    settings = settings_from(db=db, spacy_model=model)
    progress = Progress(TextColumn("processing"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err, transient=True,
                        disable=not err.is_terminal)
    with open_store(settings.db, create=False) as store, progress:
        task = progress.add_task("process", total=None)

        def on_progress(report: ProcessReport) -> None:
            progress.update(task, total=report.selected, completed=report.processed)

        report = process(store, model=settings.spacy_model, workers=workers,
                         reprocess=reprocess, limit=limit, on_progress=on_progress)
    if fmt is Format.json:
        typer.echo(to_json(report.to_dict()))
    else:
        typer.echo(f"processed {report.processed} of {report.selected} articles "
                   f"(extractor {report.version}): {report.statements} statements, "
                   f"{report.quantities} figures, {report.mentions} entity mentions; linked "
                   f"{report.linked} ({report.stories_opened} new stories, "
                   f"{report.duplicates} near duplicates)")


STATEMENT_COLUMNS = ["id", "published", "outlet", "speaker_name", "speaker_side", "kind",
                     "stance", "cue_text", "content_text", "channel", "date"]


@app.command("statements")
@friendly
def statements_command(
    speaker: SpeakerOption = None, side: SideOption = None, since: SinceOption = None,
    until: UntilOption = None, article: ArticleOption = None,
    stance: Annotated[str | None, typer.Option(help="asserts or denies.")] = None,
    kind: Annotated[str | None, typer.Option(
        help="direct, indirect, partial, headline or unattributed.")] = None,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """Who said (or denied) what, with cue, content, channel and date.

    Example: crosscheck statements --side Russia --stance denies --format json
    """
    settings = settings_from(db=db)
    if fmt is Format.table and limit is None:
        limit = 50
    with open_store(settings.db, create=False) as store:
        rows = store.iter_statements(speaker=speaker, side=side, since=since, until=until,
                                     article=article, stance=stance, kind=kind, limit=limit)
        emit_records(rows, STATEMENT_COLUMNS, fmt,
                     widths={"content_text": 70, "id": 22, "outlet": 16})


QUANTITY_COLUMNS = ["id", "text", "value", "low", "high", "qualifier", "counted", "place",
                    "as_of", "claimed_on", "speaker", "hedged", "outlet"]


@app.command("quantities")
@friendly
def quantities_command(
    counted: Annotated[str | None, typer.Option(
        help="civilians, soldiers, dead, wounded, evacuated, captives, displaced, …")] = None,
    speaker: SpeakerOption = None, side: SideOption = None, since: SinceOption = None,
    until: UntilOption = None, article: ArticleOption = None,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """Figures claimed in the articles: value or range, qualifier, what is counted, where,
    as of when, claimed by whom.

    Example: crosscheck quantities --counted dead --format csv
    """
    settings = settings_from(db=db)
    if fmt is Format.table and limit is None:
        limit = 50
    with open_store(settings.db, create=False) as store:
        rows = store.iter_quantities(counted=counted, speaker=speaker, since=since,
                                     until=until, article=article, side=side, limit=limit)
        emit_records(rows, QUANTITY_COLUMNS, fmt, widths={"id": 22, "text": 40})


ENTITY_COLUMNS = ["key", "name", "type", "side", "mentions", "articles", "lat", "lon",
                  "geo_precision", "roles", "aliases"]


@app.command("entities")
@friendly
def entities_command(
    name: Annotated[str | None, typer.Option(help="Name contains this.")] = None,
    type_: Annotated[str | None, typer.Option(
        "--type", help="PERSON, ORG, GPE, LOC, FAC or NORP.")] = None,
    side: SideOption = None, article: ArticleOption = None,
    speaker: Annotated[str | None, typer.Option(
        help="Only entities quoted as speakers, named like this.")] = None,
    since: Annotated[str | None, typer.Option(
        help="Mentioned in articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(
        help="Mentioned in articles published on or before YYYY-MM-DD.")] = None,
    per_key: Annotated[bool, typer.Option(
        "--per-key", help="One row per extracted entity key, not per corpus-wide entity.")
    ] = False,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """People, organisations, groups, places and facilities, with roles, side and
    coordinates, most mentioned first: one row per corpus-wide entity (every spelling
    and form linked to it: aliases, keys, roles and sides with counts, articles).

    Example: crosscheck entities --type PERSON --side Russia --speaker peskov
    """
    settings = settings_from(db=db)
    if fmt is Format.table and limit is None:
        limit = 50
    with open_store(settings.db, create=False) as store:
        rows = store.iter_entities(type_=type_, side=side, name=name, article=article,
                                   speaker=speaker, since=since, until=until, limit=limit,
                                   linked=not per_key)
        emit_records(rows, ENTITY_COLUMNS, fmt, widths={"aliases": 40, "roles": 40})


EVENT_COLUMNS = ["id", "date", "event_type", "sub_event_type", "status", "actor_name",
                 "actor_side", "target_name", "location_name", "geo_precision", "fatalities",
                 "outlet", "evidence_text"]


@app.command("events")
@friendly
def events_command(
    event_type: Annotated[str | None, typer.Option(
        "--type", help="ACLED event or sub-event type, or PLOVER type, contains this.")] = None,
    actor: Annotated[str | None, typer.Option(help="Actor's name contains this.")] = None,
    side: Annotated[str | None, typer.Option(help="Actor's side.")] = None,
    place: Annotated[str | None, typer.Option(help="Location contains this.")] = None,
    since: SinceOption = None, until: UntilOption = None,
    status: Annotated[str | None, typer.Option(
        help="reported, claimed, denied, planned, ordered, called_off, hypothetical.")] = None,
    article: ArticleOption = None,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """Events: who did what to whom, where and when, with ACLED and PLOVER types and the
    status the text gives them.

    Example: crosscheck events --type "air/drone" --side Russia --since 2022-04-01
    """
    settings = settings_from(db=db)
    if fmt is Format.table and limit is None:
        limit = 50
    with open_store(settings.db, create=False) as store:
        rows = store.iter_events(event_type=event_type, actor=actor, side=side, place=place,
                                 since=since, until=until, status=status, article=article,
                                 limit=limit)
        emit_records(rows, EVENT_COLUMNS, fmt, widths={"evidence_text": 60, "id": 22})
