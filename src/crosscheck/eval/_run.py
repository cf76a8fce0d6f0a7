"""Run the `process` pipeline on gold texts: the same cleaning and spaCy pipeline, with
spans mapped back to the gold text through the cleaning's offset map."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from crosscheck.clean import OffsetMap, clean, make_article
from crosscheck.ingest.text import parse_text
from crosscheck.nlp import analyse_docs, load_pipeline
from crosscheck.records import Article, Extraction

__all__ = ["run_pipeline"]


def run_pipeline(texts: Iterable[tuple[str, str, str | None]], model: str
                 ) -> Iterator[tuple[str, Article, OffsetMap, Extraction]]:
    """``(id, raw text, published)`` -> (id, article, offsets, extraction), in order."""
    nlp = load_pipeline(model)
    articles: dict[str, Article] = {}

    def feed() -> Iterator[tuple[str, str, str | None, int]]:
        for record_id, text, published in texts:
            item = parse_text(text, record_id)
            article = make_article(item, clean(item))
            if published and not article.published:
                article = replace(article, published=published)
            articles[record_id] = article
            yield record_id, article.text, article.published, len(article.title or "")

    for extraction in analyse_docs(nlp, feed()):
        article = articles.pop(extraction.article_id)
        yield extraction.article_id, article, OffsetMap(article.offsets), extraction
