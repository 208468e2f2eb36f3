"""``LocalStore``: the owner's side — one DuckDB connection, a write lock, cursors for readers.

Writes are serialised by a lock and each runs in one transaction on the writer cursor; reads run
on pooled cursors of the same database, so they see the last committed snapshot and never wait
for a write.  When the store has an ``OwnerLock`` it also serves other processes over RPC.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import duckdb
import pyarrow as pa

from ..errors import InputError, NotFoundError, StoreError
from ..model import Alert, Article, Coded, Event, Mention, Place, Quote, Rejection
from ..options import Options
from . import coded as coded_writer
from . import derived, queries, writer
from . import trends as trend_queries
from .base import AddOutcome, CodedOutcome, StoryRow
from .owner import OwnerInfo, OwnerLock, RpcServer
from .schema import current_version, migrate

_POOL_MAX = 8


def _as_date(value: date | str) -> date:
    """A range bound as a date (the RPC may deliver ISO strings)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(f"{value!r} is not a date", "give YYYY-MM-DD",
                         subject="ranges") from exc


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _json(value: dict[str, Any], what: str) -> str:
    if not isinstance(value, dict):
        raise InputError(f"{what} must be a dictionary", f"pass a dict as the {what}",
                         subject=what)
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def check_path(path: str) -> None:
    """Fail early, naming the path and the fix, when ``path`` cannot hold a store."""
    if path == ":memory:":
        return
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise StoreError(f"the directory {parent} does not exist",
                         "create it, or choose another store with --db or FLASHPOINT_DB",
                         subject=path)
    if os.path.isdir(path):
        raise StoreError("this is a directory, not a database file",
                         "give the path of a .duckdb file", subject=path)


