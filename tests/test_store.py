import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from dyads.errors import QueryError, StoreError
from dyads.records import Analysis, Article, Dateline, Entity, Sentence
from dyads.store import Store
from dyads.store.migrations import MIGRATIONS

paragraph = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80).map(str.strip).filter(bool)


def make(headline="Head", body=("Body text.",), **kw):
    return Article(headline=headline, paragraphs=tuple(body), origin="t", **kw)


def test_migrations_apply_once(db):
    with Store.open(db) as store:
        assert store.migrate() == []
        names = [r[0] for r in store.con.execute("SELECT name FROM migrations ORDER BY name").fetchall()]
    assert names == [name for name, _ in MIGRATIONS]


def test_write_is_idempotent_and_keeps_rows(db):
    article = make(dateline=Dateline(raw="OSLO (AP) —", place="OSLO", agency="AP"),
                   published=dt.date(2020, 5, 1))
    analysis = Analysis(article, (Sentence(0, 0, 4, "headline", 0),),
                        (Entity(0, 6, 10, "GPE", "Body", 1),))
    with Store.open(db) as store:
        assert store.write([analysis, analysis]) == 1
        assert store.write([analysis]) == 0
        stored = store.get_article(article.id[:6])
    assert stored["dateline_agency"] == "AP" and stored["published"] == dt.date(2020, 5, 1)
    assert stored["sentences"] == [{"idx": 0, "start": 0, "end": 4, "section": "headline", "paragraph": 0}]
    assert stored["entities"][0]["label"] == "GPE"


def test_unknown_and_ambiguous_ids(db):
    with Store.open(db) as store:
        store.write([Analysis(make(headline=f"H{i}")) for i in range(40)])
        with pytest.raises(QueryError, match="no article"):
            store.get_article("zzzz")
        with pytest.raises(QueryError, match="several"):
            store.get_article("")


def test_read_only_open_of_missing_db_is_clear(tmp_path):
    with pytest.raises(StoreError, match="no database"):
        with Store.open(tmp_path / "none.duckdb", read_only=True):
            pass


def test_not_a_database_is_clear_and_untouched(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("my notes")
    with pytest.raises(StoreError, match="cannot open database"):
        with Store.open(path):
            pass
    assert path.read_text() == "my notes"


def test_failed_write_rolls_back_whole_batch(db):
    good = Analysis(make(headline="Good"))
    with Store.open(db) as store:
        store.write([good])
        bad = Analysis(make(headline="Bad"), sentences=(Sentence(0, 0, 1, "body", 0),
                                                        Sentence(0, 0, 1, "body", 0)))  # duplicate key
        with pytest.raises(duckdb.ConstraintException):
            store.write([Analysis(make(headline="Other")), bad])
        assert [a["headline"] for a in store.list_articles()] == ["Good"]


@settings(max_examples=40, deadline=None)
@given(headline=paragraph, body=st.lists(paragraph, min_size=1, max_size=4))
def test_round_trip(tmp_path_factory, headline, body):
    db = tmp_path_factory.mktemp("rt") / "t.duckdb"
    article = make(headline=headline, body=body)
    with Store.open(db) as store:
        store.write([Analysis(article)])
        stored = store.get_article(article.id)
    assert stored["headline"] == headline and stored["paragraphs"] == list(body)
    assert stored["text"] == article.text
