"""Loading versioned rule data (TOML files under extract/data) once, validated; and the
text of a parsed document, built once."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

__all__ = ["doc_text", "load_data"]

_TEXT_KEY = "crosscheck.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined from the tokens once per document: spaCy rebuilds it on every
    access, which made each ``verb.doc.text`` in a rule cost a pass over the article."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


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
