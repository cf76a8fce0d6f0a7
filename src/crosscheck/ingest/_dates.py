"""Publication dates from metadata fields: ISO, RFC 822, US numeric, epoch, free text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

__all__ = ["parse_published"]

_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
_NUMERIC = re.compile(r"\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T].*)?\s*$")
_EARLIEST = date(1900, 1, 1)


def _valid(d: date | None) -> str | None:
    if d is None or d < _EARLIEST or d > date(2100, 1, 1):
        return None
    return d.isoformat()


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # slow to import: only when a date is not in a standard form

    return dateparser


def parse_published(value: Any) -> str | None:
    """``YYYY-MM-DD`` for a metadata date value, or None when it is not a date.

    Numeric dates with slashes are read month first (``03/14/2024``) unless the first
    number cannot be a month (``14/03/2024``).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _valid(value.date())
    if isinstance(value, date):
        return _valid(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds since the epoch
        try:
            return _valid(datetime.fromtimestamp(seconds, tz=UTC).date())
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    m = _ISO.match(text)
    if m:
        try:
            return _valid(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return None
    m = _NUMERIC.match(text)
    if m:
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        month, day = (second, first) if first > 12 else (first, second)
        try:
            return _valid(date(year, month, day))
        except ValueError:
            return None
    try:
        return _valid(parsedate_to_datetime(text).date())
    except (TypeError, ValueError, IndexError):
        pass
    if not re.search(r"\d{4}", text):
        return None  # no year: a free-text date here would be guessed relative to today
    parsed = _dateparser().parse(
        text,
        languages=["en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                  "REQUIRE_PARTS": ["year", "month"]},
    )
    return _valid(parsed.date()) if parsed else None
