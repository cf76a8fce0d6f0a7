"""The bundled example corpus ingests cleanly and matches its gold file (ingest fields).

Later stages extend these checks with statements, figures and events from the same gold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosscheck.ingest import ingest
from crosscheck.records import normalise_for_key
from crosscheck.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "crosscheck" / "examples"
GOLD: list[dict[str, Any]] = json.loads((EXAMPLES / "gold.json").read_text("utf-8"))["articles"]


def _gold_key(entry: dict[str, Any]) -> tuple[str, int | None]:
    return entry["source"], entry["record"]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict[tuple, dict]:
    """Ingest the corpus; map every gold (source, record) to its stored article."""
    from crosscheck.store import open_store

    store: Store = open_store(str(tmp_path_factory.mktemp("examples") / "ex.db"))
    report = ingest([corpus_dir], store)
    assert report.rejected == [], [str(r) for r in report.rejected]
    by_item: dict[tuple, dict] = {}
    for row in store.iter_articles():
        full = store.get_article(row["id"])
        assert full is not None
        for sighting in full["sightings"]:
            by_item[_locate(sighting["key"], full, corpus_dir)] = full
    store.close()
    return by_item


def _locate(key: str, article: dict, corpus: Path) -> tuple[str, int | None]:
    """Turn a sighting key (a path, path:line, path#index or a URL) into (source, record)."""
    for entry in GOLD:
        source = str(corpus / entry["source"])
        if entry["record"] is None and key == source:
            return _gold_key(entry)
        if entry.get("url") and key == entry["url"]:
            return _gold_key(entry)
    return (key, None)


def test_corpus_size_and_variety() -> None:
    assert len(GOLD) >= 30
    formats = {Path(e["source"]).parts[0] for e in GOLD}
    assert formats == {"text", "html", "dumps", "feeds"}
    assert sum(1 for e in GOLD if e["published"] is None) == 1
    assert any(e["headline_only"] for e in GOLD)
    assert any(e["duplicate_of"] for e in GOLD)
    assert len({e["outlet"] for e in GOLD if e["outlet"]}) >= 5


def test_every_gold_article_is_stored_and_clean(stored: dict[tuple, dict]) -> None:
    missing = [e["source"] for e in GOLD if _gold_key(e) not in stored]
    assert not missing
    for entry in GOLD:
        article = stored[_gold_key(entry)]
        text = normalise_for_key(article["text"])
        where = f"{entry['source']}#{entry['record']}"
        for noise in entry["boilerplate"]:
            assert normalise_for_key(noise) not in text, (where, noise)
        for kept in entry["must_contain"]:
            assert normalise_for_key(kept) in text, (where, kept)
        assert article["published"] == entry["published"], where
        if entry["title"]:
            assert article["title"] == entry["title"], where
            assert article["text"].startswith(entry["title"]), where
        if entry["outlet"]:
            assert article["outlet"] == entry["outlet"], where
        if entry["headline_only"]:
            assert article["text"] == article["title"], where


def test_near_copy_is_a_separate_article_for_now(stored: dict[tuple, dict]) -> None:
    """Near-duplicates (changed headline, other boilerplate) are linked by the link stage
    (MinHash), not merged at ingest; exact copies are merged here."""
    for entry in GOLD:
        if entry["duplicate_of"]:
            original = stored[(entry["duplicate_of"]["source"], entry["duplicate_of"]["record"])]
            copy = stored[_gold_key(entry)]
            assert original["id"] != copy["id"]
            body_original = normalise_for_key(original["text"]).split(" ", 12)[-1][:200]
            assert body_original[:100] in normalise_for_key(copy["text"])
