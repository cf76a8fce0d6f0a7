"""Quantities: numeric claims about people and things ("at least 1,000 civilians").

A regular expression (built once from data/quantities.toml) finds amounts in ``doc.text``:
digits ("2,000", "1.5 million", "5m"), written numbers ("twelve", "two million"), ranges
("between 200 and 300", "200-300") and vague amounts ("a few hundred", "dozens of").
The words before an amount give its qualifier; the parse around it says what is counted.

Conventions (documented here because tests and callers rely on them):

- ``value`` is the number stated; ``low``/``high`` are bounds only where the text states or
  implies one: "at least 1,000" and "more than 100" set ``low``, "up to 500", "nearly 300"
  and "less than 50" set ``high``, "about 2,000" and plain "20" set neither. A range
  ("between 200 and 300", "200-300") has value None, low and high, qualifier "between".
- Vague amounts have value None, a qualifier of their own and bounds from the table in the
  data file: "dozens" 24..99, "hundreds" 200..999, "thousands" 2,000..9,999, "tens of
  thousands" 20,000..99,999; "a few" 2..9 and "several" 3..9, times the scale word when
  there is one ("a few hundred civilians": qualifier "a few", 200..900).
- Qualifier synonyms are folded into one canonical word: "some 40" and "around 40" are
  qualifier "about", "over 100" is "more than", "almost" is "nearly".
- ``counted``: for people, a verb or adjective saying what happened to them wins over the
  noun ("more than 100 people ... were evacuated" counts "evacuated"; killed -> dead,
  wounded/injured -> wounded, captured -> captives, fled/displaced -> displaced). Otherwise
  the noun's category from the lexicon ("troops" -> soldiers), else the plural noun as
  written (lower case). "the death toll rose to 20,000" counts "dead". An amount with no
  noun of its own after another one in the sentence ("20 people were killed and 35
  wounded") takes that one's noun (rule quantity.noun_inherited). Amounts with nothing
  counted are dropped. The record has no field for the noun when a verb wins.
- Not counts (skipped): years, dates, times, durations, ages, money, percentages,
  ordinals, labels ("Article 5", "Su-25", "93rd brigade", "Nord Stream 2"), measures
  ("5 km"), ratios ("one in six"); numbers inside the date mentions passed in or inside
  the parser's DATE/TIME/MONEY/PERCENT/ORDINAL entities. Small exact counts of nouns not
  in the lexicon ("the two sides", "three key elements") are references, not claims: an
  unlisted noun needs 10 or more, a qualifier or a vague amount, and no determiner.
- ``place``: the nearest GPE/LOC/FAC entity in the same clause, else a proper noun after a
  locative preposition there ("in Mariupol", which the small model may tag ORG), else the
  place a "where" clause refers to. Common nouns ("the port city") leave it None.
- ``as_of``: the value of the nearest date mention in the same sentence.
- ``hedged``: the sentence or the next one says "could not be independently verified",
  "unconfirmed", "reportedly", "is estimated", "are believed"... (see the data file).
- ``text``/``start``/``end`` cover qualifier + number + counted noun phrase.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LIKE_NUM, LOWER, SENT_START
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from crosscheck.extract._rules import load_data
from crosscheck.records import DateMention, Quantity

__all__ = ["find_quantities", "quantity_rules_version"]

_ORIGIN = "crosscheck/extract/data/quantities.toml"
_NOT_COUNTS = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"}
_PLACES = {"GPE", "LOC", "FAC"}
_NOT_PLACES = {"NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY",
               "LAW", "LANGUAGE"}
_LOCATIVE = {"in", "near", "outside", "around", "inside", "across", "at", "from", "on",
             "throughout", "within", "into"}
_CLAUSAL = {"ccomp", "advcl", "relcl", "parataxis", "conj", "csubj", "xcomp", "acl"}
_VERBAL = {"VERB", "AUX"}


@dataclass(slots=True, frozen=True)
class _Rules:
    version: str
    amount: re.Pattern[str]
    range_tail: re.Pattern[str]
    left: re.Pattern[str]
    skip_before: re.Pattern[str]
    currency: re.Pattern[str]
    hedges: re.Pattern[str]
    words: dict[str, int]
    scales: dict[str, int]
    qualifiers: dict[str, str]  # phrase (lower, single-spaced) -> canonical
    vague: dict[str, tuple[int, int]]
    multipliers: dict[str, tuple[int, int]]
    nouns: dict[str, str]  # noun phrase (lower) -> category
    people: frozenset[str]
    verbs: dict[str, str]  # lemma or phrase -> category
    tolls: dict[str, str]  # subject phrase -> category ("counts" -> use "number of X")
    intransitive: frozenset[str]
    skip_nouns: frozenset[str]
    triggers: Any  # numpy array of the hashes of words that may start a vague amount


def _fail(what: str) -> ValueError:
    return ValueError(f"{_ORIGIN}: {what}")


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise _fail(f"missing or empty table [{key}]")
    return value


def _phrases(table: dict[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and v.strip() for v in value):
        raise _fail(f"'{key}' in [{where}] must be a non-empty list of phrases")
    return [" ".join(v.lower().split()) for v in value]


def _bounds(table: dict[str, Any], where: str) -> dict[str, tuple[int, int]]:
    out = {}
    for key, pair in table.items():
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(n, int) for n in pair) or not 0 < pair[0] <= pair[1]):
            raise _fail(f"'{key}' in [{where}] must be [low, high] with 0 < low <= high")
        out[" ".join(key.lower().split())] = (pair[0], pair[1])
    return out


def _alt(phrases: Iterable[str]) -> str:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)


def _inverse(table: dict[str, Any], where: str) -> dict[str, str]:
    return {p: cat for cat in table for p in _phrases(table, cat, where)}


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_data("quantities")
    words = {k.lower(): v for k, v in _table(data, "number_words").items()}
    scales = {k.lower(): v for k, v in _table(data, "scales").items()}
    for name, table in (("number_words", words), ("scales", scales)):
        if not all(isinstance(v, int) and v > 0 for v in table.values()):
            raise _fail(f"[{name}] values must be positive integers")
    qualifiers = _inverse(_table(data, "qualifiers"), "qualifiers")
    vague = _bounds(_table(data, "vague"), "vague")
    multipliers = _bounds(_table(data, "vague_multipliers"), "vague_multipliers")
    nouns = _inverse(_table(data, "nouns"), "nouns")
    people = frozenset(_phrases(_table(data, "people"), "categories", "people"))
    if not people <= set(_table(data, "nouns")):
        raise _fail("[people] categories must be categories of [nouns]")
    verbs = _inverse(_table(data, "verbs"), "verbs")
    tolls = _inverse(_table(data, "tolls"), "tolls")
    skip = _table(data, "skip")
    hedges = _phrases(_table(data, "hedges"), "phrases", "hedges")

    big = [w for w in scales if len(w) > 2]
    bare = [v for v in vague if v in multipliers or v.startswith("a ")]  # "several", "a few"
    number_word = rf"(?:{_alt(set(words) | {'hundred', 'thousand', 'million', 'billion'})})\b"
    amount = re.compile(
        rf"(?P<vs>(?P<vsq>{_alt(multipliers)})(?:\s+of)?\s+(?P<vsw>dozen|hundred|thousand|million)"
        rf"\b(?!s))"
        rf"|(?P<vp>{_alt([v for v in vague if v not in bare])})\b"
        rf"|(?P<dig>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        rf"(?:(?P<glued>{_alt(scales)})\b|\s+(?P<sp>{_alt(big)})\b)?"
        rf"|(?P<words>(?:a\s+(?=(?:hundred|thousand|million|dozen)\b))?{number_word}"
        rf"(?:[\s-]+{number_word}|(?<=hundred)\s+and\s+{number_word}"
        rf"|(?<=thousand)\s+and\s+{number_word})*)"
        rf"|(?P<vb>{_alt(bare)})\b",
        re.IGNORECASE)
    range_tail = re.compile(r"\s*(?P<sep>-|–|—|to\b|or\b|and\b)\s*(?=[\d\w])", re.IGNORECASE)
    left = re.compile(rf"(?:\b(?P<q>{_alt(qualifiers)})\s+|\b(?P<bf>between|from)\s+)$",
                      re.IGNORECASE)
    before = _phrases(skip, "before", "skip")
    skip_before = re.compile(rf"(?:(?<![\w.])(?:{_alt(before)})|[#№])\s*$", re.IGNORECASE)
    currency = re.compile(rf"(?:{_alt(_phrases(skip, 'currency_signs', 'skip'))})\s*$",
                          re.IGNORECASE)
    hedge_re = re.compile(rf"(?<![a-z])(?:{_alt(hedges)})(?![a-z])")  # run on lower-cased text
    triggers = numpy.array([get_string_id(w) for w in (
        "a", "several", "dozen", "dozens", "scores", "tens", "hundreds", "thousands",
        "millions")], dtype=numpy.uint64)
    return _Rules(data["version"], amount, range_tail, left, skip_before, currency, hedge_re,
                  words, scales, qualifiers, vague, multipliers, nouns, people, verbs, tolls,
                  frozenset(_phrases(_table(data, "intransitive"), "lemmas", "intransitive")),
                  frozenset(_phrases(skip, "nouns", "skip")), triggers)


def quantity_rules_version() -> str:
    """The version of the packaged quantity rule data (data/quantities.toml)."""
    return _rules().version


# -- amounts -------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Amount:
    start: int  # with the qualifier
    num_start: int  # the number itself
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    kind: str  # number | words | range | vague | vague_bare
    year_like: bool = False
    scale: float = 1.0


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _word_value(text: str, r: _Rules) -> tuple[float, float] | None:
    """("two million" -> 2e6, scale 1e6); None when a word is not a number word."""
    total, current, scale, seen = 0.0, 0.0, 1.0, False
    for w in re.split(r"[\s-]+", text.lower()):
        if w == "and":
            continue
        if w == "a":
            current = max(current, 1)
        elif w == "hundred":
            current, scale = (current or 1) * 100, 100
        elif w in ("thousand", "million", "billion"):
            total, current, scale = total + (current or 1) * r.scales[w], 0, r.scales[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w in r.words:
            current, scale = current + r.words[w], 1
        else:
            return None
        seen = True
    return (total + current, scale) if seen else None


def _single(m: re.Match[str], r: _Rules) -> _Amount | None:
    """One amount (not a range) from a match of the amount pattern."""
    s, e = m.span()
    if m["dig"]:
        digits = m["dig"].replace(",", "")
        scale_word = (m["glued"] or m["sp"] or "").lower()
        if (digits.startswith("0") and len(digits) > 1) or ("." in digits and not scale_word):
            return None
        scale = r.scales.get(scale_word, 1)
        year_like = (not scale_word and "," not in m["dig"] and len(digits) == 4
                     and 1900 <= int(digits) <= 2099)
        return _Amount(s, s, e, float(digits) * scale, None, None, None, "number", year_like,
                       scale)
    if m["words"]:
        parsed = _word_value(m["words"], r)
        if parsed is None:
            return None
        return _Amount(s, s, e, parsed[0], None, None, None, "words", scale=parsed[1])
    if m["vs"]:
        qualifier = _norm(m["vsq"]).removesuffix(" of")
        lo, hi = r.multipliers[qualifier]
        scale = 12 if m["vsw"].lower() == "dozen" else r.scales[m["vsw"].lower()]
        return _Amount(s, s, e, None, lo * scale, hi * scale, qualifier, "vague")
    key = _norm(m["vp"] or m["vb"])
    lo, hi = r.vague[key]
    return _Amount(s, s, e, None, lo, hi, key, "vague" if m["vp"] else "vague_bare")


def _qualify(a: _Amount, text: str, r: _Rules) -> None:
    """Attach the qualifier written before the amount ("at least", "some")."""
    found = r.left.search(text, max(0, a.start - 40), a.start)
    if not found or not found["q"]:
        return
    a.qualifier = r.qualifiers[_norm(found["q"])]
    a.start = found.start("q")
    lower = a.qualifier in ("at least", "more than")
    upper = a.qualifier in ("up to", "nearly", "less than")
    if a.kind in ("number", "words"):
        a.low, a.high = (a.value if lower else None), (a.value if upper else None)
    elif lower:
        a.high = None
    elif upper:
        a.low = None


def _range(a: _Amount, text: str, r: _Rules) -> tuple[_Amount | None, int]:
    """``a`` extended to a range when one follows ("200-300"); None drops it ("2014-2022")."""
    tail = r.range_tail.match(text, a.end)
    second = r.amount.match(text, tail.end()) if tail else None
    b = _single(second, r) if second else None
    if tail is None or b is None or b.kind not in ("number", "words"):
        return a, a.end
    assert a.value is not None and b.value is not None
    sep = tail["sep"].lower()
    lead = r.left.search(text, max(0, a.start - 40), a.start)
    bf = lead["bf"].lower() if lead and lead["bf"] else ""
    if (sep == "and" and bf != "between") or (sep == "to" and bf == "from"):
        return a, a.end
    low = a.value
    if a.scale == 1 and b.scale > 1 and low * b.scale <= b.value:
        low *= b.scale  # "2-3 million", "between two and three thousand"
    if (a.year_like and b.year_like) or b.value <= low:
        return (None, b.end) if sep in "-–—" else (a, a.end)
    start = lead.start("bf") if bf == "between" and lead else a.start
    return _Amount(start, a.start, b.end, None, low, b.value, "between", "range"), b.end


def _amounts(text: str, starts: list[int]) -> list[_Amount]:
    """Every amount in ``text`` not glued to a word, a label, a currency or a unit sign.

    The pattern is tried only at ``starts`` (the parser's number-like tokens): several times
    faster than searching the whole text for it.
    """
    r = _rules()
    out: list[_Amount] = []
    pos = 0
    candidates = iter(starts)
    while True:
        m = next((found for c in candidates if c >= pos
                  and (found := r.amount.match(text, c)) is not None), None)
        if m is None:
            break
        s, pos = m.start(), m.end()
        before = text[s - 2:s] if s >= 2 else " " + text[:s]
        if before[-1:].isalnum() or (before[-1:] in "-–/.:#+_" and before[:1].isalnum()):
            continue
        a: _Amount | None = _single(m, r)
        if a is not None and a.kind in ("number", "words"):
            a, pos = _range(a, text, r)
            pos = max(pos, m.end())
        if a is None:
            continue
        after = text[a.end:a.end + 2]
        if after[:1].isalnum() or (after[:1] in "-–/:%" and after[1:].strip() != ""):
            continue
        if r.skip_before.search(text, max(0, s - 24), s) or r.currency.search(
                text, max(0, s - 4), s):
            continue
        if a.kind != "range":
            _qualify(a, text, r)
        out.append(a)
    return out


# -- what is counted -------------------------------------------------------------------------

@dataclass(slots=True)
class _Counted:
    counted: str | None
    end: int  # char offset where the counted noun phrase ends
    head: Token | None  # the noun, or None
    anchor: Token  # the token the place and the clause are looked up from
    person: bool  # the counted noun is people (or there is none): inherit/verb rules apply
    rules: list[str]


def _lookup(r: _Rules, *keys: str) -> str | None:
    for key in keys:
        if key in r.nouns:
            return r.nouns[key]
    return None


def _verb_category(v: Token, r: _Rules, subject: bool) -> str | None:
    """What a verb says happened to its subject/object ("were killed" -> dead)."""
    candidates = [v, *(c for c in v.children if c.dep_ in ("xcomp", "acomp", "oprd"))]
    for t in candidates:
        lemma, lower = t.lemma_.lower(), t.lower_
        cat = r.verbs.get(lemma) or r.verbs.get(lower)
        if cat is None and lemma == "take" and any(c.lemma_ == "prisoner" for c in t.children):
            cat = r.verbs.get("take prisoner")
        if cat is None:
            continue
        if not subject or any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children):
            return cat
        if lemma in r.intransitive or (lower in r.intransitive and t.tag_ in ("VBN", "JJ")):
            return cat
        if t.tag_ == "VBN" and not any(c.dep_ == "dobj" for c in t.children):
            return cat
        if t.dep_ == "conj" and any(c.dep_ == "auxpass" for c in t.head.children):
            return cat
    return None


def _either(v: Token, cat: str, r: _Rules) -> str:
    """"killed or wounded 100,000" counts casualties."""
    partners = [c for c in v.children if c.dep_ == "conj"] + ([v.head] if v.dep_ == "conj" else [])
    for p in partners:
        other = r.verbs.get(p.lemma_.lower()) or r.verbs.get(p.lower_)
        ors = [c for t in (v, p) for c in t.children if c.dep_ == "cc" and c.lower_ == "or"]
        if ors and {cat, other} == {"dead", "wounded"}:
            return "casualties"
    return cat


def _by_verb(anchors: list[Token], r: _Rules) -> str | None:
    for anchor in anchors:
        t, hops = anchor, 0
        while t.dep_ == "conj" and hops < 3:  # "2,000 soldiers and 1,000 civilians were ..."
            t, hops = t.head, hops + 1
        if t.dep_ in ("nsubj", "nsubjpass", "dobj"):
            cat = _verb_category(t.head, r, subject=t.dep_ == "nsubj")
            if cat:
                return _either(t.head, cat, r)
        nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        if nxt is not None and (nxt.tag_ in ("VBN", "JJ") or nxt.dep_ in ("acl", "amod")):
            cat = r.verbs.get(nxt.lower_) or r.verbs.get(nxt.lemma_.lower())
            if cat:  # "civilians killed in the strike", "35 wounded"
                return cat
    return None


def _by_toll(last: Token, r: _Rules) -> str | None:
    """"the death toll rose to 20,000", "the number of refugees reached 5 million"."""
    t = last
    for _ in range(5):
        if t.head.i == t.i:
            break
        t = t.head
        if t.pos_ in _VERBAL:
            subjects = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects:
                return None
            t = subjects[0]
        if t.pos_ in ("NOUN", "PROPN"):
            compound = " ".join([c.lower_ for c in t.children if c.dep_ == "compound"]
                                + [t.lower_])
            cat = r.tolls.get(compound) or r.tolls.get(t.lower_)
            if cat == "counts":
                of = [c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"]
                objs = [c for p in of for c in p.children if c.dep_ == "pobj"]
                return _lookup(r, objs[0].lower_, objs[0].lemma_.lower()) if objs else None
            if cat:
                return cat
            if t.dep_ in ("nsubj", "nsubjpass"):
                return None
    return None


def _noun_after(doc: Doc, span: Span, a: _Amount, r: _Rules
                ) -> tuple[Token | None, str | None, int | None]:
    """The noun an amount counts (the last noun of the run of modifiers and nouns after it),
    and the category of an adjective right after the amount ("35 wounded") with its end."""
    j, limit = span.end, min(len(doc), span.end + 8)
    wants_of = a.qualifier in r.vague and a.qualifier not in ("a few", "several")
    if j < len(doc) and doc[j].lower_ == "of":
        if wants_of or a.kind == "vague":
            j += 1  # "hundreds of civilians"
        elif j + 1 < len(doc) and doc[j + 1].lower_ in ("the", "these", "those"):
            j += 2  # "20 of the soldiers"
        else:
            return None, None, None
    elif wants_of:
        return None, None, None  # "hundreds were killed": only a verb can say what is counted
    head, adjective, adjective_end = None, None, None
    while j < limit:
        t = doc[j]
        low = t.lower_
        if low in r.verbs and t.pos_ in ("ADJ", "VERB") and low not in r.nouns:
            if head is None:
                adjective, adjective_end = r.verbs[low], t.idx + len(t)
            if t.dep_ != "amod":
                break
        elif t.pos_ in ("NOUN", "PROPN") or low in r.nouns:
            head = t
        elif not (t.pos_ == "ADJ" or t.tag_ == "HYPH" or t.ent_type_ == "NORP"
                  or low in ("more", "additional", "other", "another")
                  or (t.tag_ == "VBN" and t.dep_ == "amod")):
            break
        j += 1
    if head is None and adjective is None and span[-1].dep_ == "nummod" and (
            span[-1].head.pos_ in ("NOUN", "PROPN") and 0 < span[-1].head.i - span[-1].i <= 6):
        head = span[-1].head
    return head, adjective, adjective_end


def _counted(doc: Doc, span: Span, a: _Amount, r: _Rules) -> _Counted | None:
    """What the amount counts; None when it counts a measure, a time or money."""
    last, rules = span[-1], []
    if span.end < len(doc) and doc[span.end].lower_ in r.skip_nouns:
        return None  # "155 mm shells", "50 miles"
    head, adjective, adjective_end = _noun_after(doc, span, a, r)
    np_head = head
    if head is not None and head.lower_ in ("others", "more"):
        head = None  # "killing two people and injuring nine others": the noun is inherited
    category, person, end = None, True, max(a.end, adjective_end or 0)
    if head is not None:
        first = next((k for k in range(span.end, head.i + 1) if doc[k].pos_ in ("NOUN", "PROPN")),
                     head.i)
        phrase = " ".join(t.lower_ for t in doc[first:head.i + 1])
        head_end = head.idx + len(head)
        if head.lower_ == "prisoners" and doc[head.i + 1:head.i + 3].text.lower() == "of war":
            phrase, head_end = "prisoners of war", doc[head.i + 2].idx + 3
        if {head.lower_, head.lemma_.lower(), phrase} & r.skip_nouns:
            return None
        category = _lookup(r, phrase, " ".join(phrase.split()[-2:]), head.lower_,
                           head.lemma_.lower())
        if category is not None:
            rules.append("quantity.counted_noun")
            person = category in r.people
        elif head.tag_ in ("NNS", "NNPS") and a.kind != "vague_bare":
            category, person = head.lower_, False
            rules.append("quantity.counted_other_noun")
        else:
            return None
        end = max(end, head_end)
    elif np_head is not None:
        end = max(end, np_head.idx + len(np_head))
    anchors = [t for t in (np_head, last) if t is not None]
    if np_head is not None and np_head.dep_ == "pobj" and np_head.head.lower_ == "of":
        anchors.append(np_head.head.head)
    if person:
        by_verb = adjective or _by_verb(anchors, r)
        if by_verb:
            category = by_verb
            rules.append("quantity.counted_verb")
        elif head is None and (toll := _by_toll(last, r)):
            category = toll
            rules.append("quantity.counted_toll")
    return _Counted(category, end, head, np_head or last, person, rules)


# -- place, date, hedge ----------------------------------------------------------------------

def _clause(anchor: Token) -> tuple[Token, set[int]]:
    """The nearest verb above ``anchor`` and the tokens of its clause (minus sub-clauses)."""
    verb = anchor
    while verb.pos_ not in _VERBAL and verb.head.i != verb.i:
        verb = verb.head
    members: set[int] = set()
    stack = [verb]
    while stack:
        t = stack.pop()
        members.add(t.i)
        stack.extend(c for c in t.children if not (c.dep_ in _CLAUSAL and c.pos_ in _VERBAL)
                     or c.left_edge.i <= anchor.i <= c.right_edge.i)
    return verb, members


def _clean_place(text: str) -> str:
    return re.sub(r"^(?:the)\s+", "", text.strip(), flags=re.IGNORECASE)


def _place_of(t: Token, head: Token | None, ent_at: dict[int, Span]) -> tuple[int, str] | None:
    """(strength, name) when ``t`` names where the count is: after a locative preposition
    ("in Mariupol") or modifying the counted noun ("Mariupol's residents")."""
    if t.pos_ != "PROPN":
        return None
    locative = t.dep_ == "pobj" and t.head.lower_ in _LOCATIVE
    modifier = head is not None and t.head.i == head.i and t.dep_ in ("poss", "compound")
    ent = ent_at.get(t.i)
    if ent is not None and ent.label_ in _PLACES and (locative or modifier):
        return 0, _clean_place(ent.text)
    if not locative or t.ent_type_ in _NOT_PLACES:  # the small model tags towns PERSON, ORG
        return None
    if ent is not None and (len(ent) > 2 or any(w.pos_ != "PROPN" for w in ent)):
        return None  # "the Higher School of Economics" is not a town
    return 1, _clean_place(ent.text if ent is not None else t.text)


def _place(anchor: Token, head: Token | None, ent_at: dict[int, Span]
           ) -> tuple[str | None, str | None]:
    _, members = _clause(anchor)
    doc = anchor.doc
    found = [(p[0], abs(i - anchor.i), p[1]) for i in members
             if (p := _place_of(doc[i], head, ent_at)) is not None]
    if found:
        strength, _, name = min(found)
        return name, ("quantity.place_entity" if strength == 0 else "quantity.place_locative")
    where = next((doc[i] for i in sorted(members) if doc[i].lower_ == "where"), None)
    if where is not None and where.i > 0:
        k = where.i - 1
        while k > 0 and doc[k].is_punct:
            k -= 1
        if (p := _place_of(doc[k], None, ent_at)) is not None:
            return p[1], "quantity.place_where"
    return None, None


_SMALL = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_RATIO_BEFORE = re.compile(rf"\b{_SMALL}\s+(?:in|out\s+of)\s+$", re.IGNORECASE)
_RATIO_AFTER = re.compile(rf"\s+(?:in|out\s+of)\s+{_SMALL}\b", re.IGNORECASE)
_DEFINITE = {"the", "these", "those", "its", "their", "his", "her", "our", "my", "your", "both",
             "all", "each", "every", "first", "last", "top"}


def _not_a_count(doc: Doc, span: Span, a: _Amount, text: str) -> bool:
    """A ratio ("one in six") or a label after a name ("Nord Stream 2", "Minsk 2")."""
    if _RATIO_BEFORE.search(text, max(0, a.start - 12), a.start) or _RATIO_AFTER.match(
            text, a.end):
        return True
    before = doc[span.start - 1] if span.start > 0 else None
    return (before is not None and before.pos_ == "PROPN" and a.qualifier is None
            and a.kind == "number" and a.value is not None and a.value < 100
            and before.idx + len(before) < a.num_start and not before.is_sent_start)


def _claim_like(doc: Doc, span: Span, a: _Amount) -> bool:
    """A count of an unlisted noun is kept when it reads as a claim, not a reference: ten or
    more, or qualified, or vague; and not definite ("the two countries", "its 22 hotels")."""
    first = doc.char_span(a.start, a.end, alignment_mode="expand")
    before = doc[first.start - 1] if first is not None and first.start > 0 else None
    if before is not None and (before.lower_ in _DEFINITE or before.tag_ in ("PRP$", "POS")):
        return False
    return (a.kind != "number" and a.kind != "words") or bool(a.qualifier) or (
        a.value is not None and a.value >= 10)


def _lower(text: str) -> str:
    """``text`` in lower case, offsets unchanged (a few characters grow when lowered)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(
        c if len(c.lower()) != 1 else c.lower() for c in text)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _dates_a_thing(doc: Doc, date: DateMention) -> bool:
    """A date that modifies a noun ("the 1986 disaster", "the 2014 annexation", "last year's
    offensive") dates that thing, not the figures of its sentence."""
    span = doc.char_span(date.start, date.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    head = root.head
    return root.dep_ in ("compound", "amod", "nummod", "nmod", "poss") and head.i != root.i \
        and head.pos_ in ("NOUN", "PROPN") and not span.start <= head.i < span.end


def find_quantities(doc: Doc, dates: list[DateMention]) -> list[Quantity]:
    """Every numeric claim of ``doc`` (see the module doc for the conventions)."""
    r = _rules()
    text = doc.text
    if not len(doc):
        return []
    # Arrays, not doc.ents/doc.sents: those make a Python object per token.
    array = doc.to_array([LIKE_NUM, LOWER, IDX, SENT_START, ENT_IOB, ENT_TYPE])
    iob = array[:, 4]
    starts = numpy.flatnonzero(iob == 3)
    outside = numpy.append(numpy.flatnonzero(iob != 1), len(doc))
    ends = outside[numpy.searchsorted(outside, starts, side="right")]
    ents = [Span(doc, s, e, label=int(array[s, 5]))
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    ent_at = {i: e for e in ents for i in range(e.start, e.end)}
    blocked = sorted([(d.start, d.end) for d in dates]
                     + [(e.start_char, e.end_char) for e in ents if e.label_ in _NOT_COUNTS])
    sent_starts = sorted({0, *numpy.flatnonzero(array[:, 3] == 1).tolist()})
    sent_chars = [int(array[i, 2]) for i in sent_starts]
    sent_ends = [*sent_chars[1:], len(text)]
    hedged = [False] * len(sent_starts)
    for m in r.hedges.finditer(_lower(text)):
        hedged[max(0, bisect.bisect_right(sent_chars, m.start()) - 1)] = True
    numeric = (array[:, 0] == 1) | numpy.isin(array[:, 1], r.triggers)
    date_spans = sorted(dates, key=lambda d: d.start)
    out: list[Quantity] = []
    previous: tuple[int, int, str, bool] | None = None  # sentence, token end, counted, noun?
    for a in _amounts(text, [int(i) for i in array[numeric, 2]]):
        if _overlaps(blocked, a.num_start, a.end):
            continue
        span = doc.char_span(a.num_start, a.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        if _not_a_count(doc, span, a, text):
            continue
        found = _counted(doc, span, a, r)
        if found is None:
            continue
        if "quantity.counted_other_noun" in found.rules and not _claim_like(doc, span, a):
            continue
        if a.year_like and (found.head is None or "quantity.counted_noun" not in found.rules):
            continue
        sent = bisect.bisect_right(sent_starts, span.start) - 1
        rules = ["quantity.vague" if a.kind.startswith("vague") else f"quantity.{a.kind}"]
        if a.qualifier and a.kind in ("number", "words"):
            rules.append("quantity.qualifier")
        rules += found.rules
        counted = found.counted
        near = previous is not None and previous[0] == sent and span.start - previous[1] <= 10
        if found.head is None and near and previous is not None:
            if counted is None:
                counted = previous[2]
                rules.append("quantity.counted_inherited")
            elif previous[3]:
                rules.append("quantity.noun_inherited")
        if counted is None:
            continue
        place, place_rule = _place(found.anchor, found.head, ent_at)
        if place_rule:
            rules.append(place_rule)
        in_sentence = [d for d in date_spans if sent_chars[sent] <= d.start < sent_ends[sent]
                       and not text[max(0, d.start - 7):d.start].lower().strip().endswith("since")
                       and not _dates_a_thing(doc, d)]
        as_of = None
        if in_sentence:
            nearest = min(in_sentence,
                          key=lambda d: min(abs(d.start - a.end), abs(a.start - d.end)))
            as_of = nearest.value
            rules.append("quantity.as_of_sentence")
        is_hedged = hedged[sent] or (sent + 1 < len(hedged) and hedged[sent + 1])
        if is_hedged:
            rules.append("quantity.hedged")
        end = max(found.end, a.end)
        out.append(Quantity(text[a.start:end], a.start, end, a.value, a.low, a.high,
                            a.qualifier, counted, place=place, as_of=as_of, hedged=is_hedged,
                            rules=tuple(rules)))
        previous = (sent, span.end if found.head is None else found.head.i + 1, counted,
                    found.head is not None and found.person)
    return out
