"""crosscheck's spaCy components, registered with ``Language.factory``.

Each component declares what it requires and assigns, loads its rule data in
``initialize()`` (cached per process) and writes its results to ``Doc._`` extensions, so
the components also work in a user's own pipeline::

    nlp = spacy.load("en_core_web_sm")
    for name in crosscheck.nlp.pipeline.COMPONENTS:
        nlp.add_pipe(name)
    doc = nlp("...")
    doc._.statements
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["EXTENSIONS"]

#: Doc extensions and their defaults (lists are created per document by the components).
EXTENSIONS: dict[str, Any] = {
    "article_id": None,
    "published": None,
    "title_end": 0,
    "mentions": None,
    "dates": None,
    "statements": None,
    "quantities": None,
    "events": None,
}
for _name, _default in EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class _Component:
    """A component that runs one extractor function and stores its result."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self._ready = False

    def initialize(self, get_examples: Callable[[], Any] | None = None, *,
                   nlp: Language | None = None) -> None:
        self._load()
        self._ready = True

    def _load(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        if not self._ready:
            self.initialize()
        self._run(doc)
        return doc

    def _run(self, doc: Doc) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


#: A wire dateline that opens a line: "KHARKIV, Ukraine --", "PITTSBURGH (KDKA) —".
_DATELINE = re.compile(r"[A-Z][A-Z.'’ -]{1,40}[A-Z.](?:, ?[A-Z][\w.'’ -]{1,30}?)?"
                       r"(?: ?\([A-Za-z .&-]{1,20}\))? ?(?:--|—|–|-–|-)\s+(?=\S)")


@Language.component("crosscheck_paragraphs", assigns=["token.is_sent_start"])
def paragraphs(doc: Doc) -> Doc:
    """Every line starts a sentence: titles, bylines and paragraphs are never merged into
    the sentence after them (the parser keeps the boundaries set before it runs); so does
    the story after a dateline, so that "KHARKIV, Ukraine --" is never a subject."""
    starts = {token.idx: token for token in doc}
    text = doc.text
    for token in doc[1:]:
        previous = doc[token.i - 1]
        after_break = "\n" in previous.whitespace_ or (previous.is_space
                                                      and "\n" in previous.text)
        if after_break and not token.is_space:
            token.is_sent_start = True
    for token in doc:
        if (token.i and not token.is_sent_start) or token.is_space:
            continue
        m = _DATELINE.match(text, token.idx)
        if m is not None and m.end() in starts and m.end() - token.idx <= 70:
            starts[m.end()].is_sent_start = True
    return doc


@Language.factory("crosscheck_gazetteer", requires=["doc.ents"], assigns=["doc.ents"],
                  retokenizes=False)
def make_gazetteer(nlp: Language, name: str) -> _Component:
    return _Gazetteer(nlp, name)


class _Gazetteer(_Component):
    def __init__(self, nlp: Language, name: str) -> None:
        super().__init__(nlp, name)
        self.nlp = nlp
        self.common: frozenset[str] = frozenset()

    def _load(self) -> None:
        from crosscheck.extract.entities import load_gazetteer

        load_gazetteer()
        # the pipeline's own word lists (the lemmatizer's index of common words) decide
        # what to lower-case when recasing all-caps lines
        words: set[str] = set()
        if "lemmatizer" in self.nlp.pipe_names:
            lookups = getattr(self.nlp.get_pipe("lemmatizer"), "lookups", None)
            if lookups is not None and lookups.has_table("lemma_index"):
                for entries in lookups.get_table("lemma_index").values():
                    words.update(w for w in entries if w.isalpha())
        self.common = frozenset(words)

    def _recognise(self, doc: Doc) -> Doc:
        for name in ("tok2vec", "ner"):
            if name in self.nlp.pipe_names:
                doc = self.nlp.get_pipe(name)(doc)
        return doc

    def _run(self, doc: Doc) -> None:
        from crosscheck.extract.entities import correct_entities, recase_entities

        if "ner" in self.nlp.pipe_names:
            recase_entities(doc, self._recognise, self.common)
        correct_entities(doc)


@Language.factory("crosscheck_entities", requires=["doc.ents", "token.dep"],
                  assigns=["doc._.mentions"])
def make_entities(nlp: Language, name: str) -> _Component:
    return _Entities(nlp, name)


class _Entities(_Component):
    def _load(self) -> None:
        from crosscheck.extract.entities import load_gazetteer

        load_gazetteer()

    def _run(self, doc: Doc) -> None:
        from crosscheck.extract.entities import find_mentions

        doc._.mentions = find_mentions(doc)


@Language.factory("crosscheck_dates", requires=["doc.ents"], assigns=["doc._.dates"])
def make_dates(nlp: Language, name: str) -> _Component:
    return _Dates(nlp, name)


class _Dates(_Component):
    def _load(self) -> None:
        from crosscheck.extract import dates  # noqa: F401

    def _run(self, doc: Doc) -> None:
        from crosscheck.extract.dates import find_dates

        doc._.dates = find_dates(doc, doc._.published)


@Language.factory("crosscheck_statements", requires=["token.dep", "doc._.mentions"],
                  assigns=["doc._.statements"])
def make_statements(nlp: Language, name: str) -> _Component:
    return _Statements(nlp, name)


class _Statements(_Component):
    def _load(self) -> None:
        from crosscheck.extract.statements import load_cues

        load_cues()

    def _run(self, doc: Doc) -> None:
        from crosscheck.extract.statements import find_statements

        doc._.statements = find_statements(doc, doc._.mentions or [], doc._.dates or [])


@Language.factory("crosscheck_quantities", requires=["doc.ents", "doc._.statements"],
                  assigns=["doc._.quantities"])
def make_quantities(nlp: Language, name: str) -> _Component:
    return _Quantities(nlp, name)


class _Quantities(_Component):
    def _load(self) -> None:
        from crosscheck.extract import quantities  # noqa: F401

    def _run(self, doc: Doc) -> None:
        from crosscheck.extract.quantities import find_quantities
        from crosscheck.extract.statements import attach_quantities

        found = find_quantities(doc, doc._.dates or [])
        doc._.quantities = attach_quantities(found, doc._.statements or [], doc._.published)


@Language.factory("crosscheck_events", requires=["token.dep", "doc._.mentions",
                                                 "doc._.statements", "doc._.quantities"],
                  assigns=["doc._.events"])
def make_events(nlp: Language, name: str) -> _Component:
    return _Events(nlp, name)


class _Events(_Component):
    def _load(self) -> None:
        from crosscheck.extract.events import load_event_rules

        load_event_rules()

    def _run(self, doc: Doc) -> None:
        from crosscheck.extract.events import find_events

        doc._.events = find_events(doc, doc._.mentions or [], doc._.statements or [],
                                   doc._.quantities or [], doc._.dates or [])
