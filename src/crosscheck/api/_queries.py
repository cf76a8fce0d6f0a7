"""Read queries with offset paging and totals that the Store's iterators lack.

SQLAlchemy Core against :mod:`crosscheck.store.schema`; read-only. Each listing returns a
:class:`Page` of plain row dicts (the same columns the Store's ``iter_*`` methods yield, so
the record builders of :mod:`crosscheck.export.records` apply) and the number of rows
matching the filters. Filters mean what the CLI's options mean.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Engine,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.sql import Select

from crosscheck.store import filters, schema

__all__ = [
    "Page",
    "article_page",
    "claim_count",
    "entity_detail",
    "entity_page",
    "event_page",
    "quantity_page",
    "search_page",
    "statement_page",
    "story_network",
    "story_page",
    "story_places",
    "story_timeline",
]

_WORD = re.compile(r"\w+", re.UNICODE)
_START, _STOP = "\x02", "\x03"  # snippet highlight markers, stripped before returning
_PLACE_TYPES = ("GPE", "LOC", "FAC")
_LIST_COLUMNS = [c for c in schema.articles.c if c.name not in ("raw", "offsets", "removed")]


@dataclass(slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int


def _run(engine: Engine, stmt: Select[Any], limit: int, offset: int) -> Page:
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    with engine.connect() as conn:
        total = int(conn.scalar(count) or 0)
        rows = [dict(r._mapping) for r in conn.execute(stmt.limit(limit).offset(offset))]
    return Page(rows, total)


# -- full text --------------------------------------------------------------------------

def _terms(query: str) -> list[str]:
    return _WORD.findall(query)


def _fts(dialect: str, query: str, *, snippet: bool = False) -> Any:
    """A subquery ``fts(rid, score[, snippet])`` of the articles matching every word of
    ``query`` (``rid`` joins ``articles.rowid`` on SQLite, ``articles.id`` on PostgreSQL;
    lower ``score`` is a better match)."""
    terms = _terms(query)
    if dialect == "sqlite":
        match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
        columns: dict[str, Any] = {"rid": Integer, "score": Float}
        extra = ""
        if snippet:
            extra = ", snippet(articles_fts, 1, :start, :stop, '…', 24) AS snippet"
            columns["snippet"] = String
        sql = text(f"SELECT rowid AS rid, rank AS score{extra} FROM articles_fts "
                   "WHERE articles_fts MATCH :match").bindparams(match=match)
        if snippet:
            sql = sql.bindparams(start=_START, stop=_STOP)
        return sql.columns(**columns).subquery("fts")
    a = schema.articles
    tsq = func.plainto_tsquery("english", bindparam("fts_q", " ".join(terms)))
    cols: list[Any] = [a.c.id.label("rid"),
                       (-func.ts_rank(literal_column("articles.search"), tsq)).label("score")]
    if snippet:
        cols.append(func.ts_headline(
            "english", a.c.text, tsq,
            f"StartSel={_START}, StopSel={_STOP}, MaxWords=40, MinWords=15, "
            "MaxFragments=2, FragmentDelimiter=' … '").label("snippet"))
    return select(*cols).where(literal_column("articles.search").op("@@")(tsq)).subquery("fts")


def _fts_join(dialect: str, fts: Any) -> Any:
    if dialect == "sqlite":
        return fts.c.rid == literal_column("articles.rowid")
    return fts.c.rid == schema.articles.c.id


def _article_filters(stmt: Select[Any], outlet: str | None, since: str | None,
                     until: str | None) -> Select[Any]:
    a = schema.articles
    if outlet:
        stmt = stmt.where(func.lower(a.c.outlet) == outlet.lower())
    if since:
        stmt = stmt.where(a.c.published >= since)
    if until:
        stmt = stmt.where(a.c.published <= until)
    return stmt


def article_page(engine: Engine, *, q: str | None = None, outlet: str | None = None,
                 since: str | None = None, until: str | None = None, limit: int = 50,
                 offset: int = 0) -> Page:
    """Articles (without raw text and offsets), newest first, or best match first."""
    a = schema.articles
    if q and not _terms(q):
        return Page([], 0)
    if q:
        fts = _fts(engine.dialect.name, q)
        stmt = (select(*_LIST_COLUMNS).select_from(a).join(fts, _fts_join(engine.dialect.name,
                                                                         fts))
                .order_by(fts.c.score, a.c.id))
    else:
        stmt = select(*_LIST_COLUMNS).order_by(a.c.published.desc().nulls_last(), a.c.id)
    return _run(engine, _article_filters(stmt, outlet, since, until), limit, offset)


def search_page(engine: Engine, *, q: str, outlet: str | None = None,
                since: str | None = None, until: str | None = None, limit: int = 50,
                offset: int = 0) -> Page:
    """Best-matching articles first, each with ``snippet`` (plain text around the matched
    words) and ``highlights`` (``[start, end]`` of each matched word in the snippet)."""
    a = schema.articles
    if not _terms(q):
        return Page([], 0)
    dialect = engine.dialect.name
    fts = _fts(dialect, q, snippet=True)
    stmt = (select(a.c.id, a.c.url, a.c.outlet, a.c.title, a.c.published, a.c.date_source,
                   fts.c.snippet)
            .select_from(a).join(fts, _fts_join(dialect, fts)).order_by(fts.c.score, a.c.id))
    page = _run(engine, _article_filters(stmt, outlet, since, until), limit, offset)
    for row in page.items:
        row["snippet"], row["highlights"] = _unmark(row["snippet"] or "")
    return page


def _unmark(marked: str) -> tuple[str, list[list[int]]]:
    out: list[str] = []
    spans: list[list[int]] = []
    size, start = 0, None
    for part in re.split(f"([{_START}{_STOP}])", marked):
        if part == _START:
            start = size
        elif part == _STOP:
            if start is not None:
                spans.append([start, size])
            start = None
        else:
            out.append(part)
            size += len(part)
    return "".join(out), spans


# -- stories ----------------------------------------------------------------------------

def story_page(engine: Engine, *, q: str | None = None, since: str | None = None,
               until: str | None = None, outlet: str | None = None, side: str | None = None,
               place: str | None = None, entity: str | None = None, limit: int = 50,
               offset: int = 0) -> Page:
    """Stories, latest first. ``q``: a member article matches the words (full text) or the
    label contains them; ``since``/``until``: the story's span overlaps the range;
    ``outlet``: a member from this outlet; ``side``: a member quotes a speaker of this side
    or the story's entities include one of this side; ``place``: a place (or an event
    location) of the story contains this; ``entity``: an entity's name contains this."""
    st, sa, se, t = schema.stories, schema.story_articles, schema.story_entities, schema.entities
    a, s, ev = schema.articles, schema.statements, schema.events
    stmt = select(st.c.id, st.c.label, st.c.start, st.c.end, st.c.articles, st.c.size)
    conditions: list[Any] = []
    if q:
        if not _terms(q):
            return Page([], 0)
        dialect = engine.dialect.name
        fts = _fts(dialect, q)
        matching = (select(sa.c.story_id).select_from(sa)
                    .join(a, a.c.id == sa.c.article_id).join(fts, _fts_join(dialect, fts)))
        conditions.append(or_(st.c.id.in_(matching), filters.contains(st.c.label, q)))
    if since:
        conditions.append(st.c.end >= since)
    if until:
        conditions.append(st.c.start <= until)
    if outlet:
        conditions.append(st.c.id.in_(select(sa.c.story_id).join(a, a.c.id == sa.c.article_id)
                                      .where(func.lower(a.c.outlet) == outlet.lower())))
    if side:
        quoted = (select(sa.c.story_id).join(s, s.c.article_id == sa.c.article_id)
                  .where(func.lower(s.c.speaker_side) == side.lower()))
        named = (select(se.c.story_id).join(t, t.c.key == se.c.entity_key)
                 .where(func.lower(t.c.side) == side.lower()))
        conditions.append(or_(st.c.id.in_(quoted), st.c.id.in_(named)))
    if place:
        named = (select(se.c.story_id).join(t, t.c.key == se.c.entity_key)
                 .where(and_(t.c.type.in_(_PLACE_TYPES), filters.contains(t.c.name, place))))
        located = (select(sa.c.story_id).join(ev, ev.c.article_id == sa.c.article_id)
                   .where(filters.contains(ev.c.location_name, place)))
        conditions.append(or_(st.c.id.in_(named), st.c.id.in_(located)))
    if entity:
        conditions.append(st.c.id.in_(select(se.c.story_id).join(t, t.c.key == se.c.entity_key)
                                      .where(filters.contains(t.c.name, entity))))
    if conditions:
        stmt = stmt.where(and_(*conditions))
    stmt = stmt.order_by(st.c.end.desc().nulls_last(), st.c.articles.desc(), st.c.id)
    return _run(engine, stmt, limit, offset)


