"""The read side: plain functions over a DuckDB cursor, returning model records.

The owner runs them on a cursor of its own per request, so they see the last committed snapshot
and are never blocked by a write transaction in progress.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from ..errors import NotFoundError
from ..model import Article, PublishedStatus
from .base import StoryRow, check_page, from_utc_naive, to_utc_naive
from .schema import current_version

# Columns shared by ``articles`` and ``article_versions``, in the order ``_article`` reads them.
_FIELDS = (
    "article_id", "content_sha", "title", "text", "origin", "url", "canonical_url", "source",
    "author", "published", "published_offset_min", "published_status", "lang", "lang_score",
    "raw_sha", "version", "tone",
)


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{name}" for name in _FIELDS)


def _article(row: tuple[Any, ...], story_id: str | None, raw: bytes | None) -> Article:
    rec = dict(zip(_FIELDS, row, strict=True))
    return Article(
        article_id=rec["article_id"],
        content_sha=rec["content_sha"],
        title=rec["title"],
        text=rec["text"],
        origin=rec["origin"],
        url=rec["url"],
        canonical_url=rec["canonical_url"],
        source=rec["source"],
        author=rec["author"],
        published=from_utc_naive(rec["published"]),
        published_offset_min=rec["published_offset_min"],
        published_status=PublishedStatus(rec["published_status"]),
        lang=rec["lang"],
        lang_score=rec["lang_score"],
        raw=bytes(raw) if raw else b"",
        raw_sha=rec["raw_sha"],
        story_id=story_id,
        version=int(rec["version"]),
        tone=rec["tone"],
    )


def articles(
    cur: duckdb.DuckDBPyConnection,
    *,
    story: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Article]:
    """Current versions, newest published first (unknown dates last); ``raw`` is omitted.

    ``since`` is inclusive and ``until`` exclusive, both on the publication time; articles of
    unknown date are left out when either bound is given.
    """
    check_page(limit, offset)
    where: list[str] = []
    params: list[Any] = []
    if story is not None:
        where.append("a.story_id = ?")
        params.append(story)
    if since is not None:
        where.append("a.published >= ?")
        params.append(to_utc_naive(since))
    if until is not None:
        where.append("a.published < ?")
        params.append(to_utc_naive(until))
    sql = f"SELECT {_cols('a')}, a.story_id FROM articles a"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += (" ORDER BY a.published DESC NULLS LAST, a.ingested_at DESC, a.article_id"
            " LIMIT ? OFFSET ?")
    rows = cur.execute(sql, [*params, limit, offset]).fetchall()
    return [_article(r[:-1], r[-1], None) for r in rows]


def get_article(
    cur: duckdb.DuckDBPyConnection,
    article_id: str,
    *,
    version: int | None = None,
    with_raw: bool = False,
) -> Article:
    """One article: the current version, or ``version``; ``raw`` only when ``with_raw``."""
    raw_col = "v.raw" if with_raw else "NULL"
    if version is None:
        row = cur.execute(
            f"SELECT {_cols('a')}, a.story_id, {raw_col} FROM articles a "
            "LEFT JOIN article_versions v ON v.article_id = a.article_id AND v.version = a.version "
            "WHERE a.article_id = ?", [article_id],
        ).fetchone()
    else:
        row = cur.execute(
            f"SELECT {_cols('v')}, a.story_id, {raw_col} FROM article_versions v "
            "JOIN articles a ON a.article_id = v.article_id "
            "WHERE v.article_id = ? AND v.version = ?", [article_id, version],
        ).fetchone()
    if row is None:
        what = f"article {article_id!r}" + (f" has no version {version}" if version is not None
                                           else " is not in the store")
        raise NotFoundError(what, "list stored articles with `flashpoint articles`",
                            subject=article_id)
    return _article(row[:-2], row[-2], row[-1])


def article_versions(cur: duckdb.DuckDBPyConnection, article_id: str) -> list[Article]:
    """Every stored version of an article, oldest first (``raw`` omitted)."""
    rows = cur.execute(
        f"SELECT {_cols('v')}, a.story_id FROM article_versions v "
        "JOIN articles a ON a.article_id = v.article_id "
        "WHERE v.article_id = ? ORDER BY v.version", [article_id],
    ).fetchall()
    if not rows:
        raise NotFoundError(f"article {article_id!r} is not in the store",
                            "list stored articles with `flashpoint articles`", subject=article_id)
    return [_article(r[:-1], r[-1], None) for r in rows]


def stories(
    cur: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[StoryRow]:
    """Stories, most recently published first; ``since`` filters on the latest publication time
    (or, when no member has a date, on the last time the story was seen)."""
    check_page(limit, offset)
    where = ""
    params: list[Any] = []
    if since is not None:
        where = "WHERE coalesce(s.last_published, s.last_ingested) >= ?"
        params.append(to_utc_naive(since))
    rows = cur.execute(
        "WITH page AS ("
        "  SELECT * FROM stories s " + where +
        "  ORDER BY s.last_published DESC NULLS LAST, s.last_ingested DESC, s.story_id"
        "  LIMIT ? OFFSET ?"
        "), members AS ("
        "  SELECT a.story_id, list(a.article_id ORDER BY a.article_id <> a.story_id,"
        "         a.published NULLS LAST, a.ingested_at, a.article_id) AS ids"
        "  FROM articles a WHERE a.story_id IN (SELECT story_id FROM page) GROUP BY a.story_id"
        ") SELECT p.story_id, p.title, p.first_published, p.last_published, p.num_articles,"
        "  p.num_sources, coalesce(m.ids, []) FROM page p LEFT JOIN members m USING (story_id)"
        " ORDER BY p.last_published DESC NULLS LAST, p.last_ingested DESC, p.story_id",
        [*params, limit, offset],
    ).fetchall()
    return [
        StoryRow(
            story_id=r[0], title=r[1], first_published=from_utc_naive(r[2]),
            last_published=from_utc_naive(r[3]), num_articles=int(r[4]),
            num_sources=int(r[5]), article_ids=tuple(r[6]),
        )
        for r in rows
    ]


def stats(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts of what the store holds, and its schema version."""
    row = cur.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_versions),"
        " (SELECT count(*) FROM stories), (SELECT count(DISTINCT source) FROM sightings),"
        " (SELECT count(*) FROM sightings), (SELECT count(*) FROM runs),"
        " (SELECT count(*) FROM rejections)"
    ).fetchone()
    assert row is not None
    names = ("articles", "versions", "stories", "sources", "sightings", "runs", "rejections")
    out: dict[str, Any] = {name: int(value) for name, value in zip(names, row, strict=True)}
    out["schema_version"] = current_version(cur)
    return out
