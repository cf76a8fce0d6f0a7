"""One entity across articles and spellings (issue 5): entity keys -> corpus-wide entities.

Extraction gives every mention an entity key per article (``"PERSON:volodymyr zelensky"``,
``"PERSON:zelenskyy"``, ``"ORG:un"``); within one article a surname already resolves to
the full name the article gives. Across articles this module links keys that name the same
entity and stores one row per key in ``entity_links`` (``key -> canonical_key, method``):

- PERSON: titles stripped ("President", "Gen.", "Mr", "spokesman", ...); transliteration
  variants of the same name merge (:func:`skeleton`); a surname-only, title + surname or
  initials form joins the one full name it is compatible with, and stays apart when the
  surname is shared by two different full names (two Klitschkos: ambiguous, not guessed).
- ORG: a leading "the", punctuation, word order and British/American spelling merge
  ("the Kremlin" / "Kremlin", "Ministry of Defence" / "Defense Ministry"); an acronym joins
  its expansion when the acronym is the initials of the expansion's capitalised words (or
  of all its words but "the"/"and": MOD), the block holds one expansion only, and some
  article names both (journalists spell a name out before abbreviating it): "RAF" never
  named beside "Russian Armed Forces" stays apart.
- NORP: plural and singular ("Russians" / "Russian"), transliteration.
- GPE, LOC, FAC: transliteration only (places are already canonical through the gazetteer).

Never all pairs: keys are blocked (a PERSON by the skeleton of its surname, an ORG by its
bag of word skeletons and by its acronym, others by their skeleton) and only keys sharing
a block are compared. Decisions are local to the connected components of the key-block
graph, so linking only the components of new keys gives what a full rebuild gives.

    from crosscheck.link.entities import resolve_article_entities, resolve_entities
    resolve_entities(store)                          # rebuild every link
    resolve_article_entities(store, article_ids)     # after a batch: the keys its articles
                                                     # mention, and their components only

Pass every key a batch mentions, not only keys never seen: mention counts (which name a
cluster) and the articles naming an acronym beside its expansion change with them.
"""

from __future__ import annotations

import re
import time
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crosscheck.store import Store

__all__ = ["ENTITY_LINK_VERSION", "EntityLinkReport", "block_keys", "link_rows",
           "resolve_article_entities", "resolve_entities", "skeleton"]

#: keys -> the articles mentioning each
ArticlesOf = Callable[[Sequence[str]], Mapping[str, set[str]]]

#: Stored with every link row; bump it when a rule here changes meaning, then run
#: ``resolve_entities(store)`` (a full rebuild).
ENTITY_LINK_VERSION = "1.0.0"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words before a name that are a title, rank or function, not part of the name.
TITLES = _wordset("""
mr mrs ms miss mx dr prof professor sir dame lord lady madam president vice prime minister
deputy first foreign defence defense interior secretary general gen lt lieutenant col colonel
maj major sgt sergeant capt captain cmdr commander adm admiral marshal marshall field brig
brigadier cpl corporal pte private officer governor gov mayor senator sen rep representative
congressman congresswoman spokesman spokeswoman spokesperson ambassador envoy chancellor
premier chief head leader pope king queen prince princess crown sheikh emir patriarch
metropolitan father rev reverend judge justice lawyer attorney widow superintendent
inspector commissioner speaker chairman chairwoman chair ceo director mp st saint
serviceman servicewoman soldier activist journalist reporter correspondent photographer
analyst volunteer resident
""")
#: Nationality words that may precede a title ("Ukrainian President Zelensky").
_NATIONALITIES = _wordset("""
ukrainian russian american us british uk french german chinese belarusian turkish polish
italian israeli iranian indian japanese canadian european un nato kremlin
""")
#: Caption and byline debris before a name ("FILE - Marina Ovsyannikova", "Follow Derek G").
_NOISE = frozenset({"file", "follow", "photo", "pal", "via", "by"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})
_ORG_STOP = frozenset({"the", "of", "and", "&", "for", "a", "an", "in", "on", "at", "to"})
#: British and American spellings of words common in organisation names.
_SPELLING = {"defence": "defense", "organisation": "organization", "labour": "labor",
             "centre": "center", "programme": "program", "armour": "armor",
             "honour": "honor", "ministries": "ministry", "forces": "force"}
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
#: A block with more name groups than this only merges spelling variants (no surname or
#: initials matching): a guard against quadratic work on a degenerate block.
MAX_BLOCK_GROUPS = 1000

