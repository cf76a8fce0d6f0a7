"""Attributed statements: who said (or denied) what, with cue, content and speaker spans.

Rules over the dependency parse, one sentence at a time:

* a cue verb (``data/statements.toml``) with a subject and a clause, a quote or, for some
  verbs, a noun object as content: "X said that…", "“…,” he added", "X denied reports…";
* ``according to X``: X is the speaker of the clause it modifies, or its intermediary
  when another cue in the sentence names the speaker;
* expletive passives and report-nouns without a person: "It is estimated that…",
  "Reports suggest…" are kept as ``unattributed``;
* headlines in wire styles: "Dam breached near front line – regional governor",
  "Governor: …" (``X says Y`` headlines go through the verb rule);
* quotes no cue claims carry over to the speaker of the previous statement nearby.

Speakers are resolved through pronouns and "he added" chains to the article's entity
mentions; a subject inside a prepositional phrase ("a call with X") is an interlocutor,
never the speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from crosscheck.extract._rules import doc_text, load_data
from crosscheck.extract.entities import side_of
from crosscheck.records import DateMention, Mention, Quantity, Span, Speaker, Statement

__all__ = ["Cues", "attach_quantities", "find_quotes", "find_statements", "load_cues"]

_PRONOUNS = {"he", "she", "they", "we", "i", "it", "who", "which", "that"}
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_QUOTE_OPEN = {"“": "”\"", "«": "»", "„": "“", '"': '"”'}  # mixed styles close too
_EDGE = " \t\n\"'“”‘’«»„,.;:—–-"
_NEGATIONS = re.compile(
    r"\b((there|the) (is|was|were|has been|have been) no (?!doubt|longer|more)\w+|"
    r"no such|never (happened|took place)|"
    r"(is|was|are|were) (not true|false|fake|a lie|groundless|baseless)|"
    r"did not (happen|take place)|nothing of the kind)\b", re.IGNORECASE)
_DASH_TAIL = re.compile(r"\s[–—-]\s+([^–—-]{2,80})$")
_SAYS_TAIL = re.compile(r",\s+((?:the\s+|a\s+)?[^,:]{2,60}?)\s+(says|said|claims|claimed|reports|"
                        r"reported|warns|warned|confirms|confirmed|denies|denied|insists)"
                        r"\s*[.!]?\s*$", re.IGNORECASE)
_COLON_HEAD = re.compile(r"([^:]{2,60}):\s+\S")  # anchored by match() at its start


@dataclass(slots=True, frozen=True)
class Cues:
    version: str
    speech: frozenset[str]
    denial: frozenset[str]
    addressees: frozenset[str]
    clause_only: frozenset[str]
    object_cues: frozenset[str]
    quote_only: frozenset[str]
    passive_unattributed: frozenset[str]
    unattributed_subjects: frozenset[str]
    channels: tuple[tuple[str, re.Pattern[str]], ...]
    not_speakers: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    data = load_data("statements")
    origin = "crosscheck/extract/data/statements.toml"
    cues = data.get("cues", {})
    for key in ("speech", "denial", "addressee_objects", "clause_only", "object_cues",
                "quote_only"):
        if not cues.get(key):
            raise ValueError(f"{origin}: [cues] {key} is missing or empty")
    unattributed = data.get("unattributed", {})
    channels = []
    for name, phrases in data.get("channels", {}).items():
        if not phrases:
            raise ValueError(f"{origin}: channel {name!r} has no phrases")
        pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b",
                             re.IGNORECASE)
        channels.append((name, pattern))
    return Cues(
        version=data["version"],
        speech=frozenset(cues["speech"]) | frozenset(cues["denial"])
        | frozenset(cues["quote_only"]),
        denial=frozenset(cues["denial"]),
        addressees=frozenset(cues["addressee_objects"]),
        clause_only=frozenset(cues["clause_only"]),
        object_cues=frozenset(cues["object_cues"]),
        quote_only=frozenset(cues["quote_only"]),
        passive_unattributed=frozenset(unattributed.get("passive", [])),
        unattributed_subjects=frozenset(unattributed.get("subjects", [])),
        channels=tuple(channels),
        not_speakers=frozenset(w.upper() for w in data.get("transcript", {})
                               .get("not_speakers", [])),
    )


# -- quotes ---------------------------------------------------------------------------------


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, marks included. A quote left open at the end of a
    paragraph closes there (the next paragraph's quote is a new span)."""
    spans: list[tuple[int, int]] = []
    text = text.replace("''", '" ')  # '' as a double quote (older newspaper style)
    for paragraph in re.finditer(r"[^\n]+", text):
        start = None
        closer = ""
        base = paragraph.start()
        for i, ch in enumerate(paragraph.group(0)):
            pos = base + i
            if start is None:
                if ch in _QUOTE_OPEN:
                    start, closer = pos, _QUOTE_OPEN[ch]
            elif ch in closer:
                if pos - start > 1:
                    spans.append((start, pos + 1))
                start = None
        if start is not None and paragraph.end() - start > 2:
            spans.append((start, paragraph.end()))
    return spans


