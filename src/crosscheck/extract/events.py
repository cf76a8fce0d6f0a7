"""Events: who did what to whom, where and when, typed the way ACLED and POLECAT type them.

Rules over the dependency parse, one trigger word at a time. The lexicon is
``data/events.toml`` (loaded, validated and compiled once by
:mod:`crosscheck.extract._event_lexicon`); roles are found by
:mod:`crosscheck.extract._event_roles`, places by :mod:`crosscheck.extract._event_places`.

1. **Triggers** are verbs and nouns of the lexicon, single words or multiword ("air strike",
   "take control", "blow up"). A noun that only modifies another noun is no event ("assault
   rifle", "air raid siren") unless that noun is an operation, a campaign, a wave...
   Words in ``not_with``/``not_subject`` mark a non-event sense ("heart attack", "lightning
   struck"); ``requires_*`` options demand an object, a governing word or a sentence word.
2. **Typing**: each trigger block gives the ACLED event type and sub-event type and the PLOVER
   type; ``[[refine]]`` rules change the sub-type by context (an attack with aircraft is an
   Air/drone strike, a strike of workers a Peaceful protest, a protest with tear gas a Protest
   with intervention). Territory: a capture is *Government regains territory* when the
   actor's side is the government of the place's country (``[territory] governments``) and
   *Non-state actor overtakes territory* otherwise (ACLED codes foreign forces that take
   territory as the latter); when the side or the country is unknown the trigger's default
   stands (capture/seize: overtakes; recapture/liberate: regains). Type choices worth
   knowing: an evacuation is Strategic developments / Other, PLOVER AID; a humanitarian or
   evacuation corridor is Strategic developments / Agreement, PLOVER AID; a ceasefire or a
   prisoner exchange is Agreement, PLOVER RETREAT (the TOML header lists them all).
3. **Roles**: actor, target, location, date, fatalities and figures. The actor of a violent
   event that is a government or a country ("Moscow stormed", "Russia bombards") is named
   as that side's forces ("Russian forces"), as ACLED names state forces.
4. **Status**, from the trigger's own clause upwards:

   - ``called_off``: the action is what is halted, cancelled, called off, stopped ("cancel
     the storming", "ordered a halt to the assault", "ordered that the assault be halted")
     and what an order forbids ("ordered that no attacks be carried out");
   - ``ordered``: the complement of order/instruct/command ("ordered troops to storm");
   - ``planned``: will/shall, plan/intend/prepare to, and "would" inside a reported
     statement (a future in the past: "announced it would open a corridor");
   - ``hypothetical``: could/might/may, "would" in narration, if-clauses, threats, warnings,
     calls and demands ("called for a ceasefire");
   - ``denied``: the trigger lies in a statement with stance ``denies`` ("denied that its
     aircraft struck the market"), or is negated ("did not strike", "there was no assault");
   - ``claimed``: the trigger lies in another statement's content (``statement_index`` is set
     whatever the status), or is itself a claim ("declared victory");
   - ``reported``: narrated as fact.

   An ordered or called-off action with no actor of its own gets the forces of whoever
   gave the order ("Putin ordered that no attacks be carried out": Russian forces). An
   action halted by the other side ("Ukraine halted the Russian advance") is not called
   off: it stays reported (or claimed).
5. **One event, one type**: events of a sentence whose sub-types share a group of
   ``[one_event]`` in the TOML take the group's first sub-type among them: a protest, the
   tear gas that dispersed it and the killing of a protester are one Excessive force
   against protesters; shells and the chlorine they carried one Chemical weapon (unless
   their statuses, actors, targets or places differ: "strikes on the rebels accused of a
   chlorine attack" stay strikes).
6. **Merging** within an article: events of the same sub-type and status, carried by the
   same side (or both narrated), with compatible actor, target, location and date, at most
   three sentences apart, are one event: the first mention's trigger and evidence, the most
   specific arguments of all, the largest death count. A weak trigger (a killing, an
   explosion, a protester) is dropped when a stronger one shares its sentence: it names a
   consequence of that event. A claimed storming and its denial stay two events. Mentions in
   different sentences merge only when the later one points back ("the shelling", "this
   attack") or both name the same actor, target or place: "22 men were arrested ... 150
   workers were arrested" are two arrests.

``evidence`` is the trigger's sentence; ``rules`` name the rules that fired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from spacy.tokens import Doc, Token

from crosscheck.extract._event_lexicon import (
    Entry,
    EventRules,
    Pattern,
    Refine,
    anchor_of,
    candidates,
    event_rules_version,
    load_event_rules,
    matches,
)
from crosscheck.extract._event_roles import Article, Roles, find_roles, merge_compatible
from crosscheck.records import DateMention, Event, Mention, Quantity, Span, Statement

__all__ = ["EventRules", "event_rules_version", "find_events", "load_event_rules"]

_INSTRUMENT_PREPS = frozenset({"with", "by", "using", "from", "via", "through"})
_INSTRUMENT_VERBS = frozenset({"use", "fire", "launch", "employ", "drop", "throw", "hurl",
                               "lob", "detonate", "plant", "deploy"})
_CLAUSE_DEPS = frozenset({"ccomp", "parataxis", "advcl", "relcl", "csubj"})
_OTHER_CLAUSE = frozenset({"parataxis", "advcl", "relcl", "csubj"})
#: Plan words only with a "to" complement: "set to attack", not "a bomber set off a blast".
_PLAN_IF_XCOMP = frozenset({"move", "set", "gear", "poise"})
_ANAPHORIC_DETS = frozenset({"the", "this", "that", "these", "those", "such"})
_VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians",
                      "Riots"})


# -- context ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    """What refinements and requirements look at around one trigger."""

    local: set[str]
    objects: list[Token]
    subject: Token | None
    head: str


def _lemma(t: Token) -> str:
    return t.lemma_.lower()


def _with_modifiers(t: Token, depth: int = 2) -> list[Token]:
    """A word with its modifiers and theirs ("rocket-propelled grenades": rocket, propel)."""
    out = [t]
    for c in t.children:
        if c.dep_ in ("compound", "amod", "nmod", "conj", "npadvmod", "advmod"):
            out.extend(_with_modifiers(c, depth - 1) if depth > 1 else [c])
    return out


def _instruments(token: Token, skip: int) -> set[str]:
    """Words of the "with/by/using/from X" phrases of a word: how an act was done."""
    out: set[str] = set()
    for child in token.children:
        if child.i == skip:
            continue
        if child.dep_ in ("prep", "agent") and child.lower_ in _INSTRUMENT_PREPS:
            for obj in child.children:
                if obj.dep_ in ("pobj", "pcomp"):
                    out.update(_lemma(t) for t in _with_modifiers(obj))
        elif child.dep_ in ("advcl", "xcomp", "acl") and child.lemma_ in _INSTRUMENT_VERBS:
            for obj in child.children:
                if obj.dep_ == "dobj":
                    out.update(_lemma(t) for t in _with_modifiers(obj))
    return out


def _context(anchor: Token, roles: Roles) -> _Context:
    """The words that say how the act was done, and by whom, never what it hit: "struck a
    chemical plant" is no chemical attack, "fired missiles" is a missile attack."""
    local: set[str] = {_lemma(anchor)}
    for child in anchor.children:
        if child.dep_ in ("compound", "amod", "nmod", "npadvmod", "poss", "nsubj", "prt",
                          "acomp", "oprd", "advmod", "dative") or (
                child.dep_ == "dobj" and anchor.lemma_ in _INSTRUMENT_VERBS):
            local.update(_lemma(t) for t in _with_modifiers(child))
    local |= _instruments(anchor, -1)
    if roles.actor is not None:
        local.update(_lemma(x) for x in _with_modifiers(roles.actor))
    governor = anchor.head
    if governor.i != anchor.i and anchor.dep_ in ("dobj", "nsubjpass", "pobj", "nsubj"):
        local |= _instruments(governor, anchor.i)
        for child in governor.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i != anchor.i:
                local.update(_lemma(x) for x in _with_modifiers(child))
    return _Context(local, roles.objects, roles.actor, _lemma(governor)
                    if governor.i != anchor.i else "")


