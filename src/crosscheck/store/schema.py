"""The store's tables, in one place (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "articles",
    "ingest_runs",
    "metadata",
    "rejections",
    "schema_migrations",
    "sightings",
    "stock_paragraphs",
]

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", String(32), primary_key=True, comment="hash of the normalised title + body"),
    Column("url", Text),
    Column("outlet", String(200), index=True),
    Column("title", Text),
    Column("published", String(10), index=True, comment="YYYY-MM-DD or NULL when undated"),
    Column("date_source", String(20)),
    Column("text", Text, nullable=False, comment="analysed text: title, then body"),
    Column("raw", Text, nullable=False, comment="text the offsets map back to"),
    Column("raw_start", Integer, nullable=False, default=0),
    Column("body_start", Integer, nullable=False, default=0),
    Column("offsets", JSON, nullable=False, comment="[[clean_start, raw_start, length], ...]"),
    Column("removed", JSON, nullable=False, comment="[{start, end, rule, text}, ...] in raw"),
    Column("format", String(20), nullable=False),
    Column("locator", Text, nullable=False, comment="where it was first seen"),
    Column("clean_version", String(40), nullable=False),
    Column("processed_version", String(40), comment="extractor version; NULL = not processed"),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

sightings = Table(
    "sightings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("key", Text, nullable=False, comment="URL, or file and record when there is none"),
    Column("url", Text),
    Column("outlet", String(200)),
    Column("published", String(10)),
    Column("format", String(20), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("article_id", "key", name="uq_sightings_article_key"),
)

stock_paragraphs = Table(
    "stock_paragraphs", metadata,
    Column("grp", String(500), primary_key=True,
           comment="the outlet, else the folder or dump file the article came from"),
    Column("hash", String(16), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
)

ingest_runs = Table(
    "ingest_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("sources", JSON, nullable=False),
    Column("read", Integer, nullable=False, default=0),
    Column("stored", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
)

rejections = Table(
    "rejections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("ingest_runs.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("locator", Text, nullable=False),
    Column("reason", Text, nullable=False),
)

Index("ix_stock_paragraphs_article", stock_paragraphs.c.article_id)
