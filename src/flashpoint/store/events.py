"""Clustering mentions into events, and keeping the stored events up to date.

The rules (the result depends only on the *set* of stored mentions, never on ingest order):

- Only mentions with ``negated=False`` take part (negated and hypothetical mentions are stored
  but never clustered; an event whose every report is negated does not exist).
- Group key = (``actor_key(source)``, ``actor_key(target)`` or None, ``cameo_root``).
- Within a group, mentions with a known ``event_date`` are sorted by (event_date, mention_id)
  and cut into windows greedily: a window starts at the earliest remaining date d0 and takes
  every mention dated d0 .. d0 + 2 days (so all its members lie within ±1 day of its middle).
- Within a window, mentions whose locations name different countries are split apart: one
  sub-cluster per location country; mentions without a location country join the sub-cluster
  with the most mentions (ties: the smallest country code).
- Mentions with an unknown ``event_date`` are clustered by (group key, story of their article).
- Background mentions (recaps) are members like any other: they carry the original date, so a
  recap joins the event it recalls as one more report.
- ``event_id = short_id("event", source_key, target_key, root, anchor, country)`` where anchor
  is the window's start date (ISO) or ``"story:" + story_id``, and country the sub-cluster's
  location country or "".

Representative values of an event (``make_event``): the most frequent cameo code (ties: the
longer, then the lower code) and quad class / Goldstein / PLOVER of the most confident member
with that code; the most frequent date (ties: the earliest) and the precision of the most
confident member with that date; codes and countries of the most confident member; the most
precise location (point > admin > country > none); the mean member tone; first/last seen from
the articles' publication (else ingest) times; the evidence sentence of the most confident
member ("most confident": highest confidence, then earliest published article, then lowest
mention id); background only when every member is a recap.

Re-clustering after a change rebuilds only the part of a group the change can reach.  Windows
are found by one greedy pass over the group's dates, so (with c0 / c1 the earliest / latest
changed date of a group, old = before the change, new = after):
- every old window starting before c0 is also a new window (its start depends only on earlier
  dates, which did not change); windows ending before c0 keep their members too.  The rebuild
  starts at the last old window start in [c0 - 2, c0), else at c0 (``restart``).
- going forward, the new pass re-synchronises with the old one at the first new window start
  after c1 that was also an old window start: from there on both passes see the same dates in
  the same state (``resync``).  Without such a point the rebuild runs to the group's end.
Stored events keep their window start (``events.window_start``) for this.  News arrives mostly
about the last few days, so a day's ingest rebuilds a few days of each affected group; a
re-code of old articles may rebuild a longer stretch.  Story clusters (unknown dates) are
rebuilt for each (group, story) with a changed undated mention.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from ..ids import sha256_hex, short_id
from ..model import Event, Place
from .base import from_utc_naive
from .rows import EVENT_SCHEMA, event_row, place_from
from .writer import with_keys

WINDOW_DAYS = 2  # a window covers its start date and the WINDOW_DAYS days after it
_PRECISION = {"point": 3, "admin": 2, "country": 1}

GroupKey = tuple[str, str | None, str]


class Change(NamedTuple):
    """Where a removed or added (non-negated) mention sat: its group, date and story."""

    source_key: str
    target_key: str | None
    cameo_root: str
    event_date: date | None
    story_id: str


@dataclass(frozen=True, slots=True)
class Member:
    """What clustering needs of one mention and its article."""

    mention_id: str
    article_id: str
    source_key: str
    target_key: str | None
    cameo_root: str
    cameo: str
    quad_class: int
    goldstein: float
    plover: str | None
    event_date: date | None
    date_precision: str
    source_code: str
    source_country: str | None
    target_code: str | None
    target_country: str | None
    location: Place | None
    tone: float | None
    confidence: float
    background: bool
    sentence: str
    published: datetime | None  # the article's, naive UTC
    seen: datetime  # published, else ingested_at (naive UTC)
    outlet: str  # the article's source name, "" when unknown
    story_id: str

    @property
    def group(self) -> GroupKey:
        return self.source_key, self.target_key, self.cameo_root


# -- pure clustering ---------------------------------------------------------------------------

def _confident(m: Member) -> tuple[float, bool, datetime, str]:
    """Sort key: the most confident member first (see the module docstring)."""
    return -m.confidence, m.published is None, m.published or datetime.min, m.mention_id


def _country(m: Member) -> str | None:
    return m.location.country if m.location is not None and m.location.country else None


def split_by_country(window: Sequence[Member]) -> list[tuple[str, list[Member]]]:
    """One sub-cluster per location country; members without one join the largest."""
    counts = Counter(c for c in map(_country, window) if c is not None)
    if not counts:
        return [("", list(window))]
    largest = min(counts, key=lambda c: (-counts[c], c))
    parts: dict[str, list[Member]] = defaultdict(list)
    for m in window:
        parts[_country(m) or largest].append(m)
    return sorted(parts.items())


def windows(dated: Sequence[Member]) -> list[tuple[date, list[Member]]]:
    """Greedy date windows of one group's dated members: (start date, members)."""
    ordered = sorted(dated, key=lambda m: (m.event_date, m.mention_id))
    out: list[tuple[date, list[Member]]] = []
    for m in ordered:
        assert m.event_date is not None
        if out and m.event_date <= out[-1][0] + timedelta(days=WINDOW_DAYS):
            out[-1][1].append(m)
        else:
            out.append((m.event_date, [m]))
    return out