_CYRILLIC = dict(zip(
    "абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "g", "d", "e", "ye", "yo", "zh", "z", "i", "i", "yi", "y", "k", "l",
     "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "",
     "e", "yu", "ya"], strict=True))
_DIGRAPHS = (("x", "ks"), ("ph", "f"), ("w", "v"), ("j", "y"), ("ck", "k"), ("tz", "ts"),
             ("shch", "Q"), ("sch", "Q"), ("tch", "C"), ("zh", "Z"), ("kh", "X"), ("ch", "C"),
             ("sh", "S"), ("th", "t"))
_NON_LETTER = re.compile(r"[^a-z0-9]+")
_EIY = re.compile(r"[eiy]+")
_REPEAT = re.compile(r"(.)\1+")
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,6}")
_MESSY = re.compile(r" - |[()\[\]/,;]|^[^:]*:(file|follow|photo|pal|via|by) ")


# -- spelling ----------------------------------------------------------------------------

def _latin(word: str) -> str:
    text = unicodedata.normalize("NFKD", word.lower())
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text if not unicodedata.combining(ch))
    return _NON_LETTER.sub("", text)


@lru_cache(maxsize=200_000)
def _skeleton_word(word: str) -> str:
    w = _latin(word)
    if not w:
        return ""
    long = len(w) >= 5
    for old, new in _DIGRAPHS:
        w = w.replace(old, new)
    # Ukrainian h is Russian g (Shmyhal / Shmygal, Luhansk / Lugansk); an initial h stays
    w = w[:1] + w[1:].replace("h", "g")
    if long:  # e, i and y are one vowel in long words (Severodonetsk / Sievierodonetsk)
        w = w.replace("e", "i").replace("y", "i")
    else:  # in short ones only runs holding i or y (Kiev / Kyiv), so Lee != Li, Reed != Reid
        w = _EIY.sub(lambda m: "i" if set(m.group()) - {"e"} else m.group(), w)
    w = _REPEAT.sub(r"\1", w)
    if len(w) > 2 and w.endswith(("iv", "ev")):  # Kharkiv / Kharkov, Medvedev / Medvedyov
        w = w[:-2] + "ov"
    return w


def skeleton(name: str) -> str:
    """A name's transliteration-folded form: two spellings of one name share it.

    Each word is folded on its own (accents, Cyrillic letters, punctuation, case), its
    digraphs reduced (shch/sch, zh, kh, ch, sh, th, ph, x, w, j), a non-initial h read as g,
    e/i/y as one vowel (in words under five letters only runs with i or y), doubled letters
    single, and a final -iv/-ev read as -ov. So Zelensky, Zelenskyy, Zelenskiy and Zelenskii
    share one skeleton, as do Kharkiv/Kharkov, Kyiv/Kiev, Shmyhal/Shmygal,
    Arestovych/Arestovich, Vereshchuk/Vereschuk and Dmitry/Dmitriy/Dmitri; Putin/Patin,
    Ivanov/Ivanova, Dmitry/Dmytro and Lee/Li do not."""
    return " ".join(s for s in (_skeleton_word(w) for w in name.split()) if s)


# -- features of one key -----------------------------------------------------------------

@dataclass(slots=True, frozen=True)
class _Person:
    given: tuple[str, ...]  # skeletons of given names and initials, in order
    last: str  # skeleton of the surname
    suffix: str  # jr, sr, ...
    titled: bool
    initials: int
    opaque: bool  # not a name we can reason about: keep it to itself


@lru_cache(maxsize=200_000)
def _person(name: str) -> _Person:
    words = name.split()
    opaque = any(ch.isdigit() for ch in name)
    if "-" in words:
        i = words.index("-")
        left, right = words[:i], words[i + 1:]
        if left and all(w in _NOISE for w in left):
            words = right
        elif len(right) == 1 and len(left) >= 2:  # "Matteo Salvini - leader"
            words = left
        else:
            opaque = True
    while words and words[0] in _NOISE and len(words) > 1:
        words = words[1:]
    n = 0
    while n < len(words) - 1 and all(p in TITLES or p in _NATIONALITIES
                                     for p in words[n].replace(".", "").split("-")):
        n += 1
    titled = n > 0 and any(p in TITLES for w in words[:n] for p in w.replace(".", "").split("-"))
    if titled:
        words = words[n:]
    suffix = ""
    if len(words) > 1 and words[-1].rstrip(".") in _SUFFIXES:
        suffix, words = words[-1].rstrip("."), words[:-1]
    skels = [_skeleton_word(w) for w in words]
    skels = [s for s in skels if s]
    if not skels:
        return _Person((), "", suffix, titled, 0, True)
    given = tuple(skels[:-1])
    return _Person(given, skels[-1], suffix, titled, sum(len(g) == 1 for g in given),
                   opaque or any(not w[:1].isalpha() for w in words))


