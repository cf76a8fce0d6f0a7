"""Stories: articles about one developing event, clustered incrementally.

Each story keeps a centroid: the sum of its members' TF-IDF term vectors and of their
entity vectors (entity keys from extraction, weighted by rarity), each cut to its heaviest
keys so that a story's state stays small however large it grows; beside it, the number of
members mentioning each entity and its members' publication dates. A new
article is compared only with the candidate stories that blocking returns (stories that
share one of its rarest entity keys or heaviest terms and have a member within the time
window of its date); it joins the most similar one when the similarity reaches the
threshold, otherwise it opens a new story. Nothing is reclustered.

similarity = (w * cos(terms, story terms) + (1 - w) * cos(entities, story entities))
             * time factor

where the time factor is 1 within ``grace_days`` of the story's span and falls linearly to
``1 - time_decay`` at ``window_days``; an undated article, or a story with no dated
member, takes no time penalty. When either side has no entities the text cosine alone
counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from crosscheck.link._config import LinkConfig

__all__ = ["ArticleFeatures", "StoryState", "day_distance", "label_keys", "make_label",
           "rank_candidates", "similarity", "time_factor"]


@dataclass(slots=True)
class ArticleFeatures:
    """What story clustering knows of one article (no text, no parse)."""

    id: str
    published: str | None
    terms: dict[str, float]  # L2-normalised TF-IDF, top terms
    entities: dict[str, float]  # L2-normalised, rarity-weighted entity keys
    block_keys: list[tuple[str, float]]  # ('t:' + term | entity key, idf) for blocking
    event_types: Counter[str] = field(default_factory=Counter)


_VAGUE_TYPES = ("NORP", "GROUP")


@lru_cache(maxsize=4096)
def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()


def day_distance(day: str, start: str | None, end: str | None) -> int:
    """Days from ``day`` to the span ``start..end`` (0 inside it)."""
    if start is None or end is None:
        return 0
    d = _ordinal(day)
    lo, hi = _ordinal(start), _ordinal(end)
    if d < lo:
        return lo - d
    return d - hi if d > hi else 0


@dataclass(slots=True)
class StoryState:
    """A story's centroid and dates, as loaded from the store and updated in memory."""

    id: str
    label: str = ""
    size: int = 0  # members that add features (near copies do not)
    articles: int = 0  # members, near copies included
    terms: dict[str, float] = field(default_factory=dict)  # centroid, heaviest terms
    entities: dict[str, float] = field(default_factory=dict)  # centroid, heaviest keys
    days: Counter[str] = field(default_factory=Counter)
    event_types: Counter[str] = field(default_factory=Counter)
    new: bool = False
    undated: int = 0  # members with no publication date (their dates are estimated)
    stored: tuple[int, str | None] = (0, None)  # undated members and median when loaded
    #: added in this run, per entity key: [members mentioning it, centroid weight]
    entity_delta: dict[str, list[float]] = field(default_factory=dict)
    _norms: tuple[float, float] | None = None
    _span: tuple[str | None, str | None] | None = None

    @property
    def start(self) -> str | None:
        return self._get_span()[0]

    @property
    def end(self) -> str | None:
        return self._get_span()[1]

    def _get_span(self) -> tuple[str | None, str | None]:
        if self._span is None:
            self._span = (min(self.days), max(self.days)) if self.days else (None, None)
        return self._span

    def _dated(self, published: str | None) -> None:
        if published is None:
            self.undated += 1
            return
        lo, hi = self._get_span()
        self.days[published] += 1
        self._span = (published if lo is None else min(lo, published),
                      published if hi is None else max(hi, published))

    def median(self) -> str | None:
        """The median publication date of the dated members (the lower one when even)."""
        total = sum(self.days.values())
        if not total:
            return None
        seen = 0
        for day in sorted(self.days):
            seen += self.days[day]
            if 2 * seen >= total:
                return day
        return None  # pragma: no cover - unreachable

    def norms(self) -> tuple[float, float]:
        if self._norms is None:
            self._norms = (math.sqrt(sum(v * v for v in self.terms.values())),
                           math.sqrt(sum(v * v for v in self.entities.values())))
        return self._norms

    def add(self, article: ArticleFeatures, keep_terms: int, keep_entities: int) -> None:
        """Fold a member into the centroid (its dates and events too)."""
        self.size += 1
        self.articles += 1
        for term, weight in article.terms.items():
            self.terms[term] = self.terms.get(term, 0.0) + weight
        for key, weight in article.entities.items():
            self.entities[key] = self.entities.get(key, 0.0) + weight
            delta = self.entity_delta.setdefault(key, [0, 0.0])
            delta[0] += 1
            delta[1] += weight
        if len(self.terms) > 1.5 * keep_terms or len(self.entities) > 1.5 * keep_entities:
            self.trim(keep_terms, keep_entities)  # amortised: a sort every few members
        self._dated(article.published)
        self.event_types.update(article.event_types)
        self._norms = None

    def trim(self, keep_terms: int, keep_entities: int) -> None:
        """Keep the heaviest terms and entity keys of the centroid."""
        self.terms = _top(self.terms, keep_terms)
        self.entities = _top(self.entities, keep_entities)
        self._norms = None

    def add_copy(self, published: str | None) -> None:
        """A near copy joins: counted as an article, adds no features."""
        self.articles += 1
        self._dated(published)


