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
        "corroborations": [],
        "contradictions": [],
        "series": [],
        "size": story["articles"],
        "version": story["version"],
    }
