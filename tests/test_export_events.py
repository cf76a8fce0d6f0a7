"""Event exports (ACLED-style CSV with spans, GeoJSON, JSONL) and the events listing,
on events stored as records (independent of the extractor's rules)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck.clean import clean, make_article
from crosscheck.export import ACLED_COLUMNS, write_events
from crosscheck.records import (
    DateMention,
    Event,
    Extraction,
    Location,
    Participant,
    Quantity,
    SourceItem,
    Span,
)
from crosscheck.store import Store, open_store

TEXT = ("Drones hit Kharkiv\n\nRussian drones struck a power station in Kharkiv on Monday, "
        "killing three workers, the governor said.")


def _store(path: Path) -> tuple[Store, str]:
    store = open_store(str(path))
    item = SourceItem(raw=TEXT, locator="t.txt", format="text", title="Drones hit Kharkiv",
                      outlet="Kyiv Ledger", url="https://ledger.example/a",
                      published="2024-03-12", date_source="field", body_start=20)
    article = make_article(item, clean(item))
    store.add_articles([article], "v")
    text = article.text
    s = text.index("Russian drones")
    e = text.index(", the governor")
    trigger = text.index("struck")
    kharkiv = text.index("Kharkiv on")
    monday = text.index("on Monday")
    three = text.index("three workers")
    event = Event(
        event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
        plover="ASSAULT", trigger=Span("struck", trigger, trigger + 6),
        evidence=Span(text[s:e], s, e), status="claimed",
        actor=Participant("Russian drones", s, s + 14, "Russian forces", None, "Russia"),
        target=Participant("a power station", trigger + 7, trigger + 22),
        location=Location("Kharkiv", "Kharkiv", kharkiv, kharkiv + 7, 49.98, 36.25, 1),
        date="2024-03-11", date_precision="day", fatalities=3, quantity_indexes=(0,),
        rules=("test",))
    unlocated = Event(event_type="Strategic developments", sub_event_type="Other",
                      plover="CONSULT", trigger=Span("said", e + 15, e + 19),
                      evidence=Span(text[s:e], s, e))
    store.save_extractions([Extraction(
        article_id=article.id, version="test",
        quantities=[Quantity("three workers", three, three + 13, 3.0, None, None, None,
                             "dead")],
        dates=[DateMention("on Monday", monday, monday + 9, "2024-03-11", "day")],
        events=[event, unlocated])])
    return store, article.id


@pytest.fixture
def store(tmp_path: Path):
    store, _ = _store(tmp_path / "e.db")
    yield store
    store.close()


def test_acled_csv_carries_spans_for_every_field(store: Store) -> None:
    out = io.StringIO()
    assert write_events(store, out, "acled-csv") == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ACLED_COLUMNS
    strike = next(r for r in rows if r["sub_event_type"] == "Air/drone strike")
    text = store.get_article(strike["article_id"])["text"]
    assert strike["event_date"] == "2024-03-11" and strike["time_precision"] == "1"
    assert strike["actor1"] == "Russian forces" and strike["actor1_side"] == "Russia"
    assert strike["fatalities"] == "3" and strike["source"] == "Kyiv Ledger"
    assert strike["latitude"] == "49.98" and strike["geo_precision"] == "1"
    for field, expected in (("event_type", "struck"), ("actor1", "Russian drones"),
                            ("actor2", "a power station"), ("location", "Kharkiv"),
                            ("event_date", "on Monday"), ("fatalities", "three workers")):
        start, end = int(strike[f"{field}_start"]), int(strike[f"{field}_end"])
        assert text[start:end] == expected, field
    assert text[int(strike["notes_start"]):int(strike["notes_end"])] == strike["notes"]


def test_geojson_has_only_located_events(store: Store) -> None:
    out = io.StringIO()
    assert write_events(store, out, "geojson") == 1
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.25, 49.98]}
    assert feature["properties"]["status"] == "claimed"


def test_jsonl_records_have_the_design_keys(store: Store) -> None:
    out = io.StringIO()
    write_events(store, out, "jsonl")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    keys = {"id", "article_id", "event_type", "sub_event_type", "plover", "actor", "target",
            "location", "date", "date_precision", "status", "statement_id", "fatalities",
            "evidence", "rules"}
    assert all(keys <= set(r) for r in records)


def test_cli_listing_and_export_to_file(tmp_path: Path) -> None:
    store, _ = _store(tmp_path / "c.db")
    store.close()
    env = {**os.environ, "CROSSCHECK_DB": str(tmp_path / "c.db")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "crosscheck", *args], env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result

    listed = json.loads(run("events", "--type", "drone", "--side", "Russia", "-f", "json").stdout)
    assert [e["sub_event_type"] for e in listed] == ["Air/drone strike"]
    assert json.loads(run("events", "--status", "denied", "-f", "json").stdout) == []
    assert len(json.loads(run("events", "--place", "kharkiv", "-f", "json").stdout)) == 1
    target = tmp_path / "events.geojson"
    run("export", "events", "--format", "geojson", "--output", str(target))
    assert json.loads(target.read_text())["features"]
    bad = subprocess.run([sys.executable, "-m", "crosscheck", "export", "events", "--format",
                          "xml"], env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "unknown event export format" in bad.stderr