def _object_words(objects: Sequence[Token]) -> set[str]:
    words: set[str] = set()
    for t in objects:
        words.update(_lemma(x) for x in _with_modifiers(t))
        words.add(t.lower_)
    return words


def _in_class(objects: Sequence[Token], name: str, rules: EventRules, art: Article) -> bool:
    words = rules.classes[name]
    if _object_words(objects) & words:
        return True
    for t in objects:
        m = art.mention_at(t)
        if m is None:
            continue
        if name == "territory" and m.type in ("GPE", "LOC", "FAC") and m.geo_precision != 3:
            return True
        if name == "person" and m.type in ("PERSON", "NORP"):
            return True
    return False


def _refine(pattern: Pattern, ctx: _Context, sentence: str, rules: EventRules,
            multiword: bool) -> Refine | None:
    """The first refinement that applies. A multiword trigger ("grenade attack") says its
    own type: it takes only sentence-level refinements (protests) and those that name its
    first word ("open fire" on civilians)."""
    first = pattern.text.split()[0]
    keys = {pattern.head, first}
    local = ctx.local - set(pattern.text.split())
    objects = _object_words(ctx.objects)
    subject = _lemma(ctx.subject) if ctx.subject is not None else ""
    for rule in rules.refines:
        if not keys & rule.triggers or (
                multiword and not rule.sentence and first not in rule.triggers):
            continue
        if rule.local and not _any_word(rule.local, local):
            continue
        if rule.no_local and _any_word(rule.no_local, local):
            continue
        if rule.objects and not rule.objects & objects:
            continue
        if rule.subjects and subject not in rule.subjects:
            continue
        if rule.heads and ctx.head not in rule.heads:
            continue
        if rule.heads_not and ctx.head in rule.heads_not:
            continue
        if rule.sentence and not all(p.search(sentence) for p in rule.sentence):
            continue
        return rule
    return None


