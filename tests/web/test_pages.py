"""Dashboard pages in-process (TestClient): overview, dyad timeline and day view, map, article
reader, search, errors — and hostile article text shown as text everywhere."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import Markup

from flashpoint.model import Article
from flashpoint.store import Store, open_store
from flashpoint.web import assets, page_text, svg


class Tags(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def assert_inert(html: str) -> Tags:
    """No script, no inline style, no event-handler attribute, no non-http(s) link."""
    doc = parse(html)
    for tag, attrs in doc.tags:
        assert tag not in ("script", "style", "iframe", "object", "embed", "img"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style", (tag, attrs)
            if name in ("href", "src", "action") and value:
                assert value.startswith(("/", "?", "#", "http://", "https://")), (tag, value)
    return doc


@pytest.fixture(scope="module")
def client(page_store: tuple[Store, dict[str, Article]],
           app_factory: Callable[..., FastAPI]) -> Iterator[TestClient]:
    with TestClient(app_factory(page_store[0])) as c:
        yield c


@pytest.fixture(scope="module")
def arts(page_store: tuple[Store, dict[str, Article]]) -> dict[str, Article]:
    return page_store[1]


def test_overview_ranks_dyads_with_sparklines_alerts_and_search(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    doc = assert_inert(r.text)
    links = [a.get("href") for t, a in doc.tags if t == "a"]
    assert "/dyad/SRB/KSV" in links and "/dyad/KSV/SRB" in links
    assert r.text.count('class="sparkline"') >= 2
    assert 'class="spark-bar"' in r.text  # conflict events drawn
    forms = [a for t, a in doc.tags if t == "form" and a.get("action") == "/search"]
    assert forms and all(a.get("method") == "get" for a in forms)
    assert "single source" in r.text  # the alert's flag
    assert "/dyad/SRB/KSV?day=2024-09-23" in links  # the alert links to its day


def test_overview_filters_by_actor_in_the_url(client: TestClient) -> None:
    r = client.get("/", params={"actor": "ksv", "top": "1"})
    assert r.status_code == 200
    assert r.text.count('class="dyad-link"') == 1
    assert 'value="KSV"' in r.text


def test_dyad_timeline_has_stacked_bars_goldstein_alerts_and_coverage(
        client: TestClient) -> None:
    r = client.get("/dyad/SRB/KSV", params={"since": "2024-09-20", "until": "2024-09-26"})
    assert r.status_code == 200
    assert_inert(r.text)
    assert r.text.count('class="day-link"') == 6  # every calendar day, 20..25 Sep
    assert 'class="bar q4"' in r.text  # MOBILIZE, material conflict
    assert 'class="goldstein" pointer-events="none"' in r.text  # never takes a day's click
    assert 'class="alert-marker alert-esc"' in r.text
    assert 'class="day nocover"' in r.text  # 20-22 Sep: no article about either side
    assert "/dyad/SRB/KSV?since=2024-09-20&amp;until=2024-09-26&amp;day=2024-09-23" in r.text


def test_dyad_day_lists_events_with_codes_evidence_and_source_links(
        client: TestClient, arts: dict[str, Article], web_text: SimpleNamespace) -> None:
    r = client.get("/dyad/SRB/KSV", params={"day": "2024-09-23"})
    assert r.status_code == 200
    doc = assert_inert(r.text)
    assert "MOBILIZE" in r.text and "CAMEO 154" in r.text
    assert web_text.calm[0] in r.text
    hrefs = [a.get("href") for t, a in doc.tags if t == "a"]
    assert "https://calm.example/news/2024-09-23" in hrefs
    assert f"/articles/{arts['calm'].article_id}" in hrefs
    # the reply (KSV -> SRB REQUEST on 24 Sep) is not an event of this day
    assert 'data-plover="REQUEST"' not in r.text
    nxt = client.get("/dyad/SRB/KSV", params={"day": "2024-09-24"})
    assert 'data-plover="REQUEST"' in nxt.text  # other events of the day, either side


def test_map_draws_points_sized_by_events(client: TestClient) -> None:
    r = client.get("/map")
    assert r.status_code == 200
    doc = assert_inert(r.text)
    circles = [a for t, a in doc.tags if t == "circle"]
    assert sorted(int(c["data-events"] or 0) for c in circles) == [2, 2]
    def sizes(**query: str) -> list[int]:
        page = client.get("/map", params=query).text
        return sorted(int(a["data-events"] or 0) for t, a in parse(page).tags if t == "circle")

    assert sizes(plover="MOBILIZE") == [1]  # the calm article's, at Northtown
    assert sizes(quad="4") == [1, 1]  # MOBILIZE at Northtown, COERCE at Badtown
    assert sizes(since="2024-09-24") == [1, 1]  # the replies of the second day
    assert sizes(until="2024-09-01") == []
    framed = [a["viewbox"] for t, a in parse(r.text).tags if t == "svg" and "viewbox" in a]
    assert framed and framed[0] != "-180 -90 360 180"  # zoomed on the events
    world = client.get("/map", params={"world": "1"}).text
    assert 'viewBox="-180 -90 360 180"' in world
    here = next(a["href"] for t, a in parse(r.text).tags
                if t == "a" and (a.get("href") or "").startswith("/search?place=Northtown"))
    found = client.get(here or "").text
    assert found.count('class="event quad') == 2  # the calm MOBILIZE and REQUEST
    if assets.find_atlas() is not None:
        assert 'class="country"' in r.text


def test_map_without_outlines_says_how_to_install(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("flashpoint.web.pages.country_paths", lambda *_a, **_k: None)
    r = client.get("/map")
    assert r.status_code == 200
    assert 'class="country"' not in r.text
    assert "not installed" in r.text and "npm install" in r.text
    assert 'class="point"' in r.text


def test_article_reader_marks_evidence_and_quotes(
        client: TestClient, arts: dict[str, Article], web_text: SimpleNamespace) -> None:
    r = client.get(f"/articles/{arts['calm'].article_id}")
    assert r.status_code == 200
    assert_inert(r.text)
    assert f'">{web_text.calm[0]}</mark>' in r.text
    assert '<span class="quote" title="quote: the prime minister &lt;u&gt;">' in r.text
    assert "Coded reports in this article" in r.text and "MOBILIZE" in r.text


def test_hostile_article_is_text_everywhere(
        client: TestClient, arts: dict[str, Article], web_text: SimpleNamespace) -> None:
    hostile = arts["hostile"]
    pages = ["/", "/dyad/SRB/KSV?day=2024-09-23", "/dyad/SRB/KSV?day=2024-09-24", "/map",
             f"/articles/{hostile.article_id}", "/search?q=script", "/search?q=deployed"]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        doc = assert_inert(r.text)
        injected = [t for t, _ in doc.tags if t in ("b", "i", "u")]
        assert not injected, (url, injected)  # <b>, <i>, <u> only come from the articles
    reader = client.get(f"/articles/{hostile.article_id}").text
    text = "".join(parse(reader).text)
    assert web_text.script in text and web_text.template in text  # shown literally
    assert web_text.js_link in text
    assert "49" not in text  # {{ 7 * 7 }} was not evaluated
    assert web_text.url in text  # the javascript: URL is shown as text, not as a link
    assert "&lt;script&gt;" in reader
    assert web_text.place in "".join(parse(client.get("/map").text).text)


def test_search_finds_evidence_and_marks_terms(client: TestClient) -> None:
    r = client.get("/search", params={"q": "brigades"})
    assert r.status_code == 200
    assert_inert(r.text)
    assert '<mark class="term">brigades</mark>' in r.text
    assert r.text.count('class="event quad') == 1
    none = client.get("/search", params={"q": "zzzunknownword"})
    assert 'class="event quad' not in none.text
    assert client.get("/search").status_code == 200  # empty form


def test_errors_are_html_pages_with_status(client: TestClient) -> None:
    bad = client.get("/dyad/SRB/KSV", params={"day": "29 Sep"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    assert bad.headers["content-type"].startswith("text/html")
    assert client.get("/articles/0000000000000000").status_code == 404
    assert client.get("/dyad/AAA/BBB").status_code == 404
    assert client.get("/dyad/S%3CB/KSV").status_code == 400
    assert client.get("/map", params={"quad": "7"}).status_code == 400


def test_static_stylesheet_is_served(client: TestClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200 and ".q4" in r.text


def test_csp_header_when_the_app_sets_one(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers.get("content-security-policy")
    if csp is None:
        pytest.skip("create_app (web/app.py) is not built yet: no CSP header to check")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


# -- units -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "ok"), [
    ("https://a.example/x?y=1", True), ("http://a.example", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
    (" javascript:alert(1)", False), ("data:text/html,<script>", False),
    ("//evil.example/x", False), ("/relative", False), ("https://", False),
    ("https://a.example/\nx", False), ("", False), (None, False),
])
def test_safe_url_accepts_only_http_links(url: str | None, ok: bool) -> None:
    assert (page_text.safe_url(url) is not None) is ok


def test_highlight_nests_overlapping_spans_and_escapes() -> None:
    text = "A <b>bold</b> claim.\n\nSecond para."
    spans = [page_text.Span(0, 20, "evidence", "e<1>"), page_text.Span(2, 30, "quote", "q")]
    paras = page_text.highlight_article(text, spans)
    assert len(paras) == 2
    doc = parse(str(paras[0]))
    assert [t for t, _ in doc.tags] == ["mark", "span", "mark"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in paras[0]
    assert 'title="e&lt;1&gt;"' in paras[0]
    assert str(paras[1]).startswith('<span class="quote" title="q">Second')


def test_sparkline_escapes_its_label() -> None:
    out = svg.sparkline([0, 1, 3], label="<script>x</script>")
    assert isinstance(out, Markup)
    assert "<script>" not in out and out.count("spark-bar") == 2


def test_topojson_decoding(tmp_path: Path) -> None:
    topo: dict[str, Any] = {
        "type": "Topology", "transform": {"scale": [1, 1], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "Sq"}},
            {"type": "MultiPolygon", "arcs": [[[~1, ~0]]], "id": "002",
             "properties": {"name": "Rev"}},
            {"type": None, "id": "003", "properties": {"name": "Empty"}}]}}}
    countries = assets.decode_countries(topo)
    assert [c.name for c in countries] == ["Sq", "Rev"]
    assert countries[0].path == "M10 -20L12 -20L12 -22L10 -22L10 -20Z"
    assert countries[1].path == "M10 -20L10 -22L12 -22L12 -20L10 -20Z"
    (tmp_path / "world-atlas").mkdir()
    (tmp_path / "world-atlas" / "countries-110m.json").write_text(json.dumps(topo))
    found = assets.country_paths(tmp_path)
    assert found is not None and len(found) == 2
    assert assets.find_atlas(tmp_path / "nothing", env={}, default=None) is None
    (tmp_path / "world-atlas" / "countries-110m.json").write_text('{"type": "Other"}')
    with pytest.raises(Exception, match="not a TopoJSON"):
        assets.country_paths(tmp_path)


def test_installed_world_atlas_has_the_balkans() -> None:
    if assets.find_atlas() is None:
        pytest.skip("world-atlas is not installed (make install, or npm install --prefix "
                    "build/web world-atlas@2)")
    names = {c.name for c in assets.country_paths() or ()}
    assert {"Serbia", "Kosovo", "Albania"} <= names
    assert len(names) > 150


@pytest.mark.slow
def test_sample_corpus_day_shows_the_demand_on_serbia(
        sample_db: Path, app_factory: Callable[..., FastAPI]) -> None:
    """On the bundled corpus: SRB -> KSV, 29 Sep 2023 lists that day's events with either
    side, among them the US REQUEST that Serbia withdraw, with its sentence and sources."""
    with open_store(sample_db) as store, TestClient(app_factory(store)) as c:
        r = c.get("/dyad/SRB/KSV", params={"day": "2023-09-29"})
        assert r.status_code == 200
        assert_inert(r.text)
        assert 'data-plover="REQUEST"' in r.text
        assert "withdraw" in r.text
        assert "https://adriaticwire.example/" in r.text
