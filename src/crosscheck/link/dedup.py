"""Near duplicates: MinHash signatures of word shingles, banded into a persisted LSH index.

Exact copies are already one article (the id hashes the normalised text). A near copy (a
syndicated text with different boilerplate, a headline with a changed word) is found by
MinHash over word 3-shingles of the cleaned title + body: an estimated Jaccard similarity
of at least :attr:`LinkConfig.duplicate_threshold` (0.8) to a stored or earlier article.

The LSH index is persisted in the store rather than pickled: each article's signature
(``link_signatures``) and one row per band bucket (``link_buckets``, indexed). Checking a
new batch costs one indexed lookup per band of each new article plus loading the few
signatures that share a bucket: stored text is never re-hashed and the index is never
loaded whole, so it scales to any store size (and works the same on PostgreSQL). The
bands and rows per band are datasketch's optimum for the threshold (9 x 13 at 128
permutations and 0.8).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from crosscheck.link._config import LinkConfig
from crosscheck.link._text import shingles

__all__ = ["Match", "Signer", "find_near_duplicates", "jaccard"]

_SCHEME = "affine32"


class Signer:
    """MinHash signatures and their LSH band buckets, for one configuration."""

    def __init__(self, config: LinkConfig) -> None:
        from datasketch import MinHash, MinHashLSH  # 1.5 s to import (scipy): only when used

        self.config = config
        self._minhash = MinHash
        template = MinHash(num_perm=config.num_perm, seed=1, scheme=_SCHEME)
        self._permutations = template.permutations
        lsh = MinHashLSH(threshold=config.duplicate_threshold, num_perm=config.num_perm)
        self.bands: int = lsh.b
        self.rows: int = lsh.r

    def signature(self, tokens: list[str]) -> np.ndarray | None:
        """The signature of a text's word shingles; None when it is too short to judge."""
        grams = shingles(tokens, self.config.shingle_size)
        if len(grams) < self.config.min_shingles:
            return None
        minhash = self._minhash(num_perm=self.config.num_perm, hashfunc=zlib.crc32,
                                permutations=self._permutations, scheme=_SCHEME)
        minhash.update_batch([g.encode("utf-8") for g in grams])
        return np.asarray(minhash.hashvalues, dtype=np.uint32)

    def buckets(self, signature: np.ndarray) -> list[int]:
        """One signed 64-bit bucket per band: a hash of the band number and its values."""
        out = []
        for band in range(self.bands):
            values = signature[band * self.rows:(band + 1) * self.rows].tobytes()
            digest = hashlib.blake2b(values, digest_size=8,
                                     person=b"band%04d" % band).digest()
            out.append(int.from_bytes(digest, "little", signed=True))
        return out

    @staticmethod
    def to_bytes(signature: np.ndarray) -> bytes:
        return signature.astype("<u4").tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> np.ndarray:
        return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal hash values)."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass(slots=True, frozen=True)
class Match:
    """``article_id`` is a near copy of ``canonical_id``, reached through ``matched_id``
    (the most similar article; the canonical itself, or another copy of it)."""

    article_id: str
    canonical_id: str
    matched_id: str
    similarity: float


#: a stored article sharing a bucket: (bucket, id, signature bytes, its canonical or None)
StoredRow = tuple[int, str, bytes, str | None]


def find_near_duplicates(
    batch: Sequence[tuple[str, np.ndarray | None, list[int]]],
    stored: Callable[[list[int]], Iterable[StoredRow]],
    threshold: float,
) -> tuple[list[Match], int]:
    """Near copies in ``batch`` (``(id, signature, buckets)`` in linking order, earliest
    first), against the stored index and against earlier articles of the batch.

    ``stored(buckets)`` yields the stored articles that share any of ``buckets``. Only
    articles sharing a bucket are compared (the LSH candidates), never all pairs. Returns
    the matches (a copy always points at a canonical article, never at another copy) and
    the number of signatures compared.
    """
    wanted = sorted({b for _id, sig, buckets in batch if sig is not None for b in buckets})
    signatures: dict[str, np.ndarray] = {}
    canonical_of: dict[str, str | None] = {}
    by_bucket: dict[int, list[str]] = {}
    for bucket, article_id, data, canonical in (stored(wanted) if wanted else ()):
        if article_id not in signatures:
            signatures[article_id] = Signer.from_bytes(data)
            canonical_of[article_id] = canonical
        by_bucket.setdefault(bucket, []).append(article_id)
    matches: list[Match] = []
    comparisons = 0
    for article_id, signature, buckets in batch:
        if signature is None:
            continue
        candidates = {other for bucket in buckets for other in by_bucket.get(bucket, ())}
        candidates.discard(article_id)
        best: tuple[float, str] | None = None
        for other in sorted(candidates):
            comparisons += 1
            similarity = jaccard(signature, signatures[other])
            if similarity >= threshold and (best is None or similarity > best[0]):
                best = (similarity, other)
        canonical = None
        if best is not None:
            similarity, other = best
            canonical = canonical_of[other] or other
            matches.append(Match(article_id, canonical, other, round(similarity, 4)))
        signatures[article_id] = signature
        canonical_of[article_id] = canonical
        for bucket in buckets:
            by_bucket.setdefault(bucket, []).append(article_id)
    return matches, comparisons
