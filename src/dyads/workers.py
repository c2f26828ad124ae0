"""Run the NLP of ingest batches in worker processes, each article within a budget.

``analyze_batches`` takes batches of articles in order and yields each with
its analyses and failures, in the same order. Worker processes run the
pipeline and batches travel as pickled records (articles out, analyses back,
one at a time), while this process stays the only one that reads inputs and
writes the database, and watches each worker: one that takes longer than the
budget's seconds on an article, or holds more than its memory, is killed and
replaced, that article recorded as a failure, and the rest of its batch goes
to the new worker; so is one that dies. Killing a process is the one way to stop
work inside spaCy's compiled code; a flag or a signal waits for it to return.
Without a budget, one worker means the pipeline runs in this process. The workers fork from a server
process that has loaded the pipeline once (``dyads.warm``), so a fresh one is
ready at once. At most ``IN_FLIGHT_PER_WORKER`` batches per worker are out at
once, and each worker process is replaced after ``TASKS_PER_WORKER`` batches,
so memory stays flat however long the input.

    >>> from dyads.records import Article
    >>> batch = [Article(headline="Envoys meet", paragraphs=("Kenya and Peru met.",), origin="t")]
    >>> [[a.article.headline for a in analyses] for _, analyses, _ in analyze_batches([(0, batch)], workers=1)]
    [['Envoys meet']]
"""

from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import select
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import TypeVar

from dyads.records import Analysis, Article, Failure

log = logging.getLogger(__name__)

Tag = TypeVar("Tag")

# Batches queued per worker beyond the one it runs: enough that a worker never
# waits on the writer, few enough that memory stays small (two batches of 32
# articles are a few hundred kB).
IN_FLIGHT_PER_WORKER = 2
# Batches a worker process analyzes before a fresh one, forked from the server,
# takes over. A worker grows as it meets new words (spaCy's vocabulary and string
# store, the morphology cache up to its bound), most in its first few hundred
# stories, and its peak follows the batches it met; short lives keep the peak of a
# long run that of a short one. A fork costs milliseconds (spawning and loading the
# model again cost ~4 s), but a fresh worker fills its caches again: at 20 batches a life,
# one worker's ingest of 1,979 Reuters stories cost 16% more CPU than the NLP in the ingest
# process, and its four workers peaked at 436-510 MB; one worker living through all 62
# batches peaked at 502 MB, at the same CPU (benchmarks/throughput.py --article-timeouts 0,60).
TASKS_PER_WORKER = 100
# How often a worker checks that the ingest lives, where it cannot wait on a pidfd. A
# killed ingest (SIGKILL, OOM) cannot stop its workers, and they would wait forever on
# a queue that every worker holds open.
PARENT_CHECK_SECONDS = 1.0
# How often the memory of a busy worker is read (/proc/PID/statm, a few microseconds): a
# worker outgrowing its budget is stopped within this much of crossing it.
MEMORY_CHECK_SECONDS = 0.25
# How long a worker told to exit may take before it is killed.
STOP_SECONDS = 5.0
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Budget:
    """What one article may cost a worker process: seconds of analysis and resident memory.

    ``seconds`` runs from the worker's last word (the batch handed over, its parse done, the
    article before done): an article by itself has them for its parse and analysis together.
    A batch's parse is one step for all its articles (``nlp.pipe``), and a batch over the
    budget there is analyzed again an article at a time, so that the one at fault is found.
    """

    seconds: float
    memory_mb: float

    @classmethod
    def of(cls, settings) -> "Budget | None":
        """The budget ``Settings`` give (None when ``article_timeout`` is 0: no worker process)."""
        return cls(settings.article_timeout, settings.article_memory_mb) if settings.article_timeout else None


def analyze_batches(
    batches: Iterable[tuple[Tag, list[Article]]],
    *,
    workers: int = 1,
    batch_size: int = 32,
    quotes: str = "rules",
    budget: Budget | None = None,
) -> Iterator[tuple[Tag, list[Analysis], list[Failure]]]:
    """Each ``(tag, articles)`` as ``(tag, analyses, failures)``, in input order; ``quotes`` is
    ``Settings.quotes`` ("tagged": every process loads the quote tagger too).

    With a ``budget`` the analysis runs in worker processes (one at least), each article
    within the budget: a worker over it is killed and replaced, and the article is a
    failure with the reason; so is an article whose worker dies. Without one, and with
    one worker, it runs in this process and nothing bounds it.
    """
    if workers <= 1 and budget is None:
        from dyads.pipeline import analyze_batch, load_nlp, quote_tagger

        nlp, tagger = load_nlp(), quote_tagger(quotes)
        for tag, articles in batches:
            yield tag, analyze_batch(articles, nlp=nlp, batch_size=batch_size, tagger=tagger), []
        return
    with _Pool(
        max(1, workers), quotes=quotes, batch_size=batch_size, budget=budget or Budget(float("inf"), float("inf"))
    ) as pool:
        yield from pool.run(batches)


