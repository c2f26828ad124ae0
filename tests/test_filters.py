"""Every declared filter (dyads.store.filters) through both surfaces: ``dyads ... --json`` and the
API list the same rows for it, and a bad value of it is a one-line error naming it on both."""

import json

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'dyads[web]'")

from fastapi.testclient import TestClient  # noqa: E402

from dyads.store import filters as declared  # noqa: E402
from dyads.web import create_app  # noqa: E402

# resource -> (CLI command, API path, the sort the CLI lists in)
SURFACES = {
    "articles": ("articles", "/api/articles", "-ingested"),
    "actors": ("actors", "/api/actors", "-mentions"),
    "events": ("events", "/api/events", "date"),
    "quotes": ("quotes", "/api/quotes", "-published"),
    "dyads": ("dyads", "/api/dyads", "-events"),
    "rankings": ("rank", "/api/rankings", None),
}
RANKING_QUESTION = {"target": "RUS", "among": "G7"}
# A value of each filter that picks some of the stored rows of tests/fixtures/relations.jsonl and the
# bundled sample; "@article" is the id prefix of the Japan-Russia fisheries story.
VALUES = {
    ("articles", "source"): "Dyads Wire",
    ("articles", "since"): "2018-03",
    ("articles", "until"): "2018-02",
    ("articles", "year"): "2018",
    ("articles", "place"): "tokyo",
    ("articles", "country"): "fra",
    ("articles", "actor"): "person:pavel-orlov",
    ("articles", "q"): "fisheries",
    ("actors", "country"): "RUS",
    ("actors", "kind"): "person",
    ("actors", "sector"): "gov",
    ("actors", "q"): "Orlov",
    ("events", "type"): "consult,agree",
    ("events", "quad_class"): "4",
    ("events", "mode"): "@mode",
    ("events", "actor"): "RUS",
    ("events", "recipient"): "JPN",
    ("events", "party"): "FRA",
    ("events", "between"): "USA,RUS",
    ("events", "since"): "2018-03",
    ("events", "until"): "2018-02-14",
    ("events", "year"): "2018",
    ("events", "article_id"): "@article",
    ("events", "place_country"): "JPN",
    ("events", "q"): "sanctions",
    ("events", "counted"): "1",
    ("quotes", "q"): "readiness",
    ("quotes", "speaker"): "Orlov",
    ("quotes", "country"): "RUS",
    ("quotes", "about"): "JPN",
    ("quotes", "kind"): "direct",
    ("quotes", "found_by"): "rules",
    ("quotes", "article_id"): "@article",
    ("quotes", "since"): "2018-02",
    ("quotes", "until"): "2018-01",
    ("dyads", "country"): "DEU",
    ("dyads", "since"): "2018-03",
    ("dyads", "until"): "2018-02",
    ("rankings", "target"): "DEU",
    ("rankings", "among"): "JPN,FRA,DEU",
    ("rankings", "since"): "2018-02",
    ("rankings", "until"): "2018-02",
    ("rankings", "metric"): "events",
    ("rankings", "per"): "month",
    ("rankings", "evidence"): "1",
    ("rankings", "count"): "reports",
}
# Filters whose value here picks every row (the test text has no negated or hypothetical event,
# only the rules' quotes, few years); the rest must pick fewer rows than the unfiltered listing.
PICKS_ALL = {
    ("articles", "source"),
    ("quotes", "found_by"),
    ("articles", "year"),
    ("events", "year"),
    ("events", "counted"),
    ("rankings", "count"),
}
# A bad value of each kind of filter (text filters take any text).
BAD = {
    declared.COUNTRY: "Japan",
    declared.PAIR: "JPN",
    declared.TYPES: "MEET",
    declared.QUADS: "5",
    declared.SINCE: "last spring",
    declared.UNTIL: "2018-13",
    declared.FLAG: "maybe",
    declared.AMONG: "G77",
}
FREE_TEXT = (declared.TEXT, declared.UPPER)
# The CLI runs as a process: the API's test client holds the database open in this one, and
# DuckDB opens a file once per process with one configuration.
pytestmark = pytest.mark.process

LISTED = [(r, f.name) for r in SURFACES for f in declared.RESOURCES[r].filters]


def _bad(f: declared.Filter) -> str:
    if f.kind in BAD:
        return BAD[f.kind]
    return "many" if f.kind.schema == "integer" else "nonsense"


