"""End-to-end ingest through the command line: summary, exit codes, crash-resume (issue 2),
reader-not-blocked across processes (issue 2)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import write_jsonl_corpus

CLI = [sys.executable, "-m", "flashpoint"]


def run(*args: str, db: Path, check: bool = False,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLASHPOINT_DB": str(db)}
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr}")
    return proc


def stats(db: Path) -> dict[str, int]:
    proc = run("stats", db=db, check=True)
    return json.loads(proc.stdout)


def test_ingest_summary_and_rejections(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    write_jsonl_corpus(src / "a.jsonl", 5)
    (src / "empty.txt").write_bytes(b"")
    (src / "junk.txt").write_bytes(bytes(range(256)) * 40)
    db = tmp_path / "fp.duckdb"
    proc = run("ingest", str(src), "--no-code", db=db)
    assert proc.returncode == 1, proc.stderr  # something was rejected
    assert "new 5" in proc.stdout and "rejected 2" in proc.stdout
    assert "empty.txt" in proc.stderr and "junk.txt" in proc.stderr
    # Re-ingesting the same inputs changes nothing.
    again = run("ingest", str(src), "--no-code", db=db)
    assert "new 0" in again.stdout and "duplicate 5" in again.stdout
    assert stats(db)["articles"] == 5


def test_clean_run_exits_zero_and_lists(tmp_path: Path) -> None:
    write_jsonl_corpus(tmp_path / "a.jsonl", 3)
    db = tmp_path / "fp.duckdb"
    proc = run("ingest", str(tmp_path / "a.jsonl"), "--no-code", db=db)
    assert proc.returncode == 0, proc.stderr
    listed = run("articles", "--format", "json", db=db, check=True)
    rows = json.loads(listed.stdout)
    assert {r["title"] for r in rows} == {f"Synthetic report number {i}" for i in range(3)}


def test_usage_error_is_one_clear_line(tmp_path: Path) -> None:
    proc = run("ingest", str(tmp_path), "--published", "not a date", db=tmp_path / "x.duckdb")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --published:")
    assert "Traceback" not in proc.stderr


def _wait_for(predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


@pytest.mark.slow
def test_kill_9_then_rerun_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """Issue 2: kill -9 during a large ingest, run the same command again."""
    n = 1500
    corpus = tmp_path / "big.jsonl"
    ids = write_jsonl_corpus(corpus, n)
    db = tmp_path / "fp.duckdb"
    env = {**os.environ, "FLASHPOINT_DB": str(db), "FLASHPOINT_BATCH_SIZE": "50"}
    proc = subprocess.Popen([*CLI, "ingest", str(corpus), "--no-code", "--workers", "1", "-q"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def some_stored() -> bool:
        if proc.poll() is not None:
            return True
        out = run("stats", db=db)
        return out.returncode == 0 and json.loads(out.stdout)["articles"] > 0

    _wait_for(some_stored)
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = stats(db)["articles"]
    assert 0 < partial < n
    again = run("ingest", str(corpus), "--no-code", db=db, timeout=300)
    assert again.returncode == 0, again.stderr
    after = stats(db)
    assert after["articles"] == n
    listed = json.loads(run("articles", "--format", "json", "--limit", str(n * 2), db=db,
                            check=True).stdout)
    assert len(listed) == n
    assert sorted(r["article_id"] for r in listed) == sorted(ids)
    assert {r["version"] for r in listed} == {1}


@pytest.mark.slow
def test_reads_keep_working_while_an_ingest_writes(tmp_path: Path) -> None:
    """Issue 2: every CLI read command works while another process ingests."""
    corpus = tmp_path / "big.jsonl"
    write_jsonl_corpus(corpus, 1500)
    db = tmp_path / "fp.duckdb"
    env = {**os.environ, "FLASHPOINT_DB": str(db), "FLASHPOINT_BATCH_SIZE": "25"}
    writer = subprocess.Popen([*CLI, "ingest", str(corpus), "--no-code", "--workers", "1", "-q"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        seen: list[int] = []
        reads = 0
        while writer.poll() is None and reads < 40:
            for args in (("stats",), ("articles", "--format", "json", "--limit", "5"),
                         ("stories", "--format", "jsonl", "--limit", "5")):
                out = run(*args, db=db)
                assert out.returncode == 0, f"{args}: {out.stderr}"
                if args[0] == "stats":
                    seen.append(json.loads(out.stdout)["articles"])
                reads += 1
        assert writer.poll() is None or len(seen) > 1, "ingest ended before reads overlapped"
        assert seen == sorted(seen), "counts only grow while the writer runs"
    finally:
        writer.wait(timeout=300)
    assert writer.returncode == 0
    assert stats(db)["articles"] == 1500
