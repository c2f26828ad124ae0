"""The README's commands, run as written: the Quickstart is what CI runs, and every line of
"Using it" runs on the bundled sample story and prints rows (or the file, page or summary it
promises)."""

import csv
import io
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from dyads.samples import sample_path

from conftest import FIXTURES, SRC

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ID = "8bf9a1c4887d5284"  # the sample's content id, which the README names
SUMMARY = re.compile(r"^(\d+) ingested, (\d+) duplicates, (\d+) skipped")


def quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def using_it() -> list[list[str]]:
    """The "Using it" block's commands as argument lists, one per alternative of an
    ``a|b|c`` word (``--format plover|gdelt`` is two commands), comments dropped."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## Using it", 1)[1].split("```", 2)[1]
    commands = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        choices = [i for i, w in enumerate(words) if "|" in w]
        assert len(choices) <= 1, line
        for choice in words[choices[0]].split("|") if choices else [None]:
            commands.append([choice if choices and i == choices[0] else w for i, w in enumerate(words)])
    return commands


def test_quickstart_has_two_commands_and_ci_runs_the_test_one():
    install_and_demo, test = quickstart()
    assert install_and_demo.endswith("dyads demo")
    assert test in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


def test_using_it_names_the_sample_and_every_command_is_checked():
    commands = using_it()
    assert all(c[0] == "dyads" for c in commands)
    assert {c[1] for c in commands} <= set(CHECKS)  # a new command needs its check below
    assert any(SAMPLE_ID in " ".join(c) for c in commands)


@pytest.fixture
def inputs(tmp_path):
    """What the README's placeholders name, in the folder the commands run in: ``story.txt`` is
    the bundled sample; the rest are stories we wrote (tests/fixtures)."""
    shutil.copy(sample_path(), tmp_path / "story.txt")
    (tmp_path / "news").mkdir()
    shutil.copy(FIXTURES / "fisheries-wire.txt", tmp_path / "news")
    (tmp_path / "pages").mkdir()
    shutil.copy(FIXTURES / "summit-page.html", tmp_path / "pages")
    shutil.copy(FIXTURES / "feed.jsonl", tmp_path / "feed.jsonl")
    (tmp_path / "archive").mkdir()
    for name in ("envoys-wire.txt", "quotes-wire.txt"):
        shutil.copy(FIXTURES / name, tmp_path / "archive")
    return tmp_path


@pytest.fixture(scope="module")
def scheduler():
    """A real Dask scheduler with one worker process on localhost, for ``tcp://scheduler:8786``."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_every_using_it_command_prints_rows_on_the_sample(run, inputs, scheduler, db):
    env = {"run": run, "dir": inputs, "scheduler": scheduler, "db": db}
    for args in using_it():
        CHECKS[args[1]](args[1:], env)


# -- one check per command: it ran, and printed what the README says -----------------------------


def _rows(text: str) -> list[str]:
    """A table's rows under its header and rule."""
    lines = text.strip().splitlines()
    assert len(lines) >= 3 and set(lines[1]) <= {"-", " "}, text
    return lines[2:]


def check_ingest(args, env):
    stdin = sample_path().read_bytes() if "-" in args else None
    result = env["run"](*args, input=stdin)
    ingested, duplicates, skipped = map(int, SUMMARY.match(result.err.strip().splitlines()[-1]).groups())
    if args == ["ingest", "--date", "2025-03-15", "story.txt"]:
        assert (ingested, duplicates, skipped) == (1, 0, 0)
    elif "-" in args:  # the sample again from story.txt and stdin; two bad lines of feed.jsonl
        assert ingested >= 3 and duplicates == 2 and skipped == 2, result.err
    elif "archive/" in args:
        assert ingested == 2 and duplicates == 0
    else:  # story.txt, stored already
        assert (ingested, duplicates) == (0, 1)


def check_articles(args, env):
    listed = json.loads(env["run"](*args).out)
    assert SAMPLE_ID in {a["id"] for a in listed}


def check_show(args, env):
    out = env["run"](*args).out
    if "--json" in args:
        article = json.loads(out)
        assert article["id"] == SAMPLE_ID and article["actors"] and article["sentences"]
    else:
        assert "Indonesia outpaces ASEAN" in out and "meeting" in out


def check_actors(args, env):
    assert any("Ingrid Solberg" in row for row in _rows(env["run"](*args).out))


def check_actor(args, env):
    out = env["run"](*args).out
    assert "Ingrid Solberg" in out and "Storting Foreign Affairs Committee Chair" in out


