"""Throughput of ``dyads ingest`` against raw spaCy, measured in one run (not a test).

    python benchmarks/throughput.py ../shared/data/bench/reuters21578.jsonl --limit 2000
    python benchmarks/throughput.py ../shared/data/bench/reuters21578.jsonl --limit 300 --quotes tagged
    python benchmarks/throughput.py --limit 1000 --workers 1 --article-timeouts 0,60 --no-baseline

Runs, one after another on the same stories (the unique articles of the first
``--limit`` records, as dyads reads them):

1. the baseline: raw spaCy ``nlp.pipe`` with the model's full default pipeline
   over the article texts (model load not timed), as ``spacy.load`` gives it;
2. the same with the matrix products on numpy's OpenBLAS, one thread, as
   ``dyads.nlp`` runs the model: how much of the gain over the baseline is
   the faster BLAS, and how much the rest of what dyads does costs;
3. ``dyads ingest`` end to end (process start, model load, reading, NLP,
   DuckDB writes) into a fresh database, with each ``--workers`` count and
   ``--article-timeouts`` value (0: one worker's NLP runs in the ingest process,
   unbounded; otherwise in worker processes, each article within its budget).

Prints articles/s, words/s, CPU seconds, peak RSS of the main process and of
each worker process (VmHWM, polled from /proc), ratios to the baseline and
between worker counts, and what the rate means in articles a day. Whatever
stages ``dyads ingest`` runs when this is run are what is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))
# How often the process tree's memory is sampled; VmHWM is the kernel's own peak,
# so sampling only has to catch each process before it exits.
POLL_SECONDS = 0.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=ROOT.parent / "shared/data/bench/reuters21578.jsonl")
    parser.add_argument("--limit", type=int, help="only the first N records")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument(
        "--article-timeouts",
        default="60",
        help="comma-separated --article-timeout values for each worker count (default 60; "
        "0: the NLP of one worker in the ingest process, unbounded)",
    )
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--quotes",
        choices=("rules", "tagged"),
        default="rules",
        help="how dyads ingest finds quotes (tagged: beside the quote tagger)",
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip raw spaCy (e.g. to watch memory on the whole corpus); no ratios then",
    )
    parser.add_argument("--raw-spacy", type=Path, help=argparse.SUPPRESS)  # child mode: the baseline
    parser.add_argument("--numpy-blas", action="store_true", help=argparse.SUPPRESS)  # child mode: 2.
    args = parser.parse_args()
    if args.raw_spacy:
        return raw_spacy(args.raw_spacy, args.batch_size, numpy_blas=args.numpy_blas)

    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="dyads-bench-") as tmp:
        tmp = Path(tmp)
        corpus = slice_corpus(args.corpus, tmp / "corpus.jsonl", args.limit)
        texts = unique_texts(corpus, tmp / "texts.json")
        words = sum(len(t.split()) for t in texts)
        print(
            f"corpus {args.corpus} first {args.limit or 'all'} records: {len(texts):,} unique "
            f"articles, {words:,} words; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        raw = [sys.executable, __file__, "--raw-spacy", str(tmp / "texts.json"), "--batch-size", str(args.batch_size)]
        results = [
            None
            if args.no_baseline
            else measure("raw spaCy nlp.pipe, full pipeline (baseline)", raw, articles=len(texts), words=words)
        ]
        if results[0]:
            print_result(results[0], results[0])
            same_blas = measure(
                "raw spaCy, full pipeline, numpy BLAS", raw + ["--numpy-blas"], articles=len(texts), words=words
            )
            print_result(same_blas, results[0])
        runs = [(int(w), t) for w in args.workers.split(",") for t in args.article_timeouts.split(",")]
        for workers, timeout in runs:
            db = tmp / f"w{workers}-t{timeout}.duckdb"
            command = [
                sys.executable,
                "-m",
                "dyads",
                "-q",
                "--db",
                str(db),
                "ingest",
                "--workers",
                str(workers),
                "--batch-size",
                str(args.batch_size),
                "--quotes",
                args.quotes,
                "--article-timeout",
                timeout,
                str(corpus),
            ]
            label = f"dyads ingest --workers {workers} --article-timeout {timeout}" + (
                " --quotes tagged" if args.quotes == "tagged" else ""
            )
            result = measure(label, command, articles=len(texts), words=words)
            result["stored"] = count_articles(db)
            results.append(result)
            print_result(result, results[0])
        summarize(results, None if args.no_baseline else same_blas)


def slice_corpus(corpus: Path, out: Path, limit: int | None) -> Path:
    with corpus.open("rb") as source, out.open("wb") as sink:
        for number, line in enumerate(source):
            if limit is not None and number >= limit:
                break
            sink.write(line)
    return out


def unique_texts(corpus: Path, out: Path) -> list[str]:
    """The texts dyads would analyze: each readable article once."""
    from dyads.config import Settings
    from dyads.readers import read_inputs
    from dyads.records import Article

    seen, texts = set(), []
    for item in read_inputs([str(corpus)], settings=Settings()):
        if isinstance(item, Article) and item.id not in seen:
            seen.add(item.id)
            texts.append(item.text)
    out.write_text(json.dumps(texts), encoding="utf-8")
    return texts


def raw_spacy(texts_path: Path, batch_size: int, *, numpy_blas: bool = False) -> None:
    import contextlib

    import spacy

    from dyads import nlp as nlp_module

    texts = json.loads(texts_path.read_text(encoding="utf-8"))
    with nlp_module.numpy_blas() if numpy_blas else contextlib.nullcontext():  # as dyads.nlp loads it
        nlp = spacy.load(nlp_module.MODEL)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    print(json.dumps({"seconds": time.perf_counter() - start, "pipes": nlp.pipe_names}))


def measure(name: str, command: list[str], *, articles: int, words: int) -> dict:
    """Run a command to its end, timing it and sampling the peak RSS of its processes."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    servers: set[int] = set()
    while process.poll() is None:
        for pid, parent in process_tree(process.pid):
            role = process_role(pid, parent, process.pid)
            if role != "helper":
                peaks[pid] = max(peaks.get(pid, 0), peak_rss(pid))
            if role == "server":
                servers.add(pid)
        time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - start
    out, err = process.communicate()
    reap_orphans()  # the fork server and its workers count only once reaped
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"{name} failed ({process.returncode}):\n{err}")
    seconds = json.loads(out)["seconds"] if "--raw-spacy" in command else wall
    main_rss = peaks.pop(process.pid, 0)
    server_rss = [peaks.pop(pid) for pid in servers if pid in peaks]
    return {
        "name": name,
        "seconds": seconds,
        "wall": wall,
        "articles": articles,
        "words": words,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "main_rss": main_rss,
        "worker_rss": sorted(peaks.values(), reverse=True),
        "server_rss": server_rss,
    }