def _org_words(name: str) -> list[str]:
    words = name.split()
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return words


@lru_cache(maxsize=200_000)
def _org_bag(folded: str) -> str:
    words = [_SPELLING.get(w, w) for w in _org_words(folded.replace(".", ""))]
    skels = sorted(s for s in (_skeleton_word(w) for w in words if w not in _ORG_STOP) if s)
    return " ".join(skels)


def _acronym(display: str) -> str | None:
    words = _org_words(display.strip())
    if len(words) == 1 and _ACRONYM.fullmatch(words[0]):
        return words[0].replace(".", "").lower()
    return None


def _initials(display: str) -> set[str]:
    """Acronyms an expansion may go by: initials of its capitalised words ("United
    Nations" -> un), and of all its words but "the" and "and" ("Ministry of Defence" ->
    mod)."""
    words = [w for w in _org_words(display.strip()) if any(ch.isalpha() for ch in w)]
    if len(words) < 2 or _acronym(display):
        return set()
    capitalised = "".join(w[0] for w in words if w[0].isupper())
    every = "".join(w[0] for w in words if w.lower() not in ("the", "and", "&"))
    return {a.lower() for a in (capitalised, every) if 2 <= len(a) <= 6 and a.isalpha()}


def _depluralise(name: str) -> str:
    return name[:-1] if len(name) > 4 and name.endswith("s") and not name.endswith("ss") \
        else name


@lru_cache(maxsize=200_000)
def block_keys(key: str, type_: str, display: str) -> tuple[str, ...]:
    """The blocks a key is compared within (``TYPE|...``): keys sharing none are never
    compared."""
    name = key.split(":", 1)[1] if ":" in key else key
    if type_ == "PERSON":
        p = _person(name)
        return (f"PERSON|{p.last}",) if p.last and not p.opaque else ()
    if type_ == "ORG":
        acronym = _acronym(display)
        bag = f"={acronym}" if acronym else _org_bag(name)  # skeletons fold IISS into IS
        out = [f"ORG|n:{bag}"] if bag else []
        out += [f"ORG|a:{acronym}"] if acronym else [f"ORG|a:{a}" for a in
                                                       sorted(_initials(display))]
        return tuple(out)
    folded = skeleton(_depluralise(name) if type_ == "NORP" else name)
    return (f"{type_}|{folded}",) if folded else ()


# -- resolution --------------------------------------------------------------------------

@dataclass(slots=True)
class EntityLinkReport:
    """What a resolution did. ``comparisons``: compatibility checks between name groups
    of one block (never all pairs); ``ambiguous``: surname-only or partial names left
    apart because two different full names fit them."""

    keys: int = 0
    blocks: int = 0
    clusters: int = 0
    linked: int = 0
    ambiguous: int = 0
    comparisons: int = 0
    full: bool = False
    seconds: float = 0.0
    version: str = ENTITY_LINK_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Row:
    key: str
    type: str
    name: str
    mentions: int
    geocoded: bool


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent.get(x, x)
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # deterministic


def _compatible(g: _Person, h: _Person) -> bool:
    """``g`` names less than ``h`` and nothing else: its given names (or initials) are an
    in-order match within ``h``'s, and ``h`` says more (more given names, or a full given
    name where ``g`` has an initial). Suffixes must agree: "Trump" is not "Trump Jr."."""
    if g.suffix != h.suffix:
        return False
    if len(g.given) > len(h.given):
        return False
    i = 0
    more = len(g.given) < len(h.given)
    for token in g.given:
        while i < len(h.given):
            other = h.given[i]
            i += 1
            if token == other:
                break
            if len(token) == 1 and other[:1].lower() == token.lower():
                more = True
                break
        else:
            return False
    return more


