"""Stance of an article body towards a claim: agree, disagree, discuss or unrelated.

A claim is a headline or a statement's text with its extraction; the body is another
article's analysed text with its extraction. Nothing is re-parsed and nothing is learned:

* **related** — the share of the claim's content terms (lower-cased, lightly stemmed,
  stop words dropped) that the body holds, each weighted by its rarity over a set of
  bodies (:class:`Rarity`, document frequencies only: no labels), plus a bonus per entity
  key the two extractions share;
* **disagree** — refuting words (``data/stance.toml``: hoax, fake, debunked, not true…)
  in the body's sentences about the claim, body statements with stance ``denies`` and
  events with status ``denied`` about the claim;
* **discuss** — the body attributes the claim rather than stating it: hedges
  (reportedly, claims, according to, unconfirmed…), attributed statements and events
  with status ``claimed`` about the claim;
* **agree** — the body states or confirms it: confirming words in its sentences about
  the claim, outweighing the hedges, or a body that repeats the claim nearly word for word.

A claim that itself refutes something ("…is a hoax") agrees with a body that refutes it.

    label, score = claim_stance(claim, claim_text, body, body_text, rarity=rarity)
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from crosscheck.link._text import STOP_WORDS, words
from crosscheck.records import Extraction

__all__ = ["STANCES", "Rarity", "StanceEvidence", "StanceRules", "claim_stance",
           "content_terms", "decide", "load_stance_rules", "rules_from", "stance_evidence"]

STANCES = ("agree", "disagree", "discuss", "unrelated")
_ORIGIN = "crosscheck/link/data/stance.toml"
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
_ATTRIBUTED_KINDS = ("direct", "indirect", "partial")
#: headline words that carry no claim (besides the linking stop words)
_EXTRA_STOP = frozenset(("new", "news", "video", "photo", "photos", "image", "images",
                         "watch", "breaking", "exclusive", "update", "updated"))


@dataclass(frozen=True, slots=True)
class StanceRules:
    """The compiled word lists and thresholds of ``data/stance.toml``."""

    version: str
    refute: re.Pattern[str]
    strong: re.Pattern[str]
    hedge: re.Pattern[str]
    confirm: re.Pattern[str]
    related: float
    entity_bonus: float
    lead_sentences: int
    lead_weight: float
    sentence_overlap: float
    statement_overlap: float
    disagree: float
    agree: float
    strong_overlap: float


def _compile(section: str, phrases: Any) -> re.Pattern[str]:
    if not isinstance(phrases, list) or not phrases:
        raise ValueError(f"{_ORIGIN}: [{section}] phrases is missing or empty")
    parts = []
    for phrase in phrases:
        if not isinstance(phrase, str) or not phrase.strip("* "):
            raise ValueError(f"{_ORIGIN}: [{section}] has an empty or non-text phrase")
        stem = re.escape(phrase.rstrip("*").strip()).replace(r"\ ", r"\s+")
        parts.append(stem + (r"\w*" if phrase.endswith("*") else ""))
    parts.sort(key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def rules_from(data: dict[str, Any]) -> StanceRules:
    """Validate and compile rule data shaped like ``data/stance.toml``."""
    if not isinstance(data.get("version"), str) or not data["version"]:
        raise ValueError(f"{_ORIGIN}: missing 'version'")
    numbers = data.get("rules", {})
    values: dict[str, float] = {}
    for key in ("related", "entity_bonus", "lead_sentences", "lead_weight",
                "sentence_overlap", "statement_overlap", "disagree", "agree",
                "strong_overlap"):
        value = numbers.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{_ORIGIN}: [rules] {key} must be a number >= 0")
        values[key] = float(value)
    for key in ("related", "sentence_overlap", "statement_overlap"):
        if not 0 < values[key] <= 1:
            raise ValueError(f"{_ORIGIN}: [rules] {key} must lie in (0, 1]")
    return StanceRules(
        version=data["version"],
        refute=_compile("refute", data.get("refute", {}).get("phrases")),
        strong=_compile("refute", data.get("refute", {}).get("strong")),
        hedge=_compile("hedge", data.get("hedge", {}).get("phrases")),
        confirm=_compile("confirm", data.get("confirm", {}).get("phrases")),
        related=values["related"], entity_bonus=values["entity_bonus"],
        lead_sentences=int(values["lead_sentences"]), lead_weight=values["lead_weight"],
        sentence_overlap=values["sentence_overlap"],
        statement_overlap=values["statement_overlap"], disagree=values["disagree"],
        agree=values["agree"], strong_overlap=values["strong_overlap"])


@lru_cache(maxsize=1)
def load_stance_rules() -> StanceRules:
    """The packaged rules (read and compiled once); ValueError naming the file if bad."""
    try:
        text = resources.files("crosscheck.link").joinpath("data/stance.toml").read_text(
            encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{_ORIGIN}: {exc}") from None
    return rules_from(data)


# -- terms ---------------------------------------------------------------------------------

def _stem(word: str) -> str:
    """A light suffix stripper: the same stem for a word's plural and verb forms."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for suffix, keep in (("ing", 5), ("ed", 5), ("es", 5)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep - 2 and len(word) > keep:
            base = word[: -len(suffix)]
            if suffix == "es" and not base.endswith(("s", "x", "ch", "sh", "z")):
                return base + "e" if not base.endswith("e") else base
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # stopped -> stop, running -> run
            return base
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def _term(word: str) -> str | None:
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 3 or word in STOP_WORDS or word in _EXTRA_STOP:
        return None
    if not word.isalpha():
        return word if word.isalnum() and any(c.isalpha() for c in word) else None
    return _stem(word)