def _any_word(words: frozenset[str], bag: set[str]) -> bool:
    return any(w in bag or (" " in w and all(part in bag for part in w.split()))
               for w in words)


def _sense_ok(entry: Entry, ctx: _Context, matched: Sequence[Token]) -> bool:
    bag = ctx.local - {t.lemma_.lower() for t in matched}
    if entry.not_with and (bag | _object_words(ctx.objects)) & entry.not_with:
        return False
    if entry.not_subject and ctx.subject is not None:
        words = {_lemma(t) for t in _with_modifiers(ctx.subject)}
        if words & entry.not_subject:
            return False
    return True


def _requirements_ok(entry: Entry, pattern: Pattern, ctx: _Context, sentence: str,
                     rules: EventRules, art: Article) -> bool:
    if entry.requires_object and not any(
            _in_class(ctx.objects, name, rules, art) for name in entry.requires_object):
        return False
    if entry.requires_head and ctx.head not in entry.requires_head:
        return False
    if entry.requires_subject and (ctx.subject is None or not any(
            _in_class([ctx.subject], name, rules, art) for name in entry.requires_subject)):
        return False
    return entry.requires_sentence is None or entry.requires_sentence.search(sentence) is not None


# -- status ----------------------------------------------------------------------------------------


def _modality(anchor: Token, in_statement: bool, rules: EventRules
              ) -> tuple[str | None, Token | None]:
    """(status, governing order/halt word) from the trigger's clause and its governors."""
    st = rules.status
    negated = False
    modal: str | None = None
    node = anchor
    for _ in range(8):
        for child in node.children:
            dep, low = child.dep_, child.lower_
            if dep == "neg" or (dep == "det" and low == "no") or (
                    dep == "advmod" and low == "never"):
                negated = True
            elif dep == "aux" and modal is None:
                if low in st["future"]:
                    modal = "planned"
                elif low in st["possible"]:
                    modal = "planned" if low == "would" and in_statement else "hypothetical"
            elif dep == "mark" and low in st["conditional_marks"]:
                modal = "hypothetical"
            elif dep == "mark" and low in ("when", "once", "until") and node.dep_ == "advcl" \
                    and any(a.dep_ == "aux" and a.lower_ in st["future"]
                            for a in node.head.children):
                modal = modal or "planned"
        head = node.head
        if head.i == node.i:
            break
        if node.dep_ == "conj":
            node = head
            continue
        if node.dep_ in _OTHER_CLAUSE:
            break  # "if Russia occupies X, will the Kremlin stop?": stop governs nothing here
        word = head.lemma_.lower()
        if word in st["halt"] and _halts(head, word, rules):
            return "called_off", head
        if word in st["order"]:
            halted = any(c.dep_ == "dobj" and c.lemma_.lower() in st["halt"]
                         for c in head.children)  # "ordered a halt to the storming"
            return ("called_off" if negated or halted else "ordered"), head
        if word in st["plan"] and not (word in _PLAN_IF_XCOMP and node.dep_ != "xcomp"):
            return ("denied" if negated else "planned"), None
        if word in st["hypothetical"] and not (word == "call" and node.dep_ == "dobj"):
            return "hypothetical", None
        if node.dep_ in _CLAUSE_DEPS:
            break
        node = head
    if negated:
        return "denied", None
    return modal, None


