"""The regression gate: measured dev-split numbers against floors pinned in floors.json.

Raising a floor is a commit; lowering one needs a stated reason in that file's history.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["check", "load_floors"]


def load_floors() -> dict[str, Any]:
    text = resources.files("crosscheck.eval").joinpath("floors.json").read_text("utf-8")
    return json.loads(text)


def _lookup(report: dict[str, Any], path: str) -> float:
    value: Any = report
    for part in path.split("."):
        value = value[part]
    return float(value)


def check(task: str, report: dict[str, Any], floors: dict[str, Any] | None = None
          ) -> list[str]:
    """Failures (one line each) of ``report`` against the floors of ``task``."""
    floors = floors or load_floors()
    failures = []
    for path, floor in floors.get(task, {}).get("floors", {}).items():
        measured = _lookup(report, path)
        if measured + 1e-9 < floor:
            failures.append(f"{task}: {path} = {measured:.3f} fell below its floor {floor:.3f}")
    return failures
