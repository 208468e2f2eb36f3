"""The dashboard in a real browser: Debian's Chromium driven by Playwright, headless, against
uvicorn on 127.0.0.1 serving the sample corpus (Serbia–Kosovo, 24 Sep – 8 Oct 2023) plus the
hostile test article.

Flow: overview → SRB → KSV → click 29 Sep → the day's MOBILIZE / REQUEST events and their
sentences; the map shows point circles; the article reader marks evidence; the hostile article
runs no script (no dialog, no window flag, no CSP violation).  Screenshots go to
``test-artifacts/``.  Timings are printed, never asserted.

Skips with the reason when /usr/bin/chromium or playwright is missing.  Never downloads a
browser (no ``playwright install``).
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI

from flashpoint.store import open_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Runs before any page script: records CSP violations and dialogs the page might open.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed (pip install playwright)"
    return None


if (_reason := _missing()) is not None:
    pytestmark.append(pytest.mark.skip(reason=_reason))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url(sample_db: Path, app_factory: Callable[..., FastAPI]) -> Iterator[str]:
    import uvicorn

    store = open_store(sample_db)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app_factory(store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True, name="test-uvicorn")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start on 127.0.0.1")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        store.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000})
        context.add_init_script(WATCH)
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    pg = browser.new_page()
    pg.dialogs = []  # every alert()/confirm() a page opens (there must be none)
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.console_csp = []
    pg.on("console", lambda m: pg.console_csp.append(m.text)
          if "Content Security Policy" in m.text else None)
    try:
        yield pg
    finally:
        pg.close()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _clean(page: Any) -> None:
    """No dialog, no CSP violation, no flag set by injected script."""
    assert page.dialogs == []
    assert page.evaluate("window.__csp") == []
    assert page.console_csp == []
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_overview_to_dyad_day_events(page: Any, base_url: str) -> None:
    started = time.perf_counter()
    page.goto(base_url + "/")
    page.wait_for_load_state("load")
    elapsed = time.perf_counter() - started
    server_ms = page.locator("p.meta").inner_text()
    print(f"\noverview: loaded in the browser in {elapsed * 1000:.0f} ms; {server_ms}")
    assert page.locator("svg.sparkline").count() > 0
    assert page.locator("li.alert").count() > 0
    _shot(page, "overview")

    page.locator("a.dyad-link", has_text="SRB → KSV").first.click()
    page.wait_for_url("**/dyad/SRB/KSV")
    assert page.locator("svg.timeline a.day-link").count() >= 14  # 24 Sep .. 8 Oct
    assert page.locator("svg.timeline rect.bar").count() > 0
    _shot(page, "dyad_srb_ksv")

    page.locator('svg.timeline a.day-link[data-day="2023-09-29"]').click()
    page.wait_for_url("**/dyad/SRB/KSV?day=2023-09-29")
    day = page.locator("section.day-view")
    plovers = day.locator("li.event").evaluate_all(
        "els => els.map(e => e.getAttribute('data-plover'))")
    assert "REQUEST" in plovers and "MOBILIZE" in plovers, plovers
    request = day.locator('li.event[data-plover="REQUEST"]').first
    assert "withdraw" in request.locator("blockquote.evidence-sentence").inner_text()
    mobilize = day.locator('li.event[data-plover="MOBILIZE"]').first
    assert mobilize.locator("blockquote.evidence-sentence").inner_text().strip()
    assert day.locator("ul.sources a.ext").count() > 0  # source links
    _shot(page, "dyad_srb_ksv_2023-09-29")
    _clean(page)


def test_map_shows_points(page: Any, base_url: str) -> None:
    page.goto(base_url + "/map")
    circles = page.locator("svg.map circle.point")
    assert circles.count() > 3
    box = circles.first.bounding_box()
    assert box is not None and box["width"] > 0  # rendered, not just present
    assert page.locator("svg.map path.country").count() > 0 or page.locator(
        ".outlines-missing").count() == 1
    _shot(page, "map")
    _clean(page)


def test_article_reader_highlights_evidence(page: Any, base_url: str) -> None:
    page.goto(base_url + "/dyad/SRB/KSV?day=2023-09-29")
    page.locator("ul.sources a", has_text="read with evidence").first.click()
    page.wait_for_url("**/articles/*")
    marks = page.locator("article.reader mark.evidence")
    assert marks.count() > 0
    assert marks.first.inner_text().strip()
    assert page.locator("article.reader span.quote").count() >= 0
    _shot(page, "article")
    _clean(page)


def test_hostile_article_runs_no_script(page: Any, base_url: str,
                                        web_text: SimpleNamespace) -> None:
    day = web_text.sample_days[0]
    page.goto(base_url + f"/dyad/XXA/XXB?day={day}")
    links = page.locator("ul.sources a", has_text="read with evidence")
    assert links.count() > 0
    hrefs = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href') || '')")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")]
    _clean(page)
    hostile = [h for h in page.locator("ul.sources a", has_text="read with evidence")
               .evaluate_all("els => els.map(e => e.getAttribute('href'))")]
    for href in dict.fromkeys(hostile):
        page.goto(base_url + href)
        body = page.locator("body").inner_text()
        if web_text.script not in body:
            continue  # the calm article
        assert web_text.template in body and web_text.url in body
        assert page.locator("article.reader mark.evidence").count() > 0
        assert page.locator("article.reader script, article.reader img").count() == 0
        _shot(page, "hostile_article")
        _clean(page)
        break
    else:
        pytest.fail("the hostile article was not linked from its day")
    for url in ("/", "/map", "/search?q=script"):
        page.goto(base_url + url)
        _clean(page)
    page.goto(base_url + "/search?q=script")
    assert web_text.script in page.locator("main").inner_text()
