"""Reads and writes of corpus-wide entity identity (table ``entity_links``)."""

from __future__ import annotations

__all__ = ["EntityLinksMixin"]


class EntityLinksMixin:
    """Store methods for one entity across articles and spellings."""
