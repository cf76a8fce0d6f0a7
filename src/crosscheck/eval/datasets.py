"""Readers of the gold sets in ../shared/data (read at run time, never copied)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crosscheck.errors import ConfigError

__all__ = ["SCORER", "data_file", "read_jsonl", "scorer_path"]

SCORER = "tools/score_attribution.py"


def data_file(data_dir: Path, *parts: str) -> Path:
    path = data_dir.joinpath(*parts)
    if not path.is_file():
        raise ConfigError(f"{path}: gold data not found (pass --data DIR, the folder that holds "
                          "polnear/, conll2003_en/, …)")
    return path


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def scorer_path(data_dir: Path) -> Path:
    """The shared attribution scorer beside the data folder (../shared/tools)."""
    path = data_dir.parent / SCORER
    if not path.is_file():
        raise ConfigError(f"{path}: the attribution scorer was not found beside {data_dir}")
    return path
