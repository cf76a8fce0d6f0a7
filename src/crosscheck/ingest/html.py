"""HTML pages: main text, title, date and site name by trafilatura; htmldate as fallback.

The raw text of an HTML article is trafilatura's extraction (title, blank line, paragraphs
separated by blank lines); clean offsets map back to it, not to the markup.
"""

from __future__ import annotations

import re
from typing import Any

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html

from crosscheck.errors import InputError
from crosscheck.ingest._dates import parse_published
from crosscheck.ingest._fields import outlet_from_url
from crosscheck.records import SourceItem

__all__ = ["fragment_text", "parse_html"]

_BLANKS = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"\s+")
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
               "section", "article", "figcaption", "pre", "ul", "ol", "table"}


def parse_html(markup: str, locator: str, url: str | None = None) -> SourceItem:
    """A :class:`SourceItem` from a news page; InputError when it holds no article text."""
    try:
        doc: Any = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, include_comments=False, include_tables=False,
        )
    except (ValueError, TypeError, AssertionError) as exc:  # malformed markup deep in lxml
        raise InputError(locator, f"unparseable HTML ({exc})") from None
    if doc is None or not (doc.text or doc.title):
        raise InputError(locator, "no article text found in the HTML page")
    title = (doc.title or "").strip()
    paragraphs = [line.strip() for line in (doc.text or "").splitlines() if line.strip()]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # the page's own headline, already the title
    body = "\n\n".join(paragraphs)
    published = parse_published(doc.date)
    date_source = "html-meta" if published else None
    if published is None:
        try:
            found = find_date(markup, url=url, original_date=True, extensive_search=True)
        except (ValueError, TypeError):
            found = None
        published = parse_published(found)
        date_source = "htmldate" if published else None
    raw = f"{title}\n\n{body}" if title and body else (title or body)
    page_url = url or doc.url
    return SourceItem(
        raw=raw,
        locator=locator,
        format="html",
        title=title or None,
        url=page_url,
        outlet=(doc.sitename or "").strip() or outlet_from_url(page_url),
        published=published,
        date_source=date_source,
        body_start=len(title) + 2 if title and body else len(raw) if title else 0,
    )


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), paragraphs kept apart."""
    if "<" not in fragment:
        return _BLANKS.sub("\n\n", fragment).strip()
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several unrelated types on garbage
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _BLOCK_TAGS:
            parts.append("\n\n")
        # line breaks in the markup are white space, not paragraph breaks
        if node.text:
            parts.append(_SPACES.sub(" ", node.text))
        for child in node:
            walk(child)
            if child.tail:
                parts.append(_SPACES.sub(" ", child.tail))
        if tag in _BLOCK_TAGS:
            parts.append("\n\n")

    walk(root)
    text = re.sub(r"[ \t\xa0]+", " ", "".join(parts))
    return _BLANKS.sub("\n\n", re.sub(r" *\n *", "\n", text)).strip()
