"""The store: one schema, SQLite by default (WAL, FTS5), PostgreSQL by URL.

One writer per process: writes go through :class:`Store` methods in batches, each batch
one transaction, so a run killed mid-way loses nothing that was committed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from crosscheck.errors import StoreError
from crosscheck.store.migrations import MIGRATIONS, migrate
from crosscheck.store.queries import Store

__all__ = ["MIGRATIONS", "Store", "database_url", "open_store"]

_SCHEME = re.compile(r"^[a-z][a-z0-9+]*://", re.IGNORECASE)


def database_url(value: str) -> str:
    """A SQLAlchemy URL from what a user typed: a URL, or a path to a SQLite file."""
    if value == ":memory:":
        return "sqlite://"
    if not _SCHEME.match(value):
        return f"sqlite:///{Path(value).expanduser()}"
    if value.startswith(("postgresql://", "postgres://")):
        # psycopg 3, not the psycopg2 that SQLAlchemy picks for a bare postgresql:// URL
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _sqlite_engine(url: str) -> Engine:
    from sqlalchemy.pool import StaticPool

    memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(url, poolclass=StaticPool if memory else None,
                           connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are ours: see _on_begin
        cursor = dbapi_conn.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def open_store(db: str = "crosscheck.db", *, create: bool = True) -> Store:
    """Open (and migrate) the store at ``db``: a SQLite path, ``:memory:`` or a URL."""
    url = database_url(db)
    try:
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[1] if ":///" in url else ""
            if path and path != ":memory:":
                if not create and not Path(path).exists():
                    raise StoreError(f"{path}: no such store (run `crosscheck ingest` first)")
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = _sqlite_engine(url)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        migrate(engine)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"{db}: not a usable database URL ({exc})") from None
    except OperationalError as exc:
        raise StoreError(f"{db}: cannot open the store ({exc.orig})") from None
    return Store(engine)
