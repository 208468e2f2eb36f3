"""Fixtures for the store tests: synthetic articles (never text from ../shared)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from flashpoint import ids
from flashpoint.dedup import signature
from flashpoint.model import Actor, Article, Magnitude, Mention, Place, PublishedStatus
from flashpoint.options import Options
from flashpoint.store import LocalStore, Store, open_store

WORDS = [f"{a}{b}" for a in ("ka", "lo", "mi", "ne", "po", "ru", "si", "ta", "vu", "ze")
         for b in ("dan", "mer", "sol", "tik", "bra", "qen", "lum", "fos", "gri", "hev",
                   "jor", "kul", "nip", "osk", "pra", "rit", "sov", "tun", "vel", "wox")]


def words(seed: int, n: int = 120) -> str:
    """A deterministic synthetic text of ``n`` words."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_article(
    text: str,
    url: str | None = None,
    *,
    source: str | None = "Outlet A",
    published: datetime | None = None,
    title: str | None = None,
    raw: bytes | None = None,
) -> Article:
    canonical = ids.canonical_url(url)
    return Article(
        article_id=ids.article_id(canonical, text),
        content_sha=ids.content_sha(text),
        title=title if title is not None else text[:30],
        text=text,
        origin=url or "stdin:1",
        url=url,
        canonical_url=canonical,
        source=source,
        published=published,
        published_status=PublishedStatus.GIVEN if published else PublishedStatus.UNKNOWN,
        lang="en",
        raw=raw if raw is not None else text.encode(),
        raw_sha=ids.sha256_hex(raw if raw is not None else text.encode()),
    )


@pytest.fixture
def opts() -> Options:
    return Options()


@pytest.fixture
def pair(opts: Options) -> Callable[[Article], tuple[Article, bytes]]:
    def make(article: Article) -> tuple[Article, bytes]:
        return article, signature(article.text, opts)

    return make


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


@pytest.fixture
def store(db_path: Path, opts: Options) -> Iterator[Store]:
    st = open_store(db_path, opts)
    assert st.is_owner
    try:
        yield st
    finally:
        st.close()


def dump(store: Store) -> dict[str, Any]:
    """Every row of every article table (timestamps included) of an owner store."""
    assert isinstance(store, LocalStore)
    out: dict[str, Any] = {}
    with store._reader() as cur:
        for table in ("articles", "article_versions", "sightings", "stories"):
            out[table] = sorted(map(repr, cur.execute(f"SELECT * FROM {table}").fetchall()))
    return out


@pytest.fixture
def text_of() -> Callable[..., str]:
    return words


@pytest.fixture
def article() -> Callable[..., Article]:
    return make_article


@pytest.fixture
def dumper() -> Callable[[Store], dict[str, Any]]:
    return dump


# -- coded records (issue 3): mentions built directly from model.py records ---------------------

SRB_POLICE = Actor(text="Serbian police", code="SRBCOP", country="SRB", role="COP", span=(0, 14))
KOSOVO = Actor(text="Kosovo", code="KSV", country="KSV")
NATO = Actor(text="NATO", code="IGOWSTNAT", country=None, group="NAT", state=False)


def make_mention(
    article: Article,
    n: int,
    event_date: str | None = "2024-09-24",
    *,
    source: Actor = SRB_POLICE,
    target: Actor | None = KOSOVO,
    cameo: str = "190",
    quad: int = 4,
    goldstein: float = -10.0,
    plover: str | None = "ASSAULT",
    confidence: float = 0.5,
    location: Place | None = None,
    background: bool = False,
    negated: bool = False,
    tone: float | None = None,
    sentence: str | None = None,
    precision: str = "day",
    tag: str = "",
) -> Mention:
    """Mention number ``n`` of ``article`` (its id depends on the article version's text)."""
    return Mention(
        mention_id=ids.short_id("mention", article.article_id, article.content_sha, n, tag),
        article_id=article.article_id, sentence_index=n,
        sentence=sentence if sentence is not None else f"Report {n} on {article.title}.",
        source=source, target=target, cameo=cameo, cameo_root=cameo[:2], quad_class=quad,
        penta_class=quad, goldstein=goldstein, plover=plover, plover_mode=None,
        event_date=event_date, date_precision=precision if event_date else "unknown",
        background=background, trigger_span=(2, 8), magnitude=Magnitude(dead=1),
        location=location, tone=tone, confidence=confidence, rule="test", coder_version="t1",
        negated=negated,
    )


def place(country: str | None, precision: str = "point", name: str = "Somewhere") -> Place:
    return Place(text=name, place_name=name, country=country, lat=42.0, lon=20.0,
                 geo_precision=precision)


@pytest.fixture
def mention() -> Callable[..., Mention]:
    return make_mention


@pytest.fixture
def stored(opts: Options) -> Callable[..., list[Article]]:
    """Store synthetic articles (one per published date given) and return them as stored."""

    def make(store: Store, *published: datetime | None, source: str | None = "Outlet A",
             seed: int = 0) -> list[Article]:
        arts = [make_article(words(1000 + seed * 100 + i), f"https://n.example/{seed}/{i}",
                             published=when, source=source, title=f"Story {seed}-{i}")
                for i, when in enumerate(published)]
        out = store.add_articles([(a, signature(a.text, opts)) for a in arts])
        return [replace(a, story_id=o.story_id, version=o.version) for a, o in zip(arts, out,
                                                                                     strict=True)]

    return make


@pytest.fixture
def mem(opts: Options) -> Iterator[Store]:
    """A private in-memory store (fast)."""
    st = open_store(":memory:", opts)
    try:
        yield st
    finally:
        st.close()


@pytest.fixture
def place_of() -> Callable[..., Place]:
    return place
