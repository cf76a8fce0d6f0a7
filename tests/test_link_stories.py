"""Stories: incremental clustering with blocking, time windows and estimated dates."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

import crosscheck.link
from crosscheck.link import LinkConfig, link_articles, relink, story_record
from crosscheck.link.stories import ArticleFeatures, StoryState, rank_candidates, time_factor
from crosscheck.store import Store, schema
from tests.test_link_dedup import add, make_article, prose, pseudo_words

SIEGE = pseudo_words(20, 60)
GRAIN = pseudo_words(21, 60)
SIEGE_NAMES = {"Mariupol": "GPE", "Azovstal": "FAC", "Denys Prokopenko": "PERSON"}
GRAIN_NAMES = {"Odesa": "GPE", "Black Sea": "LOC", "Recep Erdogan": "PERSON"}


def siege(seed: int, published: str | None, title: str = "Fighting at Azovstal in Mariupol"):
    return make_article(title, prose(seed, SIEGE, names=list(SIEGE_NAMES)),
                        published=published)


def grain(seed: int, published: str | None):
    return make_article("Grain ships leave Odesa", prose(seed, GRAIN, names=list(GRAIN_NAMES)),
                        published=published)


NAMES = {**SIEGE_NAMES, **GRAIN_NAMES}


def test_public_surface() -> None:
    assert set(crosscheck.link.__all__) == {"LINK_VERSION", "LinkConfig", "LinkReport",
                                            "link_articles", "relink", "story_record"}


def test_a_second_batch_joins_the_story_and_an_unrelated_article_opens_one(
        sqlite_store: Store) -> None:
    first = add(sqlite_store, siege(1, "2022-04-20"), siege(2, "2022-04-21"), names=NAMES)
    report = link_articles(sqlite_store, first)
    assert (report.stories_opened, report.joined) == (1, 1)
    [story_id] = set(sqlite_store.story_of(first).values())

    later, other = siege(3, "2022-04-24"), grain(4, "2022-04-24")
    second = add(sqlite_store, later, other, names=NAMES)
    report = link_articles(sqlite_store, second)
    assert (report.stories_opened, report.joined) == (1, 1)
    stories = sqlite_store.story_of(second)
    assert stories[later.id] == story_id  # joined, not reclustered
    assert stories[other.id] != story_id

    record = story_record(sqlite_store, story_id)
    assert (record["start"], record["end"]) == ("2022-04-20", "2022-04-24")
    assert [a["published"] for a in record["articles"]] == ["2022-04-20", "2022-04-21",
                                                            "2022-04-24"]
    assert {e["id"] for e in record["entities"]} >= {"GPE:mariupol", "FAC:azovstal"}
    assert "Mariupol" in record["label"] or "Azovstal" in record["label"]
    assert record["corroborations"] == record["contradictions"] == record["series"] == []


def test_an_undated_article_gets_the_story_median_date_flagged(sqlite_store: Store) -> None:
    ids = add(sqlite_store, siege(1, "2022-04-20"), siege(2, "2022-04-22"),
              siege(3, "2022-05-02"), names=NAMES)
    link_articles(sqlite_store, ids)
    undated = siege(4, None)
    add(sqlite_store, undated, names=NAMES)
    report = link_articles(sqlite_store, [undated.id])
    assert report.joined == 1 and report.estimated_dates == 1
    story = story_record(sqlite_store, sqlite_store.story_of([undated.id])[undated.id])
    [entry] = [a for a in story["articles"] if a["id"] == undated.id]
    assert entry["published"] is None
    assert entry["date"] == "2022-04-22" and entry["date_estimated"] is True
    assert all(not a["date_estimated"] for a in story["articles"] if a["id"] != undated.id)

    # the estimate follows the story as it grows
    more = add(sqlite_store, siege(5, "2022-05-03"), siege(6, "2022-05-04"), names=NAMES)
    link_articles(sqlite_store, more)
    story = story_record(sqlite_store, story["id"])
    [entry] = [a for a in story["articles"] if a["id"] == undated.id]
    assert entry["date"] == "2022-05-02" and entry["date_estimated"] is True


def test_the_same_subject_two_months_later_is_another_story(sqlite_store: Store) -> None:
    early = add(sqlite_store, siege(1, "2022-04-20"), siege(2, "2022-04-21"), names=NAMES)
    link_articles(sqlite_store, early)
    late = add(sqlite_store, siege(3, "2022-06-25"), names=NAMES)
    report = link_articles(sqlite_store, late)
    assert report.stories_opened == 1 and report.comparisons == 0  # outside every window


def test_time_factor() -> None:
    config = LinkConfig()
    story = StoryState("s", days=Counter({"2022-04-10": 1, "2022-04-20": 2}))
    assert time_factor("2022-04-15", story, config) == 1.0
    assert time_factor("2022-04-22", story, config) == 1.0  # within the grace days
    assert time_factor(None, story, config) == 1.0  # undated: no penalty
    assert 1.0 - config.time_decay <= time_factor("2022-05-01", story, config) < 1.0
    assert time_factor("2022-06-01", story, config) == 0.0
    assert story.median() == "2022-04-20"


def test_a_story_does_not_grow_past_its_maximum_span() -> None:
    config = LinkConfig()
    days = Counter({f"2022-{m:02d}-{d:02d}": 1 for m in (3, 4) for d in range(1, 29, 3)})
    story = StoryState("s", days=days)  # active every few days since 1 March
    assert time_factor("2022-04-14", story, config) == 1.0  # 44 days after the start
    assert time_factor("2022-04-20", story, config) == 0.0  # 50 days: a new story


def test_outlet_names_are_not_story_entities() -> None:
    from crosscheck.link._linker import names_an_outlet

    assert names_an_outlet("GPE:censor") and names_an_outlet("ORG:ukrinform")
    assert names_an_outlet("ORG:net")
    assert not names_an_outlet("GPE:mariupol") and not names_an_outlet("PERSON:dmitry peskov")


def test_candidates_come_from_blocking_and_are_capped() -> None:
    config = LinkConfig(max_candidates=3)
    article = ArticleFeatures("a", "2022-04-20", {}, {}, [("FAC:azovstal", 5.0), ("t:x", 1.0)])
    postings = {"FAC:azovstal": {f"s{i}" for i in range(10)}, "t:x": {"s0", "s99"}}
    spans = {f"s{i}": ("2022-04-18", "2022-04-19") for i in range(10)}
    spans["s1"] = ("2022-01-01", "2022-01-02")  # out of the time window
    spans["s99"] = ("2022-04-01", "2022-04-30")
    ranked = rank_candidates(article, postings, spans, config)
    assert ranked[0] == "s0" and len(ranked) == 3 and "s1" not in ranked


def _topics(store: Store, n_topics: int, per_topic: int) -> list[str]:
    ids = []
    for t in range(n_topics):
        vocabulary = pseudo_words(1000 + t, 40)
        names = {f"Town{chr(65 + t % 26)}{t}": "GPE", f"Leader{t}": "PERSON"}
        day = f"2022-{1 + t % 12:02d}-{1 + t % 27:02d}"
        ids += add(store, *(make_article(f"News {t}.{i}", prose(t * 100 + i, vocabulary,
                                                                names=list(names)),
                                         published=day) for i in range(per_topic)),
                   names=names)
    return ids


def test_no_all_pairs_comparisons_stay_bounded(tmp_path) -> None:
    from crosscheck.store import open_store

    comparisons = {}
    for n_topics in (20, 40):
        with open_store(str(tmp_path / f"{n_topics}.db")) as store:
            ids = _topics(store, n_topics, 5)
            report = link_articles(store, ids, config=LinkConfig(chunk_size=37))
            assert report.stories_opened == n_topics and report.duplicates == 0
            comparisons[n_topics] = report.comparisons
            # all pairs of articles would be n(n-1)/2; all article-story pairs n*stories/2
            assert report.comparisons <= 2 * len(ids) < len(ids) * n_topics / 2
    assert comparisons[40] <= 2.5 * comparisons[20]  # grows with the articles, not squared


def test_relink_since_and_rebuild_reproduce_the_stories(sqlite_store: Store) -> None:
    ids = add(sqlite_store, siege(1, "2022-04-20"), siege(2, "2022-04-21"),
              grain(3, "2022-04-21"), siege(4, None), grain(5, "2022-05-01"), names=NAMES)
    link_articles(sqlite_store, ids)

    def snapshot() -> tuple[set[frozenset[str]], dict[str, int]]:
        by_story: dict[str, set[str]] = {}
        for article, story in sqlite_store.story_of(ids).items():
            by_story.setdefault(story, set()).add(article)
        with sqlite_store.engine.connect() as conn:
            df = dict(conn.execute(select(schema.link_df.c.key, schema.link_df.c.df)).all())
        return {frozenset(v) for v in by_story.values()}, df

    before = snapshot()
    report = relink(sqlite_store, since="2022-04-30")
    assert report.linked == 2  # the grain story's two members
    assert snapshot() == before
    report = relink(sqlite_store, everything=True)
    assert report.linked == 5
    assert snapshot() == before
    assert relink(sqlite_store).linked == 0  # nothing left to link


def test_story_record_rejects_unknown_ids(sqlite_store: Store) -> None:
    from crosscheck.errors import InputError

    with pytest.raises(InputError, match="no such story"):
        story_record(sqlite_store, "nope")


def test_the_whole_flow_on_sqlite_and_postgresql(any_store: Store) -> None:
    body = prose(7, SIEGE, names=list(SIEGE_NAMES), sentences=25)
    original = make_article("Fighting at Azovstal in Mariupol", body, published="2022-04-20")
    copy = make_article("Fighting at Azovstal in Mariupol", body + " Sign up for updates.",
                        published="2022-04-21")
    ids = add(any_store, original, copy, siege(2, "2022-04-22"), siege(3, None),
              grain(4, "2022-04-22"), names=NAMES)
    report = link_articles(any_store, ids, config=LinkConfig(chunk_size=2))
    assert report.duplicates == 1 and report.stories_opened == 2
    assert report.estimated_dates == 1
    [row] = list(any_store.duplicate_records())
    assert (row["article_id"], row["canonical_id"]) == (copy.id, original.id)
    [story] = list(any_store.iter_stories(entity="azovstal"))
    assert story["articles"] == 4 and story["size"] == 3
    record = story_record(any_store, story["id"])
    assert next(a["id"] for a in record["articles"]) == original.id
    assert [c["id"] for c in record["articles"][0]["copies"]] == [copy.id]
    assert relink(any_store, since="2022-04-01").linked == 5
    assert len(list(any_store.iter_stories())) == 2
