"""The write side of coding: ``add_coded`` stores what ``code_article`` returned.

For each ``Coded`` the article's mentions, quotes and places are *replaced* by the given ones
(whatever version of the article they were coded from: they are stored against its current
version), its tone is stored on the article row, and every event group touched by a removed or
added mention is re-clustered (``flashpoint.store.events``).  One transaction per call.

Mentions that did not change (same id, same content, same article version) are left alone, so
storing the same coding twice writes nothing and reports an empty ``CodedOutcome``.  Mention
and quote ids must be unique within a call (checked) and across articles (the coder derives
them from the article id and text; the tables have no primary key, see migration 3).  The module
maps records to rows with ``flashpoint.store.rows``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from ..errors import InputError, NotFoundError
from ..model import Actor, Coded, Mention, Place, Quote, actor_key
from . import events
from .base import CodedOutcome
from .rows import (
    MENTION_SCHEMA,
    PLACE_SCHEMA,
    QUOTE_SCHEMA,
    mention_date,
    mention_digest,
    mention_row,
    place_row,
    quote_row,
)
from .writer import with_keys

# -- validation --------------------------------------------------------------------------------

def _bad(what: str, subject: str) -> InputError:
    return InputError(what, "pass the Coded records code_article returns", subject=subject)


def _check_one(n: int, item: Any, mention_ids: set[str], quote_ids: set[str]) -> None:
    if not isinstance(item, Coded):
        raise _bad(f"item {n} of add_coded is not a Coded record", "add_coded")
    aid = item.article_id
    for m in item.mentions:
        if not isinstance(m, Mention) or not isinstance(m.source, Actor):
            raise _bad("a mention is not a Mention with a source Actor", aid)
        if m.article_id != aid:
            raise _bad(f"mention {m.mention_id} belongs to article {m.article_id}", aid)
        if m.mention_id in mention_ids:
            raise _bad(f"mention id {m.mention_id} is given twice", aid)
        mention_ids.add(m.mention_id)
        try:
            mention_date(m)
        except (TypeError, ValueError) as exc:
            raise _bad(f"mention {m.mention_id} has event_date {m.event_date!r}, not an ISO "
                       "date", aid) from exc
    for q in item.quotes:
        if not isinstance(q, Quote) or q.article_id != aid:
            raise _bad("a quote is not a Quote of this article", aid)
        if q.quote_id in quote_ids:
            raise _bad(f"quote id {q.quote_id} is given twice", aid)
        quote_ids.add(q.quote_id)
    if not all(isinstance(p, Place) for p in item.places):
        raise _bad("a place is not a Place record", aid)


def check_coded(items: Sequence[Coded]) -> dict[str, Coded]:
    """The inputs by article id (a later ``Coded`` of the same article wins), validated."""
    if isinstance(items, Coded) or not isinstance(items, Sequence):
        raise _bad("add_coded takes a sequence of Coded records", "add_coded")
    by_id: dict[str, Coded] = {}
    for n, item in enumerate(items):
        if not isinstance(item, Coded):
            raise _bad(f"item {n} of add_coded is not a Coded record", "add_coded")
        by_id[item.article_id] = item
    mention_ids: set[str] = set()
    quote_ids: set[str] = set()
    for n, item in enumerate(by_id.values()):
        _check_one(n, item, mention_ids, quote_ids)
    return by_id


# -- add_coded ---------------------------------------------------------------------------------

@dataclass
class _Diff:
    added: list[dict[str, Any]]
    removed: list[tuple[str, str]]  # (mention_id, article_id)
    changes: list[events.Change]


def _diff(
    con: duckdb.DuckDBPyConnection,
    todo: dict[str, Coded],
    current: dict[str, tuple[int, str]],
    recoded: list[str],
    now: datetime,
) -> _Diff:
    """Which stored mentions go and which given ones come (unchanged ones stay)."""
    old = [] if not recoded else with_keys(
        con, recoded,
        "SELECT m.mention_id, m.article_id, m.article_version, m.digest, m.negated,"
        " m.source_key, m.target_key, m.cameo_root, m.event_date"
        " FROM mentions m JOIN _keys k ON m.article_id = k.key",
    )
    kept: set[tuple[str, int, str]] = set()
    wanted = {
        (m.mention_id, current[aid][0], mention_digest(m)): m
        for aid, coded in todo.items() for m in coded.mentions
    }  # (id, article version, digest) -> mention
    diff = _Diff([], [], [])
    for mid, aid, version, digest, negated, skey, tkey, root, when in old:
        if (mid, version, digest) in wanted:
            kept.add((mid, version, digest))
            continue
        diff.removed.append((mid, aid))
        if not negated:
            diff.changes.append(events.Change(skey, tkey, root, when, current[aid][1]))
    for key, m in sorted(wanted.items(), key=lambda kv: kv[0]):
        if key in kept:
            continue
        diff.added.append(mention_row(m, key[1], now, key[2]))
        if not m.negated:
            diff.changes.append(events.Change(
                actor_key(m.source) or "", actor_key(m.target), m.cameo_root, mention_date(m),
                current[m.article_id][1]))
    return diff


def _write(
    con: duckdb.DuckDBPyConnection,
    todo: dict[str, Coded],
    current: dict[str, tuple[int, str]],
    recoded: list[str],
    diff: _Diff,
) -> None:
    quotes = [quote_row(q, current[aid][0]) for aid, c in todo.items() for q in c.quotes]
    places = [{"article_id": aid, "article_version": current[aid][0], "place_index": i,
               "place": place_row(p)}
              for aid, c in todo.items() for i, p in enumerate(c.places)]
    tones = [{"article_id": aid, "version": current[aid][0], "tone": c.tone}
             for aid, c in todo.items()]
    tables = {
        "_mentions": pa.Table.from_pylist(diff.added, schema=MENTION_SCHEMA),
        "_gone": pa.table({
            "mention_id": pa.array([mid for mid, _ in diff.removed], pa.string()),
            "article_id": pa.array([aid for _, aid in diff.removed], pa.string()),
        }),
        "_quotes": pa.Table.from_pylist(quotes, schema=QUOTE_SCHEMA),
        "_places": pa.Table.from_pylist(places, schema=PLACE_SCHEMA),
        "_tones": pa.Table.from_pylist(tones, schema=pa.schema([
            ("article_id", pa.string()), ("version", pa.int32()), ("tone", pa.float64())])),
    }
    for name, table in tables.items():
        con.register(name, table)
    try:
        if diff.removed:
            con.execute("DELETE FROM mentions m USING _gone g "
                        "WHERE m.mention_id = g.mention_id AND m.article_id = g.article_id")
        if diff.added:
            con.execute("INSERT INTO mentions BY NAME SELECT * FROM _mentions")
        if recoded:
            with_keys(con, recoded,
                      "DELETE FROM quotes WHERE article_id IN (SELECT key FROM _keys)")
            with_keys(con, recoded,
                      "DELETE FROM places WHERE article_id IN (SELECT key FROM _keys)")
        if quotes:
            con.execute("INSERT INTO quotes BY NAME SELECT * FROM _quotes")
        if places:
            con.execute("INSERT INTO places BY NAME SELECT * FROM _places")
        con.execute("UPDATE articles a SET tone = t.tone, coded = true FROM _tones t "
                    "WHERE a.article_id = t.article_id "
                    "AND (a.tone IS DISTINCT FROM t.tone OR NOT a.coded)")
        con.execute("UPDATE article_versions v SET tone = t.tone FROM _tones t "
                    "WHERE v.article_id = t.article_id AND v.version = t.version "
                    "AND v.tone IS DISTINCT FROM t.tone")
    finally:
        for name in tables:
            con.unregister(name)


def add_coded(
    con: duckdb.DuckDBPyConnection, items: Sequence[Coded], now: datetime
) -> CodedOutcome:
    """Store one batch of codings in one transaction (the caller holds the write lock)."""
    todo = check_coded(items)
    if not todo:
        return CodedOutcome()
    con.execute("BEGIN TRANSACTION")
    try:
        rows = with_keys(con, sorted(todo),
                         "SELECT a.article_id, a.version, a.story_id, a.coded FROM articles a "
                         "JOIN _keys k ON a.article_id = k.key ORDER BY a.article_id")
        current = {aid: (int(ver), story) for aid, ver, story, _ in rows}
        # Only an article coded before (or a new version of one, whose row was replaced) can
        # have stored mentions, quotes or places: the others need no lookup.
        recoded = [aid for aid, ver, _, coded in rows if coded or ver > 1]
        missing = sorted(set(todo) - set(current))
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise NotFoundError(
                f"article {missing[0]!r}{more} is not in the store, so its coding cannot be "
                "stored", "store the article with add_articles first", subject=missing[0])
        diff = _diff(con, todo, current, recoded, now)
        _write(con, todo, current, recoded, diff)
        added, removed, changed = events.recluster(con, diff.changes, now)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    return CodedOutcome(
        mentions_added=len(diff.added), mentions_removed=len(diff.removed),
        events_added=tuple(added), events_removed=tuple(removed),
        events_changed=tuple(changed),
    )
