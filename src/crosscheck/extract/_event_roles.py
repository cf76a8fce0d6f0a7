"""Roles of an event: actor, target, location, date and figures (see extract/events.py).

Conventions (tests and callers rely on them):

- **Actor** of a verb: its active subject, or the "by X" agent of a passive; a subject that
  is missing is taken from the governing verb ("troops continue to attack", "X attacked and
  captured"). Of a noun: a "by X" agent, else a named modifier ("Russian air strikes",
  "Azov Regiment counterattack"), else the subject of the verb that carries it ("launched an
  assault"), else an armed body that modifies it ("police firing", "army shelling"), else
  its possessive pronoun. **Target**: the object of a verb (the subject of
  a passive), the "on/against/of X" of a noun, the object of the verb a noun is subject of
  ("strikes hit a school"), and the subject of "repelled"/"came under" a noun.
- A participant is the article's mention at that phrase (name, entity key, side). A
  nationality or a seat of government with a military head noun ("Russian troops", "Moscow's
  troops", "the Russians") becomes the forces of that side: name "Russian forces", entity
  key ``GROUP:russian forces``. "We"/"our troops" in a statement are the speaker's side;
  "it"/"its troops" in a statement the speaker; a third-person pronoun in narration the
  previous event's actor (within three sentences; an unnamed one, "the police", lends its
  words as the name); "the enemy" in a speaker's mouth is the
  other side ([roles.opponents]).
- **Location**: see :mod:`crosscheck.extract._event_places`.
- **Date**: the date mention of the trigger's sentence nearest to it (value and precision),
  else the date of the statement that carries it, else none (the publication date is never
  used silently). **Figures**: every quantity of the sentence; deaths (``counted == "dead"``)
  go to the nearest violent event there, summed, a range or "at least" counting its low bound.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import IDX, LEMMA, POS, SENT_START
from spacy.parts_of_speech import NOUN
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from crosscheck.extract._event_places import Places, anaphor_ids, locations_agree
from crosscheck.extract.entities import entity_key, side_of
from crosscheck.records import (
    DateMention,
    Event,
    Mention,
    Participant,
    Quantity,
    Span,
    Statement,
)

if TYPE_CHECKING:
    from crosscheck.extract._event_lexicon import EventRules

__all__ = ["Article", "Roles", "find_roles", "merge_compatible"]

_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "him", "her", "them", "us", "its",
                       "their", "our", "his", "my", "who", "which", "that", "ours", "theirs"})
_FIRST = frozenset({"we", "our", "us", "i", "my", "me", "ours"})
_RELATIVE = frozenset({"who", "which", "that"})
_TARGET_PREPS = frozenset({"on", "against", "at", "of", "targeting", "upon", "into"})
_PLACES = frozenset({"GPE", "LOC", "FAC"})
_PRECISION_BY_LENGTH = {10: "day", 7: "month", 4: "year"}
_NOUN_ID = int(NOUN)
_CLIMB = frozenset({"xcomp", "conj", "advcl", "pcomp", "acl", "prep"})
_OTHER_CLAUSES = frozenset({"conj", "cc", "ccomp", "advcl", "parataxis", "relcl", "csubj"})


@dataclass(slots=True)
class Roles:
    actor: Token | None = None
    target: Token | None = None
    objects: list[Token] = field(default_factory=list)
    actor_participant: Participant | None = None
    target_participant: Participant | None = None
    scope: Token | None = None
    rules: list[str] = field(default_factory=list)


# -- actor and target ---------------------------------------------------------------------------


def _child(token: Token, *deps: str) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _pobj(prep: Token) -> Token | None:
    return _child(prep, "pobj")


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _subject_of(verb: Token) -> Token | None:
    """The agent of a clause: subject, "by" agent of a passive, or the governing verb's."""
    node = verb
    for _ in range(4):
        if _is_passive(node):
            agent = _child(node, "agent")
            if agent is not None and _pobj(agent) is not None:
                return _pobj(agent)
        else:
            subject = _child(node, "nsubj")
            if subject is not None:
                if subject.lower_ in _RELATIVE and node.dep_ == "relcl":
                    return node.head
                return subject
        if node.dep_ in _CLIMB and node.head.i != node.i:
            if node.dep_ == "acl" and node.head.pos_ in ("NOUN", "PROPN", "PRON"):
                if node.tag_ != "VB" or node.head.dep_ not in ("dobj", "attr", "nsubjpass"):
                    return None if node.tag_ == "VBN" else node.head
                node = node.head  # "made an attempt to evacuate": the maker
            node = node.head
        else:
            return None
    return None


