"""The store side of trends (issue 5): daily aggregates from events, coverage, alert revisions.

Plain functions over a DuckDB cursor, like ``queries``.  The daily series are one ``GROUP BY``
over ``events`` (no copy to keep in sync): events already carry the act's date, so a recap
counts for the day it recalls.  Alerts are stored as revisions: ``save_alerts`` adds a revision
only when an alert's content changed, never edits one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from ..errors import InputError, NotFoundError
from ..ids import sha256_hex
from ..model import Alert, Event
from .base import check_page, from_utc_naive, to_utc_naive
from .rows import EVENT_COLUMNS, event_from_row

MARKS = ("false", "confirmed", "cleared")
WATERMARK = "events_watermark"

_DYAD_SQL = """
SELECT source_key, target_key, event_date,
       count(*)::INTEGER,
       count(*) FILTER (quad_class = 1)::INTEGER, count(*) FILTER (quad_class = 2)::INTEGER,
       count(*) FILTER (quad_class = 3)::INTEGER, count(*) FILTER (quad_class = 4)::INTEGER,
       sum(goldstein), avg(goldstein),
       count(*) FILTER (plover = 'RETREAT')::INTEGER,
       count(*) FILTER (plover IN ('AGREE', 'SUPPORT'))::INTEGER,
       max(num_sources)::INTEGER,
       histogram(coalesce(plover, 'NONE'))
FROM events
WHERE target_key IS NOT NULL AND event_date IS NOT NULL AND source_key <> ''
  AND source_key <> target_key {where}
GROUP BY ALL ORDER BY source_key, target_key, event_date
"""

# Lists go to DuckDB as ONE string split in SQL: DuckDB converts every element of a list
# parameter separately (and tries to import pandas for each), which made a list of a few
# thousand ids cost seconds.  Keys, ids and ISO dates never contain the separator.
SEP = "\x1e"


def joined(values: Sequence[Any]) -> str:
    """Values as one parameter for ``unnest(string_split(?, chr(30)))``."""
    return SEP.join(str(v) for v in values)


_LIST = "unnest(string_split(?, chr(30)))"

DYAD_FIELDS = ("source", "target", "day", "events", "q1", "q2", "q3", "q4", "goldstein_sum",
               "goldstein_mean", "retreat", "agree_support", "max_sources", "plover")


def _bounds(since: date | None, until: date | None, column: str) -> tuple[str, list[Any]]:
    sql, params = "", []
    if since is not None:
        sql += f" AND {column} >= ?"
        params.append(since)
    if until is not None:
        sql += f" AND {column} < ?"
        params.append(until)
    return sql, params


def dyad_daily(
    cur: duckdb.DuckDBPyConnection,
    *,
    dyads: Sequence[tuple[str, str]] | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Per directed dyad and event date (days with events only): counts per QuadClass and PLOVER
    type, Goldstein sum and mean, RETREAT and AGREE/SUPPORT counts, and the largest number of
    independent sources of one event.  ``dyads`` limits to those pairs, ``actor`` to dyads with
    that key on either side; ``since`` inclusive, ``until`` exclusive."""
    where, params = _bounds(since, until, "event_date")
    if actor is not None:
        where += " AND (source_key = ? OR target_key = ?)"
        params += [actor, actor]
    if dyads is not None:
        if not dyads:
            return []
        where += f" AND source_key || chr(31) || target_key IN (SELECT {_LIST})"
        params.append(joined([f"{s}\x1f{t}" for s, t in dyads]))
    rows = cur.execute(_DYAD_SQL.format(where=where), params).fetchall()
    out = []
    for row in rows:
        rec = dict(zip(DYAD_FIELDS, row, strict=True))
        rec["plover"] = {str(k): int(v) for k, v in (rec["plover"] or {}).items()}
        rec["goldstein_sum"] = float(rec["goldstein_sum"] or 0.0)
        rec["goldstein_mean"] = float(rec["goldstein_mean"] or 0.0)
        out.append(rec)
    return out


