"""The read side: plain functions over a DuckDB cursor, returning model records.

The owner runs them on a cursor of its own per request, so they see the last committed snapshot
and are never blocked by a write transaction in progress.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import duckdb

from ..errors import InputError, NotFoundError
from ..model import Article, Event, Mention, Place, PublishedStatus, Quote
from .base import StoryRow, check_page, from_utc_naive, to_utc_naive
from .events import WINDOW_DAYS
from .rows import (
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    QUOTE_COLUMNS,
    event_from_row,
    mention_from_row,
    place_from,
    quote_from_row,
)
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
    _published_range("a.published", since, until, where, params)
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
        " (SELECT count(*) FROM rejections), (SELECT count(*) FROM mentions),"
        " (SELECT count(*) FROM events), (SELECT count(*) FROM quotes)"
    ).fetchone()
    assert row is not None
    names = ("articles", "versions", "stories", "sources", "sightings", "runs", "rejections",
             "mentions", "events", "quotes")
    out: dict[str, Any] = {name: int(value) for name, value in zip(names, row, strict=True)}
    out["schema_version"] = current_version(cur)
    return out


def article_ids(
    cur: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[str]:
    """Ids of the current articles, oldest published first (unknown dates last), then by id.

    ``since`` inclusive, ``until`` exclusive, on the publication time (as ``articles``).
    """
    where: list[str] = []
    params: list[Any] = []
    _published_range("published", since, until, where, params)
    sql = "SELECT article_id FROM articles"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY published NULLS LAST, article_id"
    return [r[0] for r in cur.execute(sql, params).fetchall()]


# -- coded records -----------------------------------------------------------------------------

def _day(value: date | None, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise InputError(f"{name} must be a date, not {value!r}", "give a date like 2024-09-24",
                         subject=name)
    return value


def _shift(value: date, days: int) -> date:
    day = _day(value, "date")
    assert day is not None
    return day + timedelta(days=days)


def _start_of(value: date | None, name: str) -> datetime | None:
    """A date bound as the naive-UTC midnight starting it (a datetime is kept as given)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_utc_naive(value)
    day = _day(value, name)
    assert day is not None
    return datetime.combine(day, time.min, UTC).replace(tzinfo=None)


def _side(alias: str, side: str) -> str:
    """A key matched against one side of an event: its dyad key (which is the side's country
    when it has one) or its full actor code."""
    return f"({alias}.{side}_key = ? OR {alias}.{side}_code = ?)"


