"""Crash safety: SIGKILL in the middle of an ingest loses no stored batch, half-stores no
article, and a rerun stores every good input exactly once."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from dyads.config import Settings
from dyads.ingest import ingest
from dyads.store import Store
from dyads.store.rows import TABLES

from conftest import dump_tables, write_stories

STORIES = 200
BATCH = 5
# Batches committed before the kill: some stored, most not.
KILL_AFTER_BATCHES = 4
DEADLINE_SECONDS = 240


def article_key(table: str, columns) -> int | None:
    """Index of the column that names a row's article, for tables that have one."""
    names = [c for c in columns if c not in ("run_id", "ingested_at")]
    for name in ("article_id", "id" if table == "articles" else None):
        if name in names:
            return names.index(name)
    return None


def by_article(dump: dict[str, list[tuple]]) -> dict[str, dict[str, list[tuple]]]:
    """Rows of every table grouped by article id: article -> table -> rows."""
    grouped: dict[str, dict[str, list[tuple]]] = {}
    for table, (columns, _) in TABLES.items():
        key = article_key(table, columns)
        for row in dump[table] if key is not None else []:
            grouped.setdefault(row[key], {t: [] for t in TABLES})[table].append(row)
    return grouped


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def start_ingest(db, inputs, workers):
    command = [
        sys.executable,
        "-m",
        "dyads",
        "-v",
        "--db",
        str(db),
        "ingest",
        "--batch-size",
        str(BATCH),
        "--commit-every",
        str(BATCH),
        "--workers",
        str(workers),
        *map(str, inputs),
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()
    return process, lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The inputs, and what a clean serial ingest stores from them."""
    folder = tmp_path_factory.mktemp("crash")
    stories = write_stories(folder / "stories.jsonl", STORIES)
    broken = folder / "broken.jsonl"
    broken.write_text('{"title": "no text"}\nnot json\n', encoding="utf-8")
    inputs = [str(stories), str(broken), str(stories)]  # the second copy of every story is a duplicate
    reference = Settings(db=str(folder / "reference.duckdb"), batch_size=BATCH)
    with Store.open(reference.db) as store:
        assert ingest(inputs, store=store, settings=reference).ingested == STORIES
    return inputs, dump_tables(folder / "reference.duckdb")


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_mid_ingest_then_rerun_stores_everything_once(tmp_path, corpus, workers):
    inputs, reference = corpus
    expected = by_article(reference)

    db = tmp_path / "killed.duckdb"
    process, lines = start_ingest(db, inputs, workers)
    committed, deadline = 0, time.monotonic() + DEADLINE_SECONDS
    while committed < KILL_AFTER_BATCHES:
        line = lines.get(timeout=max(1, deadline - time.monotonic()))
        committed += "committed " in line
    helpers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL

    after_kill = by_article(dump_tables(db))  # the database opens, and holds ...
    assert KILL_AFTER_BATCHES * BATCH <= len(after_kill) < STORIES  # ... every committed batch, not all
    for article_id, tables in after_kill.items():  # ... and each article whole, or not at all
        assert tables == expected[article_id], article_id

    rerun = subprocess.run(
        [
            sys.executable,
            "-m",
            "dyads",
            "--db",
            str(db),
            "ingest",
            "--json",
            "--batch-size",
            str(BATCH),
            *map(str, inputs),
        ],
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
    )
    assert rerun.returncode == 0, rerun.stderr
    final = dump_tables(db)
    assert by_article(final) == expected
    assert final == reference  # every table, nothing duplicated
    assert len({row[0] for row in final["articles"]}) == len(final["articles"]) == STORIES

    # Worker processes of a killed parent do not linger.
    for _ in range(100):
        if not any(
            os.path.exists(f"/proc/{pid}") and "Z" not in open(f"/proc/{pid}/stat").read().split()[2] for pid in helpers
        ):
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"worker processes {helpers} outlived their killed parent")
