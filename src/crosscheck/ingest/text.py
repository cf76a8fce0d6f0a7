"""Plain-text articles in the sample format.

An optional ``date YYYY-MM-DD`` token may run into the first line of text; the first one or
two paragraphs are a title and a subtitle when they are short single lines that do not end
like a sentence.
"""

from __future__ import annotations

import re

from crosscheck.errors import InputError
from crosscheck.ingest._dates import parse_published
from crosscheck.records import SourceItem

__all__ = ["MAX_TITLE_CHARS", "parse_text"]

MAX_TITLE_CHARS = 220
_DATE_HEADER = re.compile(r"\A\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?=\s|\Z)[ \t]*", re.IGNORECASE)
_PARAGRAPH = re.compile(r"\S[^\n]*(?:\n[ \t\xa0]*\S[^\n]*)*")
_SENTENCE_END = re.compile(r"[.!?…:;,][\"'”’»)\]]*$")


def _is_title(paragraph: str) -> bool:
    line = paragraph.strip()
    return (
        "\n" not in line
        and 0 < len(line) <= MAX_TITLE_CHARS
        and _SENTENCE_END.search(line) is None
    )


def parse_text(text: str, locator: str, fmt: str = "text") -> SourceItem:
    """A :class:`SourceItem` from the decoded text of one article file."""
    published = None
    raw_start = 0
    m = _DATE_HEADER.match(text)
    if m:
        published = parse_published(m.group(1))
        raw_start = m.end()
    if not text[raw_start:].strip():
        raise InputError(locator, "no text after the date header" if m else "empty input")
    paragraphs = [(p.start(), p.end()) for p in _PARAGRAPH.finditer(text, raw_start)]
    title = None
    body_start = raw_start
    titles = 0
    while titles < 2 and titles < len(paragraphs) and _is_title(text[slice(*paragraphs[titles])]):
        if titles == 1 and len(paragraphs) == 2:
            break  # title + one short line: keep the short line as the body
        titles += 1
    if titles:
        title = text[slice(*paragraphs[0])].strip()
        body_start = paragraphs[titles][0] if titles < len(paragraphs) else len(text)
    return SourceItem(
        raw=text,
        locator=locator,
        format=fmt,
        title=title,
        published=published,
        date_source="header" if published else None,
        raw_start=raw_start,
        body_start=body_start,
    )
