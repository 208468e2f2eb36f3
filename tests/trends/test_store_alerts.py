"""Alert revisions and marks through the store (owner and a remote client)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from flashpoint.errors import InputError, NotFoundError
from flashpoint.model import Alert
from flashpoint.options import Options
from flashpoint.store import LocalStore, open_store
from flashpoint.store.wire import METHODS
from flashpoint.trends import refresh

AS_OF = datetime(2023, 10, 1, tzinfo=UTC)


def _alert(**changes: object) -> Alert:
    base = Alert(alert_id="a1", revision=0, source="SRB", target="KSV", day="2023-09-26",
                 direction="escalation", channel="material", score=6.9,
                 baseline={"level": 0.0, "scale": 0.14}, state="new", num_sources=2,
                 single_source=False,
                 top_events=({"event_id": "e1", "evidence": "Serbia moved troops."},),
                 coder_version="v1", as_of=AS_OF)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_same_alert_twice_is_one_revision_and_a_change_is_a_new_one() -> None:
    with LocalStore(":memory:", Options()) as st:
        assert [a.revision for a in st.save_alerts([_alert()])] == [1]
        assert st.save_alerts([_alert()]) == []
        (rev2,) = st.save_alerts([_alert(state="ongoing", score=8.0)])
        assert rev2.revision == 2
        (latest,) = st.alerts()
        assert (latest.revision, latest.state, latest.top_events) == (2, "ongoing",
                                                                       _alert().top_events)
        assert [a.revision for a in st.alerts(revisions=True)] == [1, 2]
        assert st.alerts(dyad=("KSV", "SRB")) == []
        assert st.alerts(since=date(2023, 9, 27)) == []


def test_marks_survive_revisions_and_can_be_cleared() -> None:
    with LocalStore(":memory:", Options()) as st:
        st.save_alerts([_alert()])
        assert st.mark_alert("a1", "false").mark == "false"
        st.save_alerts([_alert(state="resolved")])
        assert st.alerts()[0].mark == "false"
        assert st.mark_alert("a1", "cleared").mark is None
        with pytest.raises(NotFoundError):
            st.mark_alert("nope", "confirmed")
        with pytest.raises(InputError):
            st.mark_alert("a1", "maybe")


def test_refresh_on_an_empty_store_does_nothing() -> None:
    with LocalStore(":memory:", Options()) as st:
        assert refresh(st) == [] and st.trend_state()["watermark"] is None


def test_trend_methods_work_through_a_remote_client(tmp_path: Path) -> None:
    for name in ("dyad_daily", "actor_daily", "trend_state", "changed_dyads", "save_alerts",
                 "alerts", "mark_alert"):
        assert name in METHODS
    db = tmp_path / "t.duckdb"
    opts = Options()
    with open_store(db, opts) as owner:
        assert owner.is_owner
        with open_store(db, opts) as client:
            assert not client.is_owner
            (stored,) = client.save_alerts([_alert()])
            assert stored.revision == 1
            assert client.mark_alert("a1", "confirmed").mark == "confirmed"
            assert owner.alerts()[0].mark == "confirmed"
            assert client.dyad_daily(dyads=[("SRB", "KSV")]) == []
            assert client.actor_daily(["SRB"]) == []
            assert client.changed_dyads(None) == []
