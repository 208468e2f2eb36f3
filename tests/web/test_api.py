"""The JSON API (issue 6) in-process on the sample corpus: every read endpoint and filter.

The store is ``sample_db`` of tests/web/conftest.py (examples/corpus ingested, coded, alerts
computed, plus the conftest's test articles).  Filters are checked against the store's own
queries (``Store.events`` etc.), which tests/store already checks against the data.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from flashpoint.options import Options
from flashpoint.store import Store, open_store
from flashpoint.store import search as search_mod
from flashpoint.web import api_rank
from flashpoint.web.app import create_app

ERROR_KEYS = {"code", "status", "message", "fix", "subject"}


@pytest.fixture(scope="module")
def env(sample_db: Path) -> Iterator[tuple[TestClient, Store]]:
    opts = Options(db=str(sample_db))
    with open_store(sample_db, opts) as store:
        store.rebuild_search_index(force=True)
        client = TestClient(create_app(opts, store=store), raise_server_exceptions=False)
        yield client, store


def _get(client: TestClient, url: str, status: int = 200) -> Any:
    resp = client.get(url)
    assert resp.status_code == status, (url, resp.text[:500])
    return resp.json()


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [e["event_id"] for e in items]


def _walk(client: TestClient, url: str, limit: int) -> list[dict[str, Any]]:
    """Every item of a paged /api/events query, following next_cursor."""
    out: list[dict[str, Any]] = []
    sep = "&" if "?" in url else "?"
    page = _get(client, f"{url}{sep}limit={limit}")
    for _ in range(1000):
        out += page["items"]
        assert len(page["items"]) <= limit
        if page["next_cursor"] is None:
            return out
        page = _get(client, f"{url}{sep}limit={limit}&cursor={page['next_cursor']}")
    raise AssertionError("cursor never ended")


def test_health_and_stats(env: tuple[TestClient, Store]) -> None:
    client, store = env
    health = _get(client, "/api/health")
    assert health["status"] == "ok" and health["store"]["owner"] is True
    assert health["store"]["schema_version"] == store.schema_version()
    stats = _get(client, "/api/stats")
    assert stats["events"] == store.stats()["events"] > 50
    assert stats["search"]["backend"] == "fts" and stats["search"]["built_at"]
    assert stats["search"]["indexed"] == stats["mentions"] and stats["search"]["pending"] == 0
    assert {"basis", "built_at", "stale"} <= set(stats["ranking"])


def test_events_cursor_pages_cover_every_event_once_in_order(
        env: tuple[TestClient, Store]) -> None:
    client, store = env
    walked = _walk(client, "/api/events", limit=7)
    assert _ids(walked) == [e.event_id for e in store.events(limit=10_000)]
    assert len(set(_ids(walked))) == len(walked)
    assert _get(client, "/api/events?limit=500")["next_cursor"] is None


@pytest.mark.parametrize(("query", "kwargs"), [
    ("since=2023-09-29&until=2023-10-01", {"since": date(2023, 9, 29),
                                           "until": date(2023, 10, 1)}),
    ("actor=ksv", {"actor": "KSV"}),
    ("dyad=SRB:KSV", {"dyad": ("SRB", "KSV")}),
    ("dyad=EEC:", {"dyad": ("EEC", None)}),
    ("cameo=19", {"cameo": "19"}),
    ("cameo=154", {"cameo": "154"}),
    ("plover=mobilize", {"plover": "MOBILIZE"}),
    ("quad=4", {"quad": 4}),
    ("q=troops&search=ilike", {"text": "troops"}),
    ("dyad=KSV:SRB&quad=3&since=2023-09-24", {"dyad": ("KSV", "SRB"), "quad": 3,
                                             "since": date(2023, 9, 24)}),
])
def test_event_filters_match_the_store(env: tuple[TestClient, Store], query: str,
                                       kwargs: dict[str, Any]) -> None:
    client, store = env
    expected = [e.event_id for e in store.events(limit=10_000, **kwargs)]
    assert expected, f"the sample has no events for {query}"
    assert _ids(_walk(client, f"/api/events?{query}", limit=4)) == expected


def test_story_filter(env: tuple[TestClient, Store]) -> None:
    client, store = env
    story = next(s for s in store.stories(limit=100) if s.num_articles > 1)
    expected = [e.event_id for e in store.events(story=story.story_id, limit=10_000)]
    assert expected
    assert _ids(_get(client, f"/api/events?story={story.story_id}&limit=500")["items"]) == \
        expected


def test_bbox_filter_on_event_locations(env: tuple[TestClient, Store]) -> None:
    client, _store = env
    items = _walk(client, "/api/events?bbox=20.0,42.0,21.5,43.5", limit=10)
    assert items
    for e in items:
        assert 20.0 <= e["location"]["lon"] <= 21.5 and 42.0 <= e["location"]["lat"] <= 43.5
    located = [e for e in _walk(client, "/api/events", limit=500) if e["location"]
               and e["location"]["lat"] is not None]
    inside = {e["event_id"] for e in located if 20.0 <= e["location"]["lon"] <= 21.5
              and 42.0 <= e["location"]["lat"] <= 43.5}
    assert set(_ids(items)) == inside
    assert _get(client, "/api/events?bbox=-10,-10,-9,-9")["items"] == []
    # crossing the antimeridian: everything east of 170 or west of -170 (none here)
    assert _get(client, "/api/events?bbox=170,-90,-170,90")["items"] == []


def _sentences(client: TestClient, event_id: str) -> list[str]:
    return [m["sentence"] for m in _get(client, f"/api/events/{event_id}")["mentions"]]


def test_full_text_search_uses_the_index_and_stems(env: tuple[TestClient, Store]) -> None:
    client, _store = env
    page = _get(client, "/api/events?q=troop&limit=500")
    assert page["search"] == "fts" and page["items"]
    for e in page["items"]:  # stemmed: "troop" finds "troops" and "troop"
        assert any("troop" in s.lower() for s in _sentences(client, e["event_id"]))
    assert _get(client, "/api/events?q=zzzqqxnothing")["items"] == []
    both = _get(client, "/api/events?q=troops%20withdraw&limit=500")["items"]
    for e in both:  # conjunctive: every word (stemmed) occurs in one sentence
        assert any("troop" in s.lower() and "withdr" in s.lower()
                   for s in _sentences(client, e["event_id"]))


def test_search_falls_back_to_ilike_without_the_extension(
        env: tuple[TestClient, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    client, store = env
    monkeypatch.setattr(search_mod, "load_fts", lambda cur: False)
    page = _get(client, "/api/events?q=Troops&limit=500")
    assert page["search"] == "ilike"
    assert _ids(page["items"]) == [e.event_id for e in store.events(text="troops", limit=500)]
    assert _get(client, "/api/stats")["search"]["backend"] == "ilike"
    err = _get(client, "/api/events?q=troops&search=fts", status=400)["error"]
    assert err["subject"] == "search" and err["code"] == "bad_input"


def test_event_detail_has_mentions_and_articles(env: tuple[TestClient, Store]) -> None:
    client, store = env
    ev = next(e for e in store.events(limit=500) if e.num_articles > 1)
    got = _get(client, f"/api/events/{ev.event_id}")
    assert got["event"]["event_id"] == ev.event_id
    assert sorted(m["mention_id"] for m in got["mentions"]) == sorted(ev.mention_ids)
    assert ev.evidence in [m["sentence"] for m in got["mentions"]]
    assert {a["article_id"] for a in got["articles"]} == {m["article_id"]
                                                          for m in got["mentions"]}
    assert len(got["articles"]) == ev.num_articles
    assert _get(client, "/api/events/nope", status=404)["error"]["code"] == "not_found"


def test_dyads_ranked_as_the_cli(env: tuple[TestClient, Store], sample_db: Path) -> None:
    import json

    from flashpoint import cli_web  # noqa: F401  (registers serve; cli imports it later)
    from flashpoint.cli import main

    client, _store = env
    got = _get(client, "/api/dyads?top=8")
    assert got["computed"] == "stored" and got["stale"] is False and got["basis"]
    out = CliRunner().invoke(main, ["dyads", "--db", str(sample_db), "--top", "8",
                                    "--format", "json"])
    assert out.exit_code == 0, out.output
    cli = json.loads(out.output)
    assert [(r["dyad"], r["score"], r["events"], r["conflict"]) for r in got["items"]] == \
        [(r["dyad"], r["score"], r["events"], r["conflict"]) for r in cli]
    assert all(len(r["spark"]) <= 30 for r in got["items"])


def test_dyads_actor_and_since(env: tuple[TestClient, Store]) -> None:
    client, store = env
    got = _get(client, "/api/dyads?actor=srb&top=50")["items"]
    assert got and all("SRB" in (r["source"], r["target"]) for r in got)
    live = _get(client, "/api/dyads?since=2023-09-30&top=5")
    assert live["computed"] == "live"
    expected = api_rank.compute(store, since=date(2023, 9, 30))[:5]
    assert [(r["dyad"], r["score"]) for r in live["items"]] == \
        [(f"{r['source']}:{r['target']}", r["score"]) for r in expected]


def test_series_every_day_with_coverage_and_alert_markers(
        env: tuple[TestClient, Store]) -> None:
    client, store = env
    got = _get(client, "/api/dyads/srb/ksv/series")
    days = [date.fromisoformat(d["day"]) for d in got["days"]]
    assert all((b - a).days == 1 for a, b in itertools.pairwise(days))
    events = store.events(dyad=("SRB", "KSV"), since=days[0], limit=10_000)
    assert sum(d["events"] for d in got["days"]) == len([e for e in events if e.event_date])
    assert all(isinstance(d["covered"], bool) for d in got["days"])
    assert any(d["covered"] for d in got["days"])
    alerts = store.alerts(dyad=("SRB", "KSV"), limit=100)
    assert alerts and {a["alert_id"] for a in got["alerts"]} == {a.alert_id for a in alerts}
    by_day = {d["day"]: {m["alert_id"] for m in d["alerts"]} for d in got["days"]}
    for a in alerts:
        assert a.alert_id in by_day[a.day]
    window = _get(client, "/api/dyads/SRB/KSV/series?since=2023-09-28&until=2023-10-02")
    assert [d["day"] for d in window["days"]] == ["2023-09-28", "2023-09-29", "2023-09-30",
                                                  "2023-10-01"]
    err = _get(client, "/api/dyads/AAA/BBB/series", status=404)["error"]
    assert err["subject"] == "AAA:BBB"


def test_alerts_filters(env: tuple[TestClient, Store]) -> None:
    client, store = env
    every = _get(client, "/api/alerts?limit=500")["items"]
    assert [a["alert_id"] for a in every] == [a.alert_id for a in store.alerts(limit=500)]
    assert {"alert_id", "revision", "score", "baseline", "top_events", "state"} <= set(every[0])
    pair = _get(client, "/api/alerts?dyad=SRB:KSV")["items"]
    assert pair and all((a["source"], a["target"]) == ("SRB", "KSV") for a in pair)
    late = _get(client, "/api/alerts?since=2023-10-01")["items"]
    assert late and all(a["day"] >= "2023-10-01" for a in late)
    assert len(_get(client, "/api/alerts?limit=2&offset=1")["items"]) == 2


def test_article_reader_spans_point_at_evidence_and_quotes(
        env: tuple[TestClient, Store]) -> None:
    client, store = env
    art = next(a for a in store.articles(limit=100)
               if store.quotes(article_id=a.article_id) and store.mentions(
                   article_id=a.article_id))
    got = _get(client, f"/api/articles/{art.article_id}")
    text = got["article"]["text"]
    assert text == art.text and "raw" not in got["article"]
    assert got["evidence"] and got["quotes"]
    for ev in got["evidence"]:
        assert ev["start"] is not None
        assert text[ev["start"]:ev["end"]] == ev["sentence"]
        if ev["trigger"]:
            assert ev["start"] <= ev["trigger"][0] < ev["trigger"][1] <= ev["end"]
    clustered = [ev for ev in got["evidence"] if ev["event_id"]]
    assert clustered
    for ev in clustered[:3]:
        assert ev["mention_id"] in _get(client, f"/api/events/{ev['event_id']}")[
            "event"]["mention_ids"]
    for q in got["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]
    assert _get(client, "/api/articles/nope", status=404)["error"]["subject"] == "nope"


def test_quotes_filters(env: tuple[TestClient, Store]) -> None:
    client, store = env
    every = _get(client, "/api/quotes?limit=500")["items"]
    assert [q["quote_id"] for q in every] == [q.quote_id for q in store.quotes(limit=500)]
    one = every[0]["article_id"]
    mine = _get(client, f"/api/quotes?article_id={one}")["items"]
    assert mine and all(q["article_id"] == one for q in mine)
    ksv = _get(client, "/api/quotes?actor=KSV&limit=500")["items"]
    assert ksv and all("KSV" in (q["speaker"]["country"], q["speaker"]["group"],
                                 q["speaker"]["code"]) for q in ksv)
    assert _get(client, "/api/quotes?article_id=nope", status=404)["error"]["code"] == \
        "not_found"


def test_security_headers_on_api_and_openapi(env: tuple[TestClient, Store]) -> None:
    client, _store = env
    for url in ("/api/health", "/api/events?limit=1", "/openapi.json", "/api/nope"):
        resp = client.get(url)
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["referrer-policy"] == "no-referrer"
    assert set(client.get("/api/nope").json()["error"]) >= ERROR_KEYS


def test_daily_tables_hold_what_the_live_aggregates_give(env: tuple[TestClient, Store]) -> None:
    _client, store = env
    store.refresh_daily(store.trend_state()["events_updated"])
    assert store.daily_status()["built_at"] is not None
    live = store.dyad_daily()
    assert live and store.dyad_days() == live
    assert store.dyad_days(dyads=[("SRB", "KSV")], since=date(2023, 9, 28)) == \
        store.dyad_daily(dyads=[("SRB", "KSV")], since=date(2023, 9, 28))
    assert store.dyad_days(actor="KSV", until=date(2023, 10, 1)) == \
        store.dyad_daily(actor="KSV", until=date(2023, 10, 1))
    actors = sorted({r["source"] for r in live} | {r["target"] for r in live})
    assert store.actor_days(actors) == store.actor_daily(actors)
    assert store.actor_days(["SRB"], since=date(2023, 9, 30)) == \
        store.actor_daily(["SRB"], since=date(2023, 9, 30))


def test_no_cdn_api_docs_pages_and_the_spec_is_served(page_store: Any) -> None:
    """Issue 6: no page loads third-party assets from a CDN (FastAPI's /docs and /redoc do)."""
    from fastapi.testclient import TestClient

    from flashpoint.options import Options
    from flashpoint.web.app import create_app

    store, _arts = page_store
    client = TestClient(create_app(Options(), store=store))
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 404 and "cdn" not in r.text.lower()
        assert r.json()["error"]["code"] == "not_found"
    spec = client.get("/openapi.json").json()
    assert "/api/events" in spec["paths"]
