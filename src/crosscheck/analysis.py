"""`analyze`: the whole pipeline in one call, without a server or a database file.

It runs the same code as the CLI, in order: ingest (the readers of
:mod:`crosscheck.ingest` for paths and URLs; the text reader and cleaning for strings of
article text), :func:`crosscheck.process.process` (one spaCy pipeline, in this process by
default) and :func:`crosscheck.link.link_articles`, into a store (in memory by default),
and returns the records the JSON API and the JSONL exports return::

    from crosscheck import analyze
    result = analyze(["articles/", article_text])
    for s in result.statements:
        print(s["speaker"]["name"] if s["speaker"] else None, s["content"]["text"])
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from crosscheck.errors import InputError
from crosscheck.ingest import IngestOptions
from crosscheck.records import Article, IngestReport, Rejection, SourceItem
from crosscheck.store import Store

if TYPE_CHECKING:
    from crosscheck.process import ProcessReport

__all__ = ["Analysis", "Input", "analyze"]

#: What :func:`analyze` accepts, alone or in any iterable: article text, a path (file or
#: directory) or URL, an :class:`~crosscheck.records.Article` or a
#: :class:`~crosscheck.records.SourceItem`.
Input: TypeAlias = str | os.PathLike[str] | Article | SourceItem

_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_PATHLIKE = re.compile(r"^[^\s]+\.(txt|text|html?|xhtml|shtml|jsonl|ndjson|jl|json|csv|tsv|"
                       r"rss|atom|xml)(\.gz)?$", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class Analysis:
    """What :func:`analyze` found: the records of DESIGN.md (the same dictionaries the JSON
    API and ``crosscheck export … --format jsonl`` give), and what each stage did.

    ``statements[i]["speaker"]`` is ``{text, start, end, entity_id, name, side, role}``
    (None for an unattributed statement); every span is a character offset into its
    article's ``text``.
    """

    articles: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    statements: list[dict[str, Any]]
    quantities: list[dict[str, Any]]
    events: list[dict[str, Any]]
    stories: list[dict[str, Any]]
    ingest: IngestReport  #: what reading and cleaning did (``read``, ``stored``, …)
    process: ProcessReport  #: what extraction and linking did

    @property
    def rejected(self) -> list[Rejection]:
        """Inputs that could not become articles, each naming its source and why."""
        return self.ingest.rejected

    def article(self, article_id: str) -> dict[str, Any]:
        """One article record by id (or unique id prefix)."""
        found = [a for a in self.articles if a["id"].startswith(article_id)]
        if len(found) != 1:
            raise KeyError(article_id)
        return found[0]

    def of_article(self, article_id: str) -> dict[str, list[dict[str, Any]]]:
        """The statements, quantities and events of one article, in text order."""
        return {
            "statements": [s for s in self.statements if s["article_id"] == article_id],
            "quantities": [q for q in self.quantities if q["article_id"] == article_id],
            "events": [e for e in self.events if e["article_id"] == article_id],
        }

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "entities": self.entities,
                "statements": self.statements, "quantities": self.quantities,
                "events": self.events, "stories": self.stories,
                "ingest": self.ingest.to_dict(), "process": self.process.to_dict()}


def _split(inputs: Input | Iterable[Input]
           ) -> tuple[list[str], list[tuple[str, str]], list[Article | SourceItem]]:
    """Sort the inputs into sources for the readers (paths, URLs), texts and records."""
    single = isinstance(inputs, str | os.PathLike | Article | SourceItem)
    items = [cast(Input, inputs)] if single else cast(Iterable[Input], inputs)
    sources: list[str] = []
    texts: list[tuple[str, str]] = []
    records: list[Article | SourceItem] = []
    for n, item in enumerate(items):
        if isinstance(item, Article | SourceItem):
            records.append(item)
        elif isinstance(item, os.PathLike):
            sources.append(os.fspath(item))
        elif isinstance(item, str):
            one_line = "\n" not in item and len(item) < 4096
            if one_line and (_URL.match(item) or Path(item).expanduser().exists()):
                sources.append(item)
            elif one_line and _PATHLIKE.match(item):
                sources.append(item)  # a missing file: the readers reject it by name
            else:
                texts.append((f"<text {n}>", item))
        else:
            raise InputError(f"<input {n}>", f"cannot analyse a {type(item).__name__}: give "
                             "article text, a path, a URL, an Article or a SourceItem")
    return sources, texts, records


def _add_texts(store: Store, texts: list[tuple[str, str]], records: list[Article | SourceItem],
               report: IngestReport) -> None:
    """Clean texts and source items like `crosscheck ingest` does and store them with the
    articles given as records, in one batch."""
    from crosscheck.clean import clean, load_rules, make_article
    from crosscheck.ingest.text import parse_text

    rules = load_rules()
    batch: list[Article] = []
    for locator, text in texts:
        report.read += 1
        try:
            item = parse_text(text, locator)
        except InputError as exc:
            report.rejected.append(Rejection(exc.locator, exc.reason))
            continue
        batch.append(make_article(item, clean(item, rules)))
    for record in records:
        report.read += 1
        batch.append(record if isinstance(record, Article)
                     else make_article(record, clean(record, rules)))
    if not batch:
        return
    result = store.add_articles(batch, rules.version)
    report.stored += len(result.new_ids)
    report.duplicates += result.duplicates
    report.new_sightings += result.new_sightings
    report.stored_ids.extend(result.new_ids)


def analyze(inputs: Input | Iterable[Input], *, db: str | Store = ":memory:",
            link: bool = True, model: str | None = None, workers: int = 1,
            options: IngestOptions | None = None) -> Analysis:
    """Ingest, clean, process and link ``inputs``; return every record.

    ``inputs``: article text (a string holding a line break, or one that names no existing
    file; a leading ``date YYYY-MM-DD`` header dates it, short first lines are its title),
    paths of files or directories in any format ``crosscheck ingest`` reads, URLs,
    :class:`~crosscheck.records.Article` or :class:`~crosscheck.records.SourceItem`
    records; one of them or an iterable of them.

    ``db``: ``":memory:"`` (nothing is written to disk), a SQLite path or a
    ``postgresql://`` URL (the store is kept, and later calls add to it), or an open
    :class:`~crosscheck.store.Store`. The records returned are all the store holds: with
    the default, exactly what these inputs gave.

    ``link``: group articles into near duplicates and stories (``False``: no stories).
    ``model``: the spaCy pipeline (default: the ``spacy_model`` setting).
    ``workers``: processes for parsing; 1 (the default) parses in this process.
    ``options``: :class:`~crosscheck.ingest.IngestOptions` for paths and URLs.

    Bad inputs never raise: they are listed in ``result.rejected``. Raises
    :class:`~crosscheck.errors.ConfigError` when the spaCy pipeline is not installed and
    :class:`~crosscheck.errors.StoreError` when ``db`` cannot be opened.
    """
    from crosscheck.export.records import iter_records
    from crosscheck.ingest import ingest
    from crosscheck.process import process
    from crosscheck.settings import load_settings
    from crosscheck.store import open_store

    settings = load_settings()
    sources, texts, records = _split(inputs)
    store = db if isinstance(db, Store) else open_store(db)
    try:
        if sources:
            report = ingest(sources, store,
                            options=options or IngestOptions.from_settings(settings))
        else:
            report = IngestReport()
        _add_texts(store, texts, records, report)
        done = process(store, model=model or settings.spacy_model, workers=workers,
                       link=link)
        return Analysis(
            articles=list(iter_records(store, "articles")),
            entities=list(iter_records(store, "entities")),
            statements=_text_order(iter_records(store, "statements"), "content"),
            quantities=_text_order(iter_records(store, "quantities"), None),
            events=_text_order(iter_records(store, "events"), "evidence"),
            stories=list(iter_records(store, "stories")),
            ingest=report,
            process=done,
        )
    finally:
        if store is not db:
            store.close()


def _text_order(records: Iterable[dict[str, Any]], span: str | None) -> list[dict[str, Any]]:
    """Records grouped by article (newest first, as listed) and in text order within one."""
    rows = list(records)
    first: dict[str, int] = {}
    for n, row in enumerate(rows):
        first.setdefault(row["article_id"], n)

    def key(row: dict[str, Any]) -> tuple[int, int]:
        start = row[span]["start"] if span else row["start"]
        return first[row["article_id"]], start if start is not None else -1

    return sorted(rows, key=key)
