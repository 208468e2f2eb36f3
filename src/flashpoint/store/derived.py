"""Derived tables of the HTTP API (migration 0005): daily dyad and actor rows, dyad ranking.

``Store.dyad_daily`` / ``Store.actor_daily`` aggregate every event (and every mention with its
article) per call, which is right for the trend updater but takes seconds on a store of ten
million events.  The API reads the same rows from tables kept sorted by key and day:

* ``refresh_daily`` rebuilds ``dyad_day`` and ``actor_day`` whole, in one transaction, from
  events, mentions and articles, and records their *basis* (the events' latest
  ``updated_at`` the caller saw) in ``web_state``;
* ``dyad_days`` / ``actor_days`` return exactly the rows ``trends.dyad_daily`` /
  ``trends.actor_daily`` would have returned at that basis (a short range read per dyad);
* ``dyad_ranking`` / ``save_dyad_ranking``: the ranking of ``/api/dyads`` (``web.api_rank``).

Nothing else writes these tables; they are derived data (dropping their rows loses nothing).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from ..errors import InputError
from .base import check_page, from_utc_naive, to_utc_naive
from .trends import _bounds

RANK_FIELDS = ("source", "target", "score", "events", "conflict", "last_day", "spark")
_FEW = 8  # up to this many keys are matched by equalities (the tables' zone maps apply)
_DAY_FIELDS = ("source", "target", "day", "events", "q1", "q2", "q3", "q4", "goldstein_sum",
               "goldstein_mean", "retreat", "agree_support", "max_sources")

_ACTOR_SQL = """
WITH cov AS (
    SELECT k AS actor, d AS day, count(DISTINCT article_id)::INTEGER AS articles FROM (
        SELECT unnest([m.source_key, m.target_key]) AS k, m.article_id,
               CAST(coalesce(a.published, a.ingested_at) AS DATE) AS d
        FROM mentions m JOIN articles a ON a.article_id = m.article_id
    ) WHERE k IS NOT NULL AND k <> '' GROUP BY ALL
), ev AS (
    SELECT k AS actor, event_date AS day, count(*)::INTEGER AS events,
           count(*) FILTER (plover = 'RETREAT' AND target_key IS NULL
                            AND k = source_key AND NOT background)::INTEGER AS retreat
    FROM (SELECT unnest([source_key, target_key]) AS k, * FROM events
          WHERE event_date IS NOT NULL)
    WHERE k IS NOT NULL AND k <> '' GROUP BY ALL
)
SELECT coalesce(c.actor, e.actor), coalesce(c.day, e.day), coalesce(c.articles, 0),
       coalesce(e.events, 0), coalesce(e.retreat, 0)