# -- helpers ----------------------------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _char_span(tokens: Iterable[Token]) -> tuple[int, int] | None:
    tokens = list(tokens)
    if not tokens:
        return None
    return min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)


def _noun_phrase(token: Token) -> tuple[int, int]:
    """The speaker words: the subject's phrase up to its head, without trailing relative
    clauses or appositives ("Arestovych, adviser to …" -> "Arestovych")."""
    start = token.left_edge.i
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "nummod") or (child.dep_ == "case"):
            end = child.i + 1
        else:
            break
    doc = token.doc
    span = doc[start:end]
    return span.start_char, span.end_char


def _is_interlocutor(subject: Token) -> bool:
    """A "subject" right after a preposition is someone spoken to or about ("In a call
    with the UN chief X said: …"), a garbled lead-in; never the speaker."""
    if subject.dep_ == "pobj":
        return True
    edge = subject.left_edge.i
    if edge == 0:
        return False
    before = subject.doc[edge - 1]
    return before.pos_ == "ADP" and before.lower_ in (
        "with", "to", "from", "by", "for", "against", "between", "among", "about")


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in _SUBJECT_DEPS:
            return child
    # "..., adding that …", "X said … and added …": the governing verb's subject
    head = verb
    for _ in range(3):
        if head.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") and head.head.i != head.i:
            head = head.head
            if verb.tag_ == "VBG" and head.dep_ == "ccomp" \
                    and head.head.lemma_.lower() in load_cues().speech:
                head = head.head  # "X said he believed …, arguing …": X argues
            for child in head.children:
                if child.dep_ in ("nsubj", "csubj"):
                    return child
        else:
            break
    return None


@dataclass(slots=True)
class _Candidate:
    cue: tuple[int, int] | None
    content: tuple[int, int]
    subject: Token | None
    rule: str
    stance: str = "asserts"
    kind: str | None = None
    speaker_span: tuple[int, int] | None = None
    intermediary: str | None = None
    interlocutor: bool = False  # the parse's subject was someone spoken to
    elliptic: bool = False  # no subject and no noun before the cue


def _content_of(verb: Token, cues: Cues) -> tuple[list[Token], str] | None:
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if child.dep_ == "ccomp":
            return [t for t in child.subtree if not (t.dep_ == "mark" and t.head == child)], \
                "cue.ccomp"
    for child in verb.children:
        if child.dep_ == "xcomp" and lemma not in ("say", "tell"):
            return list(child.subtree), "cue.xcomp"
    if lemma in ("call", "push", "press", "appeal", "ask") or verb.lemma_ == "point":
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ("for", "on", "to", "out"):
                return [t for t in child.subtree if t != child], "cue.prep"
    if lemma not in cues.object_cues:
        return None
    for child in verb.children:
        if child.dep_ in ("dobj", "attr") and child.lemma_.lower() not in cues.addressees \
                and child.pos_ not in ("PRON",):
            if any(g.dep_ in ("acl", "ccomp", "relcl") for g in child.children):
                # "denied claims suggesting its troops had stormed the plant": the object
                # and everything the verb governs after it
                end = verb.right_edge.i
                while end > child.i and verb.doc[end].is_punct:
                    end -= 1
                return list(verb.doc[child.left_edge.i:end + 1]), "cue.dobj_clause"
            return list(child.subtree), "cue.dobj"
    return None


