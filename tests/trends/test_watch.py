"""``flashpoint watch``: polling feeds and a drop folder, reporting alerts once per revision.

The feed items below are our own short texts about a made-up town (Valmora); feeds are served by
a fake fetcher or a loopback HTTP server, webhooks go to a loopback server.  No other network.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flashpoint.errors import ConfigError, DataFileError, FetchError
from flashpoint.model import Alert
from flashpoint.options import Options
from flashpoint.sources.fetch import FetchResult
from flashpoint.store import open_store
from flashpoint.trends.watch import (
    Watcher,
    WatchState,
    WebhookSender,
    parse_interval,
    read_feeds_file,
    state_path_for,
)
from flashpoint.trends.watchlist import WatchList, alert_line, load_watchlist

FEED_URL = "https://news.example.org/valmora.rss"
BROKEN_URL = "https://broken.example.org/feed"
DOWN_URL = "https://down.example.org/feed"
OPTS = Options(workers=1)

ITEMS = [
    ("Police arrest protesters in Valmora",
     "Police in Serbia arrested dozens of protesters in the town of Valmora on Monday after a "
     "march against the mayor turned violent. Officers detained at least forty people near the "
     "town hall, local officials said. The protesters had demanded new elections and accused "
     "the government of fraud. Serbian police used tear gas to disperse the crowd late in the "
     "evening. Opposition leaders condemned the arrests and called for the release of all "
     "detained demonstrators, saying peaceful protest is a right."),
    ("Kosovo accuses Serbia over border troops",
     "Kosovo accused Serbia on Tuesday of moving troops toward the border near Valmora, calling "
     "the deployment a threat to regional peace. The Serbian army sent armoured units to the "
     "area after clashes in the town, according to the defence ministry in Belgrade. Kosovo's "
     "prime minister demanded that Serbia withdraw its forces immediately and asked NATO to "
     "increase patrols. Serbia rejected the demand and said the soldiers were conducting "
     "routine exercises inside its own territory."),
]
DROP_TEXT = (
    "Valmora council meets after unrest\n\n"
    "The town council of Valmora met on Wednesday to discuss the damage left by the protests. "
    "Serbian police arrested two more organisers of the march in the morning, and the mayor "
    "accused the opposition of planning the violence. Shop owners asked the council for help "
    "with repairs, and several residents said they feared new clashes at the weekend. The "
    "council promised an inquiry into how the police handled the crowd.\n")


def rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>https://news.example.org/{i}</link>"
        f"<guid>valmora-{i}</guid><pubDate>Thu, 07 Mar 2024 09:00:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded></item>"
        for i, (title, text) in enumerate(items))
    return ('<?xml version="1.0"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<title>Valmora Herald</title><link>https://news.example.org/</link>"
            f"<description>Local news</description>{body}</channel></rss>").encode()


class FakeFetcher:
    """Serves our feed, a broken feed, and fails for one host; counts requests."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = items
        self.calls: list[str] = []

    def fetch(self, url: str) -> FetchResult:
        self.calls.append(url)
        if url == FEED_URL:
            return FetchResult(url, 200, "application/rss+xml", "utf-8", rss(self.items))
        if url == BROKEN_URL:
            return FetchResult(url, 200, "application/rss+xml", None, b"<rss><chan")
        raise FetchError("connection refused", "check", subject=url, reason="unreachable")


def _watcher(store: Any, **kwargs: Any) -> tuple[Watcher, list[str], list[str]]:
    out: list[str] = []
    err: list[str] = []
    watcher = Watcher(store, kwargs.pop("options", OPTS), emit=out.append, log=err.append,
                      **kwargs)
    return watcher, out, err


def _alert(alert_id: str, source: str, target: str, score: float = 5.0) -> Alert:
    return Alert(alert_id=alert_id, revision=0, source=source, target=target, day="2024-03-07",
                 direction="escalation", channel="material", score=score,
                 baseline={"level": 0.0}, state="new", num_sources=2, single_source=False,
                 top_events=({"event_id": "e1", "evidence": "Troops moved to the border."},),
                 coder_version="v1", as_of=datetime.now(UTC))


# -- feeds, drop folder, restarts --------------------------------------------------------------


