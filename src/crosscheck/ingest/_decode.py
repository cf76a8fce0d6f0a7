"""Bytes to text: UTF-8 first, then charset detection; binary refused."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from crosscheck.errors import InputError

__all__ = ["decode_bytes", "guess_encoding"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in text (tab, newlines and form feed excluded).
_CONTROL = {i for i in range(32) if i not in (9, 10, 12, 13)} | {127}


def guess_encoding(data: bytes) -> str | None:
    """The most likely legacy encoding of ``data`` (charset detection), or None.

    Where the detector scores Windows-1252 exactly as high as its pick (it often ties
    with cp1250 or cp1257 on Western text), Windows-1252 wins: it is by far the most
    common legacy encoding of news text, and the others turn its ``ï`` or ``è`` into
    other letters.
    """
    results = from_bytes(data)
    best = results.best()
    if best is None or best.encoding is None:
        return None
    for match in results:
        if (match.encoding == "cp1252" and match.chaos <= best.chaos
                and match.coherence >= best.coherence):
            return "cp1252"
    return best.encoding


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ord(ch) in _CONTROL)
    return bad > max(2, len(sample) // 200)


def decode_bytes(data: bytes, locator: str) -> str:
    """Decode ``data`` (any common encoding); raise :class:`InputError` for binary input."""
    if not data.strip():
        raise InputError(locator, "empty input")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                break
            text = text.lstrip("\ufeff")
            if not text.strip():
                raise InputError(locator, "empty input")
            if _looks_binary(text):
                raise InputError(locator, "binary content, not text")
            return text
    if b"\x00" in data[:65536]:
        raise InputError(locator, "binary content, not text (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        guessed = guess_encoding(data[:2_000_000])
        if guessed is None:
            raise InputError(locator, "undecodable: not text in any common encoding") from None
        try:
            text = data.decode(guessed)
        except (UnicodeDecodeError, LookupError):
            raise InputError(
                locator, f"undecodable: looked like {guessed} but does not decode"
            ) from None
    if _looks_binary(text):
        raise InputError(locator, "binary content, not text")
    return text