def content_terms(text: str) -> list[str]:
    """The content terms of ``text`` in order: lower-cased, stop words dropped, stemmed."""
    return [t for t in map(_term, words(text)) if t is not None]


class Rarity:
    """Term weights from document frequencies over a set of texts (a smoothed IDF).

    Only the texts are read — never labels — so it can be estimated on the very bodies
    being judged. Unseen terms weigh as much as the rarest seen term."""

    __slots__ = ("df", "n")

    def __init__(self, df: Counter[str] | None = None, n: int = 0) -> None:
        self.df: Counter[str] = df if df is not None else Counter()
        self.n = n

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Rarity:
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(set(content_terms(text)))
            n += 1
        return cls(df, n)

    def weight(self, term: str) -> float:
        if not self.n:
            return 1.0
        return math.log((self.n + 1) / (self.df.get(term, 0) + 0.5))


# -- evidence ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StanceEvidence:
    """What the decision rests on: relatedness in [0, 1] and evidence weights."""

    related: float
    refute: float
    hedge: float
    confirm: float
    claim_refutes: bool
    sentences: int  # body sentences about the claim


@dataclass(frozen=True, slots=True)
class _BodyView:
    terms: frozenset[str]
    sentences: tuple[tuple[int, int, frozenset[str]], ...]


@lru_cache(maxsize=256)
def _body_view(text: str) -> _BodyView:
    sentences = []
    every: set[str] = set()
    for m in _SENTENCE.finditer(text):
        terms = frozenset(content_terms(m.group()))
        if terms:
            sentences.append((m.start(), m.end(), terms))
            every |= terms
    return _BodyView(frozenset(every), tuple(sentences))


def _share(weights: dict[str, float], total: float, terms: Iterable[str]) -> float:
    return sum(weights.get(t, 0.0) for t in set(terms)) / total if total else 0.0


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))


def stance_evidence(claim: Extraction, claim_text: str, body: Extraction, body_text: str,
                    *, rarity: Rarity | None = None, rules: StanceRules | None = None
                    ) -> StanceEvidence:
    """The evidence :func:`claim_stance` decides on (see the module)."""
    rules = rules or load_stance_rules()
    rarity = rarity or Rarity()
    weights = {t: rarity.weight(t) for t in set(content_terms(claim_text))}
    total = sum(weights.values())
    view = _body_view(body_text)
    shared_keys = ({m.entity_key for m in claim.mentions}
                   & {m.entity_key for m in body.mentions})
    related = min(1.0, _share(weights, total, view.terms)
                  + rules.entity_bonus * len(shared_keys))
    claim_refutes = (rules.refute.search(claim_text) is not None
                     or any(s.stance == "denies" for s in claim.statements))
    if related < rules.related:
        return StanceEvidence(related, 0.0, 0.0, 0.0, claim_refutes, 0)

    refute = hedge = confirm = 0.0
    about = 0
    for index, (start, end, terms) in enumerate(view.sentences):
        if _share(weights, total, terms) < rules.sentence_overlap:
            continue
        about += 1
        scale = rules.lead_weight if index < rules.lead_sentences else 1.0
        sentence = body_text[start:end]
        refute += scale * (_count(rules.refute, sentence) + _count(rules.strong, sentence))
        hedge += scale * _count(rules.hedge, sentence)
        confirm += scale * _count(rules.confirm, sentence)
    for statement in body.statements:
        if _share(weights, total, content_terms(statement.content.text)
                  ) < rules.statement_overlap:
            continue
        if statement.stance == "denies":
            refute += 1.0
        elif statement.kind in _ATTRIBUTED_KINDS or statement.kind == "unattributed":
            hedge += 0.5
    for event in body.events:
        if _share(weights, total, content_terms(event.evidence.text)) < rules.statement_overlap:
            continue
        if event.status == "denied":
            refute += 1.0
        elif event.status == "claimed":
            hedge += 0.5
        elif event.status == "reported":
            confirm += 0.5
    return StanceEvidence(related, refute, hedge, confirm, claim_refutes, about)


def decide(evidence: StanceEvidence, rules: StanceRules | None = None) -> tuple[str, float]:
    """The stance and a score in [0, 1] (how far the evidence clears its threshold)."""
    rules = rules or load_stance_rules()
    if evidence.related < rules.related:
        return "unrelated", round(1.0 - evidence.related / rules.related, 3)
    if evidence.refute >= rules.disagree:
        score = round(1.0 - rules.disagree / (evidence.refute + 1.0), 3)
        return ("agree" if evidence.claim_refutes else "disagree"), max(score, 0.0)
    lead = evidence.confirm - evidence.hedge
    if lead >= rules.agree or (evidence.related >= rules.strong_overlap
                               and evidence.hedge < rules.agree):
        return "agree", round(min(1.0, evidence.related), 3)
    return "discuss", round(min(1.0, evidence.hedge / (evidence.hedge + evidence.confirm + 1)),
                            3)


def claim_stance(claim: Extraction, claim_text: str, body: Extraction, body_text: str, *,
                 rarity: Rarity | None = None, rules: StanceRules | None = None
                 ) -> tuple[str, float]:
    """Whether ``body`` agrees with, disagrees with, discusses or is unrelated to the
    claim (a headline or statement text and its extraction), with a score in [0, 1].

    ``body_text`` is the text ``body``'s spans point into (the article's analysed text);
    ``rarity`` weighs terms (estimate it on the bodies at hand with
    :meth:`Rarity.from_texts`; without it every term weighs the same)."""
    rules = rules or load_stance_rules()
    return decide(stance_evidence(claim, claim_text, body, body_text, rarity=rarity,
                                  rules=rules), rules)