def _verb_roles(verb: Token, roles: Roles) -> None:
    passive = _is_passive(verb)
    roles.actor = _subject_of(verb)
    for child in verb.children:
        if child.dep_ == "nsubjpass" or (child.dep_ == "dobj" and not passive):
            if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                child = verb.head
            roles.target = roles.target or child
            roles.objects.append(child)
            roles.objects.extend(c for c in child.children if c.dep_ == "conj")
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ == "of" and (obj := _pobj(prep)):
                    roles.objects.append(obj)  # "took control of the town"
        elif child.dep_ == "prep" and child.lower_ in _TARGET_PREPS and (obj := _pobj(child)):
            roles.objects.append(obj)
            if child.lower_ in ("on", "against", "at", "upon"):
                roles.target = roles.target or obj
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN"):
        roles.target = roles.target or verb.head  # "the plant being attacked by X"
        roles.objects.append(verb.head)
    roles.scope = verb


def _noun_roles(noun: Token, anchor: Token, roles: Roles, art: Article) -> None:
    words = art.rules.roles
    agent = modifier = carrier = pronoun = force = None
    for holder in (noun,) if noun.i == anchor.i else (noun, anchor):
        for child in holder.children:
            if child.dep_ == "prep" and child.lower_ == "by" and (by := _pobj(child)):
                agent = by
            elif child.dep_ == "prep" and child.lower_ in _TARGET_PREPS and (obj := _pobj(child)):
                if child.lower_ == "of" and noun.lemma_.lower() in words["of_is_actor"] and (
                        obj.lemma_.lower() in words["military_nouns"]
                        or art.mention_at(obj) is not None):
                    agent = agent or obj  # "the advance of Russian troops"
                    continue
                roles.objects.append(obj)
                roles.objects.extend(c for c in obj.children if c.dep_ == "conj")
                roles.target = roles.target or obj
            elif child.dep_ in ("poss", "compound", "amod", "nmod"):
                if child.pos_ == "PRON" or child.lower_ in _PRONOUNS:
                    pronoun = pronoun or child
                elif art.mention_at(child) is not None:
                    modifier = modifier or child
                elif child.lemma_.lower() in words["force_modifiers"]:
                    force = force or child  # "police firing", "army shelling"
    roles.scope = anchor
    head = anchor.head
    if head.i != anchor.i:
        verb = head.head if anchor.dep_ == "pobj" and head.dep_ == "prep" else head
        word = verb.lemma_.lower()
        light = anchor.dep_ in ("dobj", "nsubjpass") or (
            anchor.dep_ == "pobj" and head.lower_ in ("on", "in", "into"))
        if light and word in words["light_verbs"]:
            carrier = _subject_of(verb)
            roles.scope = verb
        elif anchor.dep_ in ("dobj", "pobj") and word in words["undergo_verbs"]:
            roles.target = _child(verb, "nsubj") or roles.target
            roles.scope = verb
        elif anchor.dep_ == "nsubj" and word in words["effect_verbs"]:
            obj = _child(verb, "dobj")
            if obj is not None:  # the victims of "strikes killed five civilians"
                roles.target = obj
                roles.objects.append(obj)
            roles.scope = verb
        elif anchor.dep_ in ("nsubj", "nsubjpass") and verb.pos_ in ("VERB", "AUX"):
            roles.scope = verb  # "fighting intensified around X": the event's clause
    if carrier is not None and (roles.target is None or carrier.i != roles.target.i):
        carrier = carrier if carrier.i != anchor.i else None
    for candidate, rule in ((agent, "actor.agent"), (modifier, "actor.modifier"),
                            (carrier, "actor.carrier"), (force, "actor.force_modifier"),
                            (pronoun, "actor.possessive")):
        if candidate is not None:
            roles.actor = candidate
            roles.rules.append(rule)
            break


