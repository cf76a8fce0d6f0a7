"""One exception tree. Messages say what happened, where, and what to do."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "CrosscheckError",
    "FetchError",
    "InputError",
    "RuleError",
    "StoreError",
]


class CrosscheckError(Exception):
    """Root of every error crosscheck raises on purpose."""


class InputError(CrosscheckError):
    """An input (file, record, field, URL) could not be read as an article.

    ``locator`` names the file and line/record/field; ``str()`` is one line.
    """

    def __init__(self, locator: str, reason: str) -> None:
        super().__init__(f"{locator}: {reason}")
        self.locator = locator
        self.reason = reason


class FetchError(InputError):
    """A URL was refused, unreachable, too large or of the wrong type."""


class ConfigError(CrosscheckError):
    """A setting, option or field mapping is invalid."""


class RuleError(CrosscheckError, ValueError):
    """A packaged or user rule file is degenerate or malformed (raised at load time)."""


class StoreError(CrosscheckError):
    """The store could not be opened, migrated or written."""