def _halts(head: Token, word: str, rules: EventRules) -> bool:
    particle = rules.halt_particles.get(word)
    if particle is not None:
        return any(c.dep_ == "prt" and c.lower_ == particle for c in head.children)
    if word in ("end", "drop") and head.pos_ != "VERB":
        return word == "end" and any(c.lower_ == "to" for c in head.children)
    return True


def _status(anchor: Token, entry: Entry, statement: Statement | None, rules: EventRules
            ) -> tuple[str, Token | None, str]:
    mod, governor = _modality(anchor, statement is not None, rules)
    if statement is not None and statement.stance == "denies" and mod != "called_off":
        return "denied", governor, "status.statement_denies"
    if mod is not None:
        return mod, governor, f"status.{mod}"
    if entry.claimed:
        return "claimed", None, "status.declared"
    if statement is not None:
        return "claimed", None, "status.statement"
    return "reported", None, "status.narrated"


# -- assembly ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    event: Event
    sentence: int
    weak: bool
    speaker_side: str | None
    anaphoric: bool = False  # "the shelling", "this attack": names an event told before


def find_events(doc: Doc, mentions: Sequence[Mention], statements: Sequence[Statement],
                quantities: Sequence[Quantity], dates: Sequence[DateMention]) -> list[Event]:
    """Every event of ``doc``, typed, with roles and status, merged within the article."""
    rules = load_event_rules()
    art = Article(doc, mentions, statements, quantities, dates, rules)
    found: list[_Found] = []
    taken: set[int] = set()
    for i in candidates(doc, rules):
        token = doc[i]
        if token.i in taken:
            continue
        for pattern, extra in matches(token, rules):
            anchor = anchor_of(token, pattern, rules)
            item = None if anchor is None else _event(token, anchor, pattern, extra, art, rules)
            if item is not None:
                taken.update(t.i for t in extra)
                found.append(item)
                art.remember(item.event)
                break
    return _merge(_assign_fatalities(_absorb_weak(_one_event(found, rules)), art))


