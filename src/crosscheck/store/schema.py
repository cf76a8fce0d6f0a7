"""The store's tables, in one place (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "articles",
    "claim_evidence",
    "claim_runs",
    "claims",
    "dates",
    "duplicates",
    "entities",
    "entity_links",
    "events",
    "ingest_runs",
    "link_buckets",
    "link_df",
    "link_signatures",
    "mentions",
    "metadata",
    "quantities",
    "rejections",
    "schema_migrations",
    "series",
    "series_points",
    "sightings",
    "statements",
    "stock_paragraphs",
    "stories",
    "story_articles",
    "story_entities",
    "story_terms",
]

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", String(32), primary_key=True, comment="hash of the normalised title + body"),
    Column("url", Text),
    Column("outlet", String(200), index=True),
    Column("title", Text),
    Column("published", String(10), index=True, comment="YYYY-MM-DD or NULL when undated"),
    Column("date_source", String(20)),
    Column("text", Text, nullable=False, comment="analysed text: title, then body"),
    Column("raw", Text, nullable=False, comment="text the offsets map back to"),
    Column("raw_start", Integer, nullable=False, default=0),
    Column("body_start", Integer, nullable=False, default=0),
    Column("offsets", JSON, nullable=False, comment="[[clean_start, raw_start, length], ...]"),
    Column("removed", JSON, nullable=False, comment="[{start, end, rule, text}, ...] in raw"),
    Column("format", String(20), nullable=False),
    Column("locator", Text, nullable=False, comment="where it was first seen"),
    Column("clean_version", String(40), nullable=False),
    Column("processed_version", String(40), comment="extractor version; NULL = not processed"),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

sightings = Table(
    "sightings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("key", Text, nullable=False, comment="URL, or file and record when there is none"),
    Column("url", Text),
    Column("outlet", String(200)),
    Column("published", String(10)),
    Column("format", String(20), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("article_id", "key", name="uq_sightings_article_key"),
)

stock_paragraphs = Table(
    "stock_paragraphs", metadata,
    Column("grp", String(500), primary_key=True,
           comment="the outlet, else the folder or dump file the article came from"),
    Column("hash", String(16), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
)

ingest_runs = Table(
    "ingest_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("sources", JSON, nullable=False),
    Column("read", Integer, nullable=False, default=0),
    Column("stored", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
)

rejections = Table(
    "rejections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("ingest_runs.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("locator", Text, nullable=False),
    Column("reason", Text, nullable=False),
)

Index("ix_stock_paragraphs_article", stock_paragraphs.c.article_id)


# -- extraction (issue 3): facts per article, each with its spans and rule names ------------

entities = Table(
    "entities", metadata,
    Column("key", String(300), primary_key=True, comment="type:normalised canonical name"),
    Column("name", Text, nullable=False),
    Column("type", String(10), nullable=False, index=True),
    Column("side", String(30), index=True),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", Integer),
    Column("aliases", JSON, nullable=False, comment="surface forms seen"),
    Column("roles", JSON, nullable=False, comment="roles seen"),
    Column("mentions", Integer, nullable=False, default=0),
)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(10), nullable=False),
    Column("entity_key", String(300), ForeignKey("entities.key"), nullable=False, index=True),
    Column("role", Text),
    Column("side", String(30)),
    Column("rules", JSON, nullable=False),
)

statements = Table(
    "statements", metadata,
    Column("id", String(48), primary_key=True, comment="article id + ':s' + index"),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", String(15), nullable=False),
    Column("stance", String(10), nullable=False),
    Column("speaker_text", Text),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("speaker_name", Text, index=True),
    Column("speaker_key", String(300), index=True),
    Column("speaker_side", String(30), index=True),
    Column("speaker_role", Text),
    Column("cue_text", Text),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("content_text", Text, nullable=False),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("intermediary", Text),
    Column("channel", String(40)),
    Column("date", String(10), index=True),
    Column("rules", JSON, nullable=False),
)

quantities = Table(
    "quantities", metadata,
    Column("id", String(48), primary_key=True, comment="article id + ':q' + index"),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("statement_id", String(48), ForeignKey("statements.id", ondelete="SET NULL")),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", Float),
    Column("low", Float),
    Column("high", Float),
    Column("qualifier", String(40)),
    Column("counted", String(40), index=True),
    Column("place", Text),
    Column("as_of", String(10)),
    Column("claimed_on", String(10), index=True),
    Column("hedged", Boolean, nullable=False, default=False),
    Column("speaker", Text),
    Column("rules", JSON, nullable=False),
)

dates = Table(
    "dates", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", String(10)),
    Column("precision", String(10), nullable=False),
    Column("rules", JSON, nullable=False),
)


# -- events (issue 4) -----------------------------------------------------------------------

events = Table(
    "events", metadata,
    Column("id", String(48), primary_key=True, comment="article id + ':e' + index"),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("event_type", String(40), nullable=False, index=True),
    Column("sub_event_type", String(60), nullable=False, index=True),
    Column("plover", String(20), nullable=False),
    Column("status", String(15), nullable=False, index=True),
    Column("trigger_text", Text, nullable=False),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("evidence_text", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("actor_text", Text),
    Column("actor_start", Integer),
    Column("actor_end", Integer),
    Column("actor_name", Text, index=True),
    Column("actor_key", String(300)),
    Column("actor_side", String(30), index=True),
    Column("target_text", Text),
    Column("target_start", Integer),
    Column("target_end", Integer),
    Column("target_name", Text),
    Column("target_key", String(300)),
    Column("target_side", String(30)),
    Column("location_name", Text, index=True),
    Column("location_text", Text),
    Column("location_start", Integer),
    Column("location_end", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", Integer),
    Column("date", String(10), index=True),
    Column("date_precision", String(10)),
    Column("fatalities", Integer),
    Column("statement_id", String(48), ForeignKey("statements.id", ondelete="SET NULL")),
    Column("quantity_ids", JSON, nullable=False),
    Column("rules", JSON, nullable=False),
)


# -- linking (issue 5): near duplicates and stories -----------------------------------------
# The MinHash LSH index lives in two tables: each article's signature, and one row per
# (band bucket, article), so a new batch is checked against everything stored with one
# indexed lookup per band, without re-hashing stored text or loading the index in memory.

link_signatures = Table(
    "link_signatures", metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
    Column("signature", LargeBinary, nullable=False,
           comment="MinHash hash values, little-endian uint32, one per permutation"),
    Column("version", String(40), nullable=False, comment="link rule version"),
)

link_buckets = Table(
    "link_buckets", metadata,
    Column("bucket", BigInteger, primary_key=True, comment="hash of (band, band's values)"),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
)

duplicates = Table(
    "duplicates", metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True, comment="the near copy: a sighting of its canonical article"),
    Column("canonical_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("similarity", Float, nullable=False, comment="estimated Jaccard of word shingles"),
    Column("method", String(20), nullable=False, comment="minhash"),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

link_df = Table(
    "link_df", metadata,
    Column("key", String(300), primary_key=True,
           comment="'t:' + term, or an entity key; '#articles' holds the article count"),
    Column("df", Integer, nullable=False, comment="linked articles holding it"),
)

stories = Table(
    "stories", metadata,
    Column("id", String(40), primary_key=True, comment="'s' + id of the article that opened it"),
    Column("label", Text, nullable=False),
    Column("start", String(10), index=True, comment="first publication date of a member"),
    Column("end", String(10), index=True, comment="last publication date of a member"),
    Column("articles", Integer, nullable=False, comment="members, near copies included"),
    Column("size", Integer, nullable=False, comment="members that are not near copies"),
    Column("undated", Integer, nullable=False, comment="members with an estimated date"),
    Column("days", JSON, nullable=False, comment="{date: dated members}"),
    Column("event_types", JSON, nullable=False, comment="{event type: events of members}"),
    Column("centroid", JSON, nullable=False,
           comment="{terms: {term: weight}, entities: {key: weight}}: the heaviest only"),
    Column("version", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

story_articles = Table(
    "story_articles", metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           primary_key=True),
    Column("story_id", String(40), ForeignKey("stories.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("score", Float, comment="similarity to the story when it joined; NULL: opened it"),
    Column("date", String(10), index=True,
           comment="publication date, or the story's median date when estimated"),
    Column("date_estimated", Boolean, nullable=False, default=False),
    Column("copy_of", String(32), comment="near copy of this member: adds no features"),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

story_entities = Table(
    "story_entities", metadata,
    Column("story_id", String(40), ForeignKey("stories.id", ondelete="CASCADE"),
           primary_key=True),
    Column("entity_key", String(300), primary_key=True),
    Column("articles", Integer, nullable=False, comment="members mentioning it"),
    Column("weight", Float, nullable=False, comment="summed rarity-weighted entity weight"),
)

story_terms = Table(
    "story_terms", metadata,
    Column("story_id", String(40), ForeignKey("stories.id", ondelete="CASCADE"),
           primary_key=True),
    Column("term", String(100), primary_key=True),
    Column("weight", Float, nullable=False,
           comment="TF-IDF centroid weight: the story's heaviest terms, for blocking"),
)

Index("ix_link_buckets_article", link_buckets.c.article_id)
Index("ix_story_entities_key", story_entities.c.entity_key)
Index("ix_story_terms_term", story_terms.c.term)


# -- cross-checking (issue 5, part 2): one entity across articles, claims, figure series -----
# All are derived data: recomputed per story (claims, series) or per entity block (entity
# links) from the facts above, so they can be rebuilt at any time by `crosscheck link`.

entity_links = Table(
    "entity_links", metadata,
    Column("key", String(300), ForeignKey("entities.key", ondelete="CASCADE"),
           primary_key=True, comment="an entity key as extracted from one article"),
    Column("canonical_key", String(300), nullable=False, index=True,
           comment="the corpus-wide entity it is (itself when it is the canonical one)"),
    Column("method", String(30), nullable=False,
           comment="self | surname | transliteration | title | alias"),
    Column("version", String(40), nullable=False),
)

claims = Table(
    "claims", metadata,
    Column("id", String(60), primary_key=True, comment="'c' + hash of story id and key"),
    Column("story_id", String(40), ForeignKey("stories.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", String(10), nullable=False, comment="event | statement | figure"),
    Column("key", Text, nullable=False, comment="the normalised proposition"),
    Column("label", Text, nullable=False, comment="the proposition in words"),
    Column("event_type", String(40)),
    Column("sub_event_type", String(60)),
    Column("modality", String(15), comment="happened | ordered_halt | planned | ..."),
    Column("actor_side", String(30)),
    Column("place", Text),
    Column("counted", String(40)),
    Column("date_start", String(10)),
    Column("date_end", String(10)),
    Column("verdict", String(15), nullable=False, index=True,
           comment="contradiction | corroboration | single"),
    Column("asserting_sources", Integer, nullable=False, comment="independent origins"),
    Column("denying_sources", Integer, nullable=False),
    Column("weight", Float, nullable=False, comment="higher: more independent, across sides"),
    Column("version", String(40), nullable=False),
)

claim_evidence = Table(
    "claim_evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(60), ForeignKey("claims.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("stance", String(10), nullable=False, comment="asserts | denies"),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("event_id", String(48)),
    Column("statement_id", String(48)),
    Column("quantity_id", String(48)),
    Column("speaker", Text),
    Column("speaker_key", String(300)),
    Column("side", String(30)),
    Column("outlet", String(200)),
    Column("origin", Text, nullable=False,
           comment="who the information comes from: evidence with one origin is one source"),
    Column("date", String(10)),
    Column("value", Float),
    Column("low", Float),
    Column("high", Float),
    Column("evidence_text", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
)

claim_runs = Table(
    "claim_runs", metadata,
    Column("story_id", String(40), ForeignKey("stories.id", ondelete="CASCADE"),
           primary_key=True),
    Column("computed_at", DateTime(timezone=True), nullable=False,
           comment="claims and series are stale when the story was updated after this"),
    Column("version", String(40), nullable=False),
)

series = Table(
    "series", metadata,
    Column("id", String(60), primary_key=True, comment="'f' + hash of story id and key"),
    Column("story_id", String(40), ForeignKey("stories.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("counted", String(40), nullable=False, index=True),
    Column("place", Text),
    Column("place_inferred", Boolean, nullable=False, default=False,
           comment="the place is the story's, not the figure's"),
    Column("points", Integer, nullable=False),
    Column("version", String(40), nullable=False),
)

series_points = Table(
    "series_points", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("series_id", String(60), ForeignKey("series.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("quantity_id", String(48), ForeignKey("quantities.id", ondelete="CASCADE"),
           nullable=False),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"),
           nullable=False),
    Column("date", String(10)),
    Column("date_estimated", Boolean, nullable=False, default=False),
    Column("value", Float),
    Column("low", Float),
    Column("high", Float),
    Column("qualifier", String(40)),
    Column("speaker", Text),
    Column("side", String(30)),
    Column("outlet", String(200)),
    Column("origin", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)
