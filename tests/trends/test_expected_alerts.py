"""Issue 5: the alerts we expect on our sample corpus, written before the signal code.

Runs the whole chain as a user would: ingest the bundled corpus (examples/ingest_sample.py),
then `flashpoint alerts --format json`, and checks it against tests/trends/expected_alerts.toml.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = tomllib.loads((Path(__file__).parent / "expected_alerts.toml").read_text("utf-8"))

# Written before the signal code (issue 5); active as soon as the alerts module exists.
pytestmark = pytest.mark.skipif(
    not (ROOT / "src" / "flashpoint" / "trends" / "alerts.py").exists(),
    reason="issue 5: the escalation signal is not built yet")


@pytest.fixture(scope="module")
def alerts(ingested_sample: Path) -> list[dict[str, Any]]:
    """`flashpoint alerts` on the sample corpus ingested as `make run` does (the session's
    ``ingested_sample`` store: examples/ingest_sample.py)."""
    env = {**os.environ, "FLASHPOINT_DB": str(ingested_sample)}
    out = subprocess.run([sys.executable, "-m", "flashpoint", "alerts", "--format", "json",
                          "--limit", "1000"], check=True, env=env, capture_output=True,
                         text=True, timeout=120)
    data: list[dict[str, Any]] = json.loads(out.stdout)
    return data


def _matches(alert: dict[str, Any], spec: dict[str, Any]) -> bool:
    src, _, tgt = spec["dyad"].partition(":")
    if alert["source"] != src or (tgt != "*" and alert["target"] != tgt):
        return False
    for key in ("direction", "channel"):
        if key in spec and alert[key] != spec[key]:
            return False
    return bool(spec["day_from"] <= alert["day"] <= spec["day_to"])


@pytest.mark.slow
@pytest.mark.parametrize("spec", EXPECTED["alert"], ids=[a["what"] for a in EXPECTED["alert"]])
def test_expected_alert_is_raised(alerts: list[dict[str, Any]], spec: dict[str, Any]) -> None:
    assert any(_matches(a, spec) for a in alerts), (
        f"no alert for {spec['what']}; got "
        f"{[(a['source'], a['target'], a['day'], a['direction'], a['channel']) for a in alerts]}")


@pytest.mark.slow
@pytest.mark.parametrize("spec", EXPECTED["absent"], ids=[a["what"] for a in EXPECTED["absent"]])
def test_unexpected_alert_is_not_raised(alerts: list[dict[str, Any]], spec: dict[str, Any]) -> None:
    wrong = [a for a in alerts if _matches(a, spec)]
    assert not wrong, f"{spec['what']}: {wrong}"


@pytest.mark.slow
def test_every_alert_explains_itself(alerts: list[dict[str, Any]]) -> None:
    assert alerts
    for a in alerts:
        for key in ("alert_id", "revision", "source", "target", "day", "direction", "channel",
                    "score", "baseline", "state", "num_sources", "single_source", "top_events",
                    "coder_version", "as_of"):
            assert key in a, key
        assert a["single_source"] == (a["num_sources"] <= 1)
        for ev in a["top_events"]:
            assert ev["evidence"], "every top event shows its evidence sentence"
