"""Typed records passed between stages.

Records know nothing of the rest of the package: every stage imports them, they import
no stage. Spans are character offsets into an article's analysed text (title + body).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Article",
    "IngestReport",
    "Rejection",
    "RemovedSpan",
    "SourceItem",
    "article_key",
    "normalise_for_key",
]

_WS = re.compile(r"\s+")


@dataclass(slots=True, frozen=True)
class SourceItem:
    """One document as a reader found it, before cleaning.

    ``raw`` is the text the offsets of the cleaned article map back to: the decoded file
    for text files, ``title + blank line + body`` for records of dumps and feeds, and the
    extracted main text for HTML (the raw HTML itself is not kept).
    ``raw[raw_start:body_start]`` holds the title (and a subtitle) when there is one.
    """

    raw: str
    locator: str  # where it came from: path, path#record, or URL; unique per sighting
    format: str  # text | html | jsonl | json | csv | rss | url
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD
    date_source: str | None = None  # header | field | html-meta | htmldate | feed | None
    raw_start: int = 0  # where the analysable text starts in raw (after a date header)
    body_start: int = 0  # where the body starts in raw (title lines before it are never cleaned)


@dataclass(slots=True, frozen=True)
class RemovedSpan:
    """A span of the raw text that cleaning removed, with the rule that removed it."""

    start: int
    end: int
    rule: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "rule": self.rule, "text": self.text}


@dataclass(slots=True, frozen=True)
class Article:
    """A cleaned article: the unit every later stage works on.

    ``text`` is the analysed text (title, then body); ``offsets`` maps it back to ``raw``
    (see :class:`crosscheck.clean.OffsetMap`).
    """

    id: str
    title: str | None
    text: str
    raw: str
    url: str | None
    outlet: str | None
    published: str | None
    date_source: str | None
    format: str
    locator: str
    offsets: tuple[tuple[int, int, int], ...]
    removed: tuple[RemovedSpan, ...] = ()
    paragraph_hashes: tuple[str, ...] = field(default=(), repr=False)
    raw_start: int = 0
    body_start: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The article record of DESIGN.md (plus provenance fields)."""
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "date_source": self.date_source,
            "text": self.text,
            "format": self.format,
            "locator": self.locator,
        }


def normalise_for_key(text: str) -> str:
    """The form of a text that identity is computed on: NFKC, casefolded, spaces collapsed."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def article_key(text: str) -> str:
    """An article's id: a hash of its normalised analysed text (title, then body)."""
    return hashlib.sha256(normalise_for_key(text).encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True, frozen=True)
class Rejection:
    """An input that could not become an article, and why (one line, names file and place)."""

    locator: str
    reason: str

    def __str__(self) -> str:
        return f"{self.locator}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did."""

    read: int = 0
    stored: int = 0
    duplicates: int = 0
    new_sightings: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    stored_ids: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0: everything usable was stored; 1: some inputs rejected; 2: nothing usable."""
        if self.read == 0 or (self.rejected and self.stored + self.duplicates == 0):
            return 2
        return 1 if self.rejected else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "new_sightings": self.new_sightings,
            "rejected": [{"source": r.locator, "reason": r.reason} for r in self.rejected],
        }
