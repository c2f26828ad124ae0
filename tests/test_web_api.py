"""The JSON API and the pages through the real app (in-process client), on stories we wrote."""

import csv
import io
import json

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'dyads[web]'")

from fastapi.testclient import TestClient  # noqa: E402

from dyads.web import create_app  # noqa: E402

ERROR_KEYS = {"ok", "status", "error", "message", "parameter"}


@pytest.fixture(scope="module")
def client(relations_db):
    with TestClient(create_app(str(relations_db)), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def hostile_id(client):
    [row] = client.get("/api/articles", params={"q": "Envoys"}).json()["rows"]
    return row["id"]


def test_index_and_openapi(client):
    index = client.get("/api").json()
    assert index["ok"] and index["counts"]["articles"] == 5 and index["counts"]["events"] > 10
    spec = client.get("/openapi.json").json()
    assert {
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/actors",
        "/api/events",
        "/api/quotes",
        "/api/dyads",
        "/api/dyads/{a}/{b}",
        "/api/rankings",
        "/api/network",
    } <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"type", "actor", "between", "since", "_size", "_next", "_sort", "_facet", "_format"} <= params
    assert client.get("/docs").status_code == 404  # its page would load a CDN script


def test_events_listing_filters_facets_and_pages(client):
    everything = client.get("/api/events", params={"_size": 1000}).json()
    consults = client.get("/api/events", params={"type": "consult", "_facet": ["type", "actor"]}).json()
    assert 0 < consults["count"] < everything["count"] and {e["type"] for e in consults["rows"]} == {"CONSULT"}
    assert consults["facets"]["type"] == [{"value": "CONSULT", "count": consults["count"], "selected": True}]
    assert {"JPN", "RUS"} <= {f["value"] for f in consults["facets"]["actor"]}
    seen, url, params = [], "/api/events", {"_size": 4, "_sort": "-goldstein"}
    while url:
        page = client.get(url, params=params).json()
        seen += [e["id"] for e in page["rows"]]
        url, params = page["next_url"], None
    assert len(seen) == len(set(seen)) == everything["count"]
    between = client.get("/api/events", params={"between": "USA,RUS", "counted": 1}).json()
    assert [e["type"] for e in between["rows"]] == ["SANCTION"]
    assert between["rows"][0]["evidence"]["sentence"].startswith("The United States imposed sanctions")


