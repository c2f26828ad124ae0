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
    article = make(dateline=Dateline(raw="OSLO (AP) —", place="OSLO", agency="AP"), published=dt.date(2020, 5, 1))
    analysis = Analysis(article, (Sentence(0, 0, 4, "headline", 0),), (Entity(0, 6, 10, "GPE", "Body", 1),))
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
        bad = Analysis(
            make(headline="Bad"), sentences=(Sentence(0, 0, 1, "body", 0), Sentence(0, 0, 1, "body", 0))
        )  # duplicate key
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


def _story(headline: str, actor: str, recipient: str, *, published: dt.date) -> Analysis:
    """A one-sentence story "<actor> met <recipient>." with its two country actors and one event."""
    from dyads.records import Actor, Event, Mention

    article = Article(headline=headline, paragraphs=(f"{actor} met {recipient}.",), origin="t", published=published)
    text = article.text
    a, r = text.index(actor), text.rindex(recipient)
    actors = (
        Actor(id=actor, kind="country", name=actor, country=actor),
        Actor(id=recipient, kind="country", name=recipient, country=recipient),
    )
    mentions = (
        Mention(0, a, a + 3, 1, actor, "country", actor),
        Mention(1, r, r + 3, 1, recipient, "country", recipient),
    )
    event = Event(
        index=0,
        sentence=1,
        type="CONSULT",
        mode=None,
        cameo="040",
        cameo_root="04",
        goldstein=1.0,
        quad_class=1,
        score=2.5,
        contexts=(),
        actors=(actor,),
        recipients=(recipient,),
        actor_spans=((a, a + 3),),
        recipient_spans=((r, r + 3),),
        trigger_start=a + 4,
        trigger_end=a + 7,
        start=a,
        end=len(text),
        date=published,
        date_year=published.year,
        date_month=published.month,
        date_day=published.day,
        date_precision="day",
        date_source="published",
    )
    return Analysis(article, actors=actors, mentions=mentions, events=(event,))


def database_before(db, migration: str) -> duckdb.DuckDBPyConnection:
    """A connection to ``db`` holding the schema as it was before ``migration``."""
    older = [name for name, _ in MIGRATIONS].index(migration)
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    for name, sql in MIGRATIONS[:older]:
        con.execute(sql)
        con.execute("INSERT INTO migrations VALUES (?, now())", [name])
    return con


def test_migrations_fill_stored_pairs_and_actor_totals_of_an_older_database(db):
    """A database from before 0005/0006 upgrades: its events' pairs and actors' totals are filled,
    equal to what the writer stores for new articles and to what the old queries computed."""
    from dyads.store.analysis import EVENT_DYADS
    from dyads.store.rows import table_rows

    con = database_before(db, "0005_event_dyads")
    stories = [
        _story("One", "RUS", "JPN", published=dt.date(2018, 1, 26)),
        _story("Two", "JPN", "RUS", published=dt.date(2018, 2, 1)),
    ]
    existing = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    for table, (columns, rows) in table_rows(stories[:1], run_id=None, now=dt.datetime(2018, 1, 27)).items():
        if table not in existing:  # article_keys came with 0011
            continue
        # Columns added by later migrations (events.found_by in 0010 ...) were not there yet.
        had = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
        }
        keep = [i for i, c in enumerate(columns) if c in had]
        names = ", ".join(f'"{columns[i]}"' for i in keep)
        for row in rows:
            con.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(keep))})", [row[i] for i in keep])
    computed = con.execute(EVENT_DYADS + " SELECT * FROM event_dyads ORDER BY ALL").fetchall()
    old_actors = con.execute("SELECT * FROM actors ORDER BY id").fetchall()
    con.close()
    with Store.open(db) as store:
        stored = store.con.execute("SELECT * FROM event_country_pairs ORDER BY ALL").fetchall()
        actors = store.con.execute("SELECT * FROM actors ORDER BY id").fetchall()
        store.write(stories[1:])
        series = store.dyad_series("RUS", "JPN", by="month")
        totals = {row["id"]: row for row in store.list_actors()}
    assert stored == computed and {(r[2], r[3]) for r in stored} == {("RUS", "JPN")}
    assert actors == old_actors
    assert [(r["period"], r["events"], r["from_a"], r["from_b"]) for r in series] == [
        (dt.date(2018, 1, 1), 1, 1, 0),
        (dt.date(2018, 2, 1), 1, 0, 1),
    ]
    assert (totals["RUS"]["articles"], totals["RUS"]["mentions"]) == (2, 2)


def test_quotes_stored_before_found_by_read_as_the_rules(db):
    """A database from before 0009 upgrades: its quotes were the rules', and say so."""
    from dyads.records import Quote

    con = database_before(db, "0009_quote_found_by")
    con.execute(
        'INSERT INTO quotes (article_id, idx, start, "end", part_starts, part_ends, part_texts, content, '
        "kind, sentence, speaker_kind, about_ids, about_names, about_countries) "
        "VALUES ('old', 0, 0, 4, [0], [4], ['Head'], 'Head', 'direct', 0, 'none', [], [], [])"
    )
    con.close()
    article = make(body=("They fear the truce will fail.",))
    added = Quote(index=0, start=15, end=37, parts=((15, 37),), kind="indirect", sentence=1, found_by="tagger")
    with Store.open(db) as store:
        store.write([Analysis(article, quotes=(added,))])
        found = store.con.execute("SELECT article_id, found_by FROM quotes ORDER BY article_id = 'old'").fetchall()
    assert found == [(article.id, "tagger"), ("old", "rules")]


def test_actor_totals_are_recounted_now_and_then_and_at_the_end_of_a_run(db):
    """A recount scans the mentions table, so the writer notes the actors each batch touches
    and recounts them every ACTOR_TOTALS_EVERY_S seconds and when a run finishes."""
    from dyads.records import IngestSummary

    with Store.open(db) as store:
        run_id = store.start_run("ingest", model=None)
        store.write([_story("One", "RUS", "JPN", published=dt.date(2018, 1, 26))])  # the first write recounts
        assert store.list_actors(country="RUS")[0]["articles"] == 1
        store.write([_story("Two", "JPN", "RUS", published=dt.date(2018, 2, 1))])  # within the interval
        assert store.list_actors(country="RUS")[0]["articles"] == 1
        assert store.con.execute("SELECT count(*) FROM actor_totals_stale").fetchone()[0] > 0
        store.finish_run(run_id, IngestSummary())
        assert store.list_actors(country="RUS")[0]["articles"] == 2
        assert store.con.execute("SELECT count(*) FROM actor_totals_stale").fetchone()[0] == 0


def test_short_sessions_do_not_recount_actor_totals_every_batch(db):
    """A StoreFile that lets go of the file between batches (a reader waits) still recounts
    only every ACTOR_TOTALS_EVERY_S: the time of the last recount goes from session to session."""
    from dyads.records import IngestSummary
    from dyads.store.live import StoreFile

    with StoreFile(db) as file:
        with file.writing() as store:
            run_id = store.start_run("ingest", model=None)
            store.write([_story("One", "RUS", "JPN", published=dt.date(2018, 1, 26))])
        file.close()  # as when a reader waits
        with file.writing() as store:
            store.write([_story("Two", "JPN", "RUS", published=dt.date(2018, 2, 1))])
            assert store.list_actors(country="RUS")[0]["articles"] == 1  # not recounted yet
        file.close()
        with file.writing() as store:
            store.finish_run(run_id, IngestSummary())
            assert store.list_actors(country="RUS")[0]["articles"] == 2