def start_server() -> multiprocessing.context.BaseContext:
    """Start the fork server the workers fork from, if it is not running, and return its context.

    Not a plain fork: the ingest holds an open DuckDB connection and its threads. A fork
    server starts clean, loads the pipeline once (``dyads.warm``), and forks each worker from
    there, so a fresh worker is ready in milliseconds instead of ~4 s. ``dyads ingest`` calls
    this first thing, so the server loads the model while the ingest imports its own modules.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["dyads.warm"])
    multiprocessing.forkserver.ensure_running()
    return context


@dataclass
class _Task:
    """Articles of one batch a worker analyzes in one go: ``positions`` in the batch."""

    tag_index: int
    positions: list[int]
    articles: list[Article]
    alone: bool = False  # one article, analyzed by itself after its batch went over budget


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: Connection
    task: _Task | None = None
    since: float = 0.0  # when it last reported
    parsed: bool = False  # its task's parse is done: an article is at fault from here on
    got: int = 0  # articles of its task done
    tasks: int = 0


@dataclass
class _Slot:
    """One input batch on its way: its analyses and failures by position."""

    tag: object
    size: int
    done: dict[int, Analysis | Failure] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.done) == self.size


class _Pool:
    """Worker processes forked from a server that has loaded the pipeline (``dyads.warm``),
    each fed one task at a time over its own pipe, so one can be killed without the rest."""

    def __init__(self, size: int, *, quotes: str, batch_size: int, budget: Budget) -> None:
        self.context = start_server()
        self.size, self.quotes, self.batch_size, self.budget = size, quotes, batch_size, budget
        self.workers: list[_Worker] = []
        self.queue: collections.deque[_Task] = collections.deque()
        self.slots: dict[int, _Slot] = {}

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            _stop(worker, kill=exc[0] is not None)
        self.workers = []

    def run(self, batches: Iterable[tuple[Tag, list[Article]]]) -> Iterator[tuple[Tag, list[Analysis], list[Failure]]]:
        incoming = enumerate(batches)
        next_out, exhausted = 0, False
        while True:
            while not exhausted and len(self.slots) < self.size * (1 + IN_FLIGHT_PER_WORKER):
                item = next(incoming, None)
                if item is None:
                    exhausted = True
                    break
                index, (tag, articles) = item
                self.slots[index] = _Slot(tag, len(articles))
                if articles:
                    self.queue.append(_Task(index, list(range(len(articles))), list(articles)))
            while next_out in self.slots and self.slots[next_out].complete:
                slot = self.slots.pop(next_out)
                done = [slot.done[i] for i in range(slot.size)]
                yield (
                    slot.tag,
                    [d for d in done if isinstance(d, Analysis)],
                    [d for d in done if isinstance(d, Failure)],
                )
                next_out += 1
            if exhausted and not self.slots:
                return
            if next_out in self.slots and self.slots[next_out].complete:
                continue
            self._dispatch()
            self._wait()

    def _dispatch(self) -> None:
        while self.queue:
            idle = next((w for w in self.workers if w.task is None), None)
            if idle is None and len(self.workers) < self.size:
                idle = self._start()
            if idle is None:
                return
            task = self.queue.popleft()
            idle.task, idle.since, idle.parsed, idle.got = task, time.monotonic(), False, 0
            idle.conn.send((task.articles, self.batch_size, self.quotes))

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(theirs, os.getpid(), self.quotes), daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self.workers.append(worker)
        return worker

    def _wait(self) -> None:
        busy = [w for w in self.workers if w.task is not None]
        now = time.monotonic()
        timeout = min([MEMORY_CHECK_SECONDS] + [w.since + self.budget.seconds - now for w in busy])
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=max(0.0, timeout))
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                self._receive(worker)
        for worker in [w for w in self.workers if w.task is not None]:
            self._check(worker)

    def _receive(self, worker: _Worker) -> None:
        while worker.task is not None and worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                break
            if _rss_mb(worker.process.pid) > self.budget.memory_mb:  # over it in its parse or this article
                self._fail(worker, self._over_memory())
                return
            if message[0] == "parsed":
                worker.parsed = True
                if len(worker.task.positions) > 1:  # the batch's parse was one step for all
                    worker.since = time.monotonic()
            elif message[0] == "article":
                worker.since = time.monotonic()
                task = worker.task
                self.slots[task.tag_index].done[task.positions[worker.got]] = message[1]
                worker.got += 1
                if worker.got == len(task.positions):
                    worker.task, worker.tasks = None, worker.tasks + 1
                    if worker.tasks >= TASKS_PER_WORKER:
                        self._replace(worker)
        if worker.task is not None and not worker.process.is_alive():
            worker.process.join()
            self._fail(
                worker,
                f"the worker process analyzing it died (exit code {worker.process.exitcode}; "
                "out of memory?); it was not retried",
            )

    def _check(self, worker: _Worker) -> None:
        if time.monotonic() - worker.since > self.budget.seconds:
            self._fail(worker, f"took more than {self.budget.seconds:g} s; raise --article-timeout")
        elif _rss_mb(worker.process.pid) > self.budget.memory_mb:
            self._fail(worker, self._over_memory())

    def _over_memory(self) -> str:
        return f"needed more than {self.budget.memory_mb:g} MB; raise --article-memory-mb"

    def _fail(self, worker: _Worker, reason: str) -> None:
        """The worker's article at fault is a failure; the rest of its task goes again, to a
        fresh worker: after the one at fault, or, when its batch's parse was over budget,
        each article by itself."""
        task = worker.task
        self._replace(worker, kill=True)
        rest = list(zip(task.positions[worker.got :], task.articles[worker.got :]))
        slot = self.slots[task.tag_index]
        if worker.parsed or task.alone or len(rest) == 1:
            position, article = rest[0]
            slot.done[position] = Failure(article.origin, reason)
            log.info("over budget: %s: %s", article.origin, reason)
            if rest[1:]:
                self.queue.appendleft(_Task(task.tag_index, [p for p, _ in rest[1:]], [a for _, a in rest[1:]]))
        else:
            self.queue.extendleft(_Task(task.tag_index, [p], [a], alone=True) for p, a in reversed(rest))

    def _replace(self, worker: _Worker, *, kill: bool = False) -> None:
        self.workers.remove(worker)
        _stop(worker, kill=kill)


def _stop(worker: _Worker, *, kill: bool) -> None:
    if kill:
        worker.process.kill()
    else:
        with contextlib.suppress(OSError):
            worker.conn.send(None)  # the worker's sign to exit
    worker.process.join(STOP_SECONDS)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    worker.conn.close()


def _rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_BYTES / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


def _serve(conn: Connection, ingest: int, quotes: str) -> None:
    """A worker: analyze each task sent, reporting when its batch is parsed and each article."""
    from dyads import pipeline
    from dyads.pipeline import load_nlp, quote_tagger

    _start_worker(ingest)
    nlp, tagger = load_nlp(), quote_tagger(quotes, threads=1)  # one thread a worker, as spaCy's BLAS
    while (task := conn.recv()) is not None:
        articles, batch_size, _ = task
        nlp.max_length = max(nlp.max_length, max(len(a.text) for a in articles) + 1)
        parsed = pipeline.parse_all(articles, nlp=nlp, batch_size=batch_size, tagger=tagger)
        for number, (doc, article, tagging) in enumerate(parsed):
            if number == 0:
                conn.send(("parsed",))
            conn.send(("article", _analyzed(article, doc, tagging)))


def _analyzed(article: Article, doc, tagging) -> Analysis | Failure:
    """The article's analysis, or a Failure if a stage fails on it: in batch work one
    article's error is recorded with its reason and the rest go on."""
    from dyads.pipeline import analyze

    try:
        return analyze(article, doc, tagging)
    except (MemoryError, RecursionError) as e:
        return Failure(article.origin, f"analysis ran out of {'memory' if isinstance(e, MemoryError) else 'stack'}")
    except Exception as e:  # noqa: BLE001 -- a bug a text brings out must not stop the ingest
        log.exception("analysis of %s failed", article.origin)
        return Failure(article.origin, f"analysis failed ({type(e).__name__}: {e}); please report it with the input")


def _start_worker(ingest: int) -> None:
    # Ctrl-C is the ingest's to handle: it stops submitting and shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(ingest,), daemon=True).start()


def _exit_with(ingest: int) -> None:
    """Exit once the ingest process is gone. It is not this process's parent (the fork
    server is), and the fork server and multiprocessing's resource tracker live on while
    a worker holds their pipes, so the workers must go first."""
    try:
        handle = os.pidfd_open(ingest)  # readable once the process has ended
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # no pidfd (Linux before 5.3): look now and then
        while _alive(ingest):
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)
    select.select([handle], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True
