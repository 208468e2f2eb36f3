"""The JSON API (issue 6): writes, the one error shape, the ranking's freshness, the background
work of ``serve`` (search index, ranking, ``--watch``) and the ``serve`` command itself.

Stores here are small and synthetic (our own text), built directly from model records.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from flashpoint import ids
from flashpoint.dedup import signature
from flashpoint.errors import StoreError
from flashpoint.model import Actor, Article, Coded, Mention, PublishedStatus
from flashpoint.options import Options
from flashpoint.store import Store, open_store
from flashpoint.trends.watch import Watcher
from flashpoint.web.api_rank import Ranker
from flashpoint.web.api_tasks import Maintenance
from flashpoint.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
ERROR_KEYS = {"code", "status", "message", "fix", "subject"}
SRB = Actor(text="Serbian army", code="SRBMIL", country="SRB", role="MIL")
KSV = Actor(text="Kosovo police", code="KSVCOP", country="KSV", role="COP")
TOKEN = "test-token-123"


def _text(n: int) -> str:
    return (f"Report {n}. The Serbian army moved units to the boundary near Kosovo on day {n}, "
            f"officials said. Kosovo police answered with checkpoints number {n}. " * 3)


def add_events(store: Store, opts: Options, days: list[str], seed: int = 0) -> list[Article]:
    """One article per day, each with one MOBILIZE mention SRB -> KSV dated that day (days
    more than two days apart are separate events)."""
    arts = []
    for n, day in enumerate(days):
        text = _text(seed * 1000 + n)
        url = f"https://test.example/{seed}/{n}"
        arts.append(Article(
            article_id=ids.article_id(ids.canonical_url(url), text),
            content_sha=ids.content_sha(text), title=f"Units move {n}", text=text,
            origin=url, url=url, canonical_url=ids.canonical_url(url), source=f"Outlet {n % 3}",
            published=datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC),
            published_status=PublishedStatus.GIVEN, lang="en"))
    store.add_articles([(a, signature(a.text, opts)) for a in arts])
    sentence = "The Serbian army moved units to the boundary near Kosovo"
    store.add_coded([Coded(article_id=a.article_id, mentions=(Mention(
        mention_id=ids.short_id("m", a.article_id), article_id=a.article_id, sentence_index=1,
        sentence=sentence + f" on day {seed * 1000 + n}, officials said.", source=SRB,
        target=KSV, cameo="154", cameo_root="15", quad_class=4, penta_class=4, goldstein=-7.2,
        plover="MOBILIZE", plover_mode=None, event_date=day, date_precision="day",
        background=False, trigger_span=(17, 22), confidence=0.9, rule="test",
        coder_version="t"),)) for n, (a, day) in enumerate(zip(arts, days, strict=True))])
    return arts


@pytest.fixture
def mem() -> Iterator[Store]:
    opts = Options()
    st = open_store(":memory:", opts)
    try:
        add_events(st, opts, ["2024-03-01", "2024-03-05", "2024-03-09"])
        yield st
    finally:
        st.close()


def _error(resp: httpx.Response, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text[:300]
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in resp.headers["content-security-policy"]
    err: dict[str, Any] = resp.json()["error"]
    assert set(err) >= ERROR_KEYS and err["status"] == status and err["message"]
    return err


BAD_REQUESTS = [
    ("GET", "/api/events?since=yesterday", 422, "since"),
    ("GET", "/api/events?limit=0", 422, "limit"),
    ("GET", "/api/events?limit=501", 422, "limit"),
    ("GET", "/api/events?quad=5", 422, "quad"),
    ("GET", "/api/events?cameo=1a", 422, "cameo"),
    ("GET", "/api/events?search=google", 422, "search"),
    ("GET", "/api/events?dyad=SRB", 400, "dyad"),
    ("GET", "/api/events?actor=S%20R", 400, "actor"),
    ("GET", "/api/events?bbox=1,2,3", 400, "bbox"),
    ("GET", "/api/events?bbox=10,50,20,40", 400, "bbox"),
    ("GET", "/api/events?cursor=%21%21not-a-cursor", 400, "cursor"),
    ("GET", "/api/events?q=%20%20", 400, "q"),
    ("GET", "/api/events/unknown-id", 404, "unknown-id"),
    ("GET", "/api/dyads?top=0", 422, "top"),
    ("GET", "/api/dyads?actor=%3Cb%3E", 400, "actor"),
    ("GET", "/api/dyads?since=2024-13-01", 422, "since"),
    ("GET", "/api/dyads/SR-B/KSV/series", 422, "source"),
    ("GET", "/api/dyads/AAA/BBB/series", 404, "AAA:BBB"),
    ("GET", "/api/dyads/SRB/KSV/series?until=x", 422, "until"),
    ("GET", "/api/alerts?dyad=SRB:", 400, "dyad"),
    ("GET", "/api/alerts?offset=-1", 422, "offset"),
    ("GET", "/api/articles/unknown", 404, "unknown"),
    ("GET", "/api/quotes?article_id=unknown", 404, "unknown"),
    ("GET", "/api/quotes?limit=x", 422, "limit"),
    ("POST", "/api/articles", 403, "POST /api/articles"),
    ("GET", "/api/no-such-route", 404, "/api/no-such-route"),
    ("DELETE", "/api/events", 405, "/api/events"),
    ("POST", "/api/health", 405, "/api/health"),
    ("PUT", "/api/stats", 405, "/api/stats"),
]


@pytest.mark.parametrize(("method", "url", "status", "subject"), BAD_REQUESTS,
                         ids=[f"{m} {u}" for m, u, _s, _j in BAD_REQUESTS])
def test_every_route_answers_a_bad_request_in_the_error_shape(
        mem: Store, method: str, url: str, status: int, subject: str) -> None:
    client = TestClient(create_app(Options(), store=mem), raise_server_exceptions=False)
    err = _error(client.request(method, url), status)
    assert err["subject"] == subject


class _Broken:
    """A store whose reads fail: with a domain error (stats) or a bug (everything else)."""

    path = "broken.duckdb"
    is_owner = True

    def stats(self) -> dict[str, Any]:
        raise StoreError("the disk is gone", "check the disk", subject=self.path)

    def schema_version(self) -> int:
        raise RuntimeError("secret internal detail")


def test_domain_errors_and_crashes_use_the_shape_without_internals() -> None:
    client = TestClient(create_app(Options(), store=_Broken()),  # type: ignore[arg-type]
                        raise_server_exceptions=False)
    err = _error(client.get("/api/stats"), 503)
    assert (err["code"], err["subject"], err["fix"]) == ("store_error", "broken.duckdb",
                                                        "check the disk")
    crash = client.get("/api/health")
    err = _error(crash, 500)
    assert err["code"] == "internal_error" and "secret" not in crash.text


def test_post_articles_needs_a_configured_token(mem: Store) -> None:
    client = TestClient(create_app(Options(api_token=TOKEN), store=mem),
                        raise_server_exceptions=False)
    body = {"text": "x" * 300}
    resp = client.post("/api/articles", json=body)
    assert _error(resp, 401)["code"] == "unauthorized"
    assert resp.headers["www-authenticate"] == "Bearer"
    _error(client.post("/api/articles", json=body,
                       headers={"Authorization": "Bearer wrong"}), 401)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    _error(client.post("/api/articles", content=b"{not json", headers=auth), 422)
    err = _error(client.post("/api/articles", json={"text": "x", "colour": "red"},
                             headers=auth), 422)
    assert err["subject"] == "0.colour"
    _error(client.post("/api/articles", json=[{"text": 5}], headers=auth), 422)
    _error(client.post("/api/articles", json=[], headers=auth), 422)
    assert mem.stats()["articles"] == 3  # nothing was written


def test_post_articles_ingests_and_the_search_finds_the_new_mentions(mem: Store) -> None:
    opts = Options(api_token=TOKEN, code=False)
    mem.rebuild_search_index(force=True)
    client = TestClient(create_app(opts, store=mem), raise_server_exceptions=False)
    records = [{"id": "p1", "url": "https://post.example/1", "title": "Posted",
                "published": "2024-03-04T10:00:00Z", "source": "Poster",
                "text": _text(77)},
               {"id": "p2", "text": "too short"}]
    resp = client.post("/api/articles", json=records,
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200, resp.text
    report = resp.json()["report"]
    assert (report["read"], report["new"], len(report["rejected"])) == (2, 1, 1)
    assert report["rejected"][0]["reason"] == "too-short"
    (new,) = [a for a in mem.articles(limit=10) if a.url == "https://post.example/1"]
    assert client.get(f"/api/articles/{new.article_id}").json()["article"]["source"] == "Poster"
    # mentions coded after the index was built are still found (by substring) until a rebuild
    add_events(mem, Options(), ["2024-03-25"], seed=9)
    status = client.get("/api/stats").json()["search"]
    assert status["backend"] == "fts" and status["pending"] == 1 and status["stale"]
    found = client.get("/api/events?q=day%209000").json()
    assert found["search"] == "fts" and len(found["items"]) == 1
    assert mem.rebuild_search_index(force=True)["rebuilt"]
    assert client.get("/api/stats").json()["search"]["pending"] == 0
    assert len(client.get("/api/events?q=day%209000").json()["items"]) == 1


def test_stale_ranking_is_recomputed(mem: Store) -> None:
    client = TestClient(create_app(Options(), store=mem), raise_server_exceptions=False)
    first = client.get("/api/dyads").json()
    assert [r["dyad"] for r in first["items"]] == ["SRB:KSV"] and not first["stale"]
    assert first["items"][0]["events"] == 3
    add_events(mem, Options(), ["2024-03-13", "2024-03-17"], seed=1)
    assert client.get("/api/stats").json()["ranking"]["stale"] is True
    again = client.get("/api/dyads").json()  # no background worker: recomputed at once
    assert again["items"][0]["events"] == 5 and not again["stale"]


def test_background_ranker_serves_stale_rows_and_refreshes(mem: Store) -> None:
    ranker = Ranker(background=True)
    assert ranker.ranking(mem, actor=None, top=5)["rows"][0]["events"] == 3  # first: at once
    add_events(mem, Options(), ["2024-03-21"], seed=2)
    stale = ranker.ranking(mem, actor=None, top=5)
    assert stale["stale"] and stale["rows"][0]["events"] == 3
    ranker.join(timeout=30)
    fresh = ranker.ranking(mem, actor=None, top=5)
    assert not fresh["stale"] and fresh["rows"][0]["events"] == 4


def test_maintenance_runs_the_watcher_then_index_and_ranking(
        mem: Store, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a.jsonl").write_text(json.dumps({"url": "https://drop.example/1",
                                              "text": _text(55)}) + "\n", encoding="utf-8")
    opts = Options(code=False)
    watcher = Watcher(mem, opts, drop_dir=drop, state_path=tmp_path / "state.json")
    work = Maintenance(mem, Ranker(background=True), watcher=watcher, interval=3600)
    work.step()
    assert mem.stats()["articles"] == 4
    assert mem.search_status()["backend"] == "fts" and not mem.search_status()["stale"]
    assert mem.dyad_ranking(top=5)["rows"][0]["source"] == "SRB"
    work.start()
    assert work.running
    work.stop(timeout=30)
    assert not work.running and work.cycles >= 1 and work.last_error is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, until: float) -> httpx.Response:
    while True:
        try:
            return httpx.get(url, timeout=2, trust_env=False)
        except httpx.TransportError:
            if time.monotonic() > until:
                raise
            time.sleep(0.2)


def test_serve_command_serves_watches_and_stops_cleanly(tmp_path: Path) -> None:
    db, drop, port = tmp_path / "s.duckdb", tmp_path / "drop", _free_port()
    drop.mkdir()
    (drop / "a.jsonl").write_text(json.dumps({"url": "https://drop.example/2",
                                              "text": _text(66)}) + "\n", encoding="utf-8")
    code = ("import sys; from flashpoint import cli_web; from flashpoint.cli import main; "
            "sys.exit(main())")
    env = {**os.environ, "FLASHPOINT_CODE": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--db", str(db), "--port", str(port),
         "--dir", str(drop), "--interval", "1s"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        health = _wait(f"http://127.0.0.1:{port}/api/health", deadline)
        assert health.status_code == 200 and health.json()["store"]["owner"] is True
        assert health.headers["referrer-policy"] == "no-referrer"
        while _wait(f"http://127.0.0.1:{port}/api/stats", deadline).json()["articles"] < 1:
            assert time.monotonic() < deadline, "the watcher did not ingest the drop folder"
            time.sleep(0.3)
        # another process reads the same store while serve owns it
        with open_store(db, Options()) as client:
            assert not client.is_owner and client.stats()["articles"] == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-2000:]
    with open_store(db, Options()) as store:  # the lock was released: we become the owner
        assert store.is_owner


def test_series_reads_the_daily_tables_and_says_when_they_are_stale(mem: Store) -> None:
    ranker = Ranker(background=True)
    live, stale = ranker.daily(mem)  # never built: the live aggregates, and a build started
    assert live is mem and not stale
    ranker.join(timeout=30)
    fresh, stale = ranker.daily(mem)
    assert fresh is not mem and not stale
    assert fresh.dyad_daily() == mem.dyad_daily()
    add_events(mem, Options(), ["2024-03-29"], seed=3)
    old, stale = ranker.daily(mem)
    assert stale and len(old.dyad_daily()) == 3 and len(mem.dyad_daily()) == 4
    ranker.join(timeout=30)
    client = TestClient(create_app(Options(), store=mem), raise_server_exceptions=False)
    got = client.get("/api/dyads/SRB/KSV/series").json()
    assert not got["stale"] and sum(d["events"] for d in got["days"]) == 4
    assert len(got["days"]) == 29  # 1 to 29 March, every calendar day
