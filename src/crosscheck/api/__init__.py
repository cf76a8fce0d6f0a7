"""The web face: a JSON API under ``/api`` (described by ``/openapi.json``), static files
under ``/static``, and the HTML pages of ``crosscheck.api.html_routes`` when that module
exists. Reads from the store only; writing endpoints exist only with a token.

    from crosscheck.api import create_app
    app = create_app("news.db")                      # read-only
    app = create_app("news.db", token="s3cret")      # + POST /api/ingest, /api/process

Layout for page authors: ``html_routes.py`` defines ``router`` (an ``APIRouter``);
templates live in :data:`TEMPLATES_DIR`, static files in :data:`STATIC_DIR`; routes get
the store with :data:`crosscheck.api.deps.StoreDep`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from crosscheck.api.errors import install_error_handlers
from crosscheck.settings import Settings, load_settings
from crosscheck.store import open_store

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "create_app"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
_HTML_MODULE = "crosscheck.api.html_routes"


def create_app(db: str, *, token: str | None = None,
               settings: Settings | None = None) -> FastAPI:
    """The app over the store at ``db`` (a SQLite path or a database URL; it must exist).

    With a non-empty ``token`` the writing endpoints are mounted and need
    ``Authorization: Bearer <token>``; without one they do not exist (404). ``settings``
    (default: :func:`~crosscheck.settings.load_settings`) give the ingest limits and the
    spaCy pipeline. The store is one SQLAlchemy engine with a connection pool, shared by
    every request and disposed when the app shuts down."""
    settings = settings or load_settings()
    store = open_store(db, create=False)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    from crosscheck import __version__ as version

    app = FastAPI(
        title="crosscheck",
        version=version,
        summary="Sourced, cross-checked records of war reporting: who said what, figures, "
        "events, stories, corroborations and contradictions.",
        description="Listings answer `{ok, items, total, limit, offset, next}`; records "
        "`{ok, item}`; every error `{ok: false, error, status}`. Page with `limit` "
        "(1-500, default 50) and `offset`, or follow `next`.",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.token = token or None
    install_error_handlers(app)

    from crosscheck.api.json_routes import router

    app.include_router(router)
    if token:
        from crosscheck.api.write_routes import make_router

        app.include_router(make_router())
    if importlib.util.find_spec(_HTML_MODULE) is not None:
        app.include_router(importlib.import_module(_HTML_MODULE).router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    return app