def _quote_near(verb: Token, quotes: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """A quote that the cue introduces ("said: “…”") or closes ("“…,” he said")."""
    sent = verb.sent
    verb_end = verb.idx + len(verb)
    best = None
    for start, end in quotes:
        if start >= verb_end and start - verb_end <= 40 and start < sent.end_char + 3:
            between = doc_text(verb.doc)[verb_end:start]
            if re.fullmatch(r"[\s:,]*(\w+[\s,]*){0,4}:?\s*", between):
                best = (start, end)
                break
        if end <= verb.idx and verb.idx - end <= 50 \
                and _closes_on(doc_text(verb.doc)[end:verb.idx]):
            best = (start, end)
    return best


_CLOSING_GAP = re.compile(r"\s*(,\s*|[-–—]\s*)?([a-z][\w'’.-]*\s+|[A-Z][\w'’.-]*\s+){0,5}"
                          r"(\([A-Z][\w.-]*\)\s+)?")  # "Rep. X (D-Md.) said"


def _closes_on(gap: str) -> bool:
    """Whether a quote ending before a cue belongs to it: '“…,” he said', '“…”, the
    minister added' — not a quote that ended the previous sentence ('”. Moscow said')."""
    gap_stripped = gap.lstrip()
    ended = gap_stripped[:1] in (".", "!", "?") or re.search(r"\b[a-z]{2,}[.!?]\s", gap)
    if ended or "\n" in gap:
        return False  # the quote's sentence ended before the cue
    return _CLOSING_GAP.fullmatch(gap) is not None


def _stance(lemma: str, content_text: str, cues: Cues) -> str:
    if lemma in cues.denial:
        return "denies"
    if _NEGATIONS.search(content_text):
        return "denies"
    return "asserts"


def _verb_candidates(sent: SpacySpan, quotes: Sequence[tuple[int, int]],
                     cues: Cues) -> list[_Candidate]:
    found: list[_Candidate] = []
    text = doc_text(sent.doc)
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ not in ("VERB", "AUX") or lemma not in cues.speech:
            continue
        if lemma == "point" and not any(c.lower_ == "out" for c in token.children):
            continue
        if token.dep_ in ("acl", "amod", "compound") or _inside(token.idx, quotes):
            continue  # "claims confirming …", "a plant considered …", cues inside quotes
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)
        if passive:
            found.extend(_passive_candidate(token, cues))
            continue
        subject = _subject(token)
        content = _content_of(token, cues)
        rule = content[1] if content else ""
        span = None
        if content:
            tokens = [t for t in content[0] if t != token]
            if subject is not None:
                subject_ids = {t.i for t in subject.subtree}
                tokens = [t for t in tokens if t.i not in subject_ids]
            tokens = _without_trailing_cue(tokens, token, cues)
            span = _char_span(tokens)
        quote = _quote_near(token, quotes)
        if span is None and quote is not None:
            span, rule = quote, "cue.quote"
        if span is None or (lemma in cues.quote_only and quote is None):
            continue
        finite = token.dep_ in ("ROOT", "conj", "parataxis") and token.tag_ in ("VBD", "VBZ",
                                                                                  "VBP")
        participle = token.dep_ in ("advcl", "xcomp") and token.tag_ == "VBG"
        if subject is None and not finite and not participle:
            continue  # an infinitive or a fragment: no one is said to speak
        if quote is not None and quote[0] < span[1] and span[0] < quote[1]:
            span = (min(span[0], quote[0]), max(span[1], quote[1]))  # whole quote
        start, end = _trim(text, *span)
        if end - start < 2:
            continue
        cue_end = token.idx + len(token)
        for child in token.children:  # "called for", "pointed out"
            if child.dep_ == "prt" and child.i == token.i + 1:
                cue_end = child.idx + len(child)
        candidate = _Candidate((token.idx, cue_end), (start, end), subject, rule,
                               _stance(lemma, text[start:end], cues))
        if subject is not None and quote is not None and quote[0] < subject.idx < quote[1]:
            # the parse took a word of the quote as the cue's subject ("“… to you: We will
            # …,” the chief said"): whoever speaks, it is not someone inside the quote
            candidate.subject = None
            for child in token.children:
                if child.dep_ in ("nsubj", "dobj", "attr") and child.pos_ in (
                        "PROPN", "NOUN") and child.ent_type_ not in ("DATE", "TIME") \
                        and not _inside(child.idx, [quote]):
                    candidate.subject = child  # "“…,” said Jordan": the inverted subject
                    break
        elif subject is not None and _is_interlocutor(subject):
            candidate.subject, candidate.interlocutor = None, True
        elif subject is None and token.i > sent.start and token.nbor(-1).dep_ == "pobj":
            candidate.interlocutor = True  # "In a call with X said: …" (X is no subject)
        elif subject is None and not any(t.pos_ in ("NOUN", "PROPN", "PRON")
                                         for t in sent.doc[sent.start:token.i]):
            candidate.elliptic = True  # "Then insisted that …": the running speaker
        between = _speaker_between(token, quotes)
        if between is not None and (subject is None or not between[0] <= subject.idx
                                    < between[1]):
            # "“…,” Obama's former strategist said": the parse took a word of the quote
            # (or none) as subject; the words between the quote and the cue name the speaker
            candidate.subject, candidate.speaker_span = None, between
        if subject is not None and subject.lemma_.lower() in cues.unattributed_subjects \
                and not any(c.dep_ in ("poss", "compound") for c in subject.children):
            candidate.kind, candidate.rule = "unattributed", "unattributed.subject"
            candidate.speaker_span = _noun_phrase(subject)
            candidate.subject = None
        found.append(candidate)
    return found


def _without_trailing_cue(tokens: list[Token], verb: Token, cues: Cues) -> list[Token]:
    """Content without a trailing ", arguing that …" / ", saying …": that participle is a
    statement of its own, not part of this one."""
    ids = {t.i for t in tokens}
    for t in tokens:
        if t.i > verb.i and t.tag_ == "VBG" and t.dep_ in ("advcl", "conj", "xcomp") \
                and t.lemma_.lower() in cues.speech and t.i - 1 in ids \
                and t.doc[t.i - 1].text in (",", "—", "–"):
            cut = t.doc[t.i - 1].i
            return [x for x in tokens if x.i < cut]
    return tokens


