"""Scores shared by the event evaluations: P/R/F1 from counts, and single-label
classification scores (per class, support-weighted and macro F1, accuracy)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

__all__ = ["classification_scores", "prf", "ratio"]


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, Any]:
    """Precision over predictions and recall over gold items.

    ``tp_pred`` counts the predictions that are right and ``tp_gold`` the gold items that
    were found; they differ when matching is by overlap rather than one to one.
    """
    p = tp_pred / n_pred if n_pred else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "gold": n_gold, "pred": n_pred}


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def classification_scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
                          ) -> dict[str, Any]:
    """One label per item. Weighted F1 weights each label's F1 by its gold support; macro F1
    is the plain mean over ``labels`` (a label never predicted nor present scores 0), as
    scikit-learn's ``f1_score(..., labels=labels, average=...)`` does."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter(gold)
    n_pred: Counter[str] = Counter(pred)
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
    per_class: dict[str, float] = {}
    weighted = 0.0
    support = sum(n_gold[label] for label in labels)
    for label in labels:
        _p, _r, f = _f1(tp[label], n_pred[label], n_gold[label])
        per_class[label] = round(f, 3)
        weighted += f * n_gold[label]
    macro = sum(_f1(tp[x], n_pred[x], n_gold[x])[2] for x in labels) / len(labels)
    correct = sum(tp.values())
    return {
        "weighted_f1": round(weighted / support, 3) if support else 0.0,
        "macro_f1": round(macro, 3),
        "accuracy": round(correct / len(gold), 3) if gold else 0.0,
        "per_class_f1": per_class,
    }


def ratio(ours: float, baseline: float) -> float | None:
    """``ours / baseline`` rounded, or None when the baseline scored 0."""
    return round(ours / baseline, 2) if baseline else None
