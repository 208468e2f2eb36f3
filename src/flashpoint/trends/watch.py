"""``flashpoint watch``: poll feeds and a drop folder, ingest what is new, report alerts.

One *cycle*:

1. every feed URL is fetched and parsed; only items not seen before (by guid, else link, else a
   hash of title and summary) become documents — an item without full content has its link
   fetched, through the same ``Fetcher`` and its private-address rule;
2. every file in the drop folder (recursive, hidden files skipped) whose path, mtime and size
   were not seen before is taken;
3. the new documents (as JSON Lines) and files go through ``pipeline.ingest`` with the open
   store, which stores, codes and updates the series and alerts;
4. alerts whose latest revision was not reported yet are filtered by the ``WatchList`` and each
   is reported once per revision through the ``emit`` callback, the JSONL alert log and the
   webhook (POST of the alert JSON, retried with backoff).

An error in one feed, file, alert sink or in the ingest itself is reported through ``log`` and the
cycle goes on; what failed is retried on the next cycle (a feed item whose link could not be
reached, an ingest that raised).

State survives restarts in a small JSON file next to the database (``<db>.watch.json``, written
atomically; nothing is added to the store schema).  It is bounded: feed items and alerts are kept
for ``Options.dedup_window_days`` (items older than that are also outside the store's
near-duplicate window, so a re-posted item is at most stored as a duplicate), and drop-folder
entries only while their file exists.  On the very first run the alerts already in the store are
recorded as reported, so starting a watcher does not replay history (``replay=True`` does).

The watcher never installs signal handlers: the caller (the CLI) calls ``stop()`` from its
handler; the current step finishes, the loop ends, and the caller closes the store.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from ..clean import decode
from ..errors import ConfigError, FetchError, FlashpointError
from ..model import Alert, DocKind, IngestReport, RawDocument
from ..options import Options
from ..sources import feeds
from ..sources.fetch import Fetcher, HttpFetcher, check_url
from ..store import Store
from .watchlist import WatchList, alert_line, alert_record

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]
Say = Callable[[str], None]

STATE_VERSION = 1
WEBHOOK_TRIES = 3
WEBHOOK_BACKOFF = 1.0  # seconds before the 2nd try; doubled for each further try
MAX_ITEMS_PER_FEED = 500  # a feed claiming more items is cut (a hostile or broken feed)
ALERT_SCAN_LIMIT = 10_000
NAP = 0.25  # seconds: how quickly the default sleep notices stop()


def read_feeds_file(path: str | os.PathLike[str]) -> list[str]:
    """The feed URLs of a feeds file: one ``http(s)://`` URL per line, ``#`` comments."""
    where = os.fspath(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the feeds file ({exc})",
                          "give a UTF-8 text file with one feed URL per line",
                          subject=where) from exc
    urls: list[str] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        text = text.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if not text.lower().startswith(("http://", "https://")):
            raise ConfigError(f"line {number}: {text!r} is not an http(s) URL",
                              "write one feed URL per line; start comments with #",
                              subject=where)
        if text not in urls:
            urls.append(text)
    return urls


def state_path_for(db: str) -> Path | None:
    """Where the watcher keeps its state for the store at ``db`` (``None`` for ``:memory:``)."""
    if db == ":memory:":
        return None
    return Path(os.path.abspath(db) + ".watch.json")


def parse_interval(value: str) -> float:
    """``"60s"``, ``"5m"``, ``"1h"`` or a plain number of seconds -> seconds."""
    text = value.strip().lower()
    scale = {"s": 1.0, "m": 60.0, "h": 3600.0}.get(text[-1:])
    number = text[:-1] if scale is not None else text
    try:
        seconds = float(number) * (scale or 1.0)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ConfigError(f"bad interval {value!r}", "give e.g. 60s, 5m or 1h",
                          subject="--interval")
    return seconds


COMPACT_EVERY = timedelta(hours=6)


