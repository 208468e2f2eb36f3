"""Alerts: episodes of the escalation signal turned into explained, revisioned records.

``update(store, options)`` recomputes the series of the dyads whose events changed since the
last update, re-evaluates their episodes and stores an alert revision only when an alert's
content changed (a late article that adds an event to an episode gives a new revision, never a
silent edit).  It is cheap to call after every ingest, and ``refresh`` calls it on demand when
the store holds events newer than the last update.

An alert is one episode: ``alert_id`` = hash of (source, target, direction, channel, first
day); ``day`` the day it first fired; ``score`` its peak; ``baseline`` the figures the first
firing day was compared with; ``top_events`` the best-sourced events of the episode, each with
its evidence sentence and the ids and links of its articles.  An alert whose episode
disappears on a later update (its events re-clustered or re-coded away) gets a revision in state
``withdrawn``.  The explanations of every episode take two store calls in all
(``trend_events``, ``event_sources``), not queries per episode and event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..ids import short_id
from ..model import Alert, Event
from ..options import Options
from ..store import Store
from . import series as series_mod
from .signals import Episode, SignalParams, evaluate

TOP_EVENTS = 3
ARTICLES_PER_EVENT = 3
MENTIONS_PER_EVENT = 50
WITHDRAW_PAGE = 5_000
_DEESC = ("RETREAT", "AGREE", "SUPPORT")


def alert_id(source: str, target: str, direction: str, channel: str, start: date) -> str:
    return short_id("alert", source, target, direction, channel, start.isoformat())


def _range(ep: Episode) -> tuple[date, date]:
    return ep.start, ep.last_fired + timedelta(days=1)


def _episode_events(pool: Sequence[Event], ep: Episode, source: str,
                    target: str) -> list[Event]:
    """The episode's top events, chosen from ``pool`` (the dyad's events and its source's
    RETREATs around the episode, fetched in one batch for every episode)."""
    since, until = (d.isoformat() for d in _range(ep))
    days = [e for e in pool if e.event_date and since <= e.event_date < until]
    dyad = [e for e in days if e.source_key == source and e.target_key == target]
    if ep.direction == "escalation":
        quad = 4 if ep.channel == "material" else 3
        found = [e for e in dyad if e.quad_class == quad]
    elif ep.channel == "material":
        found = [e for e in days if e.source_key == source and e.plover == "RETREAT"
                 and (e.target_key == target or not e.background)]
    else:
        found = [e for e in dyad if e.plover in _DEESC]
    found.sort(key=lambda e: (-e.num_sources, -abs(e.goldstein), e.event_date or "",
                              e.event_id))
    return found[:TOP_EVENTS]


def _explain(events: Sequence[Event], sources: dict[str, list[dict[str, Any]]]
             ) -> tuple[list[dict[str, Any]], int, str]:
    """Top events as dicts with evidence and articles; independent sources; coder version."""
    out: list[dict[str, Any]] = []
    outlets: set[str] = set()
    versions: set[str] = set()
    best = 0
    for ev in events:
        reports = sources.get(ev.event_id, [])[:MENTIONS_PER_EVENT]
        versions.update(r["coder_version"] for r in reports if r["coder_version"])
        ids = sorted({r["article_id"] for r in reports})
        first: dict[str, dict[str, Any]] = {}
        for r in reports:
            first.setdefault(r["article_id"], r)
        articles = []
        for aid in ids[:ARTICLES_PER_EVENT]:
            art = first[aid]
            if art["source"]:
                outlets.add(art["source"])
            articles.append({"article_id": aid, "url": art["url"], "source": art["source"],
                             "title": art["title"]})
        best = max(best, ev.num_sources)
        out.append({"event_id": ev.event_id, "event_date": ev.event_date,
                    "source": ev.source_code, "target": ev.target_code, "cameo": ev.cameo,
                    "plover": ev.plover, "quad_class": ev.quad_class,
                    "goldstein": ev.goldstein, "num_sources": ev.num_sources,
                    "evidence": ev.evidence, "article_ids": ids, "articles": articles})
    return out, max(best, len(outlets)), max(versions) if versions else ""


def build_alerts(store: Store, dyads: Sequence[series_mod.DyadSeries], as_of: datetime,
                 params: SignalParams | None = None) -> list[Alert]:
    """The alerts (one per episode) of the dyads' series, explained with a fixed number of
    store queries whatever the number of dyads and episodes."""
    episodes = [(d, ep) for d in dyads for ep in evaluate(d, params)]
    if not episodes:
        return []
    pool = store.trend_events([(d.source, d.target, *_range(ep)) for d, ep in episodes])
    by_source: dict[str, list[Event]] = {}
    for ev in pool:
        by_source.setdefault(ev.source_key, []).append(ev)
    chosen = [(d, ep, _episode_events(by_source.get(d.source, []), ep, d.source, d.target))
              for d, ep in episodes]
    sources = store.event_sources(sorted({e.event_id for _, _, evs in chosen for e in evs}))
    alerts: list[Alert] = []
    for dyad, ep, events in chosen:
        top, num_sources, version = _explain(events, sources)
        top = [t for t in top if t["evidence"]]
        if not top:
            continue  # nothing to show for it (e.g. every event was re-coded away)
        alerts.append(Alert(
            alert_id=alert_id(dyad.source, dyad.target, ep.direction, ep.channel, ep.start),
            revision=0, source=dyad.source, target=dyad.target, day=ep.start.isoformat(),
            direction=ep.direction, channel=ep.channel, score=round(ep.peak.score, 3),
            baseline=ep.baseline(), state=ep.state, num_sources=num_sources,
            single_source=num_sources <= 1, top_events=tuple(top), coder_version=version,
            as_of=as_of))
    return alerts


def withdrawn(store: Store, pairs: Sequence[tuple[str, str]], current: set[str],
              as_of: datetime) -> list[Alert]:
    """Alerts of the recomputed ``pairs`` whose episode no longer exists (late articles or a
    re-coding took its events away): each gets a revision in state ``withdrawn``, keeping what
    it said, so an analyst sees that the system changed its mind instead of a silent stale
    alert."""
    changed = set(pairs)
    gone: list[Alert] = []
    offset = 0
    while True:
        page = store.alerts(limit=WITHDRAW_PAGE, offset=offset)
        for alert in page:
            if ((alert.source, alert.target) in changed and alert.alert_id not in current
                    and alert.state != "withdrawn"):
                gone.append(dataclasses.replace(alert, state="withdrawn", as_of=as_of,
                                                mark=None))
        if len(page) < WITHDRAW_PAGE:
            return gone
        offset += WITHDRAW_PAGE


def update(store: Store, options: Options | None = None,
           params: SignalParams | None = None) -> list[Alert]:
    """Recompute the series of the dyads whose events changed since the last update and store
    new alert revisions; returns the revisions stored (``[]`` when nothing changed).

    ``options`` is accepted for the pipeline hook's signature (no option tunes trends yet)."""
    del options
    state = store.trend_state()
    watermark = state["events_updated"]
    pairs = store.changed_dyads(state["watermark"])
    if not pairs:
        if watermark is not None and watermark != state["watermark"]:
            store.save_alerts([], watermark=watermark)
        return []
    now = datetime.now(UTC)
    fresh = build_alerts(store, series_mod.load(store, pairs), now, params)
    fresh += withdrawn(store, pairs, {a.alert_id for a in fresh}, now)
    return store.save_alerts(fresh, watermark=watermark)


def refresh(store: Store, options: Options | None = None) -> list[Alert]:
    """``update`` when the store has events newer than the last update, else nothing."""
    state = store.trend_state()
    if state["events_updated"] is None or state["events_updated"] == state["watermark"]:
        return []
    return update(store, options)
