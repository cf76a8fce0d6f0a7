"""The store on SQLite and PostgreSQL: migrations, idempotent ingest, sightings, search."""

from __future__ import annotations

from crosscheck.clean import clean, make_article
from crosscheck.records import SourceItem
from crosscheck.store import MIGRATIONS, Store


def _article(title: str, body: str, locator: str, url: str | None = None,
             outlet: str | None = "Kyiv Ledger"):
    raw = f"{title}\n\n{body}"
    item = SourceItem(raw=raw, locator=locator, format="jsonl", title=title, url=url,
                      outlet=outlet, published="2024-03-04", date_source="field",
                      body_start=len(title) + 2)
    return make_article(item, clean(item))


def test_migrations_are_recorded_once(any_store: Store) -> None:
    from sqlalchemy import text

    with any_store.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM schema_migrations"))]
    assert names == [name for name, _ in MIGRATIONS]


def test_same_article_twice_is_one_article(any_store: Store) -> None:
    a = _article("Shelling hits Kherson", "Three people were wounded, the governor said.", "a#1")
    first = any_store.add_articles([a], "v1")
    second = any_store.add_articles([a], "v1")
    assert first.new_ids == [a.id]
    assert second.new_ids == [] and second.duplicates == 1 and second.new_sightings == 0
    assert any_store.count_articles() == 1


def test_same_text_at_two_urls_is_two_sightings(any_store: Store) -> None:
    a = _article("Dam breached", "Water flooded the town, officials said.", "x",
                 url="https://one.example/a")
    b = _article("Dam breached", "Water flooded the town, officials said.", "y",
                 url="https://two.example/b", outlet="Other Outlet")
    assert a.id == b.id
    any_store.add_articles([a], "v1")
    result = any_store.add_articles([b], "v1")
    assert result.new_sightings == 1
    row = any_store.get_article(a.id)
    assert row is not None
    assert [s["url"] for s in row["sightings"]] == ["https://one.example/a", "https://two.example/b"]


def test_full_text_search_finds_words_in_title_and_body(any_store: Store) -> None:
    any_store.add_articles([
        _article("Strike on railway station", "A missile hit the station in Kramatorsk.", "1"),
        _article("Grain talks resume", "Negotiators met in Istanbul on Monday.", "2"),
    ], "v1")
    titles = [r["title"] for r in any_store.iter_articles(query="Kramatorsk missile")]
    assert titles == ["Strike on railway station"]
    assert [r["title"] for r in any_store.iter_articles(query="grain")] == ["Grain talks resume"]
    assert list(any_store.iter_articles(query="Odesa")) == []
