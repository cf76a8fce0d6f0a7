"""Event mention detection on ECB+: our event triggers against the gold action mentions
(ACTION_* and NEG_ACTION_*), beside an "every verb" baseline run in the same command.

Each document's text is the data set's own ``text`` (tokens joined by spaces, one line per
sentence), so gold token positions become character spans by walking the tokens. A
predicted trigger is correct when it overlaps the characters of a gold action mention; a
gold mention is found when a predicted trigger overlaps it.

ECB+ annotates only some sentences of each document, so predictions are scored in two
scopes: the sentences that carry at least one gold mention of any kind (the main scope),
and the sentences whose annotation the corpus authors validated.

Splits: the reporting half is the test topics (36–45), the tuning half the dev topics.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from crosscheck.eval._run import run_pipeline
from crosscheck.eval.datasets import data_file, read_jsonl
from crosscheck.eval.events_metrics import prf, ratio

__all__ = ["ACTION_PREFIXES", "document_spans", "evaluate_ecb", "overlap_scores", "read_ecb"]

ACTION_PREFIXES = ("ACTION_", "NEG_ACTION_")
SCOPES = ("annotated sentences", "validated sentences")

Interval = tuple[int, int]


def read_ecb(data_dir: Path, half: str) -> list[dict[str, Any]]:
    """The documents of the test topics (``reporting``) or the dev topics (``tuning``)."""
    split = "test" if half == "reporting" else "dev"
    path = data_file(data_dir, "ecbplus", "ecbplus.jsonl")
    return [r for r in read_jsonl(path) if r["split"] == split]


def document_spans(record: dict[str, Any]
                   ) -> tuple[str, dict[int, Interval], list[list[Interval]]]:
    """The document text, each sentence's span by sentence number, and each gold action
    mention as the character spans of its tokens."""
    parts: list[str] = []
    token_spans: dict[tuple[int, int], Interval] = {}
    sentence_spans: dict[int, Interval] = {}
    pos = 0
    for k, sentence in enumerate(record["sentences"]):
        if k:
            parts.append("\n")
            pos += 1
        start = pos
        for i, token in enumerate(sentence["tokens"]):
            if i:
                parts.append(" ")
                pos += 1
            token_spans[(sentence["sentence"], i)] = (pos, pos + len(token))
            parts.append(token)
            pos += len(token)
        sentence_spans[sentence["sentence"]] = (start, pos)
    mentions = []
    for m in record["mentions"]:
        if not m["type"].startswith(ACTION_PREFIXES):
            continue
        spans = [token_spans[(m["sentence"], i)] for i in m["token_index_in_sentence"]
                 if (m["sentence"], i) in token_spans]
        if spans:
            mentions.append(spans)
    return "".join(parts), sentence_spans, mentions


def _scope(record: dict[str, Any], scope: str) -> set[int]:
    if scope == "validated sentences":
        return set(record["validated_sentences"])
    return {m["sentence"] for m in record["mentions"]}


def _in_scope(sentences: dict[int, Interval], keep: set[int]) -> list[Interval]:
    return sorted(span for number, span in sentences.items() if number in keep)


def _inside(pos: int, spans: Sequence[Interval], starts: Sequence[int]) -> bool:
    k = bisect_right(starts, pos) - 1
    return k >= 0 and pos < spans[k][1]


def overlap_scores(pred: Iterable[tuple[list[Interval], list[list[Interval]]]]
                   ) -> dict[str, Any]:
    """P/R/F1 by character overlap over documents of ``(predicted spans, gold mentions)``."""
    tp_pred = n_pred = tp_gold = n_gold = 0
    for predicted, gold in pred:
        n_pred += len(predicted)
        n_gold += len(gold)
        tp_pred += sum(1 for s, e in predicted
                       if any(s < ge and gs < e for mention in gold for gs, ge in mention))
        tp_gold += sum(1 for mention in gold
                       if any(s < ge and gs < e for gs, ge in mention for s, e in predicted))
    return prf(tp_pred, n_pred, tp_gold, n_gold)


def _scored(docs: list[tuple[dict[str, Any], dict[int, Interval], list[list[Interval]],
                             list[Interval]]], scope: str) -> dict[str, Any]:
    rows = []
    for record, sentences, gold, predicted in docs:
        spans = _in_scope(sentences, _scope(record, scope))
        starts = [s for s, _e in spans]
        rows.append(([p for p in predicted if _inside(p[0], spans, starts)],
                     [m for m in gold if _inside(m[0][0], spans, starts)]))
    return overlap_scores(rows)


def _verbs(texts: list[str], model: str) -> list[list[Interval]]:
    import spacy

    nlp = spacy.load(model, disable=["parser", "ner", "lemmatizer", "senter"])
    return [[(t.idx, t.idx + len(t)) for t in doc if t.pos_ == "VERB"]
            for doc in nlp.pipe(texts, batch_size=32)]


def evaluate_ecb(data_dir: Path, half: str = "reporting", *, model: str,
                 limit: int | None = None) -> dict[str, Any]:
    """Trigger P/R/F1 against gold action mentions, ours beside every verb."""
    records = read_ecb(data_dir, half)
    if limit:
        records = records[:limit]
    built = {r["doc_id"]: (r, *document_spans(r)) for r in records}
    ours: dict[str, list[Interval]] = {}
    for doc_id, _article, offsets, extraction in run_pipeline(
            ((r["doc_id"], built[r["doc_id"]][1], None) for r in records), model):
        ours[doc_id] = sorted({offsets.raw_span(e.trigger.start, e.trigger.end)
                               for e in extraction.events})
    verbs = _verbs([built[r["doc_id"]][1] for r in records], model)
    our_docs = []
    verb_docs = []
    for record, found in zip(records, verbs, strict=True):
        _r, _text, sentences, gold = built[record["doc_id"]]
        our_docs.append((record, sentences, gold, ours[record["doc_id"]]))
        verb_docs.append((record, sentences, gold, found))
    report: dict[str, Any] = {
        "dataset": "ecbplus",
        "split": f"{half} ({'test topics 36-45' if half == 'reporting' else 'dev topics'})",
        "documents": len(records),
        "crosscheck": {scope: _scored(our_docs, scope) for scope in SCOPES},
        "all verbs baseline (same run)": {scope: _scored(verb_docs, scope)
                                          for scope in SCOPES},
    }
    main = SCOPES[0]
    report["comparison"] = {
        "f1 ours/all verbs": ratio(report["crosscheck"][main]["f1"],
                                   report["all verbs baseline (same run)"][main]["f1"]),
        "precision ours/all verbs": ratio(
            report["crosscheck"][main]["precision"],
            report["all verbs baseline (same run)"][main]["precision"]),
    }
    report["notes"] = {
        "gold": "ACTION_* and NEG_ACTION_* mentions; a match is any character overlap",
        "published": "the data README quotes coreference scores only (CoNLL F1 about "
                     "79.5-86 with gold mentions), no mention-detection numbers",
    }
    return report
