"""Readers of files and dumps: text, HTML, JSONL/JSON/CSV, feeds, dates, directories.

Every input here is written by the tests themselves (small made-up news items).
"""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import pytest

from crosscheck.errors import ConfigError, InputError
from crosscheck.ingest import IngestOptions, detect_format, read_sources
from crosscheck.ingest import html as html_module
from crosscheck.ingest._dates import parse_published
from crosscheck.ingest._decode import decode_bytes
from crosscheck.ingest._fields import FieldMap, compose_item
from crosscheck.ingest.feeds import parse_feed
from crosscheck.ingest.html import fragment_text, parse_html
from crosscheck.ingest.tabular import read_csv, read_json, read_jsonl
from crosscheck.ingest.text import parse_text
from crosscheck.records import Rejection, SourceItem

DEFAULT = FieldMap({})
CAP = 1_000_000


def _read(*sources: str | Path, **options: object) -> list[SourceItem | Rejection]:
    return list(read_sources([str(s) for s in sources], IngestOptions(**options)))  # type: ignore[arg-type]


def _items(results: list[SourceItem | Rejection]) -> list[SourceItem]:
    return [r for r in results if isinstance(r, SourceItem)]


def _rejections(results: list[SourceItem | Rejection]) -> list[Rejection]:
    return [r for r in results if isinstance(r, Rejection)]


def _one_line(rejection: Rejection) -> None:
    assert rejection.reason.strip()
    assert "\n" not in str(rejection), str(rejection)


# -- plain text -------------------------------------------------------------------------


def test_date_header_running_into_first_line_sets_published_and_is_excluded() -> None:
    text = ("date 2023-05-06 The city council met on Friday to approve the repairs.\n\n"
            "The school roof will be fixed first, the deputy mayor said.\n")
    item = parse_text(text, "council.txt")
    assert item.published == "2023-05-06"
    assert item.date_source == "header"
    assert text[: item.raw_start].strip() == "date 2023-05-06"
    assert text[item.raw_start:].startswith("The city council met on Friday")
    # the first paragraph ends with a period: a sentence, not a title
    assert item.title is None
    assert item.body_start == item.raw_start
    assert item.raw == text and item.format == "text" and item.locator == "council.txt"


def test_date_header_followed_by_headline() -> None:
    text = ("date 2022-04-24 Ferry service resumes on the river\n\n"
            "The first boat left at dawn, the operator said.\n")
    item = parse_text(text, "ferry.txt")
    assert item.published == "2022-04-24"
    assert item.title == "Ferry service resumes on the river"
    assert text[item.body_start:].startswith("The first boat left at dawn")
    assert "date" not in text[item.raw_start:item.body_start]


def test_title_and_subtitle_lines_are_recognised() -> None:
    text = ("Strikes hit the grain port\n\n"
            "Officials count the damage after a night of attacks\n\n"
            "Three warehouses burned overnight, the regional governor said on Sunday.\n\n"
            "Firefighters worked until morning.\n")
    item = parse_text(text, "port.txt")
    assert item.title == "Strikes hit the grain port"
    head = text[item.raw_start:item.body_start]
    assert "Strikes hit the grain port" in head
    assert "Officials count the damage" in head
    assert text[item.body_start:].startswith("Three warehouses burned overnight")


def test_title_with_a_single_short_line_keeps_that_line_as_body() -> None:
    text = "Ferry service resumes\n\nBoats leave at dawn"
    item = parse_text(text, "short.txt")
    assert item.title == "Ferry service resumes"
    assert text[item.body_start:] == "Boats leave at dawn"


def test_first_paragraph_ending_with_a_period_is_not_a_title() -> None:
    text = "The mayor said the port was hit.\n\nRepairs begin on Monday, he added.\n"
    item = parse_text(text, "sentence.txt")
    assert item.title is None
    assert item.body_start == 0


@pytest.mark.parametrize("ending", ["?", "!", ":", ",", ".\u201d", "\u2026"])
def test_first_line_ending_like_a_sentence_is_not_a_title(ending: str) -> None:
    text = f"Will the bridge reopen this week{ending}\n\nEngineers are still inspecting it.\n"
    assert parse_text(text, "q.txt").title is None


def test_overlong_first_line_is_not_a_title() -> None:
    first = "Word " * 60  # 300 characters, no sentence end
    item = parse_text(f"{first}\n\nBody text follows here.\n", "long.txt")
    assert item.title is None


def test_headline_only_file() -> None:
    item = parse_text("Power restored in three districts\n", "headline.txt")
    assert item.title == "Power restored in three districts"
    assert item.body_start == len(item.raw)
    assert item.published is None


def test_undated_file_has_no_published_date(tmp_path: Path) -> None:
    path = tmp_path / "undated.txt"
    path.write_text("Talks resume in Geneva\n\nDelegations met for four hours, diplomats said.\n",
                    encoding="utf-8")
    [item] = _read(path)
    assert isinstance(item, SourceItem)
    assert item.published is None and item.date_source is None
    assert item.title == "Talks resume in Geneva"
    assert item.locator == str(path.resolve())


def test_date_token_later_in_the_text_is_not_a_header() -> None:
    item = parse_text("Officials said the date 2022-04-24 was chosen.\n", "later.txt")
    assert item.published is None and item.raw_start == 0


def test_impossible_header_date_is_excluded_but_gives_no_date() -> None:
    item = parse_text("date 2022-13-45 The talks were postponed again.\n", "bad-date.txt")
    assert item.published is None and item.date_source is None
    assert item.raw[item.raw_start:].startswith("The talks")


