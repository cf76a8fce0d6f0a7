"""Named migrations, each applied once in its own transaction and recorded by name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, select, text

from crosscheck.store import schema

__all__ = ["MIGRATIONS", "VIEWS", "migrate"]


def _initial(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.articles, schema.sightings, schema.stock_paragraphs, schema.ingest_runs,
        schema.rejections,
    ])


def _fulltext(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "title, text, content='articles', content_rowid='rowid', "
            "tokenize='unicode61 remove_diacritics 2')"))
        conn.execute(text(
            "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);"
            " END"))
        conn.execute(text(
            "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.rowid, old.title, old.text); END"))
        conn.execute(text(
            "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.rowid, old.title, old.text); "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);"
            " END"))
        conn.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED"))
        conn.execute(text("CREATE INDEX ix_articles_search ON articles USING gin (search)"))


def _extraction(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.entities, schema.mentions, schema.statements, schema.quantities, schema.dates,
    ])
    conn.execute(text("CREATE INDEX ix_articles_processed ON articles (processed_version)"))


def _events(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.events])


def _links(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.link_signatures, schema.link_buckets, schema.duplicates, schema.link_df,
        schema.stories, schema.story_articles, schema.story_entities, schema.story_terms,
    ])


VIEWS = {
    # the common joins, for people who open the SQLite file in their own tools
    "v_statements": "SELECT s.*, a.outlet, a.published, a.url, a.title FROM statements s "
                    "JOIN articles a ON a.id = s.article_id",
    "v_events": "SELECT e.*, a.outlet, a.published, a.url, a.title FROM events e "
                "JOIN articles a ON a.id = e.article_id",
    "v_quantities": "SELECT q.*, a.outlet, a.published, a.url FROM quantities q "
                    "JOIN articles a ON a.id = q.article_id",
    "v_story_articles": "SELECT sa.story_id, st.label, a.id AS article_id, a.outlet, a.url, "
                        "a.title, sa.date, sa.date_estimated, sa.copy_of FROM story_articles sa "
                        "JOIN stories st ON st.id = sa.story_id JOIN articles a ON a.id = "
                        "sa.article_id",
    "v_claim_evidence": "SELECT c.story_id, c.kind, c.label, c.verdict, ce.* FROM claim_evidence "
                        "ce JOIN claims c ON c.id = ce.claim_id",
}


def _claims(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[
        schema.entity_links, schema.claims, schema.claim_evidence, schema.claim_runs, schema.series,
        schema.series_points,
    ])
    for name, body in VIEWS.items():
        conn.execute(text(f"CREATE VIEW {name} AS {body}"))


#: In order. Never edit an applied migration: add a new one.
MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("0001_initial", _initial),
    ("0002_fulltext", _fulltext),
    ("0003_extraction", _extraction),
    ("0004_events", _events),
    ("0005_links", _links),
    ("0006_claims", _claims),
)


def migrate(engine) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    with engine.begin() as conn:
        if not inspect(conn).has_table("schema_migrations"):
            schema.schema_migrations.create(conn)
    applied_now: list[str] = []
    for name, step in MIGRATIONS:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # one migrator at a time
                conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            done = conn.execute(select(schema.schema_migrations.c.name).where(
                schema.schema_migrations.c.name == name)).first()
            if done:
                continue
            step(conn)
            conn.execute(schema.schema_migrations.insert().values(
                name=name, applied_at=datetime.now(UTC)))
            applied_now.append(name)
    return applied_now
