"""``dyads batch`` on a real two-process Dask LocalCluster stores exactly what serial ingest stores."""

import json

import duckdb
import pytest

from dyads.config import Settings
from dyads.errors import DyadsError
from dyads.ingest import ingest
from dyads.store import Store
from dyads.store.rows import TABLES

from conftest import FIXTURES, RUN_COLUMNS, dump_tables, write_stories

distributed = pytest.importorskip("distributed")
from dyads.batch import batch, connect  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture
def inputs(tmp_path):
    stories = write_stories(tmp_path / "stories.jsonl", 40)
    return [str(stories), str(FIXTURES / "feed.jsonl"), str(FIXTURES / "envoys-wire.txt"), str(stories)]


def serial(tmp_path, inputs):
    settings = Settings(db=str(tmp_path / "serial.duckdb"))
    with Store.open(settings.db) as store:
        ingest(inputs, store=store, settings=settings)
    return dump_tables(tmp_path / "serial.duckdb")


def test_batch_into_database_equals_serial_ingest(cluster, tmp_path, inputs):
    settings = Settings(db=str(tmp_path / "batch.duckdb"), batch_size=8)
    with Store.open(settings.db) as store:
        summary = batch(inputs, scheduler=cluster.scheduler_address, settings=settings, store=store, partition_size=9)
        assert (summary.ingested, summary.duplicates, summary.skipped) == (43, 40, 2)
        again = batch(inputs, scheduler=cluster.scheduler_address, settings=settings, store=store)
        assert (again.ingested, again.duplicates) == (0, 83)
    assert dump_tables(tmp_path / "batch.duckdb") == serial(tmp_path, inputs)


def test_batch_to_parquet_equals_serial_ingest(cluster, tmp_path, inputs):
    out = tmp_path / "dataset"
    summary = batch(inputs, scheduler=cluster.scheduler_address, settings=Settings(), out=out, partition_size=9)
    assert summary.ingested == 43
    expected, con = serial(tmp_path, inputs), duckdb.connect()
    for table, (columns, _) in TABLES.items():
        kept = ", ".join(f'"{c}"' for c in columns if c not in RUN_COLUMNS)
        rows = con.execute(f"SELECT {kept} FROM read_parquet('{out / table}/*.parquet')").fetchall()
        assert sorted(rows, key=repr) == expected[table], table
    again = batch(inputs, scheduler=cluster.scheduler_address, settings=Settings(), out=out, partition_size=9)
    assert again.ingested == 0 and again.duplicates == 83


def test_batch_with_the_quote_tagger_equals_serial_ingest(cluster, tmp_path):
    inputs = [str(FIXTURES / "envoys-wire.txt"), str(FIXTURES / "feed.jsonl")]
    stored = {}
    for how in ("serial", "batch"):
        settings = Settings(db=str(tmp_path / f"{how}.duckdb"), quotes="tagged")
        with Store.open(settings.db) as store:
            if how == "serial":
                ingest(inputs, store=store, settings=settings)
            else:
                batch(inputs, scheduler=cluster.scheduler_address, settings=settings, store=store, partition_size=2)
        stored[how] = dump_tables(tmp_path / f"{how}.duckdb")
    assert stored["batch"] == stored["serial"] and stored["batch"]["quotes"]


def test_cli_batch_against_a_scheduler(cluster, run, tmp_path, inputs):
    result = run("batch", *inputs, "--dask", cluster.scheduler_address, "--json")
    assert json.loads(result.out)["ingested"] == 43
    assert len(json.loads(run("articles", "--json").out)) == 43


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(DyadsError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with connect("tcp://127.0.0.1:9", workers=1, timeout="2s"):
            pass


def test_missing_dask_says_what_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    with pytest.raises(DyadsError, match=r"pip install 'dyads\[dask\]'"):
        with connect("local", workers=1):
            pass


def test_batch_explains_itself(run):
    result = run("batch", "-h")
    assert "Example" in result.out and "--dask" in result.out


def test_cli_batch_counts_a_files_date_warnings_in_one_line(cluster, run, tmp_path):
    feed = tmp_path / "crawl.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps(
                {
                    "title": f"Envoys meet in {place}",
                    "date": "2019-11 (crawl period)",
                    "text": f"{place.upper()} (AP) - The envoys of Norway and Peru met in {place} on trade.",
                }
            )
            for place in ("Oslo", "Lima")
        )
        + "\n"
    )
    result = run("batch", str(feed), "--dask", cluster.scheduler_address)
    assert [line for line in result.err.splitlines() if line.startswith("note")] == [
        f"note: 2 records in {feed} had a date field that is no full date; their publication dates were "
        f"left to the dateline; give dates as YYYY-MM-DD (first {feed}:1; -v lists each)"
    ]
    notes = json.loads(run("batch", str(feed), "--dask", cluster.scheduler_address, "--json").out)["notes"]
    assert [n["input"] for n in notes] == [f"{feed}:1", f"{feed}:2"]
