"""Every corpus in ../shared/data that has article text or headlines ingests end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosscheck.ingest import ingest
from crosscheck.store import Store

CORPORA = [
    "ukraine_war_media_fulltext_2022/articles.jsonl",
    "kremlin_zelenskyy_press_releases_2022/articles.jsonl",
    "ruwa_ukraine_war_news_2022/articles.jsonl",
    "ukraine_crisis_2014_news_bias/articles.jsonl",
    "polnear/dev.jsonl",
    "fnc1_stance/competition_test_bodies.jsonl",
    "case2021_task2_event_types/test.jsonl",
    "india_police_events/docs.jsonl",
    "ecbplus/ecbplus.jsonl",
]


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _empty_records(path: Path) -> set[int]:
    """Line numbers of records with no text, title or summary at all."""
    keys = ("text", "body", "title", "subheading")
    with path.open(encoding="utf-8") as handle:
        return {n for n, line in enumerate(handle, start=1)
                if not any(str(json.loads(line).get(k) or "").strip() for k in keys)}


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_ingests_rejecting_only_empty_records(name: str, data_dir: Path,
                                           sqlite_store: Store) -> None:
    path = data_dir / name
    report = ingest([path], sqlite_store)
    empty = _empty_records(path)
    assert {int(r.locator.rsplit(":", 1)[1]) for r in report.rejected} == empty
    assert all("no title and no text" in r.reason for r in report.rejected)
    assert report.read == _count_lines(path)
    assert report.stored + report.duplicates + len(empty) == report.read
    assert sqlite_store.count_articles() == report.stored
    assert report.stored > 0.5 * report.read


def test_fulltext_metadata_survives(data_dir: Path, sqlite_store: Store) -> None:
    path = data_dir / CORPORA[0]
    ingest([path], sqlite_store)
    with path.open(encoding="utf-8") as handle:
        first = json.loads(handle.readline())
    hits = [r for r in sqlite_store.iter_articles(since=first["date"], until=first["date"])
            if r["url"] == first["url"]]
    assert len(hits) == 1
    hit = hits[0]
    assert (hit["outlet"], hit["published"], hit["title"]) == (
        first["outlet"], first["date"], first["title"])
    outlets = {o["outlet"] for o in sqlite_store.summary()["outlets"]}
    assert len(outlets) == 13


def test_ruwa_headlines_are_headline_articles(data_dir: Path, sqlite_store: Store) -> None:
    report = ingest([data_dir / CORPORA[2]], sqlite_store)
    assert report.duplicates > 0  # the same headline under two sites is one article
    summary = sqlite_store.summary()
    assert summary["undated"] == 0
    row = next(sqlite_store.iter_articles(query="Bucha satellite", limit=1))
    full = sqlite_store.get_article(row["id"])
    assert full is not None and full["text"].startswith(full["title"])
