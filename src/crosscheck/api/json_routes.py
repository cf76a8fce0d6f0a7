"""The read-only JSON API under ``/api``: stories, articles, entities, statements, figures,
events, claims, contradictions and full-text search.

Listings answer ``{"ok": true, "items": [...], "total": n, "limit": .., "offset": ..,
"next": url-or-null}``; single records ``{"ok": true, "item": {...}}``; errors the envelope
of :mod:`crosscheck.api.errors`. Records are those of DESIGN.md, built by the same
functions as the exports (:mod:`crosscheck.export.records`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel

from crosscheck.api import _queries
from crosscheck.api._cache import RecordCache
from crosscheck.api._json import JSONOut
from crosscheck.api.deps import DateQuery, LimitQuery, OffsetQuery, StoreDep, day
from crosscheck.errors import InputError
from crosscheck.export.events import event_record
from crosscheck.export.records import (
    article_record,
    entity_record,
    quantity_record,
    statement_record,
)

__all__ = ["ErrorEnvelope", "ItemEnvelope", "ListEnvelope", "router"]


class ListEnvelope(BaseModel):
    ok: bool = True
    items: list[dict[str, Any]]
    total: int | None
    limit: int
    offset: int
    next: str | None


class ItemEnvelope(BaseModel):
    ok: bool = True
    item: dict[str, Any]


class ErrorEnvelope(BaseModel):
    ok: bool = False
    error: str
    status: int


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorEnvelope, "description": "Unknown id or route."},
    422: {"model": ErrorEnvelope, "description": "Invalid parameter."},
}

router = APIRouter(prefix="/api", tags=["records"], responses=_ERRORS,
                   default_response_class=JSONOut)


class Stance(StrEnum):
    asserts = "asserts"
    denies = "denies"


class StatementKind(StrEnum):
    direct = "direct"
    indirect = "indirect"
    partial = "partial"
    headline = "headline"
    unattributed = "unattributed"


class EventStatus(StrEnum):
    reported = "reported"
    claimed = "claimed"
    denied = "denied"
    planned = "planned"
    ordered = "ordered"
    called_off = "called_off"
    hypothetical = "hypothetical"


class Verdict(StrEnum):
    contradiction = "contradiction"
    corroboration = "corroboration"
    single = "single"


class ClaimKind(StrEnum):
    event = "event"
    figure = "figure"


SideQuery = Annotated[str | None, Query(
    description="Ukraine, Russia, international, third country, media (any case).")]
ArticleQuery = Annotated[str | None, Query(description="Only this article (id prefix).")]
SpeakerQuery = Annotated[str | None, Query(description="Speaker name contains this.")]


# -- helpers ----------------------------------------------------------------------------

def listing(request: Request, items: Iterable[dict[str, Any]], total: int | None, limit: int,
            offset: int) -> JSONOut:
    """A page of a listing with the address of the next one (null on the last page)."""
    items = list(items)
    more = offset + len(items) < total if total is not None else len(items) == limit
    next_url = (str(request.url.include_query_params(limit=limit, offset=offset + limit))
                if more and items else None)
    return JSONOut({"ok": True, "items": items, "total": total, "limit": limit,
                    "offset": offset, "next": next_url})


def item(record: dict[str, Any]) -> JSONOut:
    return JSONOut({"ok": True, "item": record})


def _page(request: Request, page: _queries.Page, build: Callable[[Any], dict[str, Any]],
          limit: int, offset: int) -> JSONOut:
    return listing(request, (build(r) for r in page.items), page.total, limit, offset)


def _sub(page: _queries.Page, build: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    return {"items": [build(r) for r in page.items], "total": page.total}


def article_summary(row: dict[str, Any]) -> dict[str, Any]:
    """An article record without its text (listings)."""
    record = article_record(row)
    record.pop("text", None)
    return record


def mention_record(row: dict[str, Any]) -> dict[str, Any]:
    out = {"id": row["id"], "article_id": row["article_id"], "text": row["text"],
           "start": row["start"], "end": row["end"], "type": row["type"],
           "entity_id": row["entity_key"], "role": row["role"], "side": row["side"],
           "rules": list(row["rules"] or [])}
    for extra in ("published", "outlet", "title"):
        if extra in row:
            out[extra] = row[extra]
    return out


def date_record(row: dict[str, Any]) -> dict[str, Any]:
    return {"text": row["text"], "start": row["start"], "end": row["end"],
            "value": row["value"], "precision": row["precision"],
            "rules": list(row["rules"] or [])}


def claim_record(c: dict[str, Any]) -> dict[str, Any]:
    """A claim: the proposition, its verdict and its sources (asserting and denying)."""
    return {"id": c["id"], "story_id": c["story_id"], "proposition": c["label"],
            "kind": c["kind"], "verdict": c["verdict"], "event_type": c["event_type"],
            "sub_event_type": c["sub_event_type"], "modality": c["modality"],
            "actor_side": c["actor_side"], "place": c["place"], "counted": c["counted"],
            "start": c["date_start"], "end": c["date_end"],
            "asserting_sources": c["asserting_sources"],
            "denying_sources": c["denying_sources"], "weight": c["weight"],
            "asserted_by": c.get("asserted_by", []), "denied_by": c.get("denied_by", [])}


def _not_found(what: str, key: str, hint: str) -> HTTPException:
    return HTTPException(404, f"no such {what}: {key!r} ({hint})")


# -- index ------------------------------------------------------------------------------

@router.get("", summary="What the API offers", tags=["meta"])
def api_index(request: Request, store: StoreDep) -> JSONOut:
    paths = sorted(p for p in request.app.openapi()["paths"] if p.startswith("/api/"))
    return JSONOut({"ok": True, "endpoints": paths, "openapi": "/openapi.json",
                    "docs": "/docs", "articles": store.count_articles()})


# -- stories ----------------------------------------------------------------------------

@router.get("/stories", response_model=ListEnvelope, summary="Stories, latest first")
def stories(request: Request, store: StoreDep,
            q: Annotated[str | None, Query(
                description="Full text: a member article holds every word (or the label "
                "contains the text).")] = None,
            since: DateQuery = None, until: DateQuery = None,
            outlet: Annotated[str | None, Query(
                description="A member article is from this outlet.")] = None,
            side: Annotated[str | None, Query(
                description="A member quotes a speaker of this side, or the story names "
                "an entity of it.")] = None,
            place: Annotated[str | None, Query(
                description="A place or event location of the story contains this.")] = None,
            entity: Annotated[str | None, Query(
                description="An entity of the story's name contains this.")] = None,
            limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Stories (articles about one developing event) whose span overlaps ``since``..
    ``until``: id, label, start, end, articles (near copies included), size (distinct
    texts)."""
    page = _queries.story_page(store.engine, q=q, since=day(since), until=day(until),
                               outlet=outlet, side=side, place=place, entity=entity,
                               limit=limit, offset=offset)
    return _page(request, page, dict, limit, offset)


