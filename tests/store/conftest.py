"""Fixtures for the store tests: synthetic articles (never text from ../shared)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from flashpoint import ids
from flashpoint.dedup import signature
from flashpoint.model import Article, PublishedStatus
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
