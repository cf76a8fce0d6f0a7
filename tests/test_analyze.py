"""`crosscheck.analyze`: the whole pipeline in one call, in memory, returning records."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

import crosscheck
from crosscheck import Analysis, analyze
from crosscheck.clean import clean, make_article
from crosscheck.ingest.text import parse_text
from crosscheck.store import open_store

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "python_api.md"

TEXT = """date 2024-03-12 Drones hit Kharkiv power station

Russian drones struck a power station in Kharkiv on Monday, regional governor Petro \
Savchuk said.

"There was no strike on civilian targets," Kremlin spokesman Kirill Drozdov told \
reporters. He said more than 40 drones had been launched at military sites.
"""


@pytest.fixture(scope="module")
def result() -> Analysis:
    return analyze(TEXT)


def _speaker(statement: dict[str, Any]) -> str | None:
    return statement["speaker"]["name"] if statement["speaker"] else None


def test_text_gives_statements_with_speakers_events_and_a_story(result: Analysis) -> None:
    assert isinstance(result, crosscheck.Analysis)
    assert [a["title"] for a in result.articles] == ["Drones hit Kharkiv power station"]
    assert result.articles[0]["published"] == "2024-03-12"
    by_speaker = {(_speaker(s), s["stance"]) for s in result.statements}
    assert ("Petro Savchuk", "asserts") in by_speaker
    assert ("Kirill Drozdov", "denies") in by_speaker
    pronoun = [s for s in result.statements if s["speaker"] and s["speaker"]["text"] == "He"]
    assert pronoun and pronoun[0]["speaker"]["name"] == "Kirill Drozdov"
    assert pronoun[0]["speaker"]["side"] == "Russia"
    strike = next(e for e in result.events
                  if e["sub_event_type"] == "Air/drone strike" and e["status"] == "claimed")
    assert strike["date"] == "2024-03-11" and strike["location"]["name"] == "Kharkiv"
    assert strike["actor"]["side"] == "Russia"
    assert any(e["status"] == "denied" for e in result.events)
    assert any(q["value"] == 40 and q["speaker"] == "Kirill Drozdov"
               for q in result.quantities)
    assert len(result.stories) == 1
    assert result.stories[0]["articles"][0]["id"] == result.articles[0]["id"]
    assert {"Kharkiv", "Kirill Drozdov"} <= {e["name"] for e in result.entities}
    assert result.process.processed == 1 and result.ingest.stored == 1


def test_spans_point_into_the_article_text(result: Analysis) -> None:
    text = result.article(result.articles[0]["id"][:8])["text"]
    for s in result.statements:
        for part in ("content", "speaker", "cue"):
            span = s[part]
            if span:
                assert text[span["start"]:span["end"]] == span["text"], part
    for e in result.events:
        assert text[e["evidence"]["start"]:e["evidence"]["end"]] == e["evidence"]["text"]
    facts = result.of_article(result.articles[0]["id"])
    assert facts["statements"] == result.statements
    starts = [s["content"]["start"] for s in facts["statements"]]
    assert starts == sorted(starts)


def test_the_records_are_json_ready(result: Analysis) -> None:
    import json

    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"articles", "entities", "statements", "quantities", "events",
                         "stories", "ingest", "process"}
    statement_keys = {"id", "article_id", "kind", "stance", "speaker", "cue", "content",
                      "intermediary", "channel", "date", "rules"}
    assert all(statement_keys <= set(s) for s in data["statements"])
    assert {"text", "start", "end", "entity_id", "name", "side"} <= set(
        data["statements"][0]["speaker"])


def test_seed_articles(seeds_dir: Path) -> None:
    result = analyze(seeds_dir)  # a directory, read at test time
    assert len(result.articles) == 2 and result.rejected == []
    speakers = {_speaker(s) for s in result.statements}
    assert {"Dmitry Peskov", "Volodymyr Zelensky", "Oleksiy Arestovych"} <= speakers
    peskov = [s for s in result.statements if _speaker(s) == "Dmitry Peskov"]
    assert any(s["stance"] == "denies" and "storming" in s["content"]["text"].lower()
               for s in peskov)
    assert any(s["speaker"]["text"] == "he" for s in peskov)  # a pronoun, resolved
    assert result.events and all(e["evidence"]["text"] for e in result.events)
    assert any(e["status"] == "denied" for e in result.events)
    assert len(result.stories) == 1
    story = result.stories[0]
    assert {a["id"] for a in story["articles"]} == {a["id"] for a in result.articles}
    assert "Mariupol" in story["label"]


def test_mixed_inputs_paths_articles_and_rejections(seeds_dir: Path, tmp_path: Path) -> None:
    seed = sorted(seeds_dir.iterdir())[0]
    item = parse_text(TEXT, "mine.txt")
    article = make_article(item, clean(item))
    result = analyze([str(seed), article, tmp_path / "missing.txt", "nope.jsonl"], link=False)
    assert len(result.articles) == 2
    assert article.id in {a["id"] for a in result.articles}
    assert [r.reason for r in result.rejected] == ["no such file, directory or URL"] * 2
    assert result.stories == []  # link=False
    assert result.ingest.read == 4 and result.ingest.stored == 2


def test_a_kept_store_grows_and_the_cli_reads_it(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    first = analyze(TEXT, db=str(db))
    second = analyze([TEXT, "Second headline\n\nThe mayor of Sumy said the station was "
                      "shelled on Tuesday."], db=str(db))
    assert len(first.articles) == 1 and len(second.articles) == 2
    assert second.ingest.duplicates == 1 and second.process.processed == 1
    with open_store(str(db), create=False) as store:
        assert store.count_articles() == 2
        assert analyze([], db=store).statements == second.statements  # an open store


def test_an_empty_text_is_rejected_not_raised() -> None:
    result = analyze(["   \n  "])
    assert result.articles == [] and [r.reason for r in result.rejected] == ["empty input"]


def test_the_documented_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs every Python block of docs/python_api.md, in order, as written."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
    printed = out.getvalue()
    assert "Kirill Drozdov (He) asserts: more than 40 drones" in printed
    assert "2024-03-11 Air/drone strike claimed Kharkiv" in printed
    assert "missing.txt: no such file, directory or URL" in printed
    assert (tmp_path / "news.db").exists()
    doc = namespace["doc"]
    assert any(s.speaker and s.speaker.name == "Kirill Drozdov" and s.stance == "denies"
               for s in doc._.statements)
    assert any(e.date == "2024-03-11" for e in doc._.events)
