"""Evaluation on the public gold sets in ../shared/data, through the pipeline `process` runs."""

from crosscheck.eval.attribution import evaluate_attribution
from crosscheck.eval.ner import evaluate_ner

__all__ = ["evaluate_attribution", "evaluate_ner"]