def _top(weights: dict[str, float], keep: int) -> dict[str, float]:
    if len(weights) <= keep:
        return weights
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep])


def _cosine(vector: Mapping[str, float], centroid: Mapping[str, float], norm: float) -> float:
    if not norm:
        return 0.0
    return sum(w * centroid.get(k, 0.0) for k, w in vector.items()) / norm


def time_factor(published: str | None, story: StoryState, config: LinkConfig) -> float:
    if published is None or not story.days:
        return 1.0
    if story.start and day_distance(published, story.start, story.start) > config.max_span_days:
        return 0.0
    distance = day_distance(published, story.start, story.end)
    if distance <= config.grace_days:
        return 1.0
    if distance > config.window_days:
        return 0.0
    span = max(1, config.window_days - config.grace_days)
    return 1.0 - config.time_decay * min(1.0, (distance - config.grace_days) / span)


def similarity(article: ArticleFeatures, story: StoryState, config: LinkConfig) -> float:
    """How well ``article`` fits ``story``: 0 (nothing shared) to about 1."""
    term_norm, entity_norm = story.norms()
    text = _cosine(article.terms, story.terms, term_norm)
    if article.entities and story.entities:
        entities = _cosine(article.entities, story.entities, entity_norm)
        score = config.text_weight * text + (1.0 - config.text_weight) * entities
    else:
        score = text
    return score * time_factor(article.published, story, config)


def rank_candidates(article: ArticleFeatures, postings: Mapping[str, Iterable[str]],
                    spans: Mapping[str, tuple[str | None, str | None]], config: LinkConfig
                    ) -> list[str]:
    """Candidate stories of ``article`` from blocking: stories holding any of its block
    keys, within the time window of its date, best overlap (sum of the shared keys'
    rarity) first, at most ``max_candidates``."""
    overlap: dict[str, float] = {}
    for key, weight in article.block_keys:
        for story_id in postings.get(key, ()):
            overlap[story_id] = overlap.get(story_id, 0.0) + weight
    if article.published is not None:
        for story_id in list(overlap):
            start, end = spans.get(story_id, (None, None))
            if day_distance(article.published, start, end) > config.window_days:
                del overlap[story_id]
    ranked = sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0]))
    return [story_id for story_id, _w in ranked[:config.max_candidates]]


def label_keys(story: StoryState, n: int = 3) -> list[str]:
    """The entity keys a label names: heaviest first, nationalities and groups last."""
    ranked = sorted(story.entities.items(), key=lambda kv: (
        kv[0].split(":", 1)[0] in _VAGUE_TYPES, -kv[1], kv[0]))
    return [k for k, _w in ranked[:n]]


def make_label(story: StoryState, names: Mapping[str, str], places: Iterable[str] = ()
               ) -> str:
    """A short label: the story's most characteristic entities (highest centroid weight;
    nationalities and groups after named things, a place first when one is among them)
    and its most frequent event type, else its heaviest terms."""
    keys = label_keys(story)
    place_keys = set(places)
    keys.sort(key=lambda k: k not in place_keys)  # stable: places first
    parts = [names.get(k) or k.split(":", 1)[-1].title() for k in keys]
    if not parts:
        terms = sorted(story.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        parts = [t for t, _w in terms]
    label = ", ".join(dict.fromkeys(parts)) or "(untitled)"
    typed = [(n, t) for t, n in story.event_types.items() if t.casefold() != "other"]
    if typed:
        _n, event = max(typed)
        label += f": {event.lower()}"
    return label
