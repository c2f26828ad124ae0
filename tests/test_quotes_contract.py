"""Quote search, quotes on article, actor and ranking pages, against the columns the quotes stage
stores (see ``store/browse.py`` QUOTES). Until that stage lands in this database, the quotes table is
built here by hand from spans of our own fixture stories; once it has landed, these tests step aside
and the browser test of the sample article's quotes runs on the real thing."""

import shutil

import duckdb
import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'dyads[web]'")

from fastapi.testclient import TestClient  # noqa: E402

from dyads.web import create_app  # noqa: E402

QUOTES_TABLE = """CREATE TABLE quotes (
    article_id VARCHAR, idx INTEGER, start INTEGER, "end" INTEGER, kind VARCHAR, sentence INTEGER,
    speaker_id VARCHAR, speaker_kind VARCHAR, speaker_start INTEGER, speaker_end INTEGER,
    cue_start INTEGER, cue_end INTEGER, about VARCHAR[])"""
# (story headline, quote content, speaker as written, cue, speaker id, actors the quote names)
QUOTES = [
    ("Japan and Russia sign fisheries accord", "We welcome Japan's readiness to work with us,", "Orlov", "told",
     "person:pavel-orlov", ["JPN"]),
    ("Indonesia outpaces ASEAN", "We clearly see that Indonesia is taking bold steps on clean energy",
     "the lawmaker", "said", "person:ingrid-solberg", ["IDN"]),
    ("<script>", 'We value "<img src=x onerror=alert(1)>" friendship,', "the French minister", "said", None, []),
]


@pytest.fixture(scope="module")
def client(relations_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("quotes") / "with-quotes.duckdb"
    shutil.copy(relations_db, path)
    con = duckdb.connect(str(path))
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'quotes'").fetchone()[0]:
        con.close()
        pytest.skip("the quotes stage has landed: its own tests and the browser test cover quotes")
    con.execute(QUOTES_TABLE)
    for idx, (headline, content, speaker, cue, speaker_id, about) in enumerate(QUOTES):
        article_id, text = con.execute("SELECT id, text FROM articles WHERE starts_with(headline, ?)",
                                       [headline]).fetchone()
        start = text.index(content)
        speaker_start = text.index(speaker, start)
        cue_start = text.index(cue, start)
        sentence = con.execute('SELECT idx FROM sentences WHERE article_id = ? AND start <= ? AND "end" > ?',
                               [article_id, start, start]).fetchone()[0]
        actor_ids = [r[0] for r in con.execute(
            "SELECT actor_id FROM article_actors WHERE article_id = ? AND kind = 'country' AND sector IS NULL "
            "AND country IN (SELECT unnest(?::VARCHAR[]))", [article_id, about]).fetchall()]
        con.execute("INSERT INTO quotes VALUES (?, ?, ?, ?, 'direct', ?, ?, ?, ?, ?, ?, ?, ?)",
                    [article_id, idx, start, start + len(content), sentence, speaker_id,
                     "name" if speaker_id and speaker[0].isupper() else "nominal", speaker_start,
                     speaker_start + len(speaker), cue_start, cue_start + len(cue), actor_ids])
    con.close()
    with TestClient(create_app(str(path)), raise_server_exceptions=False) as client:
        yield client


def test_quote_search(client):
    found = client.get("/api/quotes", params={"q": 'clean "bold steps"', "_facet": ["speaker", "country"]}).json()
    assert found["available"] and found["count"] == 1
    [quote] = found["rows"]
    assert quote["speaker"] == "Ingrid Solberg" and quote["speaker_text"] == "the lawmaker"
    assert quote["content"].startswith("We clearly see") and quote["cue"] == "said"
    assert found["facets"]["speaker"] == [{"value": "person:ingrid-solberg", "count": 1, "selected": False}]
    assert client.get("/api/quotes", params={"q": "steps clean"}).json()["count"] == 1  # any order
    assert client.get("/api/quotes", params={"q": "ener"}).json()["count"] == 1  # a word's start
    assert client.get("/api/quotes", params={"q": "nergy"}).json()["count"] == 0  # not its middle
    assert client.get("/api/quotes", params={"country": "RUS"}).json()["rows"][0]["speaker"] == "Pavel Orlov"
    assert client.get("/api/quotes", params={"q": "(unbalanced [regex"}).status_code == 200


def test_quotes_on_the_article_actor_and_ranking(client):
    article = next(a for a in client.get("/api/articles").json()["rows"] if a["headline"].startswith("Indonesia"))
    page = client.get(f"/articles/{article['id']}").text
    assert '<mark class="quote" data-quote="0" title="quote of Ingrid Solberg">We clearly see' in page
    assert '<span class="speaker" data-quote="0">' in page and 'href="/actors/person:ingrid-solberg"' in page
    actor = client.get("/api/actors/person:ingrid-solberg").json()
    assert [q["content"][:14] for q in actor["quotes"]] == ["We clearly see"]
    ranking = client.get("/api/rankings", params={"target": "RUS", "among": "G7"}).json()
    japan = ranking["ranking"][0]
    assert japan["country"] == "JPN" and [q["speaker"] for q in japan["quotes"]] == ["Pavel Orlov"]
    assert "Pavel Orlov" in client.get("/rankings", params={"target": "RUS", "among": "G7"}).text


def test_hostile_quotes_are_escaped(client):
    found = client.get("/quotes", params={"q": "friendship"}).text
    assert "<img src=x" not in found and "&lt;img src=x onerror=alert(1)&gt;" in found