def _speaker_between(verb: Token, quotes: Sequence[tuple[int, int]]
                     ) -> tuple[int, int] | None:
    """The words between a quote and the cue that closes it ("“…,” Flynn, a top
    surrogate, said"): a short noun phrase with no verb, else None."""
    doc = verb.doc
    for _q_start, q_end in quotes:
        if not 0 < verb.idx - q_end <= 80:
            continue
        gap = doc_text(doc)[q_end:verb.idx]
        if re.search(r"[!?;:“”\"\n]", gap) or gap.lstrip()[:1] in (".", "") \
                or not re.match(r"\s*[,–—-]?\s*\S", gap):
            continue
        tokens = [t for t in doc[verb.i - 12 if verb.i > 12 else 0:verb.i]
                  if t.idx >= q_end and not t.is_punct]
        # a capitalised word here is a name, whatever the tagger says ("“…,” Tulsa police
        # Chief X said" tags "Tulsa" a verb)
        if not tokens or len(tokens) > 12 or any(t.pos_ in ("VERB", "AUX") and not t.is_title
                                                 for t in tokens):
            continue
        if (tokens[0].pos_ not in ("DET", "PROPN", "NOUN", "PRON", "ADJ", "NUM")
                and not tokens[0].is_title) \
                or tokens[-1].pos_ in ("CCONJ", "ADP", "ADV", "SCONJ"):
            continue  # "”, often in his campaign, and criticized": narration, not a name
        if not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in tokens):
            continue
        return tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    return None


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in spans)


def _passive_candidate(verb: Token, cues: Cues) -> list[_Candidate]:
    """"X was denied by Y" (speaker Y, content X); "civilians are believed to be …" and
    "It is estimated that …" without an agent are unattributed."""
    text = doc_text(verb.doc)
    lemma = verb.lemma_.lower()
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    parts: list[Token] = []
    clause = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
    if subject is not None and subject.lower_ != "it":
        parts.extend(subject.subtree)
    if clause is not None:
        parts.extend(t for t in clause.subtree
                     if not (t.dep_ == "mark" and t.head == clause))
    span = _char_span(parts)
    if span is None:
        return []
    start, end = _trim(text, *span)
    if end - start < 2:
        return []
    cue_start, cue_end = verb.idx, verb.idx + len(verb)
    stance = _stance(lemma, text[start:end], cues)
    if source is not None:
        return [_Candidate((cue_start, cue_end), (start, end), source, "cue.passive_agent",
                           stance)]
    if lemma in cues.passive_unattributed and (clause is not None or subject is not None):
        return [_Candidate((cue_start, cue_end), (start, end), None, "unattributed.passive",
                           stance, kind="unattributed")]
    return []


def _according_to(sent: SpacySpan, cues: Cues) -> list[_Candidate]:
    found = []
    text = doc_text(sent.doc)
    for token in sent:
        if token.lower_ != "according":
            continue
        to = next((c for c in token.children if c.lower_ == "to"), None)
        if to is None and token.i + 1 < sent.end and sent.doc[token.i + 1].lower_ == "to":
            to = sent.doc[token.i + 1]
        if to is None:
            continue
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            continue
        excluded = {t.i for t in token.subtree} | {t.i for t in to.subtree} | {token.i, to.i}
        head = token.head if token.head.i != token.i else token
        while head.dep_ not in ("ROOT", "ccomp", "conj", "advcl") and head.head.i != head.i:
            head = head.head
        tokens = [t for t in head.subtree if t.i not in excluded] if head != token else []
        span = _char_span(tokens)
        if span is None:
            continue
        start, end = _trim(text, *span)
        if end - start < 2:
            continue
        cue = (token.idx, to.idx + len(to))
        found.append(_Candidate(cue, (start, end), source, "cue.according_to",
                                _stance("", text[start:end], cues)))
    return found


def _headline(doc: Doc, mentions: Sequence[Mention], cues: Cues) -> _Candidate | None:
    title_end = doc._.title_end or 0
    first = doc_text(doc)[:title_end]
    if not first.strip() or len(first) > 250:
        return None
    gaz_roles = _role_words()
    m = _DASH_TAIL.search(first)
    if m:
        tail = m.group(1).strip()
        if len(tail.split()) <= 6 and (_mentions_in(mentions, m.start(1), m.end(1))
                                       or gaz_roles.search(tail.lower())):
            content = _trim(doc_text(doc), 0, m.start())
            cand = _Candidate((m.start(), m.start(1)), content, None, "headline.dash",
                              _stance("", first[: m.start()], cues), kind="headline")
            cand.speaker_span = (m.start(1), m.start(1) + len(tail))
            return cand
    m = _SAYS_TAIL.search(first)
    if m and len(m.group(1).split()) <= 6:
        # "Two killed in shelling, governor says": the wire's closing credit
        body_start = 0
        colon = _COLON_HEAD.match(first)
        if colon is not None and colon.end(1) < m.start() and not _speaker_head(
                doc, mentions, 0, colon.end(1), gaz_roles):
            body_start = colon.end(1) + 1  # "Kherson: …": the topic stays out
        content = _trim(doc_text(doc), body_start, m.start())
        verb = m.group(2).lower()
        cand = _Candidate((m.start(2), m.end(2)), content, None, "headline.says",
                          "denies" if verb.startswith("den") else _stance(
                              "", first[content[0]:content[1]], cues), kind="headline")
        cand.speaker_span = (m.start(1), m.end(1))
        return cand
    offset = 0
    for _ in range(2):  # "Russia-Ukraine war: Zelensky: …": a topic, then the speaker
        m = _COLON_HEAD.match(first, offset)
        if m is None:
            break
        head_text = m.group(1)
        if len(head_text.split()) <= 5 and _speaker_head(doc, mentions, m.start(1), m.end(1),
                                                         gaz_roles):
            content = _trim(doc_text(doc), m.end(1) + 1, len(first))
            cand = _Candidate((m.end(1), m.end(1) + 1), content, None, "headline.colon",
                              _stance("", first[m.end(1):], cues), kind="headline")
            cand.speaker_span = (m.start(1), m.end(1))
            return cand
        offset = m.end(1) + 1
        while offset < len(first) and first[offset].isspace():
            offset += 1
    return None


