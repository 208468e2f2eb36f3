"""The write side of the owner: ``add_articles`` decides new / updated / duplicate / near-duplicate.

Called only by ``LocalStore`` under its write lock, one transaction per call.  Every write is
keyed by ``article_id`` + ``content_sha`` so replaying a batch stores nothing twice.

The near-duplicate index (``DedupState``) lives in the owner's memory, loaded lazily from the
stored signatures of articles ingested within ``dedup_window_days`` of the newest ingest, and
trimmed to that window as new articles arrive.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from .. import dedup
from ..ids import content_sha, sha256_hex
from ..model import Article
from ..options import Options
from .base import AddOutcome, to_utc_naive

_TS = pa.timestamp("us")

VERSION_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("version", pa.int32()), ("content_sha", pa.string()),
    ("title", pa.string()), ("text", pa.string()), ("raw", pa.binary()),
    ("raw_sha", pa.string()), ("origin", pa.string()), ("url", pa.string()),
    ("canonical_url", pa.string()), ("source", pa.string()), ("author", pa.string()),
    ("published", _TS), ("published_offset_min", pa.int32()),
    ("published_status", pa.string()), ("lang", pa.string()), ("lang_score", pa.float64()),
    ("tone", pa.float64()), ("ingested_at", _TS),
])

ARTICLE_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("version", pa.int32()), ("content_sha", pa.string()),
    ("title", pa.string()), ("text", pa.string()), ("origin", pa.string()),
    ("url", pa.string()), ("canonical_url", pa.string()), ("source", pa.string()),
    ("author", pa.string()), ("published", _TS), ("published_offset_min", pa.int32()),
    ("published_status", pa.string()), ("lang", pa.string()), ("lang_score", pa.float64()),
    ("raw_sha", pa.string()), ("story_id", pa.string()), ("tone", pa.float64()),
    ("minhash", pa.binary()), ("ingested_at", _TS),
])

SIGHTING_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("source", pa.string()), ("url", pa.string()),
    ("origin", pa.string()), ("seen_at", _TS),
])

_STORIES_SQL = """
INSERT OR REPLACE INTO stories BY NAME
WITH m AS (
    SELECT a.* FROM articles a WHERE a.story_id IN (SELECT story_id FROM _touched)
),
seen AS (
    SELECT m.story_id, count(DISTINCT coalesce(s.source, '')) AS n, max(s.seen_at) AS last_seen
    FROM sightings s JOIN m ON s.article_id = m.article_id GROUP BY m.story_id
),
firsts AS (
    SELECT m.story_id, min(v.ingested_at) AS first_ingested
    FROM article_versions v JOIN m ON v.article_id = m.article_id GROUP BY m.story_id
),
agg AS (
    SELECT story_id,
           coalesce(max(title) FILTER (WHERE article_id = story_id),
                    arg_min(title, ingested_at)) AS title,
           min(published) AS first_published,
           max(published) AS last_published,
           count(*) AS num_articles,
           max(ingested_at) AS last_ingested
    FROM m GROUP BY story_id
)
SELECT agg.story_id, agg.title, agg.first_published, agg.last_published, agg.num_articles,
       coalesce(seen.n, 0) AS num_sources,
       coalesce(firsts.first_ingested, agg.last_ingested) AS first_ingested,
       greatest(agg.last_ingested, coalesce(seen.last_seen, agg.last_ingested)) AS last_ingested