# -- one story's facts ------------------------------------------------------------------
# The story page shows a capped timeline, a map and a network of its members' facts: each
# comes from one query over the members that are not near copies (a copy repeats the facts
# of the article it copies), so a story of hundreds of articles never loads every fact.

def _texts(story_id: str) -> Any:
    """The condition keeping the members of ``story_id`` that are not near copies (a copy
    whose original left the story counts as a text of its own)."""
    sa = schema.story_articles
    members = select(sa.c.article_id).where(sa.c.story_id == story_id)
    return and_(sa.c.story_id == story_id,
                or_(sa.c.copy_of.is_(None), sa.c.copy_of.not_in(members)))


def _event_label() -> Any:
    ev = schema.events
    return func.coalesce(func.nullif(ev.c.sub_event_type, ""), func.nullif(ev.c.event_type, ""),
                         "event")


def _materialized(engine: Engine, cte: Any) -> Any:
    """``cte`` computed once, not folded into the query that reads it (SQLite 3.35 and
    PostgreSQL 12 understand the hint)."""
    if engine.dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return cte  # pragma: no cover - an old SQLite
    return cte.prefix_with("MATERIALIZED")


def story_timeline(engine: Engine, story_id: str, *, limit: int) -> Page:
    """The statements and events of a story's texts, oldest first (a fact's own date, else
    its article's), at most ``limit`` of them, and how many there are. Each item: ``type``
    (statement | event), ``id``, ``article_id``, ``outlet``, ``title``, ``date``,
    ``start``, ``stance``, ``kind`` (the event's sub-type), ``speaker`` (the event's
    actor), ``speaker_id``, ``side``, ``text`` and ``status`` (events)."""
    s, ev, sa, a = schema.statements, schema.events, schema.story_articles, schema.articles
    texts = _texts(story_id)
    no_text = cast(null(), String)

    def facts(table: Any, kind: str, order: int, *columns: Any) -> Select[Any]:
        return (select(literal_column(f"'{kind}'").label("type"), table.c.id,
                       table.c.article_id, a.c.outlet, a.c.title,
                       func.coalesce(table.c.date, sa.c.date, a.c.published).label("date"),
                       *columns, literal_column(str(order)).label("ord"))
                .join(sa, sa.c.article_id == table.c.article_id)
                .join(a, a.c.id == table.c.article_id).where(texts))

    said = facts(s, "statement", 0, s.c.content_start.label("start"), s.c.stance,
                 s.c.kind, func.coalesce(func.nullif(s.c.speaker_name, ""),
                                         s.c.speaker_text).label("speaker"),
                 s.c.speaker_key.label("speaker_id"), s.c.speaker_side.label("side"),
                 s.c.content_text.label("text"), no_text.label("status"))
    done = facts(ev, "event", 1, ev.c.evidence_start.label("start"), no_text.label("stance"),
                 _event_label().label("kind"), ev.c.actor_name.label("speaker"),
                 ev.c.actor_key.label("speaker_id"), ev.c.actor_side.label("side"),
                 ev.c.evidence_text.label("text"), ev.c.status)
    both = union_all(said, done).subquery("facts")
    stmt = (select(*(c for c in both.c if c.name != "ord"))
            .order_by(both.c.date.is_(None), both.c.date, both.c.article_id, both.c.start,
                      both.c.ord, func.length(both.c.id), both.c.id)  # ':e9' before ':e10'
            .limit(limit))
    with engine.connect() as conn:
        total = sum(int(conn.scalar(
            select(func.count()).select_from(table).join(sa, sa.c.article_id ==
                                                         table.c.article_id).where(texts))
            or 0) for table in (s, ev))
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
    return Page(rows, total)