def connect(path: str) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, turning failures into ``StoreError`` with the path and a fix."""
    check_path(path)
    try:
        return duckdb.connect(path)
    except duckdb.Error as exc:
        text = str(exc)
        if "not a valid DuckDB database" in text:
            what, fix = ("the file is not a DuckDB database",
                         "choose another path with --db or FLASHPOINT_DB, or move the file away")
        elif "Could not set lock" in text or "Conflicting lock" in text:
            what, fix = ("another program has the database file open",
                         "close that program (a duckdb shell or an old flashpoint) and retry")
        elif "version" in text.lower() and "storage" in text.lower():
            what, fix = (f"the file was written by an incompatible DuckDB ({text})",
                         "upgrade flashpoint, or export the data with the DuckDB that wrote it")
        elif "Permission denied" in text or "Read-only" in text:
            what, fix = (f"the database file cannot be opened for writing ({text})",
                         "fix the permissions of the file and its directory")
        else:
            what, fix = (f"cannot open the database ({text})",
                         "check the file; restore it from a backup if it is damaged")
        raise StoreError(what, fix, subject=path) from exc


class LocalStore:
    """The owner of a store file (see ``flashpoint.store.open_store``)."""

    def __init__(self, path: str, options: Options, *, lock: OwnerLock | None = None) -> None:
        self.path = path
        self.is_owner = True
        self.options = options
        self._con = connect(path)
        self._lock = lock
        self._server: RpcServer | None = None
        self._closed = False
        self._write_lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._pool: list[duckdb.DuckDBPyConnection] = []
        self._state = writer.DedupState(options)
        try:
            migrate(self._con, path)
            self._writer = self._con.cursor()
            if lock is not None:
                self._server = RpcServer(self, options)
                self._server.start()
                lock.publish(OwnerInfo(os.getpid(), self._server.port, self._server.token))
        except BaseException:
            self.close()
            raise

    # -- plumbing ---------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed", "open it again with open_store",
                             subject=self.path)

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except duckdb.Error as exc:
            raise StoreError(f"{action} failed ({exc})",
                             "retry; if it persists, check the disk and the file",
                             subject=self.path) from exc

    @contextmanager
    def _reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self._check_open()
        with self._pool_lock:
            cur = self._pool.pop() if self._pool else self._con.cursor()
        try:
            with self._errors("reading the store"):
                yield cur
        finally:
            with self._pool_lock:
                if len(self._pool) < _POOL_MAX and not self._closed:
                    self._pool.append(cur)
                else:
                    cur.close()

    @contextmanager
    def _writing(self, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._write_lock:
            self._check_open()
            with self._errors(action):
                yield self._writer

    # -- writes -----------------------------------------------------------------------------

    def add_articles(self, items: Sequence[tuple[Article, bytes]]) -> list[AddOutcome]:
        """Store a batch; decide new / updated / duplicate / near-duplicate for each article.

        The store assigns ``story_id`` and ``version`` (the inputs' values are ignored); an empty
        or foreign-sized signature is recomputed from the text.
        """
        for n, item in enumerate(items):
            if not (isinstance(item, tuple | list) and len(item) == 2
                    and isinstance(item[0], Article) and isinstance(item[1], bytes)):
                raise InputError(f"item {n} of add_articles is not (Article, signature bytes)",
                                 "pass pairs of an Article and its dedup.signature",
                                 subject="add_articles")
        with self._writing("storing articles") as con:
            return writer.add_articles(con, self._state, items, self.options, _now())

    def add_coded(self, coded: Sequence[Coded]) -> CodedOutcome:
        """Store what the coder returned for each article (replacing the article's previous
        mentions, quotes and places) and re-cluster the events they touch; one transaction.

        ``NotFoundError`` when an article is not stored; the same input twice changes nothing.
        See ``flashpoint.store.coded`` and ``flashpoint.store.events``.
        """
        with self._writing("storing coded mentions") as con:
            return coded_writer.add_coded(con, coded, _now())

    def start_run(self, kind: str, manifest: dict[str, Any], *, run_id: str | None = None) -> str:
        """Record the start of a run; returns its id (``run_id`` makes a retry idempotent)."""
        run_id = run_id or uuid.uuid4().hex[:16]
        text = _json(manifest, "manifest")
        with self._writing("recording a run") as con:
            con.execute("INSERT INTO runs (run_id, kind, started_at, manifest) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        [run_id, kind, _now(), text])
        return run_id

    def finish_run(self, run_id: str, counts: dict[str, Any]) -> None:
        text = _json(counts, "counts")
        with self._writing("recording a run") as con:
            row = con.execute("UPDATE runs SET finished_at = ?, counts = ? WHERE run_id = ? "
                              "RETURNING run_id", [_now(), text, run_id]).fetchone()
        if row is None:
            raise NotFoundError(f"run {run_id!r} is not in the store",
                                "pass the id start_run returned", subject=run_id)

    def add_rejections(self, run_id: str, rejections: Sequence[Rejection]) -> None:
        """Record rejected inputs of a run (recording the same rejection twice is a no-op)."""
        if not rejections:
            return
        now = _now()
        table = pa.table({
            "run_id": pa.array([run_id] * len(rejections), pa.string()),
            "origin": pa.array([r.origin for r in rejections], pa.string()),
            "reason": pa.array([r.reason for r in rejections], pa.string()),
            "detail": pa.array([r.detail for r in rejections], pa.string()),
            "rejected_at": pa.array([now] * len(rejections), pa.timestamp("us")),
        })
        with self._writing("recording rejections") as con:
            con.register("_rejections", table)
            try:
                con.execute(
                    "INSERT INTO rejections BY NAME SELECT DISTINCT * FROM _rejections n "
                    "WHERE NOT EXISTS (SELECT 1 FROM rejections r WHERE r.run_id = n.run_id "
                    "AND r.origin = n.origin AND r.reason = n.reason AND r.detail = n.detail)"
                )
            finally:
                con.unregister("_rejections")

    # -- reads ------------------------------------------------------------------------------

    def articles(
        self,
        *,
        story: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Article]:
        with self._reader() as cur:
            return queries.articles(cur, story=story, since=since, until=until, limit=limit,
                                    offset=offset)

    def get_article(
        self, article_id: str, *, version: int | None = None, with_raw: bool = False
    ) -> Article:
        with self._reader() as cur:
            return queries.get_article(cur, article_id, version=version, with_raw=with_raw)

    def article_versions(self, article_id: str) -> list[Article]:
        with self._reader() as cur:
            return queries.article_versions(cur, article_id)

    def stories(
        self, *, since: datetime | None = None, limit: int = 100, offset: int = 0
    ) -> list[StoryRow]:
        with self._reader() as cur:
            return queries.stories(cur, since=since, limit=limit, offset=offset)

    def events(
        self,
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
        limit: int = 100,
        offset: int = 0,
    ) -> list[Event]:
        with self._reader() as cur:
            return queries.events(cur, dyad=dyad, actor=actor, since=since, until=until,
                                  cameo=cameo, plover=plover, quad=quad, story=story,
                                  text=text, limit=limit, offset=offset)

    def event(self, event_id: str) -> Event:
        with self._reader() as cur:
            return queries.event(cur, event_id)

    def mentions(
        self,
        *,
        event_id: str | None = None,
        article_id: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Mention]:
        with self._reader() as cur:
            return queries.mentions(cur, event_id=event_id, article_id=article_id, limit=limit,
                                    offset=offset)

    def quotes(
        self,
        *,
        article_id: str | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Quote]:
        with self._reader() as cur:
            return queries.quotes(cur, article_id=article_id, actor=actor, since=since,
                                  until=until, limit=limit, offset=offset)

    def places(self, article_id: str) -> list[Place]:
        with self._reader() as cur:
            return queries.places(cur, article_id)

    def article_ids(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[str]:
        with self._reader() as cur:
            return queries.article_ids(cur, since=since, until=until)

    def stats(self) -> dict[str, Any]:
        with self._reader() as cur:
            return queries.stats(cur)

    def schema_version(self) -> int:
        with self._reader() as cur:
            return current_version(cur)

    # -- trends -----------------------------------------------------------------------------

    def dyad_daily(
        self,
        *,
        dyads: Sequence[tuple[str, str]] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]:
        with self._reader() as cur:
            return trend_queries.dyad_daily(cur, dyads=dyads, actor=actor, since=since,
                                            until=until)

    def actor_daily(
        self, actors: Sequence[str], *, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]:
        with self._reader() as cur:
            return trend_queries.actor_daily(cur, actors, since=since, until=until)

    def trend_state(self) -> dict[str, Any]:
        with self._reader() as cur:
            return trend_queries.trend_state(cur)

    def changed_dyads(self, since: datetime | None = None) -> list[tuple[str, str]]:
        with self._reader() as cur:
            return trend_queries.changed_dyads(cur, since)

    def save_alerts(
        self, alerts: Sequence[Alert], *, watermark: datetime | None = None
    ) -> list[Alert]:
        """Store each alert whose content changed as its next revision (returned)."""
        with self._writing("storing alerts") as con:
            return trend_queries.save_alerts(con, alerts, watermark, _now())

    def alerts(
        self,
        *,
        dyad: tuple[str, str] | None = None,
        since: date | None = None,
        until: date | None = None,
        alert_id: str | None = None,
        revisions: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Alert]:
        with self._reader() as cur:
            return trend_queries.alerts(cur, dyad=dyad, since=since, until=until,
                                        alert_id=alert_id, revisions=revisions, limit=limit,
                                        offset=offset)

    def mark_alert(self, alert_id: str, mark: str) -> Alert:
        with self._writing("marking an alert") as con:
            return trend_queries.mark_alert(con, alert_id, mark, _now())

    # -- HTTP API (issue 6) ------------------------------------------------------------------

    def events_page(
        self,
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
        after: tuple[str | None, str] | None = None,
        limit: int = 100,
    ) -> list[Event]:
        """Events after a keyset cursor with the API's filters (``store.search``)."""
        from . import search

        with self._reader() as cur:
            return search.events_page(cur, dyad=dyad, actor=actor, since=since, until=until,
                                      cameo=cameo, plover=plover, quad=quad, story=story,
                                      text=text, bbox=bbox, mode=mode, after=after,
                                      limit=limit)

    def search_status(self) -> dict[str, Any]:
        from . import search

        with self._reader() as cur:
            return search.status(cur)

    def rebuild_search_index(self, force: bool = False) -> dict[str, Any]:
        """Rebuild the full-text index when it is due (see ``store.search``); beside ingest
        writes, not holding the write lock (``_derived_writer``)."""
        from . import search

        with self._derived_writer("building the search index") as con:
            return search.rebuild_index(con, _now(), force=bool(force))

    @contextmanager
    def _derived_writer(self, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for rebuilding derived data of the HTTP API (search index,
        daily tables, ranking): its transaction runs beside ingest writes (MVCC; it only
        writes tables nothing else writes) instead of holding the write lock for the minute
        a rebuild of a large store takes.  Callers serialise rebuilds among themselves."""
        self._check_open()
        with self._pool_lock:
            cur = self._con.cursor()
        try:
            with self._errors(action):
                yield cur
        finally:
            cur.close()

    def dyad_ranking(self, *, actor: str | None = None, top: int = 20) -> dict[str, Any]:
        with self._reader() as cur:
            return derived.dyad_ranking(cur, actor=actor, top=top)

    def save_dyad_ranking(
        self, rows: Sequence[dict[str, Any]], basis: datetime | None
    ) -> int:
        with self._derived_writer("storing the dyad ranking") as con:
            return derived.save_dyad_ranking(con, list(rows), basis, _now())

    def daily_status(self) -> dict[str, Any]:
        with self._reader() as cur:
            return derived.daily_status(cur)

    def refresh_daily(self, basis: datetime | None) -> dict[str, Any]:
        """Rebuild the API's daily dyad/actor tables (``store.derived``) as of ``basis``."""
        with self._derived_writer("rebuilding the daily tables") as con:
            return derived.refresh_daily(con, basis, _now())

    def dyad_days(
        self,
        *,
        dyads: Sequence[tuple[str, str]] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]:
        with self._reader() as cur:
            return derived.dyad_days(cur, dyads=dyads, actor=actor, since=since, until=until)

    def actor_days(
        self, actors: Sequence[str], *, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]:
        with self._reader() as cur:
            return derived.actor_days(cur, actors, since=since, until=until)

    def trend_events(self, ranges: Sequence[tuple[str, str, date, date]]) -> list[Event]:
        with self._reader() as cur:
            return trend_queries.trend_events(cur, [
                (str(s), str(t), _as_date(a), _as_date(b)) for s, t, a, b in ranges])

    def event_sources(self, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        with self._reader() as cur:
            return trend_queries.event_sources(cur, [str(i) for i in event_ids])

    def compact(self) -> dict[str, int]:
        """Checkpoint the write-ahead log into the database file and reclaim the space of
        deleted rows (re-coded mentions, re-clustered events); returns the file and WAL sizes
        before and after.  The watch calls it periodically so weeks-long runs stay bounded."""
        wal = Path(self.path + ".wal")

        def sizes() -> tuple[int, int]:
            main = Path(self.path).stat().st_size if Path(self.path).exists() else 0
            return main, (wal.stat().st_size if wal.exists() else 0)

        before = sizes()
        with self._writing("compacting the store") as con:
            con.execute("CHECKPOINT")  # FORCE would abort the readers' transactions
        after = sizes()
        return {"bytes_before": before[0], "wal_before": before[1], "bytes_after": after[0],
                "wal_after": after[1]}

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving clients, close the database, release ownership (idempotent)."""
        if self._closed:
            return
        if self._lock is not None:
            self._lock.retract()
        if self._server is not None:
            self._server.stop()
        with self._write_lock:
            self._closed = True
            with self._pool_lock:
                pool, self._pool = self._pool, []
            for cur in pool:
                cur.close()
            writer_cursor = getattr(self, "_writer", None)
            if writer_cursor is not None:
                writer_cursor.close()
            self._con.close()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LocalStore({self.path!r}, owner, {'closed' if self._closed else 'open'})"