#: Head nouns of bodies that speak in headlines ("Russian defence ministry: …").
_SPEAKING_BODIES = frozenset({"ministry", "government", "army", "command", "staff", "police",
                              "office", "administration", "council", "military", "forces",
                              "kremlin", "presidency", "parliament", "agency", "service",
                              "committee", "commission", "spokesman", "spokeswoman",
                              "spokesperson", "officials", "sources"})
_HEAD_PREPOSITION = re.compile(r"\s(?:of|in|on|at|near|over|for|from|to|by)\s", re.I)
_SPEAKER_TYPES = ("PERSON", "ORG", "NORP", "GPE")


def _speaker_head(doc: Doc, mentions: Sequence[Mention], start: int, end: int,
                  roles: re.Pattern[str]) -> bool:
    """Whether the words before a headline's colon name who speaks ("Zelensky:", "Regional
    governor:", "Head of the Kharkiv administration:") rather than a topic ("Shelling of
    Kharkiv:", "Losses of Ukraine:", "Russia kills children:", "Ukraine war:", "Kherson:")."""
    head = doc_text(doc)[start:end]
    tokens = doc.char_span(start, end, alignment_mode="expand") or ()
    if any(t.pos_ in ("VERB", "AUX") for t in tokens):
        return False
    found = [x for x in _mentions_in(mentions, start, end) if x.type in _SPEAKER_TYPES]
    prep = _HEAD_PREPOSITION.search(head)
    if prep is not None:  # "X of Y": X must be the speaker (a role, or a name)
        before = head[:prep.start()]
        return bool(roles.search(before.lower())
                    or any(x.start < start + prep.start() and x.type != "GPE" for x in found))
    # the head noun, its last word, names the speaker: "Zelensky", "Regional governor",
    # "Kremlin" — not "Ukraine war" or "Bucha massacre"; a place alone is a topic
    words = [t for t in tokens if not t.is_punct]
    if not words:
        return False
    last = words[-1]
    if roles.fullmatch(last.lower_) or roles.fullmatch(last.lower_.rstrip("s")) \
            or last.lower_ in _SPEAKING_BODIES:
        return True
    return any(x.type != "GPE" and x.start <= last.idx < x.end for x in found)


@lru_cache(maxsize=1)
def _role_words() -> re.Pattern[str]:
    from crosscheck.extract.entities import load_gazetteer

    nouns = sorted(load_gazetteer().role_nouns, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in nouns) + r")s?\b")


def _mentions_in(mentions: Sequence[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if m.start < end and start < m.end]


# -- speakers --------------------------------------------------------------------------------


def _speaker_from_span(doc: Doc, start: int, end: int, mentions: Sequence[Mention]
                       ) -> Speaker:
    text = doc_text(doc)[start:end].rstrip(" ,;:–—-\n")  # "Narusova, a senator," ends at "senator"
    end = start + len(text)
    inside = _mentions_in(mentions, start, end)
    people = [m for m in inside if m.type == "PERSON"]
    if people:
        m = people[-1]
        return Speaker(text, start, end, m.name, m.entity_key, m.side, m.role)
    orgs = [m for m in inside if m.type in ("ORG", "GPE", "FAC", "NORP")]
    side = side_of(text)
    head_words = re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)
    if len(orgs) == 1 and orgs[0].start <= start + 4 and end - orgs[0].end <= 2:
        m = orgs[0]  # the speaker is the organisation itself
        return Speaker(text, start, end, m.name, m.entity_key, m.side or side, None)
    if orgs:
        return Speaker(text, start, end, head_words, None, side or orgs[0].side, None)
    return Speaker(text, start, end, head_words, None, side, None)