def story_places(engine: Engine, story_id: str) -> list[dict[str, Any]]:
    """The located events of a story's texts grouped by place (coordinates to three
    decimals and name), by name: ``name, lat, lon, precision, events [{id, type, status,
    date, article_id, side}]``, the events in story order."""
    ev, sa, a = schema.events, schema.story_articles, schema.articles
    stmt = (select(ev.c.id, _event_label().label("type"), ev.c.status,
                   func.coalesce(ev.c.date, sa.c.date, a.c.published).label("date"),
                   ev.c.article_id, ev.c.actor_side.label("side"), ev.c.lat, ev.c.lon,
                   ev.c.location_name, ev.c.geo_precision)
            .join(sa, sa.c.article_id == ev.c.article_id).join(a, a.c.id == ev.c.article_id)
            .where(_texts(story_id), ev.c.lat.is_not(None), ev.c.lon.is_not(None))
            .order_by(sa.c.date.is_(None), sa.c.date, sa.c.date_estimated, a.c.ingested_at,
                      a.c.id, ev.c.evidence_start, func.length(ev.c.id), ev.c.id))
    places: dict[tuple[float, float, str], dict[str, Any]] = {}
    with engine.connect() as conn:
        for r in conn.execute(stmt):
            spot = places.setdefault(
                (round(r.lat, 3), round(r.lon, 3), r.location_name or ""),
                {"name": r.location_name, "lat": r.lat, "lon": r.lon,
                 "precision": r.geo_precision, "events": []})
            spot["events"].append({"id": r.id, "type": r.type, "status": r.status,
                                   "date": r.date, "article_id": r.article_id,
                                   "side": r.side})
    return sorted(places.values(), key=lambda p: p["name"] or "")


