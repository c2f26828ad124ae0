"""Parallel ingest stores exactly what serial ingest stores; the lean pipeline reads what the full one does."""

import json

import pytest

from dyads import nlp as nlp_module, workers as workers_module
from dyads.config import Settings
from dyads.ingest import ingest
from dyads.pipeline import analyze, load_nlp
from dyads.readers import read_inputs
from dyads.records import Article
from dyads.samples import sample_path
from dyads.store import Store
from dyads.store.rows import table_rows

from conftest import FIXTURES, dump_tables, write_stories


def test_two_workers_store_what_one_does(tmp_path, monkeypatch):
    monkeypatch.setattr(workers_module, "TASKS_PER_WORKER", 5)  # recycle workers mid-run too
    stories = write_stories(tmp_path / "stories.jsonl", 60)
    inputs = [str(stories), str(stories), str(FIXTURES / "feed.jsonl"), str(FIXTURES / "envoys-wire.txt")]
    summaries = {}
    for workers in (1, 2):
        settings = Settings(db=str(tmp_path / f"w{workers}.duckdb"), batch_size=7, workers=workers)
        with Store.open(settings.db) as store:
            summaries[workers] = ingest(inputs, store=store, settings=settings)
    one, two = summaries[1], summaries[2]
    assert (one.ingested, one.duplicates, one.skipped) == (63, 60, 2)
    assert (two.ingested, two.duplicates, two.skipped) == (one.ingested, one.duplicates, one.skipped)
    assert two.article_ids == one.article_ids
    assert [(f.origin, f.reason) for f in two.failures] == [(f.origin, f.reason) for f in one.failures]
    serial, parallel = dump_tables(tmp_path / "w1.duckdb"), dump_tables(tmp_path / "w2.duckdb")
    assert len(serial["sentences"]) > 3 * 60 and len(serial["entities"]) > 60
    assert parallel == serial


def test_two_workers_with_the_quote_tagger_store_what_one_does(tmp_path):
    """Each worker loads the tagger on one thread; one process uses torch's default threads.
    The taggings are the same either way (checked on PolNeAR dev: not a bit differs)."""
    inputs = [str(write_stories(tmp_path / "stories.jsonl", 12)), str(FIXTURES / "envoys-wire.txt"), str(sample_path())]
    for workers in (1, 2):
        settings = Settings(db=str(tmp_path / f"w{workers}.duckdb"), batch_size=4, workers=workers, quotes="tagged")
        with Store.open(settings.db) as store:
            assert ingest(inputs, store=store, settings=settings).ingested == 14
    serial, parallel = dump_tables(tmp_path / "w1.duckdb"), dump_tables(tmp_path / "w2.duckdb")
    assert len(serial["quotes"]) > 12 and parallel == serial


@pytest.mark.process  # worker processes of a `dyads ingest` process
def test_cli_workers_flag_and_rerun_finishes(run, tmp_path):
    stories = write_stories(tmp_path / "stories.jsonl", 20)
    first = json.loads(run("ingest", "--workers", "2", "--batch-size", "4", "--json", str(stories)).out)
    assert first["ingested"] == 20 and len(first["article_ids"]) == 20
    again = json.loads(run("ingest", "--json", str(stories)).out)
    assert again["ingested"] == 0 and again["duplicates"] == 20


def test_lean_pipeline_gives_the_records_of_the_full_one():
    """Only the components in pipeline.COMPONENTS are loaded. A stage that reads a component
    not listed there (the parser's dep_, the tagger's pos_ ...) sees empty values and this
    test fails: add the component to COMPONENTS."""
    articles = [
        a
        for a in read_inputs([str(FIXTURES / "envoys-wire.txt"), str(sample_path())], settings=Settings())
        if isinstance(a, Article)
    ]
    lean, full = load_nlp(), nlp_module.load()
    assert set(lean.pipe_names) < set(full.pipe_names + ["senter"])
    for article in articles:
        assert table_rows([analyze(article, lean(article.text))], run_id=None, now=None) == table_rows(
            [analyze(article, full(article.text))], run_id=None, now=None
        ), article.origin


def test_batches_commit_together_unless_a_reader_waits(tmp_path, caplog):
    """Without readers, whole batches commit once they hold ``commit_every`` articles;
    while a reader waits for the database, every batch commits as it is done."""
    from dyads.store.live import StoreFile
    from dyads.store.locks import read_intent

    stories = write_stories(tmp_path / "stories.jsonl", 20)

    def commits(db: str) -> list[str]:
        caplog.clear()
        settings = Settings(db=db, batch_size=3, commit_every=7)
        with caplog.at_level("INFO", logger="dyads.ingest"), StoreFile(db) as store:
            assert ingest([str(stories)], store=store, settings=settings).ingested == 20
        return [r.getMessage() for r in caplog.records if r.getMessage().startswith("committed ")]

    # batches of 3: 3+3+3 = 9 >= 7, 9 again, then the last 2 at the end
    assert commits(str(tmp_path / "alone.duckdb")) == [
        "committed 9 new articles, 0 skipped",
        "committed 9 new articles, 0 skipped",
        "committed 2 new articles, 0 skipped",
    ]
    with read_intent(tmp_path / "read.duckdb"):
        assert len(commits(str(tmp_path / "read.duckdb"))) == 7  # ceil(20 / 3)
    assert dump_tables(tmp_path / "alone.duckdb") == dump_tables(tmp_path / "read.duckdb")
