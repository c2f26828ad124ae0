"""No input can stall dyads: each pathological input is stored or recorded as a failure with
its reason, within its budget, and the rest of its folder is stored (issue 20).

All text here is generated from seeded made-up words (tests/conftest.py's stories and the
generator of benchmarks/runon.py); benchmarks/runon.py measures the cost per word.
"""

import datetime as dt
import json
import multiprocessing
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dyads.config import Settings
from dyads.errors import DyadsError
from dyads.ingest import ingest
from dyads.readers import read_inputs
from dyads.records import Article, Failure
from dyads.store import Store

from conftest import FIXTURES, write_stories

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import runon  # noqa: E402  (the benchmark's seeded word generator)

# The budget the tests give each article: far above what a real story takes (~0.03 s), far
# below the 60 s default, so an input over it costs the suite seconds, not minutes.
TEST_TIMEOUT = 8
QUOTE_MARKS = ("\u201c", '"', "\u00ab", "\u201d", "'")


def words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [runon.word(rng, rng.randint(1, 3)) for _ in range(n)]


def pathological_folder(folder: Path) -> dict[str, str]:
    """The inputs of the issue, each in a file of its own, beside two ordinary stories;
    name -> what it is."""
    folder.mkdir()
    (folder / "ordinary-1.txt").write_text((FIXTURES / "envoys-wire.txt").read_text("utf-8"), "utf-8")
    (folder / "ordinary-2.txt").write_text((FIXTURES / "fisheries-wire.txt").read_text("utf-8"), "utf-8")
    sentence = " ".join(words(60_000, seed=1))
    # A dateline makes it a story (without one, text with no sentence end reads as notes).
    (folder / "runon-60k.txt").write_text(f"Long list\n\nKAVONA, March 3 - {sentence}\n", "utf-8")
    (folder / "runon-60k-notes.txt").write_text(f"{sentence}\n", "utf-8")
    rng = random.Random(2)
    token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(1_000_000))
    (folder / "token-1mb.txt").write_text(f"One token\n\nKAVONA, March 3 - {token} said.\n", "utf-8")
    # 100,000 quotation marks, opening and closing at random, one before each short word.
    marks = " ".join(rng.choice(QUOTE_MARKS) + rng.choice(runon.SYLLABLES) for _ in range(100_000))
    (folder / "quotes-100k.txt").write_text(f"Quotes\n\nKAVONA, March 3 - Tamilo said {marks}.\n", "utf-8")
    (folder / "nested-10k.html").write_text(
        "<html><head><title>Nested</title></head><body>"
        + "<div>" * 10_000
        + "<p>Minister Kalo Renvor met envoys in Kavona on Monday, officials said.</p>"
        + "</div>" * 10_000
        + "</body></html>",
        "utf-8",
    )
    body = " ".join(words(200_000, seed=4)) * 25  # ~30 MB of words on one line
    with (folder / "huge-line.jsonl").open("w", encoding="utf-8") as f:
        f.write(json.dumps({"title": "Huge", "text": body}) + "\n")
        f.write(
            json.dumps(
                {
                    "title": "Envoys meet in Kavona",
                    "text": "Minister Kalo Renvor met envoys in Kavona on Monday, officials said.",
                }
            )
            + "\n"
        )
    numbers = ". ".join(" ".join(str(rng.randint(0, 99_999)) for _ in range(12)) for _ in range(2_000))
    (folder / "numbers.txt").write_text(f"{numbers}.\n", "utf-8")
    capitals = runon.punctuated(runon.sentences(10_000, seed=5)).upper()
    (folder / "capitals.txt").write_text(f"CAPITALS\n\n{capitals}\n", "utf-8")
    people = ". ".join(
        f"{runon.word(rng, 2).title()} {runon.word(rng, 3).title()} met "
        f"{runon.word(rng, 2).title()} {runon.word(rng, 3).title()} in Kavona"
        for _ in range(2_500)
    )
    (folder / "people-5000.txt").write_text(f"Crowded meeting\n\n{people}.\n", "utf-8")
    return {p.name: p.name for p in folder.iterdir()}


