from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE_CORPUS = ROOT / "examples" / "corpus"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's ../shared folder; tests that need it skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}: gold sets and seed are not on this machine")
    return SHARED


@pytest.fixture(scope="session")
def seed_path(shared_dir: Path) -> Path:
    path = shared_dir / "seed" / "000_ba15d7545e409241.txt"
    if not path.is_file():
        pytest.skip(f"seed article not found at {path}")
    return path


@pytest.fixture(scope="session")
def sample_corpus() -> Path:
    return SAMPLE_CORPUS


@pytest.fixture(scope="session")
def ingested_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the sample corpus ingested as `make run` does, built once per session.
    Tests read it; a test that writes must copy the file first."""
    db = tmp_path_factory.mktemp("ingested-sample") / "sample.duckdb"
    subprocess.run([sys.executable, str(ROOT / "examples" / "ingest_sample.py"), "--db", str(db)],
                   check=True, capture_output=True, timeout=600, cwd=db.parent)
    return db
