"""`crosscheck eval events`: the CASE label mapping, the metrics, the sentence spans, the
baselines, and one end-to-end run of the command on small slices of the gold sets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck.eval.events_case import (
    CASE_LABELS,
    FALLBACK,
    KEYWORDS,
    SUB_EVENT_TYPES,
    case_label,
    keyword_label,
    label_for_event,
    read_case,
)
from crosscheck.eval.events_ecb import document_spans, overlap_scores
from crosscheck.eval.events_metrics import classification_scores, prf, ratio
from crosscheck.eval.events_police import (
    baseline_labels,
    event_labels,
    is_police,
    read_police,
    sentence_spans,
)
from crosscheck.eval.gate import check, load_floors
from crosscheck.records import Event, Participant, Span


def event(sub: str, start: int = 0, *, etype: str = "", plover: str = "",
          trigger: str = "struck", actor: str | None = None,
          fatalities: int | None = None) -> Event:
    span = Span(trigger, start, start + len(trigger))
    return Event(event_type=etype, sub_event_type=sub, plover=plover, trigger=span,
                 evidence=span, fatalities=fatalities,
                 actor=Participant(actor, 0, len(actor)) if actor else None)


# -- CASE mapping and selection ------------------------------------------------------------

def test_the_acled_sub_types_cover_the_25_case_labels_exactly() -> None:
    assert len(CASE_LABELS) == 25
    assert set(SUB_EVENT_TYPES.values()) == set(CASE_LABELS)
    assert set(KEYWORDS) == set(CASE_LABELS) and FALLBACK in CASE_LABELS


def test_an_event_maps_by_sub_type_then_event_type_then_plover() -> None:
    assert label_for_event(event("Air/drone strike")) == ("AIR_STRIKE", 0)
    assert label_for_event(event("shelling/artillery/missile attack")) == (
        "ART_MISS_ATTACK", 0)
    assert label_for_event(event("Armed clash")) == ("ARMED_CLASH", 1)
    assert label_for_event(event("Something new", etype="Riots")) == ("VIOL_DEMONSTR", 2)
    assert label_for_event(event("", plover="PROTEST")) == ("PEACE_PROTEST", 2)
    assert label_for_event(event("", plover="CONSULT")) is None


def test_the_snippet_takes_its_most_specific_event_then_the_first() -> None:
    attack = event("Attack", 0, trigger="killed")
    strike = event("Air/drone strike", 30, trigger="air strike")
    grenade = event("Grenade", 10, trigger="grenade")
    assert case_label([attack, strike]) == "AIR_STRIKE"
    assert case_label([strike, grenade]) == "GRENADE"
    assert case_label([event("Agreement", 50), event("", 5, etype="Battles")]) == "AGREEMENT"
    denied = Event("Explosions/Remote violence", "Air/drone strike", "ASSAULT",
                   Span("struck", 0, 6), Span("struck", 0, 6), status="denied")
    assert case_label([denied, event("Attack", 40)]) == "ATTACK"
    assert case_label([denied]) == "AIR_STRIKE"
    assert case_label([event("", 5, plover="CONSULT")]) is None
    assert case_label([]) is None


def test_the_keyword_baseline_takes_the_first_label_in_its_order() -> None:
    assert keyword_label("US warplanes pounded the village, killing 6") == "AIR_STRIKE"
    assert keyword_label("A suicide bomber set off an explosion at a market") == "SUIC_BOMB"
    assert keyword_label("Police fired tear gas to disperse the protesters") == (
        "PROTEST_WITH_INTER")
    assert keyword_label("Thousands rallied peacefully in the capital") == "PEACE_PROTEST"
    assert keyword_label("The minister met his counterpart") is None


def test_the_halves_split_by_id_parity_over_the_25_types(data_dir: Path) -> None:
    reporting = read_case(data_dir, "reporting")
    tuning = read_case(data_dir, "tuning")
    assert all(int(r["id"]) % 2 == 0 for r in reporting)
    assert all(int(r["id"]) % 2 == 1 for r in tuning)
    assert {r["label"] for r in reporting + tuning} == set(CASE_LABELS)
    assert len(reporting) + len(tuning) == 1019 - (44 + 52 + 37 + 29 + 28)
    assert all(int(r["doc_id"]) % 2 == 0 for r in read_police(data_dir, "reporting"))


# -- metrics -------------------------------------------------------------------------------

def test_weighted_and_macro_f1_on_a_hand_made_example() -> None:
    gold = ["A", "A", "B", "C"]
    pred = ["A", "B", "B", "C"]
    scores = classification_scores(gold, pred, ["A", "B", "C"])
    # A: P 1, R 1/2, F 2/3; B: P 1/2, R 1, F 2/3; C: F 1
    assert scores["per_class_f1"] == {"A": 0.667, "B": 0.667, "C": 1.0}
    assert scores["weighted_f1"] == pytest.approx((2 * 2 / 3 + 2 / 3 + 1) / 4, abs=1e-3)
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3, abs=1e-3)
    assert scores["accuracy"] == 0.75


def test_a_label_outside_the_gold_counts_in_macro_but_not_in_weighted_f1() -> None:
    scores = classification_scores(["A", "A"], ["A", "A"], ["A", "B"])
    assert scores["weighted_f1"] == 1.0
    assert scores["macro_f1"] == 0.5
    with pytest.raises(ValueError):
        classification_scores(["A"], [], ["A"])


def test_prf_and_ratio() -> None:
    assert prf(3, 4, 3, 6) == {"precision": 0.75, "recall": 0.5, "f1": 0.6, "gold": 6,
                               "pred": 4}
    assert prf(0, 0, 0, 5)["f1"] == 0.0
    assert ratio(0.6, 0.4) == 1.5 and ratio(0.6, 0.0) is None


# -- IndiaPoliceEvents ---------------------------------------------------------------------

def test_gold_sentences_are_found_in_order() -> None:
    text = "lucknow: police fired. police fired. then calm.\n\n"
    spans = sentence_spans(text, ["police fired.", "police fired.", "then calm.\n\n  ",
                                  "never said"])
    assert spans[0] == (9, 22) and spans[1] == (23, 36)
    assert spans[2] is not None and text[slice(*spans[2])] == "then calm."
    assert spans[3] is None


def test_sentence_labels_from_police_events() -> None:
    firing = event("Excessive force against protesters", etype="Protests", trigger="fired",
                   actor="the police")
    killed = event("Attack", etype="Violence against civilians", trigger="killed")
    arrest = event("Arrests", etype="Strategic developments", trigger="arrested")
    by_mob = event("Mob violence", etype="Riots", trigger="attacked", actor="a mob")
    assert is_police(firing) and not is_police(by_mob)
    assert event_labels([firing, killed], "x") == {"FORCE", "KILL", "ANY_ACTION"}
    assert event_labels([firing], "x") == {"FORCE", "ANY_ACTION"}
    assert event_labels([arrest], "x") == {"ARREST", "ANY_ACTION"}
    held = event("Protest with intervention", etype="Protests", trigger="arrested",
                 actor="cops")
    assert event_labels([held], "x") == {"ARREST", "ANY_ACTION"}
    assert event_labels([by_mob, killed], "a mob killed two") == set()
    assert event_labels([], "the police remained mute spectators") == {"FAIL"}
    assert event_labels([], "the mob remained mute spectators") == set()


def test_the_police_keyword_baseline() -> None:
    assert baseline_labels("police opened fire and arrested 20 rioters") == {
        "FORCE", "ARREST", "ANY_ACTION"}
    assert baseline_labels("two were killed in police firing") == {"KILL", "FORCE",
                                                                    "ANY_ACTION"}
    assert baseline_labels("the cops did not intervene") == {"FAIL", "ANY_ACTION"}
    assert baseline_labels("a mob killed two people") == set()


# -- ECB+ ----------------------------------------------------------------------------------

def test_ecb_gold_tokens_become_character_spans() -> None:
    record = {"sentences": [{"sentence": 0, "tokens": ["Police", "arrested", "him"]},
                            {"sentence": 1, "tokens": ["He", "was", "set", "free"]}],
              "mentions": [{"type": "ACTION_OCCURRENCE", "sentence": 0,
                            "token_index_in_sentence": [1]},
                           {"type": "NEG_ACTION_STATE", "sentence": 1,
                            "token_index_in_sentence": [2, 3]},
                           {"type": "HUMAN_PART_PER", "sentence": 1,
                            "token_index_in_sentence": [0]}]}
    text, sentences, mentions = document_spans(record)
    assert text == "Police arrested him\nHe was set free"
    assert sentences == {0: (0, 19), 1: (20, 35)}
    assert mentions == [[(7, 15)], [(27, 30), (31, 35)]]
    assert [text[s:e] for s, e in mentions[1]] == ["set", "free"]


def test_overlap_scores_count_predictions_and_gold_separately() -> None:
    gold = [[(7, 15)], [(27, 30), (31, 35)]]
    predicted = [(7, 12), (9, 15), (0, 6)]  # two hit the first mention, one misses
    scores = overlap_scores([(predicted, gold)])
    assert scores["precision"] == pytest.approx(0.667, abs=1e-3)
    assert scores["recall"] == 0.5


# -- the command ---------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosscheck", "eval", "events", *args],
                          capture_output=True, text=True, timeout=900, env=dict(os.environ))


def test_eval_events_end_to_end(data_dir: Path) -> None:
    result = run("--limit", "4", "--data", str(data_dir), "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["split"] == load_floors()["events"]["split"]  # the gated half by default
    case = report["case2021"]
    assert case["documents"] == 4
    assert set(case["crosscheck"]["per_class_f1"]) == set(CASE_LABELS)
    for key in ("weighted_f1", "macro_f1", "accuracy"):
        assert 0 <= case["crosscheck"][key] <= 1
        assert 0 <= case["keyword baseline (same run)"][key] <= 1
    assert case["published weighted F1 (full test set)"]
    assert "weighted_f1 ours/keyword" in case["comparison"]
    police = report["india_police_events"]
    assert police["documents"] == 4 and police["sentences"] > 4
    for label in ("KILL", "ARREST", "FORCE", "FAIL"):
        assert set(police["crosscheck"][label]) >= {"precision", "recall", "f1"}
        assert label in police["keyword baseline (same run)"]
    ecb = report["ecbplus"]
    assert ecb["documents"] == 4
    main = ecb["all verbs baseline (same run)"]["annotated sentences"]
    assert main["gold"] > 0 and main["pred"] > 0
    assert set(report["seconds"]) == {"case2021", "india_police_events", "ecbplus"}
    every_floor_at_zero = {path: 0.0 for path in load_floors()["events"]["floors"]}
    assert every_floor_at_zero  # the floors name paths that this report has
    assert check("events", report, {"events": {"floors": every_floor_at_zero}}) == []


def test_eval_events_floors_name_paths_of_the_report() -> None:
    floors = load_floors()["events"]
    assert floors["split"] == "tuning"  # gated where the rules are tuned; reporting is read once
    sections = ("case2021.", "india_police_events.", "ecbplus.")
    assert all(path.startswith(sections) for path in floors["floors"])


def test_eval_events_on_an_empty_folder_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("--data", str(tmp_path))
    assert result.returncode == 2
    assert "gold data not found" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
