"""Latency of ``flashpoint watch``: from the poll that sees a new feed item to its alert line.

A loopback HTTP server (127.0.0.1, ephemeral port, in a thread) serves one RSS feed built from
our sample corpus (examples/corpus): the items of ``rss/adriatic-wire-balkans.xml`` and the
records of ``jsonl/articles.jsonl`` are the baseline.  A ``Watcher`` (the object behind
``flashpoint watch``, with the real ``HttpFetcher`` and ``allow_private_addresses=True``) polls it
every ``--interval`` seconds into a fresh temporary store.  After the baseline is ingested and
one quiet cycle has passed, a new item is published: a Serbia/Kosovo article of
``examples/corpus/txt`` with a fresh link.  Measured:

- poll -> alert: from the start of the feed fetch whose body first holds the new item to the
  alert line the watcher emits (fetch + parse + clean + code + store + trends update + report);
- publish -> alert: from publishing the item to the alert line (adds up to one interval of wait).

If a candidate gives no alert line within ``--wait`` seconds, the next candidate is published
(at most three).  Loopback only, bounded waits, the watcher is stopped and joined, the server
shut down.  Prints figures; asserts nothing (target: poll -> alert <= 5 s).

    .venv/bin/python bench/watch.py [--interval 1] [--wait 30]
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import re
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from flashpoint.options import Options
from flashpoint.sources.fetch import FetchResult, HttpFetcher
from flashpoint.store import open_store
from flashpoint.trends.watch import Watcher

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
# new items, in the order tried: (txt file, pubDate)
CANDIDATES = (("04_borderlands_buildup.txt", "Thu, 28 Sep 2023 10:00:00 GMT"),
              ("05_sava_us_demand_wire.txt", "Fri, 29 Sep 2023 21:00:00 GMT"),
              ("08_borderlands_osmani_sanctions.txt", "Mon, 02 Oct 2023 12:00:00 GMT"))
BASELINE_TIMEOUT = 300.0  # seconds for the first cycle (loads the coder's model)


def _item(title: str, link: str, pub: str, paragraphs: list[str], source: str) -> str:
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return (f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
            f"<guid isPermaLink=\"true\">{html.escape(link)}</guid><pubDate>{pub}</pubDate>"
            f"<dc:creator>{html.escape(source)}</dc:creator>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")


def baseline_items() -> tuple[str, list[str]]:
    """The feed's channel head and its baseline items (sample RSS items + JSONL records)."""
    xml = (CORPUS / "rss" / "adriatic-wire-balkans.xml").read_text(encoding="utf-8")
    head = xml[:xml.index("<item>")]
    items = re.findall(r"<item>.*?</item>", xml, flags=re.S)
    for line in (CORPUS / "jsonl" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        when = format_datetime(datetime.fromisoformat(rec["published"].replace("Z", "+00:00")))
        items.append(_item(rec["title"], rec["url"], when, rec["text"].split("\n\n"),
                           rec.get("source") or ""))
    return head, items


def candidate_item(name: str, pub: str) -> tuple[str, str]:
    """(item XML, link) of a sample text file published as a new item with a fresh link."""
    lines = [ln.strip() for ln in (CORPUS / "txt" / name).read_text("utf-8").splitlines()]
    title = next(ln for ln in lines if 30 <= len(ln) < 100 and not ln.endswith("."))
    paragraphs = [ln for ln in lines if len(ln) >= 100]
    link = f"https://bench.example/fresh/{uuid.uuid4().hex[:12]}/{name.removesuffix('.txt')}"
    return _item(title, link, pub, paragraphs, "Borderlands Desk"), link


@dataclass
class Feed:
    """What the loopback server serves (newest item first, like a real feed)."""

    head: str
    items: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, item: str) -> None:
        with self.lock:
            self.items.insert(0, item)

    def body(self) -> bytes:
        with self.lock:
            return (self.head + "".join(self.items) + "</channel></rss>").encode("utf-8")


def serve(feed: Feed) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/feed.xml":
                self.send_error(404)
                return
            data = feed.body()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, name="feed-server", daemon=True).start()
    return server


