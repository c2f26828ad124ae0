"""Run the NLP of ingest batches here or in a pool of worker processes.

``analyze_batches`` takes batches of articles in order and yields each with
its analyses, in the same order. With one worker the pipeline runs in this
process; with more, worker processes run it and batches travel as pickled
records (articles out, analyses back), while this process stays the only one
that reads inputs and writes the database. The workers fork from a server
process that has loaded the pipeline once (``dyads.warm``), so a fresh one is
ready at once. At most ``IN_FLIGHT_PER_WORKER`` batches per worker are out at
once, and each worker process is replaced after ``TASKS_PER_WORKER`` batches,
so memory stays flat however long the input.

    >>> from dyads.records import Article
    >>> batch = [Article(headline="Envoys meet", paragraphs=("Kenya and Peru met.",), origin="t")]
    >>> [[a.article.headline for a in analyses] for _, analyses in analyze_batches([(0, batch)], workers=1)]
    [['Envoys meet']]
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import select
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from dyads.errors import DyadsError
from dyads.pipeline import analyze_batch, load_nlp, quote_tagger
from dyads.records import Analysis, Article

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
# model again cost ~4 s, which made workers live for 100 batches).
TASKS_PER_WORKER = 20
# How often a worker checks that the ingest lives, where it cannot wait on a pidfd. A
# killed ingest (SIGKILL, OOM) cannot stop its workers, and they would wait forever on
# a queue that every worker holds open.
PARENT_CHECK_SECONDS = 1.0


def analyze_batches(batches: Iterable[tuple[Tag, list[Article]]], *, workers: int = 1,
                    batch_size: int = 32, quotes: str = "rules") -> Iterator[tuple[Tag, list[Analysis]]]:
    """Each ``(tag, articles)`` as ``(tag, analyses)``, in input order; ``quotes`` is
    ``Settings.quotes`` ("tagged": every process loads the quote tagger too).

    Raises:
        DyadsError: a worker process died (out of memory, killed).
    """
    if workers <= 1:
        nlp, tagger = load_nlp(), quote_tagger(quotes)
        for tag, articles in batches:
            yield tag, analyze_batch(articles, nlp=nlp, batch_size=batch_size, tagger=tagger)
        return
    # Not a plain fork: this process holds an open DuckDB connection and its threads. A
    # fork server starts clean, loads the pipeline once (dyads.warm), and forks each worker
    # from there, so a fresh worker is ready in milliseconds instead of ~4 s.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["dyads.warm"])
    # Start it loading now, while this process reads the first batches (~1 s of ~4).
    multiprocessing.forkserver.ensure_running()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(), quotes),
                             max_tasks_per_child=TASKS_PER_WORKER) as pool:
        window: collections.deque[tuple[Tag, Future | None]] = collections.deque()
        try:
            for tag, articles in batches:
                window.append((tag, pool.submit(_work, articles, batch_size, quotes) if articles else None))
                if len(window) > workers * IN_FLIGHT_PER_WORKER:
                    yield _result(*window.popleft())
            while window:
                yield _result(*window.popleft())
        except BrokenProcessPool as e:
            raise DyadsError("a worker process died (out of memory or killed); stored batches "
                             "are kept, rerun to finish the rest, with fewer --workers if memory ran out") from e
        finally:
            for _, future in window:
                if future is not None:
                    future.cancel()


def _result(tag, future: Future | None):
    return tag, ([] if future is None else future.result())


def _start_worker(ingest: int, quotes: str) -> None:
    # Ctrl-C is the ingest's to handle: it stops submitting and shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(ingest,), daemon=True).start()
    load_nlp()
    quote_tagger(quotes, threads=1)  # one thread a worker, as spaCy's BLAS (dyads.nlp)


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


def _work(articles: list[Article], batch_size: int, quotes: str) -> list[Analysis]:
    return analyze_batch(articles, nlp=load_nlp(), batch_size=batch_size, tagger=quote_tagger(quotes, threads=1))
