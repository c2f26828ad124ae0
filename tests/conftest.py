"""Shared fixtures: a real DuckDB file per test, the real spaCy pipeline, the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SRC = Path(__file__).resolve().parents[1] / "src"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def run(db, tmp_path):
    """Run the real ``dyads`` console script against the test database."""

    def run(*args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        # this checkout's code, even when PYTHONPATH is relative or another copy is installed
        path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH", "")]))
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


@pytest.fixture(scope="session")
def relations_db(tmp_path_factory) -> Path:
    """One database for the analysis, API and browser tests: four dated stories we wrote about
    Japan, Russia and the G7 (tests/fixtures/relations.jsonl, one of them hostile HTML) and the
    bundled sample, through the real pipeline. Read it; never write to it."""
    from dyads.config import Settings
    from dyads.ingest import ingest
    from dyads.samples import sample_path
    from dyads.store import Store

    path = tmp_path_factory.mktemp("relations") / "relations.duckdb"
    with Store.open(path) as store:
        ingest([str(FIXTURES / "relations.jsonl"), str(sample_path())], store=store, settings=Settings())
    return path
