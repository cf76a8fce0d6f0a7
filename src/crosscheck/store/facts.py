"""Reads and batched writes of extracted facts (issue 3): the only module writing their SQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Engine, delete, func, insert, or_, select, update
from sqlalchemy.sql import Select

from crosscheck.records import Event, Extraction, Participant
from crosscheck.store import filters, schema

__all__ = ["FactsMixin"]


class FactsMixin:
    engine: Engine

    # -- processing ------------------------------------------------------------------------

    def ids_to_process(self, version: str, *, reprocess: bool = False,
                       limit: int | None = None) -> list[str]:
        """Articles never processed, or (``reprocess``) processed by another version."""
        a = schema.articles
        condition: Any = a.c.processed_version.is_(None)
        if reprocess:
            condition = or_(condition, a.c.processed_version != version)
        stmt = select(a.c.id).where(condition).order_by(a.c.ingested_at, a.c.id)
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return list(conn.scalars(stmt))

    def texts(self, ids: Sequence[str]) -> list[tuple[str, str, str | None, int]]:
        """``(id, text, published, title length)`` for the pipeline, in the given order."""
        a = schema.articles
        with self.engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(
                select(a.c.id, a.c.text, a.c.published, a.c.title).where(a.c.id.in_(ids)))}
        return [(i, rows[i].text, rows[i].published, len(rows[i].title or ""))
                for i in ids if i in rows]

    def save_extractions(self, batch: Sequence[Extraction]) -> None:
        """Replace the facts of each article in one transaction; mark it processed."""
        if not batch:
            return
        ids = [e.article_id for e in batch]
        mt = schema.mentions
        with self.engine.begin() as conn:
            touched = set(conn.scalars(select(mt.c.entity_key).where(mt.c.article_id.in_(ids))))
            for table in (schema.events, schema.quantities, schema.statements, schema.mentions,
                          schema.dates):
                conn.execute(delete(table).where(table.c.article_id.in_(ids)))
            # re-processed members make their stories' claims stale (recomputed on linking)
            sa, cr = schema.story_articles, schema.claim_runs
            conn.execute(delete(cr).where(cr.c.story_id.in_(
                select(sa.c.story_id).where(sa.c.article_id.in_(ids)))))
            self._upsert_entities(conn, batch)
            mention_rows, statement_rows, quantity_rows, date_rows = [], [], [], []
            event_rows: list[dict[str, Any]] = []
            for e in batch:
                for m in e.mentions:
                    mention_rows.append({
                        "article_id": e.article_id, "start": m.start, "end": m.end,
                        "text": m.text, "type": m.type, "entity_key": m.entity_key,
                        "role": m.role, "side": m.side, "rules": list(m.rules)})
                for n, s in enumerate(e.statements):
                    sp = s.speaker
                    statement_rows.append({
                        "id": f"{e.article_id}:s{n}", "article_id": e.article_id,
                        "kind": s.kind, "stance": s.stance,
                        "speaker_text": sp.text if sp else None,
                        "speaker_start": sp.start if sp else None,
                        "speaker_end": sp.end if sp else None,
                        "speaker_name": sp.name if sp else None,
                        "speaker_key": sp.entity_key if sp else None,
                        "speaker_side": sp.side if sp else None,
                        "speaker_role": sp.role if sp else None,
                        "cue_text": s.cue.text if s.cue else None,
                        "cue_start": s.cue.start if s.cue else None,
                        "cue_end": s.cue.end if s.cue else None,
                        "content_text": s.content.text, "content_start": s.content.start,
                        "content_end": s.content.end, "intermediary": s.intermediary,
                        "channel": s.channel, "date": s.date, "rules": list(s.rules)})
                for n, q in enumerate(e.quantities):
                    quantity_rows.append({
                        "id": f"{e.article_id}:q{n}", "article_id": e.article_id,
                        "statement_id": (f"{e.article_id}:s{q.statement_index}"
                                         if q.statement_index is not None else None),
                        "text": q.text, "start": q.start, "end": q.end, "value": q.value,
                        "low": q.low, "high": q.high, "qualifier": q.qualifier,
                        "counted": q.counted, "place": q.place, "as_of": q.as_of,
                        "claimed_on": q.claimed_on, "hedged": q.hedged, "speaker": q.speaker,
                        "rules": list(q.rules)})
                for n, ev in enumerate(e.events):
                    event_rows.append(_event_row(e.article_id, n, ev))
                for d in e.dates:
                    date_rows.append({
                        "article_id": e.article_id, "text": d.text, "start": d.start,
                        "end": d.end, "value": d.value, "precision": d.precision,
                        "rules": list(d.rules)})
            for table, rows in ((schema.mentions, mention_rows),
                                (schema.statements, statement_rows),
                                (schema.quantities, quantity_rows), (schema.dates, date_rows),
                                (schema.events, event_rows)):
                if rows:
                    conn.execute(insert(table), rows)
            touched |= {row["entity_key"] for row in mention_rows}
            if touched:  # mention counts from the mentions table itself: reprocessing is exact
                t = schema.entities
                count = (select(func.count()).select_from(mt)
                         .where(mt.c.entity_key == t.c.key).scalar_subquery())
                conn.execute(update(t).where(t.c.key.in_(sorted(touched)))
                             .values(mentions=count))
            versions: dict[str, list[str]] = {}
            for e in batch:
                versions.setdefault(e.version, []).append(e.article_id)
            for version, article_ids in versions.items():
                conn.execute(update(schema.articles).where(
                    schema.articles.c.id.in_(article_ids)).values(processed_version=version))

    def _upsert_entities(self, conn: Any, batch: Sequence[Extraction]) -> None:
        """One row per entity key, aggregating aliases, roles and counts across articles."""
        merged: dict[str, dict[str, Any]] = {}
        for e in batch:
            for m in e.mentions:
                row = merged.setdefault(m.entity_key, {
                    "key": m.entity_key, "name": m.name, "type": m.type, "side": None,
                    "lat": m.lat, "lon": m.lon, "geo_precision": m.geo_precision,
                    "aliases": set(), "roles": set(), "mentions": 0})
                row["aliases"].add(m.text)
                if m.role:
                    row["roles"].add(m.role)
                row["side"] = row["side"] or m.side
                row["mentions"] += 1
        if not merged:
            return
        t = schema.entities
        existing = {r.key: r for r in conn.execute(select(t).where(t.c.key.in_(list(merged))))}
        new_rows = []
        for key, row in merged.items():
            old = existing.get(key)
            if old is None:
                new_rows.append({**row, "aliases": sorted(row["aliases"]),
                                 "roles": sorted(row["roles"])})
                continue
            conn.execute(update(t).where(t.c.key == key).values(
                aliases=sorted(set(old.aliases) | row["aliases"]),
                roles=sorted(set(old.roles) | row["roles"]),
                side=old.side or row["side"]))
        if new_rows:
            conn.execute(insert(t), new_rows)

    # -- reading ---------------------------------------------------------------------------

    def facts(self, article_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every fact of one article, in text order."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for name, table, order in (
                    ("mentions", schema.mentions, schema.mentions.c.start),
                    ("statements", schema.statements, schema.statements.c.content_start),
                    ("quantities", schema.quantities, schema.quantities.c.start),
                    ("dates", schema.dates, schema.dates.c.start),
                    ("events", schema.events, schema.events.c.evidence_start)):
                out[name] = [dict(r._mapping) for r in conn.execute(
                    select(table).where(table.c.article_id == article_id).order_by(order))]
        return out

    def facts_of(self, article_ids: Sequence[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """:meth:`facts` of many articles at once (one query per kind and 500 articles)."""
        out: dict[str, dict[str, list[dict[str, Any]]]] = {
            a: {"mentions": [], "statements": [], "quantities": [], "dates": [], "events": []}
            for a in article_ids}
        ids = list(out)
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                part = ids[start:start + 500]
                for name, table, order in (
                        ("mentions", schema.mentions, schema.mentions.c.start),
                        ("statements", schema.statements, schema.statements.c.content_start),
                        ("quantities", schema.quantities, schema.quantities.c.start),
                        ("dates", schema.dates, schema.dates.c.start),
                        ("events", schema.events, schema.events.c.evidence_start)):
                    for r in conn.execute(select(table).where(table.c.article_id.in_(part))
                                          .order_by(table.c.article_id, order)):
                        out[r.article_id][name].append(dict(r._mapping))
        return out

    def iter_statements(self, *, speaker: str | None = None, side: str | None = None,
                        since: str | None = None, until: str | None = None,
                        article: str | None = None, stance: str | None = None,
                        kind: str | None = None, limit: int | None = None
                        ) -> Iterator[dict[str, Any]]:
        stmt = filters.statement_select(speaker=speaker, side=side, since=since, until=until,
                                        article=article, stance=stance, kind=kind)
        yield from self._rows(stmt, limit)

    def iter_quantities(self, *, speaker: str | None = None, counted: str | None = None,
                        since: str | None = None, until: str | None = None,
                        article: str | None = None, side: str | None = None,
                        limit: int | None = None) -> Iterator[dict[str, Any]]:
        stmt = filters.quantity_select(speaker=speaker, counted=counted, since=since,
                                       until=until, article=article, side=side)
        yield from self._rows(stmt, limit)

    def iter_entities(self, *, type_: str | None = None, side: str | None = None,
                      name: str | None = None, article: str | None = None,
                      speaker: str | None = None, since: str | None = None,
                      until: str | None = None, limit: int | None = None,
                      linked: bool = False) -> Iterator[dict[str, Any]]:
        """Entities, most mentioned first. ``speaker``: only entities that speak in some
        statement, named like this; ``since``/``until``: mentioned in articles published
        in that range. ``linked``: corpus-wide entities (one per canonical key of
        ``entity_links``, aggregating every linked key) kept when any of their keys
        matches; otherwise one row per extracted entity key."""
        conditions = filters.entity_conditions(type_=type_, side=side, name=name,
                                               article=article, speaker=speaker, since=since,
                                               until=until)
        if linked:
            from crosscheck.store.entity_links import EntityLinksMixin

            yield from cast(EntityLinksMixin, self).iter_linked_entities(conditions,
                                                                         limit=limit)
            return
        yield from self._rows(filters.entity_select(conditions), limit)

    def iter_events(self, *, event_type: str | None = None, actor: str | None = None,
                    side: str | None = None, place: str | None = None,
                    since: str | None = None, until: str | None = None,
                    status: str | None = None, article: str | None = None,
                    located: bool = False, limit: int | None = None
                    ) -> Iterator[dict[str, Any]]:
        """Events with their article's outlet, URL and date. ``event_type`` matches the
        ACLED event type, sub-event type or PLOVER type (case-insensitive, substring)."""
        stmt = filters.event_select(event_type=event_type, actor=actor, side=side,
                                    place=place, since=since, until=until, status=status,
                                    article=article, located=located)
        yield from self._rows(stmt, limit)

    def _rows(self, stmt: Select[Any], limit: int | None) -> Iterator[dict[str, Any]]:
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execute(stmt):
                yield dict(row._mapping)


def _event_row(article_id: str, n: int, ev: Event) -> dict[str, Any]:
    def part(prefix: str, p: Participant | None) -> dict[str, Any]:
        return {f"{prefix}_text": p.text if p else None, f"{prefix}_start": p.start if p else None,
                f"{prefix}_end": p.end if p else None, f"{prefix}_name": p.name if p else None,
                f"{prefix}_key": p.entity_key if p else None,
                f"{prefix}_side": p.side if p else None}

    loc = ev.location
    return {
        "id": f"{article_id}:e{n}", "article_id": article_id, "event_type": ev.event_type,
        "sub_event_type": ev.sub_event_type, "plover": ev.plover, "status": ev.status,
        "trigger_text": ev.trigger.text, "trigger_start": ev.trigger.start,
        "trigger_end": ev.trigger.end, "evidence_text": ev.evidence.text,
        "evidence_start": ev.evidence.start, "evidence_end": ev.evidence.end,
        **part("actor", ev.actor), **part("target", ev.target),
        "location_name": loc.name if loc else None, "location_text": loc.text if loc else None,
        "location_start": loc.start if loc else None, "location_end": loc.end if loc else None,
        "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "geo_precision": loc.precision if loc else None, "date": ev.date,
        "date_precision": ev.date_precision, "fatalities": ev.fatalities,
        "statement_id": (f"{article_id}:s{ev.statement_index}"
                         if ev.statement_index is not None else None),
        "quantity_ids": [f"{article_id}:q{i}" for i in ev.quantity_indexes],
        "rules": list(ev.rules),
    }
