"""Entities: gazetteer corrections, canonical names, roles, sides, geocoding."""

from __future__ import annotations

import pytest

from crosscheck.extract.entities import entity_key, load_gazetteer, side_of
from crosscheck.nlp import load_pipeline
from crosscheck.records import Mention


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def mentions(nlp, text: str) -> list[Mention]:
    return list(nlp(text)._.mentions)


def find(found: list[Mention], text: str) -> Mention:
    hits = [m for m in found if m.text == text]
    assert hits, [(m.text, m.type) for m in found]
    return hits[0]


def test_role_and_side_from_the_noun_phrase(nlp) -> None:
    m = find(mentions(nlp, "Ukrainian Deputy Prime Minister Olena Kravets visited Sumy."),
             "Olena Kravets")
    assert m.type == "PERSON" and m.side == "Ukraine"
    assert m.role is not None and "Deputy Prime Minister" in m.role


def test_role_from_an_appositive(nlp) -> None:
    m = find(mentions(nlp, "Oleg Varlamov, a spokesman for the Russian defence ministry, "
                           "spoke on Monday."), "Oleg Varlamov")
    assert m.side == "Russia" and m.role is not None and "spokesman" in m.role


def test_role_when_the_person_is_the_appositive(nlp) -> None:
    m = find(mentions(nlp, "The commander of the 93rd brigade, Petro Shevchuk, said little."),
             "Petro Shevchuk")
    assert m.role is not None and "commander" in m.role


def test_surname_mentions_share_the_full_name_and_side(nlp) -> None:
    found = mentions(nlp, "Russian negotiator Pavel Gromov arrived in Istanbul. Later, "
                          "Gromov said nothing.")
    later = [m for m in found if m.text == "Gromov"]
    assert later and later[0].name == "Pavel Gromov" and later[0].side == "Russia"
    assert later[0].entity_key == entity_key("PERSON", "Pavel Gromov")


def test_transliteration_variants_are_one_entity() -> None:
    assert entity_key("PERSON", "Volodymyr Zelenskyy") == entity_key("PERSON",
                                                                      "Volodymyr Zelensky")
    gaz = load_gazetteer()
    assert gaz.places["kharkov"].name == gaz.places["kharkiv"].name
    assert gaz.places["odessa"].name == gaz.places["odesa"].name
    assert gaz.places["kiev"].name == "Kyiv"


def test_city_tagged_as_organisation_becomes_a_geocoded_place(nlp) -> None:
    found = mentions(nlp, "Shelling continued in Mariupol overnight. Mariupol residents hid.")
    for m in found:
        if m.text == "Mariupol":
            assert m.type == "GPE" and m.geo_precision == 1
            assert m.lat is not None and 46 < m.lat < 48


def test_facilities_regions_and_countries_are_geocoded(nlp) -> None:
    found = mentions(nlp, "Drones hit the Zaporizhzhia nuclear power plant in the "
                          "Zaporizhzhia region, Ukraine said.")
    plant = find(found, "Zaporizhzhia nuclear power plant")
    assert plant.type == "FAC" and plant.geo_precision == 1 and plant.lat is not None
    region = find(found, "Zaporizhzhia region")
    assert region.type == "LOC" and region.geo_precision == 2


def test_unknown_facility_from_its_name_pattern(nlp) -> None:
    found = mentions(nlp, "Workers fled the Promin coke plant after the strike.")
    assert any(m.type == "FAC" and "Promin" in m.text for m in found)


def test_seat_of_government_as_subject(nlp) -> None:
    found = mentions(nlp, "Moscow has yet to comment, and Kyiv said the talks were over.")
    moscow = find(found, "Moscow")
    assert moscow.type == "ORG" and moscow.name == "Government of Russia"
    assert moscow.side == "Russia"


def test_place_outside_a_subject_stays_a_place(nlp) -> None:
    m = find(mentions(nlp, "The delegation flew to Moscow on Sunday."), "Moscow")
    assert m.type == "GPE" and m.lat is not None


