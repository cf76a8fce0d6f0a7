"""Events: who did what to whom, where and when (placeholder until the extractor lands)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from crosscheck.records import DateMention, Event, Mention, Quantity, Statement

__all__ = ["find_events", "load_event_rules"]


@lru_cache(maxsize=1)
def load_event_rules() -> dict[str, Any]:
    return {}


def find_events(doc: Doc, mentions: Sequence[Mention], statements: Sequence[Statement],
                quantities: Sequence[Quantity], dates: Sequence[DateMention]) -> list[Event]:
    return []