def story_network(engine: Engine, story_id: str) -> dict[str, list[dict[str, Any]]]:
    """Who said what about whom in a story's texts, counted in SQL: ``edges [{from, to,
    weight}]``, one per speaker and entity, weighing the statements of the speaker whose
    content holds a mention of the entity; ``speakers [{id, name, side, linked}]`` (an
    unlinked speaker's id is ``?:`` + the name) and ``entities [{id, name, type, side}]``,
    each by name."""
    s, m, sa, t = schema.statements, schema.mentions, schema.story_articles, schema.entities
    texts = _texts(story_id)
    speaker = func.coalesce(func.nullif(s.c.speaker_key, ""),
                            literal("?:") + func.nullif(s.c.speaker_name, ""))
    # each side read once, narrow (every statement meets every mention of its article)
    said = _materialized(engine, select(
        s.c.article_id, s.c.content_start, s.c.content_end, speaker.label("speaker"),
        s.c.speaker_key, s.c.speaker_name, s.c.speaker_side)
        .join(sa, sa.c.article_id == s.c.article_id).where(texts, speaker.is_not(None))
        .cte("said"))
    named = _materialized(engine, select(m.c.article_id, m.c.start, m.c.end, m.c.entity_key)
                          .join(sa, sa.c.article_id == m.c.article_id)
                          .where(texts, m.c.entity_key != "").cte("named"))
    stmt = (select(said.c.speaker, named.c.entity_key, func.count().label("weight"),
                   func.min(said.c.speaker_name).label("speaker_name"),
                   func.min(said.c.speaker_side).label("speaker_side"),
                   func.min(t.c.name).label("name"), func.min(t.c.type).label("type"),
                   func.min(t.c.side).label("side"))
            .select_from(said)
            .join(named, and_(named.c.article_id == said.c.article_id,
                              named.c.start >= said.c.content_start,
                              named.c.end <= said.c.content_end))
            .outerjoin(t, t.c.key == named.c.entity_key)
            .where(or_(said.c.speaker_key.is_(None), named.c.entity_key != said.c.speaker_key))
            .group_by(said.c.speaker, named.c.entity_key))
    speakers: dict[str, dict[str, Any]] = {}
    entities: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    with engine.connect() as conn:
        rows = sorted(conn.execute(stmt), key=lambda r: (r.speaker, r.entity_key))
    for r in rows:
        node = speakers.setdefault(r.speaker, {"id": r.speaker, "name": None, "side": None,
                                               "linked": not r.speaker.startswith("?:")})
        if r.speaker_name and (node["name"] is None or r.speaker_name < node["name"]):
            node["name"] = r.speaker_name
        node["side"] = node["side"] or r.speaker_side
        kind, _, rest = r.entity_key.partition(":")
        entities.setdefault(r.entity_key, {"id": r.entity_key, "name": r.name or rest,
                                           "type": r.type or kind, "side": r.side})
        edges.append({"from": r.speaker, "to": r.entity_key, "weight": int(r.weight)})
    for node in speakers.values():
        node["name"] = node["name"] or node["id"]
    return {"speakers": sorted(speakers.values(), key=lambda n: n["name"].lower()),
            "entities": sorted(entities.values(), key=lambda n: n["name"].lower()),
            "edges": edges}


