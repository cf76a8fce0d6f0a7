"""Linking a batch: near duplicates first, then stories, chunk by chunk.

Articles are linked in publication order (undated ones last, so that they meet the stories
their dated peers built), in chunks; each chunk costs a fixed number of queries (texts,
facts, LSH buckets, document frequencies, story postings, candidate stories) and is
written in one transaction, so a killed run keeps every committed chunk.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from crosscheck.link._config import LINK_VERSION, LinkConfig
from crosscheck.link._text import idf, normalise, term_counts, tfidf, words
from crosscheck.link.claims import ClaimReport, update_claims
from crosscheck.link.dedup import Match, Signer, find_near_duplicates
from crosscheck.link.entities import resolve_article_entities, resolve_entities
from crosscheck.link.sources import default_registry
from crosscheck.link.stories import (
    ArticleFeatures,
    StoryState,
    label_keys,
    make_label,
    rank_candidates,
    similarity,
)
from crosscheck.store import Store
from crosscheck.store.links import ARTICLES_KEY, LinkWrite, StoryRow

__all__ = ["LinkReport", "link_articles", "relink"]

_PLACE_TYPES = ("GPE", "LOC", "FAC")


@dataclass(slots=True)
class LinkReport:
    """What a linking run did. ``comparisons``: article-to-story similarities computed
    (bounded by ``max_candidates`` per article: never all pairs)."""

    selected: int = 0
    linked: int = 0
    duplicates: int = 0
    stories_opened: int = 0
    joined: int = 0
    estimated_dates: int = 0
    comparisons: int = 0
    duplicate_comparisons: int = 0
    seconds: float = 0.0
    version: str = LINK_VERSION
    entity_keys: int = 0  # entity keys resolved across articles and spellings
    #: claims and figure series recomputed for the stories that changed
    claims: ClaimReport | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Doc:
    id: str
    title: str | None
    published: str | None
    tokens: list[str]
    title_words: int
    signature: np.ndarray | None
    buckets: list[int]


def link_articles(store: Store, article_ids: Sequence[str], *,
                  config: LinkConfig | None = None,
                  on_progress: Callable[[LinkReport], None] | None = None) -> LinkReport:
    """Link ``article_ids`` (those not linked yet) into the store's duplicates and stories
    incrementally: each joins an existing story or opens one; nothing else is redone.

    Call it after every processed batch (it needs the articles' entity mentions)."""
    config = config or LinkConfig()
    started = time.perf_counter()
    ids = store.unlinked_ids(list(article_ids))
    report = LinkReport(selected=len(ids))
    signer = Signer(config)
    ordered = store.link_order(ids) if ids else []
    for start in range(0, len(ordered), config.chunk_size):
        chunk = ordered[start:start + config.chunk_size]
        rows = {r["id"]: r for r in store.link_inputs(chunk)}  # texts: one chunk at a time
        _link_chunk(store, [rows[i] for i in chunk], config, signer, report)
        if on_progress is not None:
            on_progress(report)
    # every story changed since its claims were computed (this run's, and those a killed
    # run left behind) gets its claims and series again
    report.claims = update_claims(store)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def relink(store: Store, *, since: str | None = None, everything: bool = False,
           config: LinkConfig | None = None,
           on_progress: Callable[[LinkReport], None] | None = None) -> LinkReport:
    """``crosscheck link``: link every processed article not linked yet; with ``since``,
    first undo and redo the links of articles dated on or after it (with the other
    members of their stories); with ``everything``, rebuild all links from scratch."""
    config = config or LinkConfig()
    if everything:
        store.clear_claims()
        store.clear_links()
        resolve_entities(store)
    elif since is not None:
        redo = store.relink_ids(since)
        if redo:
            store.lower_df(_df_counts(store, redo))
            store.unlink(redo)
    return link_articles(store, store.unlinked_ids(), config=config, on_progress=on_progress)


def _df_counts(store: Store, ids: Sequence[str]) -> Counter[str]:
    """The document-frequency contributions of linked articles (near copies add none)."""
    copies = store.copy_members(ids)
    counts: Counter[str] = Counter()
    size = LinkConfig().chunk_size
    for start in range(0, len(ids), size):
        chunk = [i for i in ids[start:start + size] if i not in copies]
        mentions, _events = _canonical_facts(store, chunk)
        for row in store.link_inputs(chunk):
            counts[ARTICLES_KEY] += 1
            counts.update({"t:" + t for t in term_counts(words(row["text"]))})
            counts.update({key for key, _start in mentions.get(row["id"], ())})
    return counts


def _link_chunk(store: Store, rows: list[dict[str, Any]], config: LinkConfig, signer: Signer,
                report: LinkReport) -> None:
    write = LinkWrite()
    docs = []
    for row in rows:
        tokens = words(row["text"])
        signature = signer.signature(tokens)
        docs.append(_Doc(row["id"], row["title"], row["published"], tokens,
                         len(words(row["title"] or "")), signature,
                         signer.buckets(signature) if signature is not None else []))
        if signature is not None:
            write.signatures.append({"article_id": row["id"], "version": LINK_VERSION,
                                     "signature": signer.to_bytes(signature)})
            write.buckets.extend({"bucket": b, "article_id": row["id"]}
                                 for b in dict.fromkeys(docs[-1].buckets))

    # 1. near duplicates, against the stored LSH index and earlier articles of the chunk
    matches, compared = find_near_duplicates(
        [(d.id, d.signature, d.buckets) for d in docs], store.lsh_candidates,
        config.duplicate_threshold)
    report.duplicate_comparisons += compared
    matched = _choose_canonicals(store, docs, matches, write)
    report.duplicates += len(matched)
    # a copy joins its canonical's story and adds no features; one whose canonical is in
    # no story (not linked yet) is linked like any article
    in_chunk = {d.id for d in docs}
    canonical_story = store.story_of(set(matched.values()) - in_chunk)
    copy_of = {a: c for a, c in matched.items() if c in in_chunk or c in canonical_story}

    # 2. one entity across spellings: every key the chunk mentions is (re)resolved with the
    # stored keys of its blocks (incremental equals a full rebuild); features then count
    # corpus-wide entities, so "Kostiantynivka" and "Kostyantynivka" are one place
    report.entity_keys += resolve_article_entities(store, [d.id for d in docs]).keys
    found_mentions, events = _canonical_facts(store, [d.id for d in docs])

    # 3. document frequencies, then each article's vectors and blocking keys
    counts = {d.id: term_counts(d.tokens, d.title_words, config.title_boost) for d in docs}
    mentions = {d.id: _entity_counts(found_mentions.get(d.id, ()), len(d.title or ""),
                                     config.title_boost) for d in docs}
    for d in docs:
        if d.id not in copy_of:
            write.df[ARTICLES_KEY] += 1
            write.df.update({"t:" + t for t in counts[d.id]})
            write.df.update(set(mentions[d.id]))
    df = store.link_df(write.df)
    for key, n in write.df.items():
        df[key] = df.get(key, 0) + n
    n_docs = df.get(ARTICLES_KEY, 0)
    rare = max(config.rare_min, int(config.rare_fraction * n_docs))
    features = {d.id: _features(d, counts[d.id], mentions[d.id], events.get(d.id, Counter()),
                                df, n_docs, rare, config)
                for d in docs if d.id not in copy_of}

    # 4. candidate stories from blocking, loaded in one go
    postings: dict[str, set[str]] = {}
    spans: dict[str, tuple[str | None, str | None]] = {}
    dated = sorted(d.published for d in docs if d.published)
    keys_dated = {k for f in features.values() if f.published for k, _w in f.block_keys}
    keys_undated = {k for f in features.values() if not f.published for k, _w in f.block_keys}
    found = []
    if keys_dated:
        found += store.story_postings(sorted(keys_dated), _shift(dated[0], -config.window_days),
                                      _shift(dated[-1], config.window_days), config.per_key)
    if keys_undated:
        found += store.story_postings(sorted(keys_undated), None, None, config.per_key)
    for key, story_id, start, end in found:
        postings.setdefault(key, set()).add(story_id)
        spans[story_id] = (start, end)
    wanted = {s for f in features.values() for s in rank_candidates(f, postings, spans, config)}
    wanted.update(canonical_story.values())
    states = {sid: _state(row) for sid, row in store.load_stories(wanted).items()}

    # 5. assignment, in publication order
    story_of: dict[str, str] = {}
    touched: set[str] = set()
    for d in docs:
        canonical = copy_of.get(d.id)
        if canonical is not None:
            story_id = story_of.get(canonical) or canonical_story[canonical]
            states[story_id].add_copy(d.published)
            _member(write, d, story_id, None, canonical)
        else:
            feats = features[d.id]
            story_id, score = _assign(feats, postings, spans, states, store, config, report)
            state = states[story_id]
            state.add(feats, config.story_terms, config.story_entities)
            for key, _w in feats.block_keys:
                postings.setdefault(key, set()).add(story_id)
            spans[story_id] = (state.start, state.end)
            _member(write, d, story_id, score, None)
        story_of[d.id] = story_id
        touched.add(story_id)
    report.linked += len(docs)

    # 6. touched stories: dates, estimated dates of undated members, labels; then write
    top_keys = {k for sid in touched for k in label_keys(states[sid])}
    names = store.entity_names(top_keys)
    medians: dict[str, str | None] = {}
    places = {k for k in top_keys if k.split(":", 1)[0] in _PLACE_TYPES}  # keys: TYPE:name
    for sid in sorted(touched):
        state = states[sid]
        state.trim(config.story_terms, config.story_entities)
        state.label = make_label(state, names, places)
        write.stories.append(_story_row(state))
        if state.new:
            write.new_stories.add(sid)
        write.story_terms[sid] = {t: round(w, 5) for t, w in state.terms.items()}
        write.story_entities.extend(
            {"story_id": sid, "entity_key": k, "articles": int(n), "weight": round(w, 5)}
            for k, (n, w) in sorted(state.entity_delta.items()))
        median = state.median()
        medians[sid] = median
        stored_undated, stored_median = state.stored
        if stored_undated and median != stored_median:  # only then do stored ones move
            write.medians[sid] = median
    for member in write.members:
        if member["date_estimated"]:
            member["date"] = medians[member["story_id"]]
            report.estimated_dates += member["date"] is not None
    store.save_links(write)


def _canonical_facts(store: Store, ids: Sequence[str]
                     ) -> tuple[dict[str, list[tuple[str, int]]], dict[str, Counter[str]]]:
    """:meth:`Store.link_facts` with every entity key replaced by its corpus-wide entity."""
    mentions, events = store.link_facts(ids)
    canonical = store.canonical_keys({k for found in mentions.values() for k, _s in found})
    return ({a: [(canonical.get(k, k), start) for k, start in found
                 if not names_an_outlet(canonical.get(k, k))]
             for a, found in mentions.items()}, events)


@lru_cache(maxsize=200_000)
def names_an_outlet(key: str) -> bool:
    """Whether an entity key is the name of a registered outlet ("Censor" of Censor.NET,
    "Ukrinform") or a piece of a web address ("NET"): a byline or credit, not what the
    story is about."""
    name = key.split(":", 1)[-1]
    return name in _DOMAIN_WORDS or default_registry().lookup(name) is not None


#: top-level domains that the tagger takes for names when a credit reads "Censor.NET"
_DOMAIN_WORDS = frozenset({"net", "com", "org", "info", "ua", "ru", "by", "uk", "co.uk"})


def _entity_counts(mentions: Iterable[tuple[str, int]], title_end: int, title_boost: int
                   ) -> Counter[str]:
    """Mentions per entity key; one in the title counts ``title_boost`` times."""
    counts: Counter[str] = Counter()
    for key, start in mentions:
        counts[key] += title_boost if start < title_end else 1
    return counts


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def _choose_canonicals(store: Store, docs: list[_Doc], matches: list[Match], write: LinkWrite
                       ) -> dict[str, str]:
    """Copy -> the article whose features it shares, for this chunk's near copies.

    The canonical article is the earliest published (the first linked among equals). A
    new article published before a stored canonical takes its place: the stored one and
    its copies are recorded as copies of the new one (which still joins the stored one's
    story without adding features: they are the same text)."""
    in_chunk = {d.id for d in docs}
    published = {d.id: d.published for d in docs}
    published.update(store.published_of(m.canonical_id for m in matches
                                        if m.canonical_id not in in_chunk))
    replaced: dict[str, str] = {}
    copy_of: dict[str, str] = {}
    now = datetime.now(UTC)
    for m in matches:
        canonical = replaced.get(m.canonical_id, m.canonical_id)
        mine, theirs = published.get(m.article_id), published.get(canonical)
        if canonical not in in_chunk and mine and (theirs is None or mine < theirs):
            write.repoint.append((canonical, m.article_id))
            write.duplicates.append(_dup_row(canonical, m.article_id, m.similarity, now))
            replaced[canonical] = m.article_id
        else:
            write.duplicates.append(_dup_row(m.article_id, canonical, m.similarity, now))
        copy_of[m.article_id] = canonical
    return copy_of


def _dup_row(article_id: str, canonical_id: str, similarity: float, now: datetime
             ) -> dict[str, Any]:
    return {"article_id": article_id, "canonical_id": canonical_id, "similarity": similarity,
            "method": "minhash", "linked_at": now}


def _features(d: _Doc, counts: Counter[str], mentions: Counter[str], events: Counter[str],
              df: dict[str, int], n_docs: int, rare: int, config: LinkConfig
              ) -> ArticleFeatures:
    terms = tfidf(counts, df, n_docs, config.article_terms)
    entities = normalise({k: (1.0 + math.log(c)) * idf(df.get(k, 1), n_docs)
                          for k, c in mentions.items()})
    rare_entities = sorted((k for k in mentions if df.get(k, 1) <= rare),
                           key=lambda k: (df.get(k, 1), k))[:config.block_entities]
    rare_terms = [t for t, _w in sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))
                  if df.get("t:" + t, 1) <= rare][:config.block_terms]
    block = [(k, idf(df.get(k, 1), n_docs)) for k in rare_entities]
    block += [("t:" + t, idf(df.get("t:" + t, 1), n_docs)) for t in rare_terms]
    return ArticleFeatures(d.id, d.published, terms, entities, block, events)


