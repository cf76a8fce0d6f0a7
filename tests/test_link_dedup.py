"""Near duplicates: MinHash LSH over word shingles, persisted in the store.

Also holds the small-store helpers the other test_link_* modules import.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from sqlalchemy import func, select

from crosscheck.link import LinkConfig, link_articles
from crosscheck.link._text import words
from crosscheck.link.dedup import Signer
from crosscheck.records import Article, Extraction, Mention, article_key
from crosscheck.store import Store, schema

# -- helpers --------------------------------------------------------------------------------

_SYLLABLES = ["ba", "ko", "ri", "tu", "me", "sa", "lo", "ven", "dar", "pi", "gu", "nor",
              "chi", "ze", "fa", "mul", "tes", "wo", "ya", "hek"]


def pseudo_words(seed: int, n: int) -> list[str]:
    """``n`` distinct made-up words (alphabetic, so they count as terms)."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        out["".join(rng.choice(_SYLLABLES) for _ in range(3))] = None
    return list(out)


GENERAL = pseudo_words(1, 300)


def prose(seed: int, vocabulary: Sequence[str], sentences: int = 14,
          names: Sequence[str] = (), share: float = 0.7) -> str:
    """Sentences drawing ``share`` of their words from ``vocabulary``, the rest from a
    general vocabulary, with ``names`` sprinkled in."""
    rng = random.Random(seed)
    out = []
    for i in range(sentences):
        chosen = [rng.choice(vocabulary) if rng.random() < share else rng.choice(GENERAL)
                  for _ in range(12)]
        if names:
            chosen.insert(rng.randrange(len(chosen)), names[i % len(names)])
        out.append(" ".join(chosen).capitalize() + ".")
    return " ".join(out)


def make_article(title: str, body: str, *, published: str | None = None,
                 outlet: str = "Test Wire") -> Article:
    text = f"{title}\n\n{body}"
    key = article_key(text)
    return Article(id=key, title=title, text=text, raw=text, url=f"https://t.example/{key}",
                   outlet=outlet, published=published,
                   date_source="field" if published else None, format="jsonl",
                   locator=f"test:{key}", offsets=((0, 0, len(text)),),
                   body_start=len(title) + 2)


def mentions_of(text: str, names: dict[str, str]) -> list[Mention]:
    """A mention for every occurrence of each name (name -> entity type)."""
    out = []
    for name, type_ in names.items():
        start = text.find(name)
        while start >= 0:
            out.append(Mention(name, start, start + len(name), type_, name,
                               f"{type_}:{name.lower()}"))
            start = text.find(name, start + 1)
    return sorted(out, key=lambda m: m.start)


def add(store: Store, *articles: Article, names: dict[str, str] | None = None) -> list[str]:
    """Store articles and their mentions of ``names``, marked processed."""
    store.add_articles(list(articles), "test")
    store.save_extractions([Extraction(a.id, "test", mentions=mentions_of(a.text, names or {}))
                            for a in articles])
    return [a.id for a in articles]


