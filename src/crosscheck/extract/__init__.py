"""Extractors: pure functions of a parsed spaCy Doc."""
