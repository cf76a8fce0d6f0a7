"""crosscheck claims | contradictions | series"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

import typer

from crosscheck.cli._common import DbOption, FormatOption, LimitOption, app, friendly, settings_from
from crosscheck.cli._output import Format, emit_records
from crosscheck.store import open_store

CLAIM_COLUMNS = ["verdict", "proposition", "start", "end", "asserted_by", "denied_by",
                 "story_id", "id"]
SERIES_COLUMNS = ["counted", "place", "points", "story_id", "id"]

StoryOption = Annotated[str | None, typer.Option("--story", help="Only this story's.")]
SideOption = Annotated[str | None, typer.Option(
    help="Only claims with a source on this side (e.g. Russia, Ukraine).")]
KindOption = Annotated[str | None, typer.Option(
    "--kind", help="event (a proposition about an event), statement (what was said, lined "
    "up across articles) or figure (a counted quantity).")]


def _who(sources: list[dict[str, Any]]) -> str:
    names = []
    for s in sources:
        who = s["speaker"] or s["outlet"] or s["origin"]
        side = f" ({s['side']})" if s["side"] else ""
        value = f" {_number(s)}" if s.get("quantity_id") else ""
        names.append(f"{who}{side}{value}")
    return "; ".join(dict.fromkeys(names))


def _number(s: dict[str, Any]) -> str:
    if s.get("value") is not None:
        return f"{s['value']:g}"
    low, high = s.get("low"), s.get("high")
    return f"{low:g}-{high:g}" if low is not None and high is not None else "?"


def _claim_rows(rows: Iterable[dict[str, Any]], fmt: Format) -> Iterator[dict[str, Any]]:
    for c in rows:
        record = {"id": c["id"], "story_id": c["story_id"], "kind": c["kind"],
                  "verdict": c["verdict"], "proposition": c["label"],
                  "event_type": c["event_type"], "sub_event_type": c["sub_event_type"],
                  "modality": c["modality"], "actor_side": c["actor_side"],
                  "place": c["place"], "counted": c["counted"], "start": c["date_start"],
                  "end": c["date_end"], "asserting_sources": c["asserting_sources"],
                  "denying_sources": c["denying_sources"], "weight": c["weight"],
                  "asserted_by": c["asserted_by"], "denied_by": c["denied_by"]}
        if fmt is not Format.json:
            record["asserted_by"] = _who(c["asserted_by"])
            record["denied_by"] = _who(c["denied_by"])
        yield record


def _list_claims(verdict: str | None, story: str | None, side: str | None, kind: str | None,
                 db: str | None, fmt: Format, limit: int | None) -> None:
    settings = settings_from(db=db)
    if fmt is Format.table and limit is None:
        limit = 50
    with open_store(settings.db, create=False) as store:
        rows = store.iter_claims(story_id=story, verdict=verdict, side=side, kind=kind,
                                 limit=limit)
        emit_records(_claim_rows(rows, fmt), CLAIM_COLUMNS, fmt,
                     widths={"proposition": 50, "asserted_by": 60, "denied_by": 60})


@app.command("contradictions")
@friendly
def contradictions_command(
    story: StoryOption = None, side: SideOption = None, kind: KindOption = None,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """Propositions asserted by some sources and denied by others, and figures for one
    quantity, place and day that cannot all hold; each with its sources and evidence.

    Example: crosscheck contradictions --side Russia --format json
    """
    _list_claims("contradiction", story, side, kind, db, fmt, limit)


@app.command("claims")
@friendly
def claims_command(
    verdict: Annotated[str | None, typer.Option(
        help="contradiction, corroboration or single.")] = None,
    story: StoryOption = None, side: SideOption = None, kind: KindOption = None,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """Every proposition lined up across articles: who asserts it, who denies it, with the
    verdict (contradictions first, then the most independently sourced).

    Example: crosscheck claims --verdict corroboration --story s1a2b3
    """
    if verdict not in (None, "contradiction", "corroboration", "single"):
        raise typer.BadParameter("contradiction, corroboration or single",
                                 param_hint="--verdict")
    _list_claims(verdict, story, side, kind, db, fmt, limit)


@app.command("series")
@friendly
def series_command(
    story: StoryOption = None,
    counted: Annotated[str | None, typer.Option(
        help="What is counted: civilians, dead, evacuated, ...")] = None,
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
) -> None:
    """Figures over time: numeric claims about one counted quantity at one place, as dated
    points by source (`--format json` for every point).

    Example: crosscheck series --counted civilians
    """
    settings = settings_from(db=db)
    with open_store(settings.db, create=False) as store:
        rows: Iterable[dict[str, Any]] = store.iter_series(story_id=story, counted=counted)
        if limit:
            rows = (r for i, r in enumerate(rows) if i < limit)
        if fmt is not Format.json:
            rows = ({**r, "points": "; ".join(
                f"{p['date'] or '?'}{'~' if p['date_estimated'] else ''} "
                f"{_number(p)} ({p['speaker'] or p['outlet'] or p['origin']})"
                for p in r["points"])} for r in rows)
        emit_records(rows, SERIES_COLUMNS, fmt, widths={"points": 120})
