"""Linking rules: every threshold in one place, with the version stored beside results."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LINK_VERSION", "LinkConfig"]

#: Stored with every signature and story; bump it when a rule below changes meaning, then
#: run ``crosscheck link --all`` (or ``--since DATE``) to re-link.
LINK_VERSION = "1.2.0"


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Thresholds and sizes of near-duplicate detection and story clustering.

    Story weights and the threshold were tuned on the ECB+ train and dev topics only
    (``crosscheck eval linking --split dev``); the time rules cannot be tuned there (ECB+
    has no publication dates) and are set for news: coverage of one developing event
    rarely pauses for more than two weeks.
    """

    # -- near duplicates: MinHash over word 3-shingles of the cleaned title + body -------
    #: estimated Jaccard similarity at or above which an article is a near copy. 0.8 keeps
    #: syndicated copies with different boilerplate and headlines with a changed word
    #: (both stay above 0.9 on articles of a few hundred words) and leaves follow-ups that
    #: reuse a paragraph or two (typically below 0.5) as separate articles.
    duplicate_threshold: float = 0.8
    num_perm: int = 128  # LSH with 128 permutations at 0.8: 9 bands of 13 rows
    shingle_size: int = 3
    min_shingles: int = 5  # shorter texts are never near copies (exact copies still are)

    # -- stories ----------------------------------------------------------------------
    #: an article joins the best candidate story when its similarity reaches this,
    #: otherwise it opens a new story
    story_threshold: float = 0.18
    #: similarity = text_weight * text cosine + (1 - text_weight) * entity cosine
    text_weight: float = 0.5
    article_terms: int = 60  # TF-IDF terms kept per article
    story_terms: int = 120  # centroid terms kept per story
    story_entities: int = 150  # centroid entity keys kept per story
    title_boost: int = 2  # title words count this many times
    #: candidate stories must have a member within this many days of the article's date
    window_days: int = 14
    #: nor join a story that started more than this many days before it: daily roundups
    #: would otherwise chain a whole war into one story; later coverage opens a new one
    max_span_days: int = 45
    grace_days: int = 2  # no time penalty within this distance of the story's span
    time_decay: float = 0.3  # similarity scaled down by up to this much at the window edge
    #: blocking: the article's rarest entity keys and heaviest terms, each held by at most
    #: max(rare_min, rare_fraction * articles) linked articles, look up candidate stories
    block_entities: int = 12
    block_terms: int = 12
    rare_min: int = 30
    rare_fraction: float = 0.02
    max_candidates: int = 40  # stories scored per article, best block overlap first
    per_key: int = 50  # stories looked up per blocking key (the most recent first)

    chunk_size: int = 500  # articles linked (and committed) together
