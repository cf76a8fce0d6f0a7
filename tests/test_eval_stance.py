"""FNC-1 stance metrics on hand-made cases, the keyword baseline, and the evaluation on the
first pairs of the tuning half (fields and sane ranges, not exact numbers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.eval.gate import check, load_floors
from crosscheck.eval.stance import (
    evaluate_stance,
    fnc_score,
    half_of,
    keyword_baseline,
    read_fnc1,
    stance_scores,
)
from crosscheck.link.stance import STANCES

GOLD = ["agree", "disagree", "discuss", "unrelated", "unrelated"]
PRED = ["agree", "discuss", "unrelated", "unrelated", "agree"]


def test_fnc_score_by_hand() -> None:
    # agree right 0.25 + 0.5 + 0.25; disagree called discuss: related 0.25; discuss called
    # unrelated 0; unrelated right 0.25; unrelated called agree 0. Best 1 + 1 + 1 + .25 + .25
    assert fnc_score(GOLD, PRED) == {"score": 1.5, "max": 3.5, "relative": 42.86}
    assert fnc_score(GOLD, GOLD)["relative"] == 100.0
    assert fnc_score(GOLD, ["unrelated"] * 5)["score"] == 0.5
    with pytest.raises(ValueError):
        fnc_score(GOLD, PRED[:2])


def test_stance_scores_by_hand() -> None:
    scores = stance_scores(GOLD, PRED)
    assert scores["agree"] == {"precision": 0.5, "recall": 1.0, "f1": 0.667, "support": 1}
    assert scores["disagree"]["f1"] == 0.0 and scores["discuss"]["f1"] == 0.0
    assert scores["unrelated"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert scores["macro_f1"] == round((0.667 + 0.5) / 4, 3)
    assert scores["accuracy"] == 0.4
    assert scores["related_accuracy"] == 0.6  # wrong: discuss->unrelated, unrelated->agree
    assert scores["confusion"]["disagree"]["discuss"] == 1
    assert sum(sum(row.values()) for row in scores["confusion"].values()) == len(GOLD)


def test_keyword_baseline() -> None:
    head = "Giant spider found in Australian kitchen"
    assert keyword_baseline(head, "A giant spider was found in a kitchen in Australia.") \
        == "agree"
    assert keyword_baseline(head, "The giant spider kitchen photo is a hoax.") == "disagree"
    assert keyword_baseline(head, "A giant spider was reportedly found in a kitchen.") \
        == "discuss"
    assert keyword_baseline(head, "Parliament passed the budget on Tuesday.") == "unrelated"


def test_halves_split_by_body_id_parity(data_dir: Path) -> None:
    assert half_of(1) == "tuning" and half_of(2) == "reporting"
    pairs, bodies = read_fnc1(data_dir, "tuning", limit=25)
    assert len(pairs) == 25 and all(p["body_id"] % 2 == 1 for p in pairs)
    assert set(bodies) == {p["body_id"] for p in pairs}
    with pytest.raises(ValueError):
        read_fnc1(data_dir, "test")


def test_evaluate_stance_on_the_first_pairs(data_dir: Path) -> None:
    report = evaluate_stance(data_dir, "tuning", limit=40)
    assert report["dataset"] == "fnc1" and report["split"] == "tuning"
    assert report["pairs"] == 40 and sum(report["gold"].values()) == 40
    assert 0 < report["documents"] <= 40 and 0 < report["headlines"] <= 40
    baseline = next(v for k, v in report.items() if k.startswith("baseline"))
    for scores in (report["crosscheck"], baseline):
        for label in STANCES:
            assert 0.0 <= scores[label]["f1"] <= 1.0
        assert 0.0 <= scores["macro_f1"] <= 1.0
        assert 0.0 <= scores["fnc_relative"] <= 100.0
        assert scores["fnc_score"] <= scores["fnc_max"]
        assert sum(sum(r.values()) for r in scores["confusion"].values()) == 40
    assert report["crosscheck"]["related_accuracy"] >= 0.6  # unrelated pairs are easy
    floors = load_floors()["fnc1"]
    assert floors["split"] == "tuning"
    assert check("fnc1", report, {"fnc1": {"floors": dict.fromkeys(floors["floors"], 0.0)}}) \
        == []