def test_unresolved_place_costs_only_itself(nlp) -> None:
    found = mentions(nlp, "Fighting was reported near Zlatoborivka and in Kharkiv.")
    assert find(found, "Kharkiv").lat is not None


def test_organisation_side_from_the_gazetteer(nlp) -> None:
    assert find(mentions(nlp, "The IAEA sent inspectors."), "IAEA").side == "international"


def test_all_caps_headline_is_recased_for_recognition(nlp) -> None:
    found = mentions(nlp, "ZELENSKY MEETS GUTERRES IN KYIV\nThe talks lasted two hours.")
    assert any(m.type == "GPE" and m.name == "Kyiv" for m in found)


def test_side_words() -> None:
    assert side_of("a spokesman for the Russian defence ministry") == "Russia"
    assert side_of("Ukraine's air force") == "Ukraine"
    assert side_of("the UN refugee agency") == "international"
    assert side_of("a local resident") is None


@pytest.mark.parametrize("text, place", [
    ("Strikes overnight\nKHARKIV, Ukraine -- The regional governor said two people died.",
     "KHARKIV"),
    ("Strikes overnight\nVELYKA ZNAMIANKA, Ukraine (AP) — Shelling resumed at dawn.",
     "VELYKA ZNAMIANKA"),
    ("Strikes overnight\nODESA, March 3 (Reuters) - Drones hit the port.", "ODESA"),
    ("TALLINN 2023-05-02\nThe minister said talks would resume.", "TALLINN"),
])
def test_the_dateline_names_a_place(nlp, text: str, place: str) -> None:
    m = find(mentions(nlp, text), place)
    assert m.type == "GPE"


@pytest.mark.parametrize("text", ["SHELLING - officials count the damage\nThe town was quiet.",
                                  "ARMY SAYS LINE HOLDS - governor\nThe line held."])
def test_a_capitalised_headline_is_not_a_dateline(nlp, text: str) -> None:
    heads = {"SHELLING", "ARMY SAYS LINE HOLDS", "ARMY SAYS LINE", "ARMY"}
    assert not [m for m in mentions(nlp, text) if m.text in heads and m.type == "GPE"]


def test_descriptor_words_are_not_part_of_an_organisation_name(nlp) -> None:
    found = mentions(nlp, "Interfax news agency said the Promin union had called a strike.")
    interfax = find(found, "Interfax")
    assert interfax.end - interfax.start == len("Interfax")


def test_a_detached_possessive_leaves_no_trailing_space(nlp) -> None:
    text = "Olena Kravets 's convoy reached Sumy on Monday ."
    m = find(mentions(nlp, text), "Olena Kravets")
    assert text[m.start:m.end] == "Olena Kravets"


@pytest.mark.parametrize("text, name", [
    ("Le Matin newspaper, quoting witnesses, said two people died.", "Le Matin"),
    ("The claim was printed by the daily Zycie Warszawy on Saturday.", "Zycie Warszawy"),
])
def test_a_media_noun_makes_a_name_an_organisation(nlp, text: str, name: str) -> None:
    assert find(mentions(nlp, text), name).type == "ORG"


def test_a_surname_alone_is_the_person_the_article_named(nlp) -> None:
    text = ("Colonel Andriy Lebedenko commands the brigade. Lebedenko , whom the president "
            "appointed in May , said the line held.")
    found = [m for m in mentions(nlp, text) if m.text == "Lebedenko"]
    assert found and all(m.type == "PERSON" for m in found)


@pytest.mark.parametrize("text, name", [
    ("A late tie was snapped and Shawn Estes came one out away from a win.", "Shawn Estes"),
    ("North Korean Red Cross president Li Song-ho said in a message that talks would go on.",
     "Li Song-ho"),
])
def test_a_persons_whole_name(nlp, text: str, name: str) -> None:
    assert find(mentions(nlp, text), name).type == "PERSON"
