"""Live use: the dashboard answers while an ingest runs, and shows each batch soon after it commits.

DuckDB lets one process write a file, or many read it, never both at once
(``store/locks.py``). So the two sides take turns:

- **The writer lets go between writes when a reader waits.** ``StoreFile``
  hands out sessions: ``dyads ingest`` checks ids for duplicates in a
  read-only one (for 256 articles at a time), and stores each batch (people
  lookup, one transaction, its failures) in a read-write one. After a write it
  tests the sidecar ``<db>.read``, which ``dyads serve`` holds while it runs
  and any other reader holds while it waits: if a reader is there, the file
  closes while the NLP works on the next batch; if not, it stays open, so an
  ingest with nobody reading pays nothing for live use. Letting go costs
  ~0.12 CPU s (0.2 s wall) a batch on a database of 100,000 articles, ~4% of
  the NLP of 32 Reuters stories: opening, closing, and the checkpoint a
  closing writer makes, each flat from 20,000 to 400,000 stored articles
  (``benchmarks/sessions.py``).
- **The writer goes first, and is never starved.** A writer takes the sidecar
  lock ``<db>.write`` before it asks DuckDB for the file, and retries DuckDB's
  lock with short backoff until ``lock_timeout``.
- **The server steps aside.** ``LiveConnection`` holds the server's read-only
  connection. Each request, and a watcher thread every ``POLL_S``, tests the
  sidecar; while a writer waits, no new query starts, the connection closes
  once the queries in flight end, and it reopens when the writer lets go,
  which is also how the server sees the new rows. Requests meanwhile wait (up
  to ``lock_timeout``) rather than fail. A killed writer's flock dies with it,
  so a stale sidecar never blocks the server.

Why not something else: DuckDB has no cross-process concurrency, so the
alternatives were to route writes through the server (ingest would then need
a server), to serve from a copied snapshot (a copy per batch of a database of
gigabytes), or to write Parquet shards the server scans (a second storage
path for every query). Taking turns on the one file keeps one writer, one
schema and the existing guarantees: a batch is one transaction, a rerun
finishes a killed run.

    >>> import tempfile, os
    >>> with StoreFile(os.path.join(tempfile.mkdtemp(), "t.duckdb")) as db:
    ...     with db.writing() as store:
    ...         store.count_articles()
    0
    >>> live = LiveConnection(db.path)
    >>> with live.cursor() as cursor:
    ...     cursor.execute("SELECT count(*) FROM articles").fetchone()[0]
    0
    >>> live.close()
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from dyads.errors import StoreError
from dyads.store import Store
from dyads.store.locks import LOCK_TIMEOUT_S, ReadIntent, WriteIntent, is_lock_conflict, read_intent
from dyads.store.sql import connect_read_only

log = logging.getLogger(__name__)

# How often the server's watcher tests the sidecar while idle, and how often waiting
# requests look again: a writer waits at most this long beyond the queries in flight.
# Each test is two flock calls, so 50 a second cost nothing measurable.
POLL_S = 0.02


class StoreFile:
    """The database at ``path``, opened for short sessions (see the module docstring).

    >>> import tempfile, os
    >>> with StoreFile(os.path.join(tempfile.mkdtemp(), "t.duckdb")) as db:
    ...     with db.writing() as store:
    ...         store.count_articles()
    0
    """

    def __init__(self, path: str | Path, *, timeout: float = LOCK_TIMEOUT_S) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._types: dict[str, dict[str, str]] = {}  # column types, looked up once for all sessions
        self._readers = ReadIntent(self.path)
        self._held: contextlib.ExitStack | None = None  # the write session kept open between writes
        self._totals_refreshed = float("-inf")  # the sessions' last actor-totals recount (Store.write)
        self._store: Store | None = None

    def __enter__(self) -> "StoreFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """A read-write session (created and migrated on first use).

        The file stays open for the next session unless a reader waits for it
        (``locks.ReadIntent``), or the session failed; ``close()`` lets it go.
        """
        if self._store is None:
            held = contextlib.ExitStack()
            self._store = held.enter_context(Store.open(self.path, timeout=self.timeout, types=self._types))
            self._store.totals_refreshed = self._totals_refreshed
            self._held = held
        try:
            yield self._store
        except BaseException:
            self.close()
            raise
        if self._readers.waiting():
            self.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Store]:
        """A read-only session (or the write session, while it is held open)."""
        if self._store is not None:
            with self.writing() as store:
                yield store
            return
        with Store.open(self.path, read_only=True, timeout=self.timeout) as store:
            yield store

    def readers_waiting(self) -> bool:
        """Whether a reader waits for the file (``dyads serve`` waits as long as it runs)."""
        return self._readers.waiting()

    def close(self) -> None:
        """Close the write session held open, if any."""
        held, store, self._held, self._store = self._held, self._store, None, None
        if held is not None:
            self._totals_refreshed = store.totals_refreshed
            held.close()


class OpenStore:
    """Sessions on a Store the caller holds open for the whole run (tests, ``:memory:``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.path

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        yield self.store

    reading = writing

    def readers_waiting(self) -> bool:
        return False  # the caller holds the store: no other process can read it


def sessions(store: Store | StoreFile | OpenStore) -> StoreFile | OpenStore:
    """Session maker of ``store``: a StoreFile as it is, an open Store wrapped."""
    return OpenStore(store) if isinstance(store, Store) else store


class LiveConnection:
    """The server's read-only connection, handed to writers between requests.

    The connection is ``store.sql.connect_read_only``'s (no file access, bounded memory);
    ``cursor()`` lends a cursor for one request. Thread-safe.
    """

    def __init__(self, path: str | Path, *, timeout: float = LOCK_TIMEOUT_S, poll: float = POLL_S) -> None:
        self.path = str(path)
        self.timeout = timeout
        self.poll = poll
        self.reopened = 0  # times the connection was given up and taken back (for logs and tests)
        self._failing = False  # a reopen failed for a reason other than a lock: logged once
        self._intent = WriteIntent(path)
        self._changed = threading.Condition()
        self._active = 0  # cursors lent out
        self._stopped = False
        # While the server runs it always wants the file: a writer lets go after every write.
        self._reading = contextlib.ExitStack()
        self._reading.enter_context(read_intent(self.path))
        try:
            self._con: duckdb.DuckDBPyConnection | None = connect_read_only(self.path, timeout=timeout)
        except BaseException:
            self._reading.close()
            raise
        self._watcher = threading.Thread(target=self._watch, name="dyads-live-watcher", daemon=True)
        self._watcher.start()

    @property
    def version(self) -> int | None:
        """Which state of the file the connection reads: the data changes only when a writer had
        it, and the connection was taken back after (``reopened``). None while a writer has the
        file or waits for it: what a request would read then is not known yet."""
        with self._changed:
            if self._con is None or self._intent.held():
                return None
            return self.reopened

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the open connection, waiting while a writer has the file.

        Raises:
            StoreError: a writer kept the file for longer than ``timeout`` seconds.
        """
        deadline = time.monotonic() + self.timeout
        with self._changed:
            while self._con is None or self._intent.held():
                left = deadline - time.monotonic()
                if left <= 0 or self._stopped:
                    raise StoreError(
                        f"database {self.path} is being written and stayed busy for "
                        f"{self.timeout:g} s; retry, or raise DYADS_LOCK_TIMEOUT"
                    )
                self._changed.wait(min(left, self.poll))
            cursor = self._con.cursor()
            self._active += 1
        try:
            yield cursor
        finally:
            cursor.close()
            with self._changed:
                self._active -= 1
                if self._active == 0:
                    self._step_aside()

    def close(self) -> None:
        """Stop the watcher and close the connection (requests still running finish first)."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        self._watcher.join()
        with self._changed:
            while self._active:
                self._changed.wait(self.poll)
            if self._con is not None:
                self._con.close()
                self._con = None
            self._intent.close()
            self._reading.close()

    def _watch(self) -> None:
        """Give the file up while idle and a writer waits; take it back when the writer is done."""
        with self._changed:
            while not self._stopped:
                if self._con is None:
                    self._take_back()
                elif self._active == 0:
                    self._step_aside()
                self._changed.wait(self.poll)

    def _step_aside(self) -> None:
        """Close the connection if a writer waits (called with the lock held, nothing in flight)."""
        if self._con is not None and self._intent.held():
            self._con.close()
            self._con = None
            log.debug("a writer waits for %s: connection closed", self.path)

    def _take_back(self) -> None:
        """Reopen once no writer holds or waits for the file (called with the lock held)."""
        if self._intent.held():
            return
        try:
            self._con = connect_read_only(self.path, timeout=0)
        except StoreError as e:
            if not is_lock_conflict(e.__cause__ or e) and not self._failing:
                log.error("cannot reopen %s: %s", self.path, e)
                self._failing = True
            return  # a writer not using the sidecar, or between its flock and DuckDB's: next poll
        self.reopened += 1
        self._failing = False
        log.debug("reopened %s", self.path)
        self._changed.notify_all()
