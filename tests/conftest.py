"""Shared fixtures: a real DuckDB file per test, the real spaCy pipeline, the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def run(db, tmp_path):
    """Run the real ``dyads`` console script against the test database."""

    def run(*args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        # This checkout's code, not whichever dyads the environment has installed: a relative
        # PYTHONPATH=src would not survive the change of directory.
        path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "DYADS_DB": str(db), "PYTHONPATH": path}
        result = subprocess.run(
            [sys.executable, "-m", "dyads", *args], input=input, capture_output=True,
            env=env, cwd=tmp_path, timeout=300,
        )
        result.out = result.stdout.decode("utf-8")
        result.err = result.stderr.decode("utf-8")
        if check and result.returncode != 0:
            raise AssertionError(f"dyads {' '.join(args)} exited {result.returncode}:\n{result.err}")
        return result

    return run
