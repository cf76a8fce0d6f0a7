"""Attributed statements on sentences written for the purpose (the hard cases included)."""

from __future__ import annotations

import pytest

from crosscheck.nlp import load_pipeline
from crosscheck.records import Statement


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def statements(nlp, text: str, title: str = "", published: str | None = "2024-03-12"
               ) -> list[Statement]:
    full = f"{title}\n\n{text}" if title else text
    doc = nlp.make_doc(full)
    doc._.published = published
    doc._.title_end = len(title)
    return list(nlp(doc)._.statements)


def one(found: list[Statement], content_fragment: str) -> Statement:
    hits = [s for s in found if content_fragment in s.content.text]
    assert len(hits) == 1, [(s.content.text, s.speaker) for s in found]
    return hits[0]


def test_reported_speech_with_that(nlp) -> None:
    s = one(statements(nlp, "The regional governor Taras Melnyk said that three districts "
                            "of Kherson had lost power."), "three districts")
    assert s.kind == "indirect" and s.stance == "asserts"
    assert s.speaker is not None and s.speaker.name == "Taras Melnyk"
    assert s.cue is not None and s.cue.text == "said"
    assert s.content.text == "three districts of Kherson had lost power"


def test_direct_quote_then_pronoun_speaker(nlp) -> None:
    found = statements(nlp, "Colonel Petro Shevchuk, who commands the 93rd brigade, spoke to "
                            "reporters on Monday. “We are holding the line,” he said.")
    s = one(found, "holding the line")
    assert s.kind == "direct"
    assert s.speaker is not None and s.speaker.text == "he"
    assert s.speaker.name == "Petro Shevchuk"
    assert "speaker.pronoun" in s.rules


def test_split_quote_around_she_added(nlp) -> None:
    found = statements(nlp, "Deputy minister Olena Kravets visited the shelter. “The children "
                            "are safe for now,” she added, “but the water is running out.”")
    first = one(found, "children are safe")
    assert first.speaker is not None and first.speaker.name == "Olena Kravets"
    second = one(found, "water is running out")
    assert second.speaker is not None and second.speaker.name == "Olena Kravets"


def test_straight_quotes_and_he_added_chain(nlp) -> None:
    found = statements(nlp, 'Mayor Ivan Fedorenko said the shelling lasted all night. '
                            '"Nobody slept," he added. "We counted forty explosions."')
    assert one(found, "Nobody slept").speaker.name == "Ivan Fedorenko"
    carried = one(found, "forty explosions")
    assert carried.speaker is not None and carried.speaker.name == "Ivan Fedorenko"


def test_denial_verb(nlp) -> None:
    s = one(statements(nlp, "Russia's defence ministry denied that its units had struck the "
                            "railway station."), "its units had struck")
    assert s.stance == "denies"
    assert s.speaker is not None and s.speaker.side == "Russia"


def test_rejected_reports(nlp) -> None:
    s = one(statements(nlp, "Kremlin spokesman Oleg Varlamov rejected reports that troops "
                            "were storming the plant."), "storming the plant")
    assert s.stance == "denies" and s.speaker.name == "Oleg Varlamov"


def test_there_was_no_such_attack(nlp) -> None:
    s = one(statements(nlp, "“There was no such attack,” the ministry spokesman said."),
            "no such attack")
    assert s.stance == "denies" and s.kind == "direct"


def test_passive_denial_with_agent(nlp) -> None:
    s = one(statements(nlp, "The assault has been denied by the Kremlin's spokesman Oleg "
                            "Varlamov."), "The assault")
    assert s.stance == "denies" and s.speaker is not None and s.speaker.name == "Oleg Varlamov"


def test_according_to_names_the_speaker(nlp) -> None:
    s = one(statements(nlp, "According to the regional governor, at least 12 people were "
                            "killed in the strike."), "12 people were killed")
    assert s.cue.text == "According to"
    assert s.speaker is not None and "governor" in s.speaker.text


def test_according_to_an_agency_is_an_intermediary(nlp) -> None:
    found = statements(nlp, "The figure was confirmed by the mayor Ivan Fedorenko, according "
                            "to the Interfax agency.")
    s = one(found, "The figure")
    assert s.speaker is not None and s.speaker.name == "Ivan Fedorenko"
    assert s.intermediary == "Interfax"