def _state(row: StoryRow) -> StoryState:
    state = StoryState(id=row.id, label=row.label, size=row.size, articles=row.articles,
                       terms=row.terms, entities=row.entities, days=Counter(row.days),
                       event_types=Counter(row.event_types), undated=row.undated)
    state.stored = (row.undated, state.median() if row.undated else None)
    return state


def _assign(feats: ArticleFeatures, postings: dict[str, set[str]],
            spans: dict[str, tuple[str | None, str | None]], states: dict[str, StoryState],
            store: Store, config: LinkConfig, report: LinkReport) -> tuple[str, float | None]:
    candidates = rank_candidates(feats, postings, spans, config)
    missing = [c for c in candidates if c not in states]
    if missing:  # a stored story that only became a candidate within this chunk
        states.update({sid: _state(r) for sid, r in store.load_stories(missing).items()})
    best: tuple[float, str] | None = None
    for story_id in candidates:
        if story_id not in states:
            continue
        report.comparisons += 1
        score = similarity(feats, states[story_id], config)
        if best is None or score > best[0]:
            best = (score, story_id)
    if best is not None and best[0] >= config.story_threshold:
        report.joined += 1
        return best[1], round(best[0], 4)
    story_id = "s" + feats.id
    states[story_id] = StoryState(id=story_id, new=True)
    report.stories_opened += 1
    return story_id, None


def _member(write: LinkWrite, d: _Doc, story_id: str, score: float | None,
            copy_of: str | None) -> None:
    write.members.append({"article_id": d.id, "story_id": story_id, "score": score,
                          "date": d.published, "date_estimated": d.published is None,
                          "copy_of": copy_of})


def _story_row(state: StoryState) -> dict[str, Any]:
    return {"id": state.id, "label": state.label, "start": state.start, "end": state.end,
            "articles": state.articles, "size": state.size, "undated": state.undated,
            "days": dict(state.days),
            "event_types": dict(state.event_types), "version": LINK_VERSION,
            "centroid": {"terms": {t: round(w, 5) for t, w in state.terms.items()},
                         "entities": {k: round(w, 5) for k, w in state.entities.items()}}}