FROM agg LEFT JOIN seen USING (story_id) LEFT JOIN firsts USING (story_id)
"""


@dataclass
class DedupState:
    """The owner's near-duplicate index over the dedup window (rebuilt lazily after a failure)."""

    options: Options
    index: dedup.StoryIndex | None = None
    story_of: dict[str, str] = field(default_factory=dict)
    indexed_at: dict[str, datetime] = field(default_factory=dict)
    order: deque[tuple[datetime, str]] = field(default_factory=deque)
    newest: datetime | None = None

    def reset(self) -> None:
        self.index = None
        self.story_of.clear()
        self.indexed_at.clear()
        self.order.clear()
        self.newest = None

    def ensure_loaded(self, con: duckdb.DuckDBPyConnection) -> dedup.StoryIndex:
        if self.index is not None:
            return self.index
        self.index = dedup.StoryIndex(self.options)
        rows = con.execute(
            "SELECT article_id, story_id, minhash, ingested_at FROM articles "
            "WHERE ingested_at >= (SELECT max(ingested_at) FROM articles) - to_days(?) "
            "ORDER BY ingested_at, article_id",
            [self.options.dedup_window_days],
        ).fetchall()
        width = 4 * self.options.minhash_perm
        stale = [r[0] for r in rows if r[2] is None or len(r[2]) != width]
        texts: dict[str, str] = {}
        if stale:  # stored with another minhash_perm: recompute from the stored text
            texts = dict(with_keys(
                con, stale,
                "SELECT a.article_id, a.text FROM articles a JOIN _keys k ON a.article_id = k.key",
            ))
        for article_id, story_id, sig, at in rows:
            if article_id in texts:
                sig = dedup.signature(texts[article_id], self.options)
            self.add(article_id, bytes(sig), story_id, at)
        return self.index

    def add(self, article_id: str, sig: bytes, story_id: str, at: datetime) -> None:
        assert self.index is not None
        self.index.add(article_id, sig)
        self.story_of[article_id] = story_id
        self.indexed_at[article_id] = at
        self.order.append((at, article_id))
        if self.newest is None or at > self.newest:
            self.newest = at

    def evict(self) -> None:
        """Forget articles ingested longer than the dedup window before the newest ingest."""
        if self.index is None or self.newest is None:
            return
        cutoff = self.newest - timedelta(days=self.options.dedup_window_days)
        while self.order and self.order[0][0] < cutoff:
            at, article_id = self.order.popleft()
            if self.indexed_at.get(article_id) == at:
                self.index.remove(article_id)
                self.story_of.pop(article_id, None)
                self.indexed_at.pop(article_id, None)


def with_keys(con: duckdb.DuckDBPyConnection, keys: list[str], sql: str) -> list[Any]:
    """Run ``sql`` with the table ``_keys(key)`` holding ``keys``.

    Keys go in as an Arrow table, not a list parameter: binding Python lists costs a failed
    ``import pandas`` per element in DuckDB's parameter conversion.
    """
    con.register("_keys", pa.table({"key": pa.array(keys, pa.string())}))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.unregister("_keys")


@dataclass
class _Plan:
    outcomes: list[AddOutcome] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)
    sightings: list[dict[str, Any]] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)


def prepare(article: Article, sig: bytes, options: Options) -> tuple[Article, bytes]:
    """Fill what the store keys on when the caller left it empty; recompute a foreign signature."""
    changes: dict[str, Any] = {}
    if not article.content_sha:
        changes["content_sha"] = content_sha(article.text)
    if article.raw and not article.raw_sha:
        changes["raw_sha"] = sha256_hex(article.raw)
    if changes:
        article = replace(article, **changes)
    if len(sig) != 4 * options.minhash_perm:
        sig = dedup.signature(article.text, options)
    return article, sig


def add_articles(
    con: duckdb.DuckDBPyConnection,
    state: DedupState,
    items: Sequence[tuple[Article, bytes]],
    options: Options,
    now: datetime,
) -> list[AddOutcome]:
    """Decide and store one batch in one transaction (the caller holds the write lock)."""
    if not items:
        return []
    prepared = [prepare(a, s, options) for a, s in items]
    con.execute("BEGIN TRANSACTION")
    try:
        index = state.ensure_loaded(con)
        plan = _decide(con, state, index, prepared, now)
        _write(con, plan)
        con.execute("COMMIT")
    except BaseException:
        state.reset()  # the in-memory index may hold articles that were not committed
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    state.evict()
    return plan.outcomes