FROM cov c FULL OUTER JOIN ev e ON c.actor = e.actor AND c.day = e.day
ORDER BY 1, 2
"""


def _state(cur: duckdb.DuckDBPyConnection, prefix: str) -> dict[str, str]:
    rows = cur.execute("SELECT key, value FROM web_state WHERE starts_with(key, ?)",
                       [prefix]).fetchall()
    return {str(k): str(v) for k, v in rows}


def _when(value: str | None) -> datetime | None:
    return from_utc_naive(datetime.fromisoformat(value)) if value else None


def _set(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO web_state VALUES (?, ?)", [key, value])


def daily_status(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """``basis`` and ``built_at`` of the daily tables (None before the first build)."""
    state = _state(cur, "derived.")
    return {"basis": _when(state.get("derived.basis")),
            "built_at": _when(state.get("derived.built_at"))}


def refresh_daily(con: duckdb.DuckDBPyConnection, basis: datetime | None,
                  now: datetime) -> dict[str, Any]:
    """Rebuild ``dyad_day`` and ``actor_day`` from the events (one transaction)."""
    con.execute("BEGIN TRANSACTION")
    try:
        names = [str(r[0]) for r in con.execute(
            "SELECT DISTINCT coalesce(plover, 'NONE') FROM events ORDER BY 1").fetchall()]
        counts = ", ".join("count(*) FILTER (coalesce(plover, 'NONE') = ?)::INTEGER"
                           for _ in names)
        con.execute("DELETE FROM dyad_day")
        con.execute(f"""
        INSERT INTO dyad_day
        SELECT source_key, target_key, event_date, count(*)::INTEGER,
               count(*) FILTER (quad_class = 1)::INTEGER, count(*) FILTER (quad_class = 2)::INTEGER,
               count(*) FILTER (quad_class = 3)::INTEGER, count(*) FILTER (quad_class = 4)::INTEGER,
               coalesce(sum(goldstein), 0), coalesce(avg(goldstein), 0),
               count(*) FILTER (plover = 'RETREAT')::INTEGER,
               count(*) FILTER (plover IN ('AGREE', 'SUPPORT'))::INTEGER,
               max(num_sources)::INTEGER, [{counts}]::INTEGER[]
        FROM events
        WHERE target_key IS NOT NULL AND event_date IS NOT NULL AND source_key <> ''
          AND source_key <> target_key
        GROUP BY source_key, target_key, event_date ORDER BY 1, 2, 3
        """, names)
        con.execute("DELETE FROM actor_day")
        con.execute("INSERT INTO actor_day " + _ACTOR_SQL)
        mark = to_utc_naive(basis)
        _set(con, "derived.basis", mark.isoformat() if mark else "")
        _set(con, "derived.built_at", now.isoformat())
        _set(con, "derived.plover", json.dumps(names))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return daily_status(con)


def dyad_days(
    cur: duckdb.DuckDBPyConnection,
    *,
    dyads: Sequence[tuple[str, str]] | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """The rows of ``Store.dyad_daily`` with the same arguments, from ``dyad_day``."""
    where, params = _bounds(since, until, "day")
    sql = "SELECT " + ", ".join(f"d.{c}" for c in _DAY_FIELDS) + ", d.plover_counts FROM dyad_day d"
    if dyads is not None and len(dyads) > _FEW:
        sql += (" JOIN (SELECT unnest(?::VARCHAR[]) AS s, unnest(?::VARCHAR[]) AS t) p"
                " ON p.s = d.source AND p.t = d.target")
        params = [[str(s) for s, _ in dyads], [str(t) for _, t in dyads], *params]
    sql += " WHERE true" + where
    if dyads is not None and len(dyads) <= _FEW:  # equalities: zone maps skip other dyads
        if not dyads:
            return []
        sql += " AND (" + " OR ".join("(d.source = ? AND d.target = ?)" for _ in dyads) + ")"
        params += [str(k) for pair in dyads for k in pair]
    if actor is not None:
        sql += " AND (d.source = ? OR d.target = ?)"
        params += [actor, actor]
    rows = cur.execute(sql + " ORDER BY d.source, d.target, d.day", params).fetchall()
    names = json.loads(_state(cur, "derived.plover").get("derived.plover", "[]"))
    out = []
    for row in rows:
        rec = dict(zip(_DAY_FIELDS, row[:-1], strict=True))
        rec["plover"] = {n: int(c) for n, c in zip(names, row[-1], strict=False) if c}
        out.append(rec)
    return out


def actor_days(cur: duckdb.DuckDBPyConnection, actors: Sequence[str], *,
               since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
    """The rows of ``Store.actor_daily`` with the same arguments, from ``actor_day``."""
    keys = sorted({str(a) for a in actors})
    if not keys:
        return []
    where, params = _bounds(since, until, "day")
    keyp: list[Any]
    if len(keys) <= _FEW:
        match, keyp = "(" + " OR ".join("actor = ?" for _ in keys) + ")", list(keys)
    else:
        match, keyp = "actor IN (SELECT unnest(?::VARCHAR[]))", [keys]
    rows = cur.execute("SELECT actor, day, articles, events, retreat_untargeted FROM actor_day"
                       " WHERE " + match + where + " ORDER BY actor, day",
                       [*keyp, *params]).fetchall()
    return [{"actor": r[0], "day": r[1], "articles": int(r[2]), "events": int(r[3]),
             "retreat_untargeted": int(r[4])} for r in rows]



def dyad_ranking(
    cur: duckdb.DuckDBPyConnection, *, actor: str | None = None, top: int = 20
) -> dict[str, Any]:
    """The stored dyad ranking (best score first): ``rows``, its ``basis`` (the events'
    ``updated_at`` it was computed from, None before the first) and ``built_at``."""
    check_page(top, 0)
    sql = "SELECT " + ", ".join(RANK_FIELDS) + " FROM dyad_rank"
    params: list[Any] = []
    if actor is not None:
        sql += " WHERE source = ? OR target = ?"
        params += [actor, actor]
    sql += " ORDER BY score DESC, conflict DESC, source, target LIMIT ?"
    rows = cur.execute(sql, [*params, top]).fetchall()
    state = _state(cur, "rank.")
    return {
        "rows": [dict(zip(RANK_FIELDS, (*r[:6], list(r[6])), strict=True)) for r in rows],
        "basis": _when(state.get("rank.basis")),
        "built_at": _when(state.get("rank.built_at")),
    }


def save_dyad_ranking(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]],
                      basis: datetime | None, now: datetime) -> int:
    """Replace the stored ranking with ``rows`` (dicts of ``RANK_FIELDS``) computed from the
    events as of ``basis``; one transaction.  Returns the number of rows stored."""
    for n, row in enumerate(rows):
        if not isinstance(row, dict) or set(RANK_FIELDS) - set(row):
            raise InputError(f"ranking row {n} lacks fields", "give " + ", ".join(RANK_FIELDS),
                             subject="save_dyad_ranking")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM dyad_rank")
        if rows:
            table = pa.table({
                "source": pa.array([str(r["source"]) for r in rows], pa.string()),
                "target": pa.array([str(r["target"]) for r in rows], pa.string()),
                "score": pa.array([float(r["score"]) for r in rows], pa.float64()),
                "events": pa.array([int(r["events"]) for r in rows], pa.int32()),
                "conflict": pa.array([int(r["conflict"]) for r in rows], pa.int32()),
                "last_day": pa.array([r["last_day"] for r in rows], pa.date32()),
                "spark": pa.array([[int(v) for v in r["spark"]] for r in rows],
                                  pa.list_(pa.int32())),
            })
            con.register("_dyad_rank", table)
            try:
                con.execute("INSERT INTO dyad_rank BY NAME SELECT * FROM _dyad_rank")
            finally:
                con.unregister("_dyad_rank")
        mark = to_utc_naive(basis)
        _set(con, "rank.basis", mark.isoformat() if mark else "")
        _set(con, "rank.built_at", now.isoformat())
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(rows)