def actor_daily(
    cur: duckdb.DuckDBPyConnection,
    actors: Sequence[str],
    *,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Per actor and day: ``articles`` published that day with a mention of the actor (the
    coverage: 0 means nobody reported on it, not that nothing happened), ``events`` of the actor
    (either side) dated that day, and ``retreat_untargeted``: its RETREAT events without a
    target (a unilateral reduction).  Only days with articles or events are returned."""
    keys = sorted(set(actors))
    if not keys:
        return []
    marks = f"SELECT {_LIST}"
    art_where, art_params = _bounds(since, until, "d")
    ev_where, ev_params = _bounds(since, until, "event_date")
    sql = f"""
    WITH cov AS (
        SELECT k AS actor, d AS day, count(DISTINCT article_id)::INTEGER AS articles FROM (
            SELECT unnest([m.source_key, m.target_key]) AS k, m.article_id,
                   CAST(coalesce(a.published, a.ingested_at) AS DATE) AS d
            FROM mentions m JOIN articles a ON a.article_id = m.article_id
        ) WHERE k IN ({marks}) {art_where} GROUP BY ALL
    ), ev AS (
        SELECT k AS actor, event_date AS day, count(*)::INTEGER AS events,
               count(*) FILTER (plover = 'RETREAT' AND target_key IS NULL
                                AND k = source_key AND NOT background)::INTEGER AS retreat
        FROM (SELECT unnest([source_key, target_key]) AS k, * FROM events
              WHERE event_date IS NOT NULL {ev_where})
        WHERE k IN ({marks}) GROUP BY ALL
    )
    SELECT coalesce(c.actor, e.actor), coalesce(c.day, e.day), coalesce(c.articles, 0),
           coalesce(e.events, 0), coalesce(e.retreat, 0)
    FROM cov c FULL OUTER JOIN ev e ON c.actor = e.actor AND c.day = e.day
    ORDER BY 1, 2
    """
    rows = cur.execute(sql, [joined(keys), *art_params, *ev_params, joined(keys)]).fetchall()
    return [{"actor": r[0], "day": r[1], "articles": int(r[2]), "events": int(r[3]),
             "retreat_untargeted": int(r[4])} for r in rows]


def trend_state(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """``watermark``: the events' ``updated_at`` the last trend update saw (None before the
    first), ``events_updated``: the latest ``updated_at`` now, ``alerts``: alerts stored."""
    row = cur.execute("SELECT (SELECT max(updated_at) FROM events), (SELECT value FROM"
                      " trend_state WHERE key = ?), (SELECT count(DISTINCT alert_id)"
                      " FROM alerts)", [WATERMARK]).fetchone()
    assert row is not None
    mark = datetime.fromisoformat(row[1]) if row[1] else None
    return {"events_updated": from_utc_naive(row[0]), "watermark": from_utc_naive(mark),
            "alerts": int(row[2])}


def changed_dyads(cur: duckdb.DuckDBPyConnection,
                  since: datetime | None) -> list[tuple[str, str]]:
    """Directed dyads with an event written after ``since`` (every dyad when None)."""
    sql = ("SELECT DISTINCT source_key, target_key FROM events WHERE target_key IS NOT NULL"
           " AND source_key <> '' AND source_key <> target_key")
    params: list[Any] = []
    if since is not None:
        sql += " AND updated_at > ?"
        params.append(to_utc_naive(since))
    return [(r[0], r[1]) for r in cur.execute(sql + " ORDER BY 1, 2", params).fetchall()]


def trend_events(cur: duckdb.DuckDBPyConnection,
                 ranges: Sequence[tuple[str, str, date, date]]) -> list[Event]:
    """In one query, the events an alert explanation may cite: for each ``(source, target,
    since, until)`` the dyad's events dated in ``[since, until)`` and the source's RETREAT
    events (any target, untargeted too) in that range; each event once."""
    if not ranges:
        return []
    cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    sql = f"""
    WITH req AS (SELECT unnest(string_split(?, chr(30))) AS s,
                        unnest(string_split(?, chr(30))) AS t,
                        unnest(string_split(?, chr(30)))::DATE AS a,
                        unnest(string_split(?, chr(30)))::DATE AS b)
    SELECT {cols} FROM events e WHERE e.event_id IN (
        SELECT x.event_id FROM events x JOIN req r ON x.source_key = r.s
        WHERE x.event_date >= r.a AND x.event_date < r.b
          AND (x.target_key = r.t OR x.plover = 'RETREAT'))
    ORDER BY e.event_date, e.event_id
    """
    params = [joined([r[i] for r in ranges]) for i in range(4)]
    return [event_from_row(row) for row in cur.execute(sql, params).fetchall()]


def event_sources(cur: duckdb.DuckDBPyConnection,
                  event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """In one query, the reports behind each event: per event id, one record per mention
    (``article_id``, ``url``, ``source``, ``title``, ``coder_version``), earliest published
    article first."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    sql = """
    SELECT e.event_id, m.article_id, a.url, a.source, a.title, m.coder_version
    FROM (SELECT event_id, unnest(mention_ids) AS mid FROM events
          WHERE event_id IN (SELECT unnest(string_split(?, chr(30))))) e
    JOIN mentions m ON m.mention_id = e.mid
    LEFT JOIN articles a ON a.article_id = m.article_id
    ORDER BY e.event_id, a.published NULLS LAST, m.article_id, m.mention_id
    """
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for eid, aid, url, source, title, version in cur.execute(sql, [joined(ids)]).fetchall():
        out[eid].append({"article_id": aid, "url": url, "source": source, "title": title,
                         "coder_version": version})
    return out


def alert_digest(alert: Alert) -> str:
    """A hash of what an alert says (not its revision, time or mark)."""
    body = {k: getattr(alert, k) for k in ("alert_id", "source", "target", "day", "direction",
                                           "channel", "state", "num_sources", "single_source",
                                           "baseline", "top_events", "coder_version")}
    body["score"] = round(alert.score, 2)
    return sha256_hex(json.dumps(body, sort_keys=True, default=str))


def save_alerts(con: duckdb.DuckDBPyConnection, alerts: Sequence[Alert],
                watermark: datetime | None, now: datetime) -> list[Alert]:
    """Store each alert whose content changed as its next revision; returns those stored.
    ``watermark`` (when given) is recorded as the events time this update saw."""
    stored: list[Alert] = []
    for alert in alerts:
        if not isinstance(alert, Alert):
            raise InputError("save_alerts takes Alert records", "pass flashpoint Alerts",
                             subject="save_alerts")
    latest = {r[0]: (int(r[1]), r[2]) for r in con.execute(
        "SELECT alert_id, max(revision), arg_max(digest, revision) FROM alerts"
        f" WHERE alert_id IN (SELECT {_LIST}) GROUP BY 1",
        [joined(sorted({a.alert_id for a in alerts}))]).fetchall()} if alerts else {}
    rows: list[list[Any]] = []
    for alert in alerts:
        digest = alert_digest(alert)
        prior = latest.get(alert.alert_id)
        if prior is not None and prior[1] == digest:
            continue
        revision = prior[0] + 1 if prior is not None else 1
        latest[alert.alert_id] = (revision, digest)
        rows.append([alert.alert_id, revision, alert.source, alert.target,
                     date.fromisoformat(alert.day), alert.direction, alert.channel, alert.score,
                     json.dumps(alert.baseline, default=str), alert.state, alert.num_sources,
                     alert.single_source, json.dumps(list(alert.top_events), default=str),
                     alert.coder_version, now, digest])
        stored.append(_with(alert, revision=revision, as_of=from_utc_naive(now)))
    con.execute("BEGIN TRANSACTION")
    try:
        if rows:
            con.executemany(
                "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows)
        mark = to_utc_naive(watermark)
        if mark is not None:
            con.execute("INSERT OR REPLACE INTO trend_state VALUES (?, ?)",
                        [WATERMARK, mark.isoformat()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return stored


def _with(alert: Alert, **changes: Any) -> Alert:
    import dataclasses

    return dataclasses.replace(alert, **changes)


_ALERT_SQL = """
SELECT a.alert_id, a.revision, a.source, a.target, a.day, a.direction, a.channel, a.score,
       a.baseline, a.state, a.num_sources, a.single_source, a.top_events, a.coder_version,
       a.as_of, m.mark
