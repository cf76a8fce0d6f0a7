"""`crosscheck process` and the fact listings, through the library and the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck.ingest import ingest
from crosscheck.nlp import EXTRACT_VERSION
from crosscheck.process import process
from crosscheck.store import Store, open_store

CLI = [sys.executable, "-m", "crosscheck"]


@pytest.fixture(scope="module")
def processed_db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("process") / "ex.db"
    with open_store(str(db)) as store:
        ingest([corpus_dir], store)
        report = process(store, workers=2)
        assert report.processed == report.selected == 40
        assert report.statements > 100 and report.quantities > 50
    return db


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600,
                            env={**os.environ, "CROSSCHECK_DB": str(db)})
    assert result.returncode == 0, result.stderr
    return result


def test_process_is_resumable_and_versioned(processed_db: Path) -> None:
    with open_store(str(processed_db)) as store:
        assert process(store).selected == 0  # nothing left
        assert store.ids_to_process(EXTRACT_VERSION) == []
        assert len(store.ids_to_process("older-version", reprocess=True)) == 40


def test_reprocess_replaces_facts_instead_of_adding(tmp_path: Path, seeds_dir: Path) -> None:
    store: Store = open_store(str(tmp_path / "r.db"))
    ingest([seeds_dir], store)
    process(store, workers=1)
    before = len(list(store.iter_statements()))
    entities_before = {e["key"]: e["mentions"] for e in store.iter_entities()}
    from sqlalchemy import update

    from crosscheck.store import schema

    with store.engine.begin() as conn:  # pretend an older extractor processed them
        conn.execute(update(schema.articles).values(processed_version="0.0.1"))
    assert process(store, reprocess=True, workers=1).processed == 2
    assert len(list(store.iter_statements())) == before
    assert {e["key"]: e["mentions"] for e in store.iter_entities()} == entities_before
    store.close()


def test_statements_listing_filters(processed_db: Path) -> None:
    denials = json.loads(run("statements", "--stance", "denies", "-f", "json",
                             db=processed_db).stdout)
    assert denials and all(s["stance"] == "denies" for s in denials)
    assert any(s["speaker_side"] == "Russia" for s in denials)
    russian = json.loads(run("statements", "--side", "Russia", "-f", "json",
                             db=processed_db).stdout)
    assert russian and all(s["speaker_side"] == "Russia" for s in russian)
    since = json.loads(run("statements", "--since", "2024-03-20", "-f", "json",
                           db=processed_db).stdout)
    assert since and all((s["date"] or s["published"]) >= "2024-03-20" for s in since)
    article = denials[0]["article_id"]
    own = json.loads(run("statements", "--article", article[:10], "-f", "json",
                         db=processed_db).stdout)
    assert own and {s["article_id"] for s in own} == {article}
    csv_out = run("statements", "--speaker", "a", "-f", "csv", db=processed_db).stdout
    assert csv_out.splitlines()[0].startswith("id,published,outlet,speaker_name")


def test_quantities_listing(processed_db: Path) -> None:
    evacuated = json.loads(run("quantities", "--counted", "evacuated", "-f", "json",
                               db=processed_db).stdout)
    assert evacuated and all(q["counted"] == "evacuated" for q in evacuated)
    assert any(q["qualifier"] == "more than" for q in evacuated)
    dead = json.loads(run("quantities", "--counted", "dead", "-f", "json",
                          db=processed_db).stdout)
    assert len({q["value"] for q in dead if q["value"]}) >= 3  # a toll that moves


def test_entities_listing(processed_db: Path) -> None:
    people = json.loads(run("entities", "--type", "PERSON", "-f", "json",
                            db=processed_db).stdout)
    assert people and all(p["type"] == "PERSON" for p in people)
    assert any(p["roles"] for p in people) and any(p["side"] == "Russia" for p in people)
    places = json.loads(run("entities", "--type", "GPE", "-f", "json", db=processed_db).stdout)
    assert any(p["lat"] is not None for p in places)
    speakers = json.loads(run("entities", "--speaker", "a", "--type", "PERSON", "-f", "json",
                              db=processed_db).stdout)
    assert speakers and len(speakers) <= len(people)


def test_show_prints_the_facts(processed_db: Path) -> None:
    denial = json.loads(run("statements", "--stance", "denies", "-f", "json", "-n", "1",
                            db=processed_db).stdout)[0]
    shown = run("show", denial["article_id"], db=processed_db).stdout
    assert "Statements (" in shown and "DENIES" in shown and "Figures (" in shown
    as_json = json.loads(run("show", denial["article_id"], "-f", "json",
                             db=processed_db).stdout)
    assert as_json["facts"]["statements"] and as_json["processed_version"] == EXTRACT_VERSION
    for s in as_json["facts"]["statements"]:
        assert as_json["text"][s["content_start"]:s["content_end"]] == s["content_text"]


def test_process_command(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "c.db"
    run("ingest", str(seeds_dir), db=db)
    report = json.loads(run("process", "--workers", "1", "-f", "json", db=db).stdout)
    assert report["processed"] == 2 and report["statements"] > 10
    again = json.loads(run("process", "-f", "json", db=db).stdout)
    assert again["selected"] == 0
