"""The HTML pages: ``/``, ``/stories``, ``/stories/{id}``, ``/articles``, ``/articles/{id}``
and ``/entities/{id}``, server-rendered with Jinja2 (autoescaped) over the same records as
the JSON API; each page links to its JSON twin under ``/api/``.

Data that a page's script draws (the figure chart, the map, the network, the facts behind
highlighted spans) travels in a ``<script type="application/json">`` block, never executed;
every page is sent with a Content-Security-Policy that allows scripts and styles from the
app itself only. Every asset (CSS, JS, the basemap of country outlines) is bundled under
``/static``: the pages work offline.

The page builders (:func:`story_page_data`, :func:`article_page_data`, ...) are plain
functions of a :class:`~crosscheck.store.Store`; the routes only render what they return.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from sqlalchemy import func, select

from crosscheck.api import TEMPLATES_DIR, _queries
from crosscheck.api._cache import RecordCache
from crosscheck.api.deps import StoreDep
from crosscheck.errors import InputError
from crosscheck.export.events import event_record
from crosscheck.export.records import (
    article_record,
    entity_record,
    quantity_record,
    statement_record,
)
from crosscheck.store import Store, schema

__all__ = [
    "CSP",
    "SIDES",
    "article_page_data",
    "entity_page_data",
    "json_script",
    "router",
    "story_page_data",
]

#: The Content-Security-Policy of every page: nothing from outside, no inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
#: The sides a filter offers (the store's values, compared without case).
SIDES = ("Ukraine", "Russia", "international", "third country", "media")
PAGE_SIZE = 50

router = APIRouter(include_in_schema=False)


# -- rendering --------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["side_class"] = side_class
    env.filters["entity_url"] = entity_path
    env.filters["number"] = _number
    return env


def json_script(data: Any) -> Markup:
    """``data`` as JSON safe to place inside ``<script type="application/json">``: no
    ``<``, ``>`` or ``&`` survive (they become ``\\u003c`` ...), so no text can close the
    element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, default=_default, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return None


_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer"}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    html = _environment().get_template(template).render(
        root=root, static=f"{root}/static", path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def not_found(request: Request, what: str, key: str, listing: str) -> HTMLResponse:
    return render(request, "error.html", status=404, title="Not found",
                  message=f"No {what} has the id {key!r} (or the prefix is ambiguous).",
                  listing=listing)


def side_class(side: str | None) -> str:
    """The CSS class that colours a side: ``side-ukraine``, ``side-russia``, ...,
    ``side-none`` when unknown."""
    if not side:
        return "side-none"
    return "side-" + "-".join(side.lower().split())


