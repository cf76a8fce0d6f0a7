"""crosscheck export articles | entities | statements | quantities | events | stories |
network | claims: thin shells over :mod:`crosscheck.export`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any, TextIO, cast

import typer

from crosscheck.cli._common import DbOption, LimitOption, app, err, friendly, settings_from
from crosscheck.errors import ConfigError
from crosscheck.export import write_events
from crosscheck.export.network import NETWORK_FORMATS, write_network
from crosscheck.export.records import FORMATS, write_records
from crosscheck.store import open_store

export_app = typer.Typer(
    help="Write records for other tools (CSV, JSONL, Parquet, ACLED-style CSV, GeoJSON, "
    "GEXF), to standard output or --output.\n\n"
    "Example: crosscheck export statements --format parquet --output statements.parquet",
    no_args_is_help=True)
app.add_typer(export_app, name="export")

OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file instead of standard output.")]
RecordFormat = Annotated[str, typer.Option(
    "--format", "-f", help="csv (nested fields flattened to columns), jsonl (records as "
    "in the JSON API) or parquet (needs --output or a redirect).")]
SinceOption = Annotated[str | None, typer.Option(help="On or after YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option(help="On or before YYYY-MM-DD.")]
SideOption = Annotated[str | None, typer.Option(
    help="Ukraine, Russia, international, third country, media.")]
SpeakerOption = Annotated[str | None, typer.Option(help="Speaker name contains this.")]
ArticleOption = Annotated[str | None, typer.Option(help="Only this article (id prefix).")]

_SINGULAR = {"articles": "article", "entities": "entity", "statements": "statement",
             "quantities": "quantity", "events": "event", "stories": "story"}
#: Formats whose bytes are not text: refused on a terminal.
_BINARY = {"parquet"}


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@contextmanager
def open_output(output: Path | None, fmt: str, *, binary: bool = False) -> Iterator[IO[Any]]:
    """The stream an export writes to: ``output`` (created or replaced), else standard
    output; binary formats refuse a terminal."""
    if output is not None:
        handle: IO[Any] = (output.open("wb") if binary
                           else output.open("w", encoding="utf-8", newline=""))
        with handle:
            yield handle
        return
    if binary and fmt in _BINARY and _stdout_is_terminal():
        raise ConfigError(f"--format {fmt} writes binary data: give --output FILE "
                          "(or redirect standard output to a file)")
    if binary:
        sys.stdout.flush()
        yield sys.stdout.buffer
    else:
        yield sys.stdout


def _check(fmt: str, allowed: tuple[str, ...], kind: str) -> None:
    if fmt not in allowed:
        raise ConfigError(f"--format: unknown {kind} export format {fmt!r} "
                          f"({', '.join(allowed)})")


def _export(kind: str, fmt: str, output: Path | None, db: str | None, /,
            **filters: Any) -> None:
    """Write one kind of record with :func:`crosscheck.export.records.write_records`."""
    _check(fmt, FORMATS, _SINGULAR[kind])
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store, \
            open_output(output, fmt, binary=fmt in _BINARY) as out:
        count = write_records(store, kind, fmt, out, **filters)
    if output:
        err.print(f"wrote {count} {kind} to {output}")


@export_app.command("articles")
@friendly
def export_articles(
    fmt: RecordFormat = "jsonl", output: OutputOption = None,
    query: Annotated[str | None, typer.Option(help="Full-text search terms.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: SinceOption = None, until: UntilOption = None,
    limit: LimitOption = None, db: DbOption = None,
) -> None:
    """Articles: id, URL, outlet, title, date and analysed text.

    Example: crosscheck export articles --format csv --since 2022-04-01 -o articles.csv
    """
    _export("articles", fmt, output, db, query=query, outlet=outlet, since=since,
            until=until, limit=limit)


@export_app.command("entities")
@friendly
def export_entities(
    fmt: RecordFormat = "jsonl", output: OutputOption = None,
    name: Annotated[str | None, typer.Option(help="Name contains this.")] = None,
    type_: Annotated[str | None, typer.Option(
        "--type", help="PERSON, ORG, GPE, LOC, FAC or NORP.")] = None,
    side: SideOption = None, article: ArticleOption = None,
    speaker: Annotated[str | None, typer.Option(
        help="Only entities quoted as speakers, named like this.")] = None,
    since: SinceOption = None, until: UntilOption = None,
    limit: LimitOption = None, db: DbOption = None,
) -> None:
    """Entities with aliases, roles, side and coordinates, most mentioned first.

    Example: crosscheck export entities --type PERSON --format parquet -o people.parquet
    """
    _export("entities", fmt, output, db, name=name, type_=type_, side=side, article=article,
            speaker=speaker, since=since, until=until, limit=limit)


@export_app.command("statements")
@friendly
def export_statements(
    fmt: RecordFormat = "jsonl", output: OutputOption = None,
    speaker: SpeakerOption = None, side: SideOption = None,
    since: SinceOption = None, until: UntilOption = None, article: ArticleOption = None,
    stance: Annotated[str | None, typer.Option(help="asserts or denies.")] = None,
    kind: Annotated[str | None, typer.Option(
        help="direct, indirect, partial, headline or unattributed.")] = None,
    limit: LimitOption = None, db: DbOption = None,
) -> None:
    """Who said (or denied) what: speaker, cue and content with their spans.

    Example: crosscheck export statements --side Russia --stance denies --format csv
    """
    _export("statements", fmt, output, db, speaker=speaker, side=side, since=since,
            until=until, article=article, stance=stance, kind=kind, limit=limit)


@export_app.command("quantities")
@friendly
def export_quantities(
    fmt: RecordFormat = "jsonl", output: OutputOption = None,
    counted: Annotated[str | None, typer.Option(
        help="civilians, soldiers, dead, wounded, evacuated, captives, displaced, …")] = None,
    speaker: SpeakerOption = None, side: SideOption = None,
    since: SinceOption = None, until: UntilOption = None, article: ArticleOption = None,
    limit: LimitOption = None, db: DbOption = None,
) -> None:
    """Figures: value or range, qualifier, what is counted, where, when, by whom.

    Example: crosscheck export quantities --counted dead --format csv -o dead.csv
    """
    _export("quantities", fmt, output, db, counted=counted, speaker=speaker, side=side,
            since=since, until=until, article=article, limit=limit)


@export_app.command("events")
@friendly
def export_events(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="acled-csv, geojson (located events only), jsonl, csv "
        "(flattened records) or parquet.")] = "acled-csv",
    output: OutputOption = None,
    event_type: Annotated[str | None, typer.Option("--type", help="Event type contains.")]
    = None,
    actor: Annotated[str | None, typer.Option(help="Actor's name contains this.")] = None,
    side: Annotated[str | None, typer.Option(help="Actor's side.")] = None,
    place: Annotated[str | None, typer.Option(help="Location contains this.")] = None,
    status: Annotated[str | None, typer.Option(help="reported, claimed, denied, …")] = None,
    since: SinceOption = None, until: UntilOption = None, article: ArticleOption = None,
    limit: LimitOption = None, db: DbOption = None,
) -> None:
    """Events as an ACLED-style table with a character span for every field, as GeoJSON
    points, as JSONL records, or flattened to CSV or Parquet.

    Example: crosscheck export events --format geojson --output events.geojson
    """
    _check(fmt, ("acled-csv", "geojson", "jsonl", "csv", "parquet"), "event")
    filters: dict[str, Any] = {
        "event_type": event_type, "actor": actor, "side": side, "place": place,
        "status": status, "since": since, "until": until, "article": article, "limit": limit}
    if fmt in ("csv", "parquet"):
        _export("events", fmt, output, db, **filters)
        return
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store, open_output(output, fmt) as out:
        count = write_events(store, cast(TextIO, out), fmt, **filters)
    if output:
        err.print(f"wrote {count} events to {output}")


@export_app.command("stories")
@friendly
def export_stories(
    fmt: RecordFormat = "jsonl", output: OutputOption = None,
    entity: Annotated[str | None, typer.Option(
        help="Only stories with an entity whose name contains this.")] = None,
    since: SinceOption = None, until: UntilOption = None,
    limit: LimitOption = None, db: DbOption = None,
) -> None:
    """Stories: clusters of articles about one developing event, with their members and
    key entities (CSV and Parquet list member ids, outlets and entities per story).

    Example: crosscheck export stories --since 2022-05-01 --format jsonl
    """
    _export("stories", fmt, output, db, entity=entity, since=since, until=until,
            limit=limit)


@export_app.command("network")
@friendly
def export_network(
    fmt: Annotated[str, typer.Option("--format", "-f", help="gexf.")] = "gexf",
    output: OutputOption = None,
    speaker: SpeakerOption = None, side: SideOption = None,
    since: SinceOption = None, until: UntilOption = None, article: ArticleOption = None,
    db: DbOption = None,
) -> None:
    """The who-said-what network: speakers and the entities their statements mention;
    edges weighted by statements, with counts of assertions and denials.

    Example: crosscheck export network --format gexf --output who-said-what.gexf
    """
    _check(fmt, NETWORK_FORMATS, "network")
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store, \
            open_output(output, fmt, binary=True) as out:
        nodes, edges = write_network(store, out, fmt, speaker=speaker, side=side,
                                     since=since, until=until, article=article)
    if output:
        err.print(f"wrote {nodes} nodes and {edges} edges to {output}")


# -- claims ---------------------------------------------------------------------------------

@export_app.command("claims")
@friendly
def export_claims(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl (claims with their "
                                     "sources) or claimreview (schema.org ClaimReview).")
                   ] = "jsonl",
    output: OutputOption = None,
    verdict: Annotated[str | None, typer.Option(
        help="contradiction, corroboration or single.")] = None,
    story: Annotated[str | None, typer.Option(help="Only this story's claims.")] = None,
    db: DbOption = None,
) -> None:
    """Claims lined up across articles, one JSON object per line: as stored (with who
    asserts and who denies, and the evidence spans) or as ClaimReview-shaped records.

    Example: crosscheck export claims --format claimreview --verdict contradiction
    """
    from crosscheck.export.claims import CLAIM_FORMATS, write_claims

    _check(fmt, CLAIM_FORMATS, "claim")
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store, open_output(output, fmt) as out:
        count = write_claims(store, fmt, cast(TextIO, out), verdict=verdict, story_id=story)
    if output:
        err.print(f"wrote {count} claims to {output}")
