"""The filters of fact and claim listings, defined once for the Store's ``iter_*`` methods
and the API's paged queries (:mod:`crosscheck.api._queries`).

Each ``*_select`` returns the listing's SELECT (the same columns, joins and order for every
caller) with the filters that are set; callers add their own limit, offset and tie-breaks.
Text filters are case-insensitive substrings; ``%`` and ``_`` in a value match literally.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.sql import Select

from crosscheck.store import schema

__all__ = [
    "claim_conditions",
    "claim_select",
    "contains",
    "entity_conditions",
    "entity_select",
    "event_select",
    "quantity_select",
    "statement_select",
]


def contains(column: Any, value: str) -> Any:
    """``column`` contains ``value``, ignoring case."""
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _same(column: Any, value: str) -> Any:
    return func.lower(column) == value.lower()


def _when_and_where(day: Any, article_id: Any, since: str | None, until: str | None,
                    article: str | None) -> list[Any]:
    """The filters every fact listing shares: its day within [since, until], its article
    id starting with ``article``."""
    conditions = []
    if since:
        conditions.append(day >= since)
    if until:
        conditions.append(day <= until)
    if article:
        conditions.append(article_id.startswith(article, autoescape=True))
    return conditions


def statement_select(*, speaker: str | None = None, side: str | None = None,
                     since: str | None = None, until: str | None = None,
                     article: str | None = None, stance: str | None = None,
                     kind: str | None = None, speaker_key: str | None = None) -> Select[Any]:
    """Statements with their article's date and outlet, newest article first.
    ``since``/``until`` bound the statement's date (else its article's)."""
    s, a = schema.statements, schema.articles
    conditions: list[Any] = []
    if speaker:
        conditions.append(or_(contains(s.c.speaker_name, speaker),
                              contains(s.c.speaker_text, speaker)))
    if side:
        conditions.append(_same(s.c.speaker_side, side))
    day = func.coalesce(s.c.date, a.c.published)
    conditions += _when_and_where(day, s.c.article_id, since, until, article)
    if stance:
        conditions.append(s.c.stance == stance)
    if kind:
        conditions.append(s.c.kind == kind)
    if speaker_key:
        conditions.append(s.c.speaker_key == speaker_key)
    stmt = select(s, a.c.published, a.c.outlet).join(a, a.c.id == s.c.article_id)
    return stmt.where(*conditions).order_by(a.c.published.desc().nulls_last(),
                                            s.c.article_id, s.c.content_start)


def quantity_select(*, speaker: str | None = None, counted: str | None = None,
                    since: str | None = None, until: str | None = None,
                    article: str | None = None, side: str | None = None) -> Select[Any]:
    """Figures with their article's date and outlet and their statement's speaker side,
    latest figure first (``as_of``, else ``claimed_on``, which ``since``/``until``
    bound)."""
    q, a, s = schema.quantities, schema.articles, schema.statements
    conditions: list[Any] = []
    if speaker:
        conditions.append(contains(q.c.speaker, speaker))
    if counted:
        conditions.append(q.c.counted == counted)
    day = func.coalesce(q.c.as_of, q.c.claimed_on)
    conditions += _when_and_where(day, q.c.article_id, since, until, article)
    if side:
        conditions.append(_same(s.c.speaker_side, side))
    stmt = (select(q, a.c.published, a.c.outlet, s.c.speaker_side)
            .join(a, a.c.id == q.c.article_id).outerjoin(s, s.c.id == q.c.statement_id))
    return stmt.where(*conditions).order_by(day.desc().nulls_last(), q.c.article_id,
                                            q.c.start)


def event_select(*, event_type: str | None = None, actor: str | None = None,
                 side: str | None = None, place: str | None = None,
                 since: str | None = None, until: str | None = None,
                 status: str | None = None, article: str | None = None,
                 located: bool = False, entity_key: str | None = None,
                 role: str | None = None) -> Select[Any]:
    """Events with their article's date, outlet, URL and title, latest first (the event's
    date, else its article's, which ``since``/``until`` bound). ``event_type`` matches
    the ACLED event type, sub-event type or PLOVER type; ``entity_key`` keeps the events
    with that entity as the actor (or, ``role="target"``, as the target)."""
    ev, a = schema.events, schema.articles
    conditions: list[Any] = []
    if event_type:
        conditions.append(or_(*(contains(column, event_type)
                                for column in (ev.c.event_type, ev.c.sub_event_type,
                                               ev.c.plover))))
    if actor:
        conditions.append(contains(ev.c.actor_name, actor))
    if side:
        conditions.append(_same(ev.c.actor_side, side))
    if place:
        conditions.append(contains(ev.c.location_name, place))
    day = func.coalesce(ev.c.date, a.c.published)
    conditions += _when_and_where(day, ev.c.article_id, since, until, article)
    if status:
        conditions.append(ev.c.status == status)
    if located:
        conditions.append(ev.c.lat.is_not(None))
    if entity_key:
        column = ev.c.target_key if role == "target" else ev.c.actor_key
        conditions.append(column == entity_key)
    stmt = select(ev, a.c.published, a.c.outlet, a.c.url, a.c.title).join(
        a, a.c.id == ev.c.article_id)
    return stmt.where(*conditions).order_by(day.desc().nulls_last(), ev.c.article_id,
                                            ev.c.evidence_start)


def entity_conditions(*, type_: str | None = None, side: str | None = None,
                      name: str | None = None, q: str | None = None,
                      article: str | None = None, speaker: str | None = None,
                      since: str | None = None, until: str | None = None) -> list[Any]:
    """Conditions on the entities table. ``name``: the name contains this; ``q``: the
    name or an alias (a mention's text) contains this; ``speaker``: the entity speaks in
    a statement with a speaker name like this; ``since``/``until``: mentioned in an
    article published in the range; ``article``: mentioned in an article whose id starts
    with this."""
    t, m, a, st = schema.entities, schema.mentions, schema.articles, schema.statements
    conditions: list[Any] = []
    if speaker:
        conditions.append(t.c.key.in_(select(st.c.speaker_key).where(
            contains(st.c.speaker_name, speaker))))
    if since or until:
        dated = select(m.c.entity_key).join(a, a.c.id == m.c.article_id)
        if since:
            dated = dated.where(a.c.published >= since)
        if until:
            dated = dated.where(a.c.published <= until)
        conditions.append(t.c.key.in_(dated))
    if type_:
        conditions.append(t.c.type == type_.upper())
    if side:
        conditions.append(_same(t.c.side, side))
    if name:
        conditions.append(contains(t.c.name, name))
    if q:
        aliased = select(m.c.entity_key).where(contains(m.c.text, q))
        conditions.append(or_(contains(t.c.name, q),
                              t.c.key.in_(aliased)))
    if article:
        conditions.append(t.c.key.in_(select(m.c.entity_key).where(
            m.c.article_id.startswith(article, autoescape=True))))
    return conditions


def entity_select(conditions: list[Any]) -> Select[Any]:
    """Entities matching :func:`entity_conditions`, most mentioned first."""
    t = schema.entities
    return select(t).where(*conditions).order_by(t.c.mentions.desc(), t.c.key)


def claim_conditions(*, story_id: str | None = None, verdict: str | None = None,
                     kind: str | None = None, side: str | None = None) -> list[Any]:
    """Conditions on the claims table; ``side``: some evidence is from that side."""
    c, ce = schema.claims, schema.claim_evidence
    conditions: list[Any] = []
    if story_id:
        conditions.append(c.c.story_id == story_id)
    if verdict:
        conditions.append(c.c.verdict == verdict)
    if kind:
        conditions.append(c.c.kind == kind)
    if side:
        conditions.append(c.c.id.in_(select(ce.c.claim_id).where(_same(ce.c.side, side))))
    return conditions


def claim_select(conditions: list[Any]) -> Select[Any]:
    """Claims matching :func:`claim_conditions`, contradictions first, then by weight."""
    c = schema.claims
    return select(c).where(*conditions).order_by(c.c.verdict != "contradiction",
                                                 c.c.weight.desc(), c.c.id)
