"""Reads and batched writes on the store. The only module that writes SQL for articles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import Engine, and_, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crosscheck.records import Article, IngestReport
from crosscheck.store import schema
from crosscheck.store.claims import ClaimsMixin
from crosscheck.store.entity_links import EntityLinksMixin
from crosscheck.store.facts import FactsMixin
from crosscheck.store.links import LinksMixin

__all__ = ["BatchResult", "Store", "sighting_key", "stock_group"]

_WORD = re.compile(r"\w+", re.UNICODE)
_LIST_COLUMNS = [c for c in schema.articles.c if c.name not in ("raw", "offsets", "removed")]


class BatchResult:
    __slots__ = ("duplicates", "new_ids", "new_sightings")

    def __init__(self) -> None:
        self.new_ids: list[str] = []
        self.duplicates = 0
        self.new_sightings = 0


def sighting_key(article: Article) -> str:
    return article.url or article.locator


_RECORD_SUFFIX = re.compile(r"(:\d+|#[^/]*)$")


def stock_group(article: Article) -> str:
    """Articles whose repeated paragraphs count together as stock text: one outlet, or
    when the outlet is unknown, one folder of files or one dump file."""
    if article.outlet:
        return article.outlet
    if article.format in ("text", "html") and not article.url:
        return "dir:" + str(PurePath(article.locator).parent)
    return "src:" + _RECORD_SUFFIX.sub("", article.locator)


class Store(FactsMixin, LinksMixin, EntityLinksMixin, ClaimsMixin):
    """Typed access to one database. Create with :func:`crosscheck.store.open_store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def _insert_ignore(self, table: Any) -> Any:
        if self.dialect == "postgresql":
            return pg_insert(table).on_conflict_do_nothing()
        if self.dialect == "sqlite":
            return sqlite_insert(table).on_conflict_do_nothing()
        return insert(table).prefix_with("IGNORE")

    def add_articles(self, batch: Sequence[Article], clean_version: str) -> BatchResult:
        """Store a batch in one transaction: new articles, their sightings and paragraphs.

        An article already stored (same id) is a duplicate: only its sighting is added,
        once per URL (or file and record).
        """
        result = BatchResult()
        if not batch:
            return result
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            ids = list({a.id for a in batch})
            existing = set(conn.scalars(select(schema.articles.c.id).where(
                schema.articles.c.id.in_(ids))))
            new_rows: dict[str, dict[str, Any]] = {}
            for article in batch:
                if article.id in existing or article.id in new_rows:
                    result.duplicates += 1
                    continue
                new_rows[article.id] = _article_row(article, clean_version, now)
            if new_rows:
                conn.execute(insert(schema.articles), list(new_rows.values()))
                result.new_ids = list(new_rows)
                paragraphs = [
                    {"grp": stock_group(a), "hash": h, "article_id": a.id}
                    for a in batch if a.id in new_rows
                    for h in a.paragraph_hashes
                ]
                if paragraphs:
                    conn.execute(self._insert_ignore(schema.stock_paragraphs), paragraphs)
            sightings = {(a.id, sighting_key(a)): {
                "article_id": a.id, "key": sighting_key(a), "url": a.url, "outlet": a.outlet,
                "published": a.published, "format": a.format, "seen_at": now,
            } for a in batch}
            before = conn.scalar(select(func.count()).select_from(schema.sightings).where(
                schema.sightings.c.article_id.in_(ids)))
            conn.execute(self._insert_ignore(schema.sightings), list(sightings.values()))
            after = conn.scalar(select(func.count()).select_from(schema.sightings).where(
                schema.sightings.c.article_id.in_(ids)))
            result.new_sightings = max(0, (after or 0) - (before or 0) - len(new_rows))
        return result

    def paragraph_counts(self, group: str) -> Counter[str]:
        """How many stored articles of a stock group hold each (long) paragraph hash."""
        op = schema.stock_paragraphs
        with self.engine.connect() as conn:
            rows = conn.execute(select(op.c.hash, func.count()).where(op.c.grp == group)
                                .group_by(op.c.hash))
            return Counter({h: n for h, n in rows})

    def unprocessed_with_paragraphs(self, group: str, hashes: Iterable[str]
                                    ) -> list[dict[str, Any]]:
        """Unprocessed articles of a stock group holding any of ``hashes`` (re-cleaning)."""
        op, a = schema.stock_paragraphs, schema.articles
        hashes = list(hashes)
        if not hashes:
            return []
        with self.engine.connect() as conn:
            ids = select(op.c.article_id).where(and_(op.c.grp == group, op.c.hash.in_(hashes)))
            rows = conn.execute(select(a).where(and_(a.c.id.in_(ids),
                                                     a.c.processed_version.is_(None))))
            return [dict(r._mapping) for r in rows]

    def update_cleaning(self, updates: Sequence[Article], clean_version: str) -> None:
        if not updates:
            return
        a = schema.articles
        with self.engine.begin() as conn:
            for article in updates:
                conn.execute(update(a).where(a.c.id == article.id).values(
                    text=article.text,
                    offsets=[list(s) for s in article.offsets],
                    removed=[r.to_dict() for r in article.removed],
                    clean_version=clean_version,
                ))

    def record_run(self, sources: Sequence[str], report: IngestReport,
                   started_at: datetime) -> int:
        with self.engine.begin() as conn:
            run_id = conn.execute(insert(schema.ingest_runs).values(
                started_at=started_at, finished_at=datetime.now(UTC), sources=list(sources),
                read=report.read, stored=report.stored, duplicates=report.duplicates,
                rejected=len(report.rejected),
            )).inserted_primary_key[0]  # type: ignore[index]
            if report.rejected:
                conn.execute(insert(schema.rejections), [
                    {"run_id": run_id, "locator": r.locator, "reason": r.reason}
                    for r in report.rejected])
        return int(run_id)

    # -- reading -------------------------------------------------------------------------

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        """One article with provenance (raw text, offsets, removed spans, sightings).

        ``article_id`` may be a unique prefix of the id."""
        a, s = schema.articles, schema.sightings
        with self.engine.connect() as conn:
            rows = conn.execute(select(a).where(a.c.id.startswith(article_id, autoescape=True))
                                .limit(2)).all()
            if len(rows) != 1:
                return None
            row = dict(rows[0]._mapping)
            row["sightings"] = [dict(r._mapping) for r in conn.execute(
                select(s.c.key, s.c.url, s.c.outlet, s.c.published, s.c.format, s.c.seen_at)
                .where(s.c.article_id == row["id"]).order_by(s.c.id))]
        return row

    def iter_articles(self, *, query: str | None = None, outlet: str | None = None,
                      since: str | None = None, until: str | None = None,
                      limit: int | None = None, offset: int = 0) -> Iterator[dict[str, Any]]:
        """Articles (without raw text and offsets), newest first, or best match first for
        a full-text ``query``."""
        a = schema.articles
        stmt = select(*_LIST_COLUMNS)
        if query:
            terms = _WORD.findall(query)
            if not terms:
                return
            if self.dialect == "sqlite":
                match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
                stmt = select(*_LIST_COLUMNS).select_from(a).join(
                    text("articles_fts"), text("articles_fts.rowid = articles.rowid")
                ).where(text("articles_fts MATCH :match").bindparams(match=match)).order_by(
                    text("articles_fts.rank"))
            else:
                stmt = stmt.where(text("search @@ plainto_tsquery('english', :q)")
                                  .bindparams(q=" ".join(terms))).order_by(
                    text("ts_rank(search, plainto_tsquery('english', :q)) DESC")
                    .bindparams(q=" ".join(terms)))
        else:
            stmt = stmt.order_by(a.c.published.desc().nulls_last(), a.c.id)
        if outlet:
            stmt = stmt.where(func.lower(a.c.outlet) == outlet.lower())
        if since:
            stmt = stmt.where(a.c.published >= since)
        if until:
            stmt = stmt.where(a.c.published <= until)
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        with self.engine.connect() as conn:
            for row in conn.execute(stmt):
                yield dict(row._mapping)

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(schema.articles)) or 0)

    def summary(self) -> dict[str, Any]:
        """Counts for a report: articles, sightings, outlets, formats, date range, runs."""
        a, s = schema.articles, schema.sightings
        with self.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(a)) or 0
            sightings = conn.scalar(select(func.count()).select_from(s)) or 0
            undated = conn.scalar(select(func.count()).select_from(a).where(
                a.c.published.is_(None))) or 0
            first, last = conn.execute(select(func.min(a.c.published),
                                              func.max(a.c.published))).one()
            outlets = conn.execute(select(a.c.outlet, func.count()).group_by(a.c.outlet)
                                   .order_by(func.count().desc(), a.c.outlet)).all()
            formats = conn.execute(select(a.c.format, func.count()).group_by(a.c.format)
                                   .order_by(a.c.format)).all()
            removed = conn.scalar(select(func.count()).select_from(a).where(
                func.json_array_length(a.c.removed) > 0)) or 0
            facts = {}
            for name in ("statements", "quantities", "entities", "mentions"):
                table = getattr(schema, name)
                facts[name] = int(conn.scalar(select(func.count()).select_from(table)) or 0)
            facts["denials"] = int(conn.scalar(select(func.count()).select_from(
                schema.statements).where(schema.statements.c.stance == "denies")) or 0)
            processed = conn.scalar(select(func.count()).select_from(a).where(
                a.c.processed_version.is_not(None))) or 0
        return {
            "articles": int(total),
            "processed": int(processed),
            "facts": facts,
            "sightings": int(sightings),
            "undated": int(undated),
            "first": first,
            "last": last,
            "outlets": [{"outlet": o or "(unknown)", "articles": n} for o, n in outlets],
            "formats": {f: n for f, n in formats},
            "articles_with_boilerplate_removed": int(removed),
        }


def _article_row(article: Article, clean_version: str, now: datetime) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published": article.published,
        "date_source": article.date_source,
        "text": article.text,
        "raw": article.raw,
        "raw_start": article.raw_start,
        "body_start": article.body_start,
        "offsets": [list(s) for s in article.offsets],
        "removed": [r.to_dict() for r in article.removed],
        "format": article.format,
        "locator": article.locator,
        "clean_version": clean_version,
        "processed_version": None,
        "ingested_at": now,
    }
