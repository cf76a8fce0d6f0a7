"""Dates: every date expression of an article, resolved against its publication date.

Candidates come from two places: a small grammar of regular expressions run over
``doc.text`` (it finds what spaCy's small model misses, such as "Saturday (23)") and the
parser's DATE entities. Every candidate is resolved by the same grammar; a DATE entity the
grammar cannot read goes to dateparser, and only when it names a month, a weekday or a
numeric date (dateparser turns durations such as "three days" into dates, so it is never
given one). Durations ("for three days", "24 hours", "two weeks of fighting") and ages
("45 years old") are not dates and are skipped.

Conventions (documented here because tests and callers rely on them):

- ``precision`` is day | week | month | year | unknown; ``value`` is YYYY-MM-DD, YYYY-MM or
  YYYY. A week-precision value is the first day of the period meant: the Monday of a week
  ("this week", "last week", "three weeks ago") and the Saturday of a weekend.
- A bare weekday is the most recent such day on or before publication (the same weekday as
  publication is the publication day); "last Friday" is the same day but never the
  publication day itself; "next Friday" is the first one after publication.
- "Saturday (23)": the bracketed number, as Brazilian/Portuguese-translated wire copy
  writes, is the day of month: the most recent 23rd on or before publication. It wins
  over the weekday when they disagree.
- "the weekend", "over/at the weekend", "last weekend": the most recent Saturday on or before
  publication ("last weekend" in a Saturday or Sunday article is the one before);
  "this weekend" in a Monday-to-Friday article is the coming one, "next weekend" the
  first Saturday after publication. Precision week, value that Saturday.
- A month (and day) without a year is put in the publication year, unless that is more than
  ``future_window_days`` (data/dates.toml) after publication: then the previous year.
- Undated article (``published`` is None): relative expressions, and months or days without
  a year, get value None and precision unknown; expressions with a year still resolve.
- Modifiers ("mid-March", "late last year", "earlier this week") stay in the span and do
  not change the value or the precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

import numpy
from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.strings import get_string_id
from spacy.tokens import Doc

from crosscheck.extract._rules import load_data
from crosscheck.records import DateMention

__all__ = ["date_rules_version", "find_dates", "resolve_date"]

_ORIGIN = "crosscheck/extract/data/dates.toml"
UNKNOWN: tuple[str | None, str] = (None, "unknown")
Resolved = tuple[str | None, str]
Groups = dict[str, Any]


@dataclass(slots=True, frozen=True)
class _Lexicon:
    version: str
    months: dict[str, int]  # every spelling (without a trailing full stop) -> 1..12
    full_months: tuple[str, ...]  # the full names (the other spellings are abbreviations)
    weekdays: dict[str, int]  # name -> 0 (Monday) .. 6
    numbers: dict[str, int]  # "a", "two" ... -> value
    window: timedelta


class _Resolver(Protocol):
    def __call__(self, g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None: ...


@dataclass(slots=True, frozen=True)
class _Rule:
    """One kind of date expression.

    ``pattern`` matches the anchor of the expression and starts with a literal (so that the
    regex engine can skip quickly to candidates). What stands before it ("on", "mid-",
    "last", "Thursday,") is read by a left-context pattern: ``extend`` names the groups of it
    that belong to the span, ``requires`` those that must be there, ``context`` those of
    which one must be there in running text (a bare "2014" or "March" needs "in"/"mid-"...,
    unless the parser's NER already calls the phrase a DATE).
    """

    name: str
    pattern: re.Pattern[str]
    resolve: _Resolver
    extend: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    left: re.Pattern[str] | None = None  # a left-context pattern of its own


@dataclass(slots=True, frozen=True)
class _Grammar:
    lexicon: _Lexicon
    rules: tuple[_Rule, ...]
    left: re.Pattern[str]
    leading_prep: re.Pattern[str]
    duration: re.Pattern[str]
    fallback_gate: re.Pattern[str]


def _words(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise ValueError(f"{_ORIGIN}: '{key}' must be a non-empty list")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{_ORIGIN}: '{key}' must hold non-empty strings")
    return value


def _alt(words: list[str] | tuple[str, ...], fold_first: bool = False) -> str:
    """An alternation of phrases, longest first, spaces matching any run of white space.

    ``fold_first`` lets the first letter be either case ("Last week", "last week") while
    keeping the alternation a set of literals the regex engine can scan for quickly.
    """
    out = []
    for phrase in sorted({w.strip() for w in words}, key=len, reverse=True):
        body = r"\s+".join(re.escape(p) for p in phrase.split())
        if fold_first and phrase[0].isalpha():
            body = f"[{phrase[0].upper()}{phrase[0].lower()}]{body[1:]}"
        out.append(body)
    return "|".join(out)


def _lexicon(data: dict[str, Any]) -> _Lexicon:
    months_raw = data.get("months")
    if not isinstance(months_raw, list) or len(months_raw) != 12:
        raise ValueError(f"{_ORIGIN}: 'months' must list the 12 months in order")
    months: dict[str, int] = {}
    for number, spellings in enumerate(months_raw, start=1):
        if not isinstance(spellings, list) or not spellings:
            raise ValueError(f"{_ORIGIN}: month {number} has no spellings")
        for spelling in spellings:
            months[str(spelling)] = number
    weekdays = _words(data, "weekdays")
    if len(weekdays) != 7:
        raise ValueError(f"{_ORIGIN}: 'weekdays' must list the 7 days, Monday first")
    window = data.get("future_window_days")
    if not isinstance(window, int) or window < 0:
        raise ValueError(f"{_ORIGIN}: 'future_window_days' must be a non-negative integer")
    values = {"a": 1, "an": 1}
    counted = [w.lower() for w in _words(data, "number_words") if w.lower() not in values]
    values.update({w: i for i, w in enumerate(counted, start=1)})  # "one" -> 1, "two" -> 2
    full = tuple(str(spellings[0]) for spellings in months_raw)
    return _Lexicon(data["version"], months, full, {w: i for i, w in enumerate(weekdays)},
                    values, timedelta(days=window))


# -- resolution helpers ----------------------------------------------------------------------

def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _in_year(month: int, day: int, pub: date, lex: _Lexicon) -> date | None:
    """A month/day without a year: the publication year, or the one before (see module doc)."""
    found = _safe_date(pub.year, month, day)
    if found is not None and found > pub + lex.window:
        found = _safe_date(pub.year - 1, month, day)
    return found


def _rel(g: Groups) -> str:
    return " ".join(g["rel"].lower().split()) if g.get("rel") else ""


def _month(g: Groups, lex: _Lexicon) -> int:
    return lex.months[g["mon"].rstrip(".")]


# -- resolvers: (groups, publication date, lexicon) -> (value, precision) or None ---------

def _r_iso(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    found = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
    return (found.isoformat(), "day") if found else None


def _r_month_day(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    month, day = _month(g, lex), int(g["d"])
    if g.get("y"):
        found = _safe_date(int(g["y"]), month, day)
    elif _safe_date(2000, month, day) is None:  # no such day in any year
        return None
    elif pub is None:
        return UNKNOWN
    else:
        found = _in_year(month, day, pub, lex)
    return (found.isoformat(), "day") if found else None


def _r_month_year(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    return _ym(int(g["y"]), _month(g, lex)), "month"


def _r_month(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    rel = _rel(g)
    if rel and rel not in ("this", "last", "next"):
        return None
    if pub is None:
        return UNKNOWN
    month = _month(g, lex)
    if rel == "last":  # "last July": the latest July before the publication month
        year = pub.year if month < pub.month else pub.year - 1
    elif rel == "next":
        year = pub.year if month > pub.month else pub.year + 1
    elif rel == "this":
        year = pub.year
    else:
        found = _in_year(month, 1, pub, lex)
        year = found.year if found else pub.year
    return _ym(year, month), "month"


def _r_bracket_day(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    day = int(g["d"])
    if not 1 <= day <= 31:
        return None
    if pub is None:
        return UNKNOWN
    for back in range(3):  # this month, else the latest earlier month that has that day
        found = _safe_date(*_shift_month(pub.year, pub.month, -back), day)
        if found is not None and found <= pub:
            return found.isoformat(), "day"
    return None


def _r_weekday(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    rel = _rel(g)
    if rel.startswith("the"):
        return None
    if pub is None:
        return UNKNOWN
    target = lex.weekdays[g["wd"]]
    if rel == "next":
        ahead = (target - pub.weekday()) % 7 or 7
        return (pub + timedelta(days=ahead)).isoformat(), "day"
    back = (pub.weekday() - target) % 7
    if rel == "last" and back == 0:
        back = 7
    return (pub - timedelta(days=back)).isoformat(), "day"


_RELATIVE_DAYS = {"the day before yesterday": -2, "yesterday": -1, "last night": -1,
                  "yesterday morning": -1, "yesterday afternoon": -1, "yesterday evening": -1,
                  "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
                  "this evening": 0, "tomorrow": 1}


def _r_relative_day(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    shift = _RELATIVE_DAYS.get(" ".join(g["text"].lower().split()))
    if shift is None:
        return None
    if pub is None:
        return UNKNOWN
    return (pub + timedelta(days=shift)).isoformat(), "day"


def _r_ago(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    if pub is None:
        return UNKNOWN
    raw = g["n"].lower()
    n = int(raw) if raw.isdigit() else lex.numbers.get(raw)
    if n is None:
        return None
    unit = g["unit"].lower()
    if unit == "day":
        return (pub - timedelta(days=n)).isoformat(), "day"
    if unit == "week":
        return _monday(pub - timedelta(weeks=n)).isoformat(), "week"
    if unit == "month":
        return _ym(*_shift_month(pub.year, pub.month, -n)), "month"
    return f"{pub.year - n:04d}", "year"


def _shift(g: Groups) -> int | None:
    """-1, 0, +1 for last/this/next; None for "the past" (a duration, not a date)."""
    return {"last": -1, "this past": -1, "this": 0, "next": 1}.get(_rel(g))


def _r_week(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    shift = _shift(g)
    if shift is None:
        return None
    if pub is None:
        return UNKNOWN
    return (_monday(pub) + timedelta(weeks=shift)).isoformat(), "week"


def _r_weekend(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    rel = _rel(g) or ("the" if g.get("the") else "")
    if not rel:
        return None
    if pub is None:
        return UNKNOWN
    weekday = pub.weekday()
    latest = pub - timedelta(days=(weekday - 5) % 7)  # the most recent Saturday (or pub)
    if rel == "next":
        found = pub + timedelta(days=(5 - weekday) % 7 or 7)
    elif rel == "this" and weekday < 5:
        found = pub + timedelta(days=5 - weekday)
    elif rel == "last" and weekday >= 5:
        found = latest - timedelta(days=7)
    else:
        found = latest
    return found.isoformat(), "week"


def _r_month_relative(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    shift = _shift(g)
    if shift is None:
        return None
    if pub is None:
        return UNKNOWN
    return _ym(*_shift_month(pub.year, pub.month, shift)), "month"


def _r_year_relative(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    shift = _shift(g)
    if shift is None:
        return None
    if pub is None:
        return UNKNOWN
    return f"{pub.year + shift:04d}", "year"


def _r_year(g: Groups, pub: date | None, lex: _Lexicon) -> Resolved | None:
    return g["y"], "year"


# -- the grammar -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    data = load_data("dates")
    lex = _lexicon(data)
    preps, mods = _words(data, "prepositions"), _words(data, "period_modifiers")
    times, units = _words(data, "times_of_day"), _words(data, "duration_units")
    full = list(lex.full_months)
    abbrev = [s for s in lex.months if s not in lex.full_months]
    month = rf"(?P<mon>(?:{_alt(full + abbrev)})(?![A-Za-z-])(?:\.(?=\s*\d))?)"
    weekday = rf"(?P<wd>{_alt(list(lex.weekdays))})(?![A-Za-z])"
    tod = rf"(?:\s+(?:{_alt(times)})\b)?"
    year = r"(?P<y>(?:19|20)\d{2})(?![\ds]|[-–/,.]\d)"
    suffix = r"(?:st|nd|rd|th)?"
    numbers = _alt(data["number_words"], fold_first=True)
    rel = _alt(["this past", "this", "last", "next", "the past"], fold_first=True)
    left = re.compile(
        rf"(?:\b(?P<pre>{_alt(preps, True)})\s+)?(?:\b(?P<mod>{_alt(mods, True)})(?:\s+|-))?"
        rf"(?:\b(?P<rel>{rel})\s+|\b{weekday},?\s+|\b(?P<the>[Tt]he)\s+)?$")
    day_left = re.compile(r"(?:\b(?P<before>[Tt]he\s+day\s+before\s+)?(?P<lead>[YyTt])"
                          r"|\b(?P<rel>[Ll]ast|[Tt]his|[Yy]esterday)\s+)$")
    ago_left = re.compile(rf"\b(?P<n>{numbers}|\d{{1,2}})\s+(?P<unit>day|week|month|year)s?\s+$")

    def rule(name: str, pattern: str, fn: _Resolver, **kw: Any) -> _Rule:
        return _Rule(name, re.compile(pattern), fn, **kw)

    rules = (
        rule("date.iso", r"(?P<y>(?:19|20)\d{2})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])"
                         r"(?![\d-])", _r_iso),
        rule("date.weekday_bracket_day", rf"{weekday}{tod}\s*\(\s*(?P<d>\d{{1,2}}){suffix}\s*\)",
             _r_bracket_day, extend=("rel",)),
        rule("date.month_day", rf"{month}\s+(?P<d>\d{{1,2}}){suffix}(?![\d:]|[.,]\d)"
                               rf"(?:,?\s+{year})?", _r_month_day, extend=("wd",)),
        rule("date.day_month", rf"(?P<d>\d{{1,2}}){suffix}\s+(?:of\s+)?{month}(?:,?\s+{year})?",
             _r_month_day, extend=("wd", "the")),
        rule("date.month_year", rf"{month},?\s+(?:of\s+)?{year}", _r_month_year,
             extend=("mod",)),
        rule("date.month", rf"{month}(?!\s*\d)", _r_month, extend=("mod", "rel"),
             context=("pre", "mod", "rel")),
        rule("date.weekday", rf"{weekday}{tod}", _r_weekday, extend=("mod", "rel")),
        rule("date.relative_day", r"(?:esterday|oday|onight|omorrow|night|morning|afternoon|"
                                  r"evening)\b", _r_relative_day, left=day_left,
             extend=("before", "lead", "rel")),
        rule("date.ago", r"ago\b", _r_ago, requires=("n", "unit"), left=ago_left,
             extend=("n",)),
        rule("date.week", r"week(?![\w-])", _r_week, requires=("rel",), extend=("mod", "rel")),
        rule("date.weekend", r"weekend(?![\w-])", _r_weekend, extend=("rel", "the")),
        rule("date.month_relative", r"month(?![\w-])", _r_month_relative, requires=("rel",),
             extend=("mod", "rel")),
        rule("date.year_relative", r"year(?![\w-])", _r_year_relative, requires=("rel",),
             extend=("mod", "rel")),
        rule("date.year", rf"{year}(?!\s*(?:%|per\s*cent|percent))", _r_year, extend=("mod",),
             context=("pre", "mod")),
    )
    duration = re.compile(
        rf"(?i)\b(?:\d[\d,.]*|{numbers}|few|several|many|couple|dozens?|hundreds?|\w+)"
        rf"(?:\s+|-)(?:(?:more|full|long|straight|consecutive)\s+)?(?:{_alt(units)})s?\b"
        r"(?!\s+(?:ago|earlier|later|before|after)\b)"
        rf"|\b(?:{_alt(units)})s?\b(?!\s+(?:ago|earlier|later)\b)(?!.*\d)"
        r"|\baged?\s+\d|\byears?[- ]old\b")
    gate = re.compile(rf"{month}|{weekday}|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b")
    leading = re.compile(rf"^(?:{_alt(preps, True)})\s+")
    return _Grammar(lex, rules, left, leading, duration, gate)


def date_rules_version() -> str:
    """The version of the packaged date rule data (data/dates.toml)."""
    return _grammar().lexicon.version


def _parse_published(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


_Hit = tuple[int, int, int, Resolved, str]  # start, end, rule order, resolution, rule name


def _glued(text: str, start: int) -> bool:
    """Whether the match at ``start`` continues a word or a number ("Su-25", "1,2022")."""
    if start == 0:
        return False
    before = text[start - 1]
    if before.isalnum() or before == "_":
        return True
    return before in ",./-:" and start >= 2 and text[start - 2].isdigit()


def _scan(text: str, pub: date | None, running: bool) -> list[_Hit]:
    """Every resolvable match of every rule in ``text`` (overlapping ones included)."""
    g = _grammar()
    hits: list[_Hit] = []
    for order, rule in enumerate(g.rules):
        for m in rule.pattern.finditer(text):
            s, e = m.span()
            found = (rule.left or g.left).search(text, max(0, s - 60), s)
            lg = found.groupdict() if found else {}
            if any(not lg.get(k) for k in rule.requires):
                continue
            if running and rule.context and not any(lg.get(k) for k in rule.context):
                continue
            start = min([s] + [found.start(k) for k in rule.extend if found and lg.get(k)])
            if _glued(text, start):
                continue
            groups = {**lg, **{k: v for k, v in m.groupdict().items() if v is not None}}
            groups["text"] = text[start:e]
            resolved = rule.resolve(groups, pub, g.lexicon)
            if resolved is not None:
                hits.append((start, e, order, resolved, rule.name))
    return hits


@lru_cache(maxsize=64)
def _dateparser(published: date) -> Any:
    from dateparser.date import DateDataParser  # imported on first use: it is slow to load

    base = datetime(published.year, published.month, published.day)
    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False})


@lru_cache(maxsize=4096)
def _fallback(text: str, pub: date) -> Resolved | None:
    data = _dateparser(pub).get_date_data(text)
    found = data.date_obj if data else None
    if found is None:
        return None
    period, day = data.period or "day", found.date()
    if period == "week":
        return _monday(day).isoformat(), "week"
    if period == "month":
        return _ym(day.year, day.month), "month"
    if period == "year":
        return f"{day.year:04d}", "year"
    return day.isoformat(), "day"


def _resolve_phrase(text: str, pub: date | None) -> tuple[Resolved, str] | None:
    """Resolve a whole phrase: grammar first, then dateparser; None for non-dates."""
    g = _grammar()
    text = g.leading_prep.sub("", text.strip().rstrip(".,;:"))
    text = text.removesuffix("'s").removesuffix("’s")
    for start, end, _, resolved, name in sorted(_scan(text, pub, running=False),
                                                key=lambda h: h[2]):
        if start == 0 and end == len(text):
            return resolved, name
    if g.duration.search(text) or not g.fallback_gate.search(text):
        return None
    if pub is None:
        return UNKNOWN, "date.unresolved"
    parsed = _fallback(text, pub)
    return (parsed, "date.dateparser") if parsed else None


def resolve_date(text: str, published: str | None) -> tuple[str | None, str]:
    """Resolve one date phrase ("on Saturday (23)", "last month") against a publication date.

    Returns ``(value, precision)``; ``(None, "unknown")`` when the phrase is not a date or
    cannot be resolved (a relative phrase in an undated article).
    """
    found = _resolve_phrase(text, _parse_published(published))
    return found[0] if found else UNKNOWN


def _counts_a_noun(doc: Doc, start: int, end: int) -> bool:
    """'in 2000 attacks': a four-digit number counting a plural noun is not a year."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    token = span[-1]
    return token.dep_ == "nummod" and token.head.tag_ == "NNS" and token.head.i > token.i


def _date_entities(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the parser's DATE entities, read from arrays: ``doc.ents`` makes a
    Python object per token, which costs more than all the date rules together."""
    if not len(doc):
        return []
    array = doc.to_array([ENT_IOB, ENT_TYPE])
    starts = numpy.flatnonzero((array[:, 0] == 3) & (array[:, 1] == get_string_id("DATE")))
    outside = numpy.append(numpy.flatnonzero(array[:, 0] != 1), len(doc))  # not inside (I)
    ends = outside[numpy.searchsorted(outside, starts, side="right")]
    return [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1]))
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def find_dates(doc: Doc, published: str | None) -> list[DateMention]:
    """Every date expression of ``doc`` with its span, value and precision (see module doc)."""
    g = _grammar()
    pub = _parse_published(published)
    text = doc.text
    hits = sorted(_scan(text, pub, running=True), key=lambda h: (h[0], h[0] - h[1], h[2]))
    kept: list[DateMention] = []
    last_end = -1
    for start, end, _, (value, precision), name in hits:
        if start < last_end or (name == "date.year" and _counts_a_noun(doc, start, end)):
            continue
        kept.append(DateMention(text[start:end], start, end, value, precision, (name,)))
        last_end = end
    spans = [(k.start, k.end) for k in kept]
    for s, e in _date_entities(doc):
        if any(s < ke and ks < e for ks, ke in spans):
            continue
        lead = g.leading_prep.match(text[s:e])
        if lead:
            s += lead.end()
        phrase = text[s:e]
        resolved = _resolve_phrase(phrase, pub)
        if resolved is None or (resolved[1] == "date.year" and _counts_a_noun(doc, s, e)):
            continue
        (value, precision), name = resolved
        kept.append(DateMention(phrase, s, e, value, precision, ("date.ner", name)))
    kept.sort(key=lambda d: d.start)
    return kept
