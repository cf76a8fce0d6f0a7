"""Reads and writes of corpus-wide entity identity (table ``entity_links``).

Every entity key extracted from an article has a row naming the corpus-wide entity it is
(its canonical key; a canonical key maps to itself). Keys without a row yet (never
resolved) count as their own entity, so every read here works before and after
``crosscheck.link.entities.resolve_entities``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from crosscheck.store import schema

__all__ = ["EntityLinksMixin"]

_CHUNK = 2000  # keys per IN (...) list: well under SQLite's and PostgreSQL's limits
_PAGE = 500  # corpus-wide entities aggregated per round of queries when listing
_MENTIONED_IN = 100


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class EntityLinksMixin:
    """Store methods for one entity across articles and spellings."""

    engine: Engine

    # -- for resolution ----------------------------------------------------------------

    def entity_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(schema.entities)) or 0)

    def entity_index_rows(self, keys: Iterable[str] | None = None
                          ) -> list[tuple[str, str, str]]:
        """``(key, type, name)`` of the given keys (None: of every key), for blocking."""
        t = schema.entities
        stmt = select(t.c.key, t.c.type, t.c.name)
        with self.engine.connect() as conn:
            if keys is None:
                return [(k, ty, n or "") for k, ty, n in conn.execute(stmt)]
            out: list[tuple[str, str, str]] = []
            for part in _chunks(sorted(set(keys))):
                out += [(k, ty, n or "") for k, ty, n in conn.execute(
                    stmt.where(t.c.key.in_(part)))]
            return out

    def entity_block(self, keys: Iterable[str] | None) -> list[dict[str, Any]]:
        """``key, type, name, mentions, lat`` of the candidate keys of some blocks (None:
        every key), the input of entity resolution."""
        t = schema.entities
        stmt = select(t.c.key, t.c.type, t.c.name, t.c.mentions, t.c.lat)
        with self.engine.connect() as conn:
            if keys is None:
                return [dict(r._mapping) for r in conn.execute(stmt.order_by(t.c.key))]
            out: list[dict[str, Any]] = []
            for part in _chunks(sorted(set(keys))):
                out += [dict(r._mapping) for r in conn.execute(stmt.where(t.c.key.in_(part)))]
            return out

    def entity_articles(self, keys: Sequence[str]) -> dict[str, set[str]]:
        """The articles mentioning each key (evidence that an acronym is an expansion)."""
        m = schema.mentions
        out: dict[str, set[str]] = defaultdict(set)
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(keys))):
                for key, article in conn.execute(select(m.c.entity_key, m.c.article_id)
                                                 .where(m.c.entity_key.in_(part)).distinct()):
                    out[key].add(article)
        return dict(out)

    def entity_keys_of_articles(self, article_ids: Sequence[str]) -> list[str]:
        """Every entity key the given articles mention."""
        m = schema.mentions
        keys: set[str] = set()
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(article_ids))):
                keys.update(conn.scalars(select(m.c.entity_key)
                                         .where(m.c.article_id.in_(part)).distinct()))
        return sorted(keys)

    def save_entity_links(self, rows: Sequence[dict[str, Any]], *,
                          replace_all: bool = False) -> None:
        """Write link rows (``key, canonical_key, method, version``) in one transaction,
        replacing those keys' rows (``replace_all``: every row)."""
        el = schema.entity_links
        with self.engine.begin() as conn:
            if replace_all:
                conn.execute(delete(el))
            else:
                for part in _chunks([r["key"] for r in rows]):
                    conn.execute(delete(el).where(el.c.key.in_(part)))
            for part in _chunks(list(rows)):
                conn.execute(insert(el), list(part))

    # -- reading -------------------------------------------------------------------------

    def canonical_keys(self, keys: Iterable[str]) -> dict[str, str]:
        """The corpus-wide entity of each key; a key never linked maps to itself."""
        wanted = sorted(set(keys))
        out = {k: k for k in wanted}
        el = schema.entity_links
        with self.engine.connect() as conn:
            for part in _chunks(wanted):
                out.update({k: c for k, c in conn.execute(
                    select(el.c.key, el.c.canonical_key).where(el.c.key.in_(part)))})
        return out

    def linked_keys(self, canonical: Iterable[str]) -> dict[str, list[str]]:
        """Every key of each corpus-wide entity (the canonical key first)."""
        wanted = sorted(set(canonical))
        out: dict[str, list[str]] = {c: [c] for c in wanted}
        el = schema.entity_links
        with self.engine.connect() as conn:
            for part in _chunks(wanted):
                for key, c in conn.execute(
                        select(el.c.key, el.c.canonical_key)
                        .where(el.c.canonical_key.in_(part)).order_by(el.c.key)):
                    if key != c:
                        out[c].append(key)
        return out

    def entity_links_of(self, keys: Iterable[str]) -> dict[str, dict[str, str]]:
        """The stored link rows of some keys: ``{key: {canonical_key, method, version}}``."""
        el = schema.entity_links
        out: dict[str, dict[str, str]] = {}
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(keys))):
                for r in conn.execute(select(el).where(el.c.key.in_(part))):
                    out[r.key] = {"canonical_key": r.canonical_key, "method": r.method,
                                  "version": r.version}
        return out

    def get_entity(self, key: str) -> dict[str, Any] | None:
        """The corpus-wide entity of a key (any linked key, or the canonical one): its
        record, plus how many statements it speaks and the articles that mention it."""
        canonical = self.canonical_keys([key])[key]
        records = self._entity_records([canonical])
        if not records:
            return None
        record = records[0]
        keys = record["keys"]
        st, m, a = schema.statements, schema.mentions, schema.articles
        with self.engine.connect() as conn:
            record["statements_by"] = sum(int(conn.scalar(
                select(func.count()).select_from(st).where(st.c.speaker_key.in_(part))) or 0)
                for part in _chunks(keys))
            ids = (select(m.c.article_id).where(m.c.entity_key.in_(keys)).distinct()
                   .subquery())
            record["mentioned_in"] = list(conn.scalars(
                select(a.c.id).where(a.c.id.in_(select(ids.c.article_id)))
                .order_by(a.c.published.desc().nulls_last(), a.c.id).limit(_MENTIONED_IN)))
        return record

    def iter_linked_entities(self, conditions: Sequence[Any] = (), *,
                             limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Corpus-wide entities, most mentioned first; ``conditions`` (on the entities
        table) keep those with at least one linked key matching them all."""
        t, el = schema.entities, schema.entity_links
        canon = func.coalesce(el.c.canonical_key, t.c.key)
        ta, la = t.alias("ta"), el.alias("la")
        outer = func.coalesce(la.c.canonical_key, ta.c.key)
        stmt = (select(outer.label("canonical"), func.sum(ta.c.mentions).label("total"))
                .select_from(ta.outerjoin(la, la.c.key == ta.c.key)).group_by(outer))
        if conditions:
            matching = (select(canon).select_from(t.outerjoin(el, el.c.key == t.c.key))
                        .where(*conditions))
            stmt = stmt.having(outer.in_(matching))
        stmt = stmt.order_by(func.sum(ta.c.mentions).desc(), outer)
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            ordered = [c for c, _total in conn.execute(stmt)]
        for page in _chunks(ordered, _PAGE):
            yield from self._entity_records(page)

    def _entity_records(self, canonical: Sequence[str]) -> list[dict[str, Any]]:
        """Corpus-wide records of canonical keys, in the given order (missing ones
        left out): three queries per call."""
        members = self.linked_keys(canonical)
        every = sorted({k for keys in members.values() for k in keys})
        t, m = schema.entities, schema.mentions
        rows: dict[str, Any] = {}
        seen: dict[str, set[tuple[str, str | None, str | None]]] = defaultdict(set)
        with self.engine.connect() as conn:
            for part in _chunks(every):
                rows.update({r.key: r for r in conn.execute(select(t).where(t.c.key.in_(part)))})
                for key, article, role, side in conn.execute(
                        select(m.c.entity_key, m.c.article_id, m.c.role, m.c.side)
                        .where(m.c.entity_key.in_(part)).distinct()):
                    seen[key].add((article, role, side))
        out = []
        for c in canonical:
            keys = [k for k in members.get(c, [c]) if k in rows]
            if c not in rows:
                continue
            out.append(_record(c, [rows[k] for k in keys],
                               set().union(*(seen.get(k, set()) for k in keys))))
        return out


def _record(canonical: str, rows: list[Any], seen: set[tuple[str, str | None, str | None]]
            ) -> dict[str, Any]:
    """One corpus-wide entity from its keys' rows (canonical first) and the
    ``(article, role, side)`` of their mentions; roles and sides count articles."""
    head = rows[0]
    roles = Counter(r for _a, r in {(a, r) for a, r, _s in seen if r})
    sides = Counter(s for _a, s in {(a, s) for a, _r, s in seen if s})
    for row in rows:  # roles and sides the entity rows hold but no mention does
        for role in row.roles or []:
            roles.setdefault(role, 0)
        if row.side:
            sides.setdefault(row.side, 0)
    placed = next((r for r in rows if r.lat is not None), head)
    ordered_roles = [r for r, _n in sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))]
    side = min(sides.items(), key=lambda kv: (-kv[1], kv[0]))[0] if sides else None
    return {
        "id": canonical, "key": canonical, "name": head.name, "type": head.type,
        "aliases": sorted({a for r in rows for a in (r.aliases or [])}),
        "roles": ordered_roles, "role_counts": dict(sorted(roles.items(),
                                                           key=lambda kv: (-kv[1], kv[0]))),
        "side": side, "sides": dict(sorted(sides.items(), key=lambda kv: (-kv[1], kv[0]))),
        "lat": placed.lat, "lon": placed.lon, "geo_precision": placed.geo_precision,
        "keys": [r.key for r in rows], "mentions": sum(int(r.mentions or 0) for r in rows),
        "articles": len({a for a, _r, _s in seen}),
    }