# -- facts ------------------------------------------------------------------------------

def statement_page(engine: Engine, *, speaker: str | None = None, side: str | None = None,
                   since: str | None = None, until: str | None = None,
                   article: str | None = None, stance: str | None = None,
                   kind: str | None = None, speaker_key: str | None = None,
                   limit: int = 50, offset: int = 0) -> Page:
    stmt = filters.statement_select(speaker=speaker, side=side, since=since, until=until,
                                    article=article, stance=stance, kind=kind,
                                    speaker_key=speaker_key)
    return _run(engine, stmt.order_by(schema.statements.c.id), limit, offset)


def quantity_page(engine: Engine, *, speaker: str | None = None, counted: str | None = None,
                  since: str | None = None, until: str | None = None,
                  article: str | None = None, side: str | None = None, limit: int = 50,
                  offset: int = 0) -> Page:
    stmt = filters.quantity_select(speaker=speaker, counted=counted, since=since, until=until,
                                   article=article, side=side)
    return _run(engine, stmt.order_by(schema.quantities.c.id), limit, offset)


def event_page(engine: Engine, *, event_type: str | None = None, actor: str | None = None,
               side: str | None = None, place: str | None = None, since: str | None = None,
               until: str | None = None, status: str | None = None,
               article: str | None = None, located: bool = False,
               entity_key: str | None = None, role: str | None = None, limit: int = 50,
               offset: int = 0) -> Page:
    """Events; ``entity_key`` with ``role`` (``actor`` or ``target``) keeps the events of
    that entity in that role."""
    stmt = filters.event_select(event_type=event_type, actor=actor, side=side, place=place,
                                since=since, until=until, status=status, article=article,
                                located=located, entity_key=entity_key, role=role)
    return _run(engine, stmt.order_by(schema.events.c.id), limit, offset)


