"""JSONL, JSON and CSV dumps, streamed, gzip-transparent, with a field mapping."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

from crosscheck.errors import InputError
from crosscheck.ingest._decode import guess_encoding
from crosscheck.ingest._fields import FieldMap, compose_item
from crosscheck.records import Rejection, SourceItem

__all__ = ["open_maybe_gzip", "read_csv", "read_json", "read_jsonl"]

Result = SourceItem | Rejection
_LIST_KEYS = ("articles", "items", "data", "results", "entries", "records", "docs")
#: Deeper nesting is refused: ``json`` would overflow the stack, and ijson's own
#: item builder takes memory quadratic in the depth (20 kB of ``[`` took 1 GB).
_MAX_DEPTH = 200
_TOO_DEEP = object()


def open_maybe_gzip(path: Path | bytes) -> IO[bytes]:
    """A binary stream of the file (or bytes), decompressed if gzip-compressed."""
    if isinstance(path, bytes):
        if path[:2] == b"\x1f\x8b":
            return gzip.GzipFile(fileobj=io.BytesIO(path))  # type: ignore[return-value]
        return io.BytesIO(path)
    handle = path.open("rb")
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        handle.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return handle


def _record(obj: Any, fields: FieldMap, locator: str, fmt: str, max_bytes: int) -> Result:
    if not isinstance(obj, dict):
        return Rejection(locator, f"expected a JSON object, got {type(obj).__name__}")
    try:
        return compose_item(obj, fields, locator, fmt, max_bytes)
    except InputError as exc:
        return Rejection(exc.locator, exc.reason)


def read_jsonl(source: Path | bytes, fields: FieldMap, max_bytes: int,
               name: str | None = None) -> Iterator[Result]:
    """One record per line; a bad line is rejected by line number and reading goes on."""
    path = name or str(source)
    try:
        stream = open_maybe_gzip(source)
        with stream:
            for number, line in enumerate(stream, start=1):
                locator = f"{path}:{number}"
                if not line.strip():
                    continue
                if len(line) > max_bytes:
                    yield Rejection(locator, f"line too large ({len(line)} bytes > cap)")
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:  # bad JSON or UTF-8, or an over-long integer
                    yield Rejection(locator, f"malformed JSON line: {_short(exc)}")
                    continue
                except RecursionError:
                    yield Rejection(locator, "malformed JSON line: nested too deeply")
                    continue
                yield _record(obj, fields, locator, "jsonl", max_bytes)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Rejection(str(path), f"cannot read: {_short(exc)}")


def read_json(source: Path | bytes, fields: FieldMap, max_bytes: int,
              name: str | None = None) -> Iterator[Result]:
    """A JSON array of records (streamed), one record, or an object holding a list of them."""
    path = name or str(source)
    try:
        with open_maybe_gzip(source) as stream:
            head = stream.read(4096)
            start = 3 if head.startswith(b"\xef\xbb\xbf") else 0  # a UTF-8 byte order mark
            first = head[start:].lstrip()[:1]
            stream.seek(start)
            if first == b"{":
                data = stream.read(max_bytes * 20 + 1)
                if len(data) > max_bytes * 20:
                    yield Rejection(str(path),
                                    "JSON object too large to load; use an array or JSONL")
                    return
                try:
                    obj = json.loads(data)
                except ValueError as exc:  # bad JSON or UTF-8, or an over-long integer
                    yield Rejection(str(path), f"malformed JSON: {_short(exc)}")
                    return
                except RecursionError:
                    yield Rejection(str(path), "malformed JSON: nested too deeply")
                    return
                for key in _LIST_KEYS:
                    if isinstance(obj.get(key), list):
                        for i, item in enumerate(obj[key]):
                            yield _record(item, fields, f"{path}#{key}[{i}]", "json", max_bytes)
                        return
                yield _record(obj, fields, str(path), "json", max_bytes)
                return
            if first != b"[":
                yield Rejection(str(path), "not JSON: expected '[' or '{' at the start")
                return
            index = -1
            try:
                for index, item in enumerate(_array_items(stream)):
                    if item is _TOO_DEEP:
                        yield Rejection(f"{path}#{index}", f"nested more than {_MAX_DEPTH} "
                                                           "levels deep")
                        continue
                    yield _record(item, fields, f"{path}#{index}", "json", max_bytes)
            except (ijson.JSONError, ValueError) as exc:  # ValueError: bad UTF-8, long ints
                yield Rejection(f"{path}#{index + 1}", f"malformed JSON: {_short(exc)}")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Rejection(str(path), f"cannot read: {_short(exc)}")


def _array_items(stream: IO[bytes]) -> Iterator[Any]:
    """The items of a top-level JSON array, built one at a time from ijson's events; an
    item nested deeper than ``_MAX_DEPTH`` is skipped and yielded as ``_TOO_DEEP``."""
    depth = 0
    builder: ObjectBuilder | None = None
    skipping = False
    # use_float: yajl's own number parsing, whose overflow is a clean JSONError (without
    # it, ijson 3.6's C backend crashes on integers too long for int())
    for event, value in ijson.basic_parse(stream, use_float=True):
        if event in ("start_map", "start_array"):
            depth += 1
            if depth == 1:
                continue  # the array itself
            if depth > _MAX_DEPTH and not skipping:
                skipping, builder = True, None
                continue
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                continue  # the end of the array itself
        if skipping:
            if depth == 1:
                skipping = False
                yield _TOO_DEEP
            continue
        if builder is None:
            if depth == 1:
                yield value  # a scalar item
                continue
            builder = ObjectBuilder()
        builder.event(event, value)
        if depth == 1:
            yield builder.value
            builder = None


def read_csv(source: Path | bytes, fields: FieldMap, max_bytes: int,
             name: str | None = None) -> Iterator[Result]:
    """CSV/TSV with a header row; a malformed row is rejected by line and reading goes on."""
    path = name or str(source)
    try:
        with open_maybe_gzip(source) as stream:
            sample = stream.read(65536)
            stream.seek(0)
            encoding = _csv_encoding(sample)
            head = sample.decode(encoding, errors="ignore")
            try:
                dialect: Any = csv.Sniffer().sniff(head, delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel
            text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
            reader = csv.reader(text, dialect)
            csv.field_size_limit(max(max_bytes, 131072))
            try:
                header = next(reader)
            except StopIteration:
                yield Rejection(str(path), "empty CSV file")
                return
            except csv.Error as exc:
                yield Rejection(f"{path}:1", f"malformed CSV header: {_short(exc)}")
                return
            header = [h.strip().lstrip("\ufeff") for h in header]
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield Rejection(f"{path}:{line}", f"malformed CSV row: {_short(exc)}")
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                locator = f"{path}:{line}"
                if len(row) > len(header):
                    yield Rejection(locator, f"row has {len(row)} fields, header has {len(header)}")
                    continue
                yield _record(dict(zip(header, row, strict=False)), fields, locator, "csv",
                              max_bytes)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Rejection(str(path), f"cannot read: {_short(exc)}")


def _csv_encoding(sample: bytes) -> str:
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a character cut at the end of the sample
            return "utf-8"
    return guess_encoding(sample) or "utf-8"


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
