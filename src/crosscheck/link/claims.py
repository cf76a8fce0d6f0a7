"""Claims: what the articles of one story assert and deny, lined up across articles.

Propositions are built from the events Extraction stores (an event carries its statement,
so its speaker, and a status saying whether it is asserted, denied, ordered, called off or
planned), from statements that carry no event (what was said, lined up by the content
words two statements of different articles share), and from figures (numeric claims);
they are compared only within a story, so the cost grows with story sizes, never with
all pairs of articles.

A proposition is *who (side) — did what (event type) — where (a place cluster: names that
resolve within ``place_km`` of each other, countries apart) — in which mode (happened,
ordered, called off, planned) — when (a run of dates with no gap over ``gap_days``)*.
An event whose actor side or place is unknown joins the one proposition that differs from
it only there, when there is exactly one; a denial with no actor is about the denier's own
side (a spokesman denies what his side's forces are said to have done).

Each piece of evidence has an *origin* (:func:`crosscheck.link.sources.origin`: the
speaker; else the agency relayed; else the wire the article credits; else the outlet).
Evidence with one origin is one source, however many outlets carried it. Then:

- a **contradiction** is a proposition asserted by one origin and denied by another, or
  figures for the same counted quantity, place and day from different origins whose ranges
  cannot both hold (beyond ``figure_tolerance``);
- a **corroboration** is a proposition asserted by at least two origins and denied by
  none (weighed up when the origins are on opposite sides), or compatible figures for the
  same quantity, place and day from at least two origins;
- everything else is ``single``.

Figures about the same counted quantity at the same place form a **series** of dated
points by source; a figure with no place joins the one place the same quantity has
elsewhere in the story, else takes the story's main place (flagged as inferred); a figure
dated more than a year before its article is history, not part of any series.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from crosscheck.link._text import term_counts, words
from crosscheck.link.sources import OutletRegistry, default_registry, origin
from crosscheck.store import Store
from crosscheck.store.claims import StoryClaims

__all__ = ["CLAIMS_VERSION", "ClaimConfig", "ClaimReport", "story_claims", "update_claims"]

CLAIMS_VERSION = "1.3.0"

#: event status -> the mode of the proposition, and whether the evidence asserts or denies
_MODALITY = {"reported": "happened", "claimed": "happened", "denied": "happened",
             "ordered": "ordered", "called_off": "called_off", "planned": "planned"}
_MODE_WORDS = {"happened": "", "ordered": " (ordered)", "called_off": " (called off)",
               "planned": " (planned)"}
#: ACLED types kept whole (their sub-types are confused with each other by the text:
#: an air strike is often reported as shelling); the others keep their sub-type
_TYPE_LEVEL = {"Explosions/Remote violence": "strikes",
               "Violence against civilians": "violence against civilians",
               "Protests": "protests", "Riots": "riots"}
_LOWER_BOUND = {"at least", "more than"}
_UPPER_BOUND = {"up to", "less than"}
_ROUGH = {"about": (0.8, 1.2), "nearly": (0.8, 1.0)}


@dataclass(slots=True)
class ClaimConfig:
    place_km: float = 30.0  # places closer than this are one place (countries never merge)
    gap_days: int = 3  # a proposition's evidence splits where dates jump by more than this
    figure_tolerance: float = 0.1  # figures whose ranges miss each other by more conflict
    figure_days: int = 0  # figures compared when their dates differ by at most this
    #: statements that carry no event line up when their content terms overlap this much
    #: (Jaccard); candidates share at least two terms held by few statements of the story
    statement_jaccard: float = 0.5
    statement_min_terms: int = 3
    statement_rare: int = 50  # a term in more statements of the story does not block
    #: a figure dated more than this many days before its article is history, not news
    history_days: int = 365


@dataclass(slots=True)
class ClaimReport:
    stories: int = 0
    claims: int = 0
    contradictions: int = 0
    corroborations: int = 0
    series: int = 0
    seconds: float = 0.0
    version: str = CLAIMS_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def update_claims(store: Store, story_ids: Sequence[str] | None = None, *,
                  config: ClaimConfig | None = None,
                  registry: OutletRegistry | None = None) -> ClaimReport:
    """Recompute the claims and series of stories (of ``story_ids``, or all) whose claims
    are stale: missing, older than the story's last change, or from older rules. Each story
    is written in its own transaction, so a killed run resumes where it stopped."""
    config = config or ClaimConfig()
    registry = registry or default_registry()
    started = time.perf_counter()
    report = ClaimReport()
    for story_id in store.stale_claim_stories(story_ids, CLAIMS_VERSION):
        inputs = store.claim_inputs(story_id)
        keys = sorted({s["speaker_key"] for s in inputs["statements"].values()
                       if s["speaker_key"]})
        out = story_claims(story_id, inputs, config=config, registry=registry,
                           canonical=store.canonical_keys_or_self(keys))
        store.save_story_claims(story_id, out, CLAIMS_VERSION)
        report.stories += 1
        report.claims += len(out.claims)
        verdicts = Counter(c["verdict"] for c in out.claims)
        report.contradictions += verdicts["contradiction"]
        report.corroborations += verdicts["corroboration"]
        report.series += len(out.series)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


# -- one story ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Evidence:
    stance: str
    article_id: str
    origin: str
    date: str | None
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_key: str | None = None
    side: str | None = None
    outlet: str | None = None
    event_id: str | None = None
    statement_id: str | None = None
    quantity_id: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None

    def row(self, claim_id: str) -> dict[str, Any]:
        return {"claim_id": claim_id, "stance": self.stance, "article_id": self.article_id,
                "event_id": self.event_id, "statement_id": self.statement_id,
                "quantity_id": self.quantity_id, "speaker": self.speaker,
                "speaker_key": self.speaker_key, "side": self.side, "outlet": self.outlet,
                "origin": self.origin, "date": self.date, "value": self.value,
                "low": self.low, "high": self.high, "evidence_text": self.text,
                "evidence_start": self.start, "evidence_end": self.end}


@dataclass(slots=True)
class _Proposition:
    type_key: str
    type_label: str
    event_type: str | None
    sub_event_type: str | None
    modality: str
    side: str | None
    place: str | None
    evidence: list[_Evidence] = field(default_factory=list)


def story_claims(story_id: str, inputs: dict[str, Any], *, config: ClaimConfig,
                 registry: OutletRegistry, canonical: dict[str, str]) -> StoryClaims:
    """The claims and series of one story from :meth:`Store.claim_inputs` (pure)."""
    members = {m["id"]: m for m in inputs["members"]}
    places = _PlaceClusters(inputs["places"], config.place_km)
    narrators = {aid: _Narrator.of(m, registry) for aid, m in members.items()}
    statements = inputs["statements"]
    for ev in inputs["events"]:
        places.add(ev["location_name"])
    for q in inputs["quantities"]:
        places.add(q["place"])
    for name in inputs["top_places"]:
        places.add(name)
    out = StoryClaims()

    def evidence_for(article_id: str, statement_id: str | None, stance: str,
                     when: str | None, text: str, start: int, end: int) -> _Evidence:
        narrator = narrators[article_id]
        st = statements.get(statement_id) if statement_id else None
        if st is not None and st["kind"] != "unattributed" and st["speaker_name"]:
            key = canonical.get(st["speaker_key"], st["speaker_key"])
            source = origin(speaker_key=key, speaker_name=st["speaker_name"],
                            intermediary=st["intermediary"], outlet=narrator.outlet,
                            url=narrator.url, article_id=article_id, registry=registry)
            return _Evidence(stance, article_id, source, when or st["date"] or narrator.date,
                             text, start, end, speaker=st["speaker_name"], speaker_key=key,
                             side=st["speaker_side"], outlet=narrator.outlet,
                             statement_id=statement_id)
        if st is not None and st["intermediary"]:
            source = origin(speaker_key=None, speaker_name=None,
                            intermediary=st["intermediary"], outlet=narrator.outlet,
                            url=narrator.url, article_id=article_id, registry=registry)
        else:
            source = narrator.origin
        return _Evidence(stance, article_id, source, when or narrator.date, text, start, end,
                         side=narrator.side, outlet=narrator.outlet, statement_id=statement_id)

    # 1. events -> propositions
    props: dict[tuple[Any, ...], _Proposition] = {}
    for ev in inputs["events"]:
        modality = _MODALITY.get(ev["status"])
        if modality is None or ev["article_id"] not in members:
            continue
        type_key, type_label = _type_of(ev)
        place = places.cluster(ev["location_name"])
        side = (ev["actor_side"] or "").lower() or None
        if side is None and ev["status"] == "denied":  # one denies what one's own side did
            carrier = statements.get(ev["statement_id"]) if ev["statement_id"] else None
            side = ((carrier or {}).get("speaker_side") or "").lower() or None
        key = (type_key, modality, side, place)
        prop = props.get(key)
        if prop is None:
            prop = props[key] = _Proposition(type_key, type_label, ev["event_type"],
                                             ev["sub_event_type"] if type_key != ev["event_type"]
                                             else None, modality, side, place)
        evidence = evidence_for(ev["article_id"], ev["statement_id"],
                                "denies" if ev["status"] == "denied" else "asserts", ev["date"],
                                ev["evidence_text"], ev["evidence_start"], ev["evidence_end"])
        evidence.event_id = ev["id"]
        prop.evidence.append(evidence)
    _absorb_unknowns(props)
    for prop in sorted(props.values(), key=lambda p: (p.type_key, p.modality, p.side or "",
                                                     p.place or "")):
        for window in _windows(prop.evidence, config.gap_days):
            _add_claim(out, story_id, "event", prop, window, places)

    # 2. statements that carry no event -> propositions of what was said
    carrying = {ev["statement_id"] for ev in inputs["events"] if ev["statement_id"]}
    _statement_claims(out, story_id, [st for sid, st in sorted(statements.items())
                                      if sid not in carrying and st["article_id"] in members],
                      evidence_for, config)

    # 3. figures -> series and figure claims
    default_place = next((c for c in (places.cluster(n) for n in inputs["top_places"]
                                      if registry.lookup(n) is None) if c), None)
    groups: dict[tuple[str, str | None], list[tuple[_Evidence, dict[str, Any]]]] = {}
    inferred: set[tuple[str, str | None]] = set()
    for q in inputs["quantities"]:
        if q["article_id"] not in members:
            continue
        group = (q["counted"], places.cluster(q["place"]))
        narrator = narrators[q["article_id"]]
        when = q["as_of"] or q["claimed_on"]
        if _historical(when, narrator.date, config.history_days):
            continue  # "14 people were killed on Oct. 14, 1920": background, not this story
        estimated = when is None and bool(members[q["article_id"]]["date_estimated"])
        ev = evidence_for(q["article_id"], q["statement_id"], "asserts", when, q["text"],
                          q["start"], q["end"])
        if q["speaker"] and ev.speaker is None:
            ev.speaker = q["speaker"]
        ev.quantity_id, ev.value, ev.low, ev.high = q["id"], q["value"], q["low"], q["high"]
        ev.date = ev.date or narrator.date
        groups.setdefault(group, []).append((ev, {**q, "date_estimated": estimated}))
    for counted, place in [k for k in groups if k[1] is None]:  # a figure with no place:
        located = [k for k in groups if k[0] == counted and k[1] is not None]
        # the one place this quantity has elsewhere in the story, else the story's place
        target = located[0] if len(located) == 1 else (counted, default_place)
        found = groups.pop((counted, place))
        groups.setdefault(target, []).extend(found)
        inferred.add(target)
    for (counted, place), points in sorted(groups.items(), key=lambda kv: (kv[0][0],
                                                                            kv[0][1] or "")):
        if len({(e.origin, e.date, e.value, e.low, e.high) for e, _q in points}) < 2:
            continue
        series_id = "f" + _digest(story_id, counted, place or "")
        out.series.append({"id": series_id, "story_id": story_id, "counted": counted,
                           "place": places.name(place),
                           "place_inferred": (counted, place) in inferred,
                           "points": len(points), "version": CLAIMS_VERSION})
        for e, q in points:
            out.points.append({"series_id": series_id, "quantity_id": e.quantity_id,
                               "article_id": e.article_id, "date": e.date,
                               "date_estimated": q["date_estimated"], "value": e.value,
                               "low": e.low, "high": e.high, "qualifier": q["qualifier"],
                               "speaker": e.speaker, "side": e.side, "outlet": e.outlet,
                               "origin": e.origin, "text": e.text, "start": e.start,
                               "end": e.end})
        _figure_claims(out, story_id, counted, places.name(place), points, config)
    return out


@dataclass(slots=True)
class _Narrator:
    """An article speaking in its own voice: its outlet (or the wire it credits)."""

    outlet: str | None
    url: str | None
    date: str | None
    origin: str
    side: str | None

    @classmethod
    def of(cls, member: dict[str, Any], registry: OutletRegistry) -> _Narrator:
        source = origin(speaker_key=None, speaker_name=None, intermediary=None,
                        outlet=member["outlet"], url=member["url"], article_id=member["id"],
                        text=member["text"], registry=registry)
        found = registry.lookup(member["outlet"], member["url"])
        side = found.side if found is not None and found.state_affiliated else None
        return cls(member["outlet"], member["url"], member["date"] or member["published"],
                   source, side)


def _type_of(ev: dict[str, Any]) -> tuple[str, str]:
    event_type, sub = ev["event_type"], ev["sub_event_type"]
    if event_type in _TYPE_LEVEL:
        return event_type, _TYPE_LEVEL[event_type]
    if sub == "Other" or not sub:
        plover = (ev["plover"] or "other").lower()
        return f"{event_type}/{plover}", f"{event_type.lower()} ({plover})"
    return f"{event_type}/{sub}", sub.lower()


def _absorb_unknowns(props: dict[tuple[Any, ...], _Proposition]) -> None:
    """An event with no place (then: no actor side) joins the one proposition that differs
    from it only there, when exactly one does."""
    for slot in (3, 2):  # place, then side
        for key in [k for k in props if k[slot] is None]:
            others = [k for k in props if k[slot] is not None
                      and all(k[i] == key[i] for i in range(4) if i != slot)]
            if len(others) == 1:
                props[others[0]].evidence.extend(props.pop(key).evidence)


def _windows(evidence: list[_Evidence], gap_days: int) -> list[list[_Evidence]]:
    """Split evidence where its dates jump by more than ``gap_days`` (undated evidence
    stays with the earliest run)."""
    dated = sorted((e for e in evidence if e.date), key=lambda e: e.date or "")
    undated = [e for e in evidence if not e.date]
    runs: list[list[_Evidence]] = []
    last: date | None = None
    for e in dated:
        day = _day(e.date)
        if runs and (day is None or last is None or (day - last).days <= gap_days):
            runs[-1].append(e)  # an unreadable date stays with the run it sorts into
        else:
            runs.append([e])
        last = day if day is not None else last
    if not runs:
        return [undated] if undated else []
    runs[0][:0] = undated
    return runs


def _add_claim(out: StoryClaims, story_id: str, kind: str, prop: _Proposition,
               window: list[_Evidence], places: _PlaceClusters) -> None:
    evidence = _dedupe(window)
    dates = sorted(e.date for e in evidence if e.date)
    key = "|".join([kind, prop.type_key, prop.modality, prop.side or "?", prop.place or "?",
                    dates[0] if dates else "?"])
    claim_id = _unique_id(out, "c" + _digest(story_id, key))
    place = places.name(prop.place)
    label = (f"{prop.side.title() + ': ' if prop.side else ''}{prop.type_label}"
             f"{' at ' + place if place else ''}{_MODE_WORDS[prop.modality]}")
    out.claims.append(_claim_row(claim_id, story_id, kind, key, label, evidence, dates,
                                 event_type=prop.event_type, sub_event_type=prop.sub_event_type,
                                 modality=prop.modality, actor_side=prop.side, place=place))
    out.evidence.extend(e.row(claim_id) for e in evidence)


def _claim_row(claim_id: str, story_id: str, kind: str, key: str, label: str,
               evidence: list[_Evidence], dates: list[str], *, conflict: bool | None = None,
               **fields: Any) -> dict[str, Any]:
    asserting = {e.origin for e in evidence if e.stance == "asserts"}
    denying = {e.origin for e in evidence if e.stance == "denies"}
    sides = {(e.side or "").lower() for e in evidence if e.side}
    if conflict is None:
        conflict = any(a != d for a in asserting for d in denying)
    if conflict:
        verdict = "contradiction"
    elif len(asserting) >= 2 and not denying:
        verdict = "corroboration"
    else:
        verdict = "single"
    weight = len(asserting | denying) + (0.5 * (len(sides) - 1) if len(sides) > 1 else 0.0)
    row = {"id": claim_id, "story_id": story_id, "kind": kind, "key": key, "label": label,
           "event_type": None, "sub_event_type": None, "modality": None, "actor_side": None,
           "place": None, "counted": None, "date_start": dates[0] if dates else None,
           "date_end": dates[-1] if dates else None, "verdict": verdict,
           "asserting_sources": len(asserting), "denying_sources": len(denying),
           "weight": round(weight, 3), "version": CLAIMS_VERSION}
    row.update(fields)
    return row


def _dedupe(evidence: Iterable[_Evidence]) -> list[_Evidence]:
    """One piece of evidence per article and statement (or event, when unattributed)."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for e in evidence:
        key = (e.article_id, e.stance, e.statement_id or e.quantity_id or e.event_id or "")
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _statement_claims(out: StoryClaims, story_id: str, found: list[dict[str, Any]],
                      evidence_for: Any, config: ClaimConfig) -> None:
    """Statements of different articles whose content says the same thing (their content
    terms overlap by ``statement_jaccard``) form a proposition, asserted or denied as each
    statement's stance says. Candidate pairs come from an index of the story's rarer terms
    (never all pairs); a statement said in one article only is no claim."""
    terms = [frozenset(term_counts(words(st["content_text"] or ""))) for st in found]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(terms):
        if len(ts) >= config.statement_min_terms:
            for t in ts:
                postings[t].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for held in postings.values():
        if len(held) <= config.statement_rare:
            for x, i in enumerate(held):
                for j in held[x + 1:]:
                    if found[i]["article_id"] != found[j]["article_id"]:
                        shared[(i, j)] += 1
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), n in shared.items():
        if n >= 2 and len(terms[i] & terms[j]) / len(terms[i] | terms[j]) >= \
                config.statement_jaccard:
            parent[max(root(i), root(j))] = min(root(i), root(j))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(found)):
        groups[root(i)].append(i)
    for members in groups.values():
        if len({found[i]["article_id"] for i in members}) < 2:
            continue
        evidence = [evidence_for(found[i]["article_id"], found[i]["id"], found[i]["stance"],
                                 found[i]["date"], found[i]["content_text"],
                                 found[i]["content_start"], found[i]["content_end"])
                    for i in members]
        evidence = _dedupe(evidence)
        dates = sorted(e.date for e in evidence if e.date)
        first = found[members[0]]
        key = "|".join(["statement", " ".join(sorted(terms[members[0]])[:12]),
                        dates[0] if dates else "?"])
        claim_id = _unique_id(out, "c" + _digest(story_id, key))
        text = " ".join((first["content_text"] or "").split())
        label = "“" + (text if len(text) <= 120 else text[:119] + "…") + "”"
        out.claims.append(_claim_row(claim_id, story_id, "statement", key, label, evidence,
                                     dates))
        out.evidence.extend(e.row(claim_id) for e in evidence)