def _resolve(cand: _Candidate, doc: Doc, mentions: Sequence[Mention],
             history: list[Statement]) -> Speaker | None:
    if cand.speaker_span is not None:
        return _speaker_from_span(doc, *cand.speaker_span, mentions)
    subject = cand.subject
    if subject is None:
        if cand.kind == "unattributed":
            return None
        previous = _previous_speaker(history, cand.content[0], doc)
        if previous is None:
            return None
        return previous  # implicit: the speaker of the running account
    start, end = _noun_phrase(subject)
    if not any(m.type == "PERSON" for m in _mentions_in(mentions, start, end)):
        for child in subject.subtree:  # "Commander of the regiment, Denys X, said"
            if child.dep_ == "appos" and any(
                    m.type == "PERSON" for m in _mentions_in(mentions, child.idx,
                                                             child.idx + len(child))):
                end = child.right_edge.idx + len(child.right_edge)
                break
    if subject.lower_ in _PRONOUNS and end - start <= len(subject.text):
        if subject.lower_ in _RELATIVES:
            antecedent = _relative_antecedent(subject)
            if antecedent is not None:
                # "X, who said …": the speaker words are the relative pronoun, local like
                # "he"; who it is comes from the antecedent's phrase
                named = _speaker_from_span(doc, *_noun_phrase(antecedent), mentions)
                return replace(named, text=subject.text, start=subject.idx,
                               end=subject.idx + len(subject))
        previous = _pronoun_antecedent(subject, history, mentions)
        if previous is not None:
            return replace(previous, text=subject.text, start=subject.idx,
                           end=subject.idx + len(subject))
        return Speaker(subject.text, subject.idx, subject.idx + len(subject), None)
    return _speaker_from_span(doc, start, end, mentions)


_RELATIVES = ("who", "which", "that")


def _relative_antecedent(pronoun: Token) -> Token | None:
    """The noun a relative pronoun stands for: "the senator, who said …" -> "senator";
    also through a conjoined verb ("who sent a letter and said …")."""
    verb = pronoun.head
    for _ in range(3):
        if verb.dep_ in ("relcl", "acl") and verb.head.i != verb.i:
            return verb.head
        if verb.dep_ == "conj" and verb.head.i != verb.i:
            verb = verb.head
            continue
        break
    return None


def _previous_speaker(history: list[Statement], position: int, doc: Doc) -> Speaker | None:
    for statement in reversed(history):
        if statement.speaker is None or statement.speaker.name is None:
            continue
        gap = doc_text(doc)[statement.content.end:position]
        if gap.count("\n") <= 4:
            return statement.speaker
        return None
    return None


def _pronoun_antecedent(pronoun: Token, history: list[Statement],
                        mentions: Sequence[Mention]) -> Speaker | None:
    """The speaker a pronoun continues: "he", "she", "I", "who" a person; "it", "which",
    "that", "they", "we" an organisation, a government or a group — never a person ("It
    said its analysis …" after a quote from the charity's director is the charity)."""
    wants_person = pronoun.lower_ in ("he", "she", "i", "who")
    for statement in reversed(history):
        speaker = statement.speaker
        if speaker is None or speaker.name is None:
            continue
        is_person = speaker.entity_key is not None and speaker.entity_key.startswith("PERSON:")
        if is_person == wants_person:
            return speaker
    wanted = ("PERSON",) if wants_person else ("ORG", "NORP", "GPE")
    for m in reversed(mentions):
        if m.end <= pronoun.idx and m.type in wanted:
            return Speaker(m.text, m.start, m.end, m.name, m.entity_key, m.side, m.role)
    return None


# -- assembly --------------------------------------------------------------------------------


def _kind(content: tuple[int, int], quotes: Sequence[tuple[int, int]]) -> str:
    start, end = content
    covered = 0
    for q_start, q_end in quotes:
        covered += max(0, min(end, q_end) - max(start, q_start))
    if covered == 0:
        return "indirect"
    return "direct" if covered >= 0.7 * (end - start) else "partial"


def _channel(sentence: str, cues: Cues) -> str | None:
    for name, pattern in cues.channels:
        if pattern.search(sentence):
            return name
    return None


def _date(sent: SpacySpan, content: tuple[int, int], dates: Sequence[DateMention]) -> str | None:
    for date in dates:
        inside_sentence = sent.start_char <= date.start and date.end <= sent.end_char
        outside_content = date.end <= content[0] or date.start >= content[1]
        if inside_sentence and outside_content and date.value:
            return date.value
    return None