def find_roles(token: Token, anchor: Token, nominal: bool, art: Article,
               statement: Statement | None, parts: frozenset[int] = frozenset()) -> Roles:
    """``parts``: the other words of the trigger; none of them is the target ("opened fire
    on police": police), nor the actor, but a modifier of one may be ("police
    lathi-charged": the parse makes "lathi" the subject)."""
    roles = Roles()
    if nominal:
        _noun_roles(token, anchor, roles, art)
    else:
        _verb_roles(token, roles)
        if roles.actor is None and roles.target is not None and _is_passive(token) and \
                token.lemma_.lower() in art.rules.roles["passive_actor_verbs"]:
            roles.actor, roles.target = roles.target, None  # "police were deployed"
            roles.rules.append("actor.deployed")
    if not nominal and roles.actor is not None and roles.actor.i in parts:
        roles.actor = next((c for c in roles.actor.children if c.i not in parts
                            and c.dep_ in ("compound", "poss", "amod", "nmod")), None)
    if roles.target is not None and roles.target.i in parts:  # "opened fire on police"
        roles.target = next((o for o in roles.objects if o.i not in parts), None)
    media = art.rules.classes["media"]
    if roles.actor is not None and roles.actor.lemma_.lower() in media:
        roles.actor = None  # "video shows ...", "footage captures ...": a source, no actor
    if roles.target is not None and roles.target.lemma_.lower() in media:
        roles.target = None
    if roles.actor is not None:
        roles.actor_participant = art.participant(roles.actor, statement)
    if roles.target is not None:
        roles.target_participant = art.participant(roles.target, statement)
    return roles


# -- the article ----------------------------------------------------------------------------


