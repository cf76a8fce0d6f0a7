"""Claims out: JSON lines, or schema.org ClaimReview records that fact-checkers' tools read.

A ClaimReview here reviews one proposition of a story: ``claimReviewed`` is the
proposition, ``itemReviewed`` the Claim with the sources asserting it (its authors) and the
articles it appears in, and ``reviewRating`` gives the cross-check's verdict in words
(``alternateName``) on a 1-3 scale: 1 contradicted, 2 single source, 3 corroborated. It is
not a fact-check: it says what the sources say, not what is true.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from crosscheck.store import Store

__all__ = ["CLAIM_FORMATS", "claim_reviews", "write_claims"]

CLAIM_FORMATS = ("jsonl", "claimreview")

_RATING = {
    "contradiction": (1, "Contradicted: asserted by some sources, denied or disputed by others"),
    "single": (2, "Single source: not independently corroborated"),
    "corroboration": (3, "Corroborated by independent sources"),
}


def write_claims(store: Store, fmt: str, out: TextIO, *, verdict: str | None = None,
                 story_id: str | None = None) -> int:
    """Write every claim (filtered) as JSON lines (``jsonl``: the claim with its sources)
    or as ClaimReview records (``claimreview``: one JSON object per line); return how many."""
    if fmt not in CLAIM_FORMATS:
        raise ValueError(f"format {fmt!r}: use one of {', '.join(CLAIM_FORMATS)}")
    claims = store.iter_claims(verdict=verdict, story_id=story_id)
    records = claim_reviews(store, claims) if fmt == "claimreview" else claims
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        count += 1
    out.flush()
    return count


def claim_reviews(store: Store, claims: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """ClaimReview-shaped records (schema.org) for claims from :meth:`Store.iter_claims`."""
    urls: dict[str, dict[str, Any]] = {}
    today = datetime.now(UTC).date().isoformat()
    for claim in claims:
        sources = claim["asserted_by"] + claim["denied_by"]
        missing = {s["article_id"] for s in sources} - urls.keys()
        for article_id in missing:
            article = store.get_article(article_id) or {}
            urls[article_id] = {"url": article.get("url"), "title": article.get("title"),
                                "outlet": article.get("outlet"),
                                "published": article.get("published")}
        rating, words = _RATING[claim["verdict"]]
        authors: dict[str, dict[str, Any]] = {}
        for s in claim["asserted_by"]:
            name = s["speaker"] or s["outlet"] or s["origin"]
            authors.setdefault(name, {"@type": "Person" if s["speaker"] else "Organization",
                                      "name": name, "affiliation": s["side"]})
        yield {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": claim["id"],
            "claimReviewed": claim["label"],
            "datePublished": today,
            "author": {"@type": "Organization", "name": "crosscheck"},
            "reviewRating": {"@type": "Rating", "ratingValue": rating, "worstRating": 1,
                             "bestRating": 3, "alternateName": words},
            "itemReviewed": {
                "@type": "Claim",
                "author": list(authors.values()),
                "datePublished": claim["date_start"],
                "appearance": [_appearance(s, urls[s["article_id"]], "asserts")
                               for s in claim["asserted_by"]],
            },
            "disputedBy": [_appearance(s, urls[s["article_id"]], "denies")
                           for s in claim["denied_by"]],
            "crosscheck": {"story_id": claim["story_id"], "kind": claim["kind"],
                           "verdict": claim["verdict"],
                           "asserting_sources": claim["asserting_sources"],
                           "denying_sources": claim["denying_sources"]},
        }


def _appearance(source: dict[str, Any], article: dict[str, Any], stance: str) -> dict[str, Any]:
    return {"@type": "CreativeWork", "url": article["url"], "headline": article["title"],
            "publisher": article["outlet"], "datePublished": article["published"],
            "identifier": source["article_id"], "stance": stance,
            "speaker": source["speaker"], "side": source["side"],
            "text": source["evidence"]["text"],
            "characterOffsets": [source["evidence"]["start"], source["evidence"]["end"]]}
