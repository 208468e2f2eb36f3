"""Event search for the HTTP API: every filter of ``queries.events`` plus a bounding box, a
keyset cursor, and full-text search over the mentions' sentences (the events' evidence).

Full-text search uses DuckDB's ``fts`` extension, loaded offline from the
``duckdb-extension-fts`` wheel of the same DuckDB version (``INSTALL fts`` would download).
The BM25 index (schema ``fts_main_mentions``) is a snapshot of ``mentions``:

* it is (re)built by ``rebuild_index``: ``flashpoint serve`` asks at start and after every
  round of its background thread; it is rebuilt when there is none yet, or when it is stale,
  at least ``REBUILD_EVERY`` seconds old, and the mentions coded since make up 1/20 of the
  indexed ones or it is ``REBUILD_MAX_AGE`` old (or ``force``);  the build runs beside ingest
  writes (it does not hold the store's write lock);
* mentions coded after the build are still found: they are matched by substring (ILIKE) until
  the next rebuild, and mentions deleted since the build drop out through the join, so a search
  never misses or invents a stored mention;
* without the extension (or with ``mode="ilike"``) every search is a case-insensitive substring
  match, as ``queries.events(text=...)``.

The fts match is conjunctive (every word must occur), with English stemming and stop words:
``troop`` finds "troops"; the substring match finds parts of words ("troop" in "troopers").
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from typing import Any

import duckdb

from ..errors import InputError
from ..model import Event
from .base import check_page, from_utc_naive, to_utc_naive
from .events import WINDOW_DAYS
from .queries import _HOLDS, _event_filters, _events_page, _shift

MODES = ("auto", "fts", "ilike")
REBUILD_EVERY = 300.0  # seconds: a stale index is rebuilt at most this often unless forced,
REBUILD_SHARE = 20  # and only once the pending mentions are 1/20 of the indexed ones,
REBUILD_MAX_AGE = 3600.0  # or the index is this old (pending mentions cost a substring scan)
MAX_QUERY_CHARS = 200
# what separates words in the index: anything but letters and digits of any script (the
# extension's default drops digits and every non-Latin letter)
IGNORE = r"(\.|[^\p{L}\p{N}])+"
_STATE = "web_state"
_KEYS = ("search.built_at", "search.indexed", "search.max_coded_at", "search.version")
INDEX_VERSION = "1"  # bumped when the index settings change: older indexes count as stale

Cursor = tuple[str | None, str]  # (event_date ISO or None, event_id) of the last row served


def extension_path() -> str | None:
    """The fts extension file of the installed ``duckdb-extension-fts`` wheel, if any."""
    try:
        import duckdb_extension_fts  # type: ignore[import-untyped]
    except ImportError:
        return None
    folder = os.path.dirname(duckdb_extension_fts.__file__)
    path = os.path.join(folder, "extensions", f"v{duckdb.__version__}", "fts.duckdb_extension")
    return path if os.path.isfile(path) else None


def load_fts(cur: duckdb.DuckDBPyConnection) -> bool:
    """Load the fts extension into the database (once per database); ``False`` when absent."""
    row = cur.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'"
                      ).fetchone()
    if row is not None and row[0]:
        return True
    path = extension_path()
    if path is None:
        return False
    try:
        cur.execute("LOAD '" + path.replace("'", "''") + "'")
    except duckdb.Error:
        return False
    return True


def _state(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = cur.execute(f"SELECT key, value FROM {_STATE} WHERE key LIKE 'search.%'").fetchall()
    return {str(k): str(v) for k, v in rows}


def _index_exists(cur: duckdb.DuckDBPyConnection) -> bool:
    row = cur.execute("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = "
                      "'fts_main_mentions' AND database_name = current_database()").fetchone()
    return bool(row and row[0])


def status(cur: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the search uses now: ``backend`` (fts | ilike), ``extension`` (found and loaded),
    ``built_at`` / ``indexed`` of the index, ``pending``: mentions coded since the build (found
    by substring until the next rebuild), ``stale``: mentions changed since the build."""
    have_ext = load_fts(cur)
    state = _state(cur)
    built = state.get("search.built_at")
    exists = _index_exists(cur)
    count_row = cur.execute("SELECT count(*), max(coded_at) FROM mentions").fetchone()
    assert count_row is not None
    total, newest = int(count_row[0]), count_row[1]
    indexed = int(state.get("search.indexed", "0"))
    mark = state.get("search.max_coded_at")
    pending = 0
    if exists and mark:
        pend = cur.execute("SELECT count(*) FROM mentions WHERE coded_at > ?",
                           [datetime.fromisoformat(mark)]).fetchone()
        pending = int(pend[0]) if pend else 0
    elif exists:
        pending = 0 if indexed == total else total
    current = (newest.isoformat() if newest is not None else "") == (mark or "")
    stale = (total > 0 or exists) and (not exists or not current or indexed != total
                                       or state.get("search.version") != INDEX_VERSION)
    return {
        "backend": "fts" if (have_ext and exists) else "ilike",
        "extension": have_ext,
        "index": exists,
        "built_at": from_utc_naive(datetime.fromisoformat(built)) if built else None,
        "indexed": indexed if exists else 0,
        "mentions": total,
        "pending": pending,
        "stale": stale,
    }


