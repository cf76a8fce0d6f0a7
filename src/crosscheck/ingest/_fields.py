"""Field mapping for records of dumps and feeds: which key holds the text, title, date…"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crosscheck.errors import ConfigError, InputError
from crosscheck.ingest._dates import parse_published
from crosscheck.records import SourceItem

__all__ = ["DEFAULT_FIELDS", "FieldMap", "compose_item", "outlet_from_url"]

#: The keys tried, in order, for each target when no mapping names one.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "maintext",
             "article_text", "story"),
    "title": ("title", "headline", "heading", "head"),
    "summary": ("summary", "subheading", "subtitle", "description", "lead", "standfirst",
                "dek", "abstract"),
    "date": ("date", "published", "published_at", "publish_date", "publication_date", "pubdate",
             "pub_date", "date_published",
             "datetime", "timestamp", "created_at", "time"),
    "url": ("url", "link", "href", "source_url", "permalink"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher", "domain", "source_name",
               "media", "newspaper"),
}


@dataclass(slots=True, frozen=True)
class FieldMap:
    """``target -> key path`` overrides (``outlet=source.name`` reads a nested key)."""

    overrides: Mapping[str, str]

    @classmethod
    def parse(cls, spec: str | None) -> FieldMap:
        """Parse ``"text=body,date=published"``; unknown targets are a ConfigError."""
        overrides: dict[str, str] = {}
        for part in (spec or "").split(","):
            part = part.strip()
            if not part:
                continue
            target, sep, key = part.partition("=")
            target, key = target.strip(), key.strip()
            if not sep or not key:
                raise ConfigError(f"--map: expected TARGET=FIELD, got {part!r}")
            if target not in DEFAULT_FIELDS:
                raise ConfigError(
                    f"--map: unknown target {target!r} (known: {', '.join(DEFAULT_FIELDS)})"
                )
            overrides[target] = key
        return cls(overrides)

    def get(self, record: Mapping[str, Any], target: str) -> Any:
        key = self.overrides.get(target)
        if key is not None:
            return _lookup(record, key)
        lowered = {str(k).lower(): v for k, v in record.items()}
        for candidate in DEFAULT_FIELDS[target]:
            value = lowered.get(candidate)
            if value not in (None, "", [], {}):
                return value
        return None


def _lookup(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _as_text(value: Any, field: str, locator: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)  # a list of paragraphs
    if isinstance(value, Mapping):
        for key in ("name", "title", "value", "text"):
            if isinstance(value.get(key), str):
                return value[key]
    raise InputError(locator, f"field {field!r} holds {type(value).__name__}, not text")


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def compose_item(record: Mapping[str, Any], fields: FieldMap, locator: str, fmt: str,
                 max_bytes: int) -> SourceItem:
    """A :class:`SourceItem` from one record; raises InputError naming the field at fault."""
    title = (_as_text(fields.get(record, "title"), "title", locator) or "").strip()
    body = (_as_text(fields.get(record, "text"), "text", locator) or "").strip()
    if not body:
        body = (_as_text(fields.get(record, "summary"), "summary", locator) or "").strip()
    if not title and not body:
        raise InputError(locator, "no title and no text (looked for "
                         f"{fields.overrides.get('text') or '/'.join(DEFAULT_FIELDS['text'])})")
    raw = f"{title}\n\n{body}" if title and body else (title or body)
    if len(raw.encode("utf-8")) > max_bytes:
        raise InputError(locator, f"record too large ({len(raw)} chars > {max_bytes} bytes cap)")
    url = (_as_text(fields.get(record, "url"), "url", locator) or "").strip() or None
    outlet = (_as_text(fields.get(record, "outlet"), "outlet", locator) or "").strip() or None
    date_value = fields.get(record, "date")
    published = parse_published(date_value)
    return SourceItem(
        raw=raw,
        locator=locator,
        format=fmt,
        title=title or None,
        url=url,
        outlet=outlet or outlet_from_url(url),
        published=published,
        date_source="field" if published else None,
        raw_start=0,
        body_start=len(title) + 2 if title and body else len(raw) if title else 0,
    )
