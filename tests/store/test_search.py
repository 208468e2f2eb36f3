"""The store side of the HTTP API: full-text index (fts extension and its ILIKE fallback),
keyset pages with a bounding box, the stored dyad ranking — on the owner and through a client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flashpoint.errors import InputError
from flashpoint.model import Article, Mention, Place
from flashpoint.options import Options
from flashpoint.store import Store, open_store
from flashpoint.store import search as search_mod
from flashpoint.store.wire import METHODS

NEW_METHODS = ("events_page", "search_status", "rebuild_search_index", "dyad_ranking",
               "save_dyad_ranking", "daily_status", "refresh_daily", "dyad_days", "actor_days")
SENTENCES = ("Serbian troops massed near the boundary.",
             "Kosovo police accused Belgrade of planning the attack.",
             "Officials in Пришти́на met the envoy on day 9000.")


def _fill(store: Store, stored: Callable[..., list[Article]],
          mention: Callable[..., Mention], place_of: Callable[..., Place]) -> list[Mention]:
    (art,) = stored(store, None)
    where = [place_of("KSV"), Place(text="Far", place_name="Far", country="USA", lat=40.0,
                                    lon=-100.0, geo_precision="point"), None]
    ms = [mention(art, n, f"2024-09-{10 + 4 * n:02d}", sentence=s, location=where[n],
                  cameo=("154", "112", "040")[n], quad=(4, 3, 1)[n])
          for n, s in enumerate(SENTENCES)]
    from flashpoint.model import Coded

    store.add_coded([Coded(article_id=art.article_id, mentions=tuple(ms))])
    return ms


def _evidence(events: list[Any]) -> list[str]:
    return [e.evidence for e in events]


def test_fts_index_is_built_and_searched_with_stemming(
        mem: Store, stored: Callable[..., list[Article]], mention: Callable[..., Mention],
        place_of: Callable[..., Place]) -> None:
    _fill(mem, stored, mention, place_of)
    before = mem.search_status()
    assert before["extension"] and not before["index"] and before["stale"]
    assert before["backend"] == "ilike"
    assert _evidence(mem.events_page(text="troop")) == [SENTENCES[0]]  # substring
    built = mem.rebuild_search_index()
    assert built["rebuilt"] and built["backend"] == "fts" and built["indexed"] == 3
    assert not built["stale"] and built["built_at"] is not None
    assert not mem.rebuild_search_index()["rebuilt"]  # nothing changed: not rebuilt
    assert _evidence(mem.events_page(text="accusing")) == [SENTENCES[1]]  # stemmed
    assert _evidence(mem.events_page(text="accusing", mode="ilike")) == []
    assert _evidence(mem.events_page(text="ПРИШТИНА 9000")) == [SENTENCES[2]]  # any script
    assert _evidence(mem.events_page(text="troops police")) == []  # every word must match
    assert _evidence(mem.events_page(text="...troops!")) == [SENTENCES[0]]
    assert _evidence(mem.events_page(text="the troops near the boundary")) == [SENTENCES[0]]
    assert _evidence(mem.events_page(text="of the")) == []  # only stop words: by substring
    assert _evidence(mem.events_page(text="troops", since=date(2024, 9, 11))) == []


def test_new_mentions_are_found_before_the_rebuild(
        mem: Store, stored: Callable[..., list[Article]], mention: Callable[..., Mention],
        place_of: Callable[..., Place]) -> None:
    _fill(mem, stored, mention, place_of)
    mem.rebuild_search_index()
    (art,) = stored(mem, None, seed=5)
    from flashpoint.model import Coded

    mem.add_coded([Coded(article_id=art.article_id, mentions=(
        mention(art, 0, "2024-10-01", sentence="Drones circled the mine at dawn."),))])
    status = mem.search_status()
    assert status["stale"] and status["pending"] == 1 and status["backend"] == "fts"
    assert _evidence(mem.events_page(text="drones circled")) == [
        "Drones circled the mine at dawn."]
    assert not mem.rebuild_search_index()["rebuilt"]  # built moments ago: not yet due
    assert mem.rebuild_search_index(force=True)["pending"] == 0


def test_without_the_extension_search_is_ilike(
        mem: Store, stored: Callable[..., list[Article]], mention: Callable[..., Mention],
        place_of: Callable[..., Place], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_mod, "extension_path", lambda: None)
    _fill(mem, stored, mention, place_of)
    result = mem.rebuild_search_index(force=True)
    assert not result["rebuilt"] and not result["extension"] and result["backend"] == "ilike"
    assert _evidence(mem.events_page(text="TROOPS MASSED")) == [SENTENCES[0]]
    with pytest.raises(InputError) as info:
        mem.events_page(text="troops", mode="fts")
    assert info.value.subject == "search"


def test_bbox_and_keyset_cursor(
        mem: Store, stored: Callable[..., list[Article]], mention: Callable[..., Mention],
        place_of: Callable[..., Place]) -> None:
    _fill(mem, stored, mention, place_of)
    assert _evidence(mem.events_page(bbox=(19.0, 41.0, 21.0, 43.0))) == [SENTENCES[0]]
    assert _evidence(mem.events_page(bbox=(170.0, -90.0, -90.0, 90.0))) == [SENTENCES[1]]
    every = mem.events_page()
    assert [e.event_id for e in every] == [e.event_id for e in mem.events(limit=100)]
    pages: list[str] = []
    after = None
    while True:
        page = mem.events_page(limit=1, after=after)
        if not page:
            break
        pages.append(page[0].event_id)
        after = (page[0].event_date, page[0].event_id)
    assert pages == [e.event_id for e in every]
    for bad in [(1.0, 2.0, 3.0), (0.0, 50.0, 1.0, 40.0), (0.0, 0.0, 200.0, 1.0)]:
        with pytest.raises(InputError):
            mem.events_page(bbox=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        mem.events_page(after=("not a date", "x"))
    with pytest.raises(InputError):
        mem.events_page(mode="google")
    with pytest.raises(InputError):
        mem.events_page(text=" " * 3)


def test_daily_tables_match_the_live_aggregates(
        mem: Store, stored: Callable[..., list[Article]], mention: Callable[..., Mention],
        place_of: Callable[..., Place]) -> None:
    _fill(mem, stored, mention, place_of)
    assert mem.dyad_days() == [] and mem.actor_days(["SRB"]) == []  # not built yet
    status = mem.refresh_daily(None)
    assert status["built_at"] is not None and status["basis"] is None
    live = mem.dyad_daily()
    assert len(live) == 3 and mem.dyad_days() == live
    assert live[0]["plover"] == {"ASSAULT": 1}
    many = [(f"X{i}", "Y") for i in range(20)] + [("SRB", "KSV")]  # the list-join path
    assert mem.dyad_days(dyads=many) == mem.dyad_daily(dyads=many)
    assert mem.dyad_days(dyads=[]) == []
    assert mem.dyad_days(actor="KSV", since=date(2024, 9, 11)) == mem.dyad_daily(
        actor="KSV", since=date(2024, 9, 11))
    keys = [f"K{i}" for i in range(12)] + ["SRB", "KSV"]
    assert mem.actor_days(keys) == mem.actor_daily(keys)
    assert mem.actor_days(["KSV"], until=date(2024, 9, 12)) == mem.actor_daily(
        ["KSV"], until=date(2024, 9, 12))


def test_dyad_ranking_is_replaced_whole(mem: Store) -> None:
    assert mem.dyad_ranking() == {"rows": [], "basis": None, "built_at": None}
    row = {"source": "SRB", "target": "KSV", "score": 3.5, "events": 4, "conflict": 3,
           "last_day": date(2024, 9, 24), "spark": [0, 1, 2]}
    assert mem.save_dyad_ranking([row, {**row, "source": "KSV", "target": "SRB",
                                        "score": 1.0}], None) == 2
    got = mem.dyad_ranking(top=5)
    assert [r["source"] for r in got["rows"]] == ["SRB", "KSV"] and got["built_at"]
    assert got["rows"][0] == row
    assert [r["target"] for r in mem.dyad_ranking(actor="KSV", top=1)["rows"]] == ["KSV"]
    mem.save_dyad_ranking([], None)
    assert mem.dyad_ranking()["rows"] == []
    with pytest.raises(InputError):
        mem.save_dyad_ranking([{"source": "SRB"}], None)


def test_the_new_methods_work_through_a_client(
        tmp_path: Path, stored: Callable[..., list[Article]], mention: Callable[..., Mention],
        place_of: Callable[..., Place]) -> None:
    assert set(NEW_METHODS) <= METHODS
    db, opts = tmp_path / "s.duckdb", Options()
    with open_store(db, opts) as owner:
        _fill(owner, stored, mention, place_of)
        with open_store(db, opts) as client:
            assert not client.is_owner
            assert client.rebuild_search_index()["rebuilt"]
            assert client.search_status()["backend"] == "fts"
            assert _evidence(client.events_page(text="accused", bbox=(-180.0, -90.0, 180.0,
                                                                      90.0))) == [SENTENCES[1]]
            first = client.events_page(limit=1)
            assert client.events_page(after=(first[0].event_date, first[0].event_id),
                                      limit=5) == owner.events_page(limit=5)[1:]
            assert client.daily_status() == {"basis": None, "built_at": None}
            assert client.refresh_daily(None)["built_at"] is not None
            assert client.dyad_days() == owner.dyad_daily() != []
            assert client.dyad_days(dyads=[("SRB", "KSV")]) == owner.dyad_daily(
                dyads=[("SRB", "KSV")])
            assert client.actor_days(["KSV", "SRB"]) == owner.actor_daily(["KSV", "SRB"])
            row = {"source": "A", "target": "B", "score": 1.0, "events": 1, "conflict": 0,
                   "last_day": None, "spark": []}
            assert client.save_dyad_ranking([row], None) == 1
            assert owner.dyad_ranking()["rows"] == [row]
            assert client.dyad_ranking()["rows"] == [row]
            with pytest.raises(InputError):
                client.events_page(mode="nope")


def test_derived_rebuilds_do_not_wait_for_the_write_lock(
        db_path: Path, opts: Options, stored: Callable[..., list[Article]],
        mention: Callable[..., Mention], place_of: Callable[..., Place]) -> None:
    from flashpoint.store import LocalStore

    with open_store(db_path, opts) as store:
        assert isinstance(store, LocalStore)
        _fill(store, stored, mention, place_of)
        with store._write_lock:  # an ingest holds the write lock
            assert store.refresh_daily(None)["built_at"] is not None
            assert store.rebuild_search_index()["rebuilt"]
            assert store.save_dyad_ranking([], None) == 0
        assert store.dyad_days() == store.dyad_daily()
