"""Property tests: readers never crash or hang on arbitrary input, and cleaning keeps a
faithful map back to the raw text."""

from __future__ import annotations

import csv
import gzip
import io
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crosscheck.clean import _SAME_LENGTH, clean
from crosscheck.errors import ConfigError, InputError
from crosscheck.ingest import IngestOptions, read_sources
from crosscheck.ingest._decode import decode_bytes
from crosscheck.ingest._fields import DEFAULT_FIELDS, FieldMap
from crosscheck.ingest.text import parse_text
from crosscheck.records import Rejection, SourceItem

FAST = settings(deadline=None, max_examples=200,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(deadline=None, max_examples=120,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def _read_all(path: Path, **options: object) -> list[SourceItem | Rejection]:
    """Every result of reading ``path``; checks the invariants every result keeps."""
    results = list(read_sources([str(path)], IngestOptions(**options)))  # type: ignore[arg-type]
    fmt = options.get("format") or path.name.removesuffix(".gz").rsplit(".", 1)[-1]
    if fmt in ("text", "txt", "html"):
        assert len(results) == 1, "a document gives one item or one rejection"
    name = str(path.resolve())
    for result in results:
        if isinstance(result, Rejection):
            assert result.reason.strip()
            assert "\n" not in str(result), str(result)
            assert result.locator.startswith(name)
        else:
            assert isinstance(result, SourceItem)
            raw = result.raw
            assert isinstance(raw, str) and raw.strip()
            assert 0 <= result.raw_start <= result.body_start <= len(raw)
            if result.title is not None:
                assert result.title.strip() == result.title and result.title
                assert result.title in raw[result.raw_start:result.body_start]
            if result.published is not None:
                assert len(result.published) == 10 and result.published[4] == "-"
    return results


def _write(workdir: Path, name: str, data: bytes) -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


# -- arbitrary bytes into every reader --------------------------------------------------

READER_NAMES = ["story.txt", "dump.csv", "dump.jsonl", "dump.json"]


@FAST
@given(data=st.binary(max_size=3000), name=st.sampled_from(READER_NAMES))
def test_readers_survive_arbitrary_bytes(workdir: Path, data: bytes, name: str) -> None:
    _read_all(_write(workdir, name, data))


@FEW
@given(data=st.binary(max_size=2000), name=st.sampled_from(READER_NAMES))
def test_readers_survive_arbitrary_gzip_content(workdir: Path, data: bytes, name: str) -> None:
    _read_all(_write(workdir, name + ".gz", gzip.compress(data)))


@FEW
@given(data=st.binary(min_size=2, max_size=400), cut=st.integers(min_value=0, max_value=60),
       name=st.sampled_from(READER_NAMES))
def test_readers_survive_truncated_gzip(workdir: Path, data: bytes, cut: int, name: str) -> None:
    packed = gzip.compress(data)
    _read_all(_write(workdir, name + ".gz", packed[: max(2, len(packed) - cut - 1)]))


@FAST
@given(text=st.text(max_size=2000), name=st.sampled_from(READER_NAMES),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_readers_survive_arbitrary_text(workdir: Path, text: str, name: str,
                                        encoding: str) -> None:
    _read_all(_write(workdir, name, text.encode(encoding, errors="surrogatepass")))


@FAST
@given(data=st.binary(max_size=3000))
def test_decode_bytes_returns_text_or_raises_input_error(data: bytes) -> None:
    try:
        text = decode_bytes(data, "blob")
    except InputError as exc:
        assert exc.locator == "blob"
        assert "\n" not in str(exc) and exc.reason
        return
    assert isinstance(text, str) and text
    assert not text.startswith("\ufeff")
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert text == utf8.lstrip("\ufeff")  # valid UTF-8 is always read as UTF-8


@FAST
@given(text=st.text(max_size=1500))
def test_decode_bytes_round_trips_utf8(text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    try:
        decoded = decode_bytes(data, "t")
    except InputError:
        return  # empty, control characters or surrogates: refused, never mangled
    assert decoded == text


# -- structured but hostile records ----------------------------------------------------

_SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
            | st.floats() | st.text(max_size=40))
_KEYS = st.sampled_from([k for keys in DEFAULT_FIELDS.values() for k in keys[:3]]) | st.text(
    max_size=8)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children,
                                                                         max_size=5),
    max_leaves=12,
)
_RECORD = st.dictionaries(_KEYS, _JSON, max_size=7)


def _dumps(value: object) -> str:
    return json.dumps(value, allow_nan=True)


@FAST
@given(lines=st.lists(_RECORD.map(_dumps) | _JSON.map(_dumps) | st.text(max_size=60),
                      max_size=8),
       max_bytes=st.sampled_from([50, 5_000_000]))
def test_jsonl_reader_on_hostile_lines(workdir: Path, lines: list[str], max_bytes: int) -> None:
    data = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    assume(data.strip())
    path = _write(workdir, "hostile.jsonl", data.encode("utf-8", errors="surrogatepass"))
    results = _read_all(path, max_bytes=max_bytes)
    # one result per non-blank line, each located by its line number
    numbered = [n for n, line in enumerate(data.encode("utf-8", "surrogatepass").split(b"\n"),
                                           start=1) if line.strip()]
    assert [r.locator.rsplit(":", 1)[1] for r in results] == [str(n) for n in numbered]


@FAST
@given(value=st.lists(_RECORD, max_size=6) | _RECORD | _JSON,
       wrap=st.sampled_from([None, "articles", "items", "data"]))
def test_json_reader_on_hostile_documents(workdir: Path, value: object, wrap: str | None) -> None:
    if wrap is not None:
        value = {wrap: value}
    data = _dumps(value).encode("utf-8", errors="surrogatepass")
    assume(data.strip())
    results = _read_all(_write(workdir, "hostile.json", data))
    if isinstance(value, list):
        # streamed: one result per element, in order, located by index; a number ijson
        # cannot read (NaN, an overflow) ends the stream with a rejection at that index
        assert [r.locator.rsplit("#", 1)[1] for r in results] == [
            str(i) for i in range(len(results))]
        if len(results) != len(value):
            assert isinstance(results[-1], Rejection)
            assert results[-1].reason.startswith("malformed JSON")
    elif wrap is not None and isinstance(value[wrap], list):  # type: ignore[index]
        assert [r.locator.rsplit("#", 1)[1] for r in results] == [
            f"{wrap}[{i}]" for i in range(len(value[wrap]))]  # type: ignore[index]


_CELL = st.text(alphabet=string.printable + "\u00e9\u201c\u201d\u2014\xa0", max_size=30)


@FAST
@given(header=st.lists(st.sampled_from(["title", "text", "date", "url", "outlet", "x", ""])
                       | _CELL, min_size=1, max_size=5),
       rows=st.lists(st.lists(_CELL, max_size=6), max_size=6),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
def test_csv_reader_on_hostile_tables(workdir: Path, header: list[str], rows: list[list[str]],
                                      delimiter: str, quoting: int) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, escapechar="\\")
    try:
        writer.writerow(header)
        writer.writerows(rows)
    except csv.Error:
        assume(False)
    data = out.getvalue().encode("utf-8", errors="surrogatepass")
    assume(data.strip())
    _read_all(_write(workdir, "hostile.csv", data))


@FEW
@given(data=st.binary(max_size=1500),
       fmt=st.sampled_from(["text", "csv", "jsonl", "json", "feed", "html"]))
def test_forced_format_on_arbitrary_bytes(workdir: Path, data: bytes, fmt: str) -> None:
    _read_all(_write(workdir, "forced.bin", data), format=fmt)


# -- cleaning keeps a map back to the raw text -----------------------------------------

_TEXT_ALPHABET = st.sampled_from([
    *"abcXYZ .,!?:;\"'\u201c\u201d",
    "\n", "\n", "\n\n", "\r\n", "\r", "\t", "\xa0", "\u2007", "\u202f", "\x0b", "\x0c",
    "\u2028", "\x85", "\u3000", " ", "  ",
])
_LINES = st.sampled_from([
    "date 2022-04-24 ", "Date 2023-01-05\n", "Headline of the day\n\n", "Sub line here\n\n",
    "Sign up for our newsletter\n", "Source: Read Full Article\n", "[WATCH]\n",
    "Read more: other story\n", "Advertisement\n", "\n\n",
])
_RAW_TEXT = st.lists(_LINES | st.lists(_TEXT_ALPHABET, max_size=30).map("".join),
                     min_size=1, max_size=12).map("".join)


def _assert_offsets_map_back(item: SourceItem) -> None:
    cleaned = clean(item)
    text, raw, offsets = cleaned.text, item.raw, cleaned.offsets
    assert offsets.clean_length == len(text)
    previous = -1
    for position, char in enumerate(text):
        raw_position = offsets.to_raw(position)
        assert previous < raw_position < len(raw), (position, raw_position)
        previous = raw_position
        raw_char = raw[raw_position]
        if char == "\n":
            assert raw_char in "\r\n", (position, raw_char)
        else:
            assert char == raw_char.translate(_SAME_LENGTH), (position, char, raw_char)
        assert raw_position >= item.raw_start
    for span in cleaned.removed:
        assert raw[span.start:span.end].startswith(span.text)


@FAST
@given(raw=_RAW_TEXT)
def test_clean_offsets_map_every_character_back_for_text(raw: str) -> None:
    try:
        item = parse_text(raw, "t.txt")
    except InputError:
        return
    _assert_offsets_map_back(item)


@FAST
@given(text=st.text(max_size=600))
def test_clean_offsets_map_every_character_back_for_any_text(text: str) -> None:
    try:
        item = parse_text(text, "t.txt")
    except InputError:
        return
    _assert_offsets_map_back(item)


@FEW
@given(rows=st.lists(st.fixed_dictionaries({"title": _RAW_TEXT, "text": _RAW_TEXT}),
                     min_size=1, max_size=3),
       name=st.sampled_from(["items.jsonl", "items.json", "items.csv"]))
def test_clean_offsets_map_back_for_items_of_every_reader(workdir: Path,
                                                         rows: list[dict[str, str]],
                                                         name: str) -> None:
    if name.endswith(".jsonl"):
        data = "".join(json.dumps(r) + "\n" for r in rows)
    elif name.endswith(".json"):
        data = json.dumps(rows)
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, ["title", "text"])
        writer.writeheader()
        writer.writerows(rows)
        data = out.getvalue()
    for result in _read_all(_write(workdir, name, data.encode("utf-8", "surrogatepass"))):
        if isinstance(result, SourceItem):
            _assert_offsets_map_back(result)


# -- the --map option -------------------------------------------------------------------

_SPEC_PARTS = st.sampled_from([*DEFAULT_FIELDS, "author", "", " ", "=", ",", ".", "text=",
                               "=x", "a.b.0"]) | st.text(max_size=10)


@FAST
@given(spec=st.none() | st.text(max_size=80)
       | st.lists(_SPEC_PARTS, max_size=8).map("".join)
       | st.lists(st.tuples(_SPEC_PARTS, _SPEC_PARTS).map("=".join), max_size=5).map(",".join))
def test_field_map_parse_raises_only_config_error(spec: str | None) -> None:
    try:
        fields = FieldMap.parse(spec)
    except ConfigError as exc:
        assert str(exc).startswith("--map:")
        return
    for target, key in fields.overrides.items():
        assert target in DEFAULT_FIELDS
        assert key and key == key.strip()
        # a parsed map can be used on any record without raising
        assert fields.get({}, target) is None
        fields.get({"x": [1, {"y": None}], key: "v"}, target)
