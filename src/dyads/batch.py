"""Run the pipeline on a Dask cluster: partitions of articles out, records or Parquet back.

This process (the driver) reads the inputs, drops what is stored already, and
hands partitions of articles to the cluster's workers. Each worker loads the
spaCy pipeline once and analyzes its partitions. Then either

- the partition's records travel back (pickled, a few kB an article) and the
  driver stores them exactly as ``dyads ingest`` does, through the single
  writer, one transaction (and one short session, given a ``StoreFile``) per partition: the writer-side steps (duplicate
  checks, linking one-name people to full names known in the database) need
  the database, so they run there; or
- with ``out``, each worker writes the partition's table rows
  (``store.rows.TABLES``, the rows ``dyads ingest`` stores) as one Parquet shard
  per table, ``out/<table>/<partition>.parquet``, in a folder every worker can
  write (a shared file system), for DuckDB or Spark to query; people are then
  linked within each partition only, and the database is not touched.

Either way a rerun skips what is done: stored articles, or partitions whose
shards exist. ``scheduler`` is a Dask scheduler address (``tcp://host:8786``)
or ``"local"`` for a ``LocalCluster`` of ``settings.workers`` processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dyads.config import Settings
from dyads.errors import DyadsError, MissingDependency
from dyads import dedup
from dyads.ingest import (
    Batch,
    _link_people,
    count_batch,
    model_description,
    plan_batches,
    within_sentence_limit,
    write_batch,
)
from dyads.pipeline import analyze_batch, load_nlp, quote_tagger
from dyads.records import Analysis, Article, Failure, IngestSummary
from dyads.store import Store
from dyads.store.live import StoreFile, sessions
from dyads.workers import Budget, analyze_batches

log = logging.getLogger(__name__)

# Articles per partition: big enough that a task's overhead (shipping, an
# in-memory DuckDB, one Parquet file per table) is small beside its NLP
# (~0.03 s an article), small enough to spread a day's news over many workers.
PARTITION_ARTICLES = 500
# Partitions queued per worker beyond the one it runs; bounds the driver's memory.
IN_FLIGHT_PER_WORKER = 2
# How long to try to reach a scheduler before giving up.
CONNECT_TIMEOUT = "30s"
# Tasks of one worker process share its pipeline; threads take turns on it.
_NLP_LOCK = threading.Lock()


@dataclass
class Partition:
    """What a worker made of a partition: its analyses (for the driver's writer),
    or the Parquet shards it wrote under ``out`` and the articles they hold."""

    name: str
    analyses: list[Analysis] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    written: int = 0
    existed: bool = False  # its shards were written by an earlier run


def batch(
    specs: Iterable[str],
    *,
    scheduler: str,
    settings: Settings,
    store: Store | StoreFile | None = None,
    out: Path | None = None,
    reference: dt.date | None = None,
    partition_size: int = PARTITION_ARTICLES,
    on_progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Analyze the inputs on a Dask cluster into ``store``, or into Parquet under ``out``.

    Raises:
        MissingDependency: dask.distributed is not installed.
        DyadsError: the scheduler cannot be reached, or neither store nor out is given.
    """
    if (store is None) == (out is None):
        raise DyadsError("give a database or an --out folder for the batch results, not both")
    summary = IngestSummary()
    out = out.resolve() if out is not None else None  # workers may run in another folder
    model = model_description(settings.quotes)  # fails here, before any write, without dyads[tagger]
    db = sessions(store) if store is not None else None
    run_id = None
    if db is not None:
        with db.writing() as session:
            run_id = session.start_run("batch", model=model)
    pending = dedup.StoryIndex()
    partitions = plan_batches(
        specs,
        store=db,
        settings=settings,
        reference=reference,
        summary=summary,
        pending=pending,
        size=partition_size,
        collect_ids=False,
    )
    with connect(scheduler, workers=settings.workers) as client:
        for part, done in _run(client, partitions, settings=settings, run_id=run_id, out=out):
            if db is not None:
                part.failures += done.failures
                write_batch(part, done.analyses, store=db, settings=settings, run_id=run_id, summary=summary)
            else:
                summary.duplicates += len(part.articles) if done.existed else 0
                _write_copies(part, out)
                count_batch(done.written, part.failures + done.failures, store=None, run_id=None, summary=summary)
            pending -= part.ids
            if on_progress:
                on_progress(part.size)
    if db is not None:
        with db.writing() as session:
            session.finish_run(run_id, summary)
    return summary


@contextlib.contextmanager
def connect(scheduler: str, *, workers: int, timeout: str = CONNECT_TIMEOUT):
    """A Dask client of the scheduler at that address, or of a new local cluster."""
    distributed = _import_distributed()
    # Dask logs its cluster's comings and goings at INFO; show them only with -v.
    level = logging.getLogger().getEffectiveLevel()
    if level >= logging.WARNING:
        logging.getLogger("distributed").setLevel(level)
    if scheduler == "local":
        import dask

        # Not daemonic, so that each may run the NLP in a worker process of its own, killed
        # when an article goes over its budget (dyads.workers); daemons may have no children.
        with (
            dask.config.set({"distributed.worker.daemon": False}),
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=timeout)
    except OSError as e:
        raise DyadsError(
            f"cannot reach the Dask scheduler at {scheduler} ({e}); check the address, or use --dask local"
        ) from e
    with client:
        yield client


def _run(
    client, partitions: Iterator[Batch], *, settings: Settings, run_id: str | None, out: Path | None
) -> Iterator[tuple[Batch, Partition]]:
    """Each partition with its shards, in input order; at most a few partitions out at once."""
    limit = max(1, len(client.scheduler_info().get("workers", {}))) * (1 + IN_FLIGHT_PER_WORKER)
    window: deque = deque()
    for part in partitions:
        name = partition_name(part.articles, settings.quotes)
        if not part.articles:
            window.append((part, Partition(name)))
        elif out is not None and (out / "articles" / f"{name}.parquet").exists():
            window.append((part, Partition(name, existed=True)))
        else:
            window.append(
                (
                    part,
                    client.submit(
                        analyze_partition,
                        part.articles,
                        name=name,
                        run_id=run_id,
                        batch_size=settings.batch_size,
                        max_sentences=settings.max_sentences,
                        quotes=settings.quotes,
                        out=str(out) if out else None,
                        budget=Budget.of(settings),
                        pure=False,
                    ),
                )
            )
        if len(window) > limit:
            yield _done(*window.popleft())
    while window:
        yield _done(*window.popleft())


def _done(part: Batch, done) -> tuple[Batch, Partition]:
    return part, (done if isinstance(done, Partition) else done.result())


def partition_name(articles: list[Article], quotes: str = "rules") -> str:
    """A name that depends only on the partition's articles (and a quotes mode other than
    the default), so a rerun finds its shards and a tagged run does not take a plain one's."""
    digest = hashlib.sha256(
        "\n".join([a.id for a in articles] + ([quotes] if quotes != "rules" else [])).encode()
    ).hexdigest()
    return f"part-{digest[:16]}"


def analyze_partition(
    articles: list[Article],
    *,
    name: str,
    run_id: str | None,
    batch_size: int,
    max_sentences: int,
    out: str | None,
    quotes: str = "rules",
    budget: Budget | None = None,
) -> Partition:
    """On a worker: analyze a partition, each article within ``budget`` (in a process of its
    own, as ``dyads ingest`` does); with ``out``, write its table rows as Parquet shards."""
    with _NLP_LOCK:
        analyses, over = _analyze(articles, batch_size=batch_size, quotes=quotes, budget=budget)
    if out is None:
        return Partition(name, analyses=analyses, failures=over)
    kept, failures = within_sentence_limit(analyses, Settings(max_sentences=max_sentences))
    with Store.open(":memory:") as scratch:
        written = scratch.write(_link_people(kept, scratch), run_id=run_id)
        return Partition(name, failures=over + failures, files=scratch.export_shards(Path(out), name), written=written)


def _analyze(
    articles: list[Article], *, batch_size: int, quotes: str, budget: Budget | None
) -> tuple[list[Analysis], list[Failure]]:
    if budget is not None and multiprocessing.current_process().daemon:
        log.warning(
            "this Dask worker is a daemon process, which may start none: articles are analyzed "
            "without --article-timeout; start workers with distributed.worker.daemon: False"
        )
        budget = None
    if budget is None:
        return analyze_batch(
            articles, nlp=load_nlp(), batch_size=batch_size, tagger=quote_tagger(quotes, threads=1)
        ), []
    [(_, analyses, failures)] = analyze_batches([(None, articles)], batch_size=batch_size, quotes=quotes, budget=budget)
    return analyses, failures


def _write_copies(part: Batch, out: Path) -> None:
    """The keys of a partition's repeated stories, as ``out/article_keys/copies-<digest>.parquet``
    beside the shards, so the dataset holds every copy's keys as a database would.

    The fields a repeat would fill in (``dyads.dedup``) stay unfilled: shards written are
    never rewritten; the log says how many."""
    if part.keys:
        digest = hashlib.sha256(repr(sorted(set(part.keys))).encode()).hexdigest()
        with Store.open(":memory:") as scratch:
            scratch.add_article_keys(part.keys)
            scratch.export_shards(out, f"copies-{digest[:16]}", tables=["article_keys"])
    if part.fills:
        log.info(
            "%d later copies would fill fields of a story in the Parquet output; shards are "
            "not rewritten, so ingest into a database to keep them",
            len(part.fills),
        )


def _import_distributed():
    try:
        import distributed
    except ImportError as e:
        raise MissingDependency("dask.distributed", "dask") from e
    return distributed
