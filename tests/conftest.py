"""Shared fixtures: a real DuckDB file per test, the real spaCy pipeline, the real CLI."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import os
import random
import signal
import subprocess
import sys
import traceback
import warnings
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
def run(request, db, tmp_path):
    """Run the real ``dyads`` command against the test database; returns a ``CompletedProcess``
    with ``out`` and ``err`` (its stdout and stderr decoded).

    In this test process (``dyads.cli.main`` as the console script calls it, with its own argv,
    stdin, stdout, stderr, environment, working directory, logging, signal handlers and warning
    filters), reusing the spaCy pipeline and workers' server this process has loaded: a CLI test
    costs its command, not a Python start and a model load. A test about processes (signals,
    workers, a lock held by a process) says ``@pytest.mark.process`` and gets ``run_process``."""
    if request.node.get_closest_marker("process"):
        return request.getfixturevalue("run_process")

    def run(*args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        return _checked(args, _run_in_process(args, input=input, db=db, cwd=tmp_path), check=check)

    return run


@pytest.fixture
def run_process(db, tmp_path):
    """Run the real ``dyads`` console script in a process of its own against the test database."""

    def run(*args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        # this checkout's code, even when PYTHONPATH is relative or another copy is installed
        path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH", "")]))
        env = {**os.environ, "DYADS_DB": str(db), "PYTHONPATH": path}
        result = subprocess.run(
            [sys.executable, "-m", "dyads", *args],
            input=input,
            capture_output=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )
        return _checked(args, result, check=check)

    return run


def _checked(args, result: subprocess.CompletedProcess, *, check: bool) -> subprocess.CompletedProcess:
    result.out = result.stdout.decode("utf-8")
    result.err = result.stderr.decode("utf-8")
    if check and result.returncode != 0:
        raise AssertionError(f"dyads {' '.join(args)} exited {result.returncode}:\n{result.err}")
    return result


class _Captured(io.BytesIO):
    """A stream's bytes, kept when the command closes it (``dyads articles | head`` closes stderr)."""

    def close(self) -> None:
        pass


# The warning filters of a fresh interpreter without -W or PYTHONWARNINGS (the warnings docs'
# "Default Warning Filter"), so that a command shows on stderr what it would as a process.
_FRESH_FILTERS = [
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, None),
    ("ignore", PendingDeprecationWarning, None),
    ("ignore", ImportWarning, None),
    ("ignore", ResourceWarning, None),
]
# The signals the commands handle (``dyads watch``: SIGINT and SIGTERM stop after the page).
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _run_in_process(args, *, input: bytes | None, db: Path, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m dyads ARGS`` in this process, as a process of its own would see and leave it."""
    from dyads.cli import main
    from dyads.workers import start_server

    # The workers' server, once per test process, started here with this process's environment
    # and working directory, not those of the command that would start it first and keep them.
    start_server()
    stdin, stdout, stderr = io.BytesIO(input or b""), _Captured(), _Captured()
    streams = (
        io.TextIOWrapper(stdin, encoding="utf-8"),
        io.TextIOWrapper(stdout, encoding="utf-8", write_through=True),
        io.TextIOWrapper(stderr, encoding="utf-8", errors="backslashreplace", write_through=True),
    )
    names = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")  # __stdout__: the terminal size
    saved_streams = [getattr(sys, name) for name in names]
    saved_argv, saved_env, saved_cwd = sys.argv, dict(os.environ), os.getcwd()
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_signals = {s: signal.getsignal(s) for s in _SIGNALS}
    code = 0
    try:
        for name, stream in zip(names, streams * 2):
            setattr(sys, name, stream)
        sys.argv = [str(Path(sys.executable).parent / "dyads"), *args]
        os.environ["DYADS_DB"] = str(db)
        os.chdir(cwd)
        root.handlers = []  # the command's logging.basicConfig sets up logging to its stderr
        with warnings.catch_warnings():
            warnings.resetwarnings()
            for action, category, module in reversed(_FRESH_FILTERS):
                warnings.filterwarnings(action, category=category, module=module or "")
            warnings.showwarning = _show_warning
            contextvars.copy_context().run(main)
    except SystemExit as e:
        code = _exit_code(e.code)
    except Exception:  # noqa: BLE001  (what an uncaught exception does to a process)
        traceback.print_exc()
        code = 1
    finally:
        for stream in streams[1:]:
            stream.flush()
        for handler in root.handlers:
            handler.close()
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        for s, handler in saved_signals.items():
            signal.signal(s, handler)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.argv = saved_argv
        for name, stream in zip(names, saved_streams):
            setattr(sys, name, stream)
    return subprocess.CompletedProcess(
        [sys.executable, "-m", "dyads", *args], code, stdout.getvalue(), stderr.getvalue()
    )


def _exit_code(code) -> int:
    """The exit status ``sys.exit(code)`` gives a process (a message goes to stderr, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    (file or sys.stderr).write(warnings.formatwarning(message, category, filename, lineno, line))


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
_COUNTRIES = [
    "Norway",
    "Kenya",
    "Peru",
    "Vietnam",
    "Ecuador",
    "Ghana",
    "Latvia",
    "Senegal",
    "Chile",
    "Mongolia",
    "Portugal",
    "Indonesia",
]
_VERBS = [
    "signed a trade accord with",
    "held talks with",
    "criticised",
    "agreed to share data with",
    "recalled its ambassador from",
    "offered flood aid to",
]
_TOPICS = [
    "fisheries",
    "rail links",
    "student visas",
    "grain prices",
    "border posts",
    "satellite data",
    "port fees",
    "vaccine supplies",
    "mining permits",
    "tourism",
    "power lines",
    "fertiliser",
    "copper exports",
    "river dredging",
    "coffee tariffs",
    "radio spectrum",
]
_PEOPLE = [
    "Foreign Minister Ana Lopes",
    "Prime Minister Kofi Mensah",
    "Trade Minister Liis Kask",
    "Deputy Minister Tran Van Minh",
    "Ambassador Sara Holm",
]


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
        stories.append(
            {
                "id": f"s-{i}",
                "title": f"{a} and {b}: talks, note {i}",
                "text": "\n\n".join(body),
                "published": f"2024-03-{1 + i % 28:02d}",
            }
        )
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