@pytest.mark.parametrize("text, reason", [
    ("", "empty input"),
    ("   \n\t\n", "empty input"),
    ("date 2022-04-24", "no text after the date header"),
    ("date 2022-04-24   \n\n ", "no text after the date header"),
])
def test_text_without_content_is_rejected(text: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        parse_text(text, "empty.txt")
    assert info.value.locator == "empty.txt"
    assert info.value.reason == reason
    assert str(info.value) == f"empty.txt: {reason}"


_CP1252_TEXT = (
    "Port reopens after night of shelling\n\n"
    "The harbour caf\u00e9 reopened on Tuesday morning, its owner said \u2014 "
    "\u201cwe are not going anywhere\u201d.\n\n"
    "Dockworkers cleared d\u00e9bris from the quay while the mayor\u2019s office counted the "
    "damage. A na\u00efve hope of a quick repair faded by noon, officials said.\n"
)


def test_cp1252_file_decodes(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(_CP1252_TEXT.encode("cp1252"))
    [item] = _read(path)
    assert isinstance(item, SourceItem)
    assert item.raw == _CP1252_TEXT
    assert item.title == "Port reopens after night of shelling"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-8", codecs.BOM_UTF8),
])
def test_files_with_a_byte_order_mark_decode(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = "Kyiv \u2014 \u041a\u0438\u0457\u0432\n\nThe metro ran all night, the city said.\n"
    path = tmp_path / "bom.txt"
    path.write_bytes(bom + text.encode(encoding))
    [item] = _read(path)
    assert isinstance(item, SourceItem)
    assert item.raw == text  # the BOM is not part of the text
    assert item.title == "Kyiv \u2014 \u041a\u0438\u0457\u0432"


def test_decode_bytes_prefers_utf8() -> None:
    text = "Mykola\u00efv \u2014 \u00ab\u0442\u0438\u0445\u043e\u00bb"
    assert decode_bytes(text.encode("utf-8"), "x") == text


@pytest.mark.parametrize("data, reason", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary content, not text (NUL bytes)"),
    (bytes(range(1, 32)) * 20, "binary content, not text"),
    (b"", "empty input"),
    (b" \n\r\n\t", "empty input"),
])
def test_binary_and_empty_bytes_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, "blob")
    assert info.value.reason == reason
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("data, words", [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", "binary"),
    (b"", "empty"),
    (b"\n\n   \n", "empty"),
])
def test_binary_and_empty_files_are_rejected_with_one_line(tmp_path: Path, data: bytes,
                                                           words: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    [result] = _read(path)
    assert isinstance(result, Rejection)
    assert result.locator == str(path.resolve())
    assert words in result.reason
    _one_line(result)


def test_text_file_over_the_cap_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Long report\n\n" + "The shelling went on. " * 100, encoding="utf-8")
    [result] = _read(path, max_bytes=500)
    assert isinstance(result, Rejection)
    assert "too large" in result.reason
    _one_line(result)


def test_gzip_compressed_text_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(b"Bridge reopens\n\nTraffic resumed at noon, police said.\n"))
    [item] = _read(path)
    assert isinstance(item, SourceItem)
    assert item.title == "Bridge reopens"


def test_corrupt_gzip_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(b"Bridge reopens\n\nTraffic resumed at noon.\n")[:20])
    [result] = _read(path)
    assert isinstance(result, Rejection)
    assert "corrupt gzip" in result.reason
    _one_line(result)


# -- HTML -------------------------------------------------------------------------------

_PARAGRAPHS = [
    "Air defences shot down eleven drones over the city overnight, the regional governor "
    "said on Sunday morning.",
    "Falling debris damaged two houses and a school in the southern district, but nobody was "
    "hurt, according to the emergency service.",
    "Residents spent several hours in shelters as the sirens sounded across the region for "
    "the third night in a row.",
    "Repair crews began clearing the streets at dawn and the school will stay closed until "
    "Wednesday, the city council said.",
]


def _page(head: str = "", date_line: str = "") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in _PARAGRAPHS)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Drones downed over Odesa | Harbour Times</title>"
        "<meta property=\"og:title\" content=\"Drones downed over Odesa\">"
        f"{head}</head><body>"
        "<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a>"
        "</nav><main><article><h1>Drones downed over Odesa</h1>"
        f"{date_line}{body}</article></main>"
        "<footer><p>Copyright Harbour Times. All rights reserved.</p></footer></body></html>"
    )


_META = ("<meta property=\"og:site_name\" content=\"Harbour Times\">"
         "<meta property=\"article:published_time\" content=\"2024-02-11T08:30:00Z\">")


def test_html_main_text_title_site_name_and_meta_date() -> None:
    item = parse_html(_page(_META), "drones.html")
    assert item.format == "html"
    assert item.title == "Drones downed over Odesa"
    assert item.outlet == "Harbour Times"
    assert item.published == "2024-02-11"
    assert item.date_source == "html-meta"
    assert item.raw[: item.body_start].strip() == "Drones downed over Odesa"
    body = item.raw[item.body_start:]
    for paragraph in _PARAGRAPHS:
        assert paragraph in body
    assert body.startswith(_PARAGRAPHS[0])  # the page's <h1> is not repeated in the body
    assert "Sport" not in item.raw and "All rights reserved" not in item.raw


def test_html_file_is_read_through_read_sources(tmp_path: Path) -> None:
    path = tmp_path / "drones.htm"
    path.write_text(_page(_META), encoding="utf-8")
    [item] = _read(path)
    assert isinstance(item, SourceItem)
    assert item.format == "html" and item.title == "Drones downed over Odesa"
    assert item.locator == str(path.resolve())


