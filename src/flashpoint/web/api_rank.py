"""The dyad ranking of ``/api/dyads`` and the daily rows of the series, kept in tables.

Ranking every dyad aggregates every event of the last 90 days and scores each dyad's series,
and one dyad's series aggregates every event and mention: seconds on a store of ten million
events.  So the API reads derived tables (``store.derived``) instead:

* ``Ranker.refresh`` rebuilds the daily dyad/actor tables (``Store.refresh_daily``), then ranks
  the dyads from them exactly as ``flashpoint dyads`` does (``compute``: the 90 days up to the
  last event, or from ``since``; score = ``trends.signals.current_score`` of each dyad's
  series; conflict = QuadClass 3 + 4 events; a 30-day sparkline of conflict) and stores the
  ranking (``Store.save_dyad_ranking``); both carry their *basis*, the events' latest
  ``updated_at`` they were computed from (``Store.trend_state``);
* ``Ranker.ranking`` / ``Ranker.daily`` serve the stored rows.  When events changed since the
  basis they answer with the stored rows marked ``stale`` and recompute in a background thread
  (when the app runs background work; otherwise at once, within the request).  The first
  request on a store that was never ranked computes at once.
* ``Daily`` offers ``dyad_daily`` / ``actor_daily`` from the tables (everything else from the
  store), so ``trends.series.load`` builds a series from them unchanged.

With ``since`` the ranking is computed live for that request (it depends on the window).  With
``actor`` the stored ranking is filtered to dyads with that actor on either side (the CLI also
takes its 90-day window from that actor's dyads; the API keeps the store-wide window).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, cast

from ..store import Store
from ..trends.series import DyadSeries

WINDOW_DAYS = 90
SPARK_DAYS = 30


class Daily:
    """A ``Store`` whose ``dyad_daily`` / ``actor_daily`` read the derived daily tables."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def dyad_daily(self, *, dyads: Sequence[tuple[str, str]] | None = None,
                   actor: str | None = None, since: date | None = None,
                   until: date | None = None) -> list[dict[str, Any]]:
        return self._store.dyad_days(dyads=dyads, actor=actor, since=since, until=until)

    def actor_daily(self, actors: Sequence[str], *, since: date | None = None,
                    until: date | None = None) -> list[dict[str, Any]]:
        return self._store.actor_days(actors, since=since, until=until)

    def as_store(self) -> Store:
        return cast(Store, self)


def compute(store: Store, *, since: date | None = None,
            actor: str | None = None) -> list[dict[str, Any]]:
    """Every directed dyad with events in the window, best escalation score first (from the
    store as given: pass ``Daily(store).as_store()`` to read the daily tables)."""
    from ..trends.series import load
    from ..trends.signals import current_score

    start = since
    rows = store.dyad_daily(actor=actor, since=start)
    if start is None and rows:  # default: the 90 days up to the last event
        start = max(r["day"] for r in rows) - timedelta(days=WINDOW_DAYS - 1)
        rows = [r for r in rows if r["day"] >= start]
    pairs = sorted({(r["source"], r["target"]) for r in rows})
    ranked: list[dict[str, Any]] = []
    for s in load(store, pairs, since=start):
        conflict = [d.quad[2] + d.quad[3] for d in s.days]
        ranked.append({
            "source": s.source, "target": s.target,
            "score": round(current_score(s), 2) if _can_score(s) else 0.0,
            "events": sum(d.events for d in s.days), "conflict": int(sum(conflict)),
            "last_day": max((d.day for d in s.days if d.events), default=None),
            "spark": [int(v) for v in conflict[-SPARK_DAYS:]],
        })
    ranked.sort(key=lambda r: (-r["score"], -r["conflict"], r["source"], r["target"]))
    return ranked


def _can_score(series: DyadSeries) -> bool:
    """Whether ``current_score`` can be above 0: only when the last covered day has material
    or verbal conflict (a day's count of 0 has z = 0, and the sustained test also needs the
    day's count above its level).  Skips the scoring of most quiet dyads."""
    last = next((d for d in reversed(series.days) if d.covered), None)
    return last is not None and bool(last.quad[2] or last.quad[3])


def item(row: dict[str, Any]) -> dict[str, Any]:
    """A ranking row as the API shows it."""
    day = row.get("last_day")
    return {"dyad": f"{row['source']}:{row['target']}", "source": row["source"],
            "target": row["target"], "score": float(row["score"]), "events": int(row["events"]),
            "conflict": int(row["conflict"]),
            "last_day": day.isoformat() if isinstance(day, date) else day,
            "spark": [int(v) for v in row["spark"]]}


class Ranker:
    """Keeps the stored ranking in step with the events (see the module docstring)."""

    def __init__(self, *, background: bool) -> None:
        self.background = background
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def ranking(self, store: Store, *, actor: str | None, top: int) -> dict[str, Any]:
        """The stored ranking: ``rows``, ``basis``, ``built_at`` and ``stale``."""
        got = store.dyad_ranking(actor=actor, top=top)
        current = store.trend_state()["events_updated"]
        fresh = got["built_at"] is not None and got["basis"] == current
        if got["built_at"] is None or (not fresh and not self.background):
            self.refresh(store)
            got = store.dyad_ranking(actor=actor, top=top)
            fresh = True
        elif not fresh:
            self.kick(store)
        return {**got, "stale": not fresh}

    def daily(self, store: Store) -> tuple[Store, bool]:
        """The store to build series from (the daily tables, or the store itself before they
        were first built in background mode) and whether it is stale."""
        status = store.daily_status()
        current = store.trend_state()["events_updated"]
        if status["built_at"] is not None and status["basis"] == current:
            return Daily(store).as_store(), False
        if not self.background:
            self.refresh(store)
            return Daily(store).as_store(), False
        self.kick(store)
        if status["built_at"] is None:
            return store, False  # live aggregates: right, only slower
        return Daily(store).as_store(), True

    def refresh(self, store: Store) -> bool:
        """Rebuild the daily tables and the ranking if events changed since their basis;
        whether anything was rebuilt."""
        with self._lock:
            current = store.trend_state()["events_updated"]
            status = store.daily_status()
            done = False
            if status["built_at"] is None or status["basis"] != current:
                store.refresh_daily(current)
                done = True
            got = store.dyad_ranking(top=0)
            if got["built_at"] is None or got["basis"] != current:
                store.save_dyad_ranking(compute(Daily(store).as_store()), current)
                done = True
            return done

    def kick(self, store: Store) -> None:
        """Start a background refresh unless one is running."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, args=(store,), daemon=True,
                                        name="flashpoint-web-rank")
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, store: Store) -> None:
        try:
            self.refresh(store)
            self.last_error = None
        except Exception as exc:  # a background failure is logged and shown in /api/stats
            self.last_error = f"{type(exc).__name__}: {exc}"
            logging.getLogger("flashpoint.web").exception("dyad ranking refresh failed")
