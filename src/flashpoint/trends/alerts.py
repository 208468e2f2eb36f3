"""Alerts: episodes of the escalation signal turned into explained, revisioned records.

``update(store, options)`` recomputes the series of the dyads whose events changed since the
last update, re-evaluates their episodes and stores an alert revision only when an alert's
content changed (a late article that adds an event to an episode gives a new revision, never a
silent edit).  It is cheap to call after every ingest, and ``refresh`` calls it on demand when
the store holds events newer than the last update.

An alert is one episode: ``alert_id`` = hash of (source, target, direction, channel, first
day); ``day`` the day it first fired; ``score`` its peak; ``baseline`` the figures the first
firing day was compared with; ``top_events`` the best-sourced events of the episode, each with
its evidence sentence and the ids and links of its articles.
"""

from __future__ import annotations

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
_DEESC = ("RETREAT", "AGREE", "SUPPORT")


def alert_id(source: str, target: str, direction: str, channel: str, start: date) -> str:
    return short_id("alert", source, target, direction, channel, start.isoformat())


def _episode_events(store: Store, ep: Episode, source: str, target: str) -> list[Event]:
    since, until = ep.start, ep.last_fired + timedelta(days=1)
    if ep.direction == "escalation":
        quad = 4 if ep.channel == "material" else 3
        found = store.events(dyad=(source, target), since=since, until=until, quad=quad,
                             limit=200)
    else:
        found = [e for e in store.events(dyad=(source, target), since=since, until=until,
                                         limit=200) if e.plover in _DEESC]
        if ep.channel == "material":
            found = [e for e in found if e.plover == "RETREAT"]
            found += [e for e in store.events(dyad=(source, None), since=since, until=until,
                                              plover="RETREAT", limit=200)
                      if not e.background]
    found.sort(key=lambda e: (-e.num_sources, -abs(e.goldstein), e.event_date or "",
                              e.event_id))
    return found[:TOP_EVENTS]


def _explain(store: Store, events: Sequence[Event]) -> tuple[list[dict[str, Any]], int, str]:
    """Top events as dicts with evidence and articles; independent sources; coder version."""
    out: list[dict[str, Any]] = []
    outlets: set[str] = set()
    versions: set[str] = set()
    best = 0
    for ev in events:
        mentions = store.mentions(event_id=ev.event_id, limit=50)
        versions.update(m.coder_version for m in mentions if m.coder_version)
        ids = sorted({m.article_id for m in mentions})
        articles = []
        for aid in ids[:ARTICLES_PER_EVENT]:
            art = store.get_article(aid)
            if art.source:
                outlets.add(art.source)
            articles.append({"article_id": aid, "url": art.url, "source": art.source,
                             "title": art.title})
        best = max(best, ev.num_sources)
        out.append({"event_id": ev.event_id, "event_date": ev.event_date,
                    "source": ev.source_code, "target": ev.target_code, "cameo": ev.cameo,
                    "plover": ev.plover, "quad_class": ev.quad_class,
                    "goldstein": ev.goldstein, "num_sources": ev.num_sources,
                    "evidence": ev.evidence, "article_ids": ids, "articles": articles})
    return out, max(best, len(outlets)), max(versions) if versions else ""


def build_alerts(store: Store, dyad: series_mod.DyadSeries, as_of: datetime,
                 params: SignalParams | None = None) -> list[Alert]:
    """The alerts (one per episode) of one dyad's series."""
    alerts: list[Alert] = []
    for ep in evaluate(dyad, params):
        events = _episode_events(store, ep, dyad.source, dyad.target)
        top, sources, version = _explain(store, events)
        top = [t for t in top if t["evidence"]]
        if not top:
            continue  # nothing to show for it (e.g. every event was re-coded away)
        alerts.append(Alert(
            alert_id=alert_id(dyad.source, dyad.target, ep.direction, ep.channel, ep.start),
            revision=0, source=dyad.source, target=dyad.target, day=ep.start.isoformat(),
            direction=ep.direction, channel=ep.channel, score=round(ep.peak.score, 3),
            baseline=ep.baseline(), state=ep.state, num_sources=sources,
            single_source=sources <= 1, top_events=tuple(top), coder_version=version,
            as_of=as_of))
    return alerts


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
    fresh: list[Alert] = []
    for dyad in series_mod.load(store, pairs):
        fresh += build_alerts(store, dyad, now, params)
    return store.save_alerts(fresh, watermark=watermark)


def refresh(store: Store, options: Options | None = None) -> list[Alert]:
    """``update`` when the store has events newer than the last update, else nothing."""
    state = store.trend_state()
    if state["events_updated"] is None or state["events_updated"] == state["watermark"]:
        return []
    return update(store, options)
