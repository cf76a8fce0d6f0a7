"""The NLP stage: one spaCy pipeline per process, with crosscheck's components added."""

from crosscheck.nlp.pipeline import EXTRACT_VERSION, analyse_docs, load_pipeline

__all__ = ["EXTRACT_VERSION", "analyse_docs", "load_pipeline"]
