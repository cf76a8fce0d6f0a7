"""One entity across articles and spellings: skeletons, linking rules, the store, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crosscheck.link.entities import (
    ENTITY_LINK_VERSION,
    EntityLinkReport,
    block_keys,
    link_rows,
    resolve_article_entities,
    resolve_entities,
    skeleton,
)
from crosscheck.records import Extraction, Mention, Span, Speaker, Statement
from crosscheck.store import Store, open_store, schema
from tests.test_link_dedup import make_article

# -- skeletons -----------------------------------------------------------------------------

SAME = [
    ("Zelensky", "Zelenskyy"), ("Zelensky", "Zelenskiy"), ("Zelenskyy", "Zelenskii"),
    ("Zelenskyi", "Зеленський"), ("Kharkiv", "Kharkov"), ("Kyiv", "Kiev"),
    ("Shmyhal", "Shmygal"), ("Arestovych", "Arestovich"), ("Peskov", "Peskow"),
    ("Prokopenko", "PROKOPENKO"), ("Vereshchuk", "Vereschuk"), ("Dmitry", "Dmitriy"),
    ("Dmitri", "Dmitry"), ("Sievierodonetsk", "Severodonetsk"), ("Serhiy", "Sergei"),
    ("Sergey", "Sergei"), ("Sviatoslav", "Svyatoslav"), ("Luhansk", "Lugansk"),
    ("Lviv", "Lvov"), ("Mykolaiv", "Mykolayiv"), ("Chernihiv", "Chernigov"),
    ("Zaporizhzhia", "Zaporizhzhya"), ("Oleksandr", "Olexandr"), ("Anthony", "Antony"),
    ("el-Sissi", "el-Sisi"), ("Mariupol", "Mariupol’"), ("Nebenzia", "Nebenzya"),
]
DIFFERENT = [
    ("Putin", "Patin"),  # one vowel is a different name
    ("Ivanov", "Ivanova"),  # the feminine form is another person
    ("Zelensky", "Zelenska"),
    ("Dmitry", "Dmytro"),  # Russian and Ukrainian forms of a first name: kept apart
    ("Lee", "Li"), ("Reed", "Reid"), ("Bell", "Bill"),  # short words keep e apart from i
    ("Hill", "Gill"),  # an initial h is not read as g
    ("Trump", "Tramp"), ("Klitschko", "Klychko"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_transliteration_variants_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_keep_different_skeletons(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)


def test_skeleton_folds_word_by_word() -> None:
    assert skeleton("Volodymyr  Zelenskyy") == skeleton("volodymyr zelensky")
    assert len(skeleton("Volodymyr Zelensky").split()) == 2
    assert skeleton("") == skeleton("—") == ""


def test_blocks_never_mix_types() -> None:
    assert not set(block_keys("PERSON:georgia", "PERSON", "Georgia")) & set(
        block_keys("GPE:georgia", "GPE", "Georgia"))


# -- rules on rows in memory ---------------------------------------------------------------

def row(key: str, mentions: int = 1, name: str | None = None, lat: float | None = None
        ) -> dict[str, Any]:
    return {"key": key, "type": key.split(":", 1)[0], "mentions": mentions, "lat": lat,
            "name": name or key.split(":", 1)[1].title()}


def canonical(links: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    return {k: c for k, (c, _m) in links.items()}


def test_surname_and_title_forms_join_the_one_full_name() -> None:
    links = link_rows([row("PERSON:denys shmyhal", 4), row("PERSON:shmygal"),
                       row("PERSON:prime minister shmyhal"), row("PERSON:shmyhal", 2),
                       row("PERSON:oleksiy arestovych", 2), row("PERSON:arestovich"),
                       row("PERSON:president zelensky"), row("PERSON:volodymyr zelenskyy", 1),
                       row("PERSON:volodymyr zelensky", 9), row("PERSON:v. zelensky")])
    assert links["PERSON:denys shmyhal"] == ("PERSON:denys shmyhal", "self")
    assert links["PERSON:shmygal"] == ("PERSON:denys shmyhal", "surname")
    assert links["PERSON:shmyhal"] == ("PERSON:denys shmyhal", "surname")
    assert links["PERSON:prime minister shmyhal"] == ("PERSON:denys shmyhal", "title")
    assert links["PERSON:arestovich"] == ("PERSON:oleksiy arestovych", "surname")
    assert links["PERSON:volodymyr zelenskyy"] == ("PERSON:volodymyr zelensky",
                                                   "transliteration")
    assert links["PERSON:president zelensky"] == ("PERSON:volodymyr zelensky", "title")
    assert links["PERSON:v. zelensky"] == ("PERSON:volodymyr zelensky", "alias")


def test_the_most_mentioned_spelling_is_canonical() -> None:
    links = link_rows([row("PERSON:iryna vereshchuk", 1), row("PERSON:iryna vereschuk", 5)])
    assert canonical(links) == {"PERSON:iryna vereshchuk": "PERSON:iryna vereschuk",
                                "PERSON:iryna vereschuk": "PERSON:iryna vereschuk"}


def test_a_surname_two_full_names_share_stays_apart() -> None:
    report = EntityLinkReport()
    links = link_rows([row("PERSON:vitali klitschko", 5), row("PERSON:wladimir klitschko", 3),
                       row("PERSON:klitschko", 4), row("PERSON:mayor klitschko")], report)
    assert links["PERSON:klitschko"] == ("PERSON:klitschko", "self")  # not guessed
    assert links["PERSON:mayor klitschko"] == ("PERSON:klitschko", "title")
    assert {c for c, _m in links.values()} == {"PERSON:vitali klitschko",
                                               "PERSON:wladimir klitschko",
                                               "PERSON:klitschko"}
    assert report.ambiguous == 1


def test_names_that_differ_are_not_merged() -> None:
    links = link_rows([row("PERSON:vladimir putin", 9), row("PERSON:patin"),
                       row("PERSON:olena zelenska"), row("PERSON:volodymyr zelensky"),
                       row("PERSON:donald trump jr."), row("PERSON:trump", 3),
                       row("PERSON:donald trump", 7), row("PERSON:dmytro kuleba"),
                       row("PERSON:dmitry kuleba"), row("PERSON:covid-19")])
    c = canonical(links)
    assert c["PERSON:patin"] == "PERSON:patin"
    assert c["PERSON:olena zelenska"] == "PERSON:olena zelenska"
    assert c["PERSON:trump"] == "PERSON:donald trump"  # Donald Trump Jr. is someone else
    assert c["PERSON:donald trump jr."] == "PERSON:donald trump jr."
    assert c["PERSON:dmytro kuleba"] != c["PERSON:dmitry kuleba"]
    assert c["PERSON:covid-19"] == "PERSON:covid-19"


def test_types_are_never_merged() -> None:
    links = link_rows([row("PERSON:georgia"), row("GPE:georgia"), row("ORG:georgia")])
    assert all(m == "self" for _c, m in links.values())


def articles(seen: Mapping[str, set[str]]) -> Callable[[Sequence[str]], Mapping[str, set[str]]]:
    return lambda keys: {k: seen[k] for k in keys if k in seen}


def test_an_acronym_joins_its_expansion_when_an_article_names_both() -> None:
    rows = [row("ORG:united nations", 5, "United Nations"), row("ORG:un", 3, "UN"),
            row("ORG:institute for the study of war", 2, "Institute for the Study of War"),
            row("ORG:isw", 2, "ISW"), row("ORG:raf", 1, "RAF"),
            row("ORG:russian armed forces", 2, "Russian Armed Forces"),
            row("ORG:the kremlin", 1, "the Kremlin"), row("ORG:kremlin", 4, "Kremlin"),
            row("ORG:ministry of defence", 2, "Ministry of Defence"),
            row("ORG:defense ministry", 3, "Defense Ministry")]
    seen = {"ORG:united nations": {"a1"}, "ORG:un": {"a1", "a2"},
            "ORG:institute for the study of war": {"a3"}, "ORG:isw": {"a3"},
            "ORG:raf": {"a4"}, "ORG:russian armed forces": {"a5"}}
    links = link_rows(rows, articles_of=articles(seen))
    assert links["ORG:un"] == ("ORG:united nations", "alias")
    assert links["ORG:isw"] == ("ORG:institute for the study of war", "alias")
    assert links["ORG:raf"] == ("ORG:raf", "self")  # never named together: not assumed
    assert links["ORG:the kremlin"] == ("ORG:kremlin", "alias")
    assert links["ORG:ministry of defence"] == ("ORG:defense ministry", "alias")


def test_an_acronym_two_expansions_share_stays_apart() -> None:
    rows = [row("ORG:ap", 5, "AP"), row("ORG:associated press", 5, "Associated Press"),
            row("ORG:air programme", 1, "Air Programme")]
    seen = {"ORG:ap": {"a1"}, "ORG:associated press": {"a1"}, "ORG:air programme": {"a1"}}
    links = link_rows(rows, articles_of=articles(seen))
    assert links["ORG:ap"] == ("ORG:ap", "self")
    # without article evidence asked for, initials and a single expansion are enough
    assert link_rows([row("ORG:us", 1, "US"),
                      row("ORG:union of states", 1, "Union of States")])["ORG:us"][1] == "alias"


def test_groups_and_places() -> None:
    links = link_rows([row("NORP:russians", 2), row("NORP:russian", 9),
                       row("GPE:kharkov", 5), row("GPE:kharkiv", 1, lat=49.99),
                       row("GPE:sievierodonetsk", 1), row("GPE:severodonetsk", 2)])
    assert links["NORP:russians"] == ("NORP:russian", "alias")
    assert links["GPE:kharkov"] == ("GPE:kharkiv", "transliteration")  # the geocoded one
    assert links["GPE:sievierodonetsk"] == ("GPE:severodonetsk", "transliteration")


# -- the store: incremental linking and the corpus-wide record ------------------------------

def mention(text: str, body: str, key: str, role: str | None = None, side: str | None = None
            ) -> Mention:
    start = body.index(text)
    return Mention(text, start, start + len(text), key.split(":", 1)[0], text, key, role, side)


def add(store: Store, title: str, body: str, published: str,
        keys: Sequence[tuple[str, str, str | None, str | None]], speaker: str | None = None
        ) -> str:
    """Store an article whose mentions are ``(text, key, role, side)``; ``speaker``: the
    key of the speaker of one statement."""
    article = make_article(title, body, published=published)
    text = article.text
    statements = []
    if speaker:
        statements.append(Statement("direct", "asserts", Span(text[-10:], len(text) - 10,
                                                              len(text)), None,
                                    Speaker("he", 0, 2, speaker.split(":")[1], speaker)))
    store.add_articles([article], "test")
    store.save_extractions([Extraction(article.id, "test", statements=statements, mentions=[
        mention(t, text, k, r, s) for t, k, r, s in keys])])
    return article.id


def links(store: Store) -> dict[str, tuple[str, str, str]]:
    el = schema.entity_links
    with store.engine.connect() as conn:
        return {r.key: (r.canonical_key, r.method, r.version) for r in conn.execute(select(el))}


def build(store: Store, batch: int) -> list[str]:
    """Three batches: a full name, then its surname alone, then a namesake."""
    if batch == 0:
        return [
            add(store, "Mayor speaks", "Vitali Klitschko said Kyiv would hold. The UN agreed.",
                "2022-04-01", [("Vitali Klitschko", "PERSON:vitali klitschko",
                                "Mayor of Kyiv", "Ukraine"),
                               ("UN", "ORG:un", None, "international")]),
            add(store, "Aid arrives", "The United Nations (UN) sent aid to Kyiv.",
                "2022-04-02", [("United Nations", "ORG:united nations", None, "international"),
                               ("UN", "ORG:un", None, "international")])]
    if batch == 1:
        return [add(store, "Mayor again",
                    "Klitschko said the city was calm. Mayor Klitschko left.", "2022-04-03",
                    [("Klitschko", "PERSON:klitschko", "mayor", "Ukraine"),
                     ("Mayor Klitschko", "PERSON:mayor klitschko", "mayor", None)],
                    speaker="PERSON:klitschko")]
    return [add(store, "Brother", "Wladimir Klitschko visited. Vitaly Klitschko met him.",
                "2022-04-04", [("Wladimir Klitschko", "PERSON:wladimir klitschko", None, None),
                               ("Vitaly Klitschko", "PERSON:vitaly klitschko", "mayor",
                                "Ukraine")])]


def test_incremental_linking_equals_a_full_rebuild(any_store: Store) -> None:
    store = any_store
    seen: list[dict[str, tuple[str, str, str]]] = []
    for n in range(3):  # as the linker does: after each batch, its articles' keys
        resolve_article_entities(store, build(store, n))
        seen.append(links(store))
    assert seen[0]["ORG:un"][:2] == ("ORG:united nations", "alias")
    assert seen[1]["PERSON:klitschko"][:2] == ("PERSON:vitali klitschko", "surname")
    assert seen[1]["PERSON:mayor klitschko"][:2] == ("PERSON:vitali klitschko", "title")
    # a namesake arrives: the bare surname is ambiguous again, the spelling variant joins
    assert seen[2]["PERSON:klitschko"][:2] == ("PERSON:klitschko", "self")
    assert seen[2]["PERSON:vitaly klitschko"][:2] == ("PERSON:vitali klitschko",
                                                      "transliteration")
    report = resolve_entities(store)
    assert report.full and report.keys == len(seen[2])
    assert links(store) == seen[2]
    assert {v for _c, _m, v in seen[2].values()} == {ENTITY_LINK_VERSION}
    with store.engine.connect() as conn:  # every key has a row
        assert set(conn.scalars(select(schema.entities.c.key))) == set(seen[2])


def test_canonical_keys_and_the_corpus_wide_record(any_store: Store) -> None:
    store = any_store
    assert store.canonical_keys(["PERSON:nobody"]) == {"PERSON:nobody": "PERSON:nobody"}
    batches = [build(store, 0), build(store, 1)]
    assert store.get_entity("PERSON:klitschko")["keys"] == ["PERSON:klitschko"]  # unlinked
    resolve_entities(store)
    assert store.canonical_keys(["PERSON:klitschko", "PERSON:nobody"]) == {
        "PERSON:klitschko": "PERSON:vitali klitschko", "PERSON:nobody": "PERSON:nobody"}
    record = store.get_entity("PERSON:mayor klitschko")
    assert record is not None
    assert record["id"] == "PERSON:vitali klitschko" and record["type"] == "PERSON"
    assert set(record["keys"]) == {"PERSON:vitali klitschko", "PERSON:klitschko",
                                   "PERSON:mayor klitschko"}
    assert record["keys"][0] == "PERSON:vitali klitschko"
    assert {"Vitali Klitschko", "Klitschko", "Mayor Klitschko"} <= set(record["aliases"])
    assert record["role_counts"] == {"mayor": 1, "Mayor of Kyiv": 1}
    assert record["sides"] == {"Ukraine": 2} and record["side"] == "Ukraine"
    assert record["mentions"] == 3 and record["articles"] == 2
    assert record["statements_by"] == 1
    assert set(record["mentioned_in"]) == {batches[0][0], batches[1][0]}
    assert store.get_entity("PERSON:nobody") is None

    listed = list(store.iter_entities(linked=True, name="mayor klitschko"))
    assert [e["id"] for e in listed] == ["PERSON:vitali klitschko"]
    everything = list(store.iter_entities(linked=True))
    assert len(everything) == len({e["id"] for e in everything}) == 2  # a person, the UN
    [first] = store.iter_entities(linked=True, limit=1)
    assert first["id"] == everything[0]["id"]
    assert {"id", "name", "type", "aliases", "roles", "side", "lat", "lon", "geo_precision",
            "sides", "keys", "mentions", "articles"} <= set(everything[0])


# -- end to end: the seeds, one more article, the real CLI ----------------------------------

EXTRA = """date 2022-04-26 Defenders of Azovstal will not lay down arms, commander says