def event_id(key: GroupKey, anchor: str, country: str) -> str:
    return short_id("event", key[0], key[1], key[2], anchor, country)


def make_event(key: GroupKey, anchor: str, country: str, members: Sequence[Member]) -> Event:
    """The event of one cluster, with its representative values."""
    ms = sorted(members, key=lambda m: m.mention_id)
    ranked = sorted(ms, key=_confident)
    top = ranked[0]
    codes = Counter(m.cameo for m in ms)
    cameo = min(codes, key=lambda c: (-codes[c], -len(c), c))
    by_code = next(m for m in ranked if m.cameo == cameo)
    dates = Counter(m.event_date for m in ms if m.event_date is not None)
    when = min(dates, key=lambda d: (-dates[d], d)) if dates else None
    by_date = next(m for m in ranked if m.event_date == when)
    located = [m for m in ranked if m.location is not None]
    place = None
    if located:
        place = max(located, key=lambda m: _PRECISION.get(m.location.geo_precision, 0)
                    if m.location is not None else -1).location
    tones = [m.tone for m in ms if m.tone is not None]
    return Event(
        event_id=event_id(key, anchor, country),
        source_code=top.source_code, target_code=top.target_code,
        source_country=top.source_country, target_country=top.target_country,
        cameo=cameo, cameo_root=key[2], quad_class=by_code.quad_class,
        goldstein=by_code.goldstein, plover=by_code.plover,
        event_date=when.isoformat() if when is not None else None,
        date_precision=by_date.date_precision,
        num_mentions=len(ms), num_articles=len({m.article_id for m in ms}),
        num_sources=len({m.outlet for m in ms}),
        first_seen=from_utc_naive(min(m.seen for m in ms)),
        last_seen=from_utc_naive(max(m.seen for m in ms)),
        mention_ids=tuple(m.mention_id for m in ms),
        location=place,
        tone=math.fsum(tones) / len(tones) if tones else None,
        source_key=key[0], target_key=key[1], evidence=top.sentence,
        confidence=top.confidence, background=all(m.background for m in ms),
    )


def cluster(members: Iterable[Member]) -> list[tuple[Event, date | None]]:
    """Every event of a set of (non-negated) members with its window start (None for a story
    cluster), ordered by event id."""
    groups: dict[GroupKey, list[Member]] = defaultdict(list)
    for m in members:
        groups[m.group].append(m)
    out: list[tuple[Event, date | None]] = []
    for key, ms in groups.items():
        for start, window in windows([m for m in ms if m.event_date is not None]):
            for country, part in split_by_country(window):
                out.append((make_event(key, start.isoformat(), country, part), start))
        stories: dict[str, list[Member]] = defaultdict(list)
        for m in ms:
            if m.event_date is None:
                stories[m.story_id].append(m)
        for story, part in stories.items():
            out.append((make_event(key, "story:" + story, "", part), None))
    return sorted(out, key=lambda pair: pair[0].event_id)