def become_subreaper() -> None:
    """Adopt orphaned descendants: the workers' fork server outlives the ingest process by a
    moment, and its CPU time (with that of the workers it reaped) counts in RUSAGE_CHILDREN
    only once this process reaps it."""
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for every adopted descendant to end."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def process_tree(root: int) -> list[tuple[int, int | None]]:
    """Each process under ``root`` (and itself), with its parent."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [(root, None)]
    while todo:
        pid, parent = todo.pop()
        tree.append((pid, parent))
        todo += [(child, pid) for child in children.get(pid, [])]
    return tree


def process_role(pid: int, parent: int | None, root: int) -> str:
    """ "helper" for multiprocessing's resource tracker (small), "server" for the fork server
    the workers fork from (it holds the loaded pipeline; its forks share its command line),
    "worker" otherwise."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except OSError:
        return "helper"
    if b"resource_tracker" in cmdline:
        return "helper"
    return "server" if b"forkserver" in cmdline and parent == root else "worker"


def peak_rss(pid: int) -> int:
    """The kernel's high-water mark of a process's resident memory, in bytes."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def print_result(result: dict, baseline: dict) -> None:
    rate = result["articles"] / result["seconds"]
    workers = ", ".join(f"{r / 2**20:,.0f}" for r in result["worker_rss"]) or "-"
    print(
        f"{result['name']:<48} {result['seconds']:8.1f} s  {rate:8.1f} articles/s  "
        f"{result['words'] / result['seconds']:9,.0f} words/s  {result['cpu']:7.1f} CPU s  "
        + (f"x{baseline['seconds'] / result['seconds']:.2f} of baseline  " if baseline else "")
        + f"peak RSS main {result['main_rss'] / 2**20:,.0f} MB, workers [{workers}] MB"
        + "".join(f", fork server {r / 2**20:,.0f} MB" for r in result["server_rss"])
        + (f"  ({result['stored']:,} stored)" if "stored" in result else ""),
        flush=True,
    )


def summarize(results: list[dict], same_blas: dict | None) -> None:
    baseline, runs = results[0], results[1:]
    print()
    for run in runs:
        rate = run["articles"] / run["seconds"]
        print(
            f"{run['name']}: {rate:.1f} articles/s = {rate * 86400:,.0f} articles a day"
            + (
                f"; {baseline['seconds'] / run['seconds']:.2f}x the raw full-pipeline spaCy baseline "
                f"(by CPU seconds, which a busy machine disturbs less: {baseline['cpu'] / run['cpu']:.2f}x); "
                f"{same_blas['seconds'] / run['seconds']:.2f}x raw spaCy on the same numpy BLAS "
                f"(by CPU: {same_blas['cpu'] / run['cpu']:.2f}x)"
                if baseline
                else ""
            )
        )
    for previous, run in zip(runs, runs[1:]):
        print(f"{run['name']} vs {previous['name']}: {previous['seconds'] / run['seconds']:.2f}x")


def count_articles(db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    main()
