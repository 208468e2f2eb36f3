"""What the dashboard pages show, read through the ``Store`` interface (no HTML here).

- ``rank_dyads``: the same ranking as ``flashpoint dyads`` (current escalation score, then
  conflict events, then name) over the 90 days up to the last event by default.
- ``day_events``: one day of one dyad — its own events, then the other events of that day
  involving either actor (so a demand *to* Serbia shows on the Serbia–Kosovo day).
- ``event_sources``: the articles behind each event (title, outlet, URL) via its mentions.
- ``map_points``: events grouped by location, for the map.
- ``parse_day``: a query-string date, with an error that names the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..errors import InputError, NotFoundError
from ..model import Event
from ..store import Store
from ..trends.series import DyadSeries, load
from ..trends.signals import current_score

DEFAULT_DAYS = 90
SPARK_DAYS = 30
MAX_DAY_EVENTS = 200
WEEK_DAYS = 7
MAX_MAP_EVENTS = 10_000
MAX_SOURCES_PER_EVENT = 8


def parse_day(value: str | None, name: str) -> date | None:
    """An ISO date from the query string (``None`` when empty)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InputError(f"{value[:40]!r} is not a date", "give YYYY-MM-DD",
                         subject=name) from exc


def parse_key(value: str, name: str) -> str:
    """An actor key from the URL (``SRB``, ``KSVUAF``, ``NAT``): letters and digits only."""
    key = value.strip().upper()
    if not key or len(key) > 32 or not (key.isascii() and key.isalnum()):
        raise InputError(f"{value[:40]!r} is not an actor key",
                         "use a key like SRB or KSV, as listed on the overview", subject=name)
    return key


@dataclass(frozen=True, slots=True)
class RankedDyad:
    source: str
    target: str
    score: float
    events: int
    conflict: int
    last_day: date | None
    spark: tuple[float, ...]  # conflict events (QuadClass 3 + 4) of the last 30 days


def rank_dyads(store: Store, *, since: date | None = None, actor: str | None = None,
               top: int = 20) -> list[RankedDyad]:
    """Directed dyads ranked like ``flashpoint dyads``."""
    rows = store.dyad_daily(actor=actor, since=since)
    start = since
    if start is None and rows:  # default: the 90 days up to the last event
        start = max(r["day"] for r in rows) - timedelta(days=DEFAULT_DAYS - 1)
        rows = [r for r in rows if r["day"] >= start]
    pairs = sorted({(r["source"], r["target"]) for r in rows if r["target"]})
    ranked: list[RankedDyad] = []
    for s in load(store, pairs, since=start):
        conflict = [float(d.quad[2] + d.quad[3]) for d in s.days]
        ranked.append(RankedDyad(
            source=s.source, target=s.target, score=round(current_score(s), 2),
            events=sum(d.events for d in s.days), conflict=int(sum(conflict)),
            last_day=max((d.day for d in s.days if d.events), default=None),
            spark=tuple(conflict[-SPARK_DAYS:])))
    ranked.sort(key=lambda r: (-r.score, -r.conflict, f"{r.source}:{r.target}"))
    return ranked[:top]


def ranked_from_rows(rows: Sequence[Mapping[str, Any]]) -> list[RankedDyad]:
    """``RankedDyad`` records from the rows of ``Store.dyad_ranking`` (the API's stored
    ranking, computed the same way by ``web.api_rank.compute``)."""
    out = []
    for r in rows:
        day = r.get("last_day")
        if isinstance(day, str):
            day = date.fromisoformat(day[:10])
        out.append(RankedDyad(
            source=str(r["source"]), target=str(r["target"]), score=float(r["score"]),
            events=int(r["events"]), conflict=int(r["conflict"]),
            last_day=day if isinstance(day, date) else None,
            spark=tuple(float(v) for v in r.get("spark") or ())))
    return out


def dyad_series(store: Store, source: str, target: str, *, since: date | None,
                until: date | None) -> DyadSeries:
    """The dense daily series of one dyad; ``NotFoundError`` when it has no data at all."""
    found = load(store, [(source, target)], since=since, until=until)
    if not found:
        raise NotFoundError(f"no events or coverage for {source} → {target}",
                            "pick a dyad from the overview or widen the dates",
                            subject=f"/dyad/{source}/{target}")
    return found[0]


