"""Who may open the database file when: DuckDB's file lock, and a writer's sidecar lock.

DuckDB locks the database file for the life of a connection: exclusively for a
read-write one, shared for a read-only one, and a connect that cannot lock
fails at once. Two things here make processes take turns instead of failing:

- ``connect`` retries a connect that meets a conflicting lock, with short
  backoff, until a deadline; past it, one line names the database and the
  process that holds it (DuckDB tells its PID).
- A reader that waits for the file (``dyads serve`` for as long as it runs, any
  other reader while it retries) holds a shared ``flock`` on the sidecar
  ``<db>.read`` (``read_intent``). A writer tests it after each write
  (``ReadIntent.waiting``) and keeps the file open only while nobody waits,
  so an ingest with no reader around never pays to reopen it.
- A writer first takes an exclusive ``flock`` on the sidecar ``<db>.write``
  (``write_intent``) and holds it while it waits for DuckDB's lock and while it
  writes. Readers that hold the file for long (``dyads serve``) test the sidecar
  (``WriteIntent.held``) and, when a writer waits, let go of the file. A flock
  dies with its process, so a killed writer never blocks anyone; the sidecar
  file itself stays (deleting a lock file races with the next locker).

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.duckdb")
    >>> probe = WriteIntent(path)
    >>> with write_intent(path, deadline=time.monotonic() + 1):
    ...     probe.held()
    True
    >>> probe.held()
    False
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from dyads.errors import StoreError

# Seconds a command waits for the database before giving up (``DYADS_LOCK_TIMEOUT``): far
# longer than one batch's write (well under a second for 32 articles), short enough that a
# forgotten process is reported rather than waited on all day.
LOCK_TIMEOUT_S = 60.0
# Backoff between connect attempts: starts short, since a write session usually ends within
# tens of milliseconds, and stays short, since the reader it waits for polls every POLL_S.
FIRST_BACKOFF_S = 0.005
MAX_BACKOFF_S = 0.05
# DuckDB's message when another process holds a conflicting lock, and where it names that process.
_LOCK_CONFLICT = "Could not set lock on file"
_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def sidecar(path: str | Path) -> Path:
    """The file a writer locks to announce itself: ``<db>.write``."""
    return Path(f"{path}.write")


def read_sidecar(path: str | Path) -> Path:
    """The file readers lock to ask a writer to let go between writes: ``<db>.read``."""
    return Path(f"{path}.read")


@contextlib.contextmanager
def read_intent(path: str | Path) -> Iterator[None]:
    """Hold a shared lock on ``<db>.read``: a writer closes the file after its current write."""
    try:
        fd = os.open(read_sidecar(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a read-only folder: the writer then never learns of us, and closes per write anyway
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # blocks only for a writer's test, microseconds
        yield
    finally:
        os.close(fd)


class ReadIntent:
    """A writer's cheap test of whether a reader waits for the database at ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = read_sidecar(path)

    def waiting(self) -> bool:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False  # no reader has ever waited
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # releases the test lock
        return False


@contextlib.contextmanager
def write_intent(path: str | Path, *, deadline: float) -> Iterator[None]:
    """Hold the exclusive sidecar lock of the database at ``path`` (waiting for other writers).

    Raises:
        StoreError: another writer held it past ``deadline`` (a ``time.monotonic()`` value).
    """
    lock = sidecar(path)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        for pause in _backoff(deadline):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if pause is None:
                    raise StoreError(
                        f"database {path} is being written by another process "
                        f"({_read_owner(fd) or 'see ' + str(lock)}); wait for it to finish, "
                        "or raise DYADS_LOCK_TIMEOUT"
                    ) from None
                time.sleep(pause)
        _write_owner(fd)
        yield
    finally:
        os.close(fd)  # releases the flock


class WriteIntent:
    """A cheap test of whether a writer holds or waits for the database at ``path``.

    The sidecar is opened once it exists; each test is two non-blocking ``flock``
    calls (take shared, release), a few microseconds. Not thread-safe: callers
    serialize their calls.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = sidecar(path)
        self._fd: int | None = None

    def held(self) -> bool:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return False  # no writer has ever come
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        return False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def connect(
    path: str, *, read_only: bool, deadline: float, config: dict | None = None, what: str = ""
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, retried while another process holds a conflicting lock, until ``deadline``.

    Raises:
        StoreError: still locked at the deadline (naming the holder), or not a DuckDB database.
    """
    with contextlib.ExitStack() as waiting:
        asked = False
        for pause in _backoff(deadline):
            try:
                return duckdb.connect(path, read_only=read_only, config=config or {})
            except duckdb.IOException as e:
                if not is_lock_conflict(e):
                    raise StoreError(f"cannot open database {path}{what}: {_first_line(e)}") from e
                if pause is None:
                    raise StoreError(
                        f"database {path} is locked by {holder(e)} and stayed locked; "
                        "wait for it to finish, or raise DYADS_LOCK_TIMEOUT"
                    ) from e
                if read_only and not asked:
                    waiting.enter_context(read_intent(path))  # ask the writer to let go after its write
                    asked = True
                time.sleep(pause)
            except duckdb.Error as e:
                raise StoreError(f"cannot open database {path}{what}: {_first_line(e)}") from e
    raise AssertionError("unreachable: _backoff ends with None")


def is_lock_conflict(error: Exception) -> bool:
    return _LOCK_CONFLICT in str(error)


def holder(error: Exception) -> str:
    """The process DuckDB names as holding the lock: its command line when we can read it."""
    match = _HOLDER.search(str(error))
    if not match:
        return "another process"
    program, pid = match.groups()
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            program = f.read().replace(b"\0", b" ").decode(errors="replace").strip() or program
    except OSError:
        pass
    return f"PID {pid} ({_short(program)})"


def _backoff(deadline: float) -> Iterator[float | None]:
    """Pauses between attempts until ``deadline``, then None (one last attempt comes first)."""
    pause = FIRST_BACKOFF_S
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            yield None
            return
        yield min(pause, left)
        pause = min(pause * 2, MAX_BACKOFF_S)


def _write_owner(fd: int) -> None:
    """Note who writes, for the message of a writer that gives up waiting."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"PID {os.getpid()} ({_short(_own_command())})".encode(), 0)


def _read_owner(fd: int) -> str:
    return os.pread(fd, 300, 0).decode(errors="replace").strip()


def _own_command() -> str:
    try:
        with open("/proc/self/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "python"


def _short(command: str, width: int = 120) -> str:
    """A command line on one line, at most ``width`` characters."""
    command = " ".join(command.split())
    return command if len(command) <= width else command[: width - 3] + "..."


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