def test_interlocutor_is_not_the_speaker(nlp) -> None:
    found = statements(nlp, "President Volodymyr Zelensky appealed again for help. In a phone "
                            "call with UN envoy Maria Lind said: “We need a corridor today.”")
    s = one(found, "We need a corridor")
    assert s.speaker is not None and s.speaker.name == "Volodymyr Zelensky"
    assert s.channel == "phone call"


def test_unattributed_estimate(nlp) -> None:
    s = one(statements(nlp, "It is estimated that 5,000 people remain in the city."),
            "5,000 people remain")
    assert s.kind == "unattributed" and s.speaker is None


def test_reports_suggest(nlp) -> None:
    s = one(statements(nlp, "Reports suggest that the bridge was hit twice."), "bridge was hit")
    assert s.kind == "unattributed"


def test_belief_counts_as_attribution(nlp) -> None:
    s = one(statements(nlp, "Kyiv believes that the death toll is far higher."), "death toll")
    assert s.speaker is not None and s.speaker.name == "Government of Ukraine"
    assert s.speaker.side == "Ukraine"


def test_channel_and_date(nlp) -> None:
    s = one(statements(nlp, "On Tuesday, Governor Taras Melnyk said on Telegram that the "
                            "corridor had reopened."), "corridor had reopened")
    assert s.channel == "Telegram"
    assert s.date == "2024-03-12"


@pytest.mark.parametrize("title, speaker_fragment, content_fragment", [
    ("Dam breached near the front line – regional governor", "regional governor",
     "Dam breached"),
    ("Governor Melnyk: evacuation of Snihurivka complete", "Governor Melnyk",
     "evacuation of Snihurivka"),
    ("Kremlin says talks stalled", "Kremlin", "talks stalled"),
    ("Two killed in shelling of Nikopol, governor says", "governor", "Two killed"),
    ("Kherson: bridge closed to traffic, military administration said",
     "military administration", "bridge closed"),
    ("Russia-Ukraine war: Zelensky: we will not cede the south", "Zelensky", "not cede"),
    ("Russian defence ministry: 40 drones downed over Belgorod", "defence ministry",
     "40 drones"),
])
def test_headline_attribution(nlp, title: str, speaker_fragment: str,
                              content_fragment: str) -> None:
    found = statements(nlp, "The body of the article follows here.", title=title)
    s = one(found, content_fragment)
    assert s.kind == "headline"
    assert s.speaker is not None and speaker_fragment in s.speaker.text


@pytest.mark.parametrize("title", [
    "Shelling of Kharkiv: 4 dead, 30 wounded",
    "Losses of the occupiers: 120 more soldiers in a day",
    "Russia kills children: 412 dead since February",
    "Ukraine war: bridge to Crimea closed again",
    "Bucha massacre: new graves found near the church",
    "Kherson: power restored in three districts",
])
def test_a_topic_before_a_headline_colon_is_no_speaker(nlp, title: str) -> None:
    found = statements(nlp, "The body of the article follows here.", title=title)
    assert not [s for s in found if s.kind == "headline"], found


def test_the_ministry_said_at_the_end(nlp) -> None:
    s = one(statements(nlp, "Forty-two drones were shot down overnight, the air force said."),
            "drones were shot down")
    assert s.speaker is not None and "air force" in s.speaker.text


def test_cue_inside_a_quote_is_not_a_new_speaker(nlp) -> None:
    found = statements(nlp, "“I told them we would not leave,” the priest said.")
    assert len(found) == 1
    assert found[0].speaker is not None and found[0].speaker.text == "the priest"


def test_no_statement_without_a_cue(nlp) -> None:
    assert statements(nlp, "Heavy rain fell on the city overnight and the river rose.") == []


def test_relative_pronoun_is_the_local_speaker(nlp) -> None:
    # PolNeAR marks "who" as the source, like "he"; who it is comes from the antecedent
    s = one(statements(nlp, "The fire was put out by Mayor Ivan Fedorenko, who said the bridge "
                            "would reopen on Friday."), "bridge would reopen")
    assert s.speaker is not None and s.speaker.text == "who"
    assert s.speaker.name == "Ivan Fedorenko"


