"""Sources: the outlet registry, and where a piece of evidence comes from (issue 5).

Outlets are data (``link/data/outlets.toml``): country, state affiliation, whether the
outlet is a wire service, the side a state-affiliated outlet's government is on, its web
domains and the other names it goes by. Users extend or override the registry with the
``outlets_file`` setting (a TOML file of the same shape; an entry with a packaged ``key``
replaces it). Files are validated when they load: an unknown field, a missing key, a bad
side or country, or two outlets claiming one name or domain raise :class:`RuleError`
naming the file, the entry and the field.

**What counts as independent.** Two pieces of evidence are independent when their
*origins* differ. :func:`origin` gives the first of these that applies:

1. a named speaker: ``speaker:<entity key>`` (or the folded name when the speaker has no
   entity key). A speaker named only by a pronoun or an anonymous noun ("he", "officials",
   "sources") falls through to the next rule; a speaker that is itself an outlet
   ("Reuters reported") is that outlet, ``outlet:<key>``;
2. an intermediary ("according to the Ukrinform portal"): ``outlet:<key>`` of the agency it
   names, or the folded intermediary text when it names no registered outlet;
3. the wire service the article credits as its origin (:func:`wire_credit`: a dateline such
   as ``KYIV, Ukraine (AP) —``, a closing credit such as ``AFP contributed to this report``):
   ``outlet:<key>`` of that wire;
4. the article's outlet, found by name or by the domain of its URL: ``outlet:<key>``;
   ``outlet:<folded name>`` for an outlet the registry does not know; ``article:<id>`` when
   the article names no outlet at all.

So the same official quoted by two outlets is one source, two outlets relaying one agency
are one source, and an AP story on a tabloid's wire page is AP. :func:`independent` counts
the distinct origins of a set of evidence.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crosscheck.errors import ConfigError, RuleError

__all__ = ["SIDES", "Outlet", "OutletRegistry", "default_registry", "independent",
           "normalise_name", "origin", "select_outlets", "wire_credit"]

#: The side vocabulary of the project (see ``extract/data/entities.toml``).
SIDES = ("Ukraine", "Russia", "international", "third country", "media")

_PACKAGED = "crosscheck/link/data/outlets.toml"


@dataclass(frozen=True, slots=True)
class Outlet:
    """One news outlet or wire service of the registry."""

    key: str  # stable lower-case id: "ap", "rt", "bbc"
    name: str  # display name
    country: str | None  # ISO 3166-1 alpha-2
    state_affiliated: bool
    wire: bool  # news agency / wire service
    side: str  # one of SIDES
    domains: tuple[str, ...]
    aliases: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "country": self.country,
                "state_affiliated": self.state_affiliated, "wire": self.wire,
                "side": self.side, "domains": list(self.domains),
                "aliases": list(self.aliases)}


# -- names --------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w]+|_+")
_TOKEN = re.compile(r"[^\W_]+")


def _ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalise_name(text: str) -> str:
    """Case, accents and punctuation folded: ``"Censor.NET"`` -> ``"censor net"``."""
    return _NON_WORD.sub(" ", _ascii_fold(text).casefold()).strip()


def _key_text(text: str) -> str:
    """A folded name without a leading article, for keys of unknown sources."""
    folded = normalise_name(text)
    return re.sub(r"^(?:the|a|an) ", "", folded) or folded


#: words around an outlet's name that do not belong to it ("the Interfax news agency")
_GENERIC_WORDS = """
the a an news agency newsagency agencies portal website site outlet newspaper paper daily
weekly broadcaster channel tv television radio service wire wires online com staff media
network group press digital edition report reports reported
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
_VIA = re.compile(r"^(?P<left>.+?)\s*[(\[]?\s*\bvia\b\s+(?P<right>[^)\]]+?)\s*[)\]]?\s*$",
                  re.IGNORECASE)
_DOMAIN_LIKE = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#].*)?$",
                          re.IGNORECASE)


def _host(url: str) -> str | None:
    text = url.strip()
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".").lower()
    return host.removeprefix("www.") or None


# -- the registry -------------------------------------------------------------------------

_FIELDS: dict[str, type | tuple[type, ...]] = {
    "key": str, "name": str, "country": str, "state_affiliated": bool, "wire": bool,
    "side": str, "domains": list, "aliases": list,
}
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_HOSTNAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}$")