def check_events(args, env):
    events = json.loads(env["run"](*args).out)
    assert events and all(e["type"] == "CONSULT" and e["date"] >= "2025-03-01" for e in events)
    assert all("NOR" in {p["code"] for p in e["actors"]} for e in events)
    assert any(e["id"] == f"{SAMPLE_ID}:0" for e in events)


def check_export(args, env):
    kind, fmt = args[1], args[args.index("--format") + 1]
    assert args[-1] == "OUT"
    if fmt == "parquet":
        out = env["dir"] / f"{kind}.parquet"
        env["run"](*args[:-1], str(out))
        ids = [r[0] for r in duckdb.sql(f"SELECT id FROM '{out}'").fetchall()]
    else:
        text = env["run"](*args[:-1], "-").out
        if fmt in ("jsonl", "plover"):
            ids = [json.loads(line)["id"] for line in text.splitlines()]
        else:
            rows = csv.DictReader(io.StringIO(text), delimiter="\t" if fmt == "gdelt" else ",")
            ids = [row["EventId" if fmt == "gdelt" else "id"] for row in rows]
    assert ids, args
    prefix = {"events": f"{SAMPLE_ID}:", "quotes": f"{SAMPLE_ID}:q", "actors": ""}[kind]
    assert any(i.startswith(prefix) for i in ids)
    if kind == "actors":
        assert "person:ingrid-solberg" in ids


def check_quotes(args, env):
    quotes = json.loads(env["run"](*args).out)
    assert quotes and all(q["speaker"]["actor"]["name"] == "Ingrid Solberg" for q in quotes)
    assert all("clean energy" in q["text"] and "IDN" in {a["country"] for a in q["about"]} for q in quotes)


def check_rank(args, env):
    ranked = json.loads(env["run"](*args).out)["ranking"]
    first = ranked[0]
    assert (first["rank"], first["country"]) == (1, "IDN") and first["events"] and first["evidence"]


def check_dyads(args, env):
    pairs = json.loads(env["run"](*args).out)
    assert pairs and all("NOR" in (p["a"], p["b"]) for p in pairs)
    assert any({p["a"], p["b"]} == {"IDN", "NOR"} and p["events"] for p in pairs)


def check_dyad(args, env):
    rows = _rows(env["run"](*args).out)
    by_month = {r.split()[0]: int(r.split()[1]) for r in rows}
    assert by_month["2025-01-01"] and by_month["2025-03-01"] and by_month["2025-02-01"] == 0


def check_network(args, env):
    result = env["run"](*args)
    graph = (env["dir"] / args[args.index("--out") + 1]).read_text("utf-8")
    assert "written to" in result.err and "<graphml" in graph and '"NOR"' in graph and '"IDN"' in graph


def check_sql(args, env):
    assert any(row.split()[0] == "CONSULT" for row in _rows(env["run"](*args).out))


def check_serve(args, env):
    """``dyads serve`` as written but on a free port: it answers with the dashboard, then stops."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "dyads", *args, "--port", str(port)],
        cwd=env["dir"],
        env={**os.environ, "DYADS_DB": str(env["db"]), "PYTHONPATH": path},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/articles", timeout=5) as response:
                    listed = json.loads(response.read())
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "dyads serve did not start"
                time.sleep(0.2)
        assert SAMPLE_ID in {a["id"] for a in listed["rows"]}
    finally:
        process.terminate()
        process.wait(timeout=10)


def check_batch(args, env):
    """On the real local scheduler for the README's ``tcp://scheduler:8786``: archive/ is stored."""
    address = args.index("--dask") + 1
    assert args[address] == "tcp://scheduler:8786"
    result = env["run"](*args[:address], env["scheduler"], *args[address + 1 :])
    assert SUMMARY.match(result.err.strip().splitlines()[-1]).groups()[:2] == ("0", "2")


def check_eval(args, env):
    """The accuracy gate reads ../shared/data, not the sample: it is CI's second command."""
    assert args[:2] == ["eval", "gate"]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert re.search(r"dyads (-q )?" + re.escape(" ".join(args)), ci)


CHECKS = {
    "ingest": check_ingest,
    "articles": check_articles,
    "show": check_show,
    "actors": check_actors,
    "actor": check_actor,
    "events": check_events,
    "export": check_export,
    "quotes": check_quotes,
    "rank": check_rank,
    "dyads": check_dyads,
    "dyad": check_dyad,
    "network": check_network,
    "sql": check_sql,
    "serve": check_serve,
    "batch": check_batch,
    "eval": check_eval,
}
