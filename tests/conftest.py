"""Shared fixtures: a real DuckDB file per test, the real spaCy pipeline, the real CLI."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dyads.store.rows import TABLES

FIXTURES = Path(__file__).parent / "fixtures"
SRC = Path(__file__).resolve().parents[1] / "src"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


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


# Columns that differ between two runs over the same input by design.
RUN_COLUMNS = {"run_id", "ingested_at"}

_PLACES = ["OSLO", "NAIROBI", "LIMA", "HANOI", "QUITO", "ACCRA", "RIGA", "DAKAR"]
_COUNTRIES = ["Norway", "Kenya", "Peru", "Vietnam", "Ecuador", "Ghana", "Latvia", "Senegal",
              "Chile", "Mongolia", "Portugal", "Indonesia"]
_VERBS = ["signed a trade accord with", "held talks with", "criticised", "agreed to share data with",
          "recalled its ambassador from", "offered flood aid to"]
_TOPICS = ["fisheries", "rail links", "student visas", "grain prices", "border posts", "satellite data",
           "port fees", "vaccine supplies", "mining permits", "tourism", "power lines", "fertiliser",
           "copper exports", "river dredging", "coffee tariffs", "radio spectrum"]
_PEOPLE = ["Foreign Minister Ana Lopes", "Prime Minister Kofi Mensah", "Trade Minister Liis Kask",
           "Deputy Minister Tran Van Minh", "Ambassador Sara Holm"]


def make_stories(n: int, *, seed: int = 7) -> list[dict]:
    """``n`` distinct short wire stories written for these tests, as JSONL records."""
    rng = random.Random(seed)
    stories = []
    for i in range(n):
        a, b = rng.sample(_COUNTRIES, 2)
        verb, person, place = rng.choice(_VERBS), rng.choice(_PEOPLE), rng.choice(_PLACES)
        body = [
            f"{place}, March {1 + i % 28} (Reuters) - {a} {verb} {b} on Tuesday, "
            f"{person} said after meeting {b}'s envoy.",
            f'"We expect more progress by the spring," {person.split()[-1]} told reporters in story {i}.',
            f"Officials from {a} and {b} will meet again in {rng.choice(_PLACES).title()} next month.",
            # Words of this story alone, so that no two stories are near-copies (dyads.dedup
            # would rightly store two texts that differ only in a number once).
            f"The agenda covers {', '.join(rng.sample(_TOPICS, 4))} and {rng.choice(_TOPICS)}.",
        ]
        stories.append({"id": f"s-{i}", "title": f"{a} and {b}: talks, note {i}",
                        "text": "\n\n".join(body), "published": f"2024-03-{1 + i % 28:02d}"})
    return stories


def write_stories(path: Path, n: int, *, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for story in make_stories(n, seed=seed):
            f.write(json.dumps(story) + "\n")
    return path


def dump_tables(db: Path) -> dict[str, list[tuple]]:
    """Every table of TABLES as sorted rows, less the per-run columns: equal for equal content."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        dump = {}
        for table, (columns, _) in TABLES.items():
            kept = ", ".join(f'"{c}"' for c in columns if c not in RUN_COLUMNS)
            dump[table] = sorted(con.execute(f"SELECT {kept} FROM {table}").fetchall(), key=repr)
        return dump
    finally:
        con.close()
