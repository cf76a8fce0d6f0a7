"""The HTML pages over a real store (the bundled example corpus plus one hostile article):
every route answers with its landmarks, filters and search work, unknown ids get an HTML
404 page, every page carries the Content-Security-Policy, and no text from an article can
inject markup (titles, text, outlet and quotes carry script payloads)."""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from crosscheck.api import create_app, html_routes
from crosscheck.api._cache import RecordCache
from crosscheck.api.html_routes import article_page_data, json_script, story_page_data
from crosscheck.ingest import ingest
from crosscheck.process import process
from crosscheck.store import Store, open_store

with warnings.catch_warnings():  # starlette prefers httpx2 for its test client; httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "crosscheck" / "examples"

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload="window.__pwned=1">',
]
#: Raw markup that must never reach a page unescaped.
RAW = ["<script>window.__pwned", "<img src=x", "<svg onload"]
HOSTILE_TITLE = f"Kharkiv shelled overnight {PAYLOADS[0]} {PAYLOADS[1]}"
HOSTILE_OUTLET = f'Evil Outlet {PAYLOADS[2]}'
HOSTILE_TEXT = (
    f"Russian forces shelled Kharkiv overnight, Ukrainian officials said on Monday. "
    f"{PAYLOADS[1]}\n\n"
    f"\u201cThe city was not attacked {PAYLOADS[0]} by our troops,\u201d said Dmitry Peskov, "
    f"the Kremlin spokesman. He denied that Russian forces had struck civilians "
    f"{PAYLOADS[2]} in Kharkiv.\n\n"
    f"Oleh Synehubov, the governor of Kharkiv, said that at least 12 people were wounded "
    f"and that \u201c{PAYLOADS[2]} the missiles hit homes\u201d."
)


def hostile_dump(folder: Path) -> Path:
    """A JSONL dump with one article whose every field carries markup payloads."""
    path = folder / "hostile.jsonl"
    row = {"id": "hostile-1", "url": "javascript:window.__pwned=1", "outlet": HOSTILE_OUTLET,
           "date": "2024-03-30", "title": HOSTILE_TITLE, "text": HOSTILE_TEXT}
    path.write_text(json.dumps(row) + "\n", "utf-8")
    return path


def build_store(folder: Path) -> Path:
    """The example corpus and the hostile article, ingested and processed (stories and
    claims linked) into ``folder/web.db``."""
    db = folder / "web.db"
    store = open_store(str(db))
    try:
        ingest([EXAMPLES / "corpus", hostile_dump(folder)], store)
        process(store, workers=1)
    finally:
        store.close()
    return db


def hostile_ids(store: Store) -> dict[str, str]:
    """The hostile article's id, its story's id and its speaker's entity id."""
    row = next(r for r in store.iter_articles() if (r["title"] or "").startswith("Kharkiv"))
    facts = store.facts(row["id"])
    speaker = next(s["speaker_key"] for s in facts["statements"]
                   if s["speaker_key"] and "peskov" in s["speaker_key"])
    story = store.story_of([row["id"]]).get(row["id"])
    return {"article": row["id"], "story": story or "", "entity": speaker}


def biggest_story_with_contradiction(store: Store) -> dict[str, Any]:
    from crosscheck.link import story_record

    records = [story_record(store, s["id"]) for s in store.iter_stories()]
    found = [r for r in records if r["contradictions"]]
    assert found, "no story of the example corpus has a contradiction"
    return max(found, key=lambda r: len(r["articles"]))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(db))) as c:
        yield c


@pytest.fixture(scope="module")
def store(db: Path) -> Iterator[Store]:
    s = open_store(str(db), create=False)
    yield s
    s.close()


@pytest.fixture(scope="module")
def ids(store: Store) -> dict[str, Any]:
    story = biggest_story_with_contradiction(store)
    article = story["contradictions"][0]["denied_by"][0]["article_id"]
    return {"story": story, "article": article, "hostile": hostile_ids(store)}


