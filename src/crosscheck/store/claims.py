"""Reads and writes of claims (propositions with their evidence) and figure series.

Claims and series are derived per story: :meth:`ClaimsMixin.claim_inputs` loads what one
story's members say, the linker computes propositions from it, and
:meth:`ClaimsMixin.save_story_claims` replaces the story's claims in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select

from crosscheck.store import filters, schema

__all__ = ["ClaimsMixin", "StoryClaims"]

_CHUNK = 500
_PLACE_TYPES = ("GPE", "LOC", "FAC")


class StoryClaims:
    """What :meth:`ClaimsMixin.save_story_claims` writes for one story."""

    __slots__ = ("claims", "evidence", "points", "series")

    def __init__(self) -> None:
        self.claims: list[dict[str, Any]] = []
        self.evidence: list[dict[str, Any]] = []
        self.series: list[dict[str, Any]] = []
        self.points: list[dict[str, Any]] = []


class ClaimsMixin:
    """Store methods for claims, contradictions, corroborations and figure series."""

    engine: Any

    # -- what the claims of a story are computed from ------------------------------------

    def stale_claim_stories(self, story_ids: Sequence[str] | None, version: str) -> list[str]:
        """Stories (of ``story_ids``, or all) whose claims are missing, older than the
        story's last update, or from another rule version."""
        st, cr = schema.stories, schema.claim_runs
        stmt = (select(st.c.id).outerjoin(cr, cr.c.story_id == st.c.id)
                .where(or_(cr.c.story_id.is_(None), cr.c.computed_at < st.c.updated_at,
                           cr.c.version != version)).order_by(st.c.id))
        with self.engine.connect() as conn:
            stale = list(conn.scalars(stmt))
        if story_ids is None:
            return stale
        wanted = set(story_ids)
        return [s for s in stale if s in wanted]

    def claim_inputs(self, story_id: str) -> dict[str, Any]:
        """One story's distinct members (near copies left out: a copy is a sighting of the
        article it copies) with their events, statements and figures, and the coordinates
        of every place name they use."""
        sa, a = schema.story_articles, schema.articles
        ev, s, q, t = schema.events, schema.statements, schema.quantities, schema.entities
        with self.engine.connect() as conn:
            members = [dict(r._mapping) for r in conn.execute(
                select(a.c.id, a.c.outlet, a.c.url, a.c.published, a.c.text, a.c.body_start,
                       sa.c.date, sa.c.date_estimated)
                .join(sa, sa.c.article_id == a.c.id)
                .where(and_(sa.c.story_id == story_id, sa.c.copy_of.is_(None)))
                .order_by(sa.c.date.is_(None), sa.c.date, a.c.id))]
            ids = [m["id"] for m in members]
            events: list[dict[str, Any]] = []
            statements: dict[str, dict[str, Any]] = {}
            quantities: list[dict[str, Any]] = []
            for start in range(0, len(ids), _CHUNK):
                part = ids[start:start + _CHUNK]
                events += [dict(r._mapping) for r in conn.execute(
                    select(ev).where(ev.c.article_id.in_(part)).order_by(ev.c.id))]
                statements.update((r.id, dict(r._mapping)) for r in conn.execute(
                    select(s.c.id, s.c.article_id, s.c.kind, s.c.stance, s.c.speaker_text,
                           s.c.speaker_name, s.c.speaker_key, s.c.speaker_side,
                           s.c.intermediary, s.c.channel, s.c.date, s.c.content_text,
                           s.c.content_start, s.c.content_end)
                    .where(s.c.article_id.in_(part))))
                quantities += [dict(r._mapping) for r in conn.execute(
                    select(q).where(and_(q.c.article_id.in_(part), q.c.counted.is_not(None)))
                    .order_by(q.c.id))]
            names = {e["location_name"].lower() for e in events if e["location_name"]}
            names |= {x["place"].lower() for x in quantities if x["place"]}
            places: dict[str, tuple[float, float, int | None]] = {}
            for e in events:
                if e["location_name"] and e["lat"] is not None:
                    places.setdefault(e["location_name"].lower(),
                                      (e["lat"], e["lon"], e["geo_precision"]))
            missing = sorted(names - places.keys())
            for start in range(0, len(missing), _CHUNK):
                part = missing[start:start + _CHUNK]
                for name, lat, lon, precision in conn.execute(
                        select(func.lower(t.c.name), t.c.lat, t.c.lon, t.c.geo_precision)
                        .where(and_(func.lower(t.c.name).in_(part), t.c.type.in_(_PLACE_TYPES),
                                    t.c.lat.is_not(None)))
                        .order_by(t.c.mentions.desc())):
                    places.setdefault(name, (lat, lon, precision))
            top_places = [r.name for r in conn.execute(
                select(t.c.name).join(schema.story_entities,
                                      schema.story_entities.c.entity_key == t.c.key)
                .where(and_(schema.story_entities.c.story_id == story_id,
                            t.c.type.in_(_PLACE_TYPES)))
                .order_by(schema.story_entities.c.weight.desc()).limit(5))]
        return {"members": members, "events": events, "statements": statements,
                "quantities": quantities, "places": places, "top_places": top_places}

    def canonical_keys_or_self(self, keys: Sequence[str]) -> dict[str, str]:
        """Corpus-wide entity for each key where entity linking has one; else the key."""
        finder = getattr(self, "canonical_keys", None)
        if finder is None:
            return {k: k for k in keys}
        return dict(finder(keys))

    def save_story_claims(self, story_id: str, out: StoryClaims, version: str) -> None:
        """Replace one story's claims and series (one transaction)."""
        c, ce, se, sp = schema.claims, schema.claim_evidence, schema.series, schema.series_points
        cr = schema.claim_runs
        with self.engine.begin() as conn:
            old_claims = select(c.c.id).where(c.c.story_id == story_id)
            conn.execute(delete(ce).where(ce.c.claim_id.in_(old_claims)))
            conn.execute(delete(c).where(c.c.story_id == story_id))
            old_series = select(se.c.id).where(se.c.story_id == story_id)
            conn.execute(delete(sp).where(sp.c.series_id.in_(old_series)))
            conn.execute(delete(se).where(se.c.story_id == story_id))
            conn.execute(delete(cr).where(cr.c.story_id == story_id))
            if out.claims:
                conn.execute(insert(c), out.claims)
            if out.evidence:
                conn.execute(insert(ce), out.evidence)
            if out.series:
                conn.execute(insert(se), out.series)
            if out.points:
                conn.execute(insert(sp), out.points)
            conn.execute(insert(cr).values(story_id=story_id, computed_at=datetime.now(UTC),
                                           version=version))

    def story_stamp(self, story_id: str) -> tuple[Any, ...] | None:
        """What a story record depends on, for caching it: the story's last change and when
        its claims were computed (None when no story has exactly this id)."""
        st, cr = schema.stories, schema.claim_runs
        with self.engine.connect() as conn:
            row = conn.execute(select(st.c.updated_at, st.c.version, cr.c.computed_at,
                                      cr.c.version).outerjoin(cr, cr.c.story_id == st.c.id)
                               .where(st.c.id == story_id)).first()
        return tuple(row) if row is not None else None

    def clear_claims(self) -> None:
        with self.engine.begin() as conn:
            for table in (schema.claim_evidence, schema.claims, schema.series_points,
                          schema.series, schema.claim_runs):
                conn.execute(delete(table))

    # -- reading ------------------------------------------------------------------------

    def iter_claims(self, *, story_id: str | None = None, verdict: str | None = None,
                    kind: str | None = None, side: str | None = None,
                    limit: int | None = None, offset: int = 0,
                    evidence: bool = True) -> Iterator[dict[str, Any]]:
        """Claims, contradictions first, then by weight; each with ``asserted_by`` and
        ``denied_by`` (the evidence rows, one per article and statement or event).
        ``side`` keeps claims with evidence from that side."""
        ce = schema.claim_evidence
        stmt = filters.claim_select(filters.claim_conditions(story_id=story_id,
                                                             verdict=verdict, kind=kind,
                                                             side=side))
        if limit:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
            if evidence and rows:
                by_claim: dict[str, list[dict[str, Any]]] = {}
                ids = [r["id"] for r in rows]
                for start in range(0, len(ids), _CHUNK):
                    for r in conn.execute(select(ce).where(
                            ce.c.claim_id.in_(ids[start:start + _CHUNK]))
                            .order_by(ce.c.date.is_(None), ce.c.date, ce.c.id)):
                        by_claim.setdefault(r.claim_id, []).append(dict(r._mapping))
                for row in rows:
                    found = by_claim.get(row["id"], [])
                    row["asserted_by"] = [source_record(e) for e in found
                                          if e["stance"] == "asserts"]
                    row["denied_by"] = [source_record(e) for e in found
                                        if e["stance"] == "denies"]
        yield from rows

    def count_claims(self, *, verdict: str | None = None) -> int:
        stmt = (select(func.count()).select_from(schema.claims)
                .where(*filters.claim_conditions(verdict=verdict)))
        with self.engine.connect() as conn:
            return int(conn.scalar(stmt) or 0)

    def iter_series(self, *, story_id: str | None = None, counted: str | None = None,
                    min_points: int = 2) -> Iterator[dict[str, Any]]:
        """Figure series with their points in date order (undated points last)."""
        se, sp = schema.series, schema.series_points
        stmt = select(se).where(se.c.points >= min_points)
        if story_id:
            stmt = stmt.where(se.c.story_id == story_id)
        if counted:
            stmt = stmt.where(se.c.counted == counted)
        stmt = stmt.order_by(se.c.points.desc(), se.c.id)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
            points: dict[str, list[dict[str, Any]]] = {}
            ids = [r["id"] for r in rows]
            for start in range(0, len(ids), _CHUNK):
                result = conn.execute(select(sp).where(sp.c.series_id.in_(
                    ids[start:start + _CHUNK])).order_by(sp.c.date.is_(None), sp.c.date,
                                                        sp.c.id))
                keys = list(result.keys())  # once: dict(row._mapping) rebuilds them per row
                for values in result:
                    p = dict(zip(keys, values, strict=True))
                    points.setdefault(p["series_id"], []).append(point_record(p))
            for row in rows:
                row["points"] = points.get(row["id"], [])
        yield from rows

    def claim_sources(self, claim_ids: Sequence[str], *, per_stance: int | None = None
                      ) -> dict[str, dict[str, Any]]:
        """Per claim: ``asserted_by`` and ``denied_by`` (at most ``per_stance`` of each, the
        earliest first) and how many of each there are in all."""
        ce = schema.claim_evidence
        out: dict[str, dict[str, Any]] = {
            cid: {"asserted_by": [], "denied_by": [], "asserted_total": 0, "denied_total": 0}
            for cid in claim_ids}
        with self.engine.connect() as conn:
            for start in range(0, len(claim_ids), _CHUNK):
                result = conn.execute(select(ce).where(
                    ce.c.claim_id.in_(claim_ids[start:start + _CHUNK]))
                    .order_by(ce.c.date.is_(None), ce.c.date, ce.c.id))
                keys = list(result.keys())
                for values in result:
                    r = dict(zip(keys, values, strict=True))
                    entry = out[r["claim_id"]]
                    side = "asserted" if r["stance"] == "asserts" else "denied"
                    entry[f"{side}_total"] += 1
                    if per_stance is None or len(entry[f"{side}_by"]) < per_stance:
                        entry[f"{side}_by"].append(source_record(r))
        return out


def source_record(e: dict[str, Any]) -> dict[str, Any]:
    """A source of DESIGN.md: speaker, side, outlet, article_id, evidence {text, start, end}
    (plus origin, date, the fact's ids and, for figures, its value)."""
    out = {"speaker": e["speaker"], "side": e["side"], "outlet": e["outlet"],
           "article_id": e["article_id"], "origin": e["origin"], "date": e["date"],
           "evidence": {"text": e["evidence_text"], "start": e["evidence_start"],
                        "end": e["evidence_end"]},
           "statement_id": e["statement_id"], "event_id": e["event_id"]}
    if e["quantity_id"]:
        out.update(quantity_id=e["quantity_id"], value=e["value"], low=e["low"],
                   high=e["high"])
    return out


def point_record(p: dict[str, Any]) -> dict[str, Any]:
    return {"date": p["date"], "date_estimated": bool(p["date_estimated"]),
            "value": p["value"], "low": p["low"], "high": p["high"],
            "qualifier": p["qualifier"], "speaker": p["speaker"], "side": p["side"],
            "outlet": p["outlet"], "origin": p["origin"], "article_id": p["article_id"],
            "quantity_id": p["quantity_id"],
            "evidence": {"text": p["text"], "start": p["start"], "end": p["end"]}}
