"""Live use: `dyads serve` and `dyads ingest` on one database at once, as real processes.

The dashboard answers every request while an ingest runs, shows new articles
after each batch commits, comes up in the middle of an ingest, and keeps
answering when a writer is killed in the middle of a write.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="pip install 'dyads[test]'")

# Processes: a server, writers killed mid-write, readers that wait for them.
pytestmark = pytest.mark.process

from dyads.store import Store  # noqa: E402

from conftest import SRC, make_stories  # noqa: E402

STORIES = 90
BATCH = 6  # 15 commits: plenty of moments for the dashboard to see a partial count
START_TIMEOUT_S = 60
INGEST_TIMEOUT_S = 300
# Pages and routes polled in turn: JSON counts, a listing, an HTML page.
POLLED = ("/api", "/api/articles?_size=5", "/api/events?_size=5", "/events", "/api/quotes?_size=5")


def env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}


def write_wire_folder(folder: Path, n: int, *, seed: int = 11) -> Path:
    """``n`` short wire stories we wrote, one .txt file each: headline, blank line, body."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, story in enumerate(make_stories(n, seed=seed)):
        (folder / f"story-{i:03d}.txt").write_text(f"{story['title']}\n\n{story['text']}\n", encoding="utf-8")
    return folder


def empty_db(path: Path) -> Path:
    with Store.open(path):  # created and migrated: what serve needs, without a spaCy load
        pass
    return path


def start_serve(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "dyads", "--db", str(db), "serve", "--port", str(port)],
        env=env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"{url}/api", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"dyads serve did not come up:\n{log.read_text()}")
        time.sleep(0.1)