def count(store: Store, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


BODY = prose(10, pseudo_words(2, 80), sentences=30)
TITLE = "Defenders hold the steelworks as the siege enters its third week"


# -- tests ---------------------------------------------------------------------------------

def test_near_copy_with_other_boilerplate_is_a_sighting_of_the_earlier(sqlite_store: Store
                                                                        ) -> None:
    original = make_article(TITLE, BODY, published="2022-04-20", outlet="Agency")
    syndicated = make_article(
        TITLE, "Sign up for our newsletter and never miss a story.\n\n" + BODY
        + "\n\nRead more: our live blog has every update. [WATCH]",
        published="2022-04-21", outlet="Tabloid")
    ids = add(sqlite_store, syndicated, original)
    report = link_articles(sqlite_store, ids)
    assert report.duplicates == 1
    [row] = list(sqlite_store.duplicate_records())
    assert row["article_id"] == syndicated.id and row["canonical_id"] == original.id
    assert row["method"] == "minhash" and 0.8 <= row["similarity"] <= 1.0
    assert sqlite_store.count_articles() == 2  # nothing deleted
    story = sqlite_store.story_of(ids)
    assert story[syndicated.id] == story[original.id]


def test_headline_with_one_changed_word_is_a_near_copy(sqlite_store: Store) -> None:
    first = make_article(TITLE, BODY, published="2022-04-20")
    changed = make_article(TITLE.replace("third", "fourth"), BODY, published="2022-04-20")
    assert first.id != changed.id
    add(sqlite_store, first)
    link_articles(sqlite_store, [first.id])
    add(sqlite_store, changed)  # a later batch: checked against the stored index
    report = link_articles(sqlite_store, [changed.id])
    assert report.duplicates == 1
    [row] = list(sqlite_store.duplicate_records())
    assert (row["article_id"], row["canonical_id"]) == (changed.id, first.id)


def test_exact_copies_are_one_article_not_a_duplicate(sqlite_store: Store) -> None:
    one = make_article(TITLE, BODY, published="2022-04-20", outlet="A")
    again = make_article(TITLE, BODY, published="2022-04-20", outlet="B")
    assert one.id == again.id
    result = sqlite_store.add_articles([one, again], "test")
    assert result.duplicates == 1
    add(sqlite_store, one)
    report = link_articles(sqlite_store, [one.id])
    assert report.duplicates == 0 and report.linked == 1
    assert list(sqlite_store.duplicate_records()) == []


def test_follow_up_sharing_a_paragraph_is_not_a_copy(sqlite_store: Store) -> None:
    sentences = BODY.split(". ")
    follow_up = ". ".join(sentences[:8]) + ". " + prose(11, pseudo_words(3, 80), sentences=22)
    ids = add(sqlite_store, make_article(TITLE, BODY, published="2022-04-20"),
              make_article("The siege goes on", follow_up, published="2022-04-22"))
    assert link_articles(sqlite_store, ids).duplicates == 0


def test_an_earlier_copy_arriving_later_becomes_the_canonical(sqlite_store: Store) -> None:
    late = make_article(TITLE, BODY + " Updated at noon.", published="2022-04-25")
    also_late = make_article(TITLE, BODY + " Updated at night.", published="2022-04-26")
    ids = add(sqlite_store, late, also_late)
    link_articles(sqlite_store, ids)
    early = make_article(TITLE, BODY + " First edition.", published="2022-04-20")
    add(sqlite_store, early)
    link_articles(sqlite_store, [early.id])
    rows = {r["article_id"]: r["canonical_id"] for r in sqlite_store.duplicate_records()}
    assert rows == {late.id: early.id, also_late.id: early.id}
    stories = sqlite_store.story_of([late.id, also_late.id, early.id])
    assert len(set(stories.values())) == 1


def test_the_lsh_index_is_persisted_not_rehashed(sqlite_store: Store) -> None:
    ids = add(sqlite_store, *(make_article(f"Report {i}", prose(100 + i, GENERAL, share=1.0))
                              for i in range(5)))
    link_articles(sqlite_store, ids)
    signer = Signer(LinkConfig())
    assert (signer.bands, signer.rows) == (9, 13)
    assert count(sqlite_store, schema.link_signatures) == 5
    assert count(sqlite_store, schema.link_buckets) == 5 * signer.bands
    # linking an article again is a no-op: nothing re-hashed, nothing added
    assert link_articles(sqlite_store, ids).selected == 0
    assert count(sqlite_store, schema.link_signatures) == 5


def test_signatures_are_stable_and_short_texts_are_not_judged() -> None:
    signer = Signer(LinkConfig())
    tokens = words(BODY)
    a, b = signer.signature(tokens), signer.signature(list(tokens))
    assert a is not None and b is not None
    assert signer.buckets(a) == signer.buckets(b)
    assert (Signer.from_bytes(Signer.to_bytes(a)) == a).all()
    assert signer.signature(words("Too short to tell")) is None
