"""The pages in a real browser: Debian's headless Chromium driven by Playwright, against
uvicorn serving a store of the example corpus (plus one hostile article) on a loopback
port. Checks that the scripts draw (chart, map, network), that a highlight shows its fact,
that removed boilerplate toggles, that no script payload runs, and that nothing breaks the
Content-Security-Policy. Screenshots go to pytest's tmp dir and, when the environment
variable CROSSCHECK_SCREENSHOTS names a folder, there too (docs/screenshots/ for the docs).

Needs /usr/bin/chromium: ``bash scripts/install-browser.sh`` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from crosscheck.store import open_store
from tests.test_web_pages import biggest_story_with_contradiction, build_store, hostile_ids

CHROMIUM = next((p for p in (os.environ.get("CROSSCHECK_CHROMIUM"), "/usr/bin/chromium",
                             shutil.which("chromium")) if p and Path(p).is_file()), None)

if CHROMIUM is None:
    pytest.skip("no Chromium at /usr/bin/chromium: run `bash scripts/install-browser.sh` "
                "(make test does)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import uvicorn

    from crosscheck.api import create_app

    db = build_store(tmp_path_factory.mktemp("browser"))
    store = open_store(str(db), create=False)
    try:
        story = biggest_story_with_contradiction(store)
        hostile = hostile_ids(store)
        article = next(a["id"] for a in story["articles"]
                       if (store.get_article(a["id"]) or {}).get("removed"))
    finally:
        store.close()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port,
                                           log_level="warning", ws="none",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "story": story, "hostile": hostile,
               "article": article}
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(site: dict[str, Any]) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folders = [tmp_path_factory.mktemp("screenshots")]
    extra = os.environ.get("CROSSCHECK_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        folders.append(Path(extra))
    return folders


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
           if m.type == "error" else None)
    tab.problems = problems
    yield tab
    context.close()


def screenshot(target: Any, shots: list[Path], name: str, **options: Any) -> None:
    for folder in shots:
        target.screenshot(path=str(folder / name), **options)
    assert (shots[0] / name).stat().st_size > 1000


def test_story_page_draws_timeline_claims_chart_map_and_network(
        page: Any, site: dict[str, Any], shots: list[Path]) -> None:
    story = site["story"]
    page.goto(f"{site['base']}/stories/{story['id']}")
    assert page.locator("#timeline li.tl-item").count() > 10
    dates = [d for d in page.locator("#timeline time").all_inner_texts() if d != "undated"]
    assert dates == sorted(dates)
    first = page.locator("#claims .claim").first
    assert "verdict-contradiction" in (first.get_attribute("class") or "")
    assert first.locator(".asserts li.source").count() >= 1
    assert first.locator(".denies li.source").count() >= 1
    proposition = story["contradictions"][0]["proposition"]
    assert proposition in first.locator("h3").inner_text()
    page.wait_for_selector("#chart svg circle.point")
    assert page.locator("#chart svg.series-chart").count() == len(story["series"])
    assert page.locator("#chart svg circle.point").count() >= 2
    page.wait_for_selector("#mapbox svg path.country")
    assert page.locator("#mapbox svg path.country").count() > 20
    assert page.locator("#mapbox svg path.iso-UKR").count() == 1
    markers = page.locator("#mapbox svg g.marker")
    assert markers.count() >= 1
    box = page.locator("#mapbox svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    markers.first.click()
    assert "event" in page.locator("#map-info").inner_text()
    assert page.locator("#graph svg path.edge").count() >= 1
    assert page.locator("#graph svg g.node").count() >= 2
    assert not page.problems, page.problems
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, shots, "story.png")
    page.screenshot(path=str(shots[0] / "story-full.png"), full_page=True)
    page.locator("#claims").screenshot(path=str(shots[0] / "claims.png"))
    screenshot(page.locator("#map"), shots, "map.png")


def test_article_highlight_shows_its_fact_and_boilerplate_toggles(
        page: Any, site: dict[str, Any], shots: list[Path]) -> None:
    page.goto(f"{site['base']}/articles/{site['article']}")
    panel = page.locator("#panel-body")
    assert panel.inner_text().strip() == ""
    statement = page.locator("#text .hl.k-statement").first
    statement.click()
    assert "selected" in (statement.get_attribute("class") or "")
    assert panel.locator("section.fact-statement").count() >= 1
    text = panel.inner_text()
    assert "speaker" in text and "stance" in text
    figure = page.locator("#text .hl.k-figure").first
    if figure.count():
        figure.click()
        assert panel.locator("section.fact-figure").count() >= 1
    removed = page.locator("#text .removed")
    assert removed.count() >= 1 and not removed.first.is_visible()
    page.click("#toggle-removed")
    assert removed.first.is_visible()
    assert page.get_attribute("#toggle-removed", "aria-pressed") == "true"
    screenshot(page, shots, "article.png")
    page.click("#toggle-removed")
    assert not removed.first.is_visible()
    page.uncheck("input[data-kind=statement]")
    assert "hide-statement" in (page.get_attribute("#text", "class") or "")
    assert not page.problems, page.problems


def test_entity_page_draws_activity(page: Any, site: dict[str, Any], shots: list[Path]) -> None:
    entity = next(e["id"] for e in site["story"]["entities"] if e["type"] == "PERSON")
    page.goto(f"{site['base']}/entities/{quote(entity)}")
    page.wait_for_selector("#activity svg rect.bar")
    assert "Said by" in page.locator("main").inner_text()
    assert not page.problems, page.problems
    screenshot(page, shots, "entity.png")


def test_no_payload_runs_on_any_page(page: Any, site: dict[str, Any]) -> None:
    hostile = site["hostile"]
    urls = ["/", "/stories", "/stories?q=Kharkiv", "/articles", "/articles?q=pwned",
            f"/articles/{hostile['article']}", f"/entities/{quote(hostile['entity'])}"]
    if hostile["story"]:
        urls.append(f"/stories/{hostile['story']}")
    for url in urls:
        page.goto(site["base"] + url)
        page.wait_for_load_state("networkidle")
        for span in page.locator("#text .hl").all()[:30]:
            span.hover()
            span.click()
        assert page.evaluate("typeof window.__pwned") == "undefined", url
    for url in (f"/articles/{hostile['article']}", "/articles?q=pwned"):
        page.goto(site["base"] + url)
        assert "<script>window.__pwned=1</script>" in page.locator("main").inner_text(), url
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.problems, page.problems
