"""Issue 5 regression: a trend update explains its alerts with a fixed number of store calls.

A 1,000-article day used to cost ~28 s: every episode fetched its events, every event its
mentions and every mention its article, one query each.  ``build_alerts`` now asks the store
twice (``trend_events`` and ``event_sources``) whatever the number of dyads and episodes; these
tests pin both the call count and that the explanation still says what the per-event queries
said.  ``compact`` (used by ``watch`` to stay bounded) keeps every row.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest

from flashpoint.options import Options
from flashpoint.store import Store, open_store
from flashpoint.store.wire import METHODS
from flashpoint.trends import update

OPTS = Options(workers=1)


class CountingStore:
    """A store proxy that counts the calls made through it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.calls: Counter[str] = Counter()

    def changed_dyads(self, since: Any = None) -> list[tuple[str, str]]:
        """Every dyad counts as changed: a full recomputation."""
        self.calls["changed_dyads"] += 1
        return self._store.changed_dyads(None)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if callable(attr):
            def call(*args: Any, **kwargs: Any) -> Any:
                self.calls[name] += 1
                return attr(*args, **kwargs)
            return call
        return attr


@pytest.fixture(scope="module")
def sample_db(ingested_sample: Path) -> Path:
    return ingested_sample


def test_update_asks_the_store_a_fixed_number_of_times(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_db.read_bytes())
    with open_store(db, OPTS) as store:
        store.save_alerts([], watermark=None)
        counting = CountingStore(store)
        alerts = update(cast(Store, counting))
        assert len(store.changed_dyads(None)) > 5
        assert counting.calls["trend_events"] <= 1 and counting.calls["event_sources"] <= 1
        for name in ("events", "mentions", "get_article", "event"):
            assert counting.calls[name] == 0, f"{name} called per episode again"
        assert sum(counting.calls.values()) <= 8
        assert alerts or store.alerts(), "the sample corpus raises alerts"


def test_explanations_match_the_per_event_queries(sample_db: Path) -> None:
    with open_store(sample_db, OPTS) as store:
        alerts = store.alerts(limit=1000)
        assert alerts
        for alert in alerts:
            if alert.state == "withdrawn":
                continue  # what it said when it was withdrawn, kept as it was
            for top in alert.top_events:
                event = store.event(top["event_id"])
                assert top["evidence"] == event.evidence
                mentions = store.mentions(event_id=event.event_id, limit=50)
                assert top["article_ids"] == sorted({m.article_id for m in mentions})
                for art in top["articles"]:
                    stored = store.get_article(art["article_id"])
                    assert (art["url"], art["source"], art["title"]) == (
                        stored.url, stored.source, stored.title)
                if alert.direction == "escalation":
                    assert (event.source_key, event.target_key) == (alert.source, alert.target)
                    assert event.quad_class == (4 if alert.channel == "material" else 3)


def test_trend_events_keeps_the_dyad_and_the_sources_retreats(sample_db: Path) -> None:
    with open_store(sample_db, OPTS) as store:
        found = store.trend_events([("SRB", "KSV", date(2023, 9, 20), date(2023, 10, 10))])
        assert found
        assert len({e.event_id for e in found}) == len(found)
        for e in found:
            assert e.source_key == "SRB"
            assert e.target_key == "KSV" or e.plover == "RETREAT"
            assert e.event_date is not None and "2023-09-20" <= e.event_date < "2023-10-10"
        assert store.trend_events([("SRB", "KSV", date(2023, 9, 20), date(2023, 9, 20))]) == []
        sources = store.event_sources([found[0].event_id])
        assert sources[found[0].event_id]
        assert {"article_id", "url", "source", "title", "coder_version"} <= set(
            sources[found[0].event_id][0])


def test_batched_methods_and_compact_work_through_a_remote_client(sample_db: Path,
                                                                 tmp_path: Path) -> None:
    for name in ("trend_events", "event_sources", "compact"):
        assert name in METHODS
    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_db.read_bytes())
    ranges = [("SRB", "KSV", date(2023, 9, 20), date(2023, 10, 10)),
              ("KSV", "SRB", date(2023, 9, 20), date(2023, 10, 10))]
    with open_store(db, OPTS) as owner:
        events_before = owner.stats()["events"]
        with open_store(db, OPTS) as client:
            assert not client.is_owner
            remote = client.trend_events(ranges)
            assert [e.event_id for e in remote] == [e.event_id for e in
                                                    owner.trend_events(ranges)]
            ids = [e.event_id for e in remote]
            assert client.event_sources(ids) == owner.event_sources(ids)
            sizes = client.compact()
            assert sizes["bytes_after"] > 0 and sizes["wal_after"] <= sizes["wal_before"] + 1
        assert owner.stats()["events"] == events_before
