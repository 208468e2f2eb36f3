"""The batch commands: flashpoint batch, import-parquet, query-parquet (and spark's errors)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

import flashpoint.cli_scale  # noqa: F401  (registers the commands on ``main``)
from flashpoint.cli import EXIT_ERROR, EXIT_REJECTED, main
from flashpoint.scale.layout import load_manifest
from flashpoint.scale.sample import demo_inputs

START = datetime(2023, 9, 24, 8, 0, tzinfo=UTC)


def test_batch_import_and_query(sample_corpus: Path, tmp_path: Path) -> None:
    paths = demo_inputs(sample_corpus / "txt", tmp_path / "warcs", 4, start=START)
    manifest = tmp_path / "warc.paths"
    # Relative entries are read against the manifest's folder, as in Common Crawl's lists.
    manifest.write_text("".join(str(Path(p).relative_to(tmp_path)) + "\n" for p in paths))
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["batch", "--manifest", str(manifest), "--out", str(out),
                                  "--workers", "1"])
    assert result.exit_code == EXIT_REJECTED, result.output  # the garbage file
    assert "bad file: " + paths[-1] in result.stderr
    assert "4 articles" in result.stdout and "1 bad files" in result.stdout
    run_id = load_manifest(out)["run_id"]
    assert run_id in result.stdout

    db = tmp_path / "store.duckdb"
    result = runner.invoke(main, ["import-parquet", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "imported 4 articles (new 4" in result.stdout
    events = runner.invoke(main, ["events", "--db", str(db), "--format", "json",
                                  "--limit", "1000"])
    assert events.exit_code == 0, events.output
    stored = {e["event_id"] for e in json.loads(events.stdout)}

    result = runner.invoke(main, ["query-parquet", str(out),
                                  "SELECT event_id FROM events ORDER BY 1", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {r["event_id"] for r in json.loads(result.stdout)} == stored


def test_bad_manifest_and_bad_sql(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty.paths"
    empty.write_text("\n")
    result = runner.invoke(main, ["batch", "--manifest", str(empty), "--out",
                                  str(tmp_path / "o")])
    assert result.exit_code == EXIT_ERROR
    assert "lists no WARC files" in result.stderr
    result = runner.invoke(main, ["query-parquet", str(tmp_path), "SELEC 1"])
    assert result.exit_code == EXIT_ERROR and "the query failed" in result.stderr
