"""claim_stance on headline/body pairs written for the test: one per stance, and the rules."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from crosscheck.link.stance import (
    Rarity,
    claim_stance,
    content_terms,
    load_stance_rules,
    rules_from,
    stance_evidence,
)
from crosscheck.records import Extraction, Span, Speaker, Statement


def _empty(name: str) -> Extraction:
    return Extraction(article_id=name, version="test")


def _stance(claim: str, body: str, body_extraction: Extraction | None = None) -> str:
    return claim_stance(_empty("claim"), claim, body_extraction or _empty("body"), body)[0]


DENIAL = (
    "Reports that Pope Francis died after a fall in the Vatican gardens are a hoax. "
    "The story about the Pope's fall spread on social media and was fabricated by a "
    "satirical website. Pope Francis is alive and well and celebrated Mass on Sunday, "
    "the Vatican said, calling the death report completely untrue.")
REPORTING = (
    "A man reportedly found a live snake in a bag of salad he bought at a supermarket, "
    "according to local media. The man claims the snake was still moving inside the salad "
    "bag. The claim could not be verified, and the supermarket said it was looking into "
    "the reports.")
CONFIRMING = (
    "Apple confirmed on Tuesday that its new iPhone will launch in September. The company "
    "officially announced the September launch date of the new iPhone at an event in "
    "California, and chief executive Tim Cook confirmed the launch in an interview.")
UNRELATED = (
    "Heavy monsoon rain flooded large parts of northern Bangladesh, where thousands of "
    "families left their homes. Rescue teams used boats to reach villages cut off by water.")


def test_a_body_that_calls_the_claim_a_hoax_disagrees() -> None:
    assert _stance("Pope Francis dies after a fall in the Vatican gardens", DENIAL) == "disagree"


def test_a_body_that_attributes_the_claim_discusses_it() -> None:
    assert _stance("Man finds live snake in bag of salad", REPORTING) == "discuss"


def test_a_body_that_confirms_the_claim_agrees() -> None:
    assert _stance("Apple confirms new iPhone launch in September", CONFIRMING) == "agree"


def test_a_body_about_something_else_is_unrelated() -> None:
    label, score = claim_stance(_empty("c"), "Apple confirms new iPhone launch in September",
                                _empty("b"), UNRELATED)
    assert label == "unrelated" and 0.0 <= score <= 1.0


def test_a_refuting_claim_agrees_with_a_refuting_body() -> None:
    assert _stance("Pope Francis death story is a hoax", DENIAL) == "agree"


def test_denying_statements_about_the_claim_count_as_denial() -> None:
    body = ("The ministry denied that the bridge over the Dnipro had been destroyed. "
            "It rejected claims that the bridge was destroyed by shelling as false.")
    content = "claims that the bridge was destroyed by shelling"
    start = body.index(content)
    statement = Statement(kind="indirect", stance="denies",
                          content=Span(content, start, start + len(content)),
                          cue=None, speaker=Speaker("It", body.index("It"), body.index("It") + 2,
                                                  "ministry"))
    with_statement = Extraction(article_id="b", version="test", statements=[statement])
    claim = "Bridge over the Dnipro destroyed by shelling"
    plain = stance_evidence(_empty("c"), claim, _empty("b"), body)
    denied = stance_evidence(_empty("c"), claim, with_statement, body)
    assert denied.refute == plain.refute + 1.0
    assert _stance(claim, body, with_statement) == "disagree"


def test_terms_are_stemmed_and_stop_words_dropped() -> None:
    assert content_terms("The soldiers were killed in the attacks") == ["soldier", "kill",
                                                                        "attack"]
    assert content_terms("Soldier kills") == ["soldier", "kill"]


def test_rare_terms_weigh_more() -> None:
    rarity = Rarity.from_texts(["the city and the river", "the city at night", "a river city"])
    assert rarity.weight("flood") > rarity.weight("river") > rarity.weight("city")
    assert Rarity().weight("anything") == 1.0


def test_packaged_rules_load_and_degenerate_rules_raise() -> None:
    rules = load_stance_rules()
    assert rules.version and rules.refute.search("it was a HOAX") is not None
    assert rules.hedge.search("he reportedly left") is not None
    data = tomllib.loads(resources.files("crosscheck.link").joinpath(
        "data/stance.toml").read_text(encoding="utf-8"))
    assert rules_from(data) == rules
    with pytest.raises(ValueError, match="refute"):
        rules_from({**data, "refute": {"phrases": [], "strong": ["hoax"]}})
    with pytest.raises(ValueError, match="related"):
        rules_from({**data, "rules": {**data["rules"], "related": 0}})
    with pytest.raises(ValueError, match="version"):
        rules_from({})