def test_html_outlet_falls_back_to_the_host_of_the_url() -> None:
    item = parse_html(_page(), "page", "https://www.harbour.example/news/drones")
    assert item.url == "https://www.harbour.example/news/drones"
    assert item.outlet == "harbour.example"


def test_html_date_from_htmldate_when_the_extractor_finds_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = html_module.trafilatura.bare_extraction

    def without_date(*args: object, **kwargs: object) -> object:
        doc = real(*args, **kwargs)
        doc.date = None
        return doc

    monkeypatch.setattr(html_module.trafilatura, "bare_extraction", without_date)
    page = _page(date_line="<p class=\"byline\">Published on 11 February 2024</p>")
    item = parse_html(page, "drones.html", "https://harbour.example/2024/02/11/drones")
    assert item.published == "2024-02-11"
    assert item.date_source == "htmldate"


def test_html_without_any_date_has_none() -> None:
    item = parse_html(_page(), "undated.html")
    assert item.published is None and item.date_source is None


@pytest.mark.parametrize("markup", [
    "<html><head><title></title></head><body><script>var x = 1;</script></body></html>",
    "<html><body><div>   </div></body></html>",
])
def test_html_page_without_text_is_rejected(markup: str) -> None:
    with pytest.raises(InputError) as info:
        parse_html(markup, "blank.html")
    assert info.value.locator == "blank.html"
    assert "\n" not in str(info.value)


def test_html_file_without_text_is_a_rejection(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><body><script>track();</script></body></html>", encoding="utf-8")
    [result] = _read(path)
    assert isinstance(result, Rejection)
    assert result.reason == "no article text found in the HTML page"


def test_fragment_text_keeps_paragraphs_and_drops_scripts() -> None:
    fragment = ("<p>Talks &amp; truce</p><p>Second<br>line</p>"
                "<script>alert(1)</script><ul><li>one</li><li>two</li></ul>")
    assert fragment_text(fragment) == "Talks & truce\n\nSecond\n\nline\n\none\n\ntwo"
    assert fragment_text("plain   text\n\n\n\nnext") == "plain   text\n\nnext"


def test_fragment_text_treats_line_breaks_in_markup_as_spaces() -> None:
    fragment = "<p>Repairs took\n   <b>two</b>\n  days,\tthe utility said.</p>\n\n<p>Next.</p>"
    assert fragment_text(fragment) == "Repairs took two days, the utility said.\n\nNext."


# -- JSONL, JSON, CSV -------------------------------------------------------------------


def _jsonl(*records: object) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n"
                   for r in records).encode("utf-8")


def test_jsonl_default_fields(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_bytes(_jsonl({
        "title": "Grain ship leaves Odesa",
        "text": "A bulk carrier left the port on Monday.\n\nIt carries wheat.",
        "date": "2024-01-02",
        "url": "https://www.steppe.example/grain",
        "outlet": "Steppe Wire",
    }))
    [item] = _read(path)
    assert isinstance(item, SourceItem)
    assert item.format == "jsonl"
    assert item.locator == f"{path.resolve()}:1"
    assert item.title == "Grain ship leaves Odesa"
    assert item.raw == ("Grain ship leaves Odesa\n\n"
                        "A bulk carrier left the port on Monday.\n\nIt carries wheat.")
    assert item.raw[item.body_start:].startswith("A bulk carrier")
    assert item.published == "2024-01-02" and item.date_source == "field"
    assert item.url == "https://www.steppe.example/grain"
    assert item.outlet == "Steppe Wire"


def test_jsonl_alternative_keys_and_outlet_from_url() -> None:
    data = _jsonl({"Headline": "Bridge reopens", "content": ["First paragraph.", "Second."],
                   "published_at": "2024-03-05T10:00:00Z", "link": "https://www.kyiv.example/b"})
    [item] = read_jsonl(data, DEFAULT, CAP, "d.jsonl")
    assert isinstance(item, SourceItem)
    assert item.title == "Bridge reopens"
    assert item.raw == "Bridge reopens\n\nFirst paragraph.\n\nSecond."
    assert item.published == "2024-03-05"
    assert item.outlet == "kyiv.example"


def test_map_option_with_nested_path() -> None:
    fields = FieldMap.parse("text=body,date=published,outlet=source.name")
    assert dict(fields.overrides) == {"text": "body", "date": "published",
                                      "outlet": "source.name"}
    data = _jsonl({"body": "Engineers restored power in the east.", "text": "not this one",
                   "published": "05/06/2024", "source": {"name": "Steppe Wire", "id": 7},
                   "outlet": "not this outlet"})
    [item] = read_jsonl(data, fields, CAP, "m.jsonl")
    assert isinstance(item, SourceItem)
    assert item.raw == "Engineers restored power in the east."
    assert item.title is None and item.body_start == 0
    assert item.outlet == "Steppe Wire"
    assert item.published == "2024-05-06"


def test_map_option_path_into_a_list() -> None:
    fields = FieldMap.parse("title=headlines.0, text = paragraphs ,outlet=meta.pubs.1.name")
    record = {"headlines": ["First headline", "Second"], "paragraphs": ["A.", "B."],
              "meta": {"pubs": [{"name": "Zero"}, {"name": "One"}]}}
    item = compose_item(record, fields, "r", "jsonl", CAP)
    assert item.title == "First headline"
    assert item.raw == "First headline\n\nA.\n\nB."
    assert item.outlet == "One"
    assert fields.get(record, "url") is None
    assert fields.get({"meta": {"pubs": []}}, "outlet") is None


@pytest.mark.parametrize("spec", ["body=text", "text=body,author=byline", "text", "text=",
                                  "=body", "text=body,,junk"])
def test_map_option_errors_are_config_errors(spec: str) -> None:
    with pytest.raises(ConfigError) as info:
        FieldMap.parse(spec)
    assert "--map" in str(info.value)


@pytest.mark.parametrize("spec", [None, "", " , ,"])
def test_empty_map_option(spec: str | None) -> None:
    assert dict(FieldMap.parse(spec).overrides) == {}


def test_malformed_json_line_is_rejected_by_line_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_bytes(_jsonl(
        {"title": "First", "text": "One."},
        '{"title": "Broken", "text": ',
        "",
        "[1, 2, 3]",
        "42",
        {"title": "Last", "text": "Five."},
    ))
    results = _read(path)
    name = str(path.resolve())
    assert [r.locator for r in results] == [f"{name}:{n}" for n in (1, 2, 4, 5, 6)]
    first, broken, array, number, last = results
    assert isinstance(first, SourceItem) and first.title == "First"
    assert isinstance(broken, Rejection) and broken.reason.startswith("malformed JSON line")
    assert isinstance(array, Rejection)
    assert array.reason == "expected a JSON object, got list"
    assert isinstance(number, Rejection)
    assert number.reason == "expected a JSON object, got int"
    assert isinstance(last, SourceItem) and last.title == "Last"
    for rejection in (broken, array, number):
        _one_line(rejection)


def test_invalid_utf8_line_is_rejected_alone() -> None:
    data = b'{"title": "Ok", "text": "Fine."}\n{"title": "\xff\xfe bad"}\n{"title": "Also ok"}\n'
    results = list(read_jsonl(data, DEFAULT, CAP, "u.jsonl"))
    assert [type(r) for r in results] == [SourceItem, Rejection, SourceItem]
    assert results[1].locator == "u.jsonl:2"


def test_field_of_the_wrong_type_is_rejected_naming_the_field() -> None:
    [result] = read_jsonl(_jsonl({"title": "T", "text": {"nested": [1, 2]}}), DEFAULT, CAP, "w")
    assert isinstance(result, Rejection)
    assert result.locator == "w:1"
    assert "'text'" in result.reason


def test_gzip_compressed_jsonl_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(_jsonl(
        {"title": "One", "text": "First body."},
        {"title": "Two", "text": "Second body."},
    )))
    results = _read(path)
    assert [r.title for r in _items(results)] == ["One", "Two"]
    assert [r.locator for r in results] == [f"{path.resolve()}:1", f"{path.resolve()}:2"]


