"""Police actions on IndiaPoliceEvents: sentence labels KILL, ARREST, FORCE, FAIL and
ANY_ACTION predicted from the events `process` extracts, beside a keyword baseline.

The corpus has a single split, halved once by ``doc_id`` parity: odd ids tune, even ids
report. Every document's text goes through the pipeline; each gold sentence is located in
the text by searching the sentence strings in order, and an event belongs to the sentence
that holds the first character of its trigger.

Decisions:

- **police actor**: an event's actor (its words or its resolved name) matches
  :data:`POLICE` (police, policemen, cops, constables, officers, RAF, SRP, CRPF, …).
- **ARREST**: an ``Arrests`` event, or an event whose trigger is an arrest word (ACLED
  codes "police arrested protesters" as a Protest with intervention), whose actor is
  police or unnamed ("were arrested": arrests are police work in this corpus).
- **FORCE**: a violent event (Battles, Explosions/Remote violence, Violence against
  civilians, Riots, Excessive force against protesters, Protest with intervention unless
  its trigger is an arrest) whose actor is police.
- **KILL**: a FORCE event with fatalities, or a FORCE event and a fatal event (fatalities,
  or a trigger such as killed, died, shot dead) in the same sentence.
- **FAIL**: the extractor has no "inaction" events, so FAIL is a lexicon rule on the
  sentence: an inaction cue (:data:`INACTION`) and a police word in the same sentence.
- **ANY_ACTION**: ARREST or FORCE, or any event whose actor is police.

Keyword baseline: a police word and an action keyword (:data:`BASELINE_ACTIONS`) in the
same sentence; ANY_ACTION is a police word alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from crosscheck.clean import OffsetMap
from crosscheck.eval._run import run_pipeline
from crosscheck.eval.datasets import data_file, read_jsonl
from crosscheck.eval.events_metrics import prf
from crosscheck.records import Event

__all__ = ["LABELS", "baseline_labels", "evaluate_police", "event_labels", "is_police",
           "read_police", "sentence_spans"]

LABELS = ("KILL", "ARREST", "FORCE", "FAIL", "ANY_ACTION")

#: Words that name the police (and the armed police units deployed in Gujarat in 2002).
POLICE = re.compile(
    r"\b(?:police\w*|cops?|constab\w*|officers?|inspectors?|sub-inspectors?|"
    r"commissioners? of police|raf|rapid action force|srp|state reserve police|crpf|bsf|"
    r"home ?guards?|jawans?|s\.?p\.?|ssp|dsp|dcp|acp|dgp|igp|stf|ats|crime branch|"
    r"security (?:forces|personnel)|law enforcers?)\b", re.IGNORECASE)
#: Cues of police inaction (FAIL): not acting, failing, arriving late, looking on.
INACTION = re.compile(
    r"\b(?:mute|silent|passive|helpless) (?:spectators?|onlookers?|role)|\bspectators?\b|"
    r"\b(?:did ?n[o']t|do ?n[o']t|does ?n[o']t|could ?n[o']t|would ?n[o']t|have ?n[o']t|"
    r"has ?n[o']t|had ?n[o']t|were ?n[o']t|was ?n[o']t|not|never|refus\w*|fail\w*|unable) "
    r"(?:to )?(?:\w+ ){0,3}(?:interven\w*|act\b|acting|action|stop\w*|prevent\w*|"
    r"control\w*|contain\w*|check\w*|protect\w*|help\w*|respond\w*|arrive\w*|come|came|"
    r"react\w*|register\w*|record\w*|provide\w*|take|taking|arrest\w*|move|avert\w*|"
    r"deploy\w*|security|escort\w*)|\bfailure\b|\binaction\w*|\bno action\b|"
    r"\b(?:blind|deaf) (?:eye|ear)\b|\blooked (?:on|the other way)\b|"
    r"\bstood (?:by|and watched)\b|\bnowhere (?:in|to be) (?:sight|seen|found)\b|"
    r"\bdid nothing\b|\bdoing nothing\b|\bconniv\w*|\bcomplicit\w*|\bhand-in-glove\b|"
    r"\bpartisan\b|\bat a loss\b|\bin (?:the |their |his )?presence\b|\babsence\b|"
    r"\bsluggish\w*|\bslack\w*|\blax\b|\bnegligen\w*|\binadequate\b|\bindifferen\w*|"
    r"\btwiddl\w*|\blet (?:\w+ ){0,2}down\b|\bscot-free\b|\bfree hand\b|"
    r"\bno (?:police|security|protection)\b|\bwithout (?:any )?(?:police|security)\b|"
    r"\bdelay\w*", re.IGNORECASE)
#: A death named by an event's trigger.
FATAL = re.compile(r"\b(?:kill\w*|died|dead|death\w*|shot dead|lynch\w*|murder\w*|"
                   r"massacre\w*|toll)\b", re.IGNORECASE)
#: An arrest named by an event's trigger.
ARRESTED = re.compile(r"\b(?:arrest\w*|detain\w*|detention|custody|apprehend\w*)\b",
                      re.IGNORECASE)
VIOLENT_TYPES = frozenset({"battles", "explosions/remote violence",
                           "violence against civilians", "riots"})
VIOLENT_SUBTYPES = frozenset({"excessive force against protesters",
                              "protest with intervention"})
#: Keyword baseline: an action keyword per label, with a police word in the sentence.
BASELINE_ACTIONS = {
    "KILL": re.compile(r"\b(?:kill\w*|shot dead|died|dead)\b", re.IGNORECASE),
    "ARREST": re.compile(r"\b(?:arrest\w*|detain\w*|nabbed|rounded up)\b", re.IGNORECASE),
    "FORCE": re.compile(r"\b(?:fired|firing|opened fire|lathi\w*|tear ?-?gas\w*|baton\w*|"
                        r"kill\w*|shot|beat\w*)\b", re.IGNORECASE),
    "FAIL": re.compile(r"\b(?:failed|did not|didn't|mute|spectators?|inaction|no action)\b",
                       re.IGNORECASE),
}


def read_police(data_dir: Path, half: str) -> list[dict[str, Any]]:
    """The documents of one half (``reporting``: even doc_id, ``tuning``: odd)."""
    parity = 0 if half == "reporting" else 1
    path = data_file(data_dir, "india_police_events", "docs.jsonl")
    return [r for r in read_jsonl(path) if int(r["doc_id"]) % 2 == parity]


def sentence_spans(text: str, sentences: Sequence[str]) -> list[tuple[int, int] | None]:
    """Each sentence's character span in ``text``, found by searching the sentence
    strings in order (then their stripped form); None for one that is not found."""
    spans: list[tuple[int, int] | None] = []
    pos = 0
    for sentence in sentences:
        start = text.find(sentence, pos) if sentence else -1
        end = start + len(sentence)
        if start < 0:
            stripped = sentence.strip()
            start = text.find(stripped, pos) if stripped else -1
            end = start + len(stripped)
        if start < 0:
            spans.append(None)
            continue
        spans.append((start, end))
        pos = end
    return spans


def is_police(event: Event) -> bool:
    actor = event.actor
    if actor is None:
        return False
    return bool(POLICE.search(actor.text) or (actor.name and POLICE.search(actor.name)))


def _violent(event: Event) -> bool:
    """Force or violence: an arrest that ends a protest is not (unless typed violent)."""
    if event.event_type.lower() in VIOLENT_TYPES:
        return True
    return (event.sub_event_type.lower() in VIOLENT_SUBTYPES
            and not ARRESTED.search(event.trigger.text))


def _fatal(event: Event) -> bool:
    return bool(event.fatalities) or bool(FATAL.search(event.trigger.text))


def event_labels(events: Sequence[Event], sentence: str) -> set[str]:
    """Our labels for one sentence from the events whose trigger lies in it."""
    labels: set[str] = set()
    force = [e for e in events if _violent(e) and is_police(e)]
    if force:
        labels.add("FORCE")
        if any(_fatal(e) for e in events):
            labels.add("KILL")
    if any((e.sub_event_type.lower().startswith("arrest") or ARRESTED.search(e.trigger.text))
           and (e.actor is None or is_police(e)) for e in events):
        labels.add("ARREST")
    if INACTION.search(sentence) and POLICE.search(sentence):
        labels.add("FAIL")
    if labels - {"FAIL"} or any(is_police(e) for e in events):
        labels.add("ANY_ACTION")
    return labels


def baseline_labels(sentence: str) -> set[str]:
    """The keyword baseline for one sentence."""
    if not POLICE.search(sentence):
        return set()
    labels = {label for label, pattern in BASELINE_ACTIONS.items() if pattern.search(sentence)}
    return labels | {"ANY_ACTION"}


def _by_sentence(events: Iterable[Event], offsets: OffsetMap,
                 spans: Sequence[tuple[int, int] | None]) -> list[list[Event]]:
    located = [(s, i) for i, s in enumerate(spans) if s is not None]
    starts = [s[0] for s, _i in located]
    out: list[list[Event]] = [[] for _ in spans]
    for event in events:
        raw_start, _end = offsets.raw_span(event.trigger.start, event.trigger.end)
        k = bisect_right(starts, raw_start) - 1
        if k >= 0 and raw_start < located[k][0][1]:
            out[located[k][1]].append(event)
    return out


def _score(pred: list[set[str]], gold: list[set[str]]) -> dict[str, Any]:
    out = {}
    for label in LABELS:
        tp = sum(1 for p, g in zip(pred, gold, strict=True) if label in p and label in g)
        n_pred = sum(1 for p in pred if label in p)
        n_gold = sum(1 for g in gold if label in g)
        out[label] = prf(tp, n_pred, tp, n_gold)
    return out


def evaluate_police(data_dir: Path, half: str = "reporting", *, model: str,
                    limit: int | None = None) -> dict[str, Any]:
    """Sentence-level P/R/F1 per label, ours beside the keyword baseline."""
    records = read_police(data_dir, half)
    total = len(records)
    if limit:
        records = records[:limit]
    by_id = {str(r["doc_id"]): r for r in records}
    gold: list[set[str]] = []
    ours: list[set[str]] = []
    base: list[set[str]] = []
    unmapped = 0
    for doc_id, _article, offsets, extraction in run_pipeline(
            ((str(r["doc_id"]), r["text"], r.get("date")) for r in records), model):
        record = by_id[doc_id]
        texts = [s["text"] for s in record["sentences"]]
        spans = sentence_spans(record["text"], texts)
        unmapped += spans.count(None)
        events = _by_sentence(extraction.events, offsets, spans)
        for sentence, found in zip(record["sentences"], events, strict=True):
            gold.append(set(sentence["labels"]))
            ours.append(event_labels(found, sentence["text"]))
            base.append(baseline_labels(sentence["text"]))
    return {
        "dataset": "india_police_events",
        "split": f"{half} half ({'even' if half == 'reporting' else 'odd'} doc_id)",
        "documents": len(records),
        "documents in half": total,
        "sentences": len(gold),
        "crosscheck": _score(ours, gold),
        "keyword baseline (same run)": _score(base, gold),
        "notes": {
            "sentences not found in text": unmapped,
            "FAIL": "a lexicon rule (inaction cue + police word), not an extracted event",
            "published": "Halterman et al. 2021 report zero-shot RoBERTa-MNLI sentence "
                         "classification; the data README quotes no numbers",
        },
    }