def event_digest(event: Event) -> str:
    return sha256_hex(repr(event))[:32]


def restart(old_starts: Iterable[date], first_change: date) -> date:
    """Where the rebuild of a group starts: the last old window start in [c0 - 2, c0), else c0.

    Old windows starting earlier end before c0 and stay as they are.
    """
    reach = first_change - timedelta(days=WINDOW_DAYS)
    before = [s for s in old_starts if reach <= s < first_change]
    return max(before) if before else first_change


def resync(start: date, new_dates: Iterable[date], old_starts: Iterable[date],
           last_change: date) -> date:
    """The last date the rebuild that begins at ``start`` must cover: the day before the first
    new window start after ``last_change`` that was an old window start too (from there on the
    old windows stand), else ``date.max``."""
    olds = set(old_starts)
    end: date | None = None
    for d in sorted(set(new_dates)):
        if d < start or (end is not None and d <= end):
            continue
        if d > last_change and d in olds:
            return d - timedelta(days=1)
        end = d + timedelta(days=WINDOW_DAYS)
    return date.max


# -- the stored events -------------------------------------------------------------------------

_GROUP_JOIN = ("{a}.source_key = {b}.source_key AND {a}.target_key IS NOT DISTINCT FROM "
               "{b}.target_key AND {a}.cameo_root = {b}.cameo_root")

_MEMBER_SQL = (
    "SELECT m.mention_id, m.article_id, m.source_key, m.target_key, m.cameo_root, m.cameo,"
    " m.quad_class, m.goldstein, m.plover, m.event_date, m.date_precision, m.source.code,"
    " m.source.country, m.target.code, m.target.country, m.location, m.tone, m.confidence,"
    " m.background, m.sentence, a.published, coalesce(a.published, a.ingested_at),"
    " coalesce(a.source, ''), a.story_id"
    " FROM mentions m JOIN articles a ON a.article_id = m.article_id"
)

_KEY_FIELDS = [("source_key", pa.string()), ("target_key", pa.string()),
               ("cameo_root", pa.string())]
_FROM_SCHEMA = pa.schema([*_KEY_FIELDS, ("lo", pa.date32())])
_RUNS_SCHEMA = pa.schema([*_KEY_FIELDS, ("lo", pa.date32()), ("hi", pa.date32())])
_STORIES_SCHEMA = pa.schema([*_KEY_FIELDS, ("story_id", pa.string())])

def _member(row: Sequence[Any]) -> Member:
    return Member(
        mention_id=row[0], article_id=row[1], source_key=row[2], target_key=row[3],
        cameo_root=row[4], cameo=row[5], quad_class=int(row[6]), goldstein=float(row[7]),
        plover=row[8], event_date=row[9], date_precision=row[10], source_code=row[11],
        source_country=row[12], target_code=row[13], target_country=row[14],
        location=place_from(row[15]),
        tone=row[16], confidence=float(row[17]), background=bool(row[18]), sentence=row[19],
        published=row[20], seen=row[21], outlet=row[22], story_id=row[23],
    )


def _keyed(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]],
           schema: pa.Schema, sql: str) -> list[Any]:
    con.register(name, pa.Table.from_pylist(rows, schema=schema))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.unregister(name)


def _ranges(
    con: duckdb.DuckDBPyConnection, changes: Sequence[Change]
) -> list[dict[str, Any]]:
    """The date range to rebuild of every group with a changed dated mention."""
    changed: dict[GroupKey, set[date]] = defaultdict(set)
    for c in changes:
        if c.event_date is not None:
            changed[(c.source_key, c.target_key, c.cameo_root)].add(c.event_date)
    if not changed:
        return []

    def key_row(key: GroupKey, when: date) -> dict[str, Any]:
        return {"source_key": key[0], "target_key": key[1], "cameo_root": key[2], "lo": when}

    reach = [key_row(k, min(days) - timedelta(days=WINDOW_DAYS)) for k, days in changed.items()]
    starts: dict[GroupKey, list[date]] = {
        (r[0], r[1], r[2]): r[3] for r in _keyed(
            con, "_reach", reach, _FROM_SCHEMA,
            "SELECT e.source_key, e.target_key, e.cameo_root, list(DISTINCT e.window_start)"
            " FROM events e JOIN _reach g ON " + _GROUP_JOIN.format(a="e", b="g") +
            " WHERE e.window_start >= g.lo GROUP BY ALL")
    }
    lows = {k: restart(starts.get(k, ()), min(days)) for k, days in changed.items()}
    dates: dict[GroupKey, list[date]] = {
        (r[0], r[1], r[2]): r[3] for r in _keyed(
            con, "_from", [key_row(k, lo) for k, lo in lows.items()], _FROM_SCHEMA,
            "SELECT m.source_key, m.target_key, m.cameo_root, list(DISTINCT m.event_date)"
            " FROM mentions m JOIN _from g ON " + _GROUP_JOIN.format(a="m", b="g") +
            " WHERE NOT m.negated AND m.event_date >= g.lo GROUP BY ALL")
    }
    return [
        {**key_row(k, lo), "hi": resync(lo, dates.get(k, ()), starts.get(k, ()),
                                        max(changed[k]))}
        for k, lo in lows.items()
    ]


