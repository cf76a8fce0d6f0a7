"""Reads and batched writes of links (issue 5): near duplicates, the persisted LSH index,
document frequencies and stories. The only module writing their SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crosscheck.store import schema

__all__ = ["LinkWrite", "LinksMixin", "StoryRow"]

_CHUNK = 5000  # values per IN list: below every engine's bound-parameter limit
ARTICLES_KEY = "#articles"


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass(slots=True)
class StoryRow:
    """A story as stored, with its (bounded) centroid."""

    id: str
    label: str
    size: int
    articles: int
    undated: int
    days: dict[str, int]
    event_types: dict[str, int]
    terms: dict[str, float]
    entities: dict[str, float]


@dataclass(slots=True)
class LinkWrite:
    """Everything one linked chunk writes, in one transaction."""

    signatures: list[dict[str, Any]] = field(default_factory=list)
    buckets: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    repoint: list[tuple[str, str]] = field(default_factory=list)  # (old canonical, new)
    df: Counter[str] = field(default_factory=Counter)
    stories: list[dict[str, Any]] = field(default_factory=list)  # rows of touched stories
    new_stories: set[str] = field(default_factory=set)  # of which these are new
    story_terms: dict[str, dict[str, float]] = field(default_factory=dict)  # replaced
    story_entities: list[dict[str, Any]] = field(default_factory=list)  # added to
    members: list[dict[str, Any]] = field(default_factory=list)
    #: story -> the estimated date of its stored undated members, when it moved
    medians: dict[str, str | None] = field(default_factory=dict)


class LinksMixin:
    engine: Engine

    def _add_rows(self, table: Any, rows: list[dict[str, Any]], keys: Sequence[str],
                  conn: Any) -> None:
        """Insert rows; on a key conflict add their other columns to the stored ones."""
        if not rows:
            return
        dialect = self.engine.dialect.name
        stmt = (pg_insert(table) if dialect == "postgresql" else sqlite_insert(table))
        values = {c: getattr(table.c, c) + getattr(stmt.excluded, c)
                  for c in rows[0] if c not in keys}
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=values), rows)

    # -- selecting articles ------------------------------------------------------------

    def unlinked_ids(self, ids: Sequence[str] | None = None, *, processed_only: bool = True
                     ) -> list[str]:
        """Articles not yet in a story (of ``ids``, or all processed ones)."""
        a, sa = schema.articles, schema.story_articles
        if ids is not None:
            linked: set[str] = set()
            with self.engine.connect() as conn:
                for part in _chunks(list(ids)):
                    linked.update(conn.scalars(select(sa.c.article_id).where(
                        sa.c.article_id.in_(part))))
            return [i for i in dict.fromkeys(ids) if i not in linked]
        stmt = select(a.c.id).where(a.c.id.not_in(select(sa.c.article_id)))
        if processed_only:
            stmt = stmt.where(a.c.processed_version.is_not(None))
        with self.engine.connect() as conn:
            return list(conn.scalars(stmt.order_by(a.c.ingested_at, a.c.id)))

    def relink_ids(self, since: str | None) -> list[str]:
        """Linked articles published on or after ``since`` (undated ones by their estimated
        date), every other member of their stories, and their near copies; all linked
        articles when ``since`` is None."""
        sa, d = schema.story_articles, schema.duplicates
        with self.engine.connect() as conn:
            if since is None:
                return list(conn.scalars(select(sa.c.article_id)))
            story_ids = select(sa.c.story_id).where(sa.c.date >= since).distinct()
            ids = set(conn.scalars(select(sa.c.article_id).where(sa.c.story_id.in_(story_ids))))
            ids.update(conn.scalars(select(d.c.article_id).where(d.c.canonical_id.in_(
                select(sa.c.article_id).where(sa.c.story_id.in_(story_ids))))))
        return sorted(ids)

    def link_order(self, ids: Sequence[str]) -> list[str]:
        """``ids`` in linking order: by publication date, undated last, then as ingested."""
        a = schema.articles
        rows: list[tuple[str, str | None, Any]] = []
        with self.engine.connect() as conn:
            for part in _chunks(list(ids)):
                rows.extend((i, p, t) for i, p, t in conn.execute(
                    select(a.c.id, a.c.published, a.c.ingested_at).where(a.c.id.in_(part))))
        rows.sort(key=lambda r: (r[1] is None, r[1] or "", str(r[2]), r[0]))
        return [r[0] for r in rows]

    def link_inputs(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """``id, title, text, published, ingested_at`` of articles to link."""
        a = schema.articles
        out: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            for part in _chunks(list(ids)):
                out.extend(dict(r._mapping) for r in conn.execute(select(
                    a.c.id, a.c.title, a.c.text, a.c.published, a.c.ingested_at).where(
                    a.c.id.in_(part))))
        return out

    def link_facts(self, ids: Sequence[str]
                   ) -> tuple[dict[str, list[tuple[str, int]]], dict[str, Counter[str]]]:
        """Entity mentions ``(entity key, start)`` and event sub-types (neither denied nor
        hypothetical) per article of ``ids`` (one query each)."""
        m, ev = schema.mentions, schema.events
        mentions: dict[str, list[tuple[str, int]]] = {}
        events: dict[str, Counter[str]] = {}
        with self.engine.connect() as conn:
            for part in _chunks(list(ids)):
                for article_id, key, start in conn.execute(select(
                        m.c.article_id, m.c.entity_key, m.c.start).where(
                        m.c.article_id.in_(part))):
                    mentions.setdefault(article_id, []).append((key, start))
                for article_id, sub_type in conn.execute(select(
                        ev.c.article_id, ev.c.sub_event_type).where(
                        and_(ev.c.article_id.in_(part), ev.c.status != "denied",
                             ev.c.status != "hypothetical"))):
                    events.setdefault(article_id, Counter())[sub_type] += 1
        return mentions, events

    def copy_members(self, ids: Sequence[str]) -> set[str]:
        """Those of ``ids`` that joined their story as near copies (adding no features)."""
        sa = schema.story_articles
        out: set[str] = set()
        with self.engine.connect() as conn:
            for part in _chunks(list(ids)):
                out.update(conn.scalars(select(sa.c.article_id).where(and_(
                    sa.c.article_id.in_(part), sa.c.copy_of.is_not(None)))))
        return out

    # -- the LSH index ------------------------------------------------------------------

    def lsh_candidates(self, buckets: Sequence[int]
                       ) -> Iterator[tuple[int, str, bytes, str | None]]:
        """Stored articles sharing a bucket: ``(bucket, id, signature, canonical or None)``."""
        b, s, d = schema.link_buckets, schema.link_signatures, schema.duplicates
        with self.engine.connect() as conn:
            for part in _chunks(list(buckets)):
                rows = conn.execute(
                    select(b.c.bucket, b.c.article_id, s.c.signature, d.c.canonical_id)
                    .join(s, s.c.article_id == b.c.article_id)
                    .outerjoin(d, d.c.article_id == b.c.article_id)
                    .where(b.c.bucket.in_(part)))
                for bucket, article_id, signature, canonical in rows:
                    yield int(bucket), article_id, bytes(signature), canonical

    def articles_by_url(self, urls: Sequence[str]) -> dict[str, str]:
        """Article id of each URL (or sighting key) that was ingested."""
        s = schema.sightings
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in _chunks(list(urls)):
                out.update({k: a for k, a in conn.execute(
                    select(s.c.key, s.c.article_id).where(s.c.key.in_(part)))})
        return out

    def published_of(self, ids: Iterable[str]) -> dict[str, str | None]:
        a = schema.articles
        out: dict[str, str | None] = {}
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(ids))):
                out.update({i: p for i, p in conn.execute(
                    select(a.c.id, a.c.published).where(a.c.id.in_(part)))})
        return out

    def story_of(self, ids: Iterable[str]) -> dict[str, str]:
        sa = schema.story_articles
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(ids))):
                out.update({i: s for i, s in conn.execute(
                    select(sa.c.article_id, sa.c.story_id).where(sa.c.article_id.in_(part)))})
        return out

    # -- document frequencies and story postings ------------------------------------------

    def link_df(self, keys: Iterable[str]) -> dict[str, int]:
        t = schema.link_df
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(keys) | {ARTICLES_KEY})):
                out.update({k: int(n) for k, n in conn.execute(
                    select(t.c.key, t.c.df).where(t.c.key.in_(part)))})
        return out

    def story_postings(self, keys: Sequence[str], lo: str | None, hi: str | None,
                       per_key: int) -> list[tuple[str, str, str | None, str | None]]:
        """``(key, story id, start, end)`` of stories holding any of ``keys`` (an entity key
        or ``'t:' + term``) whose span reaches ``lo..hi`` (stories with no dated member
        always do; no bounds: every story), at most ``per_key`` stories per key, the most
        recent first: a bounded posting list however large the store grows."""
        st, se, ss = schema.stories, schema.story_entities, schema.story_terms
        terms = sorted({k[2:] for k in keys if k.startswith("t:")})
        entities = sorted({k for k in keys if not k.startswith("t:")})
        window: Any = True
        if lo is not None and hi is not None:
            window = or_(st.c.end.is_(None), and_(st.c.end >= lo, st.c.start <= hi))
        out: list[tuple[str, str, str | None, str | None]] = []
        with self.engine.connect() as conn:
            for key_column, story_column, table, values, prefix in (
                    (se.c.entity_key, se.c.story_id, se, entities, ""),
                    (ss.c.term, ss.c.story_id, ss, terms, "t:")):
                for part in _chunks(values):
                    rank = func.row_number().over(
                        partition_by=key_column,
                        order_by=(st.c.end.desc().nulls_last(), st.c.id)).label("rank")
                    ranked = (select(key_column.label("key"), st.c.id, st.c.start, st.c.end,
                                     rank)
                              .select_from(table).join(st, st.c.id == story_column)
                              .where(and_(key_column.in_(part), window)).subquery())
                    out.extend((prefix + k, s, a, b) for k, s, a, b in conn.execute(
                        select(ranked.c.key, ranked.c.id, ranked.c.start, ranked.c.end)
                        .where(ranked.c.rank <= per_key)))
        return out

    def load_stories(self, ids: Iterable[str]) -> dict[str, StoryRow]:
        st = schema.stories
        out: dict[str, StoryRow] = {}
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(ids))):
                for r in conn.execute(select(st).where(st.c.id.in_(part))):
                    out[r.id] = StoryRow(r.id, r.label, r.size, r.articles, r.undated,
                                         dict(r.days),
                                         dict(r.event_types), dict(r.centroid["terms"]),
                                         dict(r.centroid["entities"]))
        return out

    def entity_names(self, keys: Iterable[str]) -> dict[str, str]:
        t = schema.entities
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in _chunks(sorted(set(keys))):
                out.update({k: n for k, n in conn.execute(
                    select(t.c.key, t.c.name).where(t.c.key.in_(part)))})
        return out

    # -- writing --------------------------------------------------------------------------

    def save_links(self, write: LinkWrite) -> None:
        """Write one linked chunk in one transaction."""
        now = datetime.now(UTC)
        d, sa = schema.duplicates, schema.story_articles
        with self.engine.begin() as conn:
            if write.signatures:
                conn.execute(insert(schema.link_signatures), write.signatures)
            if write.buckets:
                conn.execute(insert(schema.link_buckets), write.buckets)
            for old, new in write.repoint:
                conn.execute(update(d).where(d.c.canonical_id == old).values(canonical_id=new))
            if write.duplicates:
                conn.execute(insert(d), write.duplicates)
            if write.df:
                self._add_rows(schema.link_df,
                               [{"key": k, "df": n} for k, n in write.df.items()], ["key"], conn)
            created = [{**r, "created_at": now, "updated_at": now}
                       for r in write.stories if r["id"] in write.new_stories]
            if created:
                conn.execute(insert(schema.stories), created)
            changed = [{f"b_{k}": v for k, v in {**r, "updated_at": now}.items()}
                       for r in write.stories if r["id"] not in write.new_stories]
            if changed:
                columns = [c[2:] for c in changed[0] if c != "b_id"]
                conn.execute(update(schema.stories).where(
                    schema.stories.c.id == bindparam("b_id")).values(
                    {c: bindparam(f"b_{c}") for c in columns}), changed)
            if write.story_terms:
                ss = schema.story_terms
                ids = sorted(write.story_terms)
                for part in _chunks(ids):
                    conn.execute(delete(ss).where(ss.c.story_id.in_(part)))
                rows = [{"story_id": s, "term": t, "weight": w}
                        for s in ids for t, w in write.story_terms[s].items()]
                if rows:
                    conn.execute(insert(ss), rows)
            self._add_rows(schema.story_entities, write.story_entities,
                           ["story_id", "entity_key"], conn)
            if write.members:
                conn.execute(insert(sa), [{**m, "linked_at": now} for m in write.members])
            if write.medians:
                conn.execute(update(sa).where(and_(
                    sa.c.story_id == bindparam("b_story"), sa.c.date_estimated.is_(True)))
                    .values(date=bindparam("b_date")),
                    [{"b_story": s, "b_date": m} for s, m in write.medians.items()])

    def unlink(self, ids: Sequence[str]) -> None:
        """Forget the links of ``ids`` (which must hold every member of their stories and
        their near copies, see :meth:`relink_ids`): stories, memberships, duplicate
        records, signatures; document frequencies are lowered by the caller's counts."""
        sa, d = schema.story_articles, schema.duplicates
        with self.engine.begin() as conn:
            story_ids: set[str] = set()
            for part in _chunks(list(ids)):
                story_ids.update(conn.scalars(select(sa.c.story_id).where(
                    sa.c.article_id.in_(part))))
            for part in _chunks(sorted(story_ids)):
                for table in (schema.story_terms, schema.story_entities, sa):
                    conn.execute(delete(table).where(table.c.story_id.in_(part)))
                conn.execute(delete(schema.stories).where(schema.stories.c.id.in_(part)))
            for part in _chunks(list(ids)):
                conn.execute(delete(d).where(or_(d.c.article_id.in_(part),
                                                 d.c.canonical_id.in_(part))))
                conn.execute(delete(schema.link_buckets).where(
                    schema.link_buckets.c.article_id.in_(part)))
                conn.execute(delete(schema.link_signatures).where(
                    schema.link_signatures.c.article_id.in_(part)))

    def lower_df(self, counts: Counter[str]) -> None:
        t = schema.link_df
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.key == bindparam("b_key")).values(
                df=t.c.df - bindparam("b_n")),
                [{"b_key": k, "b_n": n} for k, n in counts.items()])
            conn.execute(delete(t).where(t.c.df <= 0))

    def clear_links(self) -> None:
        """Forget every link (``crosscheck link --all`` rebuilds from scratch)."""
        with self.engine.begin() as conn:
            for table in (schema.story_terms, schema.story_entities, schema.story_articles,
                          schema.stories, schema.duplicates, schema.link_buckets,
                          schema.link_signatures, schema.link_df):
                conn.execute(delete(table))

    # -- reading ------------------------------------------------------------------------

    def iter_stories(self, *, since: str | None = None, until: str | None = None,
                     entity: str | None = None, limit: int | None = None,
                     largest: bool = False) -> Iterator[dict[str, Any]]:
        """Stories, latest first (``largest``: most articles first); ``since``/``until``
        keep stories whose span overlaps the range; ``entity`` keeps stories with an entity
        whose name contains it."""
        st, se, t = schema.stories, schema.story_entities, schema.entities
        stmt = select(st.c.id, st.c.label, st.c.start, st.c.end, st.c.articles, st.c.size)
        conditions: list[Any] = []
        if since:
            conditions.append(st.c.end >= since)
        if until:
            conditions.append(st.c.start <= until)
        if entity:
            like = f"%{entity.lower()}%"
            conditions.append(st.c.id.in_(select(se.c.story_id).join(
                t, t.c.key == se.c.entity_key).where(func.lower(t.c.name).like(like))))
        if conditions:
            stmt = stmt.where(and_(*conditions))
        if largest:
            stmt = stmt.order_by(st.c.articles.desc(), st.c.end.desc().nulls_last(), st.c.id)
        else:
            stmt = stmt.order_by(st.c.end.desc().nulls_last(), st.c.articles.desc(), st.c.id)
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execute(stmt):
                yield dict(row._mapping)

    def get_story(self, story_id: str, *, entities: int = 20) -> dict[str, Any] | None:
        """One story (``story_id`` may be a unique prefix) with its members in time order
        (near copies as ``copies`` of the article they copy) and its key entities."""
        st, sa, a = schema.stories, schema.story_articles, schema.articles
        se, t = schema.story_entities, schema.entities
        with self.engine.connect() as conn:
            rows = conn.execute(select(st).where(st.c.id == story_id)).all()
            if not rows:  # a prefix: a range on the primary key, not a scan
                rows = conn.execute(select(st).where(and_(
                    st.c.id >= story_id, st.c.id < story_id + "\uffff",
                    st.c.id.startswith(story_id, autoescape=True))).limit(2)).all()
            if len(rows) != 1:
                return None
            story = dict(rows[0]._mapping)
            members = [dict(r._mapping) for r in conn.execute(
                select(a.c.id, a.c.url, a.c.outlet, a.c.title, a.c.published, sa.c.date,
                       sa.c.date_estimated, sa.c.copy_of, sa.c.score)
                .join(sa, sa.c.article_id == a.c.id).where(sa.c.story_id == story["id"])
                .order_by(sa.c.date.is_(None), sa.c.date, sa.c.date_estimated,
                          a.c.ingested_at, a.c.id))]
            story["entities"] = [dict(r._mapping) for r in conn.execute(
                select(se.c.entity_key.label("id"), t.c.name, t.c.type, se.c.articles)
                .outerjoin(t, t.c.key == se.c.entity_key).where(se.c.story_id == story["id"])
                .order_by(se.c.weight.desc(), se.c.entity_key).limit(entities))]
        story["members"] = members
        return story

    def duplicate_records(self, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Near copies with their canonical article, most similar first."""
        d = schema.duplicates
        stmt = select(d).order_by(d.c.similarity.desc(), d.c.article_id)
        if limit:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execute(stmt):
                yield dict(row._mapping)