def test_truncated_gzip_dump_reads_what_it_can_then_rejects(tmp_path: Path) -> None:
    records = [{"title": f"Record {i}", "text": f"Body number {i} " * 30} for i in range(200)]
    path = tmp_path / "dump.jsonl.gz"
    whole = gzip.compress(_jsonl(*records))
    path.write_bytes(whole[: len(whole) // 2])
    results = _read(path)
    assert _items(results), "the records before the cut are read"
    last = results[-1]
    assert isinstance(last, Rejection) and last.reason.startswith("cannot read")
    _one_line(last)


def test_json_array_is_streamed_with_index_locators(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    path.write_text(json.dumps([
        {"headline": "Alpha", "story": "First story."},
        {"headline": "Beta"},
        "not a record",
        {"headline": "Gamma", "story": "Third story.", "timestamp": 1710410400},
    ]), encoding="utf-8")
    results = _read(path)
    name = str(path.resolve())
    assert [r.locator for r in results] == [f"{name}#{i}" for i in range(4)]
    alpha, beta, bad, gamma = results
    assert isinstance(alpha, SourceItem) and alpha.format == "json"
    assert alpha.raw == "Alpha\n\nFirst story."
    assert isinstance(beta, SourceItem) and beta.raw == "Beta"
    assert isinstance(bad, Rejection) and bad.reason == "expected a JSON object, got str"
    assert isinstance(gamma, SourceItem) and gamma.published == "2024-03-14"


def test_json_array_broken_midway_keeps_earlier_records() -> None:
    data = b'[{"title": "A", "text": "a."}, {"title": "B", "text": "b."}, {"title": ]'
    results = list(read_json(data, DEFAULT, CAP, "cut.json"))
    assert [type(r) for r in results] == [SourceItem, SourceItem, Rejection]
    assert results[2].locator == "cut.json#2"
    assert results[2].reason.startswith("malformed JSON")
    _one_line(results[2])


def test_json_object_with_an_articles_list(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"status": "ok", "totalResults": 2, "articles": [
        {"title": "One", "description": "Lead one.", "source": {"id": None, "name": "Wire"}},
        {"author": "nobody"},
    ]}), encoding="utf-8")
    results = _read(path)
    name = str(path.resolve())
    assert [r.locator for r in results] == [f"{name}#articles[0]", f"{name}#articles[1]"]
    one, empty = results
    assert isinstance(one, SourceItem)
    assert one.raw == "One\n\nLead one." and one.outlet == "Wire"
    assert isinstance(empty, Rejection) and empty.reason.startswith("no title and no text")


def test_json_single_object_is_one_record() -> None:
    [item] = read_json(b'{"title": "Lone", "text": "Only one."}', DEFAULT, CAP, "one.json")
    assert isinstance(item, SourceItem) and item.locator == "one.json"


@pytest.mark.parametrize("data", [b"{broken", b'"just a string"', b"  17  "])
def test_json_that_is_not_records_is_rejected(data: bytes) -> None:
    [result] = read_json(data, DEFAULT, CAP, "x.json")
    assert isinstance(result, Rejection) and result.locator == "x.json"
    _one_line(result)


def test_csv_with_different_column_names(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Headline,Story,Published,Link,Publisher\n"
        "Shelling in Kherson,\"Two people were hurt, officials said.\",2024-03-04,"
        "https://a.example/1,Dnipro Daily\n"
        "\"Quoted, title\",\"Body with \"\"quotes\"\"\nand a second line\",03/14/2024,,\n",
        encoding="utf-8",
    )
    results = _read(path)
    name = str(path.resolve())
    assert [r.locator for r in results] == [f"{name}:2", f"{name}:3"]
    first, second = results
    assert isinstance(first, SourceItem) and first.format == "csv"
    assert first.raw == "Shelling in Kherson\n\nTwo people were hurt, officials said."
    assert first.published == "2024-03-04"
    assert first.url == "https://a.example/1" and first.outlet == "Dnipro Daily"
    assert isinstance(second, SourceItem)
    assert second.title == "Quoted, title"
    assert second.raw.endswith('Body with "quotes"\nand a second line')
    assert second.published == "2024-03-14"


def test_semicolon_delimited_csv_with_a_field_map() -> None:
    data = ("titel;inhalt;datum\n"
            "Zug entgleist;Der Zug entgleiste bei Lwiw, sagte die Polizei.;14.03.2024\n"
            "Br\u00fccke gesperrt;Die Br\u00fccke ist gesperrt, sagt die Stadt.;2024-03-15\n"
            ).encode("utf-8")
    fields = FieldMap.parse("title=titel,text=inhalt,date=datum")
    results = list(read_csv(data, fields, CAP, "de.csv"))
    assert all(isinstance(r, SourceItem) for r in results), results
    assert [(r.title, r.published) for r in results] == [
        ("Zug entgleist", "2024-03-14"), ("Br\u00fccke gesperrt", "2024-03-15")]
    assert results[0].raw.endswith("bei Lwiw, sagte die Polizei.")


def test_tab_separated_file(tmp_path: Path) -> None:
    path = tmp_path / "export.tsv"
    path.write_text("title\ttext\nDam breached\tWater flooded the town, officials said.\n",
                    encoding="utf-8")
    [item] = _read(path)
    assert isinstance(item, SourceItem)
    assert item.raw == "Dam breached\n\nWater flooded the town, officials said."


def test_csv_bad_rows_are_rejected_by_line_and_reading_goes_on() -> None:
    huge = "x" * 200_000  # over the CSV field limit
    data = ("title,text\n"
            "First,The first body.\n"
            "Too,many,fields,here\n"
            f"Huge,{huge}\n"
            ",\n"
            "Just a headline,\n"
            "Last,The last body.\n").encode()
    results = list(read_csv(data, DEFAULT, 1000, "rows.csv"))
    assert [r.locator for r in results] == ["rows.csv:2", "rows.csv:3", "rows.csv:4",
                                            "rows.csv:6", "rows.csv:7"]
    first, many, big, headline, last = results
    assert isinstance(first, SourceItem) and first.title == "First"
    assert isinstance(many, Rejection) and many.reason == "row has 4 fields, header has 2"
    assert isinstance(big, Rejection) and big.reason.startswith("malformed CSV row")
    assert isinstance(headline, SourceItem)
    assert headline.raw == "Just a headline" and headline.title == "Just a headline"
    assert headline.body_start == len(headline.raw)
    assert isinstance(last, SourceItem) and last.raw == "Last\n\nThe last body."
    for rejection in (many, big):
        _one_line(rejection)


def test_csv_in_a_legacy_encoding() -> None:
    data = ("title,text\nCaf\u00e9 reopens,The owner said \u201cwe stay\u201d.\n"
            ).encode("cp1252")
    [item] = read_csv(data, DEFAULT, CAP, "legacy.csv")
    assert isinstance(item, SourceItem)
    assert item.raw == "Caf\u00e9 reopens\n\nThe owner said \u201cwe stay\u201d."


def test_csv_with_only_a_header_gives_nothing_and_empty_csv_is_rejected(tmp_path: Path) -> None:
    assert list(read_csv(b"title,text\n", DEFAULT, CAP, "h.csv")) == []
    [result] = list(read_csv(b"", DEFAULT, CAP, "e.csv"))
    assert isinstance(result, Rejection) and result.reason == "empty CSV file"
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    [result] = _read(path)
    assert isinstance(result, Rejection) and result.reason == "empty file"


def test_record_over_max_bytes_is_rejected() -> None:
    big = {"title": "Big", "text": "The report goes on and on. " * 40}
    small = {"title": "Small", "text": "Short."}
    results = list(read_json(json.dumps([big, small]).encode(), DEFAULT, 500, "cap.json"))
    assert isinstance(results[0], Rejection)
    assert results[0].locator == "cap.json#0"
    assert results[0].reason.startswith("record too large")
    assert isinstance(results[1], SourceItem)
    csv_data = f"title,text\nBig,{big['text']}\nSmall,Short.\n".encode()
    rows = list(read_csv(csv_data, DEFAULT, 500, "cap.csv"))
    assert isinstance(rows[0], Rejection) and rows[0].reason.startswith("record too large")
    assert isinstance(rows[1], SourceItem)


def test_jsonl_line_over_max_bytes_is_rejected() -> None:
    data = _jsonl({"title": "Big", "text": "word " * 400}, {"title": "Small", "text": "x."})
    results = list(read_jsonl(data, DEFAULT, 600, "cap.jsonl"))
    assert isinstance(results[0], Rejection)
    assert results[0].locator == "cap.jsonl:1" and "too large" in results[0].reason
    assert isinstance(results[1], SourceItem)


@pytest.mark.parametrize("record", [
    {"url": "https://a.example/x", "date": "2024-01-01"},
    {"title": "  ", "text": "\n\n"},
    {"title": None, "body": "", "summary": ""},
])
def test_record_with_neither_title_nor_text_is_rejected(record: dict[str, object]) -> None:
    with pytest.raises(InputError) as info:
        compose_item(record, DEFAULT, "dump.jsonl:9", "jsonl", CAP)
    assert info.value.locator == "dump.jsonl:9"
    assert info.value.reason.startswith("no title and no text")


def test_ruwa_style_records_become_headline_and_subheading_articles() -> None:
    data = _jsonl(
        {"id": 1, "url": "https://www.wire.example/news/1", "site": "wire.example",
         "date": "2022-04-24", "title": "Steelworks siege enters its second month",
         "subheading": "Civilians remain trapped underground, officials say",
         "event": "siege", "keywords": ["siege"], "ref": [{"site": "other.example"}]},
        {"id": 2, "url": "https://www.wire.example/news/2", "site": "wire.example",
         "date": "2022-04-25", "title": "Evacuation corridor agreed", "subheading": "",
         "event": "siege", "keywords": [], "ref": []},
    )
    first, second = read_jsonl(data, DEFAULT, CAP, "ruwa.jsonl")
    assert isinstance(first, SourceItem)
    assert first.title == "Steelworks siege enters its second month"
    assert first.raw == ("Steelworks siege enters its second month\n\n"
                         "Civilians remain trapped underground, officials say")
    assert first.raw[first.body_start:] == "Civilians remain trapped underground, officials say"
    assert first.outlet == "wire.example" and first.published == "2022-04-24"
    assert isinstance(second, SourceItem)
    assert second.raw == "Evacuation corridor agreed"
    assert second.body_start == len(second.raw)


def test_text_field_wins_over_summary() -> None:
    item = compose_item({"title": "T", "text": "Full text.", "description": "Teaser."},
                        DEFAULT, "r", "jsonl", CAP)
    assert item.raw == "T\n\nFull text."


# -- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("03/14/2024", "2024-03-14"),
    ("14/03/2024", "2024-03-14"),
    ("04/03/2024", "2024-04-03"),  # ambiguous: month first
    ("14.03.2024", "2024-03-14"),
    ("Thu, 14 Mar 2024 10:00:00 +0000", "2024-03-14"),
    ("Thu, 14 Mar 2024 23:30:00 GMT", "2024-03-14"),
    ("2024-03-14", "2024-03-14"),
    ("2024-03-14T23:30:00+02:00", "2024-03-14"),
    ("2024-03-14 08:15:00", "2024-03-14"),
    (" 2024-3-4 ", "2024-03-04"),
    (1710410400, "2024-03-14"),  # epoch seconds
    (1710410400000, "2024-03-14"),  # epoch milliseconds
    (1710410400.5, "2024-03-14"),
    ("March 14, 2024", "2024-03-14"),
    ("14 March 2024", "2024-03-14"),
])
def test_parse_published_formats(value: object, expected: str) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", [
    None, "", "   ", "garbage", "yesterday", "Monday", "13/13/2024", "2024-02-30",
    "1850-01-01", "2150-01-01", True, False, 10**30, float("nan"), -(10**20), "x" * 500,
])
def test_parse_published_rejects_non_dates(value: object) -> None:
    assert parse_published(value) is None