def entity_path(entity_id: str) -> str:
    """The path part of an entity page (ids hold ':' and spaces: ``PERSON:dmitry%20peskov``)."""
    return quote(entity_id, safe=":/")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def _day(value: str | None) -> str | None:
    """A date filter as typed; invalid ones are dropped (the page says so)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _offset(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def _pager(request: Request, offset: int, total: int) -> dict[str, str | None]:
    def at(n: int) -> str:
        params = dict(request.query_params)
        params["offset"] = str(n)
        return f"{request.url.path}?{urlencode(params)}"

    return {"prev": at(max(0, offset - PAGE_SIZE)) if offset > 0 else None,
            "next": at(offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None}


def _outlets(store: Store) -> list[str]:
    a = schema.articles
    with store.engine.connect() as conn:
        return [o for o in conn.scalars(select(a.c.outlet).where(a.c.outlet.is_not(None))
                                         .distinct().order_by(a.c.outlet)) if o]


def _marked(snippet: str, highlights: list[list[int]]) -> list[tuple[str, bool]]:
    """A search snippet as ``(text, matched)`` pieces (escaped by the template)."""
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(highlights):
        if start < at:
            continue
        parts.append((snippet[at:start], False))
        parts.append((snippet[start:end], True))
        at = end
    parts.append((snippet[at:], False))
    return [p for p in parts if p[0]]


# -- page data --------------------------------------------------------------------------

#: timeline entries a story page shows (the JSON API pages through all statements/events)
TIMELINE_ITEMS = 400


def story_page_data(store: Store, story_id: str) -> dict[str, Any]:
    """Everything the story page shows: the story record of the JSON API (``story``), the
    ``timeline`` of statements and events of its articles in date order (the first
    :data:`TIMELINE_ITEMS`; ``timeline_total`` counts them all), the ``claims`` board
    (contradictions first), the figure ``series``, the located ``places`` for the map and
    the who-said-what ``network``. Near copies add nothing: their original's facts count.

    Raises :class:`InputError` for an unknown id."""
    from crosscheck.link import story_record

    record = story_record(store, story_id)
    timeline = _queries.story_timeline(store.engine, record["id"], limit=TIMELINE_ITEMS)
    chart = [{"id": s["id"], "counted": s["counted"], "place": s["place"],
              "points": s["points"]} for s in record["series"]]
    return {"story": record, "timeline": timeline.items, "timeline_total": timeline.total,
            "claims": record["claims"], "series": chart,
            "places": _queries.story_places(store.engine, record["id"]),
            "network": _queries.story_network(store.engine, record["id"])}


def _removed_at(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The boilerplate cleaning removed, each placed at the clean position where it was."""
    out = []
    segments = [tuple(s) for s in (row.get("offsets") or [])]
    size = len(row["text"])
    for piece in row.get("removed") or []:
        at = 0
        for clean_start, raw_start, length in segments:
            if raw_start + length <= piece["start"]:
                at = clean_start + length
            else:
                break
        out.append({"at": min(at, size), "text": piece["text"], "rule": piece["rule"]})
    return out


def article_page_data(store: Store, article_id: str) -> dict[str, Any] | None:
    """The article page: the record with its facts (the records of ``/api/articles/{id}``)
    and ``pieces``, the text cut at every span boundary so that each piece names the facts
    that cover it (``None`` for an unknown id)."""
    row = store.get_article(article_id)
    if row is None:
        return None
    facts = store.facts(row["id"])
    extra = {"outlet": row["outlet"], "published": row["published"]}
    text: str = row["text"] or ""
    records: dict[str, dict[str, Any]] = {}
    spans: list[tuple[int, int, str, str]] = []   # start, end, kind, fact id

    def add(kind: str, fid: str, start: int | None, end: int | None,
            record: dict[str, Any]) -> None:
        records[fid] = {**record, "fact": kind}
        if start is not None and end is not None and 0 <= start < end <= len(text):
            spans.append((start, end, kind, fid))

    for m in facts["mentions"]:
        fid = f"m{m['id']}"
        add("entity", fid, m["start"], m["end"], {
            "id": fid, "text": m["text"], "type": m["type"], "entity_id": m["entity_key"],
            "role": m["role"], "side": m["side"], "start": m["start"], "end": m["end"]})
    for s in facts["statements"]:
        rec = statement_record({**s, **extra})
        add("statement", s["id"], s["content_start"], s["content_end"], rec)
        if s["speaker_start"] is not None:
            spans.append((s["speaker_start"], s["speaker_end"], "speaker", s["id"]))
        if s["cue_start"] is not None:
            spans.append((s["cue_start"], s["cue_end"], "cue", s["id"]))
    for q in facts["quantities"]:
        add("figure", q["id"], q["start"], q["end"], quantity_record({**q, **extra}))
    for e in facts["events"]:
        rec = event_record({**e, **extra, "url": row["url"]})
        start, end = e["trigger_start"], e["trigger_end"]
        if start is None:
            start, end = e["evidence_start"], e["evidence_end"]
        add("event", e["id"], start, end, rec)
    for d in facts["dates"]:
        fid = f"d{d['id']}"
        add("date", fid, d["start"], d["end"], {
            "id": fid, "text": d["text"], "value": d["value"], "precision": d["precision"],
            "start": d["start"], "end": d["end"]})
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    removed = _removed_at(row)
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans),
                   *(r["at"] for r in removed)})
    pieces: list[dict[str, Any]] = []
    by_at: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in removed:
        by_at[r["at"]].append(r)
    ends: list[int | None] = [*cuts[1:], None]
    for start, end in zip(cuts, ends, strict=True):
        for r in by_at.get(start, []):
            pieces.append({"removed": True, "text": r["text"], "rule": r["rule"]})
        if end is None:
            break
        covering = [s for s in spans if s[0] <= start and s[1] >= end]
        # innermost first: the shortest span is the most specific fact
        covering.sort(key=lambda s: (s[1] - s[0], s[2]))
        pieces.append({"removed": False, "text": text[start:end], "start": start,
                       "kinds": sorted({s[2] for s in covering}),
                       "facts": list(dict.fromkeys(s[3] for s in covering))})
    record = article_record(row)
    record.update(story_id=store.story_of([row["id"]]).get(row["id"]),
                  removed=list(row["removed"] or []))
    counts = Counter(r["fact"] for r in records.values())
    return {"article": record, "pieces": pieces, "facts": records, "counts": counts,
            "statements": [r for r in records.values() if r["fact"] == "statement"]}