def stored_origins(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {Path(o.split(":")[0]).name for (o,) in con.execute("SELECT origin FROM articles").fetchall()}
    finally:
        con.close()


def failures_table(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {Path(o.split(":")[0]).name: r for o, r in con.execute("SELECT origin, reason FROM failures").fetchall()}
    finally:
        con.close()


@pytest.mark.process  # worker processes of a `dyads ingest` process, killed over budget
def test_every_pathological_input_is_stored_or_recorded_and_the_rest_of_its_folder_stored(run, db, tmp_path):
    before = write_stories(tmp_path / "before.jsonl", 3)
    run("ingest", str(before))
    folder = tmp_path / "hostile"
    pathological_folder(folder)
    started = time.monotonic()
    result = run("ingest", "--json", "--workers", "2", "--article-timeout", str(TEST_TIMEOUT), str(folder))
    elapsed = time.monotonic() - started
    summary = json.loads(result.out)
    failed = {Path(f["input"].split(":")[0]).name: f["reason"] for f in summary["failures"]}
    stored = stored_origins(db)
    outcome = {name: failed.get(name) or ("stored" if name in stored else None) for name in os.listdir(folder)}
    print(f"ingest of the hostile folder: {elapsed:.1f} s")
    for name, what in sorted(outcome.items()):
        print(f"  {name}: {what}")
    assert all(outcome.values()), outcome  # each stored or recorded with its reason
    assert {"ordinary-1.txt", "ordinary-2.txt", "huge-line.jsonl"} <= stored  # the folder's rest, the line after
    assert "before.jsonl" in stored  # nothing stored before is lost
    assert "reads as notes" in outcome["runon-60k-notes.txt"]
    assert "raise --max-article-chars" in failed["huge-line.jsonl"]
    assert "raise --max-article-chars" in outcome["token-1mb.txt"]
    for name, reason in failed.items():  # every reason says what to do
        assert "raise --" in reason or "give a" in reason or "fix" in reason, (name, reason)
    assert failures_table(db).keys() >= failed.keys()  # recorded in the database too


def test_an_article_over_its_time_budget_is_recorded_and_the_batch_goes_on(tmp_path):
    long_story = tmp_path / "long.txt"
    long_story.write_text("Long story\n\n" + runon.punctuated(runon.sentences(20_000, seed=6)), "utf-8")
    inputs = [str(FIXTURES / "envoys-wire.txt"), str(long_story), str(FIXTURES / "fisheries-wire.txt")]
    settings = Settings(db=str(tmp_path / "t.duckdb"), batch_size=3, article_timeout=2)
    with Store.open(settings.db) as store:
        summary = ingest(inputs, store=store, settings=settings)
    assert summary.ingested == 2
    assert [(f.origin, f.reason) for f in summary.failures] == [
        (str(long_story), "took more than 2 s; raise --article-timeout")
    ]
    assert failures_table(Path(settings.db)) == {"long.txt": "took more than 2 s; raise --article-timeout"}


def test_an_article_over_its_memory_budget_is_recorded(tmp_path):
    """A worker holds far more than 50 MB with the model loaded: each article is over."""
    settings = Settings(db=str(tmp_path / "t.duckdb"), article_memory_mb=50)
    with Store.open(settings.db) as store:
        summary = ingest(
            [str(FIXTURES / "envoys-wire.txt"), str(FIXTURES / "fisheries-wire.txt")], store=store, settings=settings
        )
    assert summary.ingested == 0
    assert [f.reason for f in summary.failures] == ["needed more than 50 MB; raise --article-memory-mb"] * 2


def test_a_worker_that_dies_is_replaced_and_its_article_recorded(tmp_path):
    long_story = tmp_path / "long.txt"
    long_story.write_text("Long story\n\n" + runon.punctuated(runon.sentences(20_000, seed=7)), "utf-8")
    inputs = [str(long_story), str(FIXTURES / "envoys-wire.txt")]
    settings = Settings(db=str(tmp_path / "t.duckdb"), batch_size=1)
    killed = []

    def kill_first_worker() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            for child in multiprocessing.active_children():
                time.sleep(1.0)  # into the long story's analysis
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)
                break
            time.sleep(0.05)

    threading.Thread(target=kill_first_worker, daemon=True).start()
    with Store.open(settings.db) as store:
        summary = ingest(inputs, store=store, settings=settings)
    assert killed and summary.ingested == 1
    [failure] = summary.failures
    assert failure.origin == str(long_story) and "worker process analyzing it died" in failure.reason


def test_budget_settings_are_checked(tmp_path):
    assert Settings.load(env={"DYADS_ARTICLE_TIMEOUT": "0"}).article_timeout == 0
    for bad in ({"article_timeout": -1}, {"article_memory_mb": 0}):
        try:
            Settings(**bad).check()
        except DyadsError as e:
            assert next(iter(bad)) in str(e)
        else:
            raise AssertionError(f"{bad} accepted")


SUFFIXES = [".txt", ".html", ".htm", ".jsonl", ".json", ".csv", ".tsv"]


@settings(
    max_examples=150,
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=5000), suffix=st.sampled_from(SUFFIXES))
def test_every_reader_on_random_bytes_gives_articles_or_failures_in_time(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for item in read_inputs([str(path)], settings=Settings()):
        assert isinstance(item, (Article, Failure)) or type(item).__name__ == "Unread"
        if isinstance(item, Failure):
            assert item.reason