def _decide(
    con: duckdb.DuckDBPyConnection,
    state: DedupState,
    index: dedup.StoryIndex,
    prepared: list[tuple[Article, bytes]],
    now: datetime,
) -> _Plan:
    shas = sorted({a.content_sha for a, _ in prepared})
    by_sha: dict[str, tuple[str, int]] = {
        sha: (aid, ver) for sha, aid, ver in with_keys(
            con, shas,
            "SELECT v.content_sha, v.article_id, v.version FROM article_versions v "
            "JOIN _keys k ON v.content_sha = k.key ORDER BY v.version",
        )
    }
    ids = sorted({a.article_id for a, _ in prepared} | {aid for aid, _ in by_sha.values()})
    current: dict[str, tuple[int, str]] = {
        aid: (ver, story) for aid, ver, story in with_keys(
            con, ids,
            "SELECT a.article_id, a.version, a.story_id FROM articles a "
            "JOIN _keys k ON a.article_id = k.key",
        )
    }
    stored_before = set(current)
    seen: set[tuple[str, str, str]] = set(with_keys(
        con, ids,
        "SELECT s.article_id, coalesce(s.source, ''), coalesce(s.url, '') FROM sightings s "
        "JOIN _keys k ON s.article_id = k.key",
    ))
    plan = _Plan()

    def sighting(article_id: str, art: Article, story: str) -> None:
        key = (article_id, art.source or "", art.url or "")
        if key not in seen:
            seen.add(key)
            plan.sightings.append({"article_id": article_id, "source": art.source,
                                   "url": art.url, "origin": art.origin, "seen_at": now})
            plan.touched.add(story)

    for art, sig in prepared:
        if art.content_sha in by_sha:
            target, ver = by_sha[art.content_sha]
            story = current[target][1]
            plan.outcomes.append(AddOutcome(target, "duplicate", story, ver))
            sighting(target, art, story)
            continue
        aid = art.article_id
        if aid in current:
            ver, story = current[aid][0] + 1, current[aid][1]
            status = "updated"
            if aid in stored_before:
                plan.replaced.add(aid)
        else:
            ver, status, story = 1, "new", aid
            matches = index.query(sig)
            if matches:
                status, story = "near_duplicate", state.story_of[matches[0][0]]
        state.add(aid, sig, story, now)
        by_sha[art.content_sha] = (aid, ver)
        current[aid] = (ver, story)
        plan.versions.append(_version_row(art, ver, now))
        plan.articles[aid] = _article_row(art, ver, story, sig, now)
        plan.touched.add(story)
        plan.outcomes.append(AddOutcome(aid, status, story, ver))
        sighting(aid, art, story)
    return plan


def _common(art: Article, version: int, now: datetime) -> dict[str, Any]:
    return {
        "article_id": art.article_id, "version": version, "content_sha": art.content_sha,
        "title": art.title, "text": art.text, "raw_sha": art.raw_sha, "origin": art.origin,
        "url": art.url, "canonical_url": art.canonical_url, "source": art.source,
        "author": art.author, "published": to_utc_naive(art.published),
        "published_offset_min": art.published_offset_min,
        "published_status": str(art.published_status), "lang": art.lang,
        "lang_score": art.lang_score, "tone": art.tone, "ingested_at": now,
    }


def _version_row(art: Article, version: int, now: datetime) -> dict[str, Any]:
    return {**_common(art, version, now), "raw": art.raw}


def _article_row(
    art: Article, version: int, story: str, sig: bytes, now: datetime
) -> dict[str, Any]:
    return {**_common(art, version, now), "story_id": story, "minhash": sig}


def _write(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    tables = {
        "_versions": pa.Table.from_pylist(plan.versions, schema=VERSION_SCHEMA),
        "_articles": pa.Table.from_pylist(list(plan.articles.values()), schema=ARTICLE_SCHEMA),
        "_sightings": pa.Table.from_pylist(plan.sightings, schema=SIGHTING_SCHEMA),
        "_touched": pa.table({"story_id": pa.array(sorted(plan.touched), pa.string())}),
    }
    for name, table in tables.items():
        con.register(name, table)
    try:
        if plan.replaced:
            with_keys(con, sorted(plan.replaced),
                       "DELETE FROM articles WHERE article_id IN (SELECT key FROM _keys)")
        if plan.versions:
            con.execute("INSERT INTO article_versions BY NAME SELECT * FROM _versions")
            con.execute("INSERT INTO articles BY NAME SELECT * FROM _articles")
        if plan.sightings:
            con.execute("INSERT INTO sightings BY NAME SELECT * FROM _sightings")
        if plan.touched:
            con.execute(_STORIES_SQL)
    finally:
        for name in tables:
            con.unregister(name)
