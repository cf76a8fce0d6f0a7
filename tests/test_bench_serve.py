"""`bench serve`: a small recombined store, served and loaded for a moment (no timings
asserted: the report's shape, and that no request failed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck.bench.serve import build_store, load_test
from crosscheck.cli import app
from crosscheck.cli import bench_serve as _bench_serve  # noqa: F401  (registers the command)
from tests.test_link_cli import _store


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench-serve")
    _store(root / "source.db")
    info = build_store(root / "serve.db", root / "source.db", 300)
    assert info.articles == 300 and info.stories >= 10 and not info.reused
    assert info.largest_story > 20 and info.claim_stories == info.stories
    return root / "serve.db"


def test_recombined_store_copies_facts_with_new_ids(served: Path) -> None:
    with sqlite3.connect(served) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM articles") == 300
        assert one("SELECT count(*) FROM story_articles") == 300
        assert one("SELECT count(*) FROM mentions m LEFT JOIN articles a "
                   "ON a.id = m.article_id WHERE a.id IS NULL") == 0
        assert one("SELECT count(*) FROM events WHERE substr(id, 1, 32) != article_id") == 0
        assert one("SELECT count(*) FROM stories WHERE articles != "
                   "(SELECT count(*) FROM story_articles sa WHERE sa.story_id = stories.id)"
                   ) == 0
        assert one("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'mariupol'") > 0


def test_load_test_reports_both_pages_without_errors(served: Path) -> None:
    results, missing = load_test(served, duration=2.0, concurrency=3, warmup=0.2)
    assert missing == []
    assert [(r.endpoint, r.stories) for r in results] == [
        ("json", "sample"), ("json", "largest 10"), ("html", "sample"), ("html", "largest 10")]
    for r in results:
        assert r.requests > 0 and r.errors == 0
        assert r.p50_ms is not None and r.p95_ms is not None and r.p99_ms is not None
        assert r.p50_ms <= r.p95_ms <= r.p99_ms <= (r.max_ms or 0)
    assert all((r.requests_per_second or 0) > 0 for r in results if r.stories == "sample")


def test_bench_serve_command_reuses_a_store(served: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "serve", "--from-db", str(served),
                                      "--duration", "0.5", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["store"]["reused"] is True and report["store"]["articles"] == 300
    assert {r["endpoint"] for r in report["results"]} == {"json", "html"}
    assert all(r["errors"] == 0 for r in report["results"])
    missing = CliRunner().invoke(app, ["bench", "serve", "--from-db",
                                       str(served.parent / "nope.db")])
    assert missing.exit_code == 2