def _resolve(rows: Sequence[_Row], report: EntityLinkReport, articles_of: ArticlesOf | None
             ) -> dict[str, tuple[str, str]]:
    """key -> (canonical key, method) for rows closed under their blocks."""
    uf = _UnionFind()
    by_block: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        for block in block_keys(row.key, row.type, row.name):
            by_block[block].append(row)
    report.blocks += len(by_block)
    persons = {r.key: _person(r.key.split(":", 1)[1]) for r in rows if r.type == "PERSON"}
    acronym_blocks = []
    for block, members in sorted(by_block.items()):
        kind, _sep, rest = block.partition("|")
        if kind == "PERSON":
            _person_block(members, persons, uf, report)
        elif kind == "ORG" and rest.startswith("a:"):
            acronym_blocks.append(members)
        else:  # ORG names, NORP, places, others: one entity per block
            for row in members[1:]:
                uf.union(members[0].key, row.key)
    roots = {r.key: uf.find(r.key) for r in rows}  # after name unions, before acronyms
    _acronym_unions(acronym_blocks, roots, uf, articles_of)
    clusters: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        clusters[uf.find(row.key)].append(row)
    report.clusters += len(clusters)
    out: dict[str, tuple[str, str]] = {}
    for members in clusters.values():
        canonical = min(members, key=lambda r: _rank(r, persons.get(r.key)))
        for row in members:
            method = "self" if row is canonical else _method(row, canonical, persons)
            out[row.key] = (canonical.key, method)
    report.linked += sum(1 for _c, m in out.values() if m != "self")
    return out


def _acronym_unions(blocks: list[list[_Row]], roots: dict[str, str], uf: _UnionFind,
                    articles_of: ArticlesOf | None) -> None:
    """An acronym joins the one expansion (cluster) its block holds, when some article
    names both (``articles_of`` None: no such evidence asked)."""
    candidates: list[tuple[list[str], str]] = []
    for members in blocks:
        acronyms = [r.key for r in members if _acronym(r.name)]
        expansions = {roots[r.key] for r in members if not _acronym(r.name)}
        if acronyms and len(expansions) == 1:
            candidates.append((acronyms, expansions.pop()))
    if not candidates:
        return
    cluster: dict[str, list[str]] = defaultdict(list)
    for key, root in roots.items():
        cluster[root].append(key)
    seen: Mapping[str, set[str]] = {}
    if articles_of is not None:
        wanted = {k for acronyms, root in candidates for k in [*acronyms, *cluster[root]]}
        seen = articles_of(sorted(wanted))
    for acronyms, root in candidates:
        together = set().union(*(seen.get(k, set()) for k in cluster[root]))
        for key in acronyms:
            if articles_of is None or seen.get(key, set()) & together:
                uf.union(root, key)


def _person_block(members: list[_Row], persons: dict[str, _Person], uf: _UnionFind,
                  report: EntityLinkReport) -> None:
    groups: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
    for row in members:
        p = persons[row.key]
        if not p.opaque:
            groups[(p.given, p.suffix)].append(row.key)
    for keys in groups.values():  # spelling variants and titled forms of one name
        for key in keys[1:]:
            uf.union(keys[0], key)
    if len(groups) < 2 or len(groups) > MAX_BLOCK_GROUPS:
        return
    # most specific first, so a group's more specific candidates are already resolved
    order = sorted(groups, key=lambda g: (-len(g[0]), sum(len(t) == 1 for t in g[0]), g))
    specimen = {g: persons[groups[g][0]] for g in order}
    for n, g in enumerate(order):
        p = specimen[g]
        fits = []
        for h in order[:n]:
            report.comparisons += 1
            if _compatible(p, specimen[h]):
                fits.append(h)
        roots = {uf.find(groups[h][0]) for h in fits}
        if len(roots) == 1:
            uf.union(roots.pop(), groups[g][0])
        elif len(roots) > 1:
            report.ambiguous += 1


def _rank(row: _Row, person: _Person | None) -> tuple[Any, ...]:
    """Sort key of the canonical key of a cluster (smallest first): a full untitled name,
    then the most mentioned form; an expansion over an acronym; a geocoded place."""
    messy = bool(_MESSY.search(row.key))
    if person is not None:
        return (person.opaque, not person.given, person.titled, messy, person.initials > 0,
                -row.mentions, -len(person.given), row.key)
    if row.type == "ORG":
        return (messy, _acronym(row.name) is not None, row.key.startswith("ORG:the "),
                -row.mentions, row.key)
    return (not row.geocoded, messy, -row.mentions, row.key)