def rebuild_index(con: duckdb.DuckDBPyConnection, now: datetime,
                  force: bool = False) -> dict[str, Any]:
    """(Re)build the BM25 index over ``mentions.sentence`` when it is due (see the module
    docstring).  Returns ``status`` afterwards with ``rebuilt``.  Without the extension nothing
    is built (the search uses ILIKE)."""
    before = status(con)
    built_at = before["built_at"]
    age = (now - (to_utc_naive(built_at) or now)).total_seconds() if built_at else None
    due = force or not before["index"] or age is None or (age >= REBUILD_EVERY and (
        before["pending"] * REBUILD_SHARE >= before["indexed"] or age >= REBUILD_MAX_AGE
        or before["pending"] == 0))  # pending 0 but stale: mentions were deleted or re-coded
    if not before["extension"] or not before["stale"] or not due:
        return {**before, "rebuilt": False}
    con.execute("BEGIN TRANSACTION")
    try:
        row = con.execute("SELECT count(*), max(coded_at) FROM mentions").fetchone()
        assert row is not None
        con.execute("PRAGMA create_fts_index('mentions', 'mention_id', 'sentence', "
                    "stemmer = 'porter', stopwords = 'english', "
                    f"ignore = '{IGNORE}', overwrite = 1)")
        values = [now.isoformat(), str(int(row[0])), row[1].isoformat() if row[1] else "",
                  INDEX_VERSION]
        for key, value in zip(_KEYS, values, strict=True):
            con.execute(f"INSERT OR REPLACE INTO {_STATE} VALUES (?, ?)", [key, value])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {**status(con), "rebuilt": True}


def check_query(text: str) -> str:
    """A search text, stripped; rejected when empty or longer than ``MAX_QUERY_CHARS``."""
    clean = " ".join(text.split())
    if not clean or len(clean) > MAX_QUERY_CHARS:
        raise InputError(f"search text of {len(clean)} characters",
                         f"give 1 to {MAX_QUERY_CHARS} characters", subject="q")
    return clean