def test_other_listings(client):
    articles = client.get("/api/articles", params={"_facet": "year", "_sort": "published"}).json()
    assert articles["count"] == 5 and articles["rows"][0]["published"] == "2018-01-26"
    assert {"value": 2018, "count": 4, "selected": False} in articles["facets"]["year"]
    people = client.get("/api/actors", params={"kind": "person", "country": "rus"}).json()
    assert {a["name"] for a in people["rows"]} >= {"Pavel Orlov", "Ivan Belov"}
    dyads = client.get("/api/dyads").json()
    assert (dyads["rows"][0]["a"], dyads["rows"][0]["b"]) == ("JPN", "RUS")
    quotes = client.get("/api/quotes", params={"q": "energy"})
    assert quotes.status_code == 200 and "rows" in quotes.json()
    ruled = client.get("/api/quotes", params={"found_by": "rules"}).json()
    assert ruled["count"] > 0 and {q["found_by"] for q in ruled["rows"]} == {"rules"}
    assert client.get("/api/quotes", params={"found_by": "tagger"}).json()["count"] == 0  # built without it
    bad = client.get("/api/quotes", params={"found_by": "model"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "found_by"


# A process of its own: this process holds the file open read-only for `client`, and DuckDB
# refuses a second connection to it with another configuration in the same process.
@pytest.mark.process
def test_analyses_agree_with_the_cli(client, run, relations_db):
    api = client.get("/api/rankings", params={"target": "RUS", "among": "G7"}).json()
    cli = json.loads(run("--db", str(relations_db), "rank", "--target", "RUS", "--among", "G7", "--json").out)
    assert api == cli and api["ranking"][0]["country"] == "JPN"
    series = client.get("/api/dyads/jpn/RUS", params={"by": "month"}).json()
    assert [r["events"] for r in series["series"]] == [3, 0, 2] and series["a"]["code"] == "JPN"
    net = client.get("/api/network", params={"type": "ACCUSE"}).json()
    assert {(e["source"], e["target"]) for e in net["edges"]} == {("DEU", "RUS"), ("FRA", "RUS"), ("IDN", "NOR")}
    graphml = client.get("/api/network", params={"_format": "graphml"})
    assert graphml.status_code == 200 and graphml.text.startswith("<graphml")


def test_csv_exports(client):
    events = list(csv.DictReader(io.StringIO(client.get("/api/events", params={"_format": "csv"}).text)))
    assert events and {"id", "type", "sentence", "actor_codes"} <= set(events[0])
    ranking = list(
        csv.DictReader(
            io.StringIO(client.get("/api/rankings", params={"target": "RUS", "among": "G7", "_format": "csv"}).text)
        )
    )
    assert [r["country"] for r in ranking][0] == "JPN" and "evidence" not in ranking[0]
    series = client.get("/api/dyads/JPN/RUS", params={"_format": "csv"})
    assert series.headers["content-type"].startswith("text/csv") and series.text.startswith("period,")


def test_records_by_id(client, hostile_id):
    article = client.get(f"/api/articles/{hostile_id[:8]}").json()
    assert article["id"] == hostile_id and article["events"] and "quotes" in article
    event = client.get(f"/api/events/{article['events'][0]['id']}").json()
    assert event["evidence"]["sentence"] in article["text"]
    actor = client.get("/api/actors/person:pavel-orlov").json()
    assert actor["name"] == "Pavel Orlov" and actor["events"] and actor["titles_over_time"]


@pytest.mark.parametrize(
    "url, params, parameter",
    [
        ("/api/events", {"tpye": "CONSULT"}, "tpye"),
        ("/api/events", {"type": "MEET"}, "type"),
        ("/api/events", {"_size": "0"}, "_size"),
        ("/api/events", {"_size": "many"}, "_size"),
        ("/api/events", {"_next": "garbage!"}, "_next"),
        ("/api/events", {"_sort": "colour"}, "_sort"),
        ("/api/events", {"_facet": "colour"}, "_facet"),
        ("/api/events", {"since": "last spring"}, "since"),
        ("/api/events", {"between": "JPN"}, "between"),
        ("/api/events", {"quad_class": "5"}, "quad_class"),
        ("/api/articles", {"country": "Japan"}, "country"),
        ("/api/rankings", {"among": "G7"}, "target"),
        ("/api/rankings", {"target": "RUS", "among": "G77"}, "among"),
        ("/api/rankings", {"target": "RUS", "among": "G7", "metric": "vibes"}, "metric"),
        ("/api/dyads/JPN/XXX", {}, "b"),
        ("/api/dyads/JPN/RUS", {"by": "fortnight"}, "by"),
        ("/api/network", {"_format": "gexf"}, "_format"),
        ("/api/articles/abc", {"x": "1"}, "x"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, url, params, parameter):
    response = client.get(url, params=params)
    body = response.json()
    assert response.status_code == 400 and set(body) == ERROR_KEYS
    assert body["ok"] is False and body["status"] == 400 and body["parameter"] == parameter
    assert parameter in body["message"] and "\n" not in body["message"]


@pytest.mark.parametrize(
    "url", ["/api/articles/ffffffffffff", "/api/actors/person:nobody", "/api/events/abc:9", "/api/nothing-here"]
)
def test_unknown_ids_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and set(response.json()) == ERROR_KEYS
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/articles",
        "/events",
        "/events?type=ACCUSE",
        "/quotes",
        "/actors",
        "/actors/person:ingrid-solberg",
        "/dyads",
        "/dyads/JPN/RUS",
        "/rankings",
        "/rankings?target=RUS&among=G7&per=month",
        "/network",
        "/network?level=actor",
    ],
)
def test_pages_render_with_their_json_twin(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    if path != "/rankings":
        assert 'class="twin"' in response.text


def test_pages_escape_hostile_text(client, hostile_id):
    for path in (f"/articles/{hostile_id}", "/articles", "/events", "/"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<b>meet</b>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html or path == "/events"
    article = client.get(f"/articles/{hostile_id}").text
    assert 'class="mention' in article and 'class="trigger' in article


def test_error_pages(client):
    missing = client.get("/articles/ffffffffffff")
    assert missing.status_code == 404 and "no article with id" in missing.text
    bad = client.get("/events", params={"_size": "-1"})
    assert bad.status_code == 400 and "_size" in bad.text


def test_the_server_cannot_write(client):
    with client.app.state.live.cursor() as con, pytest.raises(Exception, match="(?i)read-only|read only"):
        con.execute("CREATE TABLE x (a INTEGER)")


def test_the_ranking_form_keeps_the_question(client):
    page = client.get("/rankings", params={"target": "RUS", "among": "G7", "since": "2018"}).text
    assert 'name="target" value="RUS"' in page and 'name="among" value="G7"' in page and 'value="2018"' in page
    assert "/events?between=JPN,RUS&counted=1&since=2018-01-01" in page  # each figure links to its events


def test_a_database_from_before_the_stages_is_refused_with_the_fix(tmp_path):
    import duckdb

    from dyads.errors import StoreError

    old = tmp_path / "old.duckdb"
    duckdb.connect(str(old)).execute("CREATE TABLE articles (id VARCHAR)").close()
    with pytest.raises(StoreError, match="run `dyads ingest` on it once"):
        create_app(str(old))
    with pytest.raises(StoreError, match="no database at"):
        create_app(str(tmp_path / "missing.duckdb"))
