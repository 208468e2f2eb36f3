"""`flashpoint export` through click's CliRunner, on the sample corpus store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import flashpoint.cli_export  # noqa: F401  (registers the command on ``main``)
from flashpoint.cli import main


@pytest.fixture(scope="module")
def db(ingested_sample: Path) -> str:
    return str(ingested_sample)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["export", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_gdelt_to_stdout(db: str) -> None:
    code, out, err = run("--format", "gdelt", "--db", db, "--dyad", "KSV:SRB")
    assert code == 0, err
    lines = out.splitlines()
    assert lines and all(len(line.split("\t")) == 61 for line in lines)
    assert {line.split("\t")[7] for line in lines} == {"KSV"}
    assert not list(Path(db).parent.glob("*.codebook.md"))


def test_file_export_writes_codebook(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    code, stdout, err = run("--format", "jsonl", "--out", str(out), "--db", db,
                            "--since", "2023-09-24", "--until", "2023-10-01", "--quad", "4")
    assert code == 0, err
    assert stdout == ""
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert rows and all(r["quad_class"] == 4 for r in rows)
    assert all("2023-09-24" <= r["event_date"] < "2023-10-01" for r in rows)
    assert f"wrote {len(rows)} rows" in err
    book = tmp_path / "events.jsonl.codebook.md"
    assert "quad 4" in book.read_text("utf-8")


def test_panel_from_the_command_line(db: str) -> None:
    code, out, err = run("--format", "panel", "--dyad", "SRB:KSV", "--since", "2023-09-20",
                         "--until", "2023-10-10", "--db", db)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("source,target,day,covered")
    assert len(lines) == 1 + 20
    assert lines[1].startswith("SRB,KSV,2023-09-20,false,0,0")


def test_usage_errors_are_one_line(db: str, tmp_path: Path) -> None:
    code, out, err = run("--format", "parquet", "--db", db)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "--out" in err and len(err.splitlines()) == 1
    code, _, err = run("--format", "panel", "--cameo", "19", "--db", db)
    assert code == 2 and "--cameo" in err
    code, _, err = run("--format", "gdelt", "--dyad", "SRB", "--db", db)
    assert code == 2 and "SOURCE:TARGET" in err
    code, _, err = run("--format", "csv", "--out", str(tmp_path / "no" / "x.csv"), "--db", db)
    assert code == 2 and "does not exist" in err
