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
    "EVENT_STATUSES",
    "Article",
    "DateMention",
    "Event",
    "Extraction",
    "IngestReport",
    "Location",
    "Mention",
    "Participant",
    "Quantity",
    "Rejection",
    "RemovedSpan",
    "SourceItem",
    "Span",
    "Speaker",
    "Statement",
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


# -- extraction ----------------------------------------------------------------------------
# Every fact carries character offsets into its article's analysed text and the names of
# the rules that produced it.


@dataclass(slots=True, frozen=True)
class Span:
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True, frozen=True)
class Mention:
    """One mention of an entity in one article."""

    text: str
    start: int
    end: int
    type: str  # PERSON | ORG | GPE | LOC | FAC | NORP | GROUP
    name: str  # canonical name (gazetteer name, or the longest form in the article)
    entity_key: str  # type + normalised canonical name: the same thing across articles
    role: str | None = None
    side: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None  # 1 facility/town, 2 district/region, 3 country (ACLED)
    rules: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class Speaker:
    text: str  # the words naming the speaker here (may be "he")
    start: int
    end: int
    name: str | None  # who that is
    entity_key: str | None = None
    side: str | None = None
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end,
                "entity_id": self.entity_key, "name": self.name, "side": self.side,
                "role": self.role}


@dataclass(slots=True, frozen=True)
class Statement:
    kind: str  # direct | indirect | partial | headline | unattributed
    stance: str  # asserts | denies
    content: Span
    cue: Span | None
    speaker: Speaker | None
    intermediary: str | None = None
    channel: str | None = None
    date: str | None = None
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "stance": self.stance,
                "speaker": self.speaker.to_dict() if self.speaker else None,
                "cue": self.cue.to_dict() if self.cue else None,
                "content": self.content.to_dict(), "intermediary": self.intermediary,
                "channel": self.channel, "date": self.date, "rules": list(self.rules)}


@dataclass(slots=True, frozen=True)
class Quantity:
    text: str
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None  # about | at least | more than | up to | nearly | several | ...
    counted: str | None  # civilians | soldiers | dead | wounded | evacuated | ...
    place: str | None = None
    as_of: str | None = None
    claimed_on: str | None = None
    hedged: bool = False
    statement_index: int | None = None  # index into the article's statements
    speaker: str | None = None
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "value": self.value,
                "low": self.low, "high": self.high, "qualifier": self.qualifier,
                "counted": self.counted, "place": self.place, "as_of": self.as_of,
                "claimed_on": self.claimed_on, "hedged": self.hedged,
                "speaker": self.speaker, "rules": list(self.rules)}


@dataclass(slots=True, frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    value: str | None  # YYYY-MM-DD, YYYY-MM or YYYY; None when it cannot be resolved
    precision: str  # day | week | month | year | unknown
    rules: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class Participant:
    """An event's actor or target: the words in the text and who that is."""

    text: str
    start: int
    end: int
    name: str | None = None
    entity_key: str | None = None
    side: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "name": self.name,
                "entity_id": self.entity_key, "side": self.side}


@dataclass(slots=True, frozen=True)
class Location:
    """Where an event happened: the most specific place the text supports."""

    name: str
    text: str
    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    precision: int | None = None  # ACLED geo-precision: 1 town/facility, 2 region, 3 country
    entity_key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "text": self.text, "start": self.start, "end": self.end,
                "lat": self.lat, "lon": self.lon, "precision": self.precision}


EVENT_STATUSES = ("reported", "claimed", "denied", "planned", "ordered", "called_off",
                  "hypothetical")


@dataclass(slots=True, frozen=True)
class Event:
    """Who did what to whom, where and when, typed the way ACLED and POLECAT type it.

    ``event_type``/``sub_event_type`` are ACLED's (e.g. "Explosions/Remote violence" /
    "Air/drone strike"); ``plover`` is the PLOVER type (e.g. "ASSAULT"). ``evidence`` is
    the text that supports the event (the trigger's sentence or clause); ``trigger`` the
    word(s) that name it. ``statement_index`` points into the article's statements when a
    statement carries the event (then ``status`` reflects it: claimed or denied);
    ``quantity_indexes`` into its figures (casualties, people counts).
    """

    event_type: str
    sub_event_type: str
    plover: str
    trigger: Span
    evidence: Span
    status: str = "reported"
    actor: Participant | None = None
    target: Participant | None = None
    location: Location | None = None
    date: str | None = None
    date_precision: str | None = None
    fatalities: int | None = None
    statement_index: int | None = None
    quantity_indexes: tuple[int, ...] = ()
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"event_type": self.event_type, "sub_event_type": self.sub_event_type,
                "plover": self.plover, "trigger": self.trigger.to_dict(),
                "evidence": self.evidence.to_dict(), "status": self.status,
                "actor": self.actor.to_dict() if self.actor else None,
                "target": self.target.to_dict() if self.target else None,
                "location": self.location.to_dict() if self.location else None,
                "date": self.date, "date_precision": self.date_precision,
                "fatalities": self.fatalities, "rules": list(self.rules)}


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one article."""

    article_id: str
    version: str
    mentions: list[Mention] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