def _require(cur: duckdb.DuckDBPyConnection, table: str, column: str, key: str,
             what: str, fix: str) -> None:
    row = cur.execute(f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", [key]).fetchone()
    if row is None:
        raise NotFoundError(f"{what} {key!r} is not in the store", fix, subject=key)


_HOLDS = ("e.event_id IN (SELECT x.event_id FROM (SELECT event_id, unnest(mention_ids) AS mid"
          " FROM events) x WHERE x.mid IN ({match}))")


def _event_filters(
    *,
    dyad: tuple[str, str | None] | None,
    actor: str | None,
    since: date | None,
    until: date | None,
    cameo: str | None,
    plover: str | None,
    quad: int | None,
    story: str | None,
    text: str | None,
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if dyad is not None:
        if not (isinstance(dyad, tuple | list) and len(dyad) == 2
                and isinstance(dyad[0], str) and isinstance(dyad[1], str | None)):
            raise InputError(f"dyad {dyad!r} is not a (source, target) pair",
                             "give two actor keys, e.g. ('SRB', 'KSV'), or ('SRB', None)",
                             subject="dyad")
        where.append(_side("e", "source"))
        params += [dyad[0], dyad[0]]
        if dyad[1] is None:
            where.append("e.target_key IS NULL")
        else:
            where.append(_side("e", "target"))
            params += [dyad[1], dyad[1]]
    if actor is not None:
        where.append(f"({_side('e', 'source')} OR {_side('e', 'target')})")
        params += [actor] * 4
    if since is not None:
        where.append("e.event_date >= ?")
        params.append(_day(since, "since"))
    if until is not None:
        where.append("e.event_date < ?")
        params.append(_day(until, "until"))
    if cameo is not None:
        if not (cameo.isascii() and cameo.isdigit() and len(cameo) <= 4):
            raise InputError(f"cameo {cameo!r} is not a CAMEO code prefix",
                             "give 1 to 4 digits, e.g. 19 or 193", subject="cameo")
        where.append("starts_with(e.cameo, ?)")
        params.append(cameo)
    if plover is not None:
        where.append("lower(e.plover) = lower(?)")
        params.append(plover)
    if quad is not None:
        if isinstance(quad, bool) or not isinstance(quad, int) or not 1 <= quad <= 4:
            raise InputError(f"quad {quad!r} is not a quad class", "give 1, 2, 3 or 4",
                             subject="quad")
        where.append("e.quad_class = ?")
        params.append(quad)
    # story / text: events holding a matching mention (hash semi-joins: one scan of mentions
    # and one of the events' member lists).
    if story is not None:
        where.append(_HOLDS.format(match="SELECT m.mention_id FROM mentions m JOIN articles a"
                                         " ON a.article_id = m.article_id WHERE a.story_id = ?"))
        params.append(story)
    if text is not None:
        # contains(lower(..)) = ILIKE '%text%' without wildcards, and about 3x faster.  A
        # member's date is within 2 days of its event's, so date bounds narrow the scan.
        match = "SELECT m.mention_id FROM mentions m WHERE contains(lower(m.sentence), lower(?))"
        params.append(text)
        if since is not None:
            match += " AND m.event_date >= ?"
            params.append(_shift(since, -WINDOW_DAYS))
        if until is not None:
            match += " AND m.event_date < ?"
            params.append(_shift(until, WINDOW_DAYS))
        where.append(_HOLDS.format(match=match))
    return where, params


def _events_page(cur: duckdb.DuckDBPyConnection, where: list[str], params: list[Any],
                 limit: int, offset: int) -> list[Event]:
    sql = "SELECT " + ", ".join(f"e.{c}" for c in EVENT_COLUMNS) + " FROM events e"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY e.event_date DESC NULLS LAST, e.event_id LIMIT ? OFFSET ?"
    rows = cur.execute(sql, [*params, limit, offset]).fetchall()
    return [event_from_row(r) for r in rows]


def events(
    cur: duckdb.DuckDBPyConnection,
    *,
    dyad: tuple[str, str | None] | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    cameo: str | None = None,
    plover: str | None = None,
    quad: int | None = None,
    story: str | None = None,
    text: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Event]:
    """Events, newest event date first (unknown dates last), then by id.

    ``dyad`` = (source, target): each key matches an event side's dyad key, country or full
    actor code (``SRB``, ``IGOWSTNAT``, ``NAT``); a target of ``None`` matches events without a
    target.  ``actor`` matches either side the same way.  ``since`` inclusive / ``until``
    exclusive on the event date (events of unknown date are left out by either); ``cameo`` a
    code prefix ("19", "193"); ``plover`` a type name (any case); ``quad`` 1..4; ``story``
    events with a mention from an article of that story; ``text`` a case-insensitive substring
    of any member's sentence.
    """
    check_page(limit, offset)
    where, params = _event_filters(dyad=dyad, actor=actor, since=since, until=until,
                                   cameo=cameo, plover=plover, quad=quad, story=story,
                                   text=text)
    return _events_page(cur, where, params, limit, offset)


def event(cur: duckdb.DuckDBPyConnection, event_id: str) -> Event:
    """One event (``NotFoundError`` when there is none with that id)."""
    found = _events_page(cur, ["e.event_id = ?"], [event_id], 1, 0)
    if not found:
        raise NotFoundError(f"event {event_id!r} is not in the store",
                            "list events with `flashpoint events`", subject=event_id)
    return found[0]


def mentions(
    cur: duckdb.DuckDBPyConnection,
    *,
    event_id: str | None = None,
    article_id: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[Mention]:
    """Mentions (negated ones included) of an event and/or an article, or all of them;
    earliest published article first, then by article, sentence and id."""
    check_page(limit, offset)
    sql = "SELECT " + ", ".join(f"m.{c}" for c in MENTION_COLUMNS) + " FROM mentions m"
    where: list[str] = []
    params: list[Any] = []
    if event_id is not None:
        _require(cur, "events", "event_id", event_id, "event",
                 "list events with `flashpoint events`")
        where.append("m.mention_id IN (SELECT unnest(mention_ids) FROM events"
                     " WHERE event_id = ?)")
        params.append(event_id)
    if article_id is not None:
        _require(cur, "articles", "article_id", article_id, "article",
                 "list stored articles with `flashpoint articles`")
        where.append("m.article_id = ?")
        params.append(article_id)
    sql += " LEFT JOIN articles a ON a.article_id = m.article_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += (" ORDER BY a.published NULLS LAST, m.article_id, m.sentence_index, m.mention_id"
            " LIMIT ? OFFSET ?")
    rows = cur.execute(sql, [*params, limit, offset]).fetchall()
    return [mention_from_row(r) for r in rows]


def quotes(
    cur: duckdb.DuckDBPyConnection,
    *,
    article_id: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Quote]:
    """Quotes, newest published article first, then by article and position.

    ``actor`` matches the speaker's country, group or code; ``since`` inclusive / ``until``
    exclusive on the article's publication time (a date means its midnight UTC).
    """
    check_page(limit, offset)
    where: list[str] = []
    params: list[Any] = []
    if article_id is not None:
        _require(cur, "articles", "article_id", article_id, "article",
                 "list stored articles with `flashpoint articles`")
        where.append("q.article_id = ?")
        params.append(article_id)
    if actor is not None:
        where.append('? IN (q.speaker.country, q.speaker."group", q.speaker.code)')
        params.append(actor)
    if since is not None:
        where.append("a.published >= ?")
        params.append(_start_of(since, "since"))
    if until is not None:
        where.append("a.published < ?")
        params.append(_start_of(until, "until"))
    sql = ("SELECT " + ", ".join(f"q.{c}" for c in QUOTE_COLUMNS) + " FROM quotes q"
           " JOIN articles a ON a.article_id = q.article_id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += (" ORDER BY a.published DESC NULLS LAST, q.article_id, q.span_start, q.quote_id"
            " LIMIT ? OFFSET ?")
    rows = cur.execute(sql, [*params, limit, offset]).fetchall()
    return [quote_from_row(r) for r in rows]


def places(cur: duckdb.DuckDBPyConnection, article_id: str) -> list[Place]:
    """The place mentions of an article, in the order the coder gave them."""
    _require(cur, "articles", "article_id", article_id, "article",
             "list stored articles with `flashpoint articles`")
    rows = cur.execute("SELECT place FROM places WHERE article_id = ? ORDER BY place_index",
                       [article_id]).fetchall()
    return [p for p in (place_from(r[0]) for r in rows) if p is not None]


def _published_range(column: str, since: datetime | None, until: datetime | None,
                     where: list[str], params: list[Any]) -> None:
    """Add ``since`` (inclusive) and ``until`` (exclusive) bounds on a publication column."""
    if since is not None:
        where.append(f"{column} >= ?")
        params.append(to_utc_naive(since))
    if until is not None:
        where.append(f"{column} < ?")
        params.append(to_utc_naive(until))