def _text_match(cur: duckdb.DuckDBPyConnection, text: str, mode: str, since: date | None,
                until: date | None) -> tuple[str, list[Any]]:
    """SQL selecting the ids of mentions whose sentence matches ``text``, and its params."""
    bounds, bparams = "", []
    if since is not None:
        bounds += " AND m.event_date >= ?"
        bparams.append(_shift(since, -WINDOW_DAYS))
    if until is not None:
        bounds += " AND m.event_date < ?"
        bparams.append(_shift(until, WINDOW_DAYS))
    substring = "contains(lower(m.sentence), lower(?))"
    terms = " ".join(re.findall(r"[^\W_]+", text))
    use_fts = mode != "ilike" and load_fts(cur) and _index_exists(cur)
    if mode == "fts" and not use_fts:
        raise InputError("full-text search is not available (the fts extension or its index "
                         "is missing)", "install duckdb-extension-fts and let serve build the "
                         "index, or search with search=ilike", subject="search")
    if not use_fts or not terms:  # no word to look up (only punctuation): by substring
        return (f"SELECT m.mention_id FROM mentions m WHERE {substring}{bounds}",
                [text, *bparams])
    stop = {str(r[0]) for r in cur.execute("SELECT sw FROM fts_main_mentions.stopwords"
                                            ).fetchall()}
    terms = " ".join(t for t in terms.split() if t.lower() not in stop)
    if not terms:  # only stop words: the index has none of them
        return (f"SELECT m.mention_id FROM mentions m WHERE {substring}{bounds}",
                [text, *bparams])
    mark = _state(cur).get("search.max_coded_at") or ""
    fts = ("SELECT m.mention_id FROM mentions m WHERE "
           "fts_main_mentions.match_bm25(m.mention_id, ?, conjunctive := 1) IS NOT NULL" + bounds)
    params: list[Any] = [terms, *bparams]
    late = f"SELECT m.mention_id FROM mentions m WHERE {substring}{bounds}"
    if mark:
        late += " AND m.coded_at > ?"
        return f"{fts} UNION {late}", [*params, text, *bparams, datetime.fromisoformat(mark)]
    return f"{fts} UNION {late}", [*params, text, *bparams]


def _bbox(bbox: tuple[float, float, float, float]) -> tuple[str, list[Any]]:
    if not (isinstance(bbox, tuple | list) and len(bbox) == 4
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in bbox)):
        raise InputError(f"bbox {bbox!r} is not four numbers", "give minlon,minlat,maxlon,maxlat",
                         subject="bbox")
    minlon, minlat, maxlon, maxlat = (float(v) for v in bbox)
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        raise InputError(f"bbox {bbox!r} is out of range",
                         "longitudes in [-180, 180], latitudes in [-90, 90], minlat <= maxlat",
                         subject="bbox")
    lon = "e.location.lon BETWEEN ? AND ?"
    if minlon > maxlon:  # crosses the antimeridian
        lon = "(e.location.lon >= ? OR e.location.lon <= ?)"
    return (f"({lon} AND e.location.lat BETWEEN ? AND ?)", [minlon, maxlon, minlat, maxlat])


def _after(after: Cursor) -> tuple[str, list[Any]]:
    if not (isinstance(after, tuple | list) and len(after) == 2 and isinstance(after[1], str)
            and isinstance(after[0], str | None)):
        raise InputError("bad cursor", "pass the next_cursor of the previous page",
                         subject="cursor")
    day_text, event_id = after
    if day_text is None:
        return "(e.event_date IS NULL AND e.event_id > ?)", [event_id]
    try:
        day = date.fromisoformat(day_text)
    except ValueError as exc:
        raise InputError("bad cursor", "pass the next_cursor of the previous page",
                         subject="cursor") from exc
    return ("(e.event_date < ? OR (e.event_date = ? AND e.event_id > ?) OR e.event_date IS NULL)",
            [day, day, event_id])


def events_page(
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
    bbox: tuple[float, float, float, float] | None = None,
    mode: str = "auto",
    after: Cursor | None = None,
    limit: int = 100,
) -> list[Event]:
    """Events in the order of ``queries.events`` (newest date first, then id) after the cursor
    ``after`` (the date and id of the last event of the previous page), with the filters of
    ``queries.events``; ``bbox`` (minlon, minlat, maxlon, maxlat) on the event's location;
    ``text`` searched as the module docstring says (``mode`` auto | fts | ilike)."""
    check_page(limit, 0)
    if mode not in MODES:
        raise InputError(f"unknown search mode {mode!r}", "use auto, fts or ilike",
                         subject="search")
    where, params = _event_filters(dyad=dyad, actor=actor, since=since, until=until,
                                   cameo=cameo, plover=plover, quad=quad, story=story,
                                   text=None)
    if text is not None:
        match, mparams = _text_match(cur, check_query(text), mode, since, until)
        where.append(_HOLDS.format(match=match))
        params += mparams
    if bbox is not None:
        sql, bparams = _bbox(bbox)
        where.append(sql)
        params += bparams
    if after is not None:
        sql, aparams = _after(after)
        where.append(sql)
        params += aparams
    return _events_page(cur, where, params, limit, 0)