def test_date_value_that_is_not_a_date_gives_no_date_but_keeps_the_record() -> None:
    [item] = read_jsonl(_jsonl({"title": "T", "text": "B.", "date": "soon"}), DEFAULT, CAP, "d")
    assert isinstance(item, SourceItem)
    assert item.published is None and item.date_source is None


# -- feeds ------------------------------------------------------------------------------

_RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Harbour Times</title>
  <link>https://harbour.example/</link>
  <description>News from the coast</description>
  <item>
    <title>Drones downed over Odesa</title>
    <link>https://harbour.example/a/1</link>
    <pubDate>Sun, 11 Feb 2024 08:30:00 +0000</pubDate>
    <description>Short teaser only.</description>
    <content:encoded><![CDATA[<p>Air defences shot down drones.</p>
      <p>Debris damaged two houses, the governor said.</p>]]></content:encoded>
  </item>
  <item>
    <title>Grain ship leaves port</title>
    <link>https://harbour.example/a/2</link>
    <pubDate>Mon, 12 Feb 2024 09:00:00 +0000</pubDate>
    <description>A bulk carrier left on Monday.</description>
  </item>
  <item>
    <link>https://harbour.example/a/3</link>
  </item>
</channel>
</rss>
"""

_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Steppe Wire</title>
  <link href="https://steppe.example/"/>
  <id>urn:steppe</id>
  <updated>2024-03-02T10:00:00Z</updated>
  <entry>
    <title>Power restored in Kharkiv</title>
    <link href="https://steppe.example/p/9"/>
    <id>urn:steppe:9</id>
    <published>2024-03-01T10:00:00Z</published>
    <updated>2024-03-02T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Engineers restored power.&lt;/p&gt;&lt;p&gt;Repairs took
      &lt;b&gt;two&lt;/b&gt; days, the utility said.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Metro runs again</title>
    <id>urn:steppe:10</id>
    <updated>2024-03-03T06:00:00Z</updated>
    <summary>Trains resumed at six.</summary>
  </entry>
</feed>
"""


