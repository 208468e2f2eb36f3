"""Spark local[2] and the local runner give the same output on the same WARCs (issue 7).

Needs Java 17 and pyspark (``pip install 'flashpoint[spark]'``); pyspark's ``mapInArrow``
also needs pandas >= 2.2.  Skipped, saying which is missing, where they are not installed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from flashpoint.export.arrow import events_from_table
from flashpoint.options import Options
from flashpoint.scale.cluster import event_keys
from flashpoint.scale.layout import load_manifest, read_output
from flashpoint.scale.load import import_parquet
from flashpoint.scale.local import run_local
from flashpoint.scale.sample import demo_inputs
from flashpoint.store import open_store

pytestmark = pytest.mark.spark

START = datetime(2023, 9, 24, 8, 0, tzinfo=UTC)
AS_OF = datetime(2024, 1, 1)


def _missing() -> str | None:
    java = shutil.which("java")
    if java is None:
        return "java not found: install openjdk-17-jre-headless to run the Spark test"
    probe = subprocess.run([java, "-version"], capture_output=True, check=False)
    if probe.returncode != 0:
        return f"java -version failed: {probe.stderr.decode(errors='replace')[:200]}"
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark not installed: pip install 'flashpoint[spark]'"
    if importlib.util.find_spec("pandas") is None:
        return "pandas not installed: pyspark's mapInArrow requires pandas >= 2.2"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        pytest.skip(reason)
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from flashpoint.scale.spark import spark_session

    session = spark_session("local[2]", app="flashpoint-test")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def runs(spark: Any, sample_corpus: Path,
         tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from flashpoint.scale.spark import run_spark

    folder = tmp_path_factory.mktemp("spark")
    paths = demo_inputs(sample_corpus / "txt", folder, 10, start=START)
    local = run_local(paths, folder / "local", Options(), workers=1, as_of=AS_OF)
    remote = run_spark(paths, str(folder / "spark"), Options(), spark=spark, as_of=AS_OF)
    return {"paths": paths, "folder": folder, "local": local, "spark": remote}


def test_spark_and_local_runners_give_identical_events(runs: dict[str, Any]) -> None:
    folder = runs["folder"]
    local = read_output(folder / "local", "events").sort_by("event_id")
    spark = read_output(folder / "spark", "events").sort_by("event_id")
    assert local.num_rows > 0
    assert event_keys(events_from_table(spark)) == event_keys(events_from_table(local))
    assert spark.equals(local)  # every column, not only the keys
    for kind in ("articles", "mentions"):
        ids = "article_id" if kind == "articles" else "mention_id"
        assert sorted(read_output(folder / "spark", kind).column(ids).to_pylist()) == \
            sorted(read_output(folder / "local", kind).column(ids).to_pylist())


def test_bad_records_and_files_are_counted_alike(runs: dict[str, Any]) -> None:
    local, spark = runs["local"], runs["spark"]
    assert spark.runner.startswith("spark[local[2]")
    for name in ("run_id", "files", "records", "articles", "mentions", "events", "rejected",
                 "bad_files"):
        assert getattr(spark, name) == getattr(local, name), name
    assert spark.bad_records == 1 and len(spark.bad_files) == 1
    manifest = load_manifest(runs["folder"] / "spark")
    assert manifest["counts"]["bad_files"] == 1 and manifest["run_id"] == local.run_id


def test_spark_rerun_overwrites(runs: dict[str, Any], spark: Any) -> None:
    from flashpoint.scale.spark import run_spark

    out = runs["folder"] / "spark"
    before = read_output(out, "events").sort_by("event_id")
    again = run_spark(runs["paths"], str(out), Options(), spark=spark, as_of=AS_OF)
    assert again.run_id == runs["spark"].run_id and again.events == before.num_rows
    assert read_output(out, "events").sort_by("event_id").equals(before)


def test_import_spark_output_into_a_store(runs: dict[str, Any]) -> None:
    out = runs["folder"] / "spark"
    expected = {e.event_id for e in events_from_table(read_output(out, "events"))}
    with open_store(":memory:", Options()) as store:
        report = import_parquet(out, store, Options(), trends=False)
        assert report.new == runs["spark"].articles
        assert {e.event_id for e in store.events(limit=10_000)} == expected
