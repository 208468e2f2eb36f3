"""Fixtures for the web tests (dashboard pages; the API helper may add its own below).

- ``page_store``: a small in-memory store built from records (fast): a calm article about a
  synthetic SRB/KSV crisis and a *hostile* article whose text, title, URL, place names, quotes
  and alert evidence carry ``<script>``, ``onerror=``, ``javascript:`` and ``{{ }}``.
- ``sample_db``: the bundled sample corpus (examples/corpus) ingested once per session through
  ``examples/ingest_sample.py`` into a temporary DuckDB file (about 20 s), plus the hostile
  article.
- ``make_app(store)``: ``flashpoint.web.app.create_app`` when it exists (the real app, with its
  CSP), else a bare FastAPI with the pages mounted.

All text here is our own; nothing comes from ../shared.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI

from flashpoint import ids
from flashpoint.dedup import signature
from flashpoint.model import (
    Actor,
    Alert,
    Article,
    Coded,
    Magnitude,
    Mention,
    Place,
    PublishedStatus,
    Quote,
)
from flashpoint.options import Options
from flashpoint.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]

SRB = Actor(text="Serbian army", code="SRBMIL", country="SRB", role="MIL")
KSV = Actor(text="Kosovo's government", code="KSVGOV", country="KSV", role="GOV")

# Fictional actors for the hostile article inside the sample corpus store (not real countries,
# so the Serbia-Kosovo series of the sample stay as the corpus makes them).
XXA = Actor(text="Army of Xaland", code="XXAMIL", country="XXA", role="MIL")
XXB = Actor(text="Government of Xbia", code="XXBGOV", country="XXB", role="GOV")
DAYS = ("2024-09-23", "2024-09-24")
SAMPLE_DAYS = ("2023-10-02", "2023-10-03")

SCRIPT = "<script>window.__pwned = 1; alert('xss')</script>"
IMG = "<img src=x onerror=\"window.__pwned = 2\">"
JS_LINK = "javascript:window.__pwned=3"
TEMPLATE = "{{ 7 * 7 }} {% if true %}jinja{% endif %}"
HOSTILE_URL = "javascript:alert(document.domain)"
HOSTILE_PLACE = "<b onmouseover=\"window.__pwned=4\">Badtown</b>"
HOSTILE_ID_TITLE = "Headline <script>window.__pwned=5</script> {{ title }}"

CALM_SENTENCES = (
    "The Serbian army moved two brigades towards the boundary with Kosovo on Monday.",
    "Kosovo's government asked its allies on Tuesday to demand a withdrawal.",
    "\u201cWe will not accept troops at our border,\u201d the prime minister said.",
)
HOSTILE_SENTENCES = (
    f"The Serbian army {SCRIPT} deployed units near Badtown {IMG} on Monday.",
    f"Kosovo's government posted a link [{JS_LINK}] and wrote {TEMPLATE} in a demand.",
    "\u201cNothing here should run,\u201d a spokesman said.",
)


def _article(text: str, url: str | None, title: str, published: datetime) -> Article:
    canonical = ids.canonical_url(url)
    return Article(
        article_id=ids.article_id(canonical, text), content_sha=ids.content_sha(text),
        title=title, text=text, origin=url or "test:hostile", url=url, canonical_url=canonical,
        source="Test Outlet <i>", published=published,
        published_status=PublishedStatus.GIVEN, lang="en", raw=text.encode(),
        raw_sha=ids.sha256_hex(text.encode()))


def _mention(art: Article, n: int, sentence: str, *, day: str, cameo: str, plover: str,
             quad: int, goldstein: float, source: Actor, target: Actor,
             place: Place | None) -> Mention:
    return Mention(
        mention_id=ids.short_id("mention", art.article_id, art.content_sha, n),
        article_id=art.article_id, sentence_index=n, sentence=sentence, source=source,
        target=target, cameo=cameo, cameo_root=cameo[:2], quad_class=quad, penta_class=quad,
        goldstein=goldstein, plover=plover, plover_mode=None, event_date=day,
        date_precision="day", background=False, trigger_span=(4, 10), magnitude=Magnitude(),
        location=place, confidence=0.9, rule="test", coder_version="test")


def _quote(art: Article, sentence: str, who: str) -> Quote:
    start = art.text.index(sentence) + 1
    end = start + sentence[1:].index("\u201d")
    return Quote(quote_id=ids.short_id("quote", art.article_id, start), article_id=art.article_id,
                 text=art.text[start:end], span=(start, end), partial=False, speaker_text=who)


def _coded(art: Article, sentences: tuple[str, ...], place: Place, days: tuple[str, str],
           sides: tuple[Actor, Actor], *, hostile: bool = False) -> Coded:
    """Calm: MOBILIZE on day 0 and a REQUEST back on day 1; hostile: COERCE and ACCUSE (other
    CAMEO roots, so they stay events of their own)."""
    src, tgt = sides
    first = ("173", "COERCE", 4, -5.0) if hostile else ("154", "MOBILIZE", 4, -7.2)
    second = ("112", "ACCUSE", 3, -2.0) if hostile else ("106", "REQUEST", 3, -5.0)
    return Coded(
        article_id=art.article_id,
        mentions=(
            _mention(art, 0, sentences[0], day=days[0], cameo=first[0], plover=first[1],
                     quad=first[2], goldstein=first[3], source=src, target=tgt, place=place),
            _mention(art, 1, sentences[1], day=days[1], cameo=second[0], plover=second[1],
                     quad=second[2], goldstein=second[3], source=tgt, target=src, place=place),
        ),
        quotes=(_quote(art, sentences[2], "the prime minister <u>"),),
        places=(place,))


def add_test_articles(store: Store, options: Options, *,
                      sides: tuple[Actor, Actor] = (SRB, KSV),
                      days: tuple[str, str] = DAYS) -> dict[str, Article]:
    """Store the calm and the hostile article with their coding; return them by name.

    The calm article is published on ``days[0]``, the hostile one on ``days[1]``; each reports a
    MOBILIZE of ``sides[0]`` against ``sides[1]`` on ``days[0]`` and a REQUEST back on
    ``days[1]``."""
    first, second = (datetime.fromisoformat(d).replace(hour=9, tzinfo=UTC) for d in days)
    calm = _article("\n\n".join(CALM_SENTENCES), f"https://calm.example/news/{days[0]}",
                    "Troops move towards the boundary", first)
    hostile = _article("\n\n".join(HOSTILE_SENTENCES), HOSTILE_URL, HOSTILE_ID_TITLE, second)
    outcomes = store.add_articles([(a, signature(a.text, options)) for a in (calm, hostile)])
    calm, hostile = (replace(a, story_id=o.story_id, version=o.version)
                     for a, o in zip((calm, hostile), outcomes, strict=True))
    town = Place(text="Northtown", place_name="Northtown", country="KSV", lat=42.9, lon=20.8,
                 geo_precision="point")
    bad = Place(text=HOSTILE_PLACE, place_name=HOSTILE_PLACE, country="KSV", lat=42.6, lon=21.1,
                geo_precision="point")
    store.add_coded([_coded(calm, CALM_SENTENCES, town, days, sides),
                     _coded(hostile, HOSTILE_SENTENCES, bad, days, sides, hostile=True)])
    return {"calm": calm, "hostile": hostile}


def hostile_alert(hostile: Article) -> Alert:
    """An alert whose evidence is the hostile sentence (as the signal would quote it)."""
    return Alert(
        alert_id="feedfacecafebeef", revision=1, source="SRB", target="KSV", day="2024-09-23",
        direction="escalation", channel="material", score=4.2, baseline={"test": "spike"},
        state="new", num_sources=1, single_source=True,
        top_events=({"event_id": "x", "evidence": HOSTILE_SENTENCES[0],
                     "articles": [{"article_id": hostile.article_id, "url": HOSTILE_URL,
                                   "title": HOSTILE_ID_TITLE, "source": "Test Outlet"}]},),
        coder_version="test", as_of=datetime(2024, 9, 25, tzinfo=UTC))


def make_app(store: Store, options: Options | None = None) -> FastAPI:
    """The real app when ``create_app`` exists (CSP and API included), else pages only."""
    opts = options or Options()
    try:
        app_module = importlib.import_module("flashpoint.web.app")
    except ImportError:
        app_module = None
    if app_module is not None:
        app: FastAPI = app_module.create_app(opts, store=store)
        return app
    from flashpoint.web.pages import mount

    app = FastAPI()
    app.state.store = store
    app.state.options = opts
    mount(app)
    return app


@pytest.fixture(scope="module")
def page_store() -> Iterator[tuple[Store, dict[str, Article]]]:
    opts = Options()
    store = open_store(":memory:", opts)
    try:
        arts = add_test_articles(store, opts)
        store.save_alerts([hostile_alert(arts["hostile"])])
        yield store, arts
    finally:
        store.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested (with coding and alerts) into a temporary store, plus the
    hostile test article."""
    db = tmp_path_factory.mktemp("web_sample") / "sample.duckdb"
    subprocess.run([sys.executable, str(ROOT / "examples" / "ingest_sample.py"), "--db",
                    str(db)], check=True, capture_output=True, timeout=600, cwd=ROOT)
    opts = Options(db=str(db))
    with open_store(db, opts) as store:
        add_test_articles(store, opts, sides=(XXA, XXB), days=SAMPLE_DAYS)
    return db


@pytest.fixture(scope="session")
def app_factory() -> Callable[..., FastAPI]:
    """``make_app``: the app to test for a store."""
    return make_app


@pytest.fixture(scope="session")
def web_text() -> SimpleNamespace:
    """The texts of the test articles, for assertions (hostile pieces included)."""
    return SimpleNamespace(
        calm=CALM_SENTENCES, hostile=HOSTILE_SENTENCES, script=SCRIPT, img=IMG,
        js_link=JS_LINK, template=TEMPLATE, url=HOSTILE_URL, place=HOSTILE_PLACE,
        title=HOSTILE_ID_TITLE, sample_days=SAMPLE_DAYS)
