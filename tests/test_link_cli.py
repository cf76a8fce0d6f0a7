"""`crosscheck link`, `stories`, `story ID` and `bench link` through the real command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from crosscheck.store import open_store
from tests.test_cli import run
from tests.test_link_dedup import add
from tests.test_link_stories import NAMES, grain, siege


def _store(path: Path) -> dict[str, str]:
    with open_store(str(path)) as store:
        ids = add(store, siege(1, "2022-04-20"), siege(2, "2022-04-21"), siege(3, None),
                  grain(4, "2022-06-01"), grain(5, "2022-06-02"), names=NAMES)
    return dict(zip(["s1", "s2", "undated", "g1", "g2"], ids, strict=True))


def test_link_then_list_and_show_stories(tmp_path: Path) -> None:
    db = tmp_path / "link.db"
    ids = _store(db)
    result = run("link", "--format", "json", db=db, check_rc=0)
    report = json.loads(result.stdout)
    assert report["linked"] == 5 and report["stories_opened"] == 2
    assert report["estimated_dates"] == 1
    assert "linked 0 articles" in run("link", db=db, check_rc=0).stdout

    stories = json.loads(run("stories", "--format", "json", db=db, check_rc=0).stdout)
    assert [s["articles"] for s in stories] == [2, 3]  # latest first
    assert stories[0]["start"] == "2022-06-01" and stories[1]["end"] == "2022-04-21"
    only = json.loads(run("stories", "--entity", "mariupol", "-f", "json", db=db,
                          check_rc=0).stdout)
    assert [s["id"] for s in only] == [stories[1]["id"]]
    rows = list(csv.DictReader(io.StringIO(run("stories", "--until", "2022-05-01", "-f",
                                               "csv", db=db, check_rc=0).stdout)))
    assert [r["id"] for r in rows] == [stories[1]["id"]]

    story = json.loads(run("story", stories[1]["id"][:8], "--format", "json", db=db,
                           check_rc=0).stdout)
    assert {"id", "label", "start", "end", "articles", "entities", "corroborations",
            "contradictions", "series"} <= set(story)
    # in time order, an undated article by its estimated date (after the dated ones)
    assert [a["id"] for a in story["articles"]] == [ids["s1"], ids["undated"], ids["s2"]]
    assert {"id", "url", "outlet", "published"} <= set(story["articles"][0])
    undated = story["articles"][1]
    assert undated["published"] is None and undated["date_estimated"] is True
    assert undated["date"] == "2022-04-20"
    table = run("story", stories[1]["id"], db=db, check_rc=0).stdout
    assert "~2022-04-20" in table and "Mariupol" in table


def test_relink_since_and_friendly_errors(tmp_path: Path) -> None:
    db = tmp_path / "link.db"
    _store(db)
    run("link", db=db, check_rc=0)
    again = json.loads(run("link", "--since", "2022-05-15", "-f", "json", db=db,
                           check_rc=0).stdout)
    assert again["linked"] == 2
    assert json.loads(run("link", "--all", "-f", "json", db=db, check_rc=0).stdout)[
        "linked"] == 5
    bad = run("link", "--since", "May 2022", db=db, check_rc=2)
    assert "not a date" in bad.stderr and "Traceback" not in bad.stderr
    missing = run("story", "zzz", db=db, check_rc=2)
    assert "no such story" in missing.stderr


def test_bench_link_on_a_small_processed_store(tmp_path: Path) -> None:
    db = tmp_path / "source.db"
    _store(db)
    result = run("bench", "link", "--from-db", str(db), "--sizes", "40,80", "-f", "json",
                 db=db, check_rc=0)
    rows = json.loads(result.stdout)
    assert [r["articles"] for r in rows] == [40, 80]
    assert all(r["seconds"] > 0 and r["peak_rss_mb"] > 0 and r["stories"] >= 1 for r in rows)
