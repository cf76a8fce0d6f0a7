"""The JSON API (`crosscheck serve`): every endpoint's shape, paging, filters, the one error
envelope, the token-guarded writing endpoints, on a store built from the example corpus."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from crosscheck.api import create_app
from crosscheck.ingest import ingest
from crosscheck.link import link_articles
from crosscheck.process import process
from crosscheck.store import Store, open_store

with warnings.catch_warnings():  # starlette prefers httpx2 for its test client; httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "t0ken-for-tests"
LISTINGS = ["stories", "articles", "entities", "statements", "quantities", "events", "claims",
            "contradictions", "search?q=civilians"]
ENVELOPE = {"ok", "items", "total", "limit", "offset", "next"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A dozen example articles (texts and HTML pages), processed and linked."""
    path = tmp_path_factory.mktemp("api") / "api.db"
    files = sorted((corpus_dir / "text").glob("*.txt")) + sorted(
        (corpus_dir / "html").glob("*.html"))[:3]
    with open_store(str(path)) as store:
        ingest(files, store)
        process(store, workers=1, link=False)
        link_articles(store, store.unlinked_ids())
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(db))) as c:
        yield c


def get(client: TestClient, url: str, expect: int = 200, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == expect, response.text[:500]
    return response.json()


def items(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    body = get(client, url, limit=500, **params)
    assert body["ok"] is True and body["total"] == len(body["items"])
    return list(body["items"])


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return dict(body)


# -- the spec and the listings ------------------------------------------------------------

def test_openapi_lists_every_read_path_and_no_writing_one(client: TestClient) -> None:
    paths = get(client, "/openapi.json")["paths"]
    for name in ["stories", "stories/{story_id}", "articles", "articles/{article_id}",
                 "entities", "entities/{entity_id}", "statements", "quantities", "events",
                 "claims", "contradictions", "search"]:
        assert f"/api/{name}" in paths, name
    assert "/api/ingest" not in paths and "/api/process" not in paths
    index = get(client, "/api")
    assert "/api/stories" in index["endpoints"]
    assert index["articles"] == get(client, "/api/articles")["total"] > 0
    listing = paths["/api/statements"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"speaker", "side", "since", "until", "article", "stance", "kind", "limit",
            "offset"} <= names
    assert "ErrorEnvelope" in json.dumps(listing["responses"]["422"])


@pytest.mark.parametrize("url", LISTINGS)
def test_listing_envelope_and_paging(client: TestClient, url: str) -> None:
    path, _, query = url.partition("?")
    extra = dict(p.split("=") for p in query.split("&")) if query else {}
    everything = items(client, f"/api/{path}", **extra)
    assert everything, f"{url}: nothing listed"
    assert all(isinstance(i, dict) and "id" in i for i in everything)
    ids = [i["id"] for i in everything]
    assert len(set(ids)) == len(ids)
    seen: list[Any] = []
    body = get(client, f"/api/{path}", limit=3, offset=0, **extra)
    pages = 0
    while True:
        assert set(body) == ENVELOPE and body["ok"] is True and body["limit"] == 3
        assert body["total"] == len(everything) and len(body["items"]) <= 3
        seen += [i["id"] for i in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        assert f"offset={body['offset'] + 3}" in body["next"]
        response = client.get(body["next"])
        assert response.status_code == 200
        body = response.json()
    assert seen == ids and pages == -(-len(ids) // 3)
    past = get(client, f"/api/{path}", offset=len(ids) + 5, **extra)
    assert past["items"] == [] and past["next"] is None and past["total"] == len(ids)


def test_record_shapes_follow_design(client: TestClient) -> None:
    story = items(client, "/api/stories")[0]
    assert {"id", "label", "start", "end", "articles", "size"} <= set(story)
    article = items(client, "/api/articles")[0]
    assert {"id", "url", "outlet", "title", "published", "date_source"} <= set(article)
    assert "text" not in article and "raw" not in article
    entity = items(client, "/api/entities")[0]
    assert {"id", "name", "type", "aliases", "roles", "side", "lat", "lon",
            "geo_precision"} <= set(entity)
    statement = items(client, "/api/statements")[0]
    assert {"id", "article_id", "kind", "stance", "speaker", "cue", "content",
            "intermediary", "channel", "date", "rules"} <= set(statement)
    assert {"text", "start", "end"} <= set(statement["content"])
    quantity = items(client, "/api/quantities")[0]
    assert {"id", "article_id", "statement_id", "text", "start", "end", "value", "low",
            "high", "qualifier", "counted", "place", "as_of", "claimed_on", "hedged",
            "speaker", "rules"} <= set(quantity)
    event = items(client, "/api/events")[0]
    assert {"id", "article_id", "event_type", "sub_event_type", "plover", "actor", "target",
            "location", "date", "date_precision", "status", "statement_id", "fatalities",
            "evidence", "rules"} <= set(event)
    claim = items(client, "/api/claims")[0]
    assert {"id", "story_id", "proposition", "verdict", "asserted_by", "denied_by"} <= set(claim)
    for source in claim["asserted_by"] + claim["denied_by"]:
        assert {"speaker", "side", "outlet", "article_id", "evidence"} <= set(source)


# -- filters ------------------------------------------------------------------------------

def test_story_filters(client: TestClient) -> None:
    stories = items(client, "/api/stories")
    ends = [s["end"] for s in stories if s["end"]]
    assert ends == sorted(ends, reverse=True)
    pivot = sorted(ends)[len(ends) // 2]
    later = items(client, "/api/stories", since=pivot)
    assert later and all(s["end"] >= pivot for s in later)
    earlier = items(client, "/api/stories", until=pivot)
    assert all(s["start"] <= pivot for s in earlier)
    assert {s["id"] for s in later} | {s["id"] for s in earlier} == {s["id"] for s in stories}

    outlet = next(a["outlet"] for a in items(client, "/api/articles") if a["outlet"])
    by_outlet = items(client, "/api/stories", outlet=outlet.upper())
    assert by_outlet
    for s in by_outlet:
        record = get(client, f"/api/stories/{s['id']}")["item"]
        outlets = {a["outlet"] for a in record["articles"]}
        outlets |= {c["outlet"] for a in record["articles"] for c in a["copies"]}
        assert outlet in outlets

    place = items(client, "/api/stories", place="kostiantynivka")
    assert place and len(place) < len(stories)
    assert items(client, "/api/stories", place="Atlantis") == []
    russia = items(client, "/api/stories", side="russia")
    assert russia and len(russia) <= len(stories)
    found = items(client, "/api/stories", q="evacuated civilians")
    assert found and len(found) < len(stories)
    assert items(client, "/api/stories", q="zzzqqq") == []
    assert items(client, "/api/stories", entity="kostiantynivka")


def test_article_filters_and_search(client: TestClient) -> None:
    everything = items(client, "/api/articles")
    dates = [a["published"] for a in everything if a["published"]]
    assert dates == sorted(dates, reverse=True)
    since = items(client, "/api/articles", since="2024-03-10")
    assert since and all(a["published"] >= "2024-03-10" for a in since)
    until = items(client, "/api/articles", until="2024-03-10")
    assert all(a["published"] <= "2024-03-10" for a in until)
    outlet = next(a["outlet"] for a in everything if a["outlet"])
    assert all(a["outlet"] == outlet for a in items(client, "/api/articles", outlet=outlet))
    matched = items(client, "/api/articles", q="Kostiantynivka")
    assert matched and len(matched) < len(everything)
    hits = items(client, "/api/search", q="Kostiantynivka")
    assert [h["id"] for h in hits] == [a["id"] for a in matched]
    for hit in hits:
        assert {"id", "title", "outlet", "published", "snippet", "highlights"} <= set(hit)
        assert "\x02" not in hit["snippet"] and hit["highlights"]
        for start, end in hit["highlights"]:
            assert hit["snippet"][start:end].lower() == "kostiantynivka"
    assert items(client, "/api/search", q="Kostiantynivka", outlet="no such outlet") == []
    assert items(client, "/api/search", q="!!!") == []


def test_fact_filters(client: TestClient) -> None:
    denials = items(client, "/api/statements", stance="denies")
    assert denials and all(s["stance"] == "denies" for s in denials)
    direct = items(client, "/api/statements", kind="direct")
    assert direct and all(s["kind"] == "direct" for s in direct)
    russian = items(client, "/api/statements", side="RUSSIA")
    assert russian and all(s["speaker"]["side"] == "Russia" for s in russian)
    article = russian[0]["article_id"]
    assert all(s["article_id"] == article
               for s in items(client, "/api/statements", article=article[:8]))
    name = russian[0]["speaker"]["name"]
    assert all(name.lower() in (s["speaker"]["name"] or s["speaker"]["text"]).lower()
               for s in items(client, "/api/statements", speaker=name))

    figures = items(client, "/api/quantities")
    counted = next(q["counted"] for q in figures if q["counted"])
    assert all(q["counted"] == counted for q in items(client, "/api/quantities",
                                                     counted=counted))
    assert len(items(client, "/api/quantities", side="Ukraine")) < len(figures)

    events = items(client, "/api/events")
    located = items(client, "/api/events", located="true")
    assert located and all(e["location"]["lat"] is not None for e in located)
    reported = items(client, "/api/events", status="reported")
    assert reported and all(e["status"] == "reported" for e in reported)
    kind = events[0]["sub_event_type"]
    typed = items(client, "/api/events", type=kind.lower())
    assert typed and all(kind.lower() in (e["event_type"] + e["sub_event_type"] + e["plover"])
                         .lower() for e in typed)
    place = next(e["location"]["name"] for e in events if e["location"])
    assert all(place.lower() in e["location"]["name"].lower()
               for e in items(client, "/api/events", place=place))

    people = items(client, "/api/entities", type="person")
    assert people and all(e["type"] == "PERSON" for e in people)
    sided = items(client, "/api/entities", side="ukraine")
    assert sided and all(e["side"] == "Ukraine" for e in sided)
    assert all("kyiv" in e["name"].lower() or any("kyiv" in a.lower() for a in e["aliases"])
               for e in items(client, "/api/entities", q="kyiv"))


@pytest.mark.skipif(not hasattr(Store, "iter_claims"),
                    reason="Store.iter_claims (the lead's claims reader) is not there yet")
def test_claim_filters(client: TestClient) -> None:
    claims = items(client, "/api/claims")
    contradictions = items(client, "/api/contradictions")
    assert contradictions and all(c["verdict"] == "contradiction" for c in contradictions)
    assert [c["id"] for c in items(client, "/api/claims", verdict="contradiction")] == [
        c["id"] for c in contradictions]
    story = claims[0]["story_id"]
    assert all(c["story_id"] == story for c in items(client, "/api/claims", story=story))
    figures = items(client, "/api/claims", kind="figure")
    assert all(c["kind"] == "figure" for c in figures) and len(figures) < len(claims)
    russia = items(client, "/api/contradictions", side="Russia")
    assert all(any(s["side"] == "Russia" for s in c["asserted_by"] + c["denied_by"])
               for c in russia)


# -- one record ---------------------------------------------------------------------------

def test_story_record(client: TestClient) -> None:
    stories = items(client, "/api/stories")
    biggest = max(stories, key=lambda s: s["articles"])
    record = get(client, f"/api/stories/{biggest['id'][:7]}")["item"]
    assert record["id"] == biggest["id"]
    assert {"id", "label", "start", "end", "articles", "entities", "corroborations",
            "contradictions", "series"} <= set(record)
    assert {"id", "url", "outlet", "published"} <= set(record["articles"][0])
    claims = items(client, "/api/claims", story=biggest["id"])
    assert len(record["contradictions"]) == sum(c["verdict"] == "contradiction" for c in claims)
    again = get(client, f"/api/stories/{biggest['id']}")["item"]  # by exact id: cached
    assert again == get(client, f"/api/stories/{biggest['id']}")["item"] == record


def test_article_record_has_text_and_every_fact_with_spans(client: TestClient) -> None:
    removed = 0
    for summary in items(client, "/api/articles"):
        record = get(client, f"/api/articles/{summary['id']}")["item"]
        text = record["text"]
        assert record["id"] == summary["id"] and record["story_id"]
        for key in ("mentions", "statements", "quantities", "events", "dates", "removed",
                    "sightings"):
            assert isinstance(record[key], list), key
        for m in record["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"] and m["entity_id"]
        for s in record["statements"]:
            assert text[s["content"]["start"]:s["content"]["end"]] == s["content"]["text"]
        for q in record["quantities"]:
            assert text[q["start"]:q["end"]] == q["text"]
        for e in record["events"]:
            assert text[e["evidence"]["start"]:e["evidence"]["end"]] == e["evidence"]["text"]
        for d in record["dates"]:
            assert text[d["start"]:d["end"]] == d["text"]
        removed += len(record["removed"])
        assert "raw" not in record
    assert removed > 0  # the corpus carries boilerplate; its removed spans are listed
    with_raw = get(client, f"/api/articles/{summary['id'][:6]}", raw="true")["item"]
    for span in with_raw["removed"]:
        assert with_raw["raw"][span["start"]:span["end"]] == span["text"]
    assert isinstance(with_raw["offsets"], list)


def test_entity_record_with_colon_and_space_in_its_id(client: TestClient) -> None:
    speakers = items(client, "/api/statements")
    key = next(s["speaker"]["entity_id"] for s in speakers
               if s["speaker"] and s["speaker"]["entity_id"]
               and " " in s["speaker"]["entity_id"])
    assert ":" in key
    record = get(client, f"/api/entities/{key}")["item"]
    assert record["id"] == key and isinstance(record["mentions"], int)
    by = record["statements_by"]
    assert by["total"] == sum(s["speaker"] is not None and s["speaker"]["entity_id"] == key
                              for s in speakers)
    assert by["items"] and all(s["speaker"]["entity_id"] == key for s in by["items"])
    spans = record["mention_spans"]
    assert spans["total"] == record["mentions"]
    assert all(m["entity_id"] == key for m in spans["items"])
    assert set(record) >= {"statements_about", "events_as_actor", "events_as_target",
                           "same_as"}
    capped = get(client, f"/api/entities/{key}", limit=1)["item"]
    assert len(capped["mention_spans"]["items"]) == 1
    assert capped["mention_spans"]["total"] == spans["total"]

    events = items(client, "/api/events")
    actor = next(e["actor"]["entity_id"] for e in events
                 if e["actor"] and e["actor"]["entity_id"])
    acting = get(client, f"/api/entities/{actor}")["item"]["events_as_actor"]
    assert acting["total"] == sum(bool(e["actor"]) and e["actor"]["entity_id"] == actor
                                  for e in events)


# -- errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/stories/szzzz", "/api/articles/zzzz",
                                 "/api/entities/PERSON:nobody at all", "/api/nothing",
                                 "/nothing/here"])
def test_not_found_envelope(client: TestClient, url: str) -> None:
    assert_error(client.get(url), 404)


@pytest.mark.parametrize("url", [
    "/api/articles?limit=0", "/api/stories?limit=10000", "/api/statements?offset=-1",
    "/api/articles?since=2024-13-01", "/api/events?until=yesterday",
    "/api/statements?stance=maybe", "/api/claims?verdict=true", "/api/search",
    "/api/events?located=perhaps", "/api/entities/GPE:kyiv?limit=501",
])
def test_validation_envelope(client: TestClient, url: str) -> None:
    body = assert_error(client.get(url), 422)
    name = url.partition("?")[2].partition("=")[0] or "q"
    assert name in body["error"]


def test_wrong_method_and_server_error_envelopes(db: Path) -> None:
    app = create_app(str(db))
    with TestClient(app, raise_server_exceptions=False) as c:
        assert_error(c.post("/api/stories"), 405)

        class Broken:
            engine = app.state.store.engine

            def get_article(self, _id: str) -> None:
                raise RuntimeError("disk on fire")

        app.state.store = Broken()
        body = assert_error(c.get("/api/articles/abc"), 500)
        assert "disk on fire" not in body["error"]


# -- writing ------------------------------------------------------------------------------

@pytest.fixture
def writer(tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "write.db"
    open_store(str(path)).close()
    with TestClient(create_app(str(path), token=TOKEN)) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = ("date 2024-05-02 Drones hit a depot near Odesa, officials say\n\n"
        "Russian drones struck a fuel depot near Odesa overnight, the regional governor Oleh "
        "Kiper said on Thursday. \"Two workers were injured,\" he said. Moscow denied "
        "targeting civilian sites.\n")


def test_writing_endpoints_do_not_exist_without_a_token(client: TestClient) -> None:
    assert_error(client.post("/api/ingest", json={"texts": ["x"]}), 404)
    assert_error(client.post("/api/process"), 404)


def test_writing_needs_the_right_token(writer: TestClient) -> None:
    missing = assert_error(writer.post("/api/ingest", json={"texts": [TEXT]}), 401)
    assert "Bearer" in missing["error"]
    assert_error(writer.post("/api/ingest", json={"texts": [TEXT]},
                             headers={"Authorization": "Bearer nope"}), 401)
    assert_error(writer.post("/api/process", headers={"Authorization": TOKEN}), 401)
    assert get(writer, "/api/articles")["total"] == 0
    paths = get(writer, "/openapi.json")["paths"]
    assert "/api/ingest" in paths and "/api/process" in paths


def test_ingest_then_process_with_the_token(writer: TestClient) -> None:
    response = writer.post("/api/ingest", headers=AUTH, json={"texts": [
        TEXT, {"text": "Engineers repaired the bridge at Zatoka on Friday, officials said.",
               "title": "Zatoka bridge repaired", "outlet": "Coast News",
               "published": "2024-05-03", "url": "https://coast.example/zatoka"}]})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ok"] is True and report["stored"] == 2 and len(report["ids"]) == 2
    listed = items(writer, "/api/articles")
    assert {a["id"] for a in listed} == set(report["ids"])
    assert {"Coast News"} <= {a["outlet"] for a in listed}
    assert items(writer, "/api/search", q="Zatoka")

    upload = writer.post("/api/ingest", headers=AUTH, files={"file": (
        "depot.txt", TEXT.replace("Odesa", "Izmail").encode(), "text/plain")})
    assert upload.status_code == 200, upload.text
    assert upload.json()["stored"] == 1
    raw = writer.post("/api/ingest?filename=page.html", headers=AUTH, content=(
        b"<html><head><title>Port reopens</title></head><body><article><h1>Port reopens"
        b"</h1><p>The port of Reni reopened on Saturday after repairs, the port authority "
        b"said in a statement to reporters.</p></article></body></html>"))
    assert raw.status_code == 200, raw.text
    assert get(writer, "/api/articles")["total"] == 4

    assert_error(writer.post("/api/ingest", headers={**AUTH, "Content-Type":
                                                     "application/json"}, content=b"{"), 422)
    assert_error(writer.post("/api/ingest", headers=AUTH, json={"texts": [3]}), 422)

    processed = writer.post("/api/process?workers=1", headers=AUTH)
    assert processed.status_code == 200, processed.text
    assert processed.json()["processed"] == 4
    said = items(writer, "/api/statements", article=report["ids"][0])
    assert said and all(s["article_id"] == report["ids"][0] for s in said)
    assert items(writer, "/api/stories")


# -- the command --------------------------------------------------------------------------

def test_serve_command_prints_the_address_and_runs_uvicorn(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from crosscheck.cli._common import app
    from crosscheck.cli.serve import serve

    assert callable(serve)
    calls: list[tuple[FastAPI, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: calls.append((application, kw)))
    monkeypatch.setenv("CROSSCHECK_SERVE_PORT", "8123")
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8123/" in result.output and "read-only" in result.output
    application, kwargs = calls[0]
    assert kwargs["host"] == "0.0.0.0" and kwargs["port"] == 8123
    assert "/api/ingest" not in application.openapi()["paths"]

    CliRunner().invoke(app, ["serve", "--db", str(db), "--token", "abc"])
    assert "/api/ingest" in calls[1][0].openapi()["paths"]
    missing = CliRunner().invoke(app, ["serve", "--db", str(db.parent / "none.db")])
    assert missing.exit_code == 2 and "no such store" in missing.output


def test_store_is_shared_and_thread_safe(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    store: Store = client.app.state.store  # type: ignore[attr-defined]
    with ThreadPoolExecutor(4) as pool:
        totals = list(pool.map(lambda _: client.get("/api/statements?limit=5").json()["total"],
                               range(12)))
    assert len(set(totals)) == 1
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_story_records_are_cached_until_the_story_changes() -> None:
    from crosscheck.api._cache import RecordCache

    cache = RecordCache(max_bytes=100)
    assert cache.get("s1", 1) is None
    cache.put("s1", 1, b"x" * 20)
    assert cache.get("s1", 1) == b"x" * 20
    assert cache.get("s1", 2) is None  # the story changed: its stamp moved
    cache.put("s2", 1, b"y" * 20)
    cache.put("s3", 1, b"z" * 20)
    cache.put("s4", 1, b"w" * 20)
    cache.put("s5", 1, b"v" * 20)
    cache.put("s6", 1, b"u" * 20)  # over 100 bytes: the least recently used goes
    assert cache.get("s1", 1) is None and cache.get("s6", 1) == b"u" * 20
    cache.put("big", 1, b"b" * 60)  # over a quarter of the cache: never kept
    assert cache.get("big", 1) is None
