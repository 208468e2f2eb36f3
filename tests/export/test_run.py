"""Exports of the sample corpus: PLOVER JSON, JSONL, CSV, Parquet, the dyad-day panel, codebooks."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flashpoint.coding import CODER_VERSION
from flashpoint.coding.cameo import load_cameo_table
from flashpoint.errors import ConfigError, InputError
from flashpoint.export import panel as panel_mod
from flashpoint.export.arrow import EVENT_SCHEMA, events_from_table
from flashpoint.export.gdelt import event_columns
from flashpoint.export.panel import PANEL_SCHEMA, panel_rows
from flashpoint.export.reading import EventFilter, iter_events
from flashpoint.export.run import export
from flashpoint.model import Event
from flashpoint.store import Store, open_store


@pytest.fixture(scope="module")
def store(ingested_sample: Path) -> Iterator[Store]:
    with open_store(ingested_sample) as st:
        yield st


@pytest.fixture(scope="module")
def events(store: Store) -> list[Event]:
    return list(iter_events(store))


# -- PLOVER ------------------------------------------------------------------------------------

def test_plover_json(store: Store, events: list[Event], tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    result = export(store, "plover", out=out)
    data = json.loads(out.read_text("utf-8"))
    assert isinstance(data, list) and len(data) == len(events) == result.rows
    types = set(load_cameo_table().plover_types)
    by_id = {e.event_id: e for e in events}
    for obj in data:
        e = by_id[obj["event_id"]]
        assert obj["event_type"] in types or obj["event_type"] is None
        assert obj["event_type"] == e.plover
        assert obj["source"]["code"] == e.source_code
        assert (obj["target"] is None) == (e.target_code is None)
        assert obj["date"] == e.event_date
        assert set(obj["magnitude"]) == {"dead", "injured", "size"}
        assert obj["evidence"] == e.evidence and obj["evidence"]
        assert obj["country"] == (e.location.country if e.location else None)
        assert "context" not in obj  # not coded: absent, never invented
        if obj["mode"] is not None:
            assert obj["mode"] in load_cameo_table().plover_types[obj["event_type"]].modes
    # the Banjska ambush: an armed assault with a death reported
    assaults = [o for o in data if o["event_type"] == "ASSAULT"
                and (o["magnitude"]["dead"] or 0) >= 1]
    assert assaults and any(o["country"] == "KSV" for o in assaults)
    assert any(o["mode"] for o in data)


def test_plover_to_stream_writes_no_codebook(store: Store, tmp_path: Path) -> None:
    buf = io.StringIO()
    result = export(store, "plover", stream=buf, filters=EventFilter(plover="ASSAULT"))
    data = json.loads(buf.getvalue())
    assert len(data) == result.rows > 0 and {o["event_type"] for o in data} == {"ASSAULT"}
    assert result.codebook is None and result.out is None


# -- flat record -------------------------------------------------------------------------------

def test_jsonl(store: Store, events: list[Event]) -> None:
    buf = io.StringIO()
    export(store, "jsonl", stream=buf)
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert len(lines) == len(events)
    assert all(list(obj) == EVENT_SCHEMA.names for obj in lines)
    assert [o["event_id"] for o in lines] == [e.event_id for e in events]
    assert all(o["event_date"] is None or len(o["event_date"]) == 10 for o in lines)


def test_csv(store: Store, events: list[Event]) -> None:
    buf = io.StringIO()
    export(store, "csv", stream=buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == len(events)
    first = rows[0]
    assert list(first) == EVENT_SCHEMA.names
    by_id = {e.event_id: e for e in events}
    for r in rows:
        e = by_id[r["event_id"]]
        assert r["mention_ids"].split("|") == list(e.mention_ids)
        assert r["quad_class"] == str(e.quad_class)
        assert r["target_code"] == (e.target_code or "")
        assert r["background"] in {"true", "false"}


def test_parquet_round_trip(store: Store, events: list[Event], tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    result = export(store, "parquet", out=out)
    table = pq.read_table(out)
    assert table.schema.remove_metadata().equals(EVENT_SCHEMA.remove_metadata())
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "ZSTD"
    assert result.rows == table.num_rows == len(events)
    assert events_from_table(table) == events


def test_parquet_needs_a_file(store: Store) -> None:
    with pytest.raises(ConfigError, match="standard output"):
        export(store, "parquet", stream=io.StringIO())
    with pytest.raises(ConfigError, match="unknown export format"):
        export(store, "xml", stream=io.StringIO())


def test_failed_export_leaves_no_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        export(store, "csv", out=tmp_path / "missing" / "x.csv")
    with pytest.raises(ConfigError):
        export(store, "panel", out=tmp_path / "p.csv", filters=EventFilter(cameo="19"))
    assert list(tmp_path.iterdir()) == []


# -- codebook ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["gdelt", "gdelt-mentions", "csv", "panel"])
def test_codebook_beside_the_file(store: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = export(store, fmt, out=out, filters=EventFilter(actor="KSV"))
    book = Path(str(out) + ".codebook.md")
    assert result.codebook == str(book)
    text = book.read_text("utf-8")
    assert f"rows: {result.rows}" in text and "actor KSV" in text
    assert CODER_VERSION in text
    if fmt == "gdelt":
        assert all(f"| {c.name} |" in text for c in event_columns())
        assert "| 4 | material conflict |" in text and "KV" in text
    elif fmt == "panel":
        assert all(f"| {name} |" in text for name in PANEL_SCHEMA.names)
    elif fmt == "csv":
        assert all(f"| {name} |" in text for name in EVENT_SCHEMA.names)


# -- panel -------------------------------------------------------------------------------------

def test_panel_is_every_dyad_times_every_day(store: Store, events: list[Event]) -> None:
    rows = list(panel_rows(store))
    pairs = sorted({(r["source"], r["target"]) for r in rows})
    days = sorted({r["day"] for r in rows})
    assert len(rows) == len(pairs) * len(days)
    assert days == [days[0] + timedelta(days=i) for i in range(len(days))]
    assert days[0] <= date(2023, 9, 24) and days[-1] >= date(2023, 10, 8)
    assert ("SRB", "KSV") in pairs and ("KSV", "SRB") in pairs
    # zero-filled, and the counts add up to the events of the range
    assert all(r["events"] == r["q1"] + r["q2"] + r["q3"] + r["q4"] for r in rows)
    assert all(r["goldstein_sum"] == 0.0 for r in rows if r["events"] == 0)
    in_range = [e for e in events if e.target_key and e.event_date
                and e.source_key and e.source_key != e.target_key
                and days[0].isoformat() <= e.event_date <= days[-1].isoformat()]
    assert sum(r["events"] for r in rows) == len(in_range)
    assert sum(r["q4"] for r in rows) == sum(e.quad_class == 4 for e in in_range)
    assert all(r["covered"] == (r["articles"] > 0) for r in rows)


def test_panel_range_and_coverage_flag(store: Store, events: list[Event]) -> None:
    f = EventFilter(dyad=("SRB", "KSV"), since=date(2023, 9, 18), until=date(2023, 10, 12))
    rows = list(panel_rows(store, f))
    assert [r["day"] for r in rows] == [date(2023, 9, 18) + timedelta(days=i)
                                       for i in range(24)]
    before = [r for r in rows if r["day"] < date(2023, 9, 23)]
    assert before and all(not r["covered"] and r["events"] == 0 and r["articles"] == 0
                          for r in before)
    crisis = [r for r in rows if date(2023, 9, 24) <= r["day"] <= date(2023, 10, 8)]
    assert all(r["covered"] for r in crisis)
    expected = sum(1 for e in events if e.source_key == "SRB" and e.target_key == "KSV"
                   and e.event_date and "2023-09-18" <= e.event_date < "2023-10-12")
    assert sum(r["events"] for r in rows) == expected > 0


def test_panel_filters_and_size_cap(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="--plover"):
        list(panel_rows(store, EventFilter(plover="ASSAULT")))
    with pytest.raises(ConfigError, match="target"):
        list(panel_rows(store, EventFilter(dyad=("SRB", None))))
    monkeypatch.setattr(panel_mod, "MAX_ROWS", 10)
    with pytest.raises(InputError, match="rows"):
        list(panel_rows(store))


def test_panel_files(store: Store, tmp_path: Path) -> None:
    f = EventFilter(actor="SRB")
    csv_out = tmp_path / "panel.csv"
    n = export(store, "panel", out=csv_out, filters=f).rows
    rows = list(csv.DictReader(csv_out.open(encoding="utf-8")))
    assert len(rows) == n > 0 and list(rows[0]) == PANEL_SCHEMA.names
    assert all(r["source"] == "SRB" or r["target"] == "SRB" for r in rows)
    pq_out = tmp_path / "panel.parquet"
    export(store, "panel", out=pq_out, filters=f)
    table = pq.read_table(pq_out)
    assert table.schema.remove_metadata().equals(PANEL_SCHEMA.remove_metadata())
    assert table.num_rows == n
    assert table.column("events").to_pylist() == [int(r["events"]) for r in rows]
