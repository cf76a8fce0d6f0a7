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

__all__ = ["FULLTEXT", "BenchResult", "bench_ingest", "default_data_dir"]

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
