"""Loading versioned rule data (TOML files under extract/data) once, validated."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["load_data"]


@lru_cache(maxsize=16)
def load_data(name: str) -> dict[str, Any]:
    """The rule file ``extract/data/<name>.toml``; ValueError (naming it) when malformed."""
    origin = f"crosscheck/extract/data/{name}.toml"
    try:
        text = resources.files("crosscheck.extract").joinpath(f"data/{name}.toml").read_text(
            encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{origin}: {exc}") from None
    if not isinstance(data.get("version"), str) or not data["version"]:
        raise ValueError(f"{origin}: missing 'version'")
    return data
