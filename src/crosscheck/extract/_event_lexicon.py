"""The event lexicon (``data/events.toml``): loading, validation, compilation, and the
matching of trigger words at a token (see :mod:`crosscheck.extract.events`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from crosscheck.extract._rules import load_data

__all__ = ["Entry", "EventRules", "Pattern", "Refine", "anchor_of", "candidates",
           "event_rules_version",
           "load_event_rules", "matches"]

_ORIGIN = "crosscheck/extract/data/events.toml"
#: Entity labels whose words are names, never triggers.
_NAMES = frozenset({"DATE", "TIME", "PERSON", "WORK_OF_ART", "LAW", "PRODUCT", "MONEY", "ORG",
                    "FAC", "GPE", "LOC", "NORP", "EVENT", "LANGUAGE"})
_NOUN_POS = frozenset({"NOUN", "PROPN"})
_NOMINAL_DEPS = frozenset({"pobj", "dobj", "nsubj", "nsubjpass", "compound"})


@dataclass(slots=True, frozen=True)
class Entry:
    """One trigger block of the lexicon: the types and the options of its words."""

    index: int
    event_type: str
    sub_event_type: str
    plover: str
    weak: bool
    territory: bool
    claimed: bool
    requires_object: tuple[str, ...]  # class names
    requires_sentence: re.Pattern[str] | None
    requires_head: frozenset[str]
    not_with: frozenset[str]
    not_subject: frozenset[str]
    requires_subject: tuple[str, ...]  # class names


@dataclass(slots=True, frozen=True)
class Pattern:
    entry: Entry
    verb: bool
    head: str  # the word a token must have as lemma (or as lower-case form, for nouns)
    before: tuple[str, ...]  # nouns: the words right before the head, in order
    after: tuple[str, ...]  # verbs: particles/objects after the head; nouns: "X of Y"
    text: str


@dataclass(slots=True, frozen=True)
class Refine:
    index: int
    triggers: frozenset[str]
    local: frozenset[str]
    no_local: frozenset[str]
    objects: frozenset[str]
    subjects: frozenset[str]
    heads: frozenset[str]
    heads_not: frozenset[str]
    sentence: tuple[re.Pattern[str], ...]
    event_type: str
    sub_event_type: str
    plover: str


@dataclass(slots=True, frozen=True)
class EventRules:
    version: str
    verbs: dict[str, tuple[Pattern, ...]]
    nouns: dict[str, tuple[Pattern, ...]]
    refines: tuple[Refine, ...]
    classes: dict[str, frozenset[str]]
    roles: dict[str, Any]  # word sets, demonyms, opponents (see [roles])
    governments: dict[str, str]
    place_countries: dict[str, str]
    status: dict[str, frozenset[str]]
    halt_particles: dict[str, str]
    one_event: tuple[tuple[str, ...], ...]  # sub-types of one event, the one that names it first
    lemma_ids: numpy.ndarray  # hashes of trigger heads as lemmas (any case)
    form_ids: numpy.ndarray  # hashes of trigger heads as lower-case forms (plurals too)


# -- loading -----------------------------------------------------------------------------------


def _fail(what: str) -> ValueError:
    return ValueError(f"{_ORIGIN}: {what}")


def _words(table: dict[str, Any], key: str, where: str, required: bool = False
           ) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise _fail(f"{where}: {key} must be a list of non-empty strings")
    if required and not value:
        raise _fail(f"{where}: {key} is empty")
    return frozenset(w.strip().lower() for w in value)


def _phrases(words: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")(?:s|es)?\b")


def _expand(items: Iterable[Any], classes: dict[str, frozenset[str]], where: str
            ) -> re.Pattern[str]:
    """A sentence requirement: class names stand for their words, a list for itself."""
    words: set[str] = set()
    for item in items:
        if isinstance(item, list):
            words.update(str(w).lower() for w in item)
        elif item in classes:
            words.update(classes[item])
        elif isinstance(item, str) and item:
            words.add(item.lower())
        else:
            raise _fail(f"{where}: bad sentence requirement {item!r}")
    if not words:
        raise _fail(f"{where}: empty sentence requirement")
    return _phrases(words)


def _types(data: dict[str, Any]) -> tuple[dict[str, str], frozenset[str]]:
    acled = data.get("acled")
    if not isinstance(acled, dict) or not acled:
        raise _fail("[acled] is missing")
    parent = {}
    for event_type, subs in acled.items():
        for sub in subs:
            parent[sub] = event_type
    plover = _words(data.get("plover", {}), "types", "[plover]", required=True)
    return parent, frozenset(p.upper() for p in plover)


def _typed(table: dict[str, Any], where: str, parent: dict[str, str], plover: frozenset[str]
           ) -> tuple[str, str, str]:
    sub = table.get("sub_event_type")
    if sub not in parent:
        raise _fail(f"{where}: unknown ACLED sub_event_type {sub!r}")
    event_type = table.get("event_type", parent[sub])
    if parent[sub] != event_type:
        raise _fail(f"{where}: {sub!r} is not a sub-type of {event_type!r}")
    kind = table.get("plover")
    if kind not in plover:
        raise _fail(f"{where}: unknown PLOVER type {kind!r}")
    return event_type, sub, kind


def _patterns(entry: Entry, text: str, verb: bool) -> list[Pattern]:
    """A trigger as written, and, when hyphenated, as the tokenizer may split it. A split
    hyphenated verb is matched at its last part, the verb ("lathi-charged": lathi - charged;
    "counter-attacked": counter - attacked), with the parts before it as preceding words."""
    found = [_pattern(entry, text, verb)]
    if "-" in text.strip("-"):
        split = text.replace("-", " ")
        if verb and " " not in text:
            words = split.lower().split()
            found.append(Pattern(entry, True, words[-1], tuple(words[:-1]), (), split))
        else:
            found.append(_pattern(entry, split, verb))
    return found


def _pattern(entry: Entry, text: str, verb: bool) -> Pattern:
    words = text.lower().split()
    if " of " in f" {text} " and len(words) >= 3:
        i = words.index("of")
        return Pattern(entry, verb, words[i - 1], tuple(words[: i - 1]), tuple(words[i + 1:]),
                       text)
    if verb:
        return Pattern(entry, True, words[0], (), tuple(words[1:]), text)
    return Pattern(entry, False, words[-1], tuple(words[:-1]), (), text)


@lru_cache(maxsize=1)
def load_event_rules() -> EventRules:
    """The event lexicon, validated and compiled (once per process)."""
    data = load_data("events")
    parent, plover = _types(data)
    classes = {name: _words(data["classes"], name, "[classes]", required=True)
               for name in data.get("classes", {})}
    verbs: dict[str, list[Pattern]] = {}
    nouns: dict[str, list[Pattern]] = {}
    for i, block in enumerate(data.get("event", [])):
        where = f"[[event]] #{i + 1}"
        event_type, sub, kind = _typed(block, where, parent, plover)
        needs = block.get("requires_object", [])
        subjects = block.get("requires_subject", [])
        for name in (*needs, *subjects):
            if name not in classes:
                raise _fail(f"{where}: unknown class {name!r}")
        sentence = block.get("requires_sentence")
        entry = Entry(i, event_type, sub, kind, bool(block.get("weak")),
                      bool(block.get("territory")), bool(block.get("claimed")), tuple(needs),
                      _expand(sentence, classes, where) if sentence else None,
                      _words(block, "requires_head", where), _words(block, "not_with", where),
                      _words(block, "not_subject", where), tuple(subjects))
        found = _words(block, "verbs", where) | _words(block, "nouns", where)
        if not found:
            raise _fail(f"{where}: no verbs and no nouns")
        for text in block.get("verbs", []):
            for p in _patterns(entry, text, True):
                verbs.setdefault(p.head, []).append(p)
        for text in block.get("nouns", []):
            for p in _patterns(entry, text, False):
                nouns.setdefault(p.head, []).append(p)
    refines = []
    for i, rule in enumerate(data.get("refine", [])):
        where = f"[[refine]] #{i + 1}"
        event_type, sub, kind = _typed(rule, where, parent, plover)
        triggers = _words(rule, "triggers", where, required=True)
        sentence = tuple(_expand([item], classes, where) for item in rule.get("sentence", []))
        selectors = [_words(rule, k, where) for k in ("local", "object", "subject", "head")]
        if not any(selectors) and not sentence:
            raise _fail(f"{where}: no context (local, object, subject, head or sentence)")
        refines.append(Refine(i, triggers, selectors[0], _words(rule, "requires_no_local", where),
                              selectors[1], selectors[2], selectors[3],
                              _words(rule, "head_not", where), sentence, event_type, sub, kind))
    roles = data.get("roles", {})
    role_sets: dict[str, Any] = {
        key: _words(roles, key, "[roles]", required=True)
        for key in ("light_verbs", "undergo_verbs", "effect_verbs", "military_nouns",
                    "enemy_words", "event_heads", "modified_nouns", "of_is_actor",
                    "force_modifiers", "passive_actor_verbs")}
    anaphors = roles.get("place_anaphors", {})
    for key in ("facility", "city"):
        role_sets[f"{key}_anaphors"] = _words(anaphors, key, "[roles.place_anaphors]", True)
    territory = data.get("territory", {})
    for key in ("government_words", "non_state_words"):
        role_sets[key] = _words(territory, key, "[territory]", required=True)
    role_sets["demonyms"] = dict(roles.get("demonyms", {}))
    role_sets["opponents"] = dict(roles.get("opponents", {}))
    status_table = data.get("status", {})
    status = {key: _words(status_table, key, "[status]", required=True)
              for key in ("order", "halt", "plan", "hypothetical", "future", "possible",
                          "negations", "conditional_marks")}
    groups = data.get("one_event", {}).get("groups", [])
    for group in groups:
        if not isinstance(group, list) or len(group) < 2:
            raise _fail(f"[one_event] groups: {group!r} is not a list of two or more sub-types")
        for sub in group:
            if sub not in parent:
                raise _fail(f"[one_event] groups: unknown ACLED sub_event_type {sub!r}")
    if not territory.get("governments"):
        raise _fail("[territory] governments is empty")
    heads = set(verbs) | set(nouns)
    lemma_ids = {get_string_id(v) for h in heads for v in (h, h.title(), h.upper())}
    form_ids = {get_string_id(v) for h in heads
                for v in (h, h + "s", h + "es", h[:-1] + "ies" if h.endswith("y") else h)}
    return EventRules(
        version=data["version"],
        verbs={k: tuple(sorted(v, key=lambda p: -len(p.before) - len(p.after)))
               for k, v in verbs.items()},
        nouns={k: tuple(sorted(v, key=lambda p: -len(p.before) - len(p.after)))
               for k, v in nouns.items()},
        refines=tuple(refines), classes=classes, roles=role_sets,
        governments=dict(territory["governments"]),
        place_countries=dict(territory.get("places", {})), status=status,
        halt_particles=dict(status_table.get("halt_particles", {})),
        one_event=tuple(tuple(g) for g in groups),
        lemma_ids=numpy.array(sorted(lemma_ids), dtype=numpy.uint64),
        form_ids=numpy.array(sorted(form_ids), dtype=numpy.uint64))


def event_rules_version() -> str:
    return load_event_rules().version


# -- triggers ------------------------------------------------------------------------------------


def _follows(head: Token, words: tuple[str, ...]) -> list[Token] | None:
    """Tokens after ``head`` (within six words, in its subtree) with these lemmas, in order."""
    found: list[Token] = []
    position = head.i
    doc = head.doc
    for word in words:
        hit = None
        for j in range(position + 1, min(len(doc), head.i + 7)):
            t = doc[j]
            if (t.lemma_.lower() == word or t.lower_ == word) and head.is_ancestor(t):
                hit = t
                break
        if hit is None:
            return None
        found.append(hit)
        position = hit.i
    return found


def _precedes(head: Token, words: tuple[str, ...]) -> list[Token] | None:
    found: list[Token] = []
    j = head.i - 1
    doc = head.doc
    for word in reversed(words):
        while j >= 0 and doc[j].text in ("-", "–"):
            j -= 1
        if j < 0 or (doc[j].lemma_.lower() != word and doc[j].lower_ != word):
            return None
        found.append(doc[j])
        j -= 1
    return found


def matches(token: Token, rules: EventRules) -> Iterable[tuple[Pattern, list[Token]]]:
    """The lexicon patterns that match at ``token``, longest first."""
    if token.pos_ == "VERB":  # the form too: the small lemmatizers read "raped" as "rap"
        candidates = rules.verbs.get(token.lemma_.lower()) or rules.verbs.get(token.lower_, ())
        if token.tag_ == "VBG" and token.dep_ in _NOMINAL_DEPS:
            # a gerund parsed as a verb where a noun stands ("killed in police firing")
            candidates = (*rules.nouns.get(token.lower_, ()), *candidates)
    elif token.pos_ in _NOUN_POS:
        candidates = rules.nouns.get(token.lemma_.lower()) or rules.nouns.get(token.lower_, ())
    else:
        return
    for pattern in candidates:
        extra: list[Token] | None = []
        if pattern.before:
            extra = _precedes(token, pattern.before)
        if extra is not None and pattern.after:
            more = (_follows(token, pattern.after) if pattern.verb
                    else _of_object(token, pattern.after))
            extra = None if more is None else extra + more
        if extra is not None:
            yield pattern, extra


def _of_object(token: Token, words: tuple[str, ...]) -> list[Token] | None:
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.lemma_.lower() == words[-1]:
                    return [prep, obj]
    return None


def candidates(doc: Doc, rules: EventRules) -> list[int]:
    """Indexes of the words whose lemma or form is a trigger head (a vectorised pre-filter:
    only these become Token objects)."""
    if not len(doc):
        return []
    array = doc.to_array([LEMMA, LOWER])
    hit = numpy.isin(array[:, 0], rules.lemma_ids) | numpy.isin(array[:, 1], rules.form_ids)
    return [int(i) for i in numpy.flatnonzero(hit)]


def anchor_of(token: Token, pattern: Pattern, rules: EventRules) -> Token | None:
    """The token that stands for the event in the clause: the trigger, or the noun it
    modifies when that noun is an operation, a wave... (None: not an event here)."""
    if token.ent_type_ in _NAMES:
        return None  # "March" the month, "the Crimea Platform Summit", "Operation Storm"
    if pattern.verb:
        return None if token.dep_ == "amod" else token
    if token.dep_ == "compound" and token.head.i != token.i:
        if token.head.lemma_.lower() in rules.roles["event_heads"]:
            return token.head
        return None
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if after is not None and after.lemma_.lower() in rules.roles["modified_nouns"]:
        return None  # "air raid sirens", "missile defence" (whatever the parse says)
    return token