def find_statements(doc: Doc, mentions: Sequence[Mention],
                    dates: Sequence[DateMention] = ()) -> list[Statement]:
    """Every attributed (or unattributed) statement in ``doc``, in text order."""
    cues = load_cues()
    quotes = find_quotes(doc_text(doc))
    statements: list[Statement] = []
    title_end = doc._.title_end or 0
    headline = _headline(doc, mentions, cues)
    media = [m for m in mentions if m.side == "media"]
    unclaimed: list[tuple[int, int]] = []
    for sent in doc.sents:
        candidates = _verb_candidates(sent, quotes, cues)
        according = _according_to(sent, cues)
        for cand in according:
            named = _speaker_from_span(doc, *_noun_phrase(cand.subject), mentions) \
                if cand.subject is not None else None
            other = next((c for c in candidates if c.subject is not None
                          and c.content[0] < cand.content[1]
                          and cand.content[0] < c.content[1]), None)
            agency = next((m for m in media if named is not None
                           and m.start < named.end and named.start < m.end), None)
            if other is not None and agency is not None:
                other.intermediary = agency.name
            else:
                candidates.append(cand)
        if headline is not None and sent.start_char == 0:
            candidates = [c for c in candidates
                          if c.content[1] <= headline.content[0]
                          or c.content[0] >= headline.content[1]] + [headline]
        candidates.sort(key=lambda c: c.content[0])
        for cand in _dedupe(candidates):
            if cand.subject is None and cand.speaker_span is None and cand.kind is None \
                    and not (cand.interlocutor or cand.elliptic):
                # a cue whose subject the parse lost: the previous
                # speaker is nearly always the wrong guess, so no statement, and its
                # quote is no orphan either
                unclaimed.append(cand.content)
                continue
            speaker = _resolve(cand, doc, mentions, statements)
            kind = cand.kind or _kind(cand.content, quotes)
            if kind in ("indirect", "direct", "partial") and cand.content[1] <= title_end:
                kind = "headline"  # "Kremlin says talks stalled"
            content_text = doc_text(doc)[cand.content[0]:cand.content[1]]
            rules = [cand.rule]
            if cand.subject is None and speaker is not None and cand.speaker_span is None:
                rules.append("speaker.implicit")
            elif speaker is not None and cand.subject is not None \
                    and cand.subject.lower_ in _PRONOUNS:
                rules.append("speaker.pronoun")
            intermediary = cand.intermediary
            if intermediary is None:
                for m in media:
                    outside = m.end <= cand.content[0] or m.start >= cand.content[1]
                    if (sent.start_char <= m.start < sent.end_char and outside
                            and (speaker is None or not (m.start < speaker.end
                                                         and speaker.start < m.end))):
                        intermediary = m.name
                        break
            statements.append(Statement(
                kind=kind,
                stance=cand.stance,
                content=Span(content_text, *cand.content),
                cue=Span(doc_text(doc)[cand.cue[0]:cand.cue[1]], *cand.cue) if cand.cue else None,
                speaker=speaker if kind != "unattributed" or cand.speaker_span else None,
                intermediary=intermediary,
                channel=_channel(sent.text, cues),
                date=_date(sent, cand.content, dates),
                rules=tuple(rules),
            ))
    statements.extend(_transcript_turns(doc, statements, mentions, cues))
    statements.sort(key=lambda s: s.content.start)
    statements.extend(_orphan_quotes(doc, quotes, statements, mentions, unclaimed))
    statements.sort(key=lambda s: s.content.start)
    return statements


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    """One statement per content: nested cues ("said he believed that …") keep the outer."""
    kept: list[_Candidate] = []
    for cand in candidates:
        clash = next((k for k in kept if k.content == cand.content), None)
        if clash is not None:
            if clash.subject is None and cand.subject is not None:
                kept[kept.index(clash)] = cand
            continue
        kept.append(cand)
    return kept


_TURN = re.compile(r"^[\"“]?([A-Z][A-Z.'’ -]{1,30}[A-Z.]):[ \t]+(?=\S)")


def _transcript_turns(doc: Doc, statements: list[Statement], mentions: Sequence[Mention],
                      cues: Cues) -> list[Statement]:
    """Interview transcripts: a paragraph opened by a speaker's name in capitals
    ("PENCE: Well, look, …") is that speaker's turn, the colon its cue."""
    found = []
    for paragraph in re.finditer(r"[^\n]+", doc_text(doc)):
        m = _TURN.match(paragraph.group(0))
        if m is None or len(m.group(1).split()) > 4 or m.group(1) in cues.not_speakers:
            continue
        base = paragraph.start()
        start, end = _trim(doc_text(doc), base + m.end(), paragraph.end())
        if end - start < 2 or any(s.content.start <= start and end <= s.content.end
                                  for s in statements):
            continue
        label = (base + m.start(1), base + m.end(1))
        found.append(Statement(
            kind="direct", stance=_stance("", doc_text(doc)[start:end], cues),
            content=Span(doc_text(doc)[start:end], start, end),
            cue=Span(":", label[1], label[1] + 1),
            speaker=_speaker_from_span(doc, *label, mentions),
            rules=("transcript.turn",)))
    return found


