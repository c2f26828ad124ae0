"""Load on ``dyads serve``: requests/s, p50/p99 latency and errors under concurrent clients (not a test).

    python benchmarks/load.py --seconds 30 --connections 50
    python benchmarks/load.py --db dyads.duckdb --seconds 10
    python benchmarks/load.py --during-ingest          # while `dyads ingest` writes the same database
    python benchmarks/load.py --baseline ../main/src   # main's server, then this tree's: ratios

Builds a database first (unless ``--db`` names one): ``dyads ingest`` of the bundled
sample and ``--stories`` short wire stories this script writes. Starts ``dyads serve``
on a free 127.0.0.1 port as a subprocess, warms it up, then for ``--seconds`` keeps
``--connections`` requests in flight (an httpx.AsyncClient with that many pooled
connections, one coroutine per connection, each sending its next request as soon as
the last answers) over the events, quotes and article routes, JSON and HTML:

    /api/events  /events  /api/quotes  /quotes  /api/articles  /articles
    /api/articles/{id}  /articles/{id}     (ids cycle through the stored articles)

Prints requests/s, p50 and p99 latency overall and per route, and errors (a non-2xx
status or a transport error), which should be zero. With ``--during-ingest`` an ingest
of more stories (``--batch-size`` per commit) runs through the measured window, so the
figures include the server stepping aside for each batch write; the ingest's own
progress and exit status are printed too. The load generator runs in this process,
on the same cores as the server: on a small machine it takes a share of the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))
# Seconds of requests before measuring: first queries load DuckDB's caches and the templates.
WARMUP_SECONDS = 3.0
# Longest a single request may take before it counts as an error.
REQUEST_TIMEOUT_S = 60.0
START_TIMEOUT_S = 60.0
ROUTES = (
    "/api/events?_size=20",
    "/events",
    "/api/quotes?_size=20",
    "/quotes",
    "/api/articles?_size=20",
    "/articles",
    "/api/articles/{id}",
    "/articles/{id}",
)

_COUNTRIES = [
    "Norway",
    "Kenya",
    "Peru",
    "Vietnam",
    "Ecuador",
    "Ghana",
    "Latvia",
    "Senegal",
    "Chile",
    "Mongolia",
    "Portugal",
    "Indonesia",
    "Japan",
    "Canada",
    "Morocco",
    "Finland",
]
_PLACES = ["OSLO", "NAIROBI", "LIMA", "HANOI", "QUITO", "ACCRA", "RIGA", "DAKAR", "TOKYO", "OTTAWA"]
_VERBS = [
    "signed a trade accord with",
    "held talks with",
    "criticised",
    "agreed to share data with",
    "recalled its ambassador from",
    "offered flood aid to",
    "imposed sanctions on",
    "praised",
]
_PEOPLE = [
    "Foreign Minister Ana Lopes",
    "Prime Minister Kofi Mensah",
    "Trade Minister Liis Kask",
    "Deputy Minister Tran Van Minh",
    "Ambassador Sara Holm",
    "President Jonas Berg",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds (default 30)")
    parser.add_argument("--connections", type=int, default=50, help="requests in flight (default 50)")
    parser.add_argument("--db", type=Path, help="an existing dyads database (default: build one)")
    parser.add_argument("--stories", type=int, default=150, help="synthetic stories in a built database")
    parser.add_argument(
        "--during-ingest",
        action="store_true",
        help="run `dyads ingest` of more stories into the database while measuring",
    )
    parser.add_argument("--ingest-stories", type=int, default=400, help="stories of --during-ingest")
    parser.add_argument("--batch-size", type=int, default=8, help="articles per commit of --during-ingest")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="first measure a server run from this source tree (e.g. main's src/) on the same "
        "database, then this tree's, and print this tree's figures as ratios of it",
    )
    args = parser.parse_args()
    if args.baseline and args.during_ingest:
        sys.exit("--baseline measures a database at rest; leave out --during-ingest")
    if args.baseline:
        compare(args)
        return

    with tempfile.TemporaryDirectory(prefix="dyads-load-") as tmp:
        tmp = Path(tmp)
        db = args.db or build_db(tmp, args.stories)
        if args.during_ingest and args.db:
            db = tmp / "copy.duckdb"  # ingest writes: never into the caller's database
            db.write_bytes(args.db.read_bytes())
        print(f"database {db}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
        server, url = start_server(db, tmp / "serve.log")
        ingest = None
        try:
            ids = article_ids(url)
            asyncio.run(drive(url, ids, connections=args.connections, seconds=WARMUP_SECONDS))
            if args.during_ingest:
                folder = write_stories(tmp / "more", args.ingest_stories, seed=2)
                ingest = start_ingest(db, folder, args.batch_size, tmp / "ingest.log")
            before = count(url)
            started = time.perf_counter()
            results = asyncio.run(drive(url, ids, connections=args.connections, seconds=args.seconds))
            elapsed = time.perf_counter() - started
            report(results, elapsed, connections=args.connections)
            if ingest:
                report_ingest(ingest, url, before, count(url))
        finally:
            if ingest and ingest.process.poll() is None:
                ingest.process.kill()
                ingest.process.wait()
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
            logged = (tmp / "serve.log").read_text(errors="replace").splitlines()[1:]  # after "Serving ..."
            if logged:
                print("server log:\n  " + "\n  ".join(logged[-20:]))


def write_stories(folder: Path, n: int, *, seed: int = 1) -> Path:
    """``n`` short wire stories written by this script, one .txt file each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a, b = rng.sample(_COUNTRIES, 2)
        person, place, verb = rng.choice(_PEOPLE), rng.choice(_PLACES), rng.choice(_VERBS)
        (folder / f"story-{seed}-{i:04d}.txt").write_text(
            f"{a} and {b}: talks, bulletin {seed}-{i}\n\n"
            f"{place}, May {1 + i % 28} (Dyads Wire) - {a} {verb} {b} on Monday, {person} said after "
            f"meeting {b}'s envoy.\n\n"
            f'"We expect real progress before the summer," {person.split()[-1]} told reporters, '
            f"according to bulletin {seed}-{i}.\n\n"
            f"Officials from {a} and {b} will meet again in {rng.choice(_PLACES).title()} next month.\n",
            encoding="utf-8",
        )
    return folder