def test_mixed_quote_marks_and_party_label_before_said(nlp) -> None:
    s = one(statements(nlp, "The river kept rising on Tuesday.\n\n“The dam cannot hold another "
                            "week,\" Rep. Olena Bondar (D-Ohio) said in a statement."),
            "dam cannot hold")
    assert s.content.text == "The dam cannot hold another week"
    assert s.speaker is not None and "Olena Bondar" in s.speaker.text
    assert s.cue is not None and s.cue.text == "said"


def test_transcript_turns_take_the_capitalised_label(nlp) -> None:
    found = statements(nlp, "A partial transcript follows:\n\n\"HOST: Will the talks resume "
                            "next week?\n\n\"MELNYK: Well, look, the talks will resume when the "
                            "shelling stops.\n\nUPDATE: The bridge has reopened.")
    host = one(found, "talks resume next week")
    assert host.speaker is not None and host.speaker.text == "HOST"
    assert "transcript.turn" in host.rules and host.cue is not None and host.cue.text == ":"
    guest = one(found, "shelling stops")
    assert guest.speaker is not None and guest.speaker.text == "MELNYK"
    assert not [s for s in found if "bridge has reopened" in s.content.text]


@pytest.mark.parametrize("text, speaker", [
    ("“My reaction, that was outrageous,” the former campaign strategist said in an "
     "interview on Tuesday.", "the former campaign strategist"),
    ("“The line is holding, and the enemy is tired,” Shevchuk, a brigade commander, said "
     "on Monday morning on national television.", "Shevchuk"),
])
def test_words_between_quote_and_cue_name_the_speaker(nlp, text: str, speaker: str) -> None:
    found = statements(nlp, text)
    assert len(found) == 1, found
    assert found[0].speaker is not None and found[0].speaker.text == speaker


def test_trailing_participle_cue_is_its_own_statement(nlp) -> None:
    found = statements(nlp, "Senator Anna Melnyk said she did not expect a deal this year, "
                            "arguing that the talks had stalled over the border.")
    said = one(found, "did not expect")
    assert said.content.text == "she did not expect a deal this year"
    assert said.speaker is not None and said.speaker.name == "Anna Melnyk"
    arguing = one(found, "talks had stalled")
    assert arguing.cue is not None and arguing.cue.text == "arguing"
    assert arguing.speaker is not None and arguing.speaker.name == "Anna Melnyk"


def test_elliptic_cue_keeps_the_running_speaker(nlp) -> None:
    found = statements(nlp, "Mayor Ivan Fedorenko said the bridge was closed. Then insisted "
                            "that the road would reopen on Friday.")
    s = one(found, "road would reopen")
    assert s.speaker is not None and s.speaker.name == "Ivan Fedorenko"
    assert "speaker.implicit" in s.rules


def test_a_word_inside_the_quote_is_never_its_speaker(nlp) -> None:
    s = one(statements(nlp, "Investigators visited the market on Tuesday.\n“I will make one "
                            "promise to you: We will find who did this,” Kherson police chief "
                            "Andriy Bondar said Monday."), "one promise")
    assert s.speaker is not None and s.speaker.name == "Andriy Bondar"
    assert s.speaker.text.endswith("Andriy Bondar")


def test_a_quote_signed_with_a_dash(nlp) -> None:
    found = statements(nlp, "Residents of Mykolaiv spoke after the strike.\n“Nobody slept, "
                            "the whole building was shaking.” ― Iryna Koval\n“We have had no "
                            "water for three days now.” — Oleksandr Hnatiuk, a pensioner")
    assert one(found, "Nobody slept").speaker.name == "Iryna Koval"
    assert one(found, "no water").speaker.name == "Oleksandr Hnatiuk"


def test_an_inverted_lead_before_the_quote(nlp) -> None:
    found = statements(nlp, "The talks ended without a deal. Said Halyna Moroz, a deputy "
                            "minister: “We expected nothing more from this round.”")
    s = one(found, "expected nothing")
    assert s.speaker is not None and s.speaker.name == "Halyna Moroz"
    assert s.cue is not None and s.cue.text == "Said"