#: serialised story records, kept while their story and its claims do not change
_STORIES = RecordCache()


class _Cached(JSONOut):
    """A JSON response whose body is already serialised."""

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


@router.get("/stories/{story_id}", response_model=ItemEnvelope, summary="One story")
def story(store: StoreDep, story_id: Annotated[str, Path(
        description="Story id or a unique prefix of it.")]) -> JSONOut:
    """The story record: articles in time order (near copies under ``copies``), entities,
    corroborations, contradictions, figure series and the claims board."""
    from crosscheck.link import story_record

    stamp = store.story_stamp(story_id)  # None for a prefix: not cached
    key = f"{store.engine.url}#{story_id}"
    if stamp is not None:
        body = _STORIES.get(key, stamp)
        if body is not None:
            return _Cached(body, media_type="application/json")
    try:
        record = story_record(store, story_id)
    except InputError:
        raise _not_found("story", story_id, "list them at /api/stories") from None
    response = item(record)
    if stamp is not None:
        _STORIES.put(key, stamp, bytes(response.body))
    return response


# -- articles and search ----------------------------------------------------------------

@router.get("/articles", response_model=ListEnvelope, summary="Articles, newest first")
def articles(request: Request, store: StoreDep,
             q: Annotated[str | None, Query(
                 description="Full-text search: every word must occur; best match "
                 "first.")] = None,
             outlet: Annotated[str | None, Query(description="Only this outlet.")] = None,
             since: DateQuery = None, until: DateQuery = None,
             limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Article records without their text (``/api/articles/{id}`` has it)."""
    page = _queries.article_page(store.engine, q=q, outlet=outlet, since=day(since),
                                 until=day(until), limit=limit, offset=offset)
    return _page(request, page, article_summary, limit, offset)


@router.get("/articles/{article_id}", response_model=ItemEnvelope, summary="One article")
def article(store: StoreDep,
            article_id: Annotated[str, Path(description="Article id or a unique prefix.")],
            raw: Annotated[bool, Query(
                description="Also return the raw text and the clean-to-raw offset map.")]
            = False) -> JSONOut:
    """The article with its analysed text and every fact with its span in that text:
    entity mentions, statements, figures, events and dates; ``removed`` lists the
    boilerplate cleaning took out (offsets into the raw text); ``sightings`` where it was
    seen; ``story_id`` the story it belongs to."""
    row = store.get_article(article_id)
    if row is None:
        raise _not_found("article", article_id, "or the prefix is ambiguous; "
                         "list them at /api/articles")
    facts = store.facts(row["id"])
    record = article_record(row)
    record.update(
        story_id=store.story_of([row["id"]]).get(row["id"]),
        sightings=row["sightings"], removed=list(row["removed"] or []),
        raw_start=row["raw_start"], body_start=row["body_start"],
        mentions=[mention_record(m) for m in facts["mentions"]],
        statements=[statement_record({**s, "outlet": row["outlet"],
                                      "published": row["published"]})
                    for s in facts["statements"]],
        quantities=[quantity_record({**q, "outlet": row["outlet"],
                                     "published": row["published"]})
                    for q in facts["quantities"]],
        events=[event_record({**e, "outlet": row["outlet"], "url": row["url"],
                              "published": row["published"]}) for e in facts["events"]],
        dates=[date_record(d) for d in facts["dates"]],
    )
    if raw:
        record.update(raw=row["raw"], offsets=row["offsets"])
    return item(record)


@router.get("/search", response_model=ListEnvelope, summary="Full-text search over articles")
def search(request: Request, store: StoreDep,
           q: Annotated[str, Query(min_length=1, description="Words that must all occur.")],
           outlet: Annotated[str | None, Query(description="Only this outlet.")] = None,
           since: DateQuery = None, until: DateQuery = None,
           limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Best match first; each article (without its text) with ``snippet``, plain text
    around the matched words, and ``highlights``, the ``[start, end]`` of each matched word
    in the snippet."""
    page = _queries.search_page(store.engine, q=q, outlet=outlet, since=day(since),
                                until=day(until), limit=limit, offset=offset)

    def build(row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in ("id", "url", "outlet", "title", "published",
                                     "date_source", "snippet", "highlights")}

    return _page(request, page, build, limit, offset)


# -- entities ---------------------------------------------------------------------------

@router.get("/entities", response_model=ListEnvelope, summary="Entities, most mentioned first")
def entities(request: Request, store: StoreDep,
             type_: Annotated[str | None, Query(
                 alias="type", description="PERSON, ORG, GPE, LOC, FAC or NORP.")] = None,
             side: SideQuery = None,
             q: Annotated[str | None, Query(
                 description="Name (or a spelling seen in the text) contains this.")] = None,
             speaker: Annotated[str | None, Query(
                 description="Only entities quoted as speakers, named like this.")] = None,
             article: ArticleQuery = None,
             since: DateQuery = None, until: DateQuery = None,
             limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Entity records: id (``TYPE:normalised name``), name, type, aliases, roles, side,
    coordinates, mentions."""
    page = _queries.entity_page(store.engine, type_=type_, side=side, q=q, speaker=speaker,
                                article=article, since=day(since), until=day(until),
                                limit=limit, offset=offset)
    return _page(request, page, entity_record, limit, offset)


@router.get("/entities/{entity_id:path}", response_model=ItemEnvelope,
            summary="One entity with everything said by and about it")
def entity(store: StoreDep,
           entity_id: Annotated[str, Path(
               description="The entity id as listed, e.g. `PERSON:dmitry peskov` "
               "(URL-encoded: `PERSON:dmitry%20peskov`); it may hold ':', spaces and '/'.")],
           limit: Annotated[int, Query(ge=1, le=500, description="Items per list.")] = 50
           ) -> JSONOut:
    """The entity record (``mentions``: how often it is mentioned) with ``statements_by``
    (it is the speaker), ``statements_about`` (it is mentioned in the quoted content),
    ``mention_spans`` (each mention with its article), ``events_as_actor`` and
    ``events_as_target``, each ``{items, total}`` with at most ``limit`` items, and
    ``same_as``: other ids entity linking holds to be the same."""
    found = _queries.entity_detail(store.engine, entity_id, limit=limit)
    if found is None:
        raise _not_found("entity", entity_id, "ids look like `PERSON:dmitry peskov`; "
                         "list them at /api/entities")
    record = entity_record(found["entity"])
    record.update(
        canonical=found["canonical"], same_as=found["same_as"],
        statements_by=_sub(found["statements_by"], statement_record),
        statements_about=_sub(found["statements_about"], statement_record),
        mention_spans=_sub(found["mentions"], mention_record),
        events_as_actor=_sub(found["events_as_actor"], event_record),
        events_as_target=_sub(found["events_as_target"], event_record),
    )
    return item(record)


# -- facts ------------------------------------------------------------------------------

@router.get("/statements", response_model=ListEnvelope, summary="Who said (or denied) what")
def statements(request: Request, store: StoreDep, speaker: SpeakerQuery = None,
               side: SideQuery = None, since: DateQuery = None, until: DateQuery = None,
               article: ArticleQuery = None, stance: Stance | None = None,
               kind: StatementKind | None = None,
               limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Statement records: speaker, cue and content spans, stance, channel, date; newest
    article first. ``since``/``until`` apply to the statement's date, else the article's."""
    page = _queries.statement_page(store.engine, speaker=speaker, side=side, since=day(since),
                                   until=day(until), article=article,
                                   stance=stance.value if stance else None,
                                   kind=kind.value if kind else None,
                                   limit=limit, offset=offset)
    return _page(request, page, statement_record, limit, offset)


@router.get("/quantities", response_model=ListEnvelope, summary="Figures claimed")
def quantities(request: Request, store: StoreDep,
               counted: Annotated[str | None, Query(
                   description="civilians, soldiers, dead, wounded, evacuated, captives, "
                   "displaced, …")] = None,
               speaker: SpeakerQuery = None, side: SideQuery = None,
               since: DateQuery = None, until: DateQuery = None, article: ArticleQuery = None,
               limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Quantity records: value or range, qualifier, what is counted, where, as of when,
    by whom. ``since``/``until`` apply to the figure's date (as of, else claimed on)."""
    page = _queries.quantity_page(store.engine, counted=counted, speaker=speaker, side=side,
                                  since=day(since), until=day(until), article=article,
                                  limit=limit, offset=offset)
    return _page(request, page, quantity_record, limit, offset)


@router.get("/events", response_model=ListEnvelope, summary="Who did what to whom")
def events(request: Request, store: StoreDep,
           type_: Annotated[str | None, Query(
               alias="type", description="ACLED event or sub-event type, or PLOVER type, "
               "contains this.")] = None,
           actor: Annotated[str | None, Query(description="Actor's name contains this.")]
           = None,
           side: Annotated[str | None, Query(description="Actor's side.")] = None,
           place: Annotated[str | None, Query(description="Location contains this.")] = None,
           since: DateQuery = None, until: DateQuery = None,
           status: EventStatus | None = None, article: ArticleQuery = None,
           located: Annotated[bool, Query(description="Only geocoded events.")] = False,
           limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Event records with ACLED and PLOVER types, actor, target, location, date, status
    and evidence span."""
    page = _queries.event_page(store.engine, event_type=type_, actor=actor, side=side,
                               place=place, since=day(since), until=day(until),
                               status=status.value if status else None, article=article,
                               located=located, limit=limit, offset=offset)
    return _page(request, page, event_record, limit, offset)


# -- claims -----------------------------------------------------------------------------

def _claims(request: Request, store: StoreDep, verdict: str | None, story: str | None,
            kind: str | None, side: str | None, limit: int, offset: int) -> JSONOut:
    rows = store.iter_claims(story_id=story, verdict=verdict, kind=kind, side=side,
                             limit=limit, offset=offset)
    total = _queries.claim_count(store.engine, story_id=story, verdict=verdict, kind=kind,
                                 side=side)
    return listing(request, (claim_record(c) for c in rows), total, limit, offset)


StoryQuery = Annotated[str | None, Query(description="Only this story's (its id).")]
ClaimSideQuery = Annotated[str | None, Query(
    description="Only claims with a source on this side (e.g. Russia, Ukraine).")]


@router.get("/claims", response_model=ListEnvelope, summary="Propositions across articles")
def claims(request: Request, store: StoreDep, verdict: Verdict | None = None,
           story: StoryQuery = None, kind: ClaimKind | None = None,
           side: ClaimSideQuery = None,
           limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Every proposition lined up across articles with who asserts and who denies it;
    contradictions first, then the most independently sourced."""
    return _claims(request, store, verdict.value if verdict else None, story,
                   kind.value if kind else None, side, limit, offset)


@router.get("/contradictions", response_model=ListEnvelope,
            summary="Propositions some sources assert and others deny")
def contradictions(request: Request, store: StoreDep, story: StoryQuery = None,
                   kind: ClaimKind | None = None, side: ClaimSideQuery = None,
                   limit: LimitQuery = 50, offset: OffsetQuery = 0) -> JSONOut:
    """Claims with the verdict ``contradiction``, each with its sources and evidence."""
    return _claims(request, store, "contradiction", story, kind.value if kind else None,
                   side, limit, offset)