def entity_page_data(store: Store, entity_id: str) -> dict[str, Any] | None:
    """The entity page: the record, its roles and side, what it said, what was said about
    it and the events it took part in, each list in date order (oldest first), and
    ``over_time``: how many of those fall on each day."""
    found = _queries.entity_detail(store.engine, entity_id, limit=500)
    if found is None:
        return None
    record = entity_record(found["entity"])
    said = [statement_record(r) for r in found["statements_by"].items]
    about = [statement_record(r) for r in found["statements_about"].items]
    events = ([{**event_record(r), "role": "actor"} for r in found["events_as_actor"].items]
              + [{**event_record(r), "role": "target"}
                 for r in found["events_as_target"].items])
    mentions = found["mentions"].items

    def when(r: dict[str, Any]) -> tuple[bool, str]:
        day = r.get("date") or r.get("published")
        return (day is None, day or "")

    for group in (said, about, events):
        group.sort(key=when)
    days: Counter[str] = Counter()
    for r in [*said, *about, *events]:
        day = r.get("date") or r.get("published")
        if day:
            days[day] += 1
    articles: dict[str, dict[str, Any]] = {}
    for m in mentions:
        entry = articles.setdefault(m["article_id"], {
            "id": m["article_id"], "title": m.get("title"), "outlet": m.get("outlet"),
            "published": m.get("published"), "spellings": Counter()})
        entry["spellings"][m["text"]] += 1
    return {"entity": record, "canonical": found["canonical"], "same_as": found["same_as"],
            "said": said, "said_total": found["statements_by"].total,
            "about": about, "about_total": found["statements_about"].total,
            "events": events, "mentions_total": found["mentions"].total,
            "articles": sorted(articles.values(), key=lambda a: a["published"] or ""),
            "over_time": sorted(days.items())}


# -- routes -----------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: StoreDep) -> HTMLResponse:
    stories = _queries.story_page(store.engine, limit=10)
    with store.engine.connect() as conn:
        claims = int(conn.scalar(select(func.count()).select_from(schema.claims)) or 0)
    contradictions = [c for c in store.iter_claims(verdict="contradiction", limit=8,
                                                   evidence=False)]
    return render(request, "home.html", title="crosscheck", stories=stories.items,
                  story_total=stories.total, articles=store.count_articles(),
                  claims=claims, contradictions=contradictions, api="/api")


@router.get("/search", response_class=RedirectResponse)
def search(q: str = "") -> RedirectResponse:
    return RedirectResponse(f"/articles?{urlencode({'q': q})}", status_code=303)