def build_db(tmp: Path, stories: int) -> Path:
    from dyads.samples import sample_path

    db = tmp / "load.duckdb"
    folder = write_stories(tmp / "stories", stories)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dyads", "-q", "--db", str(db), "ingest", str(sample_path()), str(folder)],
        env=env(),
        check=True,
    )
    print(f"built {db} from the sample and {stories} stories in {time.perf_counter() - started:.0f} s", flush=True)
    return db


def env(src: Path = SRC) -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))}


def compare(args) -> None:
    """The same load on a server of ``args.baseline``'s code, then of this tree's, on one database."""
    with tempfile.TemporaryDirectory(prefix="dyads-load-") as tmp:
        tmp = Path(tmp)
        db = args.db or build_db(tmp, args.stories)
        print(f"database {db}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
        figures = {}
        for name, src in (("baseline", args.baseline.resolve()), ("this tree", SRC)):
            server, url = start_server(db, tmp / f"serve-{len(figures)}.log", src=src)
            try:
                ids = article_ids(url)
                asyncio.run(drive(url, ids, connections=args.connections, seconds=WARMUP_SECONDS))
                started = time.perf_counter()
                results = asyncio.run(drive(url, ids, connections=args.connections, seconds=args.seconds))
                elapsed = time.perf_counter() - started
            finally:
                server.send_signal(signal.SIGINT)
                server.wait(timeout=30)
            print(f"\n== {name}: {src}")
            report(results, elapsed, connections=args.connections)
            figures[name] = (results, elapsed)
        print(f"\nthis tree / baseline (same database, same run): {'route':<24} {'req/s':>7} {'p50':>7} {'p99':>7}")
        for route in (None, *ROUTES):
            ratios = []
            for name in ("this tree", "baseline"):
                results, elapsed = figures[name]
                latencies = sorted(r[1] for r in results if route is None or r[0] == route)
                ratios.append((len(latencies) / elapsed, percentile(latencies, 50), percentile(latencies, 99)))
            (rate, p50, p99), (rate0, p50_0, p99_0) = ratios
            print(f"{'':<48} {route or 'all':<24} {rate / rate0:>7.2f} {p50 / p50_0:>7.2f} {p99 / p99_0:>7.2f}")


def start_server(db: Path, log: Path, *, src: Path = SRC) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "dyads", "--db", str(db), "serve", "--port", str(port)],
        env=env(src),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if httpx.get(f"{url}/api", timeout=5).status_code == 200:
                return server, url
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            sys.exit(f"dyads serve did not come up:\n{log.read_text()}")
        time.sleep(0.1)