class Article:
    """One parsed article and the other extractors' output, indexed for event roles."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], statements: Sequence[Statement],
                 quantities: Sequence[Quantity], dates: Sequence[DateMention],
                 rules: EventRules) -> None:
        self.doc = doc
        self.rules = rules
        self.statements = list(statements)
        self.quantities = list(quantities)
        self.dates = [d for d in dates if d.value]
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        # token offsets and sentence starts as arrays: creating a Token per word of a long
        # article costs more than all the rules together
        array = doc.to_array([IDX, SENT_START, LEMMA, POS])
        self._idx = array[:, 0]
        words = anaphor_ids(rules.roles["facility_anaphors"] | rules.roles["city_anaphors"])
        self.anaphors = {int(i) for i in numpy.flatnonzero(
            numpy.isin(array[:, 2], words) & (array[:, 3] == _NOUN_ID))}
        starts = [0, *(int(i) for i in numpy.flatnonzero(array[:, 1] == 1) if i > 0)]
        self._sent_tokens = [*starts, len(doc)]
        self.sent_starts = [int(self._idx[i]) for i in starts] if len(doc) else [0]
        self._sent_cache: dict[int, SpacySpan] = {}
        self._evidence: dict[int, Span] = {}
        self._figures: dict[int, list[int]] = {}
        for i, q in enumerate(self.quantities):
            self._figures.setdefault(self.sentence_index(q.start), []).append(i)
        self._texts: dict[int, str] = {}
        self._actors: list[tuple[int, Participant]] = []
        self._antecedents: list[tuple[int, Participant]] = []  # named or not
        self.places = Places(self)

    # lookups
    def mention_at(self, token: Token) -> Mention | None:
        i = bisect.bisect_right(self.mention_starts, token.idx) - 1
        if i >= 0 and self.mentions[i].start <= token.idx < self.mentions[i].end:
            return self.mentions[i]
        return None

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.mention_starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            out.append(self.mentions[i])
            i += 1
        return out

    def sentence(self, index: int) -> SpacySpan:
        if index not in self._sent_cache:
            self._sent_cache[index] = self.doc[self._sent_tokens[index]:
                                               self._sent_tokens[index + 1]]
        return self._sent_cache[index]

    def token_at(self, position: int) -> int | None:
        i = int(numpy.searchsorted(self._idx, position))
        return i if i < len(self._idx) and int(self._idx[i]) == position else None

    def sentence_index(self, position: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, position) - 1)

    def sentence_text(self, index: int) -> str:
        if index not in self._texts:
            self._texts[index] = self.sentence(index).text.lower()
        return self._texts[index]

    def evidence(self, index: int) -> Span:
        if index not in self._evidence:
            sent = self.sentence(index)
            text = sent.text
            start = sent.start_char + len(text) - len(text.lstrip())
            self._evidence[index] = Span(text.strip(), start, start + len(text.strip()))
        return self._evidence[index]

    def statement_at(self, position: int, others: Sequence[int] = ()) -> int | None:
        """The innermost statement whose content holds the trigger (or a word of it)."""
        best = None
        size = 0
        points = (position, *others)
        for i, s in enumerate(self.statements):
            start, end = s.content.start, s.content.end
            for p in points:
                if start <= p < end:
                    if best is None or end - start < size:
                        best, size = i, end - start
                    break
        return best

    def figures(self, index: int) -> tuple[int, ...]:
        return tuple(self._figures.get(index, ()))

    def deaths(self, index: int) -> list[tuple[int, int]]:
        out = []
        for i in self.figures(index):
            q = self.quantities[i]
            count = q.low if q.low is not None else q.value
            if q.counted == "dead" and count is not None:
                out.append((q.start, int(count)))
        return out

    def remember(self, event: Event) -> None:
        actor = event.actor
        if actor is None:
            return
        here = self.sentence_index(event.trigger.start)
        if actor.name:
            self._actors.append((here, actor))
            self._antecedents.append((here, actor))
        elif actor.text.lower() not in _PRONOUNS:
            self._antecedents.append((here, actor))  # "the police": no name, still a referent

    # participants
    def forces(self, who: Participant) -> Participant:
        """The armed forces of a government or a country named as a violent actor."""
        if who.side in self.rules.roles["demonyms"] and who.entity_key and (
                who.entity_key.startswith(("ORG:government of", "GPE:"))):
            return self._forces(who.text, who.start, who.end, who.side)
        return who

    def _forces(self, text: str, start: int, end: int, side: str | None,
                label: str | None = None) -> Participant:
        demonyms = self.rules.roles["demonyms"]
        word = demonyms.get(side) if side else None
        if word is None and label:
            word = label.removesuffix("'s").removesuffix("’s")
            if word.endswith(("ans", "ians", "is")):
                word = word[:-1]
        if word is None:
            return Participant(text, start, end, None, None, side)
        name = f"{word} forces"
        return Participant(text, start, end, name, entity_key("GROUP", name), side)

    def participant(self, token: Token, statement: Statement | None) -> Participant | None:
        words = self.rules.roles
        if token.pos_ == "PRON" or token.lower_ in _PRONOUNS:
            return self._pronoun(token, token, statement)
        left = token.left_edge
        while left.i < token.i and (left.dep_ in ("det", "predet") or left.is_punct):
            left = self.doc[left.i + 1]
        end_token = token
        for child in token.rights:
            if child.dep_ in ("compound", "flat") and child.i == end_token.i + 1:
                end_token = child
        start, end = left.idx, end_token.idx + len(end_token)
        text = self.doc[left.i:end_token.i + 1].text
        military = token.lemma_.lower() in words["military_nouns"]
        head = self.mention_at(token)
        if head is not None and head.type in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
            if military and head.type == "ORG" and head.name.startswith("Government of"):
                return self._forces(text, start, end, head.side)
            return Participant(text, start, end, head.name, head.entity_key,
                               head.side or side_of(head.text))
        if head is not None and head.type == "NORP":
            return self._forces(text, start, end, head.side, head.text)
        inside = [m for m in self.mentions_in(start, end) if m.type != "FAC"]
        if inside:
            named = [m for m in inside if m.type in ("ORG", "PERSON")
                     and not m.name.startswith("Government of")]
            side = next((m.side for m in inside if m.side), None) or side_of(text)
            if named and not (military and named[0].type == "PERSON"):
                m = named[0]
                return Participant(text, start, end, m.name, m.entity_key, m.side or side)
            if military:
                norp = next((m.text for m in inside if m.type == "NORP"), None)
                return self._forces(text, start, end, side, norp)
            return Participant(text, start, end, text, None, side)
        possessor = _child(token, "poss")
        if military and possessor is not None and possessor.lower_ in _PRONOUNS:
            resolved = self._pronoun(possessor, token, statement)
            if resolved is not None and resolved.side:
                return self._forces(text, start, end, resolved.side)
        if token.lemma_.lower() in words["enemy_words"] and statement and statement.speaker:
            side = words["opponents"].get(statement.speaker.side or "")
            if side:
                return self._forces(text, start, end, side)
        return Participant(text, start, end, None, None, side_of(text))

    def _pronoun(self, pronoun: Token, head: Token, statement: Statement | None
                 ) -> Participant | None:
        text, start, end = pronoun.text, pronoun.idx, pronoun.idx + len(pronoun)
        speaker = statement.speaker if statement is not None else None
        military = head.i != pronoun.i and head.lemma_.lower() in self.rules.roles[
            "military_nouns"]
        here = self.sentence_index(pronoun.idx)
        recent = [p for s, p in self._actors if here - s <= 1]
        if pronoun.lower_ in _FIRST or (speaker is not None and speaker.name and not recent):
            if speaker is None or not speaker.name:
                return Participant(text, start, end)
            if military:
                return self._forces(text, start, end, speaker.side)
            return Participant(text, start, end, speaker.name, speaker.entity_key, speaker.side)
        earlier = [p for s, p in self._antecedents if here - s <= 1] or [
            p for s, p in self._antecedents if here - s <= 3]
        if earlier:
            p = earlier[-1]  # an unnamed referent lends its words ("they": the police)
            return Participant(text, start, end, p.name or p.text, p.entity_key, p.side)
        return Participant(text, start, end)

    def subject_side(self, verb: Token, statement: Statement | None) -> str | None:
        subject = _subject_of(verb) if verb.pos_ in ("VERB", "AUX") else None
        who = self.participant(subject, statement) if subject is not None else None
        return who.side if who is not None else None

    def forces_of_orderer(self, governor: Token, statement: Statement | None
                          ) -> Participant | None:
        node = governor
        for _ in range(3):
            subject = _subject_of(node) if node.pos_ in ("VERB", "AUX") else _child(node, "poss")
            if subject is not None:
                who = self.participant(subject, statement)
                if who is not None and who.side:
                    return self._forces(who.text, who.start, who.end, who.side)
                return None
            if node.head.i == node.i:
                return None
            node = node.head
        return None

    # dates
    def date_of(self, token: Token, sentence: int, statement: Statement | None
                ) -> tuple[str | None, str | None, str | None]:
        sent = self.sentence(sentence)
        here = [d for d in self.dates if sent.start_char <= d.start < sent.end_char]
        if here:
            d = min(here, key=lambda d: abs(d.start - token.idx))
            return d.value, d.precision, "date.sentence"
        if statement is not None and statement.date:
            known = next((d.precision for d in self.dates if d.value == statement.date), None)
            precision = known or _PRECISION_BY_LENGTH.get(len(statement.date), "unknown")
            return statement.date, precision, "date.statement"
        return None, None, None


# -- merging -------------------------------------------------------------------------------------


def _participants_agree(a: Participant | None, b: Participant | None) -> bool:
    if a is None or b is None:
        return True
    if a.entity_key and a.entity_key == b.entity_key:
        return True
    if a.side and b.side:
        return a.side == b.side
    return not (a.entity_key and b.entity_key)


def merge_compatible(x: Event, y: Event) -> bool:
    """Whether two mentions of one sub-type may be one event: no argument contradicts."""
    if x.date and y.date and not (x.date.startswith(y.date) or y.date.startswith(x.date)):
        return False
    return (_participants_agree(x.actor, y.actor) and _participants_agree(x.target, y.target)
            and locations_agree(x.location, y.location))