def _method(row: _Row, canonical: _Row, persons: dict[str, _Person]) -> str:
    p = persons.get(row.key)
    if p is not None:
        c = persons[canonical.key]
        if p.titled:
            return "title"
        if (p.given, p.last, p.suffix) == (c.given, c.last, c.suffix):
            return "transliteration"
        return "surname" if not p.given else "alias"
    name, other = row.key.split(":", 1)[1], canonical.key.split(":", 1)[1]
    if row.type == "ORG":
        words = _org_words(name)
        if _acronym(row.name) or _acronym(canonical.name) or words != name.split():
            return "alias"  # acronym, or a leading "the"
        same = skeleton(" ".join(words)) == skeleton(" ".join(_org_words(other)))
        return "transliteration" if same else "alias"  # word order, spelling
    if row.type == "NORP" and _depluralise(name) == _depluralise(other):
        return "alias"  # Russians / Russian
    return "transliteration"


def link_rows(rows: Iterable[Mapping[str, Any]], report: EntityLinkReport | None = None,
              articles_of: ArticlesOf | None = None) -> dict[str, tuple[str, str]]:
    """Resolve entity rows (``key, type, name, mentions, lat``) held in memory: key ->
    (canonical key, method). The rows should be closed under their blocks.
    ``articles_of(keys)`` gives the articles mentioning each key: an acronym joins its
    expansion only when one article names both (None: that evidence is not asked for)."""
    items = [_Row(r["key"], r["type"], r.get("name") or "", int(r.get("mentions") or 0),
                  r.get("lat") is not None) for r in rows]
    return _resolve(items, report or EntityLinkReport(), articles_of)


# -- the store side: an index of blocks, kept per store ------------------------------------

@dataclass(slots=True)
class _Index:
    blocks_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keys_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, key: str, type_: str, name: str) -> None:
        if key in self.blocks_of:
            return
        blocks = block_keys(key, type_, name)
        self.blocks_of[key] = blocks
        for block in blocks:
            self.keys_in[block].add(key)

    def component(self, keys: Iterable[str]) -> set[str]:
        """Every key connected to ``keys`` through shared blocks."""
        seen_keys = {k for k in keys if k in self.blocks_of}
        seen_blocks: set[str] = set()
        todo = list(seen_keys)
        while todo:
            key = todo.pop()
            for block in self.blocks_of[key]:
                if block in seen_blocks:
                    continue
                seen_blocks.add(block)
                for other in self.keys_in[block]:
                    if other not in seen_keys:
                        seen_keys.add(other)
                        todo.append(other)
        return seen_keys


_INDEXES: weakref.WeakKeyDictionary[Any, _Index] = weakref.WeakKeyDictionary()


def _index(store: Store, new: Iterable[str]) -> _Index:
    """The block index of the store's entity keys: built with one query the first time,
    then grown with the new keys; rebuilt if the store holds keys it does not know."""
    index = _INDEXES.get(store)
    if index is None:
        index = _INDEXES[store] = _Index()
        for key, type_, name in store.entity_index_rows():
            index.add(key, type_, name)
        return index
    missing = [k for k in new if k not in index.blocks_of]
    for key, type_, name in store.entity_index_rows(missing) if missing else ():
        index.add(key, type_, name)
    if store.entity_count() != len(index.blocks_of):  # another writer: start again
        del _INDEXES[store]
        return _index(store, ())
    return index


def resolve_entities(store: Store, keys: Iterable[str] | None = None) -> EntityLinkReport:
    """Link entity keys across articles into corpus-wide entities (table entity_links).

    With ``keys`` (the entity keys of a newly processed or linked batch), only the
    components those keys touch are re-resolved and rewritten; with None every link is
    rebuilt. Either way the result is the same as a full rebuild."""
    started = time.perf_counter()
    report = EntityLinkReport(full=keys is None)
    if keys is None:
        rows = store.entity_block(None)
        index = _INDEXES[store] = _Index()
        for row in rows:
            index.add(row["key"], row["type"], row["name"] or "")
    else:
        wanted = set(keys)
        if not wanted:
            report.seconds = round(time.perf_counter() - started, 3)
            return report
        index = _index(store, wanted)
        rows = store.entity_block(sorted(index.component(wanted)))
    links = link_rows(rows, report, store.entity_articles)
    report.keys = len(links)
    store.save_entity_links(
        [{"key": k, "canonical_key": c, "method": m, "version": ENTITY_LINK_VERSION}
         for k, (c, m) in sorted(links.items())], replace_all=keys is None)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def resolve_article_entities(store: Store, article_ids: Iterable[str]) -> EntityLinkReport:
    """``resolve_entities`` for every entity key the given articles mention: the call to
    make after a batch of articles is processed or linked."""
    return resolve_entities(store, store.entity_keys_of_articles(list(article_ids)))
