"""End-to-end tests through the real `crosscheck` command."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "crosscheck"]


def run(*args: str, db: Path, env: dict[str, str] | None = None,
        check_rc: int | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "CROSSCHECK_DB": str(db), **(env or {})}
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, env=full_env,
                            timeout=600)
    if check_rc is not None:
        assert result.returncode == check_rc, result.stderr + result.stdout
    return result


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_ingest_reports_and_exit_codes(seeds_dir: Path, tmp_path: Path, db: Path) -> None:
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"title": "Fine headline", "text": "Fine body."}\n{not json\n')
    result = run("ingest", str(seeds_dir), str(bad), str(tmp_path / "missing.txt"), db=db,
                 check_rc=1)
    assert "read 5, stored 3, duplicates 0" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert f"rejected: {bad}:2: malformed JSON line" in lines[0]
    assert "missing.txt: no such file, directory or URL" in lines[1]
    assert len(lines) == 2

    again = run("ingest", str(seeds_dir), db=db, check_rc=0)
    assert "stored 0, duplicates 2 (0 new sightings)" in again.stdout

    nothing = run("ingest", str(tmp_path / "missing.txt"), db=db, check_rc=2)
    assert "stored 0" in nothing.stdout


def test_ingest_json_report(seeds_dir: Path, db: Path) -> None:
    result = run("ingest", str(seeds_dir), "--format", "json", db=db, check_rc=0)
    assert json.loads(result.stdout) == {"read": 2, "stored": 2, "duplicates": 0,
                                         "new_sightings": 0, "rejected": []}


def test_listing_formats_return_every_row(data_dir: Path, tmp_path: Path, db: Path) -> None:
    source = data_dir / "ukraine_war_media_fulltext_2022" / "articles.jsonl"
    sample = tmp_path / "sample.jsonl"
    with source.open(encoding="utf-8") as handle:
        sample.write_text("".join(next(handle) for _ in range(80)), encoding="utf-8")
    run("ingest", str(sample), db=db, check_rc=0)
    rows = json.loads(run("articles", "--format", "json", db=db, check_rc=0).stdout)
    assert len(rows) == 80  # every row without --limit, although the table shows 50
    assert {"id", "url", "outlet", "title", "published"} <= set(rows[0])
    assert len(json.loads(run("articles", "-f", "json", "-n", "7", db=db).stdout)) == 7
    csv_lines = run("articles", "--format", "csv", db=db, check_rc=0).stdout.splitlines()
    assert csv_lines[0] == "id,published,outlet,title,format,url"
    assert len(csv_lines) > 80  # header plus rows (titles may hold quoted newlines)
    dates = [r["published"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    outlet = rows[0]["outlet"]
    only = json.loads(run("articles", "--outlet", outlet, "-f", "json", db=db).stdout)
    assert only and all(r["outlet"] == outlet for r in only)


def test_search_and_show(seeds_dir: Path, db: Path) -> None:
    run("ingest", str(seeds_dir), db=db, check_rc=0)
    hits = json.loads(run("articles", "Azovstal", "Peskov", "-f", "json", db=db).stdout)
    assert len(hits) == 1 and hits[0]["title"].startswith("Video captures")
    article_id = hits[0]["id"]
    shown = run("show", article_id[:8], "--removed", db=db, check_rc=0).stdout
    assert "teaser.bracket_label" in shown and "trailer.read_more" in shown
    assert "Peskov" in shown
    as_json = json.loads(run("show", article_id, "--removed", "-f", "json", db=db).stdout)
    assert as_json["id"] == article_id and len(as_json["removed"]) == 5
    assert as_json["sightings"][0]["format"] == "text"
    missing = run("show", "ffffffff", db=db, check_rc=2)
    assert missing.stderr.count("\n") == 1 and "no such article" in missing.stderr


def test_listing_an_absent_store_is_one_line_error(tmp_path: Path) -> None:
    result = run("articles", db=tmp_path / "nowhere.db", check_rc=2)
    assert "no such store" in result.stderr and "Traceback" not in result.stderr


def test_bad_map_option_is_one_line_error(seeds_dir: Path, db: Path) -> None:
    result = run("ingest", str(seeds_dir), "--map", "words=body", db=db, check_rc=2)
    assert "unknown target 'words'" in result.stderr and "Traceback" not in result.stderr


def test_summary(seeds_dir: Path, db: Path) -> None:
    run("ingest", str(seeds_dir), db=db, check_rc=0)
    summary = json.loads(run("summary", "-f", "json", db=db, check_rc=0).stdout)
    assert summary["articles"] == 2 and summary["undated"] == 1


def test_a_killed_run_resumes_and_stores_each_article_once(tmp_path: Path, db: Path) -> None:
    dump = tmp_path / "many.jsonl"
    with dump.open("w", encoding="utf-8") as handle:
        for n in range(6000):
            handle.write(json.dumps({
                "title": f"Report {n}: shelling in sector {n % 97}",
                "text": f"Officials said {n} shells hit sector {n % 97} on day {n}. " * 8,
                "outlet": f"Outlet {n % 5}", "date": "2024-03-01"}) + "\n")
    env = {**os.environ, "CROSSCHECK_DB": str(db), "CROSSCHECK_BATCH_SIZE": "100"}
    proc = subprocess.Popen([*CLI, "ingest", str(dump), "-q"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db) as conn:
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored >= 300:
            break
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        partial = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 0 < partial < 6000
    result = run("ingest", str(dump), db=db, check_rc=0)
    assert f"stored {6000 - partial}, duplicates {partial}" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 6000
        assert conn.execute("SELECT count(*) FROM sightings").fetchone()[0] == 6000
