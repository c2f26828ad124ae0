"""What `dyads watch` costs beyond the ingest of the same pages, measured in one run (not a test).

    python benchmarks/watch.py ../shared/data/bench/reuters21578.jsonl --feeds 50 --items 20

Serves ``--feeds`` RSS feeds of ``--items`` items each from a local HTTP server (127.0.0.1,
in this process), each item a page made from one record of the corpus (read here, never
stored in the project), with a robots.txt. Then, one after the other, into fresh databases:

1. the baseline: the same pages saved as .html files, read by ``dyads ingest`` (process
   start, model load, reading with trafilatura, NLP, writes);
2. ``dyads watch --once --delay 0`` over the feeds: the same plus robots.txt, the feeds'
   parsing, one HTTP request a page, the seen-items bookkeeping and a run per chunk.

Prints wall and CPU seconds of each, and the watch's time beyond the baseline as a share
of its whole (the issue's aim: under 10%). ``--delay 0``: the politeness delay is waiting
by design, not cost; with the default 1 s a feed of 20 pages from one host takes 20 s.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from test_watch import Site, rss, static  # noqa: E402  (the tests' own server and feed writer)


def page(title: str, date: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n") if p.strip())
    title = html.escape(title)
    return (
        f'<!DOCTYPE html><html><head><title>{title}</title><meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{date}">'
        f'<meta property="og:site_name" content="Bench Wire"></head><body><article><h1>{title}</h1>\n'
        f"{paragraphs}</article></body></html>"
    ).encode()


def records(corpus: Path, count: int) -> list[dict]:
    """The first ``count`` records with a title and a text of some length."""
    found = []
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("title") and len(record.get("text", "").split()) >= 80:
                found.append(record)
                if len(found) == count:
                    break
    return found


def measure(label: str, command: list[str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{label} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU; {done.stderr.strip().splitlines()[-1]}", flush=True)
    return {"wall": wall, "cpu": cpu}


def count(db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=ROOT.parent / "shared/data/bench/reuters21578.jsonl")
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()
    chosen = records(args.corpus, args.feeds * args.items)
    site = Site({"/robots.txt": static(b"User-agent: *\nDisallow: /private/\n", kind="text/plain")})
    with tempfile.TemporaryDirectory(prefix="dyads-watch-bench-") as tmp:
        tmp = Path(tmp)
        pages = tmp / "pages"
        pages.mkdir()
        feeds = []
        for f in range(args.feeds):
            links = []
            for i, record in enumerate(chosen[f * args.items : (f + 1) * args.items]):
                body = page(record["title"], record["date"], record["text"])
                path = f"/f{f}/{i}.html"
                site.routes[path] = static(body)
                (pages / f"f{f}-{i}.html").write_bytes(body)
                links.append((html.escape(record["title"]), f"{site.url}{path}"))
            site.routes[f"/f{f}/rss.xml"] = static(rss(f"Feed {f}", links), kind="application/rss+xml", etag=f'"{f}"')
            feeds.append(f"{site.url}/f{f}/rss.xml")
        print(
            f"{len(chosen)} pages in {args.feeds} feeds from {args.corpus}; {os.cpu_count()} cores, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        dyads = [sys.executable, "-m", "dyads", "-q"]
        base = measure(
            "dyads ingest pages/*.html (baseline)",
            dyads[:-1] + ["--db", str(tmp / "ingest.duckdb"), "ingest", str(pages)],
        )
        watch = measure(
            "dyads watch --once --delay 0",
            dyads[:-1] + ["--db", str(tmp / "watch.duckdb"), "watch", "--once", "--delay", "0", *feeds],
        )
        again = measure(
            "dyads watch --once again (all 304)",
            dyads[:-1] + ["--db", str(tmp / "watch.duckdb"), "watch", "--once", "--delay", "0", *feeds],
        )
        stored = count(tmp / "ingest.duckdb"), count(tmp / "watch.duckdb")
        requests = len(site.log)
    site.close()
    print(f"stored: ingest {stored[0]}, watch {stored[1]}; {requests} requests served")
    print(
        f"watch beyond ingest: {watch['wall'] - base['wall']:.1f} s wall, "
        f"{(watch['wall'] - base['wall']) / watch['wall']:.1%} of the watch's wall time; "
        f"{watch['cpu'] - base['cpu']:.1f} s CPU, {(watch['cpu'] - base['cpu']) / watch['cpu']:.1%} of its CPU "
        f"(a poll that finds nothing new: {again['wall']:.1f} s wall)"
    )


if __name__ == "__main__":
    main()
