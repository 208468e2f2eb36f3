"""Using a run's output: DuckDB queries over the Parquet, and import into a store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from flashpoint.errors import InputError
from flashpoint.export.arrow import events_from_table
from flashpoint.options import Options
from flashpoint.scale.layout import read_output
from flashpoint.scale.load import connect, import_parquet, query
from flashpoint.scale.local import run_local
from flashpoint.scale.sample import corpus_pages, split_warcs
from flashpoint.store import open_store

START = datetime(2023, 9, 24, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def out(sample_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("load")
    paths = split_warcs(folder, corpus_pages(sample_corpus / "txt", 5, start=START), 2)
    run_local([str(p) for p in paths], folder / "out", Options(), workers=1,
              as_of=datetime(2024, 1, 1))
    return folder / "out"


def test_query_reads_the_parquet_in_place(out: Path) -> None:
    run = read_output(out, "events")
    rows = query(out, "SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events")
    assert rows == [{"n": run.num_rows, "ids": run.num_rows}]
    by_day = query(out, "SELECT date, count(*) AS n FROM articles GROUP BY date")
    assert by_day == [{"date": "2023-09-24", "n": 5}]
    joined = query(out, "SELECT count(*) AS n FROM mentions m JOIN articles a USING (article_id)")
    assert joined[0]["n"] == read_output(out, "mentions").num_rows
    with pytest.raises(InputError, match="the query failed"):
        query(out, "SELECT nope FROM events")


def test_connect_needs_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        connect(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    con = connect(tmp_path / "empty")  # no files yet: empty views with the right columns
    assert con.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_import_then_store_events_sees_them(out: Path) -> None:
    run = {e.event_id: e for e in events_from_table(read_output(out, "events"))}
    with open_store(":memory:", Options()) as store:
        report = import_parquet(out, store, Options(), trends=False)
        assert (report.articles, report.new) == (5, 5)
        stored = {e.event_id: e for e in store.events(limit=10_000)}
        assert set(stored) == set(run)
        for eid, event in run.items():
            assert stored[eid].mention_ids == event.mention_ids
            assert stored[eid].cameo == event.cameo
        again = import_parquet(out, store, Options(), trends=False)
        assert (again.duplicate, again.mentions, again.events_added) == (5, 0, 0)
        assert len(store.events(limit=10_000)) == len(run)
