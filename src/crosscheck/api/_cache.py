"""Rendered story records, kept while the story does not change.

A story record of a large story (hundreds of articles, thousands of claims) takes a
hundred milliseconds or more to assemble and serialise; it only changes when linking
touches the story or its claims are recomputed. The cache keeps the serialised bytes under
the story's stamp (:meth:`Store.story_stamp`: last update and claims computation), checks
the stamp on every request (two primary-key lookups), and holds at most ``max_bytes``,
least recently used out first. Thread-safe: uvicorn runs sync endpoints in a pool.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

__all__ = ["RecordCache"]


class RecordCache:
    def __init__(self, max_bytes: int = 128 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[Any, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, stamp: Any) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != stamp:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, key: str, stamp: Any, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return  # one record must not push out everything else
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old[1])
            self._items[key] = (stamp, body)
            self._size += len(body)
            while self._size > self.max_bytes and self._items:
                _key, (_stamp, dropped) = self._items.popitem(last=False)
                self._size -= len(dropped)