@dataclass
class Probe:
    """Timestamps from the fetcher, the emit callback and the sleep between cycles."""

    marker: str | None = None
    seen_at: float | None = None  # start of the first fetch whose body holds ``marker``
    lines: list[tuple[float, str]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    cycles: int = 0
    cond: threading.Condition = field(default_factory=threading.Condition)

    def emit(self, line: str) -> None:
        with self.cond:
            self.lines.append((time.perf_counter(), line))
            self.cond.notify_all()

    def cycle_done(self) -> None:
        with self.cond:
            self.cycles += 1
            self.cond.notify_all()

    def wait(self, what: Any, timeout: float) -> bool:
        with self.cond:
            return bool(self.cond.wait_for(what, timeout))


class ProbeFetcher:
    """The real ``HttpFetcher``, noting when a fetched body first holds the probe's marker."""

    def __init__(self, inner: HttpFetcher, probe: Probe) -> None:
        self.inner, self.probe = inner, probe

    def fetch(self, url: str) -> FetchResult:
        started = time.perf_counter()
        result = self.inner.fetch(url)
        marker = self.probe.marker
        if marker and self.probe.seen_at is None and marker.encode() in result.body:
            self.probe.seen_at = started
        return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    ap.add_argument("--wait", type=float, default=30.0,
                    help="seconds to wait for an alert line after publishing")
    args = ap.parse_args()
    opts = Options(allow_private_addresses=True, workers=1)
    head, items = baseline_items()
    feed = Feed(head, items)
    server = serve(feed)
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    probe = Probe()
    inner = HttpFetcher(opts)
    try:
        with tempfile.TemporaryDirectory(prefix="fp-bench-watch-") as tmp, \
                open_store(str(Path(tmp) / "watch.duckdb"), opts) as store:
            holder: list[Watcher] = []

            def sleep(seconds: float) -> None:
                probe.cycle_done()
                end = time.monotonic() + seconds
                while not holder[0].stopping and time.monotonic() < end:
                    time.sleep(min(0.05, max(0.0, end - time.monotonic())))

            watcher = Watcher(store, opts, feeds=[url], fetcher=ProbeFetcher(inner, probe),
                              emit=probe.emit, log=probe.logs.append, sleep=sleep)
            holder.append(watcher)
            thread = threading.Thread(target=watcher.run, args=(args.interval,),
                                      name="watcher", daemon=True)
            began = time.perf_counter()
            thread.start()
            try:
                run(probe, feed, watcher, began, len(items), args.wait)
            finally:
                watcher.stop()
                thread.join(timeout=60)
                watcher.close()
    finally:
        inner.close()
        server.shutdown()
        server.server_close()


def run(probe: Probe, feed: Feed, watcher: Watcher, began: float, baseline: int,
        wait: float) -> None:
    if not probe.wait(lambda: probe.cycles >= 2, BASELINE_TIMEOUT):
        print(f"baseline: no two cycles within {BASELINE_TIMEOUT:.0f} s; logs: {probe.logs}")
        return
    print(f"baseline: {baseline} items ingested; first two cycles took "
          f"{time.perf_counter() - began:.1f} s (includes loading the coder); "
          f"{len(probe.lines)} baseline alert lines; {len(watcher.store.events(limit=10_000))} "
          f"events")
    for name, pub in CANDIDATES:
        item, link = candidate_item(name, pub)
        before = len(probe.lines)
        probe.marker, probe.seen_at = link, None
        published = time.perf_counter()
        feed.publish(item)
        got = probe.wait(functools.partial(_more_than, probe, before), wait)
        if not got or probe.seen_at is None:
            print(f"new item {name}: no alert line within {wait:.0f} s "
                  f"(seen by a poll: {probe.seen_at is not None}); trying the next")
            continue
        at, line = probe.lines[before]
        time.sleep(0.2)  # let the cycle finish reporting the alerts of this item
        print(f"new item {name} ({link}):")
        print(f"  poll -> first alert line   {at - probe.seen_at:6.2f} s  (target <= 5 s)")
        print(f"  publish -> first alert line {at - published:5.2f} s  (interval wait incl.)")
        print(f"  alert lines for it: {len(probe.lines) - before}; first: {line[:160]}")
        return
    print("no candidate produced an alert line")


def _more_than(probe: Probe, count: int) -> bool:
    return len(probe.lines) > count


if __name__ == "__main__":
    main()
