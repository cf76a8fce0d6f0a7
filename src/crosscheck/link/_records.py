"""The story record of DESIGN.md, built from what the store returns."""

from __future__ import annotations

from typing import Any

from crosscheck.errors import InputError
from crosscheck.store import Store

__all__ = ["story_record"]


def story_record(store: Store, story_id: str) -> dict[str, Any]:
    """One story: ``id, label, start, end, articles [{id, url, outlet, published}],
    entities[]`` (plus ``corroborations``, ``contradictions`` and ``series``, empty until
    claims are linked). Articles are in time order; near copies are listed under the
    article they copy (``copies``), so each text counts once. An undated article carries
    its story's median date as ``date`` with ``date_estimated: true``.

    Raises :class:`InputError` when no story (or more than one) has this id or prefix."""
    story = store.get_story(story_id)
    if story is None:
        raise InputError(story_id, "no such story (or the prefix is ambiguous); "
                         "list them with `crosscheck stories`")
    articles: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    copies = []
    for m in story["members"]:
        entry = {"id": m["id"], "url": m["url"], "outlet": m["outlet"],
                 "published": m["published"], "title": m["title"], "date": m["date"],
                 "date_estimated": bool(m["date_estimated"] and m["date"]),
                 "score": m["score"],
                 "copies": []}
        if m["copy_of"]:
            copies.append((m["copy_of"], entry))
            continue
        articles.append(entry)
        by_id[m["id"]] = entry
    for original, entry in copies:
        entry.pop("copies")
        if original in by_id:
            by_id[original]["copies"].append(entry)
        else:  # pragma: no cover - a copy whose original left the story
            articles.append({**entry, "copies": []})
    return {
        "id": story["id"],
        "label": story["label"],
        "start": story["start"],
        "end": story["end"],
        "articles": articles,
        "entities": [{"id": e["id"], "name": e["name"] or e["id"].split(":", 1)[-1],
                      "type": e["type"] or e["id"].split(":", 1)[0], "articles": e["articles"]}
                     for e in story["entities"]],
        **_claims_of(store, story["id"]),
        "size": story["articles"],
        "version": story["version"],
    }


#: a story record lists at most this many claims on its board, contradictions and
#: corroborations (the strongest first; ``*_total`` count them all, and `crosscheck claims
#: --story ID` or ``/api/claims?story=ID`` page through every one), each with at most this
#: many sources per stance (``asserted_total``/``denied_total`` count them all)
BOARD_CLAIMS = 100
LISTED_CLAIMS = 50
SOURCES_PER_STANCE = 10
SERIES_POINTS = 100  # points per figure series (evenly thinned, first and last kept)


def _thin(points: list[dict[str, Any]], keep: int) -> list[dict[str, Any]]:
    if len(points) <= keep:
        return points
    step = (len(points) - 1) / (keep - 1)
    return [points[round(i * step)] for i in range(keep)]


def _claims_of(store: Store, story_id: str) -> dict[str, Any]:
    rows = list(store.iter_claims(story_id=story_id, evidence=False))  # strongest first
    contradictions = [c for c in rows if c["verdict"] == "contradiction"]
    corroborations = [c for c in rows if c["verdict"] == "corroboration"]
    board = rows[:BOARD_CLAIMS]
    shown = {c["id"]: c for c in (board + contradictions[:LISTED_CLAIMS]
                                  + corroborations[:LISTED_CLAIMS])}
    sources = store.claim_sources(list(shown), per_stance=SOURCES_PER_STANCE)
    entries = {cid: _claim_entry({**c, **sources[cid]}) for cid, c in shown.items()}
    return {
        "corroborations": [{"proposition": e["proposition"], "claim_id": e["id"],
                            "kind": e["kind"], "sources": e["asserted_by"]}
                           for e in (entries[c["id"]]
                                     for c in corroborations[:LISTED_CLAIMS])],
        "contradictions": [{"proposition": e["proposition"], "claim_id": e["id"],
                            "kind": e["kind"], "asserted_by": e["asserted_by"],
                            "denied_by": e["denied_by"]}
                           for e in (entries[c["id"]]
                                     for c in contradictions[:LISTED_CLAIMS])],
        "series": [{"id": s["id"], "counted": s["counted"], "place": s["place"],
                    "place_inferred": bool(s["place_inferred"]),
                    "points": _thin(s["points"], SERIES_POINTS),
                    "points_total": len(s["points"])}
                   for s in store.iter_series(story_id=story_id)],
        "claims": [entries[c["id"]] for c in board],
        "claims_total": len(rows),
        "contradictions_total": len(contradictions),
        "corroborations_total": len(corroborations),
    }


def _claim_entry(c: dict[str, Any]) -> dict[str, Any]:
    return {"id": c["id"], "proposition": c["label"], "kind": c["kind"],
            "verdict": c["verdict"], "event_type": c["event_type"],
            "sub_event_type": c["sub_event_type"], "modality": c["modality"],
            "actor_side": c["actor_side"], "place": c["place"], "counted": c["counted"],
            "start": c["date_start"], "end": c["date_end"],
            "asserting_sources": c["asserting_sources"],
            "denying_sources": c["denying_sources"], "weight": c["weight"],
            "asserted_by": c["asserted_by"], "denied_by": c["denied_by"],
            "asserted_total": c["asserted_total"], "denied_total": c["denied_total"]}