Deputy Prime Minister Iryna Vereschuk said talks on a humanitarian corridor had stalled again. \
Vereschuk said the United Nations should guarantee the corridor. Prime Minister Shmygal told \
reporters in Kyiv that the government was working on it.

Presidential adviser Arestovich said the Russian army had again shelled the plant. The \
Institute for the Study of War said Russian forces were trying to storm the plant; ISW \
analysts said the assault had failed.
"""


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    from crosscheck.ingest import ingest
    from crosscheck.process import process

    root = tmp_path_factory.mktemp("entities")
    extra = root / "extra"
    extra.mkdir()
    (extra / "wire-2022-04-26-azovstal.txt").write_text(EXTRA, encoding="utf-8")
    db = root / "e.db"
    with open_store(str(db)) as store:
        ingest([seeds_dir, extra], store)
        assert process(store, workers=1, link=False).processed == 3
        report = resolve_entities(store)
        assert report.linked >= 4
    return db


def test_seed_people_are_one_entity_across_articles_and_spellings(seeded_db: Path) -> None:
    with open_store(str(seeded_db)) as store:
        c = store.canonical_keys(["PERSON:shmygal", "PERSON:arestovich",
                                  "PERSON:iryna vereshchuk", "ORG:isw", "NORP:russians"])
        assert c == {"PERSON:shmygal": "PERSON:denys shmyhal",  # surname, transliterated
                     "PERSON:arestovich": "PERSON:oleksiy arestovych",
                     "PERSON:iryna vereshchuk": "PERSON:iryna vereschuk",
                     "ORG:isw": "ORG:institute for the study of war",
                     "NORP:russians": "NORP:russian"}
        record = store.get_entity("PERSON:shmygal")
        assert record is not None
        assert {"Denys Shmyhal", "Shmygal"} <= set(record["aliases"])
        assert record["articles"] == 2 and record["side"] == "Ukraine"
        assert {"Ukrainian Prime Minister", "Prime Minister"} <= set(record["roles"])
        # different people stay apart
        people = {c for c in store.canonical_keys(
            ["PERSON:vladimir putin", "PERSON:volodymyr zelensky", "PERSON:dmitry peskov",
             "PERSON:denys shmyhal", "PERSON:denys shlega"]).values()}
        assert len(people) == 5


def test_entities_command_lists_merged_entities(seeded_db: Path) -> None:
    def run(*args: str) -> list[dict[str, Any]]:
        result = subprocess.run(
            [sys.executable, "-m", "crosscheck", "entities", "--format", "json", *args],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "CROSSCHECK_DB": str(seeded_db)})
        assert result.returncode == 0, result.stderr
        return list(json.loads(result.stdout))

    [arestovych] = run("--name", "arestovi")  # matches one spelling; lists the entity
    assert arestovych["id"] == arestovych["key"] == "PERSON:oleksiy arestovych"
    assert {"Oleksiy Arestovych", "Arestovych", "Arestovich"} <= set(arestovych["aliases"])
    assert set(arestovych["keys"]) == {"PERSON:oleksiy arestovych", "PERSON:arestovich"}
    assert arestovych["articles"] == 2
    per_key = run("--name", "arestov", "--per-key")
    assert {e["key"] for e in per_key} == {"PERSON:oleksiy arestovych", "PERSON:arestovich"}
