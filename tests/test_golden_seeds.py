"""Golden tests on the two sample articles, read from ../shared/seeds at run time.

Assertions are must-contain / must-not-contain on short fragments, never whole dumps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.clean import clean, make_article
from crosscheck.ingest import IngestOptions, read_sources
from crosscheck.records import Article, SourceItem

SAME = {"\xa0": " ", "\t": " ", "\r": "\n"}


def _article(path: Path) -> Article:
    items = list(read_sources([path], IngestOptions()))
    assert len(items) == 1 and isinstance(items[0], SourceItem), items
    return make_article(items[0], clean(items[0]))


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    paths = sorted(seeds_dir.glob("*.txt"))
    assert len(paths) == 2
    return [_article(p) for p in paths]


def test_date_header_is_parsed_and_removed(seeds: list[Article]) -> None:
    dated = seeds[0]
    assert dated.published == "2022-04-24" and dated.date_source == "header"
    assert not dated.text.lstrip().lower().startswith("date")
    assert dated.text.startswith("Ukraine")
    assert dated.title is None  # it opens with a sentence, not a headline
    assert [r.rule for r in dated.removed] == ["header.date"]


def test_title_lines_of_the_second_article(seeds: list[Article]) -> None:
    titled = seeds[1]
    assert titled.published is None  # no date anywhere: undated, not today
    assert titled.title is not None and titled.title.startswith("Video captures Russia")
    first, second = titled.text.split("\n\n")[:2]
    assert first == titled.title
    assert second.startswith("Ukraine: Russia bombards")  # the subtitle line, kept


def test_noise_is_gone_and_the_story_is_kept(seeds: list[Article]) -> None:
    text = seeds[1].text
    for noise in ("[WATCH]", "[LISTEN]", "[INSIGHT]", "Starmer", "Truss", "Sturgeon",
                  "Read Full Article", "sign-up", "unsubscribe"):
        assert noise not in text, noise
    for kept in ("Denys Shlega", "Dmitry Peskov", "Antonio Guterres",
                 "“The situation is extremely difficult”", "in a brief video released on Telegram"):
        assert kept in text, kept
    rules = sorted(r.rule for r in seeds[1].removed)
    assert rules == ["consent.signup", "teaser.bracket_label", "teaser.bracket_label",
                     "teaser.bracket_label", "trailer.read_more"]


@pytest.mark.parametrize("index", [0, 1])
def test_offsets_map_back_to_the_raw_text_exactly(seeds: list[Article], index: int) -> None:
    article = seeds[index]
    from crosscheck.clean import OffsetMap

    offsets = OffsetMap(article.offsets)
    assert offsets.clean_length == len(article.text)
    for i, ch in enumerate(article.text):
        original = article.raw[offsets.to_raw(i)]
        assert ch == original or SAME.get(original) == ch, (i, ch, original)
    # every quote found in the clean text is found at the mapped place in the raw text
    start = article.text.index("“")
    end = article.text.index("”", start) + 1
    raw_start, raw_end = offsets.raw_span(start, end)
    assert article.raw[raw_start:raw_end].replace("\xa0", " ") == article.text[start:end]


def test_removed_spans_point_at_the_raw_text(seeds: list[Article]) -> None:
    for article in seeds:
        for span in article.removed:
            assert article.raw[span.start:span.end].startswith(span.text)