def start_ingest(db: Path, folder: Path) -> tuple[subprocess.Popen, queue.Queue]:
    process = subprocess.Popen(
        [
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
            str(folder),
        ],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()
    return process, lines


def wait_for_batches(lines: queue.Queue, count: int) -> list[str]:
    seen, committed, deadline = [], 0, time.monotonic() + INGEST_TIMEOUT_S
    while committed < count:
        line = lines.get(timeout=max(1, deadline - time.monotonic()))
        seen.append(line)
        committed += "committed " in line
    return seen


class Poller:
    """Polls the server from a thread: every status seen, and the article count over time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.statuses: list[tuple[str, int]] = []
        self.counts: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Poller":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=120)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=120) as client:
            turn = 0
            while not self._stop.is_set():
                path = POLLED[turn % len(POLLED)]
                turn += 1
                try:
                    response = client.get(path)
                except httpx.TransportError as e:
                    self.statuses.append((path, -1))
                    print(f"{path}: {e!r}")
                    continue
                self.statuses.append((path, response.status_code))
                if path == "/api" and response.status_code == 200:
                    self.counts.append(response.json()["counts"]["articles"])
                time.sleep(0.02)

    def count(self) -> int:
        return httpx.get(f"{self.url}/api", timeout=60).json()["counts"]["articles"]


@pytest.fixture
def stop(request):
    """Processes to stop at the end of the test, whatever happens."""
    processes: list[subprocess.Popen] = []
    yield processes.append
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_dashboard_answers_and_grows_during_an_ingest(tmp_path, stop):
    db = empty_db(tmp_path / "live.duckdb")
    folder = write_wire_folder(tmp_path / "wire", STORIES)
    server, url = start_serve(db, tmp_path / "serve.log")
    stop(server)
    with Poller(url) as poller:
        ingest, lines = start_ingest(db, folder)
        stop(ingest)
        assert ingest.wait(timeout=INGEST_TIMEOUT_S) == 0, "".join(lines.queue)
        during = list(poller.counts)
    final = poller.count()

    bad = [(path, status) for path, status in poller.statuses if status != 200]
    assert not bad, f"{len(bad)} of {len(poller.statuses)} requests failed, e.g. {bad[:5]}"
    assert during == sorted(during), "the count went down"
    assert any(0 < c < STORIES for c in during), f"no partial count seen before the ingest ended: {set(during)}"
    assert len(set(during)) >= 3  # several batches became visible one after another
    assert final == STORIES
    assert server.poll() is None


def test_serve_starts_mid_ingest_and_outlives_killed_writers(tmp_path, stop):
    db = empty_db(tmp_path / "live.duckdb")
    stories = 150  # 25 batches: far more than commit while the server starts, so it starts mid-ingest
    folder = write_wire_folder(tmp_path / "wire", stories, seed=12)
    ingest, lines = start_ingest(db, folder)
    stop(ingest)
    wait_for_batches(lines, 1)
    server, url = start_serve(db, tmp_path / "serve.log")  # comes up in the middle of the ingest
    stop(server)
    with Poller(url) as poller:
        while not lines.empty():  # batches stored while the server started
            lines.get_nowait()
        wait_for_batches(lines, 1)
        ingest.send_signal(signal.SIGKILL)  # wherever it is: NLP, a duplicate check or a write
        assert ingest.wait(timeout=30) == -signal.SIGKILL
        after_kill = poller.count()
        assert BATCH * 2 <= after_kill < stories

        # A writer killed in the middle of its transaction leaves a stale sidecar and a WAL.
        writer = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(db)], env=env(), stdout=subprocess.PIPE, text=True
        )
        stop(writer)
        assert writer.stdout.readline().strip() == "writing"
        time.sleep(0.5)  # requests wait for the writer meanwhile
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert poller.count() == after_kill  # its uncommitted rows are gone, the rest is there
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(poller.statuses) <= 10 and time.monotonic() < deadline:
            time.sleep(0.05)  # and it goes on answering after the kills (a fast ingest leaves few polls before)
    bad = [(path, status) for path, status in poller.statuses if status != 200]
    assert not bad and len(poller.statuses) > 10, bad[:5]
    assert server.poll() is None


def test_readers_wait_for_a_writer_and_name_one_that_stays(tmp_path, stop, run, monkeypatch):
    db = empty_db(tmp_path / "test.duckdb")  # the `run` fixture's database
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(db), "1.5"], env=env(), stdout=subprocess.PIPE, text=True
    )
    stop(writer)
    assert writer.stdout.readline().strip() == "writing"
    started = time.monotonic()
    waited = run("articles", "--json")  # waits for the writer to finish, then reads
    assert waited.returncode == 0 and waited.out.strip() == "[]"
    assert time.monotonic() - started > 0.5
    assert writer.wait(timeout=30) == 0

    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(db), "600"], env=env(), stdout=subprocess.PIPE, text=True
    )
    stop(writer)
    assert writer.stdout.readline().strip() == "writing"
    monkeypatch.setenv("DYADS_LOCK_TIMEOUT", "0.5")
    failed = run("articles", check=False)
    ingest = run("ingest", str(write_wire_folder(tmp_path / "wire", 1)), check=False)
    for result, said in (
        (failed, f"is locked by PID {writer.pid}"),
        (ingest, f"is being written by another process (PID {writer.pid}"),
    ):
        error = result.err.strip().splitlines()
        assert result.returncode == 1 and len(error) == 1 and error[0].startswith("Error: database "), result.err
        assert str(db) in error[0] and said in error[0] and "DYADS_LOCK_TIMEOUT" in error[0]
    writer.kill()
    writer.wait(timeout=30)
    with Store.open(db, read_only=True) as store:  # the killed writer left nothing behind that blocks
        assert store.count_articles() == 0


# A writer that takes the database (sidecar and DuckDB lock), starts a transaction, and stays
# for argv[2] seconds (or until killed).
KILLED_WRITER = """
import sys, time
from dyads.store import Store
with Store.open(sys.argv[1]) as store:
    store.con.execute("BEGIN TRANSACTION")
    store.con.execute("DELETE FROM articles")
    print("writing", flush=True)
    time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 600)
    store.con.execute("ROLLBACK")
"""


def test_a_writer_keeps_the_file_until_a_reader_asks(tmp_path, stop, run):
    from dyads.records import Analysis, Article
    from dyads.store.live import StoreFile

    db = tmp_path / "test.duckdb"  # the `run` fixture's database

    def story(i: int) -> Analysis:
        return Analysis(Article(headline=f"Story {i}", paragraphs=(f"Body {i}.",), origin=f"s{i}"))

    with StoreFile(db, timeout=30) as store:
        with store.writing() as session:
            session.write([story(0)])
        held = store._store
        with store.writing() as session:  # nobody reads: the same connection, no reopening
            assert session is held
            session.write([story(1)])
        assert store._store is held

        reader = subprocess.Popen(
            [sys.executable, "-m", "dyads", "--db", str(db), "articles", "--json"],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stop(reader)
        deadline = time.monotonic() + 60
        while not store._readers.waiting():  # the reader met the lock and asked for the file
            assert reader.poll() is None and time.monotonic() < deadline, reader.stderr.read()
            time.sleep(0.05)
        with store.writing() as session:
            session.write([story(2)])
        assert store._store is None  # let go after the write
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err
        assert len(json.loads(out)) == 3