def test_rss_feed_with_content_encoded(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_bytes(_RSS)
    results = _read(path)
    first, second, empty = results
    assert isinstance(first, SourceItem)
    assert first.format == "feed"
    assert first.title == "Drones downed over Odesa"
    assert first.raw == ("Drones downed over Odesa\n\nAir defences shot down drones.\n\n"
                         "Debris damaged two houses, the governor said.")
    assert "teaser" not in first.raw
    assert first.url == first.locator == "https://harbour.example/a/1"
    assert first.outlet == "Harbour Times"
    assert first.published == "2024-02-11" and first.date_source == "feed"
    assert first.raw[first.body_start:].startswith("Air defences")
    assert isinstance(second, SourceItem)
    assert second.raw == "Grain ship leaves port\n\nA bulk carrier left on Monday."
    assert second.published == "2024-02-12"
    assert isinstance(empty, Rejection)
    assert empty.locator == f"{path.resolve()}#2"
    assert empty.reason == "feed entry has no title and no content"


def test_atom_feed_with_html_content() -> None:
    first, second = parse_feed(_ATOM, "wire.atom")
    assert isinstance(first, SourceItem) and isinstance(second, SourceItem)
    assert first.raw == ("Power restored in Kharkiv\n\nEngineers restored power.\n\n"
                         "Repairs took two days, the utility said.")
    assert first.outlet == "Steppe Wire"
    assert first.published == "2024-03-01"  # published wins over updated
    assert first.url == "https://steppe.example/p/9"
    assert second.raw == "Metro runs again\n\nTrains resumed at six."
    assert second.published == "2024-03-03"
    assert second.url is None and second.locator == "wire.atom#1"


def test_feed_outlet_from_the_feed_url_when_the_channel_has_no_title() -> None:
    feed = (b'<?xml version="1.0"?><rss version="2.0"><channel><description>d</description>'
            b"<item><title>Ceasefire holds</title><description>Quiet night.</description>"
            b"</item></channel></rss>")
    [item] = parse_feed(feed, "feed", "https://www.coast.example/rss")
    assert isinstance(item, SourceItem)
    assert item.outlet == "coast.example"
    assert item.published is None and item.date_source is None


@pytest.mark.parametrize("data", [
    b"this is not a feed at all, only words",
    b"<rss version=\"2.0\"><channel><title>Empty</title></channel></rss>",
    b"<rss><chan",
    b"\x00\x01\x02\x03",
])
def test_garbage_feed_is_rejected(data: bytes) -> None:
    [result] = parse_feed(data, "bad.rss")
    assert isinstance(result, Rejection) and result.locator == "bad.rss"
    _one_line(result)


def test_xml_file_that_is_not_a_feed_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "config.xml"
    path.write_bytes(b'<?xml version="1.0"?><settings><speed>3</speed></settings>')
    [result] = _read(path)
    assert isinstance(result, Rejection)
    assert result.locator == str(path.resolve())
    _one_line(result)


def test_xml_file_holding_a_feed_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(_ATOM)
    assert [r.title for r in _items(_read(path))] == ["Power restored in Kharkiv",
                                                      "Metro runs again"]


# -- directories and format detection ---------------------------------------------------


def _tree(root: Path) -> None:
    files = {
        "a.txt": "Alpha headline\n\nAlpha body, it said.\n",
        "sub/b.txt": "Beta headline\n\nBeta body, it said.\n",
        "sub/c.jsonl": json.dumps({"title": "Gamma", "text": "Gamma body."}) + "\n",
        "sub/deeper/d.html": _page(_META),
        "notes.md": "Delta headline\n\nDelta body, it said.\n",
        ".hidden.txt": "Hidden headline\n\nHidden body.\n",
        ".git/e.txt": "Git headline\n\nGit body.\n",
        "sub/.cache/f.txt": "Cache headline\n\nCache body.\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _names(results: list[SourceItem | Rejection]) -> list[str]:
    return sorted(Path(r.locator.split(":")[0]).name for r in results)


def test_directory_walk_skips_hidden_and_unknown_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    results = _read(tmp_path)
    assert not _rejections(results)
    assert _names(results) == ["a.txt", "b.txt", "c.jsonl", "d.html"]


def test_directory_walk_with_include(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(_read(tmp_path, include=("*.txt",))) == ["a.txt", "b.txt"]
    assert _names(_read(tmp_path, include=("sub/*.txt",))) == ["b.txt"]
    # --include can name an ending that is otherwise skipped; hidden files stay hidden
    results = _read(tmp_path, include=("*.md", "*.txt"))
    assert _names(results) == ["a.txt", "b.txt", "notes.md"]
    notes = next(r for r in results if r.locator.endswith("notes.md"))
    assert isinstance(notes, SourceItem) and notes.title == "Delta headline"


def test_directory_walk_with_exclude(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(_read(tmp_path, exclude=("sub/*",))) == ["a.txt"]
    assert _names(_read(tmp_path, exclude=("*.html", "c.jsonl"))) == ["a.txt", "b.txt"]
    assert _names(_read(tmp_path, include=("*.txt",), exclude=("b.txt",))) == ["a.txt"]


def test_directory_without_readable_files_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "only.bin").write_bytes(b"\x00\x01")
    (tmp_path / ".hidden.txt").write_text("Hidden\n", encoding="utf-8")
    [result] = _read(tmp_path)
    assert isinstance(result, Rejection)
    assert result.reason == "directory holds no readable files"


def test_missing_source_is_rejected(tmp_path: Path) -> None:
    [result] = _read(tmp_path / "nope.txt")
    assert isinstance(result, Rejection)
    assert result.reason == "no such file, directory or URL"


def test_explicit_file_with_unknown_ending_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "story.dat"
    path.write_text("Sniffed headline\n\nSniffed body, it said.\n", encoding="utf-8")
    [item] = _read(path)
    assert isinstance(item, SourceItem) and item.format == "text"
    assert item.title == "Sniffed headline"
    dump = tmp_path / "dump.out"
    dump.write_text(json.dumps({"title": "Sniffed JSONL", "text": "Body."}) + "\n",
                    encoding="utf-8")
    [record] = _read(dump)
    assert isinstance(record, SourceItem) and record.format == "jsonl"


def test_forced_format_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("title,text\nForced,As CSV.\n", encoding="utf-8")
    [item] = _read(path, format="csv")
    assert isinstance(item, SourceItem) and item.format == "csv"
    assert item.raw == "Forced\n\nAs CSV."


@pytest.mark.parametrize("name, fmt", [
    ("story.txt", "text"), ("STORY.TXT", "text"), ("page.HTM", "html"), ("page.xhtml", "html"),
    ("dump.jsonl", "jsonl"), ("dump.ndjson", "jsonl"), ("dump.jsonl.gz", "jsonl"),
    ("dump.json", "json"), ("dump.json.gz", "json"), ("export.csv", "csv"),
    ("export.tsv", "csv"), ("news.rss", "feed"), ("news.atom", "feed"), ("news.xml", "feed"),
    ("notes.md", None), ("archive.gz", None), ("README", None),
])
def test_detect_format_by_name(name: str, fmt: str | None) -> None:
    assert detect_format(name) == fmt


@pytest.mark.parametrize("head, fmt", [
    (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', "feed"),
    (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
    (b"<rdf:RDF xmlns:rdf='x'>", "feed"),
    (b"  <!DOCTYPE html><html><head>", "html"),
    (b"<HTML><body>", "html"),
    (b"<div>x</div><body>text</body>", "html"),
    (b'\n [{"title": "x"}]', "json"),
    (b'{"title": "x"}\n{"title": "y"}\n', "jsonl"),
    (b"Plain headline\n\nPlain body.", "text"),
])
def test_detect_format_by_content(head: bytes, fmt: str) -> None:
    assert detect_format("download", head) == fmt


@pytest.mark.parametrize("name, data", [
    ("deep.jsonl", b'{"title": "ok", "text": "fine."}\n' + b"[" * 100_000 + b"\n"
     + b'{"title": "after", "text": "fine."}\n'),
    ("deep.json", b'{"title": "x", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ("deep-array.json", b'[{"title": "ok", "text": "fine."}, ' + b"[" * 100_000),
    ("deep-record.json", b'[{"title": "ok", "text": "fine."}, {"title": "x", "extra": '
     + b"[" * 50_000 + b"]" * 50_000 + b'}, {"title": "after", "text": "fine."}]'),
])
def test_deeply_nested_json_is_rejected_not_a_crash(tmp_path: Path, name: str,
                                                    data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    results = _read(path)
    rejections = _rejections(results)
    assert rejections, results
    for rejection in rejections:
        _one_line(rejection)
    titles = [item.title for item in _items(results)]
    if name in ("deep.jsonl", "deep-record.json"):
        assert titles == ["ok", "after"]
    elif name == "deep-array.json":
        assert titles == ["ok"]


@pytest.mark.parametrize("name, payload", [
    ("bom.json", [{"title": "With a BOM", "text": "Exported on Windows."}]),
    ("bom-object.json", {"articles": [{"title": "With a BOM", "text": "Exported on Windows."}]}),
    ("bom.jsonl", {"title": "With a BOM", "text": "Exported on Windows."}),
])
def test_json_dumps_with_a_utf8_byte_order_mark(tmp_path: Path, name: str,
                                                payload: object) -> None:
    path = tmp_path / name
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(payload).encode("utf-8") + b"\n")
    [item] = _read(path)
    assert isinstance(item, SourceItem), item
    assert item.raw == "With a BOM\n\nExported on Windows."


def test_number_too_long_to_convert_is_rejected_by_line() -> None:
    digits = b"7" * 5000  # over Python's limit for converting digits to an int
    data = (b'{"title": "ok", "text": "fine."}\n{"title": "x", "count": ' + digits + b"}\n"
            b'{"title": "after", "text": "fine."}\n')
    results = list(read_jsonl(data, DEFAULT, CAP, "digits.jsonl"))
    assert [type(r) for r in results] == [SourceItem, Rejection, SourceItem]
    assert results[1].locator == "digits.jsonl:2"
    _one_line(results[1])
    [result] = read_json(b'{"title": "x", "count": ' + digits + b"}", DEFAULT, CAP, "d.json")
    assert isinstance(result, Rejection) and result.locator == "d.json"
    _one_line(result)
    results = list(read_json(b'[{"title": "ok"}, {"count": ' + digits + b"}]", DEFAULT, CAP,
                             "d.json"))
    assert isinstance(results[-1], Rejection) and results[-1].locator.startswith("d.json#")
    _one_line(results[-1])