FROM alerts a
LEFT JOIN (SELECT alert_id, arg_max(mark, marked_at) AS mark FROM alert_marks GROUP BY 1) m
       ON m.alert_id = a.alert_id
"""


def _alert(row: tuple[Any, ...]) -> Alert:
    mark = row[15] if row[15] in ("false", "confirmed") else None
    return Alert(alert_id=row[0], revision=int(row[1]), source=row[2], target=row[3],
                 day=row[4].isoformat(), direction=row[5], channel=row[6], score=float(row[7]),
                 baseline=json.loads(row[8]), state=row[9], num_sources=int(row[10]),
                 single_source=bool(row[11]), top_events=tuple(json.loads(row[12])),
                 coder_version=row[13], as_of=from_utc_naive(row[14]) or datetime.min,
                 mark=mark)


def alerts(
    cur: duckdb.DuckDBPyConnection,
    *,
    dyad: tuple[str, str] | None = None,
    since: date | None = None,
    until: date | None = None,
    alert_id: str | None = None,
    revisions: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[Alert]:
    """Alerts (the latest revision of each, or every revision with ``revisions``), newest day
    first; ``since`` inclusive / ``until`` exclusive on the alert's day."""
    check_page(limit, offset)
    where, params = _bounds(since, until, "a.day")
    if dyad is not None:
        where += " AND a.source = ? AND a.target = ?"
        params += [dyad[0], dyad[1]]
    if alert_id is not None:
        where += " AND a.alert_id = ?"
        params.append(alert_id)
    if not revisions:
        where += (" AND a.revision = (SELECT max(b.revision) FROM alerts b"
                  " WHERE b.alert_id = a.alert_id)")
    sql = (_ALERT_SQL + " WHERE true" + where +
           " ORDER BY a.day DESC, a.source, a.target, a.alert_id, a.revision LIMIT ? OFFSET ?")
    return [_alert(r) for r in cur.execute(sql, [*params, limit, offset]).fetchall()]


def mark_alert(con: duckdb.DuckDBPyConnection, alert_id: str, mark: str,
               now: datetime) -> Alert:
    """Record an analyst's verdict (``false``, ``confirmed``, or ``cleared`` to undo)."""
    if mark not in MARKS:
        raise InputError(f"unknown mark {mark!r}", "mark an alert false, confirmed or cleared",
                         subject="mark")
    found = alerts(con, alert_id=alert_id, limit=1)
    if not found:
        raise NotFoundError(f"alert {alert_id!r} is not in the store",
                            "list alerts with `flashpoint alerts`", subject=alert_id)
    con.execute("INSERT INTO alert_marks VALUES (?, ?, ?)", [alert_id, mark, now])
    return _with(found[0], mark=mark if mark != "cleared" else None)
