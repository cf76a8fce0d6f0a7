"""Clustering metrics on hand-checked cases, and `crosscheck eval linking` on a tiny slice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosscheck.eval.linking import (
    adjusted_rand,
    bcubed,
    cluster_scores,
    pairwise,
    single_link_baseline,
)
from tests.test_cli import run

GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}


def test_perfect_and_degenerate_clusterings() -> None:
    assert cluster_scores(GOLD, GOLD)["b_cubed"]["f1"] == 1.0
    assert adjusted_rand(GOLD, GOLD) == 1.0
    one = {k: 0 for k in GOLD}
    assert bcubed(one, GOLD)["recall"] == 1.0
    assert bcubed(one, GOLD)["precision"] == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5,
                                                           abs=1e-3)
    singletons = {k: k for k in GOLD}
    assert bcubed(singletons, GOLD)["precision"] == 1.0
    assert pairwise(singletons, GOLD)["recall"] == 0.0
    assert adjusted_rand(singletons, GOLD) == 0.0


def test_known_values() -> None:
    pred = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2}
    # pairs: gold {ab, ac, bc, de}; predicted {ab, cd, ce, de}; shared {ab, de}
    assert pairwise(pred, GOLD) == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    b3 = bcubed(pred, GOLD)
    assert b3["precision"] == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5, abs=1e-3)
    assert b3["recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5, abs=1e-3)
    # ARI by hand: index 2, expected 4*4/10 = 1.6, max 4 -> (2 - 1.6) / (4 - 1.6)
    assert adjusted_rand(pred, GOLD) == pytest.approx(0.167, abs=1e-3)


def test_single_link_baseline_chains_similar_texts() -> None:
    texts = {"a": "tanker fire harbour crew rescued tanker fire",
             "b": "harbour tanker fire crew rescued",
             "c": "parliament election vote budget coalition",
             "d": "coalition budget vote parliament"}
    clusters = single_link_baseline(texts, 0.3)
    assert clusters["a"] == clusters["b"] != clusters["c"] == clusters["d"]


def test_eval_linking_on_a_tiny_slice(data_dir: Path, tmp_path: Path) -> None:
    result = run("eval", "linking", "--set", "ecbplus", "--limit", "6", "--workers", "1",
                 "--format", "json", db=tmp_path / "unused.db", check_rc=0)
    report = json.loads(result.stdout)
    assert report["dataset"] == "ecbplus" and report["split"] == "test"
    assert report["documents"] == 6
    for system in ("crosscheck", "crosscheck, text only (ablation)"):
        scores = report[system]
        assert 0.0 <= scores["b_cubed"]["f1"] <= 1.0 and -1.0 <= scores["adjusted_rand"] <= 1.0
        assert set(scores["pairwise"]) == {"precision", "recall", "f1"}
    assert any(k.startswith("baseline: TF-IDF single-link") for k in report)
