"""Cleaning rules, the offset map, rule-file validation and stock paragraphs."""

from __future__ import annotations

import pytest

from crosscheck.clean import OffsetMap, clean, load_rules, paragraph_hash
from crosscheck.clean.boilerplate import _build
from crosscheck.errors import RuleError
from crosscheck.ingest import IngestOptions, ingest
from crosscheck.ingest.text import parse_text
from crosscheck.records import SourceItem
from crosscheck.store import Store

SAME = {"\xa0": " ", "\t": " ", "\r": "\n"}


def assert_maps_back(text: str, raw: str, offsets: OffsetMap) -> None:
    for i, ch in enumerate(text):
        original = raw[offsets.to_raw(i)]
        assert ch == original or SAME.get(original) == ch, (i, ch, original)


def _item(raw: str) -> SourceItem:
    return parse_text(raw, "test.txt")


ARTICLE = (
    "date 2024-03-05 Governor says shelling hit Kherson overnight\n\n"
    "Russian artillery struck the centre of Kherson overnight, the regional governor said on "
    "Tuesday (5).\n\n"
    "We use your email address to send you the newsletters you asked for. You can unsubscribe "
    "at any time. More info\n\n"
    "“Three districts were hit,” he said.\n\n"
    "Photo: Oksana Hrytsenko / Continental Press\n"
    "Minister accused of U-turn over fishing quotas [WATCH]\n"
    "Senator slams budget plan as 'a fantasy' [LISTEN]\n\n"
    "Share this article\n\n"
    "Emergency services said at least 14 people were wounded.\n\n"
    "Source: Read Full Article\n"
)


def test_each_kind_of_boilerplate_is_removed_and_kept_for_audit() -> None:
    item = _item(ARTICLE)
    result = clean(item)
    rules = {r.rule for r in result.removed}
    assert rules == {"header.date", "consent.signup", "credit.photo", "teaser.bracket_label",
                     "prompt.share_subscribe", "trailer.read_more"}
    for span in result.removed:
        assert ARTICLE[span.start:span.end].startswith(span.text)
        assert span.text.strip() not in result.text
    assert result.text.startswith("Governor says shelling hit Kherson overnight\n\nRussian")
    assert result.text.endswith("at least 14 people were wounded.")
    assert "\n\n\n" not in result.text
    assert_maps_back(result.text, ARTICLE, result.offsets)


def test_title_lines_are_never_cleaned() -> None:
    raw = "Share this article\n\nThe body says what happened, and it is long enough.\n"
    item = SourceItem(raw=raw, locator="t", format="text", title="Share this article",
                      body_start=raw.index("The body"))
    assert clean(item).text.startswith("Share this article\n\n")


def test_raw_span_covers_a_clean_span_across_a_removed_line() -> None:
    raw = "First paragraph here.\nShare this article\nSecond paragraph here.\n"
    result = clean(SourceItem(raw=raw, locator="t", format="text"))
    assert result.text == "First paragraph here.\nSecond paragraph here."
    start = result.text.index("here.\nSecond")
    raw_start, raw_end = result.offsets.raw_span(start, start + len("here.\nSecond"))
    assert raw[raw_start:raw_end] == "here.\nShare this article\nSecond"


def test_offset_map_rejects_bad_segments() -> None:
    with pytest.raises(ValueError):
        OffsetMap([(1, 0, 3)])
    with pytest.raises(ValueError):
        OffsetMap([(0, 5, 3), (3, 2, 1)])
    merged = OffsetMap([(0, 0, 3), (3, 3, 2), (5, 9, 1)])
    assert merged.segments == ((0, 0, 5), (5, 9, 1))
    assert merged.to_raw(6) == 10 and merged.clean_length == 6
    with pytest.raises(IndexError):
        merged.to_raw(7)


def test_identity_ignores_boilerplate_and_spacing() -> None:
    plain = "Kremlin says talks stalled\n\nThe spokesman said no date was set for a new round."
    noisy = ("Kremlin says talks stalled\n\nThe  spokesman said no date was set for a new round."
             "\n\nSubscribe to our daily newsletter\n")
    assert clean(_item(plain)).key == clean(_item(noisy)).key


@pytest.mark.parametrize("rule, message", [
    ({"name": "x", "pattern": ".*"}, "empty line"),
    ({"name": "x", "pattern": "(unclosed"}, "bad pattern"),
    ({"name": "x", "pattern": "abc", "examples": ["abd"]}, "does not match its example"),
    ({"name": "x", "pattern": "a.c", "counter_examples": ["abc"]}, "counter-example"),
    ({"name": "x", "pattern": "abc", "max_length": 0}, "max_length"),
])
def test_degenerate_rules_fail_at_load(rule: dict, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        _build({"version": "t", "line": [rule]}, "rules.toml")


def test_rules_need_a_version_and_unique_names() -> None:
    with pytest.raises(RuleError, match="version"):
        _build({"line": [{"name": "a", "pattern": "a"}]}, "r")
    with pytest.raises(RuleError, match="duplicate"):
        _build({"version": "1", "line": [{"name": "a", "pattern": "a"},
                                         {"name": "a", "pattern": "b"}]}, "r")


def test_packaged_rules_load_and_are_versioned() -> None:
    rules = load_rules()
    assert rules.version and len(rules.lines) >= 6


def test_user_rule_file(tmp_path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('version = "u1"\n[[line]]\nname = "house.ad"\npattern = "Buy now!"\n')
    assert load_rules(str(path)).match("Buy now!") == "house.ad"
    with pytest.raises(RuleError, match="cannot read"):
        load_rules(str(tmp_path / "missing.toml"))


STOCK = ("The Kyiv Ledger is an independent newsroom founded in 2014 that reports on the war "
         "from the front line and from the capital.")


def _stock_article(n: int) -> str:
    return (f'{{"title": "Report number {n} from the front", "outlet": "Kyiv Ledger", '
            f'"date": "2024-03-0{n}", "text": "Soldiers in sector {n} said the night was '
            f'quiet.\\n\\n{STOCK}"}}\n')


def test_stock_paragraph_repeated_across_an_outlet_is_removed(tmp_path,
                                                              sqlite_store: Store) -> None:
    dump = tmp_path / "ledger.jsonl"
    dump.write_text("".join(_stock_article(n) for n in range(1, 6)), encoding="utf-8")
    report = ingest([dump], sqlite_store, options=IngestOptions(), stock_threshold=3)
    assert report.stored == 5
    for row in sqlite_store.iter_articles():
        full = sqlite_store.get_article(row["id"])
        assert full is not None
        assert STOCK not in full["text"], full["title"]
        assert any(r["rule"] == "stock.paragraph" for r in full["removed"])
    assert paragraph_hash(STOCK) == paragraph_hash(STOCK.upper() + "  ")


def test_a_paragraph_in_fewer_articles_than_the_threshold_stays(tmp_path,
                                                                 sqlite_store: Store) -> None:
    dump = tmp_path / "ledger.jsonl"
    dump.write_text("".join(_stock_article(n) for n in range(1, 3)), encoding="utf-8")
    ingest([dump], sqlite_store, stock_threshold=3)
    for row in sqlite_store.iter_articles():
        full = sqlite_store.get_article(row["id"])
        assert full is not None and STOCK in full["text"]