def test_feed_items_are_ingested_once_and_alerts_reported_once(tmp_path: Path) -> None:
    log = tmp_path / "alerts.jsonl"
    fetcher = FakeFetcher(ITEMS)
    with open_store(":memory:", OPTS) as store:
        watcher, out, _err = _watcher(store, feeds=[FEED_URL], fetcher=fetcher, alert_log=log)
        first = watcher.cycle()
        assert (first.new_items, first.errors) == (2, 0)
        assert first.ingest is not None and first.ingest.new == 2
        assert store.events(limit=1000), "the coder found no event in the feed items"
        assert first.alerts and len(out) == len(first.alerts)
        assert all(line.startswith("ALERT ") for line in out)
        logged = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
        assert {r["alert_id"] for r in logged} == {a.alert_id for a in first.alerts}
        assert all(r["dyad"] == f"{r['source']}:{r['target']}" for r in logged)

        second = watcher.cycle()
        assert (second.new_items, second.ingest, second.alerts) == (0, None, [])
        assert len(out) == len(first.alerts)  # nothing reported twice
        assert fetcher.calls == [FEED_URL, FEED_URL]  # no item link fetched: full content


def test_new_feed_item_between_cycles_is_the_only_one_ingested() -> None:
    fetcher = FakeFetcher(ITEMS[:1])
    with open_store(":memory:", OPTS) as store:
        watcher, _out, _err = _watcher(store, feeds=[FEED_URL], fetcher=fetcher)
        assert watcher.cycle().new_items == 1
        fetcher.items = ITEMS
        report = watcher.cycle()
        assert report.new_items == 1
        assert report.ingest is not None and (report.ingest.read, report.ingest.new) == (1, 1)


