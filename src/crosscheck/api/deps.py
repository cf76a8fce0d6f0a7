"""What routes share (JSON and HTML alike): the app's store and settings, paging.

    from crosscheck.api.deps import StoreDep

    @router.get("/stories")
    def stories(store: StoreDep) -> ...: ...
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from crosscheck.settings import Settings
from crosscheck.store import Store

__all__ = ["MAX_LIMIT", "DateQuery", "LimitQuery", "OffsetQuery", "SettingsDep", "StoreDep",
           "day", "get_settings", "get_store"]

#: The largest page a listing returns.
MAX_LIMIT = 500


def get_store(request: Request) -> Store:
    """The app's one :class:`Store` (an engine with a connection pool: every query borrows
    a connection and gives it back when done)."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-500).")]
OffsetQuery = Annotated[int, Query(ge=0, description="Items to skip.")]
DateQuery = Annotated[date | None, Query(description="A day, YYYY-MM-DD.")]


def day(value: date | None) -> str | None:
    """A validated date parameter as the store keeps dates (``YYYY-MM-DD``)."""
    return value.isoformat() if value is not None else None