class Ingest:
    """A `dyads ingest` subprocess and the moments its batches were stored."""

    def __init__(self, command: list[str], log: Path) -> None:
        self.started = time.perf_counter()
        self.batches: list[float] = []
        self.log = log
        self.process = subprocess.Popen(
            command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self) -> None:
        with self.log.open("w") as log:
            for line in self.process.stderr:
                log.write(line)
                if "committed " in line:
                    self.batches.append(time.perf_counter())


def start_ingest(db: Path, folder: Path, batch_size: int, log: Path) -> Ingest:
    """Start the ingest and wait until it stores its first batch (its model is loaded by then)."""
    ingest = Ingest(
        [sys.executable, "-m", "dyads", "-v", "--db", str(db), "ingest", "--batch-size", str(batch_size), str(folder)],
        log,
    )
    while not ingest.batches:
        if ingest.process.poll() is not None:
            sys.exit(f"dyads ingest failed:\n{log.read_text()}")
        time.sleep(0.1)
    return ingest


def article_ids(url: str) -> list[str]:
    rows = httpx.get(f"{url}/api/articles", params={"_size": 100}, timeout=30).json()["rows"]
    return [row["id"] for row in rows]


def count(url: str) -> int:
    return httpx.get(f"{url}/api", timeout=REQUEST_TIMEOUT_S).json()["counts"]["articles"]


async def drive(url: str, ids: list[str], *, connections: int, seconds: float) -> list[tuple[str, float, str]]:
    """Keep ``connections`` requests in flight for ``seconds``; returns (route, seconds, outcome) per request."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    results: list[tuple[str, float, str]] = []
    routes = itertools.cycle(ROUTES)
    id_cycle = itertools.cycle(ids)
    stop = time.perf_counter() + seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < stop:
            route = next(routes)
            path = route.replace("{id}", next(id_cycle))
            started = time.perf_counter()
            try:
                response = await client.get(path)
                outcome = str(response.status_code)
            except httpx.HTTPError as e:
                outcome = type(e).__name__
            results.append((route, time.perf_counter() - started, outcome))

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=REQUEST_TIMEOUT_S) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(connections)))
    return results


def report(results: list[tuple[str, float, str]], elapsed: float, *, connections: int) -> None:
    errors = [r for r in results if not r[2].startswith("2")]
    print(
        f"\n{len(results):,} requests in {elapsed:.1f} s over {connections} connections: "
        f"{len(results) / elapsed:,.1f} requests/s; errors {len(errors)}"
    )
    print(f"{'route':<24} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for route in (None, *ROUTES):
        rows = [r for r in results if route is None or r[0] == route]
        latencies = sorted(r[1] for r in rows)
        failed = sum(not r[2].startswith("2") for r in rows)
        print(
            f"{route or 'all':<24} {len(rows):>9,} {len(rows) / elapsed:>8.1f} "
            f"{percentile(latencies, 50) * 1000:>8.1f} {percentile(latencies, 99) * 1000:>8.1f} {failed:>7}"
        )
    if errors:
        kinds: dict[str, int] = {}
        for route, _, outcome in errors:
            kinds[f"{route} -> {outcome}"] = kinds.get(f"{route} -> {outcome}", 0) + 1
        print("errors: " + json.dumps(kinds))


def report_ingest(ingest: Ingest, url: str, before: int, after: int) -> None:
    status = ingest.process.poll()
    print(
        f"\nduring the run `dyads ingest` stored {after - before} articles ({before} -> {after} seen by "
        f"the server), {len(ingest.batches)} batches committed so far; "
        + ("still running, waiting for it" if status is None else f"exited {status}"),
        flush=True,
    )
    status = ingest.process.wait()
    print(
        f"ingest exited {status} after {time.perf_counter() - ingest.started:.0f} s and "
        f"{len(ingest.batches)} batches; the server counts {count(url)} articles"
    )


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[min(98, max(0, int(q) - 1))]


if __name__ == "__main__":
    main()