@dataclass(frozen=True, slots=True)
class SourceLink:
    article_id: str
    title: str
    outlet: str
    url: str | None  # raw; the template only links it when ``safe_url`` accepts it


@dataclass(frozen=True, slots=True)
class EventView:
    event: Event
    sources: tuple[SourceLink, ...] = ()


@dataclass(frozen=True, slots=True)
class DayView:
    day: date
    dyad: list[EventView] = field(default_factory=list)
    related: list[EventView] = field(default_factory=list)
    week: list[EventView] = field(default_factory=list)  # dated only to a week holding the day


def event_sources(store: Store, events: Sequence[Event]) -> dict[str, tuple[SourceLink, ...]]:
    """The articles behind each event (distinct, earliest first, at most
    ``MAX_SOURCES_PER_EVENT``), in one store query for all of them."""
    found = store.event_sources([e.event_id for e in events]) if events else {}
    out: dict[str, tuple[SourceLink, ...]] = {}
    for eid, rows in found.items():
        links: dict[str, SourceLink] = {}
        for r in rows:
            aid = str(r["article_id"])
            if aid not in links and len(links) < MAX_SOURCES_PER_EVENT:
                links[aid] = SourceLink(aid, str(r.get("title") or aid),
                                        str(r.get("source") or ""), r.get("url"))
        out[eid] = tuple(links.values())
    return out


def day_events(store: Store, source: str, target: str, day: date) -> DayView:
    """One day of ``source -> target``: the dyad's events dated that day; the other events of
    that day with either actor on either side; and the events of either actor dated only to a
    week that holds the day (a week-precision date is the *last* day of its 7-day period, see
    ``coding.dates``), so a build-up reported as "this week" is not hidden.  Each event comes
    with its source articles."""
    nxt = day + timedelta(days=1)
    own = store.events(dyad=(source, target), since=day, until=nxt, limit=MAX_DAY_EVENTS)
    seen = {e.event_id for e in own}
    related: list[Event] = []
    week: list[Event] = []
    for key in dict.fromkeys((source, target)):
        for e in store.events(actor=key, since=day, until=day + timedelta(days=WEEK_DAYS),
                              limit=MAX_DAY_EVENTS):
            if e.event_id in seen:
                continue
            if e.event_date == day.isoformat():
                related.append(e)
            elif e.date_precision == "week":
                week.append(e)
            else:
                continue
            seen.add(e.event_id)
    order = lambda e: (-e.quad_class, e.source_key, e.target_key or "", e.cameo)  # noqa: E731
    related.sort(key=order)
    week.sort(key=order)
    links = event_sources(store, [*own, *related, *week])

    def views(events: list[Event]) -> list[EventView]:
        return [EventView(e, links.get(e.event_id, ())) for e in events]

    return DayView(day=day, dyad=views(own), related=views(related), week=views(week))


@dataclass(frozen=True, slots=True)
class PlaceCount:
    lat: float
    lon: float
    place: str
    country: str | None
    events: int


def map_points(events: Sequence[Event]) -> list[PlaceCount]:
    """Events grouped by location (rounded to 0.01°), largest first."""
    groups: dict[tuple[float, float], list[Any]] = {}
    for e in events:
        loc = e.location
        if loc is None or loc.lat is None or loc.lon is None:
            continue
        if not (-90.0 <= loc.lat <= 90.0 and -180.0 <= loc.lon <= 180.0):
            continue
        key = (round(loc.lat, 2), round(loc.lon, 2))
        got = groups.setdefault(key, [loc.place_name or loc.text, loc.country, 0])
        got[2] += 1
    out = [PlaceCount(lat, lon, str(v[0]), v[1], int(v[2])) for (lat, lon), v in groups.items()]
    out.sort(key=lambda p: (-p.events, p.place))
    return out


def dyad_alerts_by_day(alerts: Sequence[Any]) -> dict[str, list[Any]]:
    """Alerts grouped by their day (ISO string), for the day view."""
    out: dict[str, list[Any]] = {}
    for a in alerts:
        out.setdefault(a.day, []).append(a)
    return out