def _event(token: Token, anchor: Token, pattern: Pattern, extra: list[Token], art: Article,
           rules: EventRules) -> _Found | None:
    entry = pattern.entry
    sentence_index = art.sentence_index(token.idx)
    statement_index = art.statement_at(token.idx, [t.idx for t in extra])
    statement = art.statements[statement_index] if statement_index is not None else None
    roles = find_roles(token, anchor, not pattern.verb, art, statement,
                       frozenset(t.i for t in extra))
    ctx = _context(anchor, roles)
    sent_text = art.sentence_text(sentence_index)
    if not _sense_ok(entry, ctx, [token, *extra]):
        return None
    rule_names = [f"trigger.{'verb' if pattern.verb else 'noun'}:{pattern.text}"]
    refine = _refine(pattern, ctx, sent_text, rules, bool(pattern.before or pattern.after))
    event_type, sub, plover = entry.event_type, entry.sub_event_type, entry.plover
    if refine is not None:
        event_type, sub, plover = refine.event_type, refine.sub_event_type, refine.plover
        rule_names.append(f"refine.{refine.index + 1}:{sub}")
    elif not _requirements_ok(entry, pattern, ctx, sent_text, rules, art):
        return None
    status, governor, status_rule = _status(anchor, entry, statement, rules)
    actor = roles.actor_participant
    if status == "called_off" and governor is not None and actor is not None and actor.side \
            and governor.lemma_.lower() in rules.status["halt"]:
        halter = art.subject_side(governor, statement)
        if halter is not None and halter != actor.side:
            # "Ukraine halted the Russian advance": stopped by the other side, not called off
            status, status_rule = ("claimed" if statement else "reported"), "status.halted_by_other"
    rule_names.append(status_rule)
    if actor is None and governor is not None and status in ("ordered", "called_off"):
        actor = art.forces_of_orderer(governor, statement)
        if actor is not None:
            rule_names.append("actor.orderer")
    if actor is not None and event_type in _VIOLENT:
        actor = art.forces(actor)  # "Russia bombards X", "Moscow stormed": Russian forces
    location = art.places.location(token, roles.scope or anchor, roles.actor)
    if entry.territory and event_type == "Battles" and sub != "Armed clash":
        decided = art.places.territory(actor, location)
        if decided is not None:
            sub = decided
            rule_names.append("territory.side")
    date, precision, date_rule = art.date_of(token, sentence_index, statement)
    rule_names.extend(r for r in (*roles.rules, location.rule if location else None, date_rule)
                      if r)
    tokens = sorted([token, *extra], key=lambda t: t.i)
    words = art.doc[tokens[0].i:tokens[-1].i + 1].text
    trigger = Span(words, tokens[0].idx, tokens[0].idx + len(words))
    event = Event(
        event_type=event_type, sub_event_type=sub, plover=plover, trigger=trigger,
        evidence=art.evidence(sentence_index), status=status, actor=actor,
        target=roles.target_participant, location=location.value if location else None,
        date=date, date_precision=precision, statement_index=statement_index,
        quantity_indexes=art.figures(sentence_index), rules=tuple(rule_names))
    side = statement.speaker.side if statement is not None and statement.speaker else None
    anaphoric = not pattern.verb and any(
        c.dep_ == "det" and c.lower_ in _ANAPHORIC_DETS for c in anchor.children)
    return _Found(event, sentence_index, entry.weak, side, anaphoric)


def _assign_fatalities(found: list[_Found], art: Article) -> list[_Found]:
    """Deaths counted in a sentence go to the nearest violent event of that sentence."""
    by_sentence: dict[int, list[_Found]] = {}
    for item in found:
        if item.event.event_type in _VIOLENT or "force" in item.event.sub_event_type:
            by_sentence.setdefault(item.sentence, []).append(item)
    totals: dict[int, int] = {}
    for sentence, items in by_sentence.items():
        for position, count in art.deaths(sentence):
            nearest = min(items, key=lambda f: abs(f.event.trigger.start - position))
            totals[id(nearest)] = totals.get(id(nearest), 0) + count
    for item in found:
        if id(item) in totals:
            item.event = replace(item.event, fatalities=totals[id(item)])
    return found