@dataclass
class WatchState:
    """What the watcher has already seen; persisted as JSON (see the module docstring)."""

    items: dict[str, str] = field(default_factory=dict)  # item key -> first seen (ISO)
    files: dict[str, list[int]] = field(default_factory=dict)  # path -> [mtime_ns, size]
    alerts: dict[str, list[Any]] = field(default_factory=dict)  # id -> [revision, as_of ISO]
    fresh: bool = True  # no state existed: record current alerts instead of replaying them
    compacted: str = ""  # when the store was last compacted (ISO), "" never

    @classmethod
    def load(cls, path: Path | None) -> WatchState:
        if path is None or not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"version {data.get('version')!r}")
            return cls(items=dict(data["items"]), files=dict(data["files"]),
                       alerts=dict(data["alerts"]), fresh=False,
                       compacted=str(data.get("compacted", "")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"the watch state file is damaged ({exc})",
                              "delete it to start afresh (items of the feeds are then "
                              "re-checked against the store)", subject=str(path)) from exc

    def save(self, path: Path | None) -> None:
        if path is None:
            return
        data = {"version": STATE_VERSION, "items": self.items, "files": self.files,
                "alerts": self.alerts, "compacted": self.compacted}
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def prune(self, now: datetime, window_days: int) -> None:
        """Forget items and alerts older than the window, and files that are gone."""
        cutoff = now - timedelta(days=window_days)
        self.items = {k: v for k, v in self.items.items()
                      if datetime.fromisoformat(v) >= cutoff}
        self.alerts = {k: v for k, v in self.alerts.items()
                       if datetime.fromisoformat(str(v[1])) >= cutoff}
        self.files = {p: v for p, v in self.files.items() if os.path.exists(p)}


@dataclass
class CycleReport:
    """What one cycle did."""

    feeds: int = 0
    new_items: int = 0
    new_files: int = 0
    ingest: IngestReport | None = None
    alerts: list[Alert] = field(default_factory=list)  # reported (after the watch list)
    errors: int = 0
    seconds: float = 0.0


class WebhookSender:
    """POST alert JSON to one URL with a timeout and retries; private hosts only if allowed."""

    def __init__(self, url: str, options: Options, *, sleep: Sleep = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        check_url(url, options)  # fail early on a bad or private address
        self.url = url
        self._options = options
        self._sleep = sleep
        self._client = httpx.Client(transport=transport, timeout=options.http_timeout,
                                    headers={"User-Agent": options.user_agent},
                                    follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def post(self, record: dict[str, Any]) -> None:
        """Send one alert; raises ``FetchError`` after the last failed try."""
        check_url(self.url, self._options)
        body = json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")
        problem = ""
        for attempt in range(WEBHOOK_TRIES):
            if attempt:
                self._sleep(WEBHOOK_BACKOFF * 2 ** (attempt - 1))
            try:
                response = self._client.post(
                    self.url, content=body, headers={"Content-Type": "application/json"})
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if 200 <= response.status_code < 300:
                return
            problem = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # the receiver refuses this request: retrying will not help
        raise FetchError(f"webhook POST failed ({problem})",
                         "check the webhook URL and that its receiver is up",
                         subject=self.url, reason="unreachable")


class Watcher:
    """Polls feeds and a drop folder into an open store and reports alerts; see the module."""

    def __init__(
        self,
        store: Store,
        options: Options,
        *,
        feeds: Iterable[str] = (),
        drop_dir: str | os.PathLike[str] | None = None,
        watchlist: WatchList | None = None,
        fetcher: Fetcher | None = None,
        alert_log: str | os.PathLike[str] | None = None,
        webhook: WebhookSender | None = None,
        emit: Say | None = None,
        log: Say | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        state_path: Path | None = None,
        replay: bool = False,
    ) -> None:
        self.store = store
        self.options = options
        self.feeds = list(feeds)
        self.drop_dir = Path(drop_dir) if drop_dir is not None else None
        self.watchlist = watchlist or WatchList()
        self.alert_log = Path(alert_log) if alert_log is not None else None
        self.webhook = webhook
        self._fetcher = fetcher
        self._own_fetcher: HttpFetcher | None = None
        self._emit = emit or (lambda _line: None)
        self._log = log or (lambda _line: None)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._stopping = False
        self._sleep = sleep or self._nap
        self.state_path = state_path if state_path is not None else state_path_for(store.path)
        self.state = WatchState.load(self.state_path)
        if replay:
            self.state.fresh = False

    # -- control ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the fetcher this watcher created and the webhook client (not the store)."""
        if self._own_fetcher is not None:
            self._own_fetcher.close()
            self._own_fetcher = None
            self._fetcher = None
        if self.webhook is not None:
            self.webhook.close()

    def stop(self) -> None:
        """Ask the loop to end after the current step (safe from a signal handler: it only
        sets a flag, which the loop and the default sleep check)."""
        self._stopping = True

    @property
    def stopping(self) -> bool:
        return self._stopping

    def _nap(self, seconds: float) -> None:
        """Sleep in short slices so that ``stop()`` ends the wait within ``NAP`` seconds."""
        end = time.monotonic() + seconds
        while not self._stopping:
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(NAP, left))

    def run(self, interval: float, *, once: bool = False) -> int:
        """Run cycles every ``interval`` seconds until ``stop()`` (or one with ``once``);
        returns the number of cycles run."""
        cycles = 0
        while not self.stopping:
            started = time.monotonic()
            self.cycle()
            cycles += 1
            if once or self.stopping:
                break
            self._sleep(max(0.0, interval - (time.monotonic() - started)))
        return cycles

    # -- one cycle --------------------------------------------------------------------------

    def cycle(self) -> CycleReport:
        """Poll, ingest, report; never raises for a bad feed, file, sink or ingest."""
        began = time.monotonic()
        report = CycleReport()
        now = self._clock()
        if self.state.fresh:
            self._baseline_alerts()
        records: list[dict[str, str]] = []
        item_keys: list[str] = []
        for url in self.feeds:
            if self.stopping:
                break
            report.feeds += 1
            try:
                found, keys = self._poll_feed(url)
            except FlashpointError as exc:
                report.errors += 1
                self._log(f"feed {url}: {exc.message}")
                continue
            except Exception as exc:  # an unforeseen failure in one feed must not stop the rest
                report.errors += 1
                self._log(f"feed {url}: failed unexpectedly ({type(exc).__name__}: {exc})")
                continue
            records += found
            item_keys += keys
        files = [] if self.stopping else self._new_files()
        report.new_items, report.new_files = len(records), len(files)
        if self.stopping:
            item_keys, files = [], []  # not ingested: taken again on the next start
        elif records or files:
            report.ingest = self._ingest(records, files)
            if report.ingest is None:
                report.errors += 1
                item_keys, files = [], []  # retried next cycle
        stamp = now.isoformat()
        for key in item_keys:
            self.state.items.setdefault(key, stamp)
        for path, signature in files:
            self.state.files[path] = signature
        report.alerts, failures = self._report_alerts()
        report.errors += failures
        self.state.prune(now, self.options.dedup_window_days)
        if report.ingest is not None and not self.stopping:
            report.errors += self._maybe_compact(now)
        self._save_state()
        report.seconds = time.monotonic() - began
        return report

    def _maybe_compact(self, now: datetime) -> int:
        """Compact the store once every ``COMPACT_EVERY`` (after an ingest): deleted rows of
        re-coded mentions and re-clustered events are reclaimed and the write-ahead log folded
        in, so a watch running for weeks keeps a bounded store.  Returns 1 on failure."""
        last = self.state.compacted
        if last and now - datetime.fromisoformat(last) < COMPACT_EVERY:
            return 0
        try:
            sizes = self.store.compact()
        except FlashpointError as exc:
            self._log(f"compacting the store failed: {exc.message}")
            return 1
        self.state.compacted = now.isoformat()
        self._log("store compacted: {:.1f} MiB + {:.1f} MiB log -> {:.1f} MiB".format(
            sizes["bytes_before"] / 2**20, sizes["wal_before"] / 2**20,
            sizes["bytes_after"] / 2**20))
        return 0

    def _poll_feed(self, url: str) -> tuple[list[dict[str, str]], list[str]]:
        """The new items of one feed as JSONL records, and the keys to mark as seen."""
        fetcher = self._get_fetcher()
        result = fetcher.fetch(url)
        header = result.content_type
        if header and result.charset:
            header += f"; charset={result.charset}"
        parsed = feeds.parse(result.body, base_url=result.url, content_type=header)
        entries = list(parsed.get("entries") or ())[:MAX_ITEMS_PER_FEED]
        broken = bool(parsed.get("bozo")) or not parsed.get("version")
        if broken and not any(e.get("link") or e.get("content") or e.get("summary")
                              for e in entries):
            problem = parsed.get("bozo_exception") or "no RSS, Atom or RDF structure"
            raise FetchError(f"not a readable RSS/Atom feed ({problem})",
                             "check that the URL gives a feed", subject=url,
                             reason="invalid-feed")
        source = _text(parsed.get("feed", {}).get("title"))
        records: list[dict[str, str]] = []
        keys: list[str] = []
        for index, entry in enumerate(entries, 1):
            key = _item_key(url, entry)
            if key in self.state.items or key in keys:
                continue
            doc = feeds.entry_document(entry, f"{url}#{index}", fetcher, source=source)
            if isinstance(doc, RawDocument):
                records.append(_record(doc))
            else:
                self._log(f"feed item {doc.origin}: {doc.detail or doc.reason}")
                if doc.reason == "unreachable":
                    continue  # a network failure: try this item again next cycle
            keys.append(key)
        return records, keys

    def _get_fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._own_fetcher = HttpFetcher(self.options)
            self._fetcher = self._own_fetcher
        return self._fetcher

    def _new_files(self) -> list[tuple[str, list[int]]]:
        if self.drop_dir is None:
            return []
        if not self.drop_dir.is_dir():
            self._log(f"drop folder {self.drop_dir}: not a folder — create it or fix --dir")
            return []
        found: list[tuple[str, list[int]]] = []
        for path in sorted(self.drop_dir.rglob("*")):
            rel = path.relative_to(self.drop_dir)
            if any(part.startswith(".") for part in rel.parts) or path.name.endswith(".tmp"):
                continue  # hidden or still being written by a tool that renames when done
            try:
                if not path.is_file():
                    continue
                info = path.stat()
            except OSError as exc:
                self._log(f"drop folder {path}: cannot be read ({exc})")
                continue
            key, signature = str(path.resolve()), [info.st_mtime_ns, info.st_size]
            if self.state.files.get(key) != signature:
                found.append((key, signature))
        return found

    def _ingest(self, records: list[dict[str, str]],
                files: list[tuple[str, list[int]]]) -> IngestReport | None:
        from ..pipeline import ingest

        specs = (["-"] if records else []) + [path for path, _sig in files]
        stdin = io.BytesIO(b"".join(
            json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records))
        try:
            report = ingest(specs, store=self.store, options=self.options,
                            fetcher=self._fetcher, stdin=stdin)
        except FlashpointError as exc:
            self._log(f"ingest failed: {exc.message}")
            return None
        except Exception as exc:  # keep watching: the inputs are retried next cycle
            self._log(f"ingest failed unexpectedly ({type(exc).__name__}: {exc})")
            return None
        for rej in report.rejected:
            self._log(f"rejected: {rej.origin}: {rej.reason} — {rej.detail}")
        self._log(f"ingest: {report.summary()}")
        return report

    # -- alerts -----------------------------------------------------------------------------

    def _recent_alerts(self) -> list[Alert]:
        """Latest revisions stored within the window (by when they were stored, not by the
        alert's day: an archive ingested today gives old days but new alerts)."""
        cutoff = self._clock() - timedelta(days=self.options.dedup_window_days)
        return [a for a in self.store.alerts(limit=ALERT_SCAN_LIMIT) if a.as_of >= cutoff]

    def _baseline_alerts(self) -> None:
        try:
            for alert in self._recent_alerts():
                self.state.alerts[alert.alert_id] = [alert.revision, alert.as_of.isoformat()]
        except FlashpointError as exc:
            self._log(f"alerts: {exc.message}")
            return
        self.state.fresh = False

    def _report_alerts(self) -> tuple[list[Alert], int]:
        try:
            found = self._recent_alerts()
        except FlashpointError as exc:
            self._log(f"alerts: {exc.message}")
            return [], 1
        reported: list[Alert] = []
        failures = 0
        for alert in sorted(found, key=lambda a: (a.day, a.alert_id)):
            seen = self.state.alerts.get(alert.alert_id)
            if seen is not None and int(seen[0]) >= alert.revision:
                continue
            self.state.alerts[alert.alert_id] = [alert.revision, alert.as_of.isoformat()]
            if not self.watchlist.matches(alert):
                continue
            reported.append(alert)
            failures += self._send(alert)
        return reported, failures

    def _send(self, alert: Alert) -> int:
        """Report one alert revision through every sink; returns the number of sink errors."""
        failures = 0
        self._emit(alert_line(alert))
        record = alert_record(alert)
        if self.alert_log is not None:
            try:
                with self.alert_log.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            except OSError as exc:
                failures += 1
                self._log(f"alert log {self.alert_log}: cannot be written ({exc})")
        if self.webhook is not None:
            try:
                self.webhook.post(record)
            except FlashpointError as exc:
                failures += 1
                self._log(f"webhook: {exc.message}")
        return failures

    def _save_state(self) -> None:
        try:
            self.state.save(self.state_path)
        except OSError as exc:
            self._log(f"watch state {self.state_path}: cannot be written ({exc})")


def _item_key(feed_url: str, entry: Any) -> str:
    ident = entry.get("id") or entry.get("link")
    if not isinstance(ident, str) or not ident.strip():
        ident = json.dumps([entry.get("title"), entry.get("summary")], default=str)
    digest = hashlib.sha256(f"{feed_url}\n{ident}".encode()).hexdigest()
    return digest[:32]


def _record(doc: RawDocument) -> dict[str, str]:
    """A feed document as one JSONL record for ``ingest``'s standard-input reader."""
    body = "html" if doc.kind is DocKind.HTML else "text"
    record = {body: decode(doc.data, doc.encoding, html=doc.kind is DocKind.HTML)}
    for name in ("url", "title", "published", "source"):
        value = getattr(doc, name)
        if value:
            record[name] = value
    return record


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None