@pytest.fixture(scope="module")
def client(relations_db):
    with TestClient(create_app(str(relations_db)), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def found(client):
    """The values the test text decides: an article's id prefix, a stored PLOVER mode."""
    [story] = client.get("/api/articles", params={"q": "Okhotsk"}).json()["rows"]
    modes = client.get("/api/events", params={"_facet": "mode", "_size": 1}).json()["facets"]["mode"]
    return {"@article": story["id"][:8], "@mode": next(m["value"] for m in modes if m["value"])}


def _value(resource: str, name: str, found: dict) -> str:
    value = VALUES[(resource, name)]
    return found.get(value, value)


def _api(client, resource: str, params: dict) -> dict | list:
    _, path, sort = SURFACES[resource]
    if resource == "rankings":
        return client.get(path, params={**RANKING_QUESTION, **params}).json()
    body = client.get(path, params={**params, "_size": 1000, "_sort": sort}).json()
    assert body.get("next") is None, "one page holds every row"
    return body["rows"]


def _cli(run, db, resource: str, params: dict, *, check: bool = True):
    command = SURFACES[resource][0]
    args = ["--db", str(db), command]
    if resource == "rankings":
        params = {**RANKING_QUESTION, **params}
    for name, value in params.items():
        f = declared.RESOURCES[resource].by_name[name]
        args += [f.option] if f.kind is declared.FLAG else [f.option, value]
    return run(*args, "--json", check=check)


@pytest.mark.parametrize("resource, name", LISTED)
def test_a_filter_lists_the_same_rows_on_the_cli_and_the_api(client, run, relations_db, found, resource, name):
    params = {name: _value(resource, name, found)}
    api = _api(client, resource, params)
    cli = json.loads(_cli(run, relations_db, resource, params).out)
    assert cli == api
    if resource == "rankings":
        assert api["ranking"] and api != _api(client, resource, {})
        return
    assert api, f"{resource} {params} picks no rows: the test value is wrong"
    if (resource, name) not in PICKS_ALL:
        assert len(api) < len(_api(client, resource, {})), f"{resource} {params} does not narrow the listing"


def test_quotes_speaker_is_one_thing_on_both_surfaces(client, run, relations_db):
    """The speaker filter matches an actor id, a part of the name, and a mention of the speaker."""
    by_id = _api(client, "quotes", {"speaker": "person:pavel-orlov"})
    by_name = _api(client, "quotes", {"speaker": "orlov"})
    assert by_id and by_id == by_name
    assert json.loads(_cli(run, relations_db, "quotes", {"speaker": "person:pavel-orlov"}).out) == by_id


BAD_CASES = [(r, n) for r, n in LISTED if declared.RESOURCES[r].by_name[n].kind not in FREE_TEXT]


@pytest.mark.parametrize("resource, name", BAD_CASES)
def test_a_bad_value_is_a_one_line_error_naming_the_filter(client, run, relations_db, resource, name):
    f = declared.RESOURCES[resource].by_name[name]
    value = _bad(f)
    path = SURFACES[resource][1]
    response = client.get(path, params={**(RANKING_QUESTION if resource == "rankings" else {}), name: value})
    body = response.json()
    assert response.status_code == 400 and body["parameter"] == name
    assert body["message"].startswith(f"{name} ") and "\n" not in body["message"]
    assert any(word in body["message"] for word in ("give", "choose")), "the message says the fix"
    if f.kind is declared.FLAG:
        return  # a flag on the command line takes no value
    result = _cli(run, relations_db, resource, {name: value}, check=False)
    [line] = [line for line in result.err.splitlines() if line.startswith("Error")]
    assert result.returncode == 2 and f"'{f.option}'" in line and repr(value) in line


def test_every_bad_kind_is_covered():
    """A new kind of filter needs a bad value here, or the test above passes it by."""
    kinds = {f.kind for r in SURFACES for f in declared.RESOURCES[r].filters}
    for kind in kinds - set(FREE_TEXT):
        assert kind in BAD or kind.schema == "integer" or kind.choices


@pytest.mark.parametrize("resource", list(SURFACES))
def test_the_cli_and_the_openapi_document_show_each_declared_filter(client, resource):
    from dyads.cli import cli

    command, path, _ = SURFACES[resource]
    options = {p.name: p for p in cli.commands[command].params}
    spec = client.get("/openapi.json").json()["paths"][path]["get"]["parameters"]
    documented = {p["name"]: p for p in spec}
    for f in declared.RESOURCES[resource].filters:
        assert f.option in options[f.name].opts
        assert f.help[1:] in options[f.name].help
        assert documented[f.name]["description"] == f.help
        assert documented[f.name]["required"] is (f.required and resource == "rankings")
    assert "_format" in documented and ("_size" in documented) is (resource != "rankings")


def test_the_ranking_metrics_are_the_declared_ones():
    from dyads import analysis

    assert tuple(analysis.METRICS) == declared.METRICS
    assert tuple(analysis.PERIODS) == declared.RANKINGS.by_name["per"].kind.choices


@pytest.mark.parametrize(
    "text, end, expected",
    [
        ("2018", False, "2018-01-01"),
        ("2018", True, "2018-12-31"),
        ("2018-02", True, "2018-02-28"),
        ("2016-02", True, "2016-02-29"),
        ("2018-12", True, "2018-12-31"),
        ("2018-03-09", True, "2018-03-09"),
    ],
)
def test_one_date_grammar(text, end, expected):
    assert declared.parse_date(text, end=end).isoformat() == expected


def test_articles_report_a_bad_date_against_its_own_flag(run, relations_db):
    result = run("--db", str(relations_db), "articles", "--until", "soon", check=False)
    assert result.returncode == 2 and "'--until'" in result.err and "--date" not in result.err


def test_a_missing_record_is_not_found_from_the_store_itself(client, relations_db):
    from dyads.errors import NotFound
    from dyads.store import Store

    with client.app.state.live.cursor() as con:  # the server's connection: one process opens a file once
        store = Store(con, str(relations_db), read_only=True)
        for read in (
            lambda: store.get_article("ffffffffffff"),
            lambda: store.actor_detail("person:nobody"),
            lambda: store.get_event("ffffffffffff", 0),
        ):
            with pytest.raises(NotFound, match="no (article|actor|event) with id"):
                read()
