"""Ingest: read any pile of news (files, directories, dumps, feeds, URLs) into the store.

Every reader yields :class:`~crosscheck.records.SourceItem` (or a
:class:`~crosscheck.records.Rejection` naming file and place); :func:`ingest` cleans the
items and writes them to the store in batches, one transaction each.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from crosscheck.clean import clean, load_rules, make_article
from crosscheck.clean.boilerplate import RuleSet
from crosscheck.errors import InputError
from crosscheck.ingest._decode import decode_bytes
from crosscheck.ingest._fields import FieldMap, outlet_from_url
from crosscheck.ingest.feeds import looks_like_feed, parse_feed
from crosscheck.ingest.html import parse_html
from crosscheck.ingest.tabular import read_csv, read_json, read_jsonl
from crosscheck.ingest.text import parse_text
from crosscheck.ingest.web import fetch
from crosscheck.records import Article, IngestReport, Rejection, SourceItem
from crosscheck.settings import Settings
from crosscheck.store import Store
from crosscheck.store.queries import stock_group

__all__ = ["FORMATS", "FieldMap", "IngestOptions", "detect_format", "ingest", "read_sources"]

Result = SourceItem | Rejection

#: File name endings (before an optional .gz) and the reader each selects.
FORMATS: dict[str, str] = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jl": "jsonl",
    ".json": "json",
    ".csv": "csv", ".tsv": "csv",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
}
_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class IngestOptions:
    fields: FieldMap = field(default_factory=lambda: FieldMap({}))
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    format: str | None = None  # force a reader instead of detecting it
    max_bytes: int = 5_000_000
    fetch_timeout: float = 20.0
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "crosscheck"

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: object) -> IngestOptions:
        return cls(max_bytes=settings.max_bytes, fetch_timeout=settings.fetch_timeout,
                   max_redirects=settings.max_redirects, allow_private=settings.allow_private,
                   user_agent=settings.user_agent, **kwargs)  # type: ignore[arg-type]


def detect_format(name: str, head: bytes = b"") -> str | None:
    """The reader for a file, from its name ending, else from its first bytes."""
    lower = name.lower().removesuffix(".gz")
    for suffix, fmt in FORMATS.items():
        if lower.endswith(suffix):
            return fmt
    if not head:
        return None
    sample = head.lstrip()[:1024].lower()
    if looks_like_feed(sample):
        return "feed"
    if sample.startswith((b"<!doctype html", b"<html")) or b"<body" in sample:
        return "html"
    if sample.startswith(b"["):
        return "json"
    if sample.startswith(b"{"):
        return "jsonl"
    return "text"


def _matches(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    rel = path.relative_to(root).as_posix() if path != root else path.name
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p) for p in patterns)


def _walk(root: Path, options: IngestOptions) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if not path.is_file():
            continue
        if options.include:
            if not _matches(path, root, options.include):
                continue
        elif detect_format(path.name) is None:
            continue  # unknown endings are skipped in directories unless --include names them
        if options.exclude and _matches(path, root, options.exclude):
            continue
        yield path


def _read_bytes(data: bytes, fmt: str, name: str, options: IngestOptions,
                url: str | None = None) -> Iterator[Result]:
    fields, cap = options.fields, options.max_bytes
    if fmt == "jsonl":
        yield from read_jsonl(data, fields, cap, name)
    elif fmt == "json":
        yield from read_json(data, fields, cap, name)
    elif fmt == "csv":
        yield from read_csv(data, fields, cap, name)
    elif fmt in ("feed", "xml"):
        if fmt == "xml" and not looks_like_feed(data[:4096]):
            yield Rejection(name, "XML that is neither RSS nor Atom")
            return
        yield from parse_feed(data, name, url)
    else:
        if len(data) > cap:
            yield Rejection(name, f"too large ({len(data)} bytes > {cap} bytes cap)")
            return
        try:
            text = decode_bytes(data, name)
            if fmt == "html":
                item = parse_html(text, name, url)
            else:
                item = parse_text(text, name)
                if url:
                    item = replace(item, url=url, outlet=outlet_from_url(url))
        except InputError as exc:
            yield Rejection(exc.locator, exc.reason)
            return
        yield item


def _read_file(path: Path, options: IngestOptions) -> Iterator[Result]:
    name = str(path)
    try:
        size = path.stat().st_size
        if size == 0:
            yield Rejection(name, "empty file")
            return
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        yield Rejection(name, f"cannot read: {exc.strerror}")
        return
    fmt = options.format or detect_format(path.name, head)
    if fmt in ("jsonl", "json", "csv"):  # streamed from disk, capped per record
        reader = {"jsonl": read_jsonl, "json": read_json, "csv": read_csv}[fmt]
        yield from reader(path, options.fields, options.max_bytes, name)
        return
    if size > options.max_bytes and not (fmt == "feed" and size <= options.max_bytes * 20):
        yield Rejection(name, f"too large ({size} bytes > {options.max_bytes} bytes cap)")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Rejection(name, f"cannot read: {exc.strerror}")
        return
    if data[:2] == b"\x1f\x8b":
        import gzip

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            yield Rejection(name, f"corrupt gzip file ({exc})")
            return
    yield from _read_bytes(data, fmt or "text", name, options)


def _read_url(url: str, options: IngestOptions) -> Iterator[Result]:
    try:
        got = fetch(url, max_bytes=options.max_bytes, timeout=options.fetch_timeout,
                    max_redirects=options.max_redirects, allow_private=options.allow_private,
                    user_agent=options.user_agent)
    except InputError as exc:
        yield Rejection(exc.locator, exc.reason)
        return
    fmt = options.format or got.kind
    yield from _read_bytes(got.data, fmt, got.url, options, url=got.url)


def read_sources(sources: Iterable[str | Path], options: IngestOptions) -> Iterator[Result]:
    """Every item (or rejection) from files, directories and URLs, in order."""
    for source in sources:
        text = str(source)
        if _URL.match(text):
            yield from _read_url(text, options)
            continue
        path = Path(text).expanduser()
        if path.is_dir():
            found = False
            for file in _walk(path, options):
                found = True
                yield from _read_file(file.resolve(), options)
            if not found:
                yield Rejection(text, "directory holds no readable files")
        elif path.is_file():
            yield from _read_file(path.resolve(), options)
        elif path.exists():
            yield Rejection(text, "not a regular file")
        else:
            yield Rejection(text, "no such file, directory or URL")


class _StockTracker:
    """Counts long paragraphs per stock group (see :func:`crosscheck.store.queries.stock_group`);
    a paragraph in ``threshold`` articles of a group is stock text."""

    def __init__(self, store: Store, threshold: int) -> None:
        self.store = store
        self.threshold = threshold
        self.counts: dict[str, Counter[str]] = {}
        self.grown: dict[str, set[str]] = defaultdict(set)

    def _counts(self, outlet: str) -> Counter[str]:
        if outlet not in self.counts:
            self.counts[outlet] = self.store.paragraph_counts(outlet)
        return self.counts[outlet]

    def stock(self, group: str) -> frozenset[str]:
        return frozenset(h for h, n in self._counts(group).items() if n >= self.threshold)

    def add(self, article: Article) -> None:
        group = stock_group(article)
        counts = self._counts(group)
        for digest in article.paragraph_hashes:
            counts[digest] += 1
            if counts[digest] == self.threshold:
                self.grown[group].add(digest)


def _reclean_stock(store: Store, tracker: _StockTracker, rules: RuleSet) -> int:
    """Re-clean unprocessed articles that hold paragraphs which became stock in this run."""
    changed = 0
    for group, hashes in tracker.grown.items():
        stock = tracker.stock(group)
        updates = []
        for row in store.unprocessed_with_paragraphs(group, hashes):
            item = SourceItem(raw=row["raw"], locator=row["locator"], format=row["format"],
                              title=row["title"], url=row["url"], outlet=row["outlet"],
                              published=row["published"], date_source=row["date_source"],
                              raw_start=row["raw_start"], body_start=row["body_start"])
            article = make_article(item, clean(item, rules, stock))
            if article.text != row["text"]:
                updates.append(article)
        store.update_cleaning(updates, rules.version)
        changed += len(updates)
    return changed


def ingest(sources: Iterable[str | Path], store: Store, *, options: IngestOptions | None = None,
           batch_size: int = 200, stock_threshold: int = 3,
           on_item: Callable[[IngestReport], None] | None = None) -> IngestReport:
    """Read, clean and store ``sources``; never raises for bad input (see the report)."""
    options = options or IngestOptions()
    rules = load_rules()
    report = IngestReport()
    tracker = _StockTracker(store, stock_threshold)
    started = datetime.now(UTC)
    batch: list[Article] = []

    def flush() -> None:
        result = store.add_articles(batch, rules.version)
        report.stored += len(result.new_ids)
        report.duplicates += result.duplicates
        report.new_sightings += result.new_sightings
        report.stored_ids.extend(result.new_ids)
        new = set(result.new_ids)
        for article in batch:
            if article.id in new:
                tracker.add(article)
        batch.clear()

    sources = list(sources)
    for result in read_sources(sources, options):
        report.read += 1
        if isinstance(result, Rejection):
            report.rejected.append(result)
        else:
            draft = make_article(result, clean(result, rules))
            stock = tracker.stock(stock_group(draft))
            article = make_article(result, clean(result, rules, stock)) if (
                stock.intersection(draft.paragraph_hashes)) else draft
            batch.append(article)
            if len(batch) >= batch_size:
                flush()
        if on_item is not None:
            on_item(report)
    flush()
    _reclean_stock(store, tracker, rules)
    store.record_run([str(s) for s in sources], report, started)
    return report
