"""Run the pipeline on a Dask cluster: partitions of articles out, Parquet shards back.

This process (the driver) reads the inputs, drops what is stored already, and
hands partitions of articles to the cluster's workers. Each worker loads the
spaCy pipeline once, analyzes its partition and writes the partition's table
rows (``store.rows.TABLES``, the same rows ``dyads ingest`` stores) as one
Parquet shard per table. Then either

- the driver stores each shard in the database, one transaction per partition,
  through the single writer (shards travel back as bytes: no shared disk needed), or
- with ``out``, the shards stay in ``out/<table>/<partition>.parquet`` (a folder
  every worker can write, e.g. a shared file system) for DuckDB or Spark to
  query, and the database is not touched.

Either way a rerun skips what is done: stored articles, or partitions whose
shards exist. ``scheduler`` is a Dask scheduler address (``tcp://host:8786``)
or ``"local"`` for a ``LocalCluster`` of ``settings.workers`` processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dyads.config import Settings
from dyads.errors import DyadsError, MissingDependency
from dyads.ingest import Batch, count_batch, model_description, plan_batches, within_sentence_limit
from dyads.pipeline import analyze_batch, load_nlp
from dyads.records import Article, Failure, IngestSummary
from dyads.store import Store

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
class Shards:
    """What a worker made of a partition: Parquet bytes per table, or files under ``out``."""

    name: str
    failures: list[Failure] = field(default_factory=list)
    existed: bool = False  # written by an earlier run
    files: dict[str, Path] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)


def batch(
    specs: Iterable[str],
    *,
    scheduler: str,
    settings: Settings,
    store: Store | None = None,
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
    run_id = store.start_run("batch", model=model_description()) if store else None
    pending: set[str] = set()
    partitions = plan_batches(specs, store=store, settings=settings, reference=reference,
                              summary=summary, pending=pending, size=partition_size, collect_ids=False)
    with connect(scheduler, workers=settings.workers) as client:
        for part, shards in _run(client, partitions, settings=settings, run_id=run_id, out=out):
            stored = _store(shards, store) if store else (0 if shards.existed else len(part.articles))
            summary.duplicates += len(part.articles) if shards.existed else 0
            count_batch(stored, part.failures + shards.failures, store=store, run_id=run_id,
                        summary=summary)
            pending -= part.ids
            if on_progress:
                on_progress(part.size)
    if store:
        store.finish_run(run_id, summary)
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
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=timeout)
    except OSError as e:
        raise DyadsError(f"cannot reach the Dask scheduler at {scheduler} ({e}); check the "
                         "address, or use --dask local") from e
    with client:
        yield client


def _run(client, partitions: Iterator[Batch], *, settings: Settings, run_id: str | None,
         out: Path | None) -> Iterator[tuple[Batch, Shards]]:
    """Each partition with its shards, in input order; at most a few partitions out at once."""
    limit = max(1, len(client.scheduler_info().get("workers", {}))) * (1 + IN_FLIGHT_PER_WORKER)
    window: deque = deque()
    for part in partitions:
        name = partition_name(part.articles)
        if not part.articles:
            window.append((part, Shards(name)))
        elif out is not None and (out / "articles" / f"{name}.parquet").exists():
            window.append((part, Shards(name, existed=True)))
        else:
            window.append((part, client.submit(
                analyze_partition, part.articles, name=name, run_id=run_id,
                batch_size=settings.batch_size, max_sentences=settings.max_sentences,
                out=str(out) if out else None, pure=False)))
        if len(window) > limit:
            yield _done(*window.popleft())
    while window:
        yield _done(*window.popleft())


def _done(part: Batch, shards) -> tuple[Batch, Shards]:
    return part, (shards if isinstance(shards, Shards) else shards.result())


def partition_name(articles: list[Article]) -> str:
    """A name that depends only on the partition's articles, so a rerun finds its shards."""
    digest = hashlib.sha256("\n".join(a.id for a in articles).encode()).hexdigest()
    return f"part-{digest[:16]}"


def analyze_partition(articles: list[Article], *, name: str, run_id: str | None, batch_size: int,
                      max_sentences: int, out: str | None) -> Shards:
    """On a worker: analyze a partition and write its table rows as Parquet shards."""
    with _NLP_LOCK:
        analyses = analyze_batch(articles, nlp=load_nlp(), batch_size=batch_size)
    kept, failures = within_sentence_limit(analyses, Settings(max_sentences=max_sentences))
    shards = Shards(name, failures)
    with Store.open(":memory:") as scratch, tempfile.TemporaryDirectory(prefix="dyads-") as tmp:
        scratch.write(kept, run_id=run_id)
        if out is not None:
            shards.files = scratch.export_shards(Path(out), name)
        else:
            files = scratch.export_shards(Path(tmp), name)
            shards.data = {table: path.read_bytes() for table, path in files.items()}
    return shards


def _store(shards: Shards, store: Store) -> int:
    """Store a partition's shards through the single writer, in one transaction."""
    if not shards.data:
        return 0
    with tempfile.TemporaryDirectory(prefix="dyads-") as tmp:
        files = {}
        for table, data in shards.data.items():
            files[table] = Path(tmp) / f"{table}.parquet"
            files[table].write_bytes(data)
        return store.write_shards(files)


def _import_distributed():
    try:
        import distributed
    except ImportError as e:
        raise MissingDependency("dask.distributed", "dask") from e
    return distributed

