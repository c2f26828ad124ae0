"""Quotes on the web: search, article highlighting, actor and ranking pages, on the quotes the real
pipeline finds in the stories we wrote."""

import json

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'dyads[web]'")

from fastapi.testclient import TestClient  # noqa: E402

from dyads.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(relations_db):
    with TestClient(create_app(str(relations_db)), raise_server_exceptions=False) as client:
        yield client


def test_quote_search(client):
    found = client.get("/api/quotes", params={"q": 'clean "bold steps"', "_facet": ["speaker", "kind"]}).json()
    assert found["available"] and found["count"] == 1
    [quote] = found["rows"]
    assert quote["speaker"]["actor"]["name"] == "Ingrid Solberg" and quote["speaker"]["text"] == "the lawmaker"
    assert "We clearly see" in quote["text"] and quote["cue"]["text"] == "said" and quote["headline"]
    assert found["facets"]["speaker"] == [{"value": "person:ingrid-solberg", "count": 1, "selected": False}]
    assert client.get("/api/quotes", params={"q": "steps clean"}).json()["count"] == 1  # any order
    assert client.get("/api/quotes", params={"q": "ener"}).json()["count"] >= 2  # a word's start
    assert client.get("/api/quotes", params={"q": "nergy"}).json()["count"] == 0  # not its middle
    assert {
        q["speaker"]["actor"]["country"] for q in client.get("/api/quotes", params={"country": "fra"}).json()["rows"]
    } == {"FRA"}
    assert client.get("/api/quotes", params={"q": "(unbalanced [regex"}).status_code == 200
    assert client.get("/api/quotes", params={"kind": "sarcastic"}).json()["parameter"] == "kind"


# A process of its own: this process holds the file open read-only for `client`, and DuckDB
# refuses a second connection to it with another configuration in the same process.
@pytest.mark.process
def test_api_and_cli_give_one_quote_shape(client, run, relations_db):
    cli = json.loads(run("--db", str(relations_db), "quotes", "--country", "FRA", "--json").out)
    api = client.get("/api/quotes", params={"country": "FRA", "_sort": "-published"}).json()["rows"]
    assert {json.dumps(q, sort_keys=True) for q in cli} == {json.dumps(q, sort_keys=True) for q in api}


def test_quotes_on_the_article_and_actor_pages(client):
    article = next(a for a in client.get("/api/articles").json()["rows"] if a["headline"].startswith("Indonesia"))
    detail = client.get(f"/api/articles/{article['id']}").json()
    n = next(i for i, q in enumerate(detail["quotes"]) if "We clearly see" in q["text"])
    page = client.get(f"/articles/{article['id']}").text
    assert (
        f'<mark class="quote" data-quote="{n}" title="quote of Ingrid Solberg">&#34;We clearly see' in page
        or f'<mark class="quote" data-quote="{n}" title="quote of Ingrid Solberg">"We clearly see' in page
    )
    assert f'<span class="speaker" data-quote="{n}">' in page and 'href="/actors/person:ingrid-solberg"' in page
    actor = client.get("/api/actors/person:ingrid-solberg").json()
    assert any("We clearly see" in q["text"] for q in actor["quotes"])
    assert "We clearly see" in client.get("/actors/person:ingrid-solberg").text


def test_rankings_list_the_quotes_behind_them(client):
    ranking = client.get("/api/rankings", params={"target": "RUS", "among": "G7"}).json()
    germany = next(r for r in ranking["ranking"] if r["country"] == "DEU")
    assert germany["quotes"] and all(q["speaker"]["actor"]["country"] == "DEU" for q in germany["quotes"])
    assert all("RUS" in [a["country"] for a in q["about"]] for q in germany["quotes"])


def test_hostile_quotes_are_escaped(client):
    found = client.get("/quotes", params={"q": "friendship"}).text
    assert "<img src=x" not in found and "&lt;img src=x onerror=alert(1)&gt;" in found