def _orphan_quotes(doc: Doc, quotes: Sequence[tuple[int, int]],
                   statements: list[Statement], mentions: Sequence[Mention],
                   skipped: Sequence[tuple[int, int]] = ()) -> list[Statement]:
    """Quotes no cue claimed. A quote whose sentence holds a cue verb with a subject takes
    that speaker; a quote that makes up most of its sentence (a running quote) carries
    over to the speaker of the previous statement nearby; scare quotes stay unattributed."""
    found: list[Statement] = []
    cues = load_cues()
    ordered = sorted(statements, key=lambda s: s.content.start)
    for q_start, q_end in quotes:
        start, end = _trim(doc_text(doc), q_start, q_end)
        if end - start < 12:
            continue  # a scare-quoted word, not a statement
        if any(s.content.start < end and start < s.content.end for s in ordered + found) \
                or any(a < end and start < b for a, b in skipped):
            continue
        sentences = [sent for sent in doc.sents
                     if sent.start_char < q_end and q_start < sent.end_char]
        if not sentences:
            continue
        stance = _stance("", doc_text(doc)[start:end], cues)
        lead = _INVERTED_LEAD.search(doc_text(doc), max(0, q_start - 90), q_start)
        if lead is not None:
            # "Said Ellis: “…”": the inverted cue before the quote, its subject after it
            found.append(Statement(
                kind="direct", stance=stance, content=Span(doc_text(doc)[start:end], start, end),
                cue=Span(lead.group(1), lead.start(1), lead.end(1)),
                speaker=_speaker_from_span(doc, lead.start(2), lead.end(2), mentions),
                channel=_channel(sentences[0].text, cues), rules=("quote.inverted_lead",)))
            continue
        credit = _CREDIT.match(doc_text(doc), q_end)
        if credit is not None and credit.group(1) not in cues.not_speakers:
            # "“…” ― Veronica Cruz": a quote signed with a dash, as in pull quotes, vox
            # pops and epigraphs
            found.append(Statement(
                kind="direct", stance=stance, content=Span(doc_text(doc)[start:end], start, end),
                cue=Span(doc_text(doc)[credit.start(0):credit.start(1)].strip(),
                         credit.start(0) + len(credit.group(0)) - len(credit.group(0).lstrip()),
                         credit.start(1)),
                speaker=_speaker_from_span(doc, credit.start(1), credit.end(1), mentions),
                rules=("quote.dash_credit",)))
            continue
        speaker_verb = _sentence_cue(sentences, q_start, q_end, cues, quotes)
        if speaker_verb is not None:
            verb, subject = speaker_verb
            history = [s for s in ordered if s.content.end <= start]
            cand = _Candidate((verb.idx, verb.idx + len(verb)), (start, end), subject,
                              "quote.sentence_cue", stance)
            speaker = _resolve(cand, doc, mentions, history)
            found.append(Statement(
                kind="direct", stance=stance, content=Span(doc_text(doc)[start:end], start, end),
                cue=Span(verb.text, verb.idx, verb.idx + len(verb)), speaker=speaker,
                channel=_channel(sentences[0].text, cues), rules=("quote.sentence_cue",)))
            continue
        sentence_chars = sum(len(s.text.strip()) for s in sentences)
        if (end - start) < 0.6 * sentence_chars:
            continue  # a quoted phrase inside narration
        previous = [s for s in ordered if s.content.end <= start and s.speaker is not None
                    and s.speaker.name is not None]
        if not previous:
            continue
        last = previous[-1]
        if doc_text(doc)[last.content.end:start].count("\n") > 4:
            continue
        found.append(Statement(
            kind="direct", stance=stance, content=Span(doc_text(doc)[start:end], start, end),
            cue=None, speaker=last.speaker, channel=None, date=last.date,
            rules=("quote.carryover",)))
    return found


_INVERTED_LEAD = re.compile(
    r"(?:^|(?<=[.!?”\n])\s*)\b(Said|Says|Added|Adds|Asked|Explained|Wrote|Writes|Recalled)"
    r"\s+((?:the\s+|a\s+)?[A-Z][^:,;.!?“”\"\n]{1,60}?)(?:,[^:;.!?“”\"\n]{1,60})?\s*[:,]\s*$",
    re.MULTILINE)
_CREDIT = re.compile(r"[ \t]*[―—–-]{1,2}[ \t]*([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,4})"
                     r"(?=[ \t]*(?:,[^\n]{0,80})?[ \t]*(?:\n|$))")


def _sentence_cue(sentences: list[SpacySpan], q_start: int, q_end: int, cues: Cues,
                  quotes: Sequence[tuple[int, int]] = ()) -> tuple[Token, Token] | None:
    """The cue verb with a subject nearest to a quote, in the quote's sentences, outside it
    and outside any other quote."""
    best = None
    for sent in sentences:
        for token in sent:
            if q_start <= token.idx < q_end or token.pos_ not in ("VERB", "AUX") \
                    or _inside(token.idx, quotes):
                continue
            if token.lemma_.lower() not in cues.speech:
                continue
            subject = _subject(token)
            if subject is None or q_start <= subject.idx < q_end or _is_interlocutor(subject):
                continue
            distance = min(abs(token.idx - q_start), abs(token.idx - q_end))
            if distance > 60:
                continue  # a cue far from the quote speaks of something else
            if best is None or distance < best[0]:
                best = (distance, token, subject)
    return (best[1], best[2]) if best else None


def attach_quantities(quantities: Sequence[Quantity], statements: Sequence[Statement],
                      published: str | None) -> list[Quantity]:
    """Link each figure to the statement whose content holds it: its speaker, and the date
    it was claimed (the statement's date, else the article's)."""
    linked = []
    for quantity in quantities:
        owner = None
        for index, statement in enumerate(statements):
            if statement.content.start <= quantity.start and quantity.end <= statement.content.end:
                owner = index
                break
        if owner is None:
            linked.append(replace(quantity, claimed_on=quantity.claimed_on or published))
            continue
        statement = statements[owner]
        linked.append(replace(
            quantity, statement_index=owner,
            speaker=statement.speaker.name if statement.speaker else None,
            claimed_on=statement.date or published,
            hedged=quantity.hedged or statement.kind == "unattributed"))
    return linked
