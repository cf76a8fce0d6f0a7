"""Where an event happened (see extract/events.py), and the territory it changed hands.

Conventions (tests and callers rely on them):

- **Location**: the most specific place in the trigger's clause (its subtree, or that of the
  verb that carries a noun trigger), its actor's phrase excluded: a facility, then a town,
  then a region, then a country; a definite "the plant"/"the city" is the facility/town
  mentioned last; "there" the place mentioned last within the sentence or the two before.
  A facility without coordinates takes the coordinates of a town named in its sentence
  (precision 1), else those of the article's most frequent town (precision 2). With no
  place in the clause the event takes the article's most frequent geocoded place, with
  its precision raised by one (a town becomes 2, a region 3): the text does not place the
  event there, it only places the story there. Rules: ``location.clause``,
  ``location.anaphor``, ``location.there``, ``location.article``.
- **Territory**: a capture is *Government regains territory* when the actor's side is the
  government of the place's country ([territory] governments of data/events.toml) and
  *Non-state actor overtakes territory* otherwise. A place's country is the gazetteer's
  (towns and countries), else [territory] places, else that of the nearest town. With no
  side or no country the actor's words decide ("government forces", "rebels"), else the
  trigger's default stands.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy
from spacy.strings import get_string_id
from spacy.tokens import Token

from crosscheck.extract.entities import fold, load_gazetteer
from crosscheck.records import Location, Mention, Participant

if TYPE_CHECKING:
    from crosscheck.extract._event_roles import Article

__all__ = ["LocationHit", "Places", "anaphor_ids", "distance_km", "locations_agree"]

_PLACES = frozenset({"GPE", "LOC", "FAC"})
_OTHER_CLAUSES = frozenset({"conj", "cc", "ccomp", "advcl", "parataxis", "relcl", "csubj"})


@dataclass(slots=True, frozen=True)
class LocationHit:
    value: Location
    rule: str
    mention: Mention
    country: str | None = None


def _clause(scope: Token) -> set[int]:
    """Token indexes of ``scope``'s own clause: its subtree without coordinated or
    embedded clauses ("declared victory in X but did not enter Y": X only)."""
    out = {scope.i}
    stack = [scope]
    while stack:
        for child in stack.pop().children:
            if child.dep_ not in _OTHER_CLAUSES:
                out.add(child.i)
                stack.append(child)
    return out


def _rank(m: Mention) -> float:
    if m.type == "FAC":
        return 0
    if m.lat is None:
        return 2.5  # a named place the gazetteer does not know
    return float(m.geo_precision or 3)


@lru_cache(maxsize=1)
def _cities() -> tuple[tuple[float, float, str], ...]:
    seen = set()
    out = []
    for place in load_gazetteer().places.values():
        if place.kind == "city" and place.lat is not None and place.country \
                and id(place) not in seen:
            seen.add(id(place))
            out.append((place.lat, place.lon or 0.0, place.country))
    return tuple(out)


@lru_cache(maxsize=512)
def _nearest_country(lat: float, lon: float) -> str | None:
    scale = math.cos(math.radians(lat)) ** 2
    best = min(_cities(), key=lambda c: (c[0] - lat) ** 2 + scale * (c[1] - lon) ** 2,
               default=None)
    return best[2] if best else None


@lru_cache(maxsize=4)
def anaphor_ids(words: frozenset[str]) -> numpy.ndarray:
    return numpy.array(sorted(get_string_id(w) for w in words), dtype=numpy.uint64)


def distance_km(a: Location, b: Location) -> float:
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


class Places:
    """The places of one article, for its events."""

    def __init__(self, art: Article) -> None:
        self.art = art
        self._fallback: tuple[Mention, int] | bool | None = False

    def _located(self, m: Mention, rule: str, sentence: int) -> LocationHit:
        lat, lon, precision = m.lat, m.lon, m.geo_precision
        country = None
        if m.type == "FAC" and lat is None:
            sent = self.art.sentence(sentence)
            town = next((c for c in self.art.mentions_in(sent.start_char, sent.end_char)
                         if c.type == "GPE" and c.geo_precision == 1 and c.lat is not None), None)
            if town is not None:
                lat, lon, precision, rule = town.lat, town.lon, 1, rule + "+town"
            else:
                fallback = self._article_place(towns_only=True)
                if fallback is not None:
                    town = fallback[0]
                    lat, lon, precision = town.lat, town.lon, 2
                    rule = rule + "+article_town"
            if town is not None:
                country = self._country(town)
        elif m.type == "FAC":
            precision = 1
        location = Location(m.name, m.text, m.start, m.end, lat, lon, precision, m.entity_key)
        return LocationHit(location, rule, m, country)

    def _article_place(self, towns_only: bool = False) -> tuple[Mention, int] | None:
        if not towns_only and self._fallback is not False:
            return self._fallback  # type: ignore[return-value]
        counts: Counter[str] = Counter()
        first: dict[str, Mention] = {}
        for m in self.art.mentions:
            if m.type in _PLACES and m.lat is not None and (
                    not towns_only or (m.type == "GPE" and m.geo_precision == 1)):
                counts[m.entity_key] += 1
                first.setdefault(m.entity_key, m)
        result = None
        if counts:
            key = min(counts, key=lambda k: (-counts[k], first[k].geo_precision or 3,
                                             first[k].start))
            m = first[key]
            result = (m, min(3, (m.geo_precision or 3) + 1))
        if not towns_only:
            self._fallback = result
        return result

    def _last_before(self, position: int, kinds: set[str], towns: bool, floor: int = 0
                     ) -> Mention | None:
        i = bisect.bisect_left(self.art.mention_starts, position) - 1
        while i >= 0 and self.art.mentions[i].start >= floor:
            m = self.art.mentions[i]
            if m.type in kinds and (not towns or m.geo_precision == 1):
                return m
            i -= 1
        return None

    def location(self, token: Token, scope: Token, actor: Token | None) -> LocationHit | None:
        """The most specific place of the event (see the module docstring)."""
        excluded: set[int] = set()
        if actor is not None and not actor.is_ancestor(token):
            excluded = {t.i for t in actor.subtree}
        sentence = self.art.sentence_index(token.idx)
        sent = self.art.sentence(sentence)
        anaphors = self.art.rules.roles
        best: tuple[float, int, Mention, str] | None = None

        def consider(m: Mention | None, rule: str, where: int) -> None:
            nonlocal best
            if m is None or (m.type != "FAC" and m.lat is None and m.type == "LOC"):
                return
            key = (_rank(m), abs(where - token.idx), m, rule)
            if best is None or key[:2] < best[:2]:
                best = key

        clause = _clause(scope) - excluded
        for m in self.art.mentions_in(sent.start_char, sent.end_char):
            i = self.art.token_at(m.start)
            if m.type in _PLACES and i is not None and i in clause:
                consider(m, "location.clause", m.start)
        for i in sorted(clause & self.art.anaphors):
            t = self.art.doc[i]
            if self.art.mention_at(t) is not None:
                continue
            if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that")
                       for c in t.children):
                continue
            word = t.lemma_.lower()
            if word in anaphors["facility_anaphors"]:
                consider(self._last_before(t.idx, {"FAC"}, False), "location.anaphor", t.idx)
            elif word in anaphors["city_anaphors"]:
                consider(self._last_before(t.idx, {"GPE"}, True), "location.anaphor", t.idx)
        if best is None and any(c.lower_ == "there" and c.dep_ == "advmod"
                                for c in scope.children):
            floor = self.art.sent_starts[max(0, sentence - 2)]
            for m in self.art.mentions_in(floor, token.idx):
                if m.type in _PLACES:
                    consider(m, "location.there", m.start)
        if best is not None:
            return self._located(best[2], best[3], sentence)
        fallback = self._article_place()
        if fallback is None:
            return None
        hit = self._located(fallback[0], "location.article", sentence)
        return LocationHit(replace_precision(hit.value, fallback[1]), hit.rule, hit.mention)

    def _country(self, m: Mention) -> str | None:
        place = load_gazetteer().places.get(fold(m.name))
        if place is not None and place.country:
            return place.country
        if m.name in self.art.rules.place_countries:
            return self.art.rules.place_countries[m.name]
        if m.lat is not None and m.lon is not None:
            return _nearest_country(round(m.lat, 3), round(m.lon, 3))
        return None

    def territory(self, actor: Participant | None, hit: LocationHit | None) -> str | None:
        """Government regains vs Non-state actor overtakes territory: by the actor's side
        and the place's country when both are known, else by the actor's words ("government
        forces", "rebels"), else None (the trigger's default stands)."""
        if actor is None:
            return None
        if actor.side in self.art.rules.governments and hit is not None:
            country = hit.country or self._country(hit.mention)
            if country is not None:
                if self.art.rules.governments[actor.side] == country:
                    return "Government regains territory"
                return "Non-state actor overtakes territory"
        words = set(re.findall(r"[a-z]+", f"{actor.text} {actor.name or ''}".lower()))
        if words & self.art.rules.roles["non_state_words"]:
            return "Non-state actor overtakes territory"
        if words & self.art.rules.roles["government_words"]:
            return "Government regains territory"
        return None


def replace_precision(location: Location, precision: int) -> Location:
    return Location(location.name, location.text, location.start, location.end, location.lat,
                    location.lon, precision, location.entity_key)



def locations_agree(a: Location | None, b: Location | None) -> bool:
    if a is None or b is None or a.name == b.name:
        return True
    if a.entity_key and a.entity_key == b.entity_key:
        return True
    if 3 in (a.precision, b.precision):
        return True
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return False
    limit = 30.0 if a.precision == b.precision == 1 else 150.0
    return distance_km(a, b) <= limit
