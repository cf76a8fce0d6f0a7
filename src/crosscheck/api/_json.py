"""JSON responses that serialise what the store returns (dates and datetimes as ISO)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from fastapi.responses import JSONResponse

__all__ = ["JSONOut"]


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return None  # binary columns (signatures) are never part of a record
    raise TypeError(f"cannot serialise {type(value).__name__}")


class JSONOut(JSONResponse):
    """UTF-8 JSON, not ASCII-escaped, with ISO dates."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, default=_default,
                          separators=(",", ":")).encode("utf-8")
