"""`crosscheck eval` runs end to end on small slices of the gold sets; the gate works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crosscheck.eval.gate import check, load_floors


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosscheck", "eval", *args],
                          capture_output=True, text=True, timeout=900, env=dict(os.environ))


def test_attribution_eval_writes_predictions_in_the_gold_shape(tmp_path: Path,
                                                               data_dir: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    result = run("attribution", "--split", "dev", "--limit", "3", "--predictions", str(pred),
                 "--data", str(data_dir), "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 3
    assert 0 < report["crosscheck"]["attribution_overlap_f1"] <= 1
    assert "naive baseline (same run)" in report
    lines = [json.loads(line) for line in pred.read_text().splitlines()]
    assert len(lines) == 3 and lines[0]["attributions"]
    first = lines[0]["attributions"][0]
    assert set(first) >= {"source", "cue", "content"}
    assert all(len(span) == 2 for span in first["content"]["spans"])


def test_ner_eval(data_dir: Path) -> None:
    result = run("ner", "--split", "testa", "--limit", "4", "--data", str(data_dir), "-f",
                 "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 4
    assert "PER/ORG/LOC" in report["crosscheck"]
    assert "bare spaCy pipeline (same run)" in report


def test_gazetteer_coverage(data_dir: Path) -> None:
    result = run("gazetteer", "--limit", "5", "--data", str(data_dir), "-f", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["coverage"]["all"]["mentions"] > 0


def test_missing_data_is_one_line_error(tmp_path: Path) -> None:
    result = run("attribution", "--data", str(tmp_path))
    assert result.returncode == 2
    assert "gold data not found" in result.stderr and "Traceback" not in result.stderr


def test_gate_flags_a_regression_and_passes_at_the_floor() -> None:
    floors = load_floors()
    at_floor = {"crosscheck": {k.split(".", 1)[1]: v for k, v in
                               floors["attribution"]["floors"].items()}}
    assert check("attribution", at_floor) == []
    below = json.loads(json.dumps(at_floor))
    below["crosscheck"]["speaker_accuracy"] -= 0.05
    failures = check("attribution", below)
    assert len(failures) == 1 and "speaker_accuracy" in failures[0]
