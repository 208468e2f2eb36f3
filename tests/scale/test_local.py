"""The local runner: layout, manifest, counts, idempotence, and the process pool."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flashpoint.errors import ConfigError
from flashpoint.export.arrow import EVENT_SCHEMA, events_from_table
from flashpoint.options import Options
from flashpoint.scale.cluster import event_keys
from flashpoint.scale.layout import KINDS, NO_DATE, RunSummary, load_manifest, read_output
from flashpoint.scale.local import run_local
from flashpoint.scale.sample import demo_inputs

START = datetime(2023, 9, 24, 8, 0, tzinfo=UTC)
AS_OF = datetime(2024, 1, 1)


@dataclass
class Run:
    paths: list[str]
    out: Path
    summary: RunSummary


@pytest.fixture(scope="module")
def run(sample_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("local")
    paths = demo_inputs(sample_corpus / "txt", folder, 8, start=START)
    out = folder / "out"
    return Run(paths, out, run_local(paths, out, Options(), workers=1, as_of=AS_OF))


def test_counts_and_bad_inputs(run: Run) -> None:
    s = run.summary
    assert (s.files, s.records, s.articles) == (4, 11, 8)  # the repeated page is kept once
    assert s.rejected == {"invalid-encoding": 1, "invalid-warc": 1}
    assert s.bad_records == 1
    assert [b["path"] for b in s.bad_files] == [run.paths[3]]
    assert s.mentions > 0 and 0 < s.events <= s.mentions


def test_layout_is_date_partitioned_zstd_parquet(run: Run) -> None:
    for kind in KINDS:
        folders = sorted(p.name for p in (run.out / kind).iterdir())
        assert folders and all(f.startswith("date=") for f in folders)
        assert all(f == f"date={NO_DATE}" or len(f) == len("date=2023-09-24") for f in folders)
        for file in (run.out / kind).rglob("*.parquet"):
            meta = pq.ParquetFile(file).metadata
            assert meta.row_group(0).column(0).compression == "ZSTD"
            assert "date" not in meta.schema.names
    assert [p.name for p in (run.out / "articles").iterdir()] == ["date=2023-09-24"]
    events = read_output(run.out, "events")
    assert events.num_rows == run.summary.events
    assert events.schema.remove_metadata().equals(
        EVENT_SCHEMA.append(pa.field("date", pa.string())).remove_metadata())
    for row in events.select(["event_date", "date"]).to_pylist():
        assert row["date"] == (row["event_date"].isoformat() if row["event_date"] else None)


def test_manifest(run: Run) -> None:
    data = load_manifest(run.out)
    assert data["run_id"] == run.summary.run_id and data["runner"] == "local[1]"
    assert data["inputs"] == run.paths
    assert data["counts"]["events"] == run.summary.events
    assert data["counts"]["bad_files"] == 1 and data["counts"]["bad_records"] == 1
    assert data["bad_files"][0]["reason"] == "invalid-warc"
    assert data["coder_version"] and data["as_of"] == "2024-01-01T00:00:00"
    json.dumps(data)


def test_rerun_is_idempotent(run: Run) -> None:
    before = read_output(run.out, "events").sort_by("event_id")
    files = sorted(str(p.relative_to(run.out)) for p in run.out.rglob("*.parquet"))
    again = run_local(run.paths, run.out, Options(), workers=1, as_of=AS_OF)
    assert again.run_id == run.summary.run_id
    after = read_output(run.out, "events").sort_by("event_id")
    assert after.equals(before)  # same ids, same rows, nothing added
    assert sorted(str(p.relative_to(run.out)) for p in run.out.rglob("*.parquet")) == files
    assert not [p for p in run.out.iterdir() if p.name.startswith(".staging")]


@pytest.mark.slow
def test_two_workers_give_the_same_events(run: Run, tmp_path: Path) -> None:
    pooled = run_local(run.paths, tmp_path / "pooled", Options(), workers=2, as_of=AS_OF)
    assert pooled.runner == "local[2]"
    one = events_from_table(read_output(run.out, "events"))
    two = events_from_table(read_output(tmp_path / "pooled", "events"))
    assert event_keys(two) == event_keys(one)
    assert read_output(tmp_path / "pooled", "articles").num_rows == run.summary.articles


def test_no_inputs_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no WARC files"):
        run_local([], tmp_path / "x")
    with pytest.raises(ConfigError, match="workers"):
        run_local(["a.warc.gz"], tmp_path / "x", workers=0)
