"""Reads and writes of claims (propositions with their evidence) and figure series."""

from __future__ import annotations

__all__ = ["ClaimsMixin"]


class ClaimsMixin:
    """Store methods for claims, contradictions, corroborations and figure series."""