def _affected(
    con: duckdb.DuckDBPyConnection, changes: Sequence[Change]
) -> tuple[list[Member], dict[str, str]]:
    """The members to re-cluster and the stored events they replace (id -> digest)."""
    runs = _ranges(con, changes)
    stories = sorted({(c.source_key, c.target_key, c.cameo_root, c.story_id)
                      for c in changes if c.event_date is None},
                     key=lambda s: (s[0], s[1] or "", s[1] is None, s[2], s[3]))
    tables = {
        "_runs": pa.Table.from_pylist(runs, schema=_RUNS_SCHEMA),
        "_stories": pa.Table.from_pylist(
            [{"source_key": s[0], "target_key": s[1], "cameo_root": s[2], "story_id": s[3]}
             for s in stories], schema=_STORIES_SCHEMA),
    }
    for name, table in tables.items():
        con.register(name, table)
    try:
        rows = con.execute(
            _MEMBER_SQL + " JOIN _runs r ON " + _GROUP_JOIN.format(a="m", b="r") +
            " AND m.event_date BETWEEN r.lo AND r.hi WHERE NOT m.negated"
            " UNION ALL " +
            _MEMBER_SQL + " JOIN _stories s ON " + _GROUP_JOIN.format(a="m", b="s") +
            " AND a.story_id = s.story_id WHERE NOT m.negated AND m.event_date IS NULL"
        ).fetchall()
        old = dict(con.execute(
            "SELECT e.event_id, e.digest FROM events e JOIN _runs r ON " +
            _GROUP_JOIN.format(a="e", b="r") + " AND e.window_start BETWEEN r.lo AND r.hi"
        ).fetchall())
    finally:
        for name in tables:
            con.unregister(name)
    story_ids = sorted({event_id(s[:3], "story:" + s[3], "") for s in stories})
    if story_ids:
        old.update(with_keys(
            con, story_ids,
            "SELECT e.event_id, e.digest FROM events e JOIN _keys k ON e.event_id = k.key"))
    return [_member(r) for r in rows], old


def recluster(
    con: duckdb.DuckDBPyConnection, changes: Sequence[Change], now: datetime
) -> tuple[list[str], list[str], list[str]]:
    """Rebuild the events the changed mentions can affect (inside the caller's transaction).

    Returns the ids of events added, removed and changed, each sorted.
    """
    if not changes:
        return [], [], []
    members, old = _affected(con, changes)
    clustered = cluster(members)
    new = {e.event_id: e for e, _ in clustered}
    starts = {e.event_id: start for e, start in clustered}
    digests = {eid: event_digest(e) for eid, e in new.items()}
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(eid for eid in set(new) & set(old) if digests[eid] != old[eid])
    gone = removed + changed
    if gone:
        with_keys(con, gone, "DELETE FROM events WHERE event_id IN (SELECT key FROM _keys)")
    write = sorted(added + changed)
    if write:
        rows = pa.Table.from_pylist(
            [event_row(new[eid], starts[eid], now, digests[eid]) for eid in write],
            schema=EVENT_SCHEMA)
        con.register("_events", rows)
        try:
            con.execute("INSERT INTO events BY NAME SELECT * FROM _events")
        finally:
            con.unregister("_events")
    return added, removed, changed
