"""What opening the database per batch costs ``dyads ingest`` on a big database (not a test).

    python benchmarks/sessions.py --articles 100000

Builds a big database: the pipeline analyzes ``--seed-stories`` short wire stories
written by this script, they are stored, and their rows are copied with fresh ids
until the database holds ``--articles`` articles. Then, on two copies of it, the
same ``--batches`` batches of new analyzed stories (``--corpus`` for real news) are
stored the two ways ``ingest`` can: through one connection held for the whole run
(before live use; its closing checkpoint counted), and through short sessions
(``store.live.StoreFile``: a read-only one for the duplicate check of each
``ingest.CHECK_AHEAD_ARTICLES`` articles, a read-write one per batch for the write,
each an open, a close and, on closing a writer, DuckDB's checkpoint). Prints the
seconds per batch of each way, beside a batch's NLP, and of an empty open and close.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).parent))

from load import write_stories  # noqa: E402  (the load benchmark's story writer)

# Empty sessions timed per kind: enough for a stable median.
REPEATS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the big database")
    parser.add_argument("--seed-stories", type=int, default=100, help="analyzed stories copied to fill it")
    parser.add_argument("--batches", type=int, default=8, help="batches stored each way")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--corpus",
        type=Path,
        help="take the new batches from this corpus (e.g. "
        "../shared/data/bench/reuters21578.jsonl) for NLP times of real news",
    )
    args = parser.parse_args()

    from dyads.config import Settings
    from dyads.ingest import CHECK_AHEAD_ARTICLES, Batch, write_batch
    from dyads.pipeline import analyze_batch, load_nlp
    from dyads.readers import read_inputs
    from dyads.records import Article, IngestSummary
    from dyads.store import Store
    from dyads.store.live import OpenStore, StoreFile

    with tempfile.TemporaryDirectory(prefix="dyads-sessions-") as tmp:
        tmp = Path(tmp)
        nlp = load_nlp()
        seed = list(read_inputs([str(write_stories(tmp / "seed", args.seed_stories, seed=5))], settings=Settings()))
        wanted = args.batches * args.batch_size
        source = str(args.corpus) if args.corpus else str(write_stories(tmp / "new", wanted, seed=6))
        new = [
            a
            for a in itertools.islice(read_inputs([source], settings=Settings()), wanted * 2)
            if isinstance(a, Article)
        ][:wanted]
        started, cpu_started = time.perf_counter(), time.process_time()
        analyses = analyze_batch(new, nlp=nlp)
        nlp_seconds = (time.perf_counter() - started) / len(new) * args.batch_size  # a batch's NLP
        nlp_cpu = (time.process_time() - cpu_started) / len(new) * args.batch_size
        seed_analyses = analyze_batch(seed, nlp=nlp)
        big = tmp / "big.duckdb"
        with Store.open(big) as store:
            store.write(seed_analyses)
            fill(store, args.articles)
            print(
                f"big database: {store.count_articles():,} articles, {big.stat().st_size / 2**20:,.0f} MB", flush=True
            )

        held_db, live_db = tmp / "held.duckdb", tmp / "live.duckdb"
        shutil.copy(big, held_db)
        shutil.copy(big, live_db)
        batches = [analyses[i : i + args.batch_size] for i in range(0, len(analyses), args.batch_size)]
        settings = Settings()

        ahead = max(1, CHECK_AHEAD_ARTICLES // args.batch_size)

        def store_all(sessions) -> list[float]:
            times, summary = [], IngestSummary()
            for number, chunk in enumerate(batches):
                start, cpu_start = time.perf_counter(), time.process_time()
                if number % ahead == 0:  # the duplicate check of plan_batches, for the batches ahead
                    with sessions.reading() as session:
                        session.known_ids(a.article.id for c in batches[number : number + ahead] for a in c)
                write_batch(
                    Batch(len(chunk), [a.article for a in chunk]),
                    chunk,
                    store=sessions,
                    settings=settings,
                    run_id="bench",
                    summary=summary,
                )
                times.append(time.perf_counter() - start)
                cpu.setdefault(sessions, []).append(time.process_time() - cpu_start)
            return times

        cpu: dict = {}  # sessions -> CPU seconds of this process (DuckDB's threads included) per batch
        with Store.open(held_db) as store:
            one = OpenStore(store)
            held = store_all(one)
            start, cpu_start = time.perf_counter(), time.process_time()
        held[-1] += time.perf_counter() - start  # its closing checkpoint: the one it defers to the end
        cpu[one][-1] += time.process_time() - cpu_start
        short = StoreFile(live_db)
        live = store_all(short)
        print(
            f"{len(batches)} batches of {args.batch_size} analyzed articles from "
            f"{args.corpus or 'stories we wrote'} (their NLP: ~{nlp_seconds:.1f} s a batch on this "
            "machine); seconds to check and store a batch, mean (max):"
        )
        print(f"  one connection for the run:  {statistics.mean(held):.3f} ({max(held):.3f})")
        print(f"  a session per batch:         {statistics.mean(live):.3f} ({max(live):.3f})")
        overhead = statistics.mean(live) - statistics.mean(held)
        print(f"  cost of the sessions:        {overhead:+.3f} s a batch = {overhead / nlp_seconds:+.1%} of its NLP")
        cpu_overhead = statistics.mean(cpu[short]) - statistics.mean(cpu[one])
        print(
            f"  CPU seconds a batch:         {statistics.mean(cpu[one]):.3f} held, {statistics.mean(cpu[short]):.3f} "
            f"in sessions: {cpu_overhead:+.3f} = {cpu_overhead / nlp_cpu:+.1%} of the NLP's {nlp_cpu:.1f} CPU s"
        )
        for name, open_ in (
            ("read-write", lambda: Store.open(live_db)),
            ("read-only", lambda: Store.open(live_db, read_only=True)),
        ):
            times = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                with open_():
                    pass
                times.append(time.perf_counter() - start)
            print(f"  empty {name} open and close: {statistics.median(times) * 1000:.1f} ms median")


def fill(store, articles: int) -> None:
    """Copy the stored articles with all their rows under fresh ids until there are ``articles``."""
    from dyads.store.rows import TABLES

    have = store.count_articles()
    copies = max(0, -(-articles // have) - 1)
    store.con.execute("CREATE TEMP TABLE copies AS SELECT range AS k FROM range(1, ?)", [copies + 1])
    for table in TABLES:
        columns = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall()]
        key = "id" if table == "articles" else "article_id"
        select = ", ".join(f"{key} || '-' || k" if c == key else f'"{c}"' for c in columns)
        store.con.execute(f"INSERT INTO {table} SELECT {select} FROM {table}, copies")
    store.con.execute("CHECKPOINT")


if __name__ == "__main__":
    main()
