"""A map from positions in a cleaned text back to positions in the raw text.

Cleaning only deletes spans of the raw text (and swaps a few characters for same-length
equivalents, such as a no-break space for a space), so the map is piecewise linear: a
sorted run of segments ``(clean_start, raw_start, length)``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

__all__ = ["OffsetMap"]


class OffsetMap:
    __slots__ = ("_clean_starts", "segments")

    def __init__(self, segments: Iterable[Sequence[int]]) -> None:
        merged: list[tuple[int, int, int]] = []
        for clean_start, raw_start, length in segments:
            if length <= 0:
                continue
            if merged:
                pc, pr, pl = merged[-1]
                if clean_start != pc + pl:
                    raise ValueError("offset segments must be contiguous in the clean text")
                if raw_start < pr + pl:
                    raise ValueError("offset segments must move forward in the raw text")
                if raw_start == pr + pl:
                    merged[-1] = (pc, pr, pl + length)
                    continue
            elif clean_start != 0:
                raise ValueError("offset segments must start at clean position 0")
            merged.append((clean_start, raw_start, length))
        self.segments: tuple[tuple[int, int, int], ...] = tuple(merged)
        self._clean_starts = [s[0] for s in self.segments]

    @property
    def clean_length(self) -> int:
        if not self.segments:
            return 0
        c, _, n = self.segments[-1]
        return c + n

    def to_raw(self, pos: int) -> int:
        """Raw position of the character at clean position ``pos``.

        ``pos == clean_length`` maps to just past the last kept raw character.
        """
        if pos < 0 or pos > self.clean_length:
            raise IndexError(f"clean offset {pos} outside 0..{self.clean_length}")
        if not self.segments:
            return 0
        if pos == self.clean_length:
            c, r, n = self.segments[-1]
            return r + n
        i = bisect_right(self._clean_starts, pos) - 1
        c, r, _ = self.segments[i]
        return r + (pos - c)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span covering the clean span ``[start, end)``."""
        if end <= start:
            raw = self.to_raw(start)
            return raw, raw
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def to_list(self) -> list[list[int]]:
        return [list(s) for s in self.segments]
