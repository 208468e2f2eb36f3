"""Background work of ``flashpoint serve``: the watch loop, the search index and the ranking.

One thread (``Maintenance``) runs next to the server while the app lives:

1. at start, and then every ``interval`` seconds: a cycle of the ``--watch`` watcher when
   there is one (``trends.watch.Watcher.cycle``: poll feeds and the drop folder, ingest,
   update alerts, report them through the watcher's own sinks);
2. after that, the full-text index over mention sentences is rebuilt when mentions changed
   (``Store.rebuild_search_index``: at most every ``store.search.REBUILD_EVERY`` seconds;
   mentions coded in between are found by substring until then), and the daily dyad/actor
   tables and the dyad ranking are rebuilt when events changed (``api_rank.Ranker.refresh``).

Requests are never blocked by this work: the store serves reads from snapshots while a write
(an ingest, an index build) is in progress.  A failure is logged and shown in ``/api/stats``
(``maintenance.last_error``); the loop goes on.  ``stop`` ends the loop after the current step.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from ..store import Store
from ..trends.watch import Watcher
from .api_rank import Ranker

_LOG = logging.getLogger("flashpoint.web")


class Maintenance:
    """The background thread of the server (see the module docstring)."""

    def __init__(self, store: Store, ranker: Ranker, *, watcher: Watcher | None = None,
                 interval: float = 60.0) -> None:
        self.store = store
        self.ranker = ranker
        self.watcher = watcher
        self.interval = max(0.05, float(interval))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.cycles = 0
        self.last_run: datetime | None = None
        self.last_error: str | None = None
        self.last_index: dict[str, Any] | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name="flashpoint-web-maintenance")
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to end (the watcher finishes its current step) and wait for it."""
        self._stop.set()
        if self.watcher is not None:
            self.watcher.stop()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def status(self) -> dict[str, Any]:
        return {"running": self.running, "watch": self.watcher is not None,
                "interval_seconds": self.interval, "cycles": self.cycles,
                "last_run": self.last_run.isoformat() if self.last_run else None,
                "last_error": self.last_error}

    def step(self) -> None:
        """One round: a watch cycle (if any), then the index and the ranking."""
        if self.watcher is not None and not self._stop.is_set():
            report = self.watcher.cycle()
            if report.errors:
                _LOG.warning("watch cycle: %d error(s)", report.errors)
        if self._stop.is_set():
            return
        self.last_index = self.store.rebuild_search_index()
        if self.last_index.get("rebuilt"):
            _LOG.info("search index rebuilt over %s mentions", self.last_index.get("indexed"))
        if not self._stop.is_set():
            self.ranker.refresh(self.store)

    def _loop(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                self.step()
                self.last_error = None
            except Exception as exc:  # keep serving; the next round retries
                self.last_error = f"{type(exc).__name__}: {exc}"
                _LOG.exception("background maintenance failed")
            self.cycles += 1
            self.last_run = datetime.now(UTC)
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - began)))
