"""Exports of every record kind (CSV, JSONL, Parquet) and the who-said-what network (GEXF):
round trips through pandas, pyarrow and networkx to the counts the store holds, and the
`crosscheck export …` commands."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from crosscheck.cli import app
from crosscheck.export.network import build_network, speaker_node, write_network
from crosscheck.export.records import (
    COLUMNS,
    FORMATS,
    KINDS,
    flat_record,
    iter_records,
    write_records,
)
from crosscheck.ingest import ingest
from crosscheck.process import process
from crosscheck.store import Store, open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """The bundled example corpus, ingested, processed and linked into a store file."""
    path = tmp_path_factory.mktemp("export") / "corpus.db"
    with open_store(str(path)) as store:
        report = ingest([corpus_dir], store)
        assert report.rejected == []
        process(store, workers=1)
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with open_store(str(db), create=False) as opened:
        yield opened


def _counts(store: Store) -> dict[str, int]:
    facts = store.summary()["facts"]
    return {
        "articles": store.count_articles(),
        "entities": facts["entities"],
        "statements": facts["statements"],
        "quantities": facts["quantities"],
        "events": len(list(store.iter_events())),
        "stories": len(list(store.iter_stories())),
    }


def _read(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(path, keep_default_na=False)
    if fmt == "jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pq.read_table(path).to_pandas()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_to_the_stores_counts(store: Store, tmp_path: Path, kind: str,
                                         fmt: str) -> None:
    expected = _counts(store)[kind]
    assert expected > 0, kind
    path = tmp_path / f"{kind}.{fmt}"
    mode = {"mode": "wb"} if fmt == "parquet" else {
        "mode": "w", "encoding": "utf-8", "newline": ""}
    with path.open(**mode) as out:
        assert write_records(store, kind, fmt, out) == expected
    frame = _read(path, fmt)
    assert len(frame) == expected
    flat = [name for name, _ in COLUMNS[kind]]
    if fmt == "jsonl":
        assert "id" in frame.columns
    else:
        assert list(frame.columns) == flat
    assert frame["id"].is_unique


def test_nested_fields_flatten_for_csv_and_stay_nested_in_jsonl(store: Store) -> None:
    text_out, parquet_out = io.StringIO(), io.BytesIO()
    write_records(store, "statements", "csv", text_out)
    csv_rows = pd.read_csv(io.StringIO(text_out.getvalue()), keep_default_na=False)
    jsonl = io.StringIO()
    write_records(store, "statements", "jsonl", jsonl)
    nested = [json.loads(line) for line in jsonl.getvalue().splitlines()]
    assert {"speaker_name", "speaker_start", "speaker_entity_id", "cue_text",
            "content_text", "content_end"} <= set(csv_rows.columns)
    assert "speaker" in nested[0] and "speaker_name" not in nested[0]
    for row, record in zip(csv_rows.to_dict("records"), nested, strict=True):
        assert row["id"] == record["id"]
        if record["speaker"]:
            assert row["speaker_name"] == (record["speaker"]["name"] or "")
            assert int(row["speaker_start"]) == record["speaker"]["start"]
        else:
            assert row["speaker_name"] == "" and row["speaker_start"] == ""
        assert json.loads(row["rules"]) == record["rules"]
    # spans in the flat columns point into the article text
    texts = {a["id"]: a["text"] for a in iter_records(store, "articles")}
    for row in csv_rows.head(40).to_dict("records"):
        text = texts[row["article_id"]]
        assert text[int(row["content_start"]):int(row["content_end"])] == row["content_text"]
    # Parquet: typed columns, lists as lists
    write_records(store, "statements", "parquet", parquet_out)
    table = pq.read_table(io.BytesIO(parquet_out.getvalue()))
    assert str(table.schema.field("speaker_start").type) == "int64"
    assert table.column("rules").to_pylist()[0] == nested[0]["rules"]


def test_events_flatten_actor_location_and_evidence(store: Store) -> None:
    record = next(r for r in iter_records(store, "events") if r["location"] and r["actor"])
    flat = flat_record("events", record)
    assert flat["location_name"] == record["location"]["name"]
    assert flat["location_lat"] == record["location"]["lat"]
    assert flat["actor_entity_id"] == record["actor"]["entity_id"]
    assert flat["evidence_start"] == record["evidence"]["start"]


def test_stories_list_their_members(store: Store) -> None:
    out = io.BytesIO()
    write_records(store, "stories", "parquet", out)
    frame = pq.read_table(io.BytesIO(out.getvalue())).to_pandas()
    members = sum(len(ids) for ids in frame["article_ids"])
    assert members == store.count_articles()  # every article in exactly one story
    assert (frame["articles"] == frame["article_ids"].map(len)).all()


def test_filters_reach_the_store(store: Store) -> None:
    out = io.StringIO()
    count = write_records(store, "statements", "jsonl", out, side="Russia", stance="denies")
    assert count == len(list(store.iter_statements(side="Russia", stance="denies"))) > 0
    assert all(json.loads(line)["stance"] == "denies" for line in out.getvalue().splitlines())


def test_an_empty_store_still_has_a_header_and_a_schema(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "empty.db")) as empty:
        text = io.StringIO()
        assert write_records(empty, "quantities", "csv", text) == 0
        assert text.getvalue().strip() == ",".join(name for name, _ in COLUMNS["quantities"])
        binary = io.BytesIO()
        assert write_records(empty, "events", "parquet", binary) == 0
        table = pq.read_table(io.BytesIO(binary.getvalue()))
        assert table.num_rows == 0 and table.schema.names == [n for n, _ in COLUMNS["events"]]
        graph = build_network(empty)
        assert graph.number_of_nodes() == 0


def test_unknown_kind_or_format_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown record kind"):
        write_records(store, "claims-of-doom", "csv", io.StringIO())
    with pytest.raises(ValueError, match="unknown export format"):
        write_records(store, "articles", "xlsx", io.StringIO())


# -- the who-said-what network -------------------------------------------------------------

def test_network_round_trips_through_gexf(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "network.gexf"
    with path.open("wb") as out:
        nodes, edges = write_network(store, out)
    graph = nx.read_gexf(path)
    assert graph.is_directed()
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    statements = list(store.iter_statements())
    attributed = [s for s in statements if speaker_node(s)]
    speakers = {speaker_node(s) for s in attributed}
    # every attributed statement counts once for its speaker
    assert sum(d["statements"] for _, d in graph.nodes(data=True)) == len(attributed)
    assert speakers <= set(graph.nodes)
    for source, _target, data in graph.edges(data=True):
        assert source in speakers
        assert data["weight"] == data["asserts"] + data["denies"] >= 1
        assert 1 <= data["articles"] <= data["weight"]
    # every entity a speaker mentions is an entity of the store
    entity_keys = {e["key"] for e in store.iter_entities()}
    targets = {t for _, t in graph.edges()}
    assert targets <= entity_keys | speakers
    assert any(d["denies"] for _, _, d in graph.edges(data=True))
    labelled = next(n for n in graph.nodes if n.startswith("PERSON:") and n in speakers)
    assert graph.nodes[labelled]["label"] and graph.nodes[labelled]["entity"] is True


def test_network_edges_count_statements_that_mention_the_entity(store: Store) -> None:
    graph = build_network(store)
    source, target, data = max(graph.edges(data=True), key=lambda e: e[2]["weight"])
    mentioning = 0
    for statement in store.iter_statements():
        if speaker_node(statement) != source:
            continue
        mentions = store.facts(statement["article_id"])["mentions"]
        if any(m["entity_key"] == target and statement["content_start"] <= m["start"]
               and m["end"] <= statement["content_end"] for m in mentions):
            mentioning += 1
    assert data["weight"] == mentioning


# -- the CLI --------------------------------------------------------------------------------

def test_cli_exports_every_kind_to_stdout_and_files(db: Path, tmp_path: Path,
                                                    store: Store) -> None:
    counts = _counts(store)
    result = runner.invoke(app, ["export", "statements", "--format", "csv", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(io.StringIO(result.stdout))) == counts["statements"]
    result = runner.invoke(app, ["export", "entities", "--db", str(db), "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_json(io.StringIO(result.stdout), lines=True)) == 5
    for kind in KINDS:
        target = tmp_path / f"{kind}.parquet"
        result = runner.invoke(app, ["export", kind, "-f", "parquet", "-o", str(target),
                                     "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert pq.read_table(target).num_rows == counts[kind], kind


def test_cli_filters(db: Path, store: Store) -> None:
    result = runner.invoke(app, ["export", "quantities", "--counted", "dead", "-f", "jsonl",
                                 "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["counted"] for r in rows} == {"dead"}
    assert len(rows) == len(list(store.iter_quantities(counted="dead")))


def test_cli_parquet_refuses_a_terminal(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crosscheck.cli.export._stdout_is_terminal", lambda: True)
    result = runner.invoke(app, ["export", "articles", "-f", "parquet", "--db", str(db)])
    assert result.exit_code == 2
    assert "writes binary data: give --output FILE" in result.output


def test_cli_parquet_to_a_pipe(db: Path, store: Store) -> None:
    result = runner.invoke(app, ["export", "articles", "-f", "parquet", "--db", str(db)])
    assert result.exit_code == 0
    assert pq.read_table(io.BytesIO(result.stdout_bytes)).num_rows == store.count_articles()


def test_cli_events_keep_the_acled_formats_and_add_flat_ones(db: Path, tmp_path: Path,
                                                             store: Store) -> None:
    events = len(list(store.iter_events()))
    acled = runner.invoke(app, ["export", "events", "--db", str(db)])
    assert acled.exit_code == 0 and acled.stdout.startswith("event_id,event_date,")
    assert len(pd.read_csv(io.StringIO(acled.stdout))) == events
    flat = runner.invoke(app, ["export", "events", "-f", "csv", "--db", str(db)])
    assert flat.exit_code == 0 and flat.stdout.startswith("id,article_id,outlet,")
    assert len(pd.read_csv(io.StringIO(flat.stdout))) == events
    bad = runner.invoke(app, ["export", "events", "-f", "xml", "--db", str(db)])
    assert bad.exit_code == 2 and "unknown event export format" in bad.output
    bad = runner.invoke(app, ["export", "stories", "-f", "acled-csv", "--db", str(db)])
    assert bad.exit_code == 2 and "unknown story export format" in bad.output


def test_cli_network(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "who.gexf"
    result = runner.invoke(app, ["export", "network", "--format", "gexf", "--output",
                                 str(target), "--side", "Russia", "--db", str(db)])
    assert result.exit_code == 0, result.output
    graph = nx.read_gexf(target)
    assert graph.number_of_nodes() > 0
    assert all(d.get("side") == "Russia" for n, d in graph.nodes(data=True)
               if d["statements"] > 0)
    piped = runner.invoke(app, ["export", "network", "--db", str(db)])
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"<?xml")
    assert nx.read_gexf(io.BytesIO(piped.stdout_bytes)).number_of_nodes() >= (
        graph.number_of_nodes())