def page(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    return response.text


def inline_scripts(html: str) -> list[str]:
    """Script elements with a body: only non-executed JSON data blocks are allowed."""
    return [m.group(1) for m in re.finditer(r"<script([^>]*)>(?!</script>)", html)
            if "src=" not in m.group(1)]


# -- every route ------------------------------------------------------------------------

def test_every_route_answers_with_its_landmarks(client: TestClient, ids: dict[str, Any]) -> None:
    story = ids["story"]
    home = page(client, "/")
    assert "Latest stories" in home and f"/stories/{story['id']}" in home
    listing = page(client, "/stories")
    assert 'aria-label="filter stories"' in listing and story["id"] in listing
    html = page(client, f"/stories/{story['id']}")
    for landmark in ('id="timeline"', 'id="claims"', 'id="figures"', 'id="map"',
                     'id="network"', 'id="page-data"', "verdict-contradiction",
                     f'href="/api/stories/{story["id"]}"'):
        assert landmark in html, landmark
    articles = page(client, "/articles")
    assert 'aria-label="search articles"' in articles and ids["article"] in articles
    html = page(client, f"/articles/{ids['article']}")
    for landmark in ('id="text"', 'id="panel"', 'class="hl', 'id="toggle-removed"',
                     f'href="/api/articles/{ids["article"]}"'):
        assert landmark in html, landmark
    entity = ids["hostile"]["entity"]
    html = page(client, f"/entities/{quote(entity)}")
    assert "Said by" in html and f'href="/api/entities/{quote(entity, safe=":/")}"' in html


def test_json_twins_exist(client: TestClient, ids: dict[str, Any]) -> None:
    urls = [f"/stories/{ids['story']['id']}", f"/articles/{ids['article']}",
            f"/entities/{quote(ids['hostile']['entity'])}", "/stories?q=dam", "/articles?q=dam",
            "/articles"]
    for url in urls:
        twin = re.search(r'class="json-twin" href="([^"]+)"', page(client, url))
        assert twin, url
        target = twin.group(1).replace("&amp;", "&")
        response = client.get(target)
        assert response.status_code == 200, target
        assert response.json()["ok"] is True


def test_unknown_ids_get_an_html_404_page(client: TestClient) -> None:
    for url in ("/stories/s000000", "/articles/zzzz", "/entities/PERSON:nobody%20at%20all"):
        html = page(client, url, status=404)
        assert "Not found" in html and "Back to the list" in html
    assert client.get("/api/stories/s000000").json()["ok"] is False  # JSON stays JSON


def test_static_assets_are_bundled(client: TestClient) -> None:
    for path in ("/static/css/app.css", "/static/js/story.js", "/static/js/article.js",
                 "/static/js/svg.js", "/static/js/entity.js"):
        assert client.get(path).status_code == 200, path
    basemap = client.get("/static/basemap/europe.json").json()
    names = {c["name"] for c in basemap["countries"]}
    assert {"Ukraine", "Russia", "Poland", "Belarus", "Moldova"} <= names
    html = page(client, "/")
    assert "http://" not in html.split("<main")[0] and "https://" not in html.split("<main")[0]


# -- filters and search -----------------------------------------------------------------

def story_ids(html: str) -> set[str]:
    return set(re.findall(r'class="story-item"><a href="/stories/([^"]+)"', html))


def test_story_filters(client: TestClient, ids: dict[str, Any]) -> None:
    everything = story_ids(page(client, "/stories"))
    story = ids["story"]
    assert story["id"] in everything
    by_words = story_ids(page(client, "/stories?q=Snihurivka"))
    assert by_words and by_words < everything
    assert story_ids(page(client, "/stories?q=zzzzqqq")) == set()
    late = story_ids(page(client, f"/stories?since={story['end']}"))
    assert story["id"] in late
    assert story["id"] not in story_ids(page(client, "/stories?until=2024-01-01"))
    outlet = next(a["outlet"] for a in story["articles"] if a["outlet"])
    assert story["id"] in story_ids(page(client, f"/stories?outlet={quote(outlet)}"))
    assert story_ids(page(client, "/stories?outlet=No%20Such%20Outlet")) == set()
    assert story["id"] in story_ids(page(client, "/stories?side=Russia"))
    place = story_ids(page(client, "/stories?place=Snihurivka"))
    assert story["id"] in place and place <= everything
    bad = page(client, "/stories?since=yesterday")
    assert "Ignored a date" in bad and story_ids(bad) == everything


def test_article_search_and_filters(client: TestClient) -> None:
    html = page(client, "/articles?q=dam%20breach")
    assert "<mark>" in html and "best first" in html
    found = re.findall(r'class="article-item"><a href="/articles/([^"]+)"', html)
    assert found
    assert not re.findall(r'class="article-item"', page(client, "/articles?q=zzzzqqq"))
    dated = page(client, "/articles?since=2024-03-28&until=2024-03-28")
    assert all(d == "2024-03-28" for d in re.findall(r"· (\d{4}-\d\d-\d\d)</span>", dated))
    response = client.get("/search?q=dam", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/articles?q=dam"


# -- page data --------------------------------------------------------------------------

def test_story_page_data(store: Store, ids: dict[str, Any]) -> None:
    data = story_page_data(store, ids["story"]["id"])
    dated = [t["date"] for t in data["timeline"] if t["date"]]
    assert dated == sorted(dated) and len(dated) > 10
    assert {"statement", "event"} <= {t["type"] for t in data["timeline"]}
    assert data["claims"][0]["verdict"] == "contradiction"
    assert data["series"] and all(len(s["points"]) >= 2 for s in data["series"])
    assert data["places"] and all(p["lat"] is not None for p in data["places"])
    net = data["network"]
    assert net["edges"]
    known = {n["id"] for n in net["speakers"]} | {n["id"] for n in net["entities"]}
    assert all(e["from"] in known and e["to"] in known for e in net["edges"])
    # the SQL aggregates count what the facts of the story's texts (copies aside) hold
    texts = [a["id"] for a in data["story"]["articles"]]
    facts = store.facts_of(texts)
    assert data["timeline_total"] == sum(len(f["statements"]) + len(f["events"])
                                         for f in facts.values())
    edges: Counter[tuple[str, str]] = Counter()
    for f in facts.values():
        for s in f["statements"]:
            key = s["speaker_key"] or (s["speaker_name"] and f"?:{s['speaker_name']}")
            edges.update((key, m["entity_key"]) for m in f["mentions"]
                         if key and m["entity_key"] and m["entity_key"] != s["speaker_key"]
                         and s["content_start"] <= m["start"] and m["end"] <= s["content_end"])
    assert {(e["from"], e["to"]): e["weight"] for e in net["edges"]} == dict(edges)
    located = sum(1 for f in facts.values() for e in f["events"] if e["lat"] is not None)
    assert sum(len(p["events"]) for p in data["places"]) == located


def test_story_page_caps_its_timeline(client: TestClient, store: Store, ids: dict[str, Any],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    story = ids["story"]["id"]
    full = story_page_data(store, story)
    total = full["timeline_total"]
    assert total == len(full["timeline"]) > 5  # the example story is under the real cap
    monkeypatch.setattr(html_routes, "TIMELINE_ITEMS", 5)
    monkeypatch.setattr(html_routes, "_PAGES", RecordCache())  # no page rendered uncapped
    capped = story_page_data(store, story)
    assert capped["timeline"] == full["timeline"][:5] and capped["timeline_total"] == total
    html = page(client, f"/stories/{story}")
    timeline = " ".join(html.split('id="timeline"')[1].split("</section>")[0].split())
    assert timeline.count('class="tl-item') == 5
    assert f"The first 5 of {total:,} entries; {total - 5:,} more are in the" in timeline


def test_article_pieces_cover_the_text_exactly(store: Store, ids: dict[str, Any]) -> None:
    data = article_page_data(store, ids["article"])
    assert data is not None
    row = store.get_article(ids["article"])
    assert row is not None
    kept = "".join(p["text"] for p in data["pieces"] if not p["removed"])
    assert kept == row["text"]
    removed = [p["text"] for p in data["pieces"] if p["removed"]]
    assert removed == [r["text"] for r in row["removed"]]
    for p in data["pieces"]:
        for fid in p.get("facts", []):
            assert fid in data["facts"]
    assert article_page_data(store, "no-such-article") is None


def test_json_script_cannot_close_its_element() -> None:
    out = str(json_script({"t": "</script><!-- & \u2028"}))
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == {"t": "</script><!-- & \u2028"}


# -- escaping ---------------------------------------------------------------------------

def test_the_hostile_article_kept_its_payloads(store: Store, ids: dict[str, Any]) -> None:
    row = store.get_article(ids["hostile"]["article"])
    assert row is not None
    assert PAYLOADS[0] in row["title"] and PAYLOADS[1] in row["text"]
    facts = store.facts(row["id"])
    assert any(PAYLOADS[0] in s["content_text"] for s in facts["statements"])


def hostile_pages(ids: dict[str, Any]) -> list[str]:
    hostile = ids["hostile"]
    urls = ["/", "/stories", "/stories?q=Kharkiv", "/articles", "/articles?q=pwned",
            "/articles?q=Kharkiv%20shelled", f"/articles/{hostile['article']}",
            f"/entities/{quote(hostile['entity'])}"]
    if hostile["story"]:
        urls.append(f"/stories/{hostile['story']}")
    return urls


def test_no_page_lets_markup_through(client: TestClient, ids: dict[str, Any]) -> None:
    seen_escaped = 0
    for url in hostile_pages(ids):
        html = page(client, url)
        for raw in RAW:
            assert raw not in html, (url, raw)
        markup = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", html,
                        flags=re.S)
        assert "onerror=\"window" not in markup and "javascript:" not in markup, url
        for attrs in inline_scripts(html):
            assert 'type="application/json"' in attrs, (url, attrs)
        if "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html:
            seen_escaped += 1
    assert seen_escaped >= 4  # lists, search, article and entity pages show the title or text
    article = page(client, f"/articles/{ids['hostile']['article']}")
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in article
    assert "Evil Outlet &#34;&gt;&lt;svg onload=" in article
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', article,
                     re.S)
    assert data and "\\u003cscript\\u003e" in data.group(1)
    assert PAYLOADS[0] in json.dumps(json.loads(data.group(1)), ensure_ascii=False)
