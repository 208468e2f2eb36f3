"""Regression gate (issue 3): the coder's figures on the public dev sets stay above the floors
pinned in eval_floors.toml. Skips where ../shared/eval/dev is absent (a user's machine)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from flashpoint.evaluate import check_floors, run_all

FLOORS = Path(__file__).resolve().parents[1] / "eval_floors.toml"


@pytest.fixture(scope="module")
def reports(shared_dir: Path) -> dict[str, Any]:
    dev = shared_dir / "eval" / "dev"
    if not dev.is_dir():
        pytest.skip(f"{dev} not found: the dev gold sets are not on this machine")
    return run_all("all", dev_dir=dev)


@pytest.mark.slow
def test_figures_stay_above_their_floors(reports: dict[str, Any]) -> None:
    failures = check_floors(reports, FLOORS)
    summary = {name: {k: v for k, v in r.items() if isinstance(v, int | float)}
               for name, r in reports.items()}
    print(json.dumps(summary, indent=1))
    assert not failures, failures


@pytest.mark.slow
def test_seed_required_events_are_all_found(reports: dict[str, Any]) -> None:
    seed = reports["seed"]
    missing = {k: v["what"] for k, v in seed["events"].items() if not v["found"]}
    assert not missing, missing
    assert seed["independence_2008_dated_2023"] == 0


def test_floors_file_names_known_figures() -> None:
    floors = tomllib.loads(FLOORS.read_text(encoding="utf-8"))
    assert set(floors) <= {"conflibert", "plover", "multirater", "petrarch2", "ngec", "seed"}
    assert all(0.0 <= float(v) <= 1.0 for table in floors.values() for v in table.values())
