"""Cross-article linking: near duplicates and stories (issue 5, part 1).

Works on what the store holds (cleaned text, entity mentions, events); never re-parses,
and never compares all pairs: near copies come from a MinHash LSH index persisted in the
store, candidate stories from blocking on rare entity keys and terms within a time window.

    from crosscheck.link import link_articles
    report = link_articles(store, processed_ids)   # after each processed batch
"""

from crosscheck.link._config import LINK_VERSION, LinkConfig
from crosscheck.link._linker import LinkReport, link_articles, relink
from crosscheck.link._records import story_record

__all__ = ["LINK_VERSION", "LinkConfig", "LinkReport", "link_articles", "relink",
           "story_record"]
