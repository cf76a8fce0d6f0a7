"""Cleaning: remove boilerplate from a source item, keeping a map back to the raw text.

Only deletions happen (plus same-length swaps such as a no-break space for a space), so
every character of the clean text maps to one character of the raw text. Removed
boilerplate is kept, with the rule that removed it, for audit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from crosscheck.clean.boilerplate import LineRule, RuleSet, load_rules
from crosscheck.clean.offsets import OffsetMap
from crosscheck.records import Article, RemovedSpan, SourceItem, article_key, normalise_for_key

__all__ = [
    "STOCK_MIN_CHARS",
    "Cleaned",
    "LineRule",
    "OffsetMap",
    "RuleSet",
    "clean",
    "load_rules",
    "make_article",
    "paragraph_hash",
]

#: Paragraphs shorter than this are never treated as an outlet's stock background text.
STOCK_MIN_CHARS = 80
STOCK_RULE = "stock.paragraph"
HEADER_RULE = "header.date"

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_SAME_LENGTH = str.maketrans({"\xa0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\x0b": " ",
                              "\x0c": " "})


@dataclass(slots=True, frozen=True)
class Cleaned:
    text: str
    offsets: OffsetMap
    removed: tuple[RemovedSpan, ...]
    key: str
    paragraph_hashes: tuple[str, ...]


def paragraph_hash(paragraph: str) -> str:
    return hashlib.sha1(normalise_for_key(paragraph).encode("utf-8")).hexdigest()[:16]


def _lines(raw: str, start: int):
    """(content_start, content_end, line_end) of each line of raw from ``start``."""
    pos = start
    n = len(raw)
    while pos < n:
        m = _LINE.match(raw, pos)
        assert m is not None
        end = m.end()
        content_end = end
        while content_end > pos and raw[content_end - 1] in "\r\n":
            content_end -= 1
        yield pos, content_end, end
        if end == pos:  # pragma: no cover - _LINE always consumes at least a terminator here
            break
        pos = end


def clean(item: SourceItem, rules: RuleSet | None = None,
          stock: frozenset[str] = frozenset()) -> Cleaned:
    """Clean ``item.raw``: drop the date header, boilerplate lines, the outlet's ``stock``
    paragraphs (hashes from :func:`paragraph_hash`) and surplus white space."""
    rules = rules or load_rules()
    raw = item.raw
    removed: list[RemovedSpan] = []
    if item.raw_start > 0:
        removed.append(RemovedSpan(0, item.raw_start, HEADER_RULE, raw[: item.raw_start]))

    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    key_parts: list[str] = []
    hashes: list[str] = []
    length = 0
    prev_terminator: int | None = None  # raw position of the last kept line's terminator
    blank_after_prev: int | None = None  # raw position of a blank line's terminator since then

    def emit(raw_pos: int, text: str) -> None:
        nonlocal length
        pieces.append(text)
        segments.append((length, raw_pos, len(text)))
        length += len(text)

    for start, content_end, line_end in _lines(raw, item.raw_start):
        content = raw[start:content_end]
        stripped = content.strip()
        if not stripped:
            if prev_terminator is not None and blank_after_prev is None and content_end < line_end:
                blank_after_prev = content_end
            continue
        # the title line itself is never cleaned; a subtitle line may be boilerplate
        protected = start < item.body_start and stripped == (item.title or "").strip()
        if not protected:
            rule = rules.match(stripped)
            if rule is not None:
                removed.append(RemovedSpan(start, line_end, rule, content))
                continue
            key_parts.append(stripped)
            digest = paragraph_hash(stripped) if len(stripped) >= STOCK_MIN_CHARS else None
            if digest is not None:
                hashes.append(digest)
                if digest in stock:
                    removed.append(RemovedSpan(start, line_end, STOCK_RULE, content))
                    continue
        else:
            key_parts.append(stripped)
        # separator: the previous kept line's terminator, plus one blank line if there was one
        if prev_terminator is not None:
            emit(prev_terminator, "\n")
            if blank_after_prev is not None:
                emit(blank_after_prev, "\n")
        lead = len(content) - len(content.lstrip())
        emit(start + lead, content.strip().translate(_SAME_LENGTH))
        # a line without terminator is the last one: nothing follows it
        prev_terminator = content_end
        blank_after_prev = None

    removed.sort(key=lambda r: r.start)
    return Cleaned(
        text="".join(pieces),
        offsets=OffsetMap(segments),
        removed=tuple(removed),
        key=article_key("\n".join(key_parts)),
        paragraph_hashes=tuple(dict.fromkeys(hashes)),
    )


def make_article(item: SourceItem, cleaned: Cleaned) -> Article:
    title = item.title.strip() if item.title else None
    return Article(
        id=cleaned.key,
        title=title or None,
        text=cleaned.text,
        raw=item.raw,
        url=item.url,
        outlet=item.outlet,
        published=item.published,
        date_source=item.date_source if item.published else None,
        format=item.format,
        locator=item.locator,
        offsets=cleaned.offsets.segments,
        removed=cleaned.removed,
        paragraph_hashes=cleaned.paragraph_hashes,
        raw_start=item.raw_start,
        body_start=item.body_start,
    )
