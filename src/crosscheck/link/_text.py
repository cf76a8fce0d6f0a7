"""Words of an article's analysed text for linking: no parsing, one regex pass.

Linking never re-parses (DESIGN.md): it reads the cleaned text (title + body) the store
holds and the entity mentions extraction stored. Words are lower-cased runs of letters and
digits; terms for text similarity drop stop words, numbers other than years and very short
words, and fold a plural ``s``.
"""

from __future__ import annotations

import math
import re
from collections import Counter

__all__ = ["STOP_WORDS", "idf", "normalise", "shingles", "term_counts", "tfidf", "words"]

_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

#: English function words and reporting verbs that say nothing about what a story is about.
_STOP = """
a about above across after afterwards again against all almost alone along already also
although always am among amongst an and another any anyhow anyone anything anyway anywhere
are around as at back be became because become becomes been before beforehand behind being
below beside besides between beyond both but by can cannot could did do does doing done down
due during each either else elsewhere enough etc even ever every everyone everything
everywhere except few first for former formerly from further get gets got had has have
having he hence her here hereafter hereby herein hers herself him himself his how however i
if in indeed into is it its itself just last latter least less made make many may me
meanwhile might mine more moreover most mostly much must my myself namely neither never
nevertheless new next no nobody none noone nor not nothing now nowhere of off often on once
one only onto or other others otherwise our ours ourselves out over own per perhaps please
put rather re same say says said see seem seemed seems several she should since so some
somehow someone something sometime sometimes somewhere still such than that the their
theirs them themselves then thence there thereafter thereby therefore therein thereupon
these they this those though through throughout thru thus to together too toward towards
under until up upon us very via was we well were what whatever when whence whenever where
whereafter whereas whereby wherein whereupon wherever whether which while whither who
whoever whole whom whose why will with within without would yet you your yours yourself
yourselves told tell tells according added adds reported reports report reportedly
year years day days week weeks month months time times today yesterday tomorrow monday
tuesday wednesday thursday friday saturday sunday people news like just including
"""
STOP_WORDS = frozenset(_STOP.split())


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters and digits; inner apostrophes kept)."""
    return _WORD.findall(text.casefold())


def shingles(tokens: list[str], size: int) -> set[str]:
    """Word ``size``-grams of ``tokens`` (the tokens themselves when there are fewer)."""
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def _term(word: str) -> str | None:
    if _YEAR.fullmatch(word):  # a year tells two similar events apart (2008's, 2012's)
        return word
    if len(word) < 3 or word in STOP_WORDS or not word.isalpha():
        return None
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def term_counts(tokens: list[str], title_words: int = 0, title_boost: int = 2) -> Counter[str]:
    """Content terms with their counts; the first ``title_words`` tokens (the title) count
    ``title_boost`` times."""
    counts: Counter[str] = Counter()
    for i, word in enumerate(tokens):
        term = _term(word)
        if term is not None:
            counts[term] += title_boost if i < title_words else 1
    return counts


def tfidf(counts: Counter[str], df: dict[str, int], n_docs: int, keep: int,
          prefix: str = "t:") -> dict[str, float]:
    """The ``keep`` heaviest terms, weighted ``(1 + log tf) * idf``, L2-normalised.

    ``df`` is keyed by ``prefix + term``; a term never seen counts as seen once."""
    weights = {t: (1.0 + math.log(c)) * idf(df.get(prefix + t, 1), n_docs)
               for t, c in counts.items()}
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    return normalise(dict(top))


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency: rare keys weigh more, none weighs zero."""
    return math.log((n_docs + 1) / (max(df, 1) + 0.5)) + 1.0


def normalise(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}