def _figure_claims(out: StoryClaims, story_id: str, counted: str, place: str | None,
                   points: list[tuple[_Evidence, dict[str, Any]]], config: ClaimConfig) -> None:
    """Figures for one quantity and place, day by day: a contradiction when figures from
    different origins cannot both hold, a corroboration when two or more origins agree."""
    by_day: dict[str, list[tuple[_Evidence, dict[str, Any]]]] = defaultdict(list)
    for e, q in points:  # only figures that give their own place and date compare
        if e.date and not q["date_estimated"] and q["place"]:
            by_day[e.date].append((e, q))
    for day, found in sorted(by_day.items()):
        evidence = _dedupe(e for e, _q in found)
        origins = {e.origin for e in evidence}
        if len(origins) < 2:
            continue
        ranges = {id(e): _range(e, q) for e, q in found}
        conflict = any(a.origin != b.origin and _incompatible(ranges[id(a)], ranges[id(b)],
                                                             config.figure_tolerance)
                       for i, a in enumerate(evidence) for b in evidence[i + 1:])
        key = "|".join(["figure", counted, place or "?", day])
        claim_id = _unique_id(out, "c" + _digest(story_id, key))
        label = f"{counted}{' at ' + place if place else ''} on {day}"
        out.claims.append(_claim_row(claim_id, story_id, "figure", key, label, evidence, [day],
                                     conflict=conflict, counted=counted, place=place))
        out.evidence.extend(e.row(claim_id) for e in evidence)