@router.get("/stories", response_class=HTMLResponse)
def stories(request: Request, store: StoreDep, q: str = "", since: str = "",
            until: str = "", outlet: str = "", side: str = "", place: str = "",
            entity: str = "", offset: str = "") -> HTMLResponse:
    start = _offset(offset)
    filters = {"q": q.strip(), "since": _day(since), "until": _day(until),
               "outlet": outlet.strip(), "side": side.strip(), "place": place.strip(),
               "entity": entity.strip()}
    bad = [name for name, value in (("since", since), ("until", until))
           if value and not _day(value)]
    page = _queries.story_page(store.engine, **{k: v or None for k, v in filters.items()},
                               limit=PAGE_SIZE, offset=start)
    api = "/api/stories?" + urlencode({k: v for k, v in filters.items() if v})
    return render(request, "stories.html", title="Stories", stories=page.items,
                  total=page.total, offset=start, filters=filters, bad=bad,
                  outlets=_outlets(store), sides=SIDES, pager=_pager(request, start, page.total),
                  api=api.rstrip("?"))


#: rendered story pages, kept while their story and its claims do not change
_PAGES = RecordCache()


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, store: StoreDep, story_id: str) -> HTMLResponse:
    stamp = store.story_stamp(story_id)  # None for a prefix: not cached
    key = f"{store.engine.url}#{request.scope.get('root_path', '')}#{story_id}"
    if stamp is not None:
        body = _PAGES.get(key, stamp)
        if body is not None:
            return HTMLResponse(body, headers=_HEADERS)
    try:
        data = story_page_data(store, story_id)
    except InputError:
        return not_found(request, "story", story_id, "/stories")
    record = data["story"]
    page = {"series": data["series"], "places": data["places"], "network": data["network"]}
    response = render(request, "story.html", title=record["label"] or record["id"], **data,
                      data=json_script(page), api=f"/api/stories/{quote(record['id'])}")
    if stamp is not None:
        _PAGES.put(key, stamp, bytes(response.body))
    return response


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, store: StoreDep, q: str = "", outlet: str = "",
             since: str = "", until: str = "", offset: str = "") -> HTMLResponse:
    start = _offset(offset)
    filters = {"q": q.strip(), "outlet": outlet.strip(), "since": _day(since),
               "until": _day(until)}
    bad = [name for name, value in (("since", since), ("until", until))
           if value and not _day(value)]
    common: dict[str, Any] = {"outlet": filters["outlet"] or None, "since": filters["since"],
              "until": filters["until"], "limit": PAGE_SIZE, "offset": start}
    if filters["q"]:
        page = _queries.search_page(store.engine, q=filters["q"], **common)
        for row in page.items:
            row["marked"] = _marked(row.get("snippet") or "", row.get("highlights") or [])
        api = "/api/search?"
    else:
        page = _queries.article_page(store.engine, q=None, **common)
        api = "/api/articles?"
    api += urlencode({k: v for k, v in filters.items() if v})
    return render(request, "articles.html", title="Articles", articles=page.items,
                  total=page.total, offset=start, filters=filters, bad=bad,
                  outlets=_outlets(store), pager=_pager(request, start, page.total),
                  api=api.rstrip("?"))


def _detail_page(request: Request, kind: str, plural: str, key: str,
                 data: dict[str, Any] | None, *, title: str, script: str,
                 listing: str) -> HTMLResponse:
    """The page of one ``kind`` (``article``, ``entity``): ``data[kind]`` is its record,
    rendered with ``{kind}.html``, ``data[script]`` travels to its script and its JSON twin
    is ``/api/{plural}/{id}``; the 404 page (back to ``listing``) when ``data`` is None."""
    if data is None:
        return not_found(request, kind, key, listing)
    record = data[kind]
    return render(request, f"{kind}.html", title=record[title] or record["id"], **data,
                  data=json_script({script: data[script]}),
                  api=f"/api/{plural}/{entity_path(record['id'])}")


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, store: StoreDep, article_id: str) -> HTMLResponse:
    return _detail_page(request, "article", "articles", article_id,
                        article_page_data(store, article_id), title="title", script="facts",
                        listing="/articles")


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity(request: Request, store: StoreDep, entity_id: str) -> HTMLResponse:
    return _detail_page(request, "entity", "entities", entity_id,
                        entity_page_data(store, entity_id), title="name", script="over_time",
                        listing="/stories")