def _one_event(found: list[_Found], rules: EventRules) -> list[_Found]:
    """Events of a sentence whose sub-types share a ``[one_event]`` group are one event:
    each takes the group's sub-type that comes first among them ("police fired tear gas to
    disperse the protesters, killing two": Excessive force against protesters)."""
    for group in rules.one_event:
        rank = {sub: i for i, sub in enumerate(group)}
        first: dict[int, _Found] = {}
        for item in found:
            r = rank.get(item.event.sub_event_type)
            if r is not None:
                best = first.get(item.sentence)
                if best is None or r < rank[best.event.sub_event_type]:
                    first[item.sentence] = item
        for item in found:
            best = first.get(item.sentence)
            sub = item.event.sub_event_type
            if best is None or sub not in rank or sub == best.event.sub_event_type or \
                    item.event.status != best.event.status or \
                    not merge_compatible(item.event, best.event):
                continue  # another actor, target or place: another event
            e = best.event
            item.event = replace(item.event, event_type=e.event_type,
                                 sub_event_type=e.sub_event_type, plover=e.plover,
                                 rules=(*item.event.rules, f"one_event:{e.sub_event_type}"))
    return found


def _absorb_weak(found: list[_Found]) -> list[_Found]:
    strong = {f.sentence for f in found if not f.weak}
    return [f for f in found if not f.weak or f.sentence not in strong]


def _merge(found: list[_Found]) -> list[Event]:
    kept: list[_Found] = []
    for item in found:
        twin = next((other for other in reversed(kept)
                     if item.sentence - other.sentence <= 3 and _same_event(other, item)), None)
        if twin is None:
            kept.append(item)
        else:
            twin.event = _combine(twin.event, item.event)
            twin.sentence = item.sentence
    return [k.event for k in kept]


def _same_event(a: _Found, b: _Found) -> bool:
    x, y = a.event, b.event
    if x.sub_event_type != y.sub_event_type or x.status != y.status:
        return False
    if a.sentence != b.sentence and not (b.anaphoric or _share_a_name(x, y)):
        return False  # "22 men were arrested ... 150 workers were arrested": two arrests
    if (x.statement_index is None) != (y.statement_index is None):
        return False
    if a.speaker_side != b.speaker_side and None not in (a.speaker_side, b.speaker_side):
        return False
    return merge_compatible(x, y)


def _share_a_name(x: Event, y: Event) -> bool:
    """Whether two events name the same actor or target (by entity key) or place."""
    for p, q in ((x.actor, y.actor), (x.target, y.target)):
        if p is not None and q is not None and p.entity_key and p.entity_key == q.entity_key:
            return True
    a, b = x.location, y.location
    return a is not None and b is not None and (
        a.name == b.name or bool(a.entity_key and a.entity_key == b.entity_key))


def _combine(first: Event, other: Event) -> Event:
    def better(a: Any, b: Any, key: Any) -> Any:
        if a is None:
            return b
        if b is None:
            return a
        return b if key(b) < key(a) else a

    def named(p: Any) -> int:
        return (0 if p.entity_key else 1) + (0 if p.side else 1)

    location = better(first.location, other.location,
                      lambda loc: loc.precision if loc.precision is not None else 9)
    precision_rank = {"day": 0, "week": 1, "month": 2, "year": 3}
    date, date_precision = first.date, first.date_precision
    if other.date is not None and (date is None or precision_rank.get(
            other.date_precision or "", 9) < precision_rank.get(date_precision or "", 9)):
        date, date_precision = other.date, other.date_precision
    deaths = [f for f in (first.fatalities, other.fatalities) if f is not None]
    rules = tuple(dict.fromkeys((*first.rules, *other.rules, "merged")))
    return replace(
        first, actor=better(first.actor, other.actor, named),
        target=better(first.target, other.target, named), location=location, date=date,
        date_precision=date_precision, fatalities=max(deaths) if deaths else None,
        quantity_indexes=tuple(sorted(set(first.quantity_indexes)
                                      | set(other.quantity_indexes))), rules=rules)