def _range(e: _Evidence, q: dict[str, Any]) -> tuple[float, float]:
    """The values a figure allows: bounds where the text gives them, a margin for rough
    figures ("about"), open above "at least", from zero below "up to"."""
    qualifier = q["qualifier"]
    if e.value is None:
        return (e.low if e.low is not None else 0.0,
                e.high if e.high is not None else math.inf)
    if qualifier in _ROUGH:
        lo, hi = _ROUGH[qualifier]
        return e.value * lo, e.value * hi
    low = e.low if e.low is not None else (0.0 if qualifier in _UPPER_BOUND else e.value)
    high = e.high if e.high is not None else (math.inf if qualifier in _LOWER_BOUND
                                              else e.value)
    return low, high


def _incompatible(a: tuple[float, float], b: tuple[float, float], tolerance: float) -> bool:
    return a[0] > b[1] * (1 + tolerance) or b[0] > a[1] * (1 + tolerance)


class _PlaceClusters:
    """Place names of one story, grouped: one name in any case, or coordinates closer than
    ``km`` (country- and region-level places only by name)."""

    def __init__(self, coords: dict[str, tuple[float, float, int | None]], km: float) -> None:
        self._coords = coords
        self._km = km
        self._parent: dict[str, str] = {}
        self._uses: Counter[str] = Counter()
        self._names: dict[str, str] = {}

    def add(self, name: str | None) -> None:
        """Register a use of ``name`` (all names first: clusters are final after that)."""
        low = _norm(name)
        if low is None:
            return
        self._uses[low] += 1
        self._names.setdefault(low, " ".join(name.split()) if name else low)
        if low in self._parent:
            return
        self._parent[low] = low
        here = self._coords.get(low)
        if here is None or here[2] not in (1, None):
            return
        for other in list(self._parent):
            there = self._coords.get(other)
            if (other != low and there is not None and there[2] in (1, None)
                    and _km(here, there) <= self._km):
                self._union(low, other)

    def cluster(self, name: str | None) -> str | None:
        """The cluster of a registered name (None for no name)."""
        low = _norm(name)
        if low is None:
            return None
        if low not in self._parent:
            self.add(name)
        return self._find(low)

    def name(self, cluster: str | None) -> str | None:
        """The most used name of the cluster (its display name)."""
        if cluster is None:
            return None
        root = self._find(cluster)
        members = [n for n in self._parent if self._find(n) == root]
        best = max(members, key=lambda n: (self._uses[n], n))
        return self._names.get(best, best)

    def _find(self, name: str) -> str:
        while self._parent[name] != name:
            self._parent[name] = self._parent[self._parent[name]]
            name = self._parent[name]
        return name

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


def _norm(name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    return " ".join(name.lower().split())


def _km(a: tuple[float, float, Any], b: tuple[float, float, Any]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _day(value: str | None) -> date | None:
    """A day from ``YYYY-MM-DD``, or the first day of ``YYYY-MM`` or ``YYYY`` (dates of
    month or year precision)."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def _historical(when: str | None, published: str | None, days: int) -> bool:
    then, now = _day(when), _day(published)
    return then is not None and now is not None and (now - then).days > days


def _unique_id(out: StoryClaims, claim_id: str) -> str:
    """``claim_id``, or with a suffix when two claims of the story share a key (two places
    of one display name, say)."""
    taken = {c["id"] for c in out.claims}
    n, candidate = 1, claim_id
    while candidate in taken:
        n += 1
        candidate = f"{claim_id}-{n}"
    return candidate


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]
