"""Boilerplate rules: loaded from versioned data, validated, compiled once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from crosscheck.errors import RuleError

__all__ = ["LineRule", "RuleSet", "load_rules"]


@dataclass(slots=True, frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern[str]
    max_length: int
    description: str = ""

    def matches(self, line: str) -> bool:
        return len(line) <= self.max_length and self.pattern.fullmatch(line) is not None


@dataclass(slots=True, frozen=True)
class RuleSet:
    version: str
    lines: tuple[LineRule, ...]

    def match(self, line: str) -> str | None:
        """The name of the first rule that removes ``line`` (stripped), or None."""
        for rule in self.lines:
            if rule.matches(line):
                return rule.name
        return None


def _build(data: dict, origin: str) -> RuleSet:
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise RuleError(f"{origin}: missing rule-set 'version'")
    rules: list[LineRule] = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("line", [])):
        where = f"{origin}: line rule #{i + 1}"
        name = entry.get("name")
        if not name or name in seen:
            raise RuleError(f"{where}: missing or duplicate name {name!r}")
        seen.add(name)
        where = f"{origin}: rule {name!r}"
        try:
            pattern = re.compile(entry["pattern"])
        except (KeyError, re.error) as exc:
            raise RuleError(f"{where}: bad pattern: {exc}") from None
        if pattern.fullmatch("") is not None:
            raise RuleError(f"{where}: pattern matches the empty line")
        max_length = entry.get("max_length", 300)
        if not isinstance(max_length, int) or max_length < 1:
            raise RuleError(f"{where}: max_length must be a positive integer")
        rule = LineRule(name, pattern, max_length, entry.get("description", ""))
        for example in entry.get("examples", []):
            if not rule.matches(example):
                raise RuleError(f"{where}: does not match its example {example!r}")
        for counter in entry.get("counter_examples", []):
            if rule.matches(counter):
                raise RuleError(f"{where}: matches its counter-example {counter!r}")
        rules.append(rule)
    if not rules:
        raise RuleError(f"{origin}: no rules")
    return RuleSet(version, tuple(rules))


@lru_cache(maxsize=8)
def load_rules(path: str | None = None) -> RuleSet:
    """The packaged rule set, or the one in ``path`` (a TOML file of the same shape)."""
    if path is None:
        text = resources.files("crosscheck.clean").joinpath("rules/boilerplate.toml").read_text(
            encoding="utf-8"
        )
        origin = "crosscheck/clean/rules/boilerplate.toml"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleError(f"{path}: cannot read rules: {exc.strerror}") from None
        origin = path
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{origin}: {exc}") from None
    return _build(data, origin)
