"""Claims: propositions lined up across articles; contradictions, corroborations, series.

Unit tests build one story's inputs by hand (the shape :meth:`Store.claim_inputs` returns);
golden tests run the seed articles (and perturbed copies) through ingest + process + link.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crosscheck.cli import app
from crosscheck.export.claims import write_claims
from crosscheck.ingest import ingest
from crosscheck.link import story_record
from crosscheck.link.claims import ClaimConfig, story_claims, update_claims
from crosscheck.link.sources import default_registry
from crosscheck.process import process
from crosscheck.store import Store, open_store
from tests.perturb import Perturbed, perturb

SEEDS = ["000_defe518a12050a6b.txt", "002_b6860dbd4528c053.txt"]


# -- building blocks -------------------------------------------------------------------------

def member(aid: str, outlet: str | None = None, date: str | None = "2022-05-03",
           estimated: bool = False) -> dict[str, Any]:
    return {"id": aid, "outlet": outlet, "url": None, "published": None if estimated else date,
            "text": "Some text.", "body_start": 0, "date": date, "date_estimated": estimated}


def statement(sid: str, speaker: str | None, side: str | None, stance: str = "asserts",
              kind: str = "indirect", intermediary: str | None = None,
              content: str = "") -> dict[str, Any]:
    key = f"PERSON:{speaker.lower()}" if speaker else None
    return {"id": sid, "article_id": sid.split(":")[0], "kind": kind, "stance": stance,
            "speaker_text": speaker, "speaker_name": speaker, "speaker_key": key,
            "speaker_side": side, "intermediary": intermediary, "channel": None, "date": None,
            "content_text": content, "content_start": 0, "content_end": len(content)}


def event(eid: str, status: str, *, statement_id: str | None = None,
          sub: str = "Armed clash", etype: str = "Battles", side: str | None = "Russia",
          place: str | None = "Mariupol", date: str | None = None) -> dict[str, Any]:
    return {"id": eid, "article_id": eid.split(":")[0], "event_type": etype,
            "sub_event_type": sub, "plover": "ASSAULT", "status": status,
            "actor_side": side, "location_name": place, "lat": None, "lon": None,
            "geo_precision": None, "date": date, "statement_id": statement_id,
            "evidence_text": f"evidence of {eid}", "evidence_start": 0, "evidence_end": 10}


def quantity(qid: str, counted: str, value: float | None, *, qualifier: str | None = None,
             low: float | None = None, high: float | None = None, place: str | None = None,
             as_of: str | None = None, statement_id: str | None = None) -> dict[str, Any]:
    return {"id": qid, "article_id": qid.split(":")[0], "statement_id": statement_id,
            "text": f"{value} {counted}", "start": 0, "end": 5, "value": value, "low": low,
            "high": high, "qualifier": qualifier, "counted": counted, "place": place,
            "as_of": as_of, "claimed_on": None, "hedged": False, "speaker": None}


PLACES = {"mariupol": (47.095, 37.541, 1), "azovstal steelworks": (47.099, 37.61, 1),
          "kharkiv": (49.99, 36.23, 1), "ukraine": (50.45, 30.52, 3), "kyiv": (50.45, 30.52, 1)}


def run(members, events=(), statements=(), quantities=(), top_places=("Mariupol",)):
    inputs = {"members": list(members), "events": list(events),
              "statements": {s["id"]: s for s in statements}, "quantities": list(quantities),
              "places": PLACES, "top_places": list(top_places)}
    out = story_claims("s1", inputs, config=ClaimConfig(), registry=default_registry(),
                       canonical={})
    evidence: dict[str, list[dict[str, Any]]] = {}
    for e in out.evidence:
        evidence.setdefault(e["claim_id"], []).append(e)
    return out, evidence


def verdicts(out) -> dict[str, str]:
    return {c["label"]: c["verdict"] for c in out.claims}


# -- event propositions ----------------------------------------------------------------------

def test_asserted_by_one_side_and_denied_by_the_other_is_a_contradiction() -> None:
    out, evidence = run(
        [member("a"), member("b")],
        events=[event("a:e0", "claimed", statement_id="a:s0"),
                event("b:e0", "denied", statement_id="b:s0", side=None)],
        statements=[statement("a:s0", "Denys Prokopenko", "Ukraine"),
                    statement("b:s0", "Dmitry Peskov", "Russia", stance="denies")])
    [claim] = out.claims
    assert claim["verdict"] == "contradiction"
    assert claim["label"] == "Russia: armed clash at Mariupol"
    assert (claim["asserting_sources"], claim["denying_sources"]) == (1, 1)
    stances = {e["speaker"]: e["stance"] for e in evidence[claim["id"]]}
    assert stances == {"Denys Prokopenko": "asserts", "Dmitry Peskov": "denies"}


def test_two_independent_speakers_corroborate_and_one_speaker_twice_does_not() -> None:
    out, _ = run(
        [member("a"), member("b"), member("c")],
        events=[event("a:e0", "reported", statement_id="a:s0", sub="Agreement",
                      etype="Strategic developments", side="Ukraine"),
                event("b:e0", "reported", statement_id="b:s0", sub="Agreement",
                      etype="Strategic developments", side="Ukraine"),
                event("c:e0", "reported", statement_id="c:s0", sub="Arrests",
                      etype="Strategic developments", side="Ukraine"),
                event("c:e1", "reported", statement_id="c:s1", sub="Arrests",
                      etype="Strategic developments", side="Ukraine")],
        statements=[statement("a:s0", "Iryna Vereshchuk", "Ukraine"),
                    statement("b:s0", "Antonio Guterres", "international"),
                    statement("c:s0", "Ivan Fedorov", "Ukraine"),
                    statement("c:s1", "Ivan Fedorov", "Ukraine")])
    found = verdicts(out)
    assert found["Ukraine: agreement at Mariupol"] == "corroboration"
    assert found["Ukraine: arrests at Mariupol"] == "single"  # one origin, said twice
    agreement = next(c for c in out.claims if c["label"].endswith("agreement at Mariupol"))
    assert agreement["weight"] > 2  # two origins on two sides weigh more than two


def test_outlets_relaying_one_official_are_one_source() -> None:
    out, _ = run(
        [member("a", outlet="BBC"), member("b", outlet="Reuters")],
        events=[event("a:e0", "reported", statement_id="a:s0"),
                event("b:e0", "reported", statement_id="b:s0")],
        statements=[statement("a:s0", "Dmitry Peskov", "Russia"),
                    statement("b:s0", "Dmitry Peskov", "Russia")])
    [claim] = out.claims
    assert claim["verdict"] == "single" and claim["asserting_sources"] == 1


def test_modes_are_separate_propositions_and_hypotheticals_are_no_claim() -> None:
    out, _ = run(
        [member("a"), member("b")],
        events=[event("a:e0", "claimed", statement_id="a:s0"),
                event("b:e0", "called_off", statement_id="b:s0"),
                event("b:e1", "hypothetical", statement_id="b:s0")],
        statements=[statement("a:s0", "Denys Shlega", "Ukraine"),
                    statement("b:s0", "Dmitry Peskov", "Russia")])
    assert sorted(verdicts(out)) == ["Russia: armed clash at Mariupol",
                                     "Russia: armed clash at Mariupol (called off)"]
    assert set(verdicts(out).values()) == {"single"}


def test_nearby_places_are_one_place_countries_are_not() -> None:
    out, _ = run(
        [member("a"), member("b"), member("c")],
        events=[event("a:e0", "claimed", statement_id="a:s0", place="Azovstal steelworks"),
                event("b:e0", "denied", statement_id="b:s0", place="Mariupol"),
                event("c:e0", "claimed", statement_id="c:s0", place="Ukraine")],
        statements=[statement("a:s0", "Denys Shlega", "Ukraine"),
                    statement("b:s0", "Dmitry Peskov", "Russia", stance="denies"),
                    statement("c:s0", "Oleksiy Arestovych", "Ukraine")])
    found = verdicts(out)
    assert len(found) == 2
    assert "contradiction" in found.values() and "single" in found.values()


def test_an_event_with_no_place_joins_the_one_located_proposition() -> None:
    out, _ = run(
        [member("a"), member("b")],
        events=[event("a:e0", "claimed", statement_id="a:s0", place="Kharkiv"),
                event("b:e0", "claimed", statement_id="b:s0", place=None)],
        statements=[statement("a:s0", "Oleh Syniehubov", "Ukraine"),
                    statement("b:s0", "Ihor Terekhov", "Ukraine")])
    assert verdicts(out) == {"Russia: armed clash at Kharkiv": "corroboration"}


def test_dates_far_apart_are_different_claims() -> None:
    out, _ = run(
        [member("a", date="2022-04-01"), member("b", date="2022-04-20")],
        events=[event("a:e0", "claimed", statement_id="a:s0"),
                event("b:e0", "denied", statement_id="b:s0")],
        statements=[statement("a:s0", "Denys Shlega", "Ukraine"),
                    statement("b:s0", "Dmitry Peskov", "Russia", stance="denies")])
    assert sorted(c["date_start"] for c in out.claims) == ["2022-04-01", "2022-04-20"]
    assert {c["verdict"] for c in out.claims} == {"single"}


def test_narration_counts_as_the_outlet() -> None:
    out, evidence = run(
        [member("a", outlet="Kyiv Independent"), member("b", outlet="Meduza")],
        events=[event("a:e0", "reported"), event("b:e0", "reported")])
    [claim] = out.claims
    assert claim["verdict"] == "corroboration"
    assert {e["origin"] for e in evidence[claim["id"]]} == {
        e["origin"] for e in evidence[claim["id"]]} and len(
        {e["origin"] for e in evidence[claim["id"]]}) == 2


# -- statements that carry no event ----------------------------------------------------------

def test_what_one_side_says_and_the_other_denies_lines_up_across_articles() -> None:
    out, evidence = run(
        [member("a"), member("b"), member("c")],
        statements=[
            statement("a:s0", "Serhiy Haidai", "Ukraine",
                      content="the occupiers had blown up the bridge over the Siverskyi "
                              "Donets near Bilohorivka"),
            statement("b:s0", "Igor Konashenkov", "Russia", stance="denies",
                      content="its units had blown up the bridge over the Siverskyi Donets "
                              "at Bilohorivka"),
            statement("c:s0", "Ramzan Kadyrov", "Russia",
                      content="grain exports through the Black Sea would resume next week"),
            statement("a:s1", "Serhiy Haidai", "Ukraine",
                      content="the bridge over the Siverskyi Donets was blown up"),  # same article
        ])
    [claim] = [c for c in out.claims if c["kind"] == "statement"]
    assert claim["verdict"] == "contradiction"
    assert claim["label"].startswith("“the occupiers had blown up the bridge")
    assert {e["speaker"] for e in evidence[claim["id"]]} == {"Serhiy Haidai", "Igor Konashenkov"}


def test_one_quote_in_one_article_is_no_claim() -> None:
    out, _ = run([member("a")], statements=[
        statement("a:s0", "Serhiy Haidai", "Ukraine",
                  content="the occupiers had blown up the bridge near Bilohorivka")])
    assert out.claims == []


# -- figures --------------------------------------------------------------------------------

def test_figures_form_a_series_with_the_story_place_when_they_have_none() -> None:
    out, _ = run(
        [member("a", date="2022-04-23"), member("b", date="2022-05-02")],
        quantities=[quantity("a:q0", "civilians", 1000, qualifier="at least",
                             low=1000, place="Mariupol", as_of="2022-04-23"),
                    quantity("b:q0", "civilians", None, qualifier="a few", low=200,
                             high=900)])
    [series] = out.series
    assert (series["counted"], series["place"], series["points"]) == ("civilians", "Mariupol", 2)
    assert series["place_inferred"]
    assert sorted(p["date"] for p in out.points) == ["2022-04-23", "2022-05-02"]


def test_incompatible_figures_on_one_day_contradict_compatible_ones_corroborate() -> None:
    out, _ = run(
        [member("a"), member("b"), member("c"), member("d")],
        statements=[statement("a:s0", "Vadym Boichenko", "Ukraine"),
                    statement("b:s0", "Denis Pushilin", "Russia"),
                    statement("c:s0", "Petro Andriushchenko", "Ukraine"),
                    statement("d:s0", "Pavlo Kyrylenko", "Ukraine")],
        quantities=[quantity("a:q0", "dead", 20000, qualifier="at least", low=20000,
                             place="Mariupol", statement_id="a:s0"),
                    quantity("b:q0", "dead", 3000, qualifier="about", place="Mariupol",
                             statement_id="b:s0"),
                    quantity("c:q0", "evacuated", 100, qualifier="more than", low=100,
                             place="Mariupol", statement_id="c:s0"),
                    quantity("d:q0", "evacuated", 101, place="Mariupol",
                             statement_id="d:s0")])
    found = verdicts(out)
    assert found["dead at Mariupol on 2022-05-03"] == "contradiction"
    assert found["evacuated at Mariupol on 2022-05-03"] == "corroboration"


# -- end to end on the seed articles ----------------------------------------------------------

@pytest.fixture(scope="module", params=["original", "perturbed"])
def seeded(request: pytest.FixtureRequest, seeds_dir: Path,
           tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"seeds-{request.param}")
    variants = []
    for name in SEEDS:
        text = (seeds_dir / name).read_text(encoding="utf-8")
        p = perturb(text) if request.param == "perturbed" else Perturbed(text)
        (folder / name).write_text(p.text, encoding="utf-8")
        variants.append(p)
    store = open_store(str(folder / "store.db"))
    ingest([folder], store)
    process(store, workers=1)
    yield store, variants
    store.close()


def _story(store: Store) -> dict[str, Any]:
    [story] = list(store.iter_stories())
    return story_record(store, story["id"])


def test_seeds_make_one_story_with_the_storming_contradiction(seeded) -> None:
    store, (_p, q) = seeded
    record = _story(store)
    assert len(record["articles"]) == 2
    storming = [c for c in record["contradictions"]
                if c["kind"] == "event" and "armed clash" in c["proposition"]]
    assert storming, record["contradictions"]
    claim = storming[0]
    asserting_sides = {s["side"] for s in claim["asserted_by"]}
    denying = {s["speaker"] for s in claim["denied_by"]}
    assert "Ukraine" in asserting_sides
    assert q.name("Dmitry Peskov") in denying
    assert all(s["side"] == "Russia" for s in claim["denied_by"])
    for source in claim["asserted_by"] + claim["denied_by"]:
        article = store.get_article(source["article_id"])
        ev = source["evidence"]
        assert article["text"][ev["start"]:ev["end"]] == ev["text"]


def test_seeds_corroborate_the_order_not_to_storm(seeded) -> None:
    store, (_p, q) = seeded
    record = _story(store)
    orders = [c for c in record["corroborations"] if "(called off)" in c["proposition"]
              or "(ordered)" in c["proposition"]]
    assert orders, [c["proposition"] for c in record["claims"]]
    speakers = {s["speaker"] for s in orders[0]["sources"]}
    assert q.name("Dmitry Peskov") in speakers
    assert len({s["article_id"] for s in orders[0]["sources"]}) == 2  # both articles


def test_seeds_give_a_series_of_civilians_in_the_plant(seeded) -> None:
    store, (p, _q) = seeded
    record = _story(store)
    civilians = [s for s in record["series"] if s["counted"] == "civilians"]
    assert civilians, record["series"]
    points = civilians[0]["points"]
    assert len({pt["date"] for pt in points if pt["date"]}) >= 2
    assert any(pt["value"] == float(p.number("1,000").replace(",", "")) for pt in points)
    assert any(pt["qualifier"] == "a few" for pt in points)


def test_claims_are_recomputed_only_when_stale_and_export(seeded, tmp_path: Path) -> None:
    store, _ = seeded
    assert update_claims(store).stories == 0  # nothing changed since `process` linked
    out = tmp_path / "claims.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        n = write_claims(store, "claimreview", fh)
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert n == len(records) == len(list(store.iter_claims()))
    review = next(r for r in records if r["crosscheck"]["verdict"] == "contradiction")
    assert review["@type"] == "ClaimReview" and review["reviewRating"]["ratingValue"] == 1
    assert review["itemReviewed"]["appearance"] and review["disputedBy"]


def test_cli_contradictions_claims_series(seeded) -> None:
    store, _ = seeded
    db = str(store.engine.url.database)
    runner = CliRunner()
    result = runner.invoke(app, ["contradictions", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all(r["verdict"] == "contradiction" for r in rows)
    assert rows[0]["denied_by"] or rows[0]["kind"] == "figure"
    result = runner.invoke(app, ["claims", "--db", db, "--verdict", "corroboration",
                                 "--format", "csv"])
    assert result.exit_code == 0 and result.output.startswith("verdict,proposition")
    result = runner.invoke(app, ["claims", "--db", db, "--verdict", "maybe"])
    assert result.exit_code != 0
    result = runner.invoke(app, ["series", "--db", db, "--counted", "civilians"])
    assert result.exit_code == 0 and "civilians" in result.output


def test_a_historical_figure_is_no_point_of_a_series() -> None:
    out, _ = run([member("a", date="2022-04-23"), member("b", date="2022-05-02")],
                 quantities=[quantity("a:q0", "dead", 14, place="Mariupol", as_of="1920-10-14"),
                             quantity("a:q1", "dead", 20000, place="Mariupol"),
                             quantity("b:q0", "dead", 21000, place="Mariupol")])
    [series] = out.series
    assert series["points"] == 2 and all(p["value"] != 14 for p in out.points)


def test_figures_with_no_place_anywhere_stay_one_series() -> None:
    out, _ = run([member("a", date="2022-04-23"), member("b", date="2022-05-02")],
                 quantities=[quantity("a:q0", "evacuated", 100),
                             quantity("b:q0", "evacuated", 300)], top_places=())
    [series] = out.series
    assert (series["place"], series["points"], series["place_inferred"]) == (None, 2, True)


def test_cli_export_claims(seeded, tmp_path: Path) -> None:
    store, _ = seeded
    db = str(store.engine.url.database)
    out = tmp_path / "reviews.jsonl"
    result = CliRunner().invoke(app, ["export", "claims", "--db", db, "--format", "claimreview",
                                      "--verdict", "contradiction", "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text("utf-8").splitlines()
    assert lines and all(json.loads(x)["crosscheck"]["verdict"] == "contradiction"
                         for x in lines)
    result = CliRunner().invoke(app, ["export", "claims", "--db", db, "--format", "xml"])
    assert result.exit_code != 0 and "claim export format" in result.output


def test_reprocessing_a_member_makes_its_story_claims_stale(tmp_path: Path,
                                                            seeds_dir: Path) -> None:
    from crosscheck.store import schema

    store = open_store(str(tmp_path / "r.db"))
    ingest([seeds_dir], store)
    process(store, workers=1)
    before = len(list(store.iter_claims()))
    assert before and update_claims(store).stories == 0
    with store.engine.begin() as conn:  # as if an older extractor had processed them
        conn.execute(schema.articles.update().values(processed_version="0.0.0"))
    process(store, workers=1, reprocess=True)  # re-extracts, then links: claims recomputed
    assert update_claims(store).stories == 0
    assert len(list(store.iter_claims())) == before
    store.close()


def test_dates_of_month_or_year_precision_do_not_split_or_collide() -> None:
    out, _ = run([member("a", date=None), member("b", date=None)],
                 events=[event("a:e0", "claimed", statement_id="a:s0", date="2009-03"),
                         event("b:e0", "claimed", statement_id="b:s0", date="2009-03"),
                         event("b:e1", "claimed", statement_id="b:s0", date="2009-03-02")],
                 statements=[statement("a:s0", "Ann Lee", None),
                             statement("b:s0", "Bo Chan", None)])
    assert len({c["id"] for c in out.claims}) == len(out.claims) == 1