def _parse(data: Mapping[str, Any], origin: str, *, need_version: bool) -> list[Outlet]:
    """Validated outlets of one file; RuleError naming ``origin``, entry and field."""
    unknown = set(data) - {"version", "outlet"}
    if unknown:
        raise RuleError(f"{origin}: unknown top-level field {sorted(unknown)[0]!r} "
                        "(expected 'version' and [[outlet]] tables)")
    version = data.get("version")
    if (need_version or version is not None) and (not isinstance(version, str)
                                                   or not version.strip()):
        raise RuleError(f"{origin}: field 'version' must be a non-empty string")
    entries = data.get("outlet", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RuleError(f"{origin}: 'outlet' must be an array of tables ([[outlet]])")
    outlets: list[Outlet] = []
    keys: set[str] = set()
    names: dict[str, str] = {}
    domains: dict[str, str] = {}
    for number, entry in enumerate(entries, 1):
        where = f"{origin}: outlet #{number}"
        if isinstance(entry.get("key"), str):
            where += f" ({entry['key']!r})"
        outlet = _outlet(entry, where)
        if outlet.key in keys:
            raise RuleError(f"{where}: field 'key': duplicate key {outlet.key!r} in this file")
        keys.add(outlet.key)
        for spelling in (outlet.name, *outlet.aliases):
            form = normalise_name(spelling)
            other = names.setdefault(form, outlet.key)
            if other != outlet.key:
                raise RuleError(f"{where}: field 'aliases': {spelling!r} also names outlet "
                                f"{other!r}; give each name to one outlet")
        for domain in outlet.domains:
            other = domains.setdefault(domain, outlet.key)
            if other != outlet.key:
                raise RuleError(f"{where}: field 'domains': {domain!r} also belongs to "
                                f"outlet {other!r}")
        outlets.append(outlet)
    return outlets


def _outlet(entry: Mapping[str, Any], where: str) -> Outlet:
    for field in entry:
        if field not in _FIELDS:
            raise RuleError(f"{where}: unknown field {field!r} (known fields: "
                            f"{', '.join(_FIELDS)})")
    for field in ("key", "name"):
        if field not in entry:
            raise RuleError(f"{where}: field {field!r} is missing")
    for field, kind in _FIELDS.items():
        if field in entry and not isinstance(entry[field], kind):
            expected = kind.__name__ if isinstance(kind, type) else "value"
            raise RuleError(f"{where}: field {field!r} must be a {expected}, "
                            f"got {entry[field]!r}")
    key = entry["key"]
    if not _KEY.match(key):
        raise RuleError(f"{where}: field 'key' must be lower-case letters, digits, '-' or "
                        f"'_', got {key!r}")
    name = entry["name"].strip()
    if not normalise_name(name):
        raise RuleError(f"{where}: field 'name' is empty")
    country = entry.get("country")
    if country is not None and not _COUNTRY.match(country):
        raise RuleError(f"{where}: field 'country' must be an ISO 3166 alpha-2 code such "
                        f"as 'UA', got {country!r}")
    side = entry.get("side", "media")
    if side not in SIDES:
        raise RuleError(f"{where}: field 'side' must be one of {', '.join(SIDES)}; "
                        f"got {side!r}")
    domains: list[str] = []
    for domain in entry.get("domains", []):
        host = domain.strip().lower().removeprefix("www.") if isinstance(domain, str) else ""
        if not _HOSTNAME.match(host):
            raise RuleError(f"{where}: field 'domains' holds {domain!r}, not a domain name "
                            "such as 'example.com'")
        if host not in domains:
            domains.append(host)
    aliases: list[str] = []
    for alias in entry.get("aliases", []):
        if not isinstance(alias, str) or not normalise_name(alias):
            raise RuleError(f"{where}: field 'aliases' holds {alias!r}, not a name")
        if alias.strip() not in aliases and alias.strip() != name:
            aliases.append(alias.strip())
    return Outlet(key=key, name=name, country=country,
                  state_affiliated=entry.get("state_affiliated", False),
                  wire=entry.get("wire", False), side=side, domains=tuple(domains),
                  aliases=tuple(aliases))


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{origin}: not valid TOML: {exc}") from None


def _variants(spelling: str) -> list[str]:
    """"The Guardian" also as "Guardian", and "Guardian" also as "The Guardian"."""
    form = normalise_name(spelling)
    if form.startswith("the "):
        return [form[4:]]
    return ["the " + form]


class OutletRegistry:
    """Outlets by key, name, alias and web domain."""

    def __init__(self, outlets: Iterable[Outlet], version: str = "") -> None:
        self.version = version
        self._outlets: dict[str, Outlet] = {}
        for outlet in outlets:  # a later entry with a key replaces the earlier one
            self._outlets.pop(outlet.key, None)
            self._outlets[outlet.key] = outlet
        self._names: dict[str, str] = {}
        self._lower_ok: set[str] = set()  # forms also written in lower case ("dpa")
        self._domains: dict[str, str] = {}
        for outlet in self._outlets.values():  # later (user) entries win on a clash
            for spelling in (outlet.name, *outlet.aliases):
                form = normalise_name(spelling)
                self._names[form] = outlet.key
                if spelling[:1].islower():
                    self._lower_ok.add(form)
            for domain in outlet.domains:
                self._domains[domain] = outlet.key
        for outlet in self._outlets.values():  # derived spellings never displace given ones
            for spelling in (outlet.name, *outlet.aliases):
                for form in _variants(spelling):
                    self._names.setdefault(form, outlet.key)
            self._names.setdefault(normalise_name(outlet.key), outlet.key)
        self._longest = max((len(f.split()) for f in self._names), default=1)

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, extra: str | Path | None = None) -> OutletRegistry:
        """The packaged registry, extended or overridden by the user file ``extra``."""
        text = resources.files("crosscheck.link").joinpath("data/outlets.toml").read_text(
            encoding="utf-8")
        data = _read_toml(text, _PACKAGED)
        outlets = _parse(data, _PACKAGED, need_version=True)
        version = str(data["version"])
        if extra is not None and str(extra).strip():
            path = Path(extra).expanduser()
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise ConfigError(f"{path}: cannot read outlets file (setting outlets_file, "
                                  f"env CROSSCHECK_OUTLETS_FILE): {exc.strerror}") from None
            try:
                user_text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise RuleError(f"{path}: not UTF-8 text") from None
            user = _read_toml(user_text, str(path))
            outlets += _parse(user, str(path), need_version=False)
            digest = hashlib.sha256(raw).hexdigest()[:8]
            version = f"{version}+{user.get('version') or 'user'}.{digest}"
        return cls(outlets, version)

    # -- queries --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Outlet]:
        return iter(sorted(self._outlets.values(), key=lambda o: o.key))

    def __len__(self) -> int:
        return len(self._outlets)

    def __contains__(self, key: object) -> bool:
        return key in self._outlets

    def get(self, key: str) -> Outlet | None:
        """The outlet with this registry key."""
        return self._outlets.get(key)

    def lookup(self, outlet: str | None, url: str | None = None) -> Outlet | None:
        """The outlet called ``outlet`` (name or alias, case and punctuation ignored; a
        domain also works; "AP (via Daily Mail wires)" is AP), else the one whose domain
        serves ``url`` (subdomains included)."""
        if outlet and outlet.strip():
            found = self._by_name(outlet.strip())
            if found is not None:
                return found
        if url and url.strip():
            return self._by_host(url)
        return None

    def agency(self, text: str | None) -> Outlet | None:
        """The outlet an intermediary phrase names: "the Interfax agency", "Ukrinform
        portal", "Russia's state-run RIA Novosti news agency" -> Interfax, Ukrinform, RIA.

        The longest registered name in the phrase wins; a name written with a capital must
        be capitalised in the phrase ("the independent monitors" names no outlet)."""
        if not text or not text.strip():
            return None
        found = self._by_name(text.strip())
        if found is not None:
            return found
        spans = [(m.group(), m.group()[:1].isupper() or m.group()[:1].isdigit())
                 for m in _TOKEN.finditer(_ascii_fold(text))]
        tokens = [t.casefold() for t, _ in spans]
        for size in range(min(self._longest, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                form = " ".join(tokens[start:start + size])
                key = self._names.get(form)
                if key is None or form in _GENERIC:
                    continue
                if spans[start][1] or form in self._lower_ok:
                    return self._outlets[key]
        return None

    def _by_name(self, text: str) -> Outlet | None:
        form = normalise_name(text)
        key = self._names.get(form)
        if key is not None:
            return self._outlets[key]
        if _DOMAIN_LIKE.match(text):
            found = self._by_host(text)
            if found is not None:
                return found
        via = _VIA.match(text)
        if via:
            return self._by_name(via["left"]) or self._by_name(via["right"])
        words = form.split()
        while words and words[0] in _GENERIC:
            words = words[1:]
        while words and words[-1] in _GENERIC:
            words = words[:-1]
        if words and len(words) < len(form.split()):
            key = self._names.get(" ".join(words))
            if key is not None:
                return self._outlets[key]
        return None

    def _by_host(self, url: str) -> Outlet | None:
        host = _host(url)
        while host and "." in host:
            key = self._domains.get(host)
            if key is not None:
                return self._outlets[key]
            host = host.split(".", 1)[1]
        return None


@lru_cache(maxsize=1)
def default_registry() -> OutletRegistry:
    """The packaged registry plus the ``outlets_file`` setting's file; loaded once per
    process (``default_registry.cache_clear()`` reloads)."""
    from crosscheck.settings import load_settings

    return OutletRegistry.load(load_settings().outlets_file or None)


def select_outlets(registry: OutletRegistry, *, wire: bool | None = None,
                   state: bool | None = None, side: str | None = None,
                   country: str | None = None, query: str | None = None) -> list[Outlet]:
    """The registry's outlets that pass every given filter, by key. ``query`` is a
    substring of the key, name, an alias or a domain (case and punctuation ignored)."""
    wanted = normalise_name(query) if query else ""
    rows = []
    for outlet in registry:
        if wire is not None and outlet.wire != wire:
            continue
        if state is not None and outlet.state_affiliated != state:
            continue
        if side is not None and outlet.side.casefold() != side.strip().casefold():
            continue
        if country is not None and (outlet.country or "") != country.strip().upper():
            continue
        if wanted and not any(wanted in normalise_name(s) for s in
                              (outlet.key, outlet.name, *outlet.aliases, *outlet.domains)):
            continue
        rows.append(outlet)
    return rows


# -- wire credits ---------------------------------------------------------------------

_HEAD = 600  # characters at the start searched for a dateline or a byline
_TAIL = 400  # characters at the end searched for a closing credit
_PLACE_WORD = r"(?:[A-Z][\w'’.\-]*|\d{1,4}[.,]?)"
#: "KYIV, Ukraine (AP) —", "MOSCOW, April 3 (Reuters) -", "(Reuters) -", "Kyiv (AFP) -"
_DATELINE = re.compile(
    rf"[ \t]*(?:{_PLACE_WORD}(?:[ \t,/]+{_PLACE_WORD}){{0,7}}[ \t]*)?"
    r"\((?P<who>[A-Za-z][\w .&'’-]{0,40})\)[ \t]*(?:[-—–―:]|$)", re.MULTILINE)
_BYLINE = re.compile(r"[ \t]*By[ \t]+(?P<who>[^\n]{1,60}?)[ \t]*$", re.MULTILINE)
_SOURCE_LINE = re.compile(r"[ \t]*Source:[ \t]*(?P<who>[^\n]{1,60}?)[ \t]*\.?[ \t]*$",
                          re.MULTILINE)
_SOURCE_END = re.compile(r"(?:^|[.!?\"”]\s+|\n)Source:\s*(?P<who>[^\n]{1,60}?)\s*\.?\s*$")
_CREDIT_START = r"(?:^|\n|[.!?\"”’)]\s+|[(\[]\s*|(?:^|\s)[-—–―]+\s*)"
_DASH_END = re.compile(r"(?:^|\s)[-—–―]+\s*(?P<who>[A-Z][\w.&'’ ]{1,40}?)\s*\.?\s*$")
_WITH_END = re.compile(
    _CREDIT_START + r"[Ww]ith\s+(?:(?:files|input|reporting|additional reporting)\s+from\s+)?"
    r"(?P<who>[A-Z][\w.&'’, ]{0,60}?)\s*[)\]]?\s*\.?\s*$")
_CONTRIBUTED = re.compile(
    _CREDIT_START + r"(?P<who>[A-Z][^.!?\n]{0,80}?)\s+contributed\b(?:\s+(?:to\s+)?"
    r"(?:this|the)\s+(?:report|story|article|reporting)|\s+reporting)?")
_ADDITIONAL = re.compile(_CREDIT_START + r"Additional reporting by\s+(?P<who>[^.;\n]{1,80})")
_REUTERS_STYLE = re.compile(r"\bReporting by\b[^;()\n]{1,200}?[;,]?\s+[Ee]diting by\b")
_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")


def _line_starts(head: str) -> Iterator[int]:
    yield 0
    for count, match in enumerate(re.finditer(r"\n", head)):
        if count >= 4:
            return
        yield match.end()


def _one_wire(who: str, registry: OutletRegistry) -> Outlet | None:
    """The single wire ``who`` names ("The Associated Press", "AP and AP"), else None:
    a person, an outlet that is no wire, or two different wires."""
    found: Outlet | None = None
    for part in _SPLIT.split(who.strip()):
        if not part:
            continue
        outlet = registry.lookup(part)
        if outlet is None or not outlet.wire or (found is not None and found != outlet):
            return None
        found = outlet
    return found


def wire_credit(text: str, registry: OutletRegistry | None = None) -> Outlet | None:
    """The wire (news agency) that an article's ``text`` credits as its origin, or None.

    Only strong signals count: a dateline at the start of the text or of one of its first
    lines (``KYIV, Ukraine (AP) —``, ``MOSCOW, April 3 (Reuters) -``; any registered outlet
    counts there), a byline or ``Source:`` line naming a wire at the start, and at the end
    a closing credit naming one wire (``— Associated Press``, ``(with AFP)``, ``AFP
    contributed to this report``, ``Additional reporting by Reuters``, ``Source: TASS``)
    or Reuters' ``Reporting by …; Editing by …``. A credit that names two wires, a photo
    credit ("AP Photo/…") and an agency named mid-article ("told the Associated Press
    (AP)") are not credits of origin.
    """
    if not text:
        return None
    reg = registry if registry is not None else default_registry()
    head = text[:_HEAD]
    for start in _line_starts(head):
        match = _DATELINE.match(head, start)
        if match:
            outlet = reg.lookup(match["who"])
            if outlet is not None:
                return outlet
        for pattern in (_BYLINE, _SOURCE_LINE):
            match = pattern.match(head, start)
            if match:
                outlet = _one_wire(match["who"], reg)
                if outlet is not None:
                    return outlet
    tail = text[-_TAIL:].rstrip()
    for pattern in (_SOURCE_END, _DASH_END, _WITH_END):
        match = pattern.search(tail)
        if match:
            outlet = _one_wire(match["who"], reg)
            if outlet is not None:
                return outlet
    for pattern in (_CONTRIBUTED, _ADDITIONAL):
        for match in pattern.finditer(tail):
            outlet = _one_wire(re.sub(r"^(?:The|the)\s+", "", match["who"]), reg)
            if outlet is not None:
                return outlet
    if _REUTERS_STYLE.search(tail):
        return reg.lookup("Reuters")
    return None


# -- origins ----------------------------------------------------------------------------

#: a speaker named only by these words is nobody in particular: the evidence falls through
_ANONYMOUS_WORDS = """
i me we us you he him she her it they them his hers its their theirs one someone somebody
this that these those the a an some several many other others source sources official
officials person people spokesman spokeswoman spokesperson representative witness
witnesses resident residents analyst analysts expert experts observer observers report
reports reporter reporters media insider insiders unnamed anonymous senior
"""
_ANONYMOUS = frozenset(_ANONYMOUS_WORDS.split())


def _anonymous(name: str) -> bool:
    return all(word in _ANONYMOUS for word in normalise_name(name).split())


def origin(*, speaker_key: str | None, speaker_name: str | None, intermediary: str | None,
           outlet: str | None, url: str | None, article_id: str, text: str | None = None,
           registry: OutletRegistry | None = None) -> str:
    """Who a piece of evidence comes from (module docstring: "What counts as
    independent"): ``speaker:…``, ``outlet:…`` or ``article:…``."""
    reg = registry if registry is not None else default_registry()
    if speaker_key and speaker_key.strip():
        kind, sep, name = speaker_key.strip().partition(":")
        if sep and kind != "PERSON" and name:  # "Reuters reported ...": an outlet speaks
            found = reg.lookup(name)
            if found is not None:
                return "outlet:" + found.key
        return "speaker:" + speaker_key.strip()
    if speaker_name and normalise_name(speaker_name) and not _anonymous(speaker_name):
        found = reg.lookup(speaker_name)
        if found is not None:
            return "outlet:" + found.key
        return "speaker:" + normalise_name(speaker_name)
    if intermediary and normalise_name(intermediary):
        found = reg.agency(intermediary)
        return "outlet:" + (found.key if found is not None else _key_text(intermediary))
    if text:
        found = wire_credit(text, reg)
        if found is not None:
            return "outlet:" + found.key
    found = reg.lookup(outlet, url)
    if found is not None:
        return "outlet:" + found.key
    if outlet and normalise_name(outlet):
        return "outlet:" + _key_text(outlet)
    return "article:" + article_id


def independent(origins: Iterable[str]) -> int:
    """How many independent sources a set of evidence has: its distinct origins."""
    return len({o for o in origins if o})