def test_a_cue_inside_another_quote_does_not_speak_for_this_one(nlp) -> None:
    found = statements(nlp, "The singer performed for the troops.\n“Keep your heads down "
                            "tonight,” Marta sings to the soldiers before telling them, “I "
                            "just want to know you will come home.”")
    for s in found:
        if "heads down" in s.content.text and s.speaker is not None:
            assert s.speaker.text != "I"


def test_a_capitalised_word_between_quote_and_cue_is_a_name_even_if_tagged_a_verb(nlp) -> None:
    from spacy.tokens import Doc

    from crosscheck.extract.statements import _speaker_between, find_quotes

    words = ["“", "We", "will", "rebuild", ",", "”", "Kherson", "police", "Chief", "Andriy",
             "Bondar", "said", "."]
    spaces = [False, True, True, False, False, True, True, True, True, True, True, False, False]
    pos = ["PUNCT", "PRON", "AUX", "VERB", "PUNCT", "PUNCT", "VERB", "NOUN", "PROPN", "PROPN",
           "PROPN", "VERB", "PUNCT"]  # the tagger's mistake: "Kherson" as a verb
    doc = Doc(nlp.vocab, words=words, spaces=spaces, pos=pos)
    span = _speaker_between(doc[11], find_quotes(doc.text))
    assert span is not None and doc.text[span[0]:span[1]] == "Kherson police Chief Andriy Bondar"


def test_a_document_quoted_with_reads(nlp) -> None:
    found = statements(nlp, "Villagers sent a petition to the governor on Monday.\n“We have "
                            "had no power since the dam burst,” the petition reads.\nHe read "
                            "the petition twice.")
    s = one(found, "no power")
    assert s.speaker is not None and s.speaker.text == "the petition"
    assert not [x for x in found if x.cue is not None and x.cue.text == "read"]


@pytest.mark.parametrize("lead", ["KHARKIV, Ukraine -- ", "KYIV, March 3 (Reuters) - ",
                                  "ODESA (AP) — "])
def test_a_dateline_is_never_the_speaker(nlp, lead: str) -> None:
    s = one(statements(nlp, lead + "The commander of the ground forces warned that the "
                                   "shelling would resume.", title="Shelling resumes"),
            "shelling would resume")
    assert s.speaker is not None and "commander" in s.speaker.text


def test_the_speaker_words_end_before_the_appositive_comma(nlp) -> None:
    s = one(statements(nlp, "Her mother Lyudmila Narusova, a senator, told a news agency "
                            "that her daughter would return."), "would return")
    assert s.speaker is not None and not s.speaker.text.endswith(",")
    assert s.speaker.name == "Lyudmila Narusova"


def test_it_continues_an_organisation_not_a_person(nlp) -> None:
    found = statements(nlp, "The Red Cross said the convoy had reached Sumy. “The road is "
                            "open,” its director Olena Kravets said. It said more trucks "
                            "would follow.")
    s = one(found, "more trucks")
    assert s.speaker is not None and s.speaker.text == "It"
    assert s.speaker.name != "Olena Kravets"


def test_a_subject_the_parser_found_inside_the_quote_is_dropped(nlp) -> None:
    from spacy.tokens import Doc

    from crosscheck.extract.statements import _verb_candidates, find_quotes, load_cues

    words = ["“", "We", "will", "rebuild", ",", "”", "said", "Bondar", "."]
    spaces = [False, True, True, False, False, True, True, False, False]
    # the parser's mistake: "We" (inside the quote) as the subject of "said", the real
    # speaker after the cue as its object
    heads = [6, 6, 3, 6, 6, 6, 6, 6, 6]
    deps = ["punct", "nsubj", "aux", "ccomp", "punct", "punct", "ROOT", "dobj", "punct"]
    pos = ["PUNCT", "PRON", "AUX", "VERB", "PUNCT", "PUNCT", "VERB", "PROPN", "PUNCT"]
    tags = ["``", "PRP", "MD", "VB", ",", "''", "VBD", "NNP", "."]
    lemmas = ["“", "we", "will", "rebuild", ",", "”", "say", "Bondar", "."]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos,
              tags=tags, lemmas=lemmas, sent_starts=[True] + [False] * 8)
    found = _verb_candidates(doc[:], find_quotes(doc.text), load_cues())
    assert len(found) == 1 and found[0].subject is not None
    assert found[0].subject.text == "Bondar"