def test_drop_folder_file_is_ingested_once_and_again_when_changed(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    with open_store(":memory:", OPTS) as store:
        watcher, _out, _err = _watcher(store, drop_dir=drop)
        assert watcher.cycle().new_files == 0
        (drop / "valmora.txt").write_text(DROP_TEXT, encoding="utf-8")
        (drop / ".partial.txt").write_text("being copied", encoding="utf-8")
        report = watcher.cycle()
        assert report.new_files == 1
        assert report.ingest is not None and report.ingest.new == 1
        assert watcher.cycle().new_files == 0
        (drop / "valmora.txt").write_text(DROP_TEXT + "The inquiry starts next week.\n",
                                          encoding="utf-8")
        changed = watcher.cycle()
        assert changed.new_files == 1
        assert changed.ingest is not None  # a changed text: stored again (as a near-copy)
        assert (changed.ingest.read, changed.ingest.duplicate) == (1, 0)


def test_malformed_and_unreachable_feeds_do_not_stop_the_cycle() -> None:
    with open_store(":memory:", OPTS) as store:
        watcher, _out, err = _watcher(store, feeds=[BROKEN_URL, DOWN_URL, FEED_URL],
                                      fetcher=FakeFetcher(ITEMS))
        report = watcher.cycle()
        assert (report.feeds, report.errors, report.new_items) == (3, 2, 2)
        assert any(BROKEN_URL in line and "feed" in line for line in err)
        assert any(DOWN_URL in line and "connection refused" in line for line in err)


def test_state_survives_a_restart_and_history_is_not_replayed(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    opts = OPTS.replace(db=str(db))
    with open_store(db, opts) as store:
        store.save_alerts([_alert("old", "SRB", "KSV")])
        watcher, out, _err = _watcher(store, options=opts, feeds=[FEED_URL],
                                      fetcher=FakeFetcher(ITEMS[:1]))
        first = watcher.cycle()
        assert first.new_items == 1 and "old" not in {a.alert_id for a in first.alerts}
        reported = len(out)
    assert state_path_for(str(db)) == Path(str(db) + ".watch.json")
    assert state_path_for(str(db)).is_file()  # type: ignore[union-attr]
    with open_store(db, opts) as store:
        watcher, out, _err = _watcher(store, options=opts, feeds=[FEED_URL],
                                      fetcher=FakeFetcher(ITEMS[:1]))
        again = watcher.cycle()
        assert (again.new_items, again.alerts, out) == (0, [], [])
        store.save_alerts([dataclasses.replace(_alert("old", "SRB", "KSV"), score=9.0)])
        revised = watcher.cycle()
        assert [(a.alert_id, a.revision) for a in revised.alerts] == [("old", 2)]
    assert reported == len(first.alerts)


def test_damaged_state_file_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    Path(str(db) + ".watch.json").write_text("{not json", encoding="utf-8")
    with open_store(db, OPTS) as store, pytest.raises(ConfigError, match="delete it"):
        Watcher(store, OPTS)


# -- watch list -------------------------------------------------------------------------------


def test_watch_list_filters_reported_alerts(tmp_path: Path) -> None:
    path = tmp_path / "watch.toml"
    path.write_text('min_score = 2.0\ndyads = ["SRB:KSV", "RUS:*"]\ncountries = ["ISR"]\n',
                    encoding="utf-8")
    wanted = load_watchlist(path)
    with open_store(":memory:", OPTS) as store:
        watcher, out, _err = _watcher(store, watchlist=wanted, replay=True)
        store.save_alerts([_alert("a", "SRB", "KSV"), _alert("b", "KSV", "SRB"),
                           _alert("c", "RUS", "UKR"), _alert("d", "ISRMIL", "PSE"),
                           _alert("e", "SRB", "KSV", score=1.0)])
        report = watcher.cycle()
    assert sorted(a.alert_id for a in report.alerts) == ["a", "c", "d"]
    assert len(out) == 3 and "SRB:KSV" in " ".join(out)


def test_watch_list_matching_and_errors(tmp_path: Path) -> None:
    alert = _alert("a", "SRBMIL", "KSV")
    assert WatchList().matches(alert)
    assert WatchList(actors=("SRBMIL",)).matches(alert)
    assert not WatchList(actors=("SRB",)).matches(alert)
    assert WatchList(countries=("SRB",)).matches(alert)
    assert not WatchList(directions=("de-escalation",)).matches(alert)
    assert not WatchList(min_score=5.1).matches(alert)
    bad = tmp_path / "bad.toml"
    for text, problem in (('dyads = ["SRBKSV"]', "bad dyad"), ("colour = 1", "unknown key"),
                          ('countries = ["SERBIA"]', "alpha-3"), ('min_score = "x"', "number"),
                          ("min_score = ", "not valid")):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(DataFileError, match=problem):
            load_watchlist(bad)
    assert "score=5 rev=0" in alert_line(alert)


# -- webhook ----------------------------------------------------------------------------------


@pytest.fixture
def hook_server() -> Iterator[tuple[str, list[dict[str, Any]], list[int]]]:
    """A loopback webhook receiver; ``statuses`` are answered first (then 200)."""
    received: list[dict[str, Any]] = []
    statuses: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            status = statuses.pop(0) if statuses else 200
            if status == 200:
                received.append(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received, statuses
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_receives_alerts_when_private_addresses_are_allowed(
        hook_server: tuple[str, list[dict[str, Any]], list[int]]) -> None:
    url, received, statuses = hook_server
    opts = OPTS.replace(allow_private_addresses=True)
    waits: list[float] = []
    sender = WebhookSender(url, opts, sleep=waits.append)
    statuses.extend([500, 503])  # two failures, then the third try gets through
    with open_store(":memory:", opts) as store:
        watcher, _out, err = _watcher(store, options=opts, webhook=sender, replay=True)
        store.save_alerts([_alert("a", "SRB", "KSV")])
        report = watcher.cycle()
        watcher.close()
    assert (report.errors, err) == (0, [])
    assert waits == [1.0, 2.0]
    assert [(r["alert_id"], r["dyad"], r["revision"]) for r in received] == [("a", "SRB:KSV", 1)]


def test_webhook_gives_up_after_three_tries_and_the_cycle_goes_on(
        hook_server: tuple[str, list[dict[str, Any]], list[int]]) -> None:
    url, received, statuses = hook_server
    opts = OPTS.replace(allow_private_addresses=True)
    sender = WebhookSender(url, opts, sleep=lambda _s: None)
    statuses.extend([500, 500, 500])
    with open_store(":memory:", opts) as store:
        watcher, out, err = _watcher(store, options=opts, webhook=sender, replay=True)
        store.save_alerts([_alert("a", "SRB", "KSV")])
        report = watcher.cycle()
    assert report.errors == 1 and len(out) == 1 and received == []
    assert any("webhook" in line and "HTTP 500" in line for line in err)


def test_webhook_to_a_loopback_address_is_refused_by_default(
        hook_server: tuple[str, list[dict[str, Any]], list[int]]) -> None:
    url, received, _statuses = hook_server
    with pytest.raises(FetchError) as caught:
        WebhookSender(url, OPTS)
    assert caught.value.reason == "private-address" and received == []


# -- loop control, helpers, CLI -----------------------------------------------------------------


def test_stop_ends_the_loop_after_the_current_cycle() -> None:
    with open_store(":memory:", OPTS) as store:
        waits: list[float] = []
        watcher, _out, _err = _watcher(store, sleep=waits.append)
        original = watcher.cycle

        def cycle() -> Any:
            result = original()
            if len(waits) == 2:
                watcher.stop()  # as the SIGTERM handler does, in the middle of a cycle
            return result

        watcher.cycle = cycle  # type: ignore[method-assign]
        assert watcher.run(60.0) == 3
        assert len(waits) == 2 and all(0 < w <= 60.0 for w in waits)
        assert watcher.run(60.0) == 0  # already stopping
        assert Watcher(store, OPTS).run(60.0, once=True) == 1


def test_feeds_file_and_interval_parsing(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text(f"# local news\n\n{FEED_URL}  # the Herald\n{FEED_URL}\nhttp://b.example/x#y\n",
                    encoding="utf-8")
    assert read_feeds_file(path) == [FEED_URL, "http://b.example/x#y"]
    path.write_text("news.example.org/feed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        read_feeds_file(path)
    assert [parse_interval(v) for v in ("60s", "5m", "1h", "90")] == [60, 300, 3600, 90]
    for bad in ("soon", "0s", "-5m"):
        with pytest.raises(ConfigError):
            parse_interval(bad)


def test_loopback_feed_through_http_fetcher_and_the_cli(tmp_path: Path) -> None:
    """The real ``HttpFetcher`` against a loopback feed, via ``flashpoint watch --once``."""
    import time

    from flashpoint import cli_watch  # noqa: F401 (registers the command on ``main``)
    from flashpoint.cli import main

    payload = rss(ITEMS)

    class Feed(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(f"http://127.0.0.1:{server.server_port}/feed.rss\n", encoding="utf-8")
        db, log = tmp_path / "cli.duckdb", tmp_path / "alerts.jsonl"
        args = ["watch", "--feeds", str(feeds), "--db", str(db), "--once",
                "--alert-log", str(log), "--replay"]
        refused = CliRunner().invoke(main, args)
        assert refused.exit_code == 0 and "private" in refused.stderr
        assert not log.exists()
        started = time.monotonic()
        allowed = CliRunner().invoke(main, [*args, "--allow-private"])
        seconds = time.monotonic() - started
        assert allowed.exit_code == 0, allowed.output
        assert allowed.stdout.count("ALERT ") == len(log.read_text("utf-8").splitlines()) > 0
        assert seconds < 20
        with open_store(db, OPTS) as store:
            assert len(store.articles()) == 2
    finally:
        server.shutdown()
        server.server_close()


def test_items_polled_when_stop_comes_are_not_marked_seen() -> None:
    fetcher = FakeFetcher(ITEMS[:1])
    with open_store(":memory:", OPTS) as store:
        watcher, _out, _err = _watcher(store, feeds=[FEED_URL, DOWN_URL], fetcher=fetcher)
        original = fetcher.fetch

        def fetch(url: str) -> FetchResult:
            if url == DOWN_URL:
                watcher.stop()  # SIGTERM arrives while the second feed is polled
            return original(url)

        fetcher.fetch = fetch  # type: ignore[method-assign]
        stopped = watcher.cycle()
        assert (stopped.new_items, stopped.ingest, watcher.state.items) == (1, None, {})


def test_watch_compacts_the_store_after_ingest_at_most_every_few_hours(tmp_path: Path) -> None:
    """Issue 5: a watch running for weeks keeps a bounded store (compaction)."""
    now = [datetime(2024, 3, 7, 10, tzinfo=UTC)]
    fetcher = FakeFetcher(ITEMS[:1])
    with open_store(tmp_path / "w.duckdb", OPTS) as store:
        watcher, _out, err = _watcher(store, feeds=[FEED_URL], fetcher=fetcher,
                                      clock=lambda: now[0])
        watcher.cycle()
        assert sum("store compacted" in line for line in err) == 1
        first = watcher.state.compacted
        assert first == now[0].isoformat()
        fetcher.items = ITEMS  # a new item: another ingest, but too soon to compact again
        now[0] += timedelta(hours=1)
        watcher.cycle()
        assert sum("store compacted" in line for line in err) == 1
        fetcher.items = [*ITEMS, ("Later", ITEMS[0][1] + " Later.")]
        now[0] += timedelta(hours=7)
        watcher.cycle()
        assert sum("store compacted" in line for line in err) == 2
        watcher._save_state()
        assert WatchState.load(watcher.state_path).compacted == now[0].isoformat()