def entity_page(engine: Engine, *, type_: str | None = None, side: str | None = None,
                q: str | None = None, article: str | None = None,
                speaker: str | None = None, since: str | None = None,
                until: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Entities, most mentioned first; ``q``: the name (or an alias) contains this."""
    conditions = filters.entity_conditions(type_=type_, side=side, q=q, article=article,
                                           speaker=speaker, since=since, until=until)
    return _run(engine, filters.entity_select(conditions), limit, offset)


# -- one entity -------------------------------------------------------------------------

def entity_detail(engine: Engine, key: str, *, limit: int = 50) -> dict[str, Any] | None:
    """One entity (exact key; also one that only events or statements name) with, each
    capped at ``limit`` and counted in full:
    statements it speaks, statements about it (a mention of it inside their content),
    its mentions (with their article), events it is the actor and the target of, and the
    other keys entity linking holds to be the same entity."""
    t, m, a, s = schema.entities, schema.mentions, schema.articles, schema.statements
    el = schema.entity_links
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.key == key)).first()
        entity = dict(row._mapping) if row is not None else _referenced(conn, key)
        if entity is None:
            return None
        canonical = conn.scalar(select(el.c.canonical_key).where(el.c.key == key))
        same = [k for k in conn.scalars(select(el.c.key).where(
            el.c.canonical_key == (canonical or key)).order_by(el.c.key)) if k != key]
        if canonical and canonical != key and canonical not in same:
            same.insert(0, canonical)
    out: dict[str, Any] = {"entity": entity, "canonical": canonical, "same_as": same}
    out["statements_by"] = statement_page(engine, speaker_key=key, limit=limit)
    about = (filters.statement_select()
             .where(s.c.id.in_(select(s.c.id).join(m, m.c.article_id == s.c.article_id)
                               .where(and_(m.c.entity_key == key,
                                           m.c.start >= s.c.content_start,
                                           m.c.end <= s.c.content_end))))
             .order_by(s.c.id))
    out["statements_about"] = _run(engine, about, limit, 0)
    mentions = (select(m, a.c.published, a.c.outlet, a.c.title).join(a, a.c.id == m.c.article_id)
                .where(m.c.entity_key == key)
                .order_by(a.c.published.desc().nulls_last(), m.c.article_id, m.c.start))
    out["mentions"] = _run(engine, mentions, limit, 0)
    out["events_as_actor"] = event_page(engine, entity_key=key, role="actor", limit=limit)
    out["events_as_target"] = event_page(engine, entity_key=key, role="target", limit=limit)
    return out


def _referenced(conn: Any, key: str) -> dict[str, Any] | None:
    """An entity only events or statements name (an actor group, a speaker's office):
    a record from what they say of it, or None when nothing names ``key``."""
    ev, s = schema.events, schema.statements
    for name_col, side_col, key_col in ((ev.c.actor_name, ev.c.actor_side, ev.c.actor_key),
                                        (ev.c.target_name, ev.c.target_side, ev.c.target_key),
                                        (s.c.speaker_name, s.c.speaker_side, s.c.speaker_key)):
        found = conn.execute(select(name_col, side_col).where(key_col == key).limit(1)).first()
        if found is not None:
            kind, _, rest = key.partition(":")
            return {"key": key, "name": found[0] or rest or key, "type": kind if rest else None,
                    "side": found[1], "lat": None, "lon": None, "geo_precision": None,
                    "aliases": [], "roles": [], "mentions": 0}
    return None


# -- claims -----------------------------------------------------------------------------

def claim_count(engine: Engine, *, story_id: str | None = None, verdict: str | None = None,
                kind: str | None = None, side: str | None = None) -> int:
    """How many claims ``Store.iter_claims`` yields for the same filters."""
    stmt = (select(func.count()).select_from(schema.claims)
            .where(*filters.claim_conditions(story_id=story_id, verdict=verdict, kind=kind,
                                             side=side)))
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)
