"""RSS and Atom feeds: one article per entry, from its full content or its summary."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser

from crosscheck.ingest._fields import outlet_from_url
from crosscheck.ingest.html import fragment_text
from crosscheck.records import Rejection, SourceItem

__all__ = ["looks_like_feed", "parse_feed"]


def looks_like_feed(head: bytes) -> bool:
    sample = head[:2048].lower()
    return b"<rss" in sample or b"<feed" in sample or b"<rdf:rdf" in sample


_SECTION = re.compile(r"\s+[–—|:-]\s+")


def _outlet_name(feed_title: str) -> str | None:
    """The outlet from a feed title: "BBC News - World" -> "BBC News" (the section or
    edition after a dash, bar or colon is dropped)."""
    name = _SECTION.split(fragment_text(feed_title).strip(), maxsplit=1)[0].strip()
    return name or None


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            try:
                return datetime(*value[:6], tzinfo=UTC).date().isoformat()
            except ValueError:
                continue
    return None


def parse_feed(data: bytes, locator: str, feed_url: str | None = None
               ) -> Iterator[SourceItem | Rejection]:
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        reason = f"not a readable feed ({problem})" if problem else "feed has no entries"
        yield Rejection(locator, reason)
        return
    channel = parsed.feed
    outlet = _outlet_name(channel.get("title") or "") or outlet_from_url(
        channel.get("link") or feed_url)
    for index, entry in enumerate(parsed.entries):
        where = f"{locator}#{index}"
        title = fragment_text(entry.get("title") or "").strip()
        content = ""
        for block in entry.get("content") or []:
            if block.get("value"):
                content = block["value"]
                break
        body = fragment_text(content or entry.get("summary") or "")
        if not title and not body:
            yield Rejection(where, "feed entry has no title and no content")
            continue
        raw = f"{title}\n\n{body}" if title and body else (title or body)
        link = entry.get("link") or None
        if link and not link.lower().startswith(("http://", "https://")):
            link = None  # feedparser falls back to the entry id, often a urn: or tag: URI
        published = _entry_date(entry)
        source = entry.get("source") or {}
        yield SourceItem(
            raw=raw,
            locator=link or where,
            format="feed",
            title=title or None,
            url=link,
            outlet=(source.get("title") if isinstance(source, dict) else None) or outlet,
            published=published,
            date_source="feed" if published else None,
            body_start=len(title) + 2 if title and body else len(raw) if title else 0,
        )
