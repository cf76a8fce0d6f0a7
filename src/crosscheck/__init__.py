"""crosscheck: sourced, cross-checked records of war reporting.

The library is the product; the CLI is a thin shell over it::

    from crosscheck import analyze
    result = analyze(["articles/", article_text])  # paths, URLs, text: in memory
    result.statements, result.events, result.stories    # the records of the JSON API

    from crosscheck import open_store, ingest
    with open_store("news.db") as store:
        report = ingest(["articles/", "wire.jsonl.gz"], store)
        print(report.stored, [str(r) for r in report.rejected])
"""

from __future__ import annotations

from crosscheck.analysis import Analysis, analyze
from crosscheck.clean import OffsetMap, clean, load_rules
from crosscheck.errors import (
    ConfigError,
    CrosscheckError,
    FetchError,
    InputError,
    RuleError,
    StoreError,
)
from crosscheck.ingest import FieldMap, IngestOptions, ingest, read_sources
from crosscheck.records import Article, IngestReport, Rejection, RemovedSpan, SourceItem
from crosscheck.settings import Settings, load_settings
from crosscheck.store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "ConfigError",
    "CrosscheckError",
    "FetchError",
    "FieldMap",
    "IngestOptions",
    "IngestReport",
    "InputError",
    "OffsetMap",
    "Rejection",
    "RemovedSpan",
    "RuleError",
    "Settings",
    "SourceItem",
    "Store",
    "StoreError",
    "__version__",
    "analyze",
    "clean",
    "ingest",
    "load_rules",
    "load_settings",
    "open_store",
    "read_sources",
]
