"""Dyad series, rankings with evidence, the network, listings: on stories we wrote, through the real pipeline."""

import datetime as dt
import json

import pytest

from dyads import analysis
from dyads.errors import QueryError
from dyads.store import Store
from dyads.store.browse import ARTICLES, EVENTS, decode_token, encode_token, event_where


@pytest.fixture
def store(relations_db):
    with Store.open(relations_db, read_only=True) as store:
        yield store


def test_rank_puts_japan_first_among_g7_with_its_evidence(store):
    result = analysis.rank(store, "RUS", "G7")
    ranking = {r["country"]: r for r in result["ranking"]}
    assert result["ranking"][0]["country"] == "JPN" and ranking["JPN"]["rank"] == 1
    assert ranking["JPN"]["cooperation"] == ranking["JPN"]["events"] > 3 and ranking["JPN"]["conflict"] == 0
    assert [r["country"] for r in result["ranking"][1:4]] == ["DEU", "FRA", "USA"]  # a sanction weighs more
    assert all(ranking[c]["rank"] is None and ranking[c]["events"] == 0 for c in ("CAN", "GBR", "ITA"))
    assert ranking["USA"]["evidence"][0]["type"] == "SANCTION"
    articles = {}
    for row in result["ranking"]:
        for e in row["evidence"]:
            text = articles.setdefault(e["article_id"], store.get_article(e["article_id"])["text"])
            assert text[e["start"] : e["end"]] == e["sentence"]
            assert text[e["trigger"]["start"] : e["trigger"]["end"]] == e["trigger"]["text"]
            assert e["direction"] in ("both", f"{row['country']}->RUS", f"RUS->{row['country']}")


def test_rank_figures_match_the_events_they_count(store):
    result = analysis.rank(store, "RUS", "G7", evidence=100)
    for row in result["ranking"]:
        where, params = event_where(between=(row["country"], "RUS"), counted=True)
        listed = store.browse(EVENTS, where=where, params=params, size=100)
        assert listed["count"] == row["events"] == len(row["evidence"])
        assert sum(1 for e in listed["rows"] if e["quad_class"] <= 2) == row["cooperation"]


def test_rank_over_a_period_and_per_month(store):
    march = analysis.rank(store, "RUS", "G7", since=dt.date(2018, 3, 1), until=dt.date(2018, 3, 31), per="month")
    by_country = {r["country"]: r for r in march["ranking"]}
    assert by_country["JPN"]["events"] == 2 and by_country["DEU"]["events"] == 0 and by_country["FRA"]["events"] == 1
    assert {(r["period"], r["country"], r["rank"]) for r in march["by_period"]} == {
        ("2018-03-01", "JPN", 1),
        ("2018-03-01", "FRA", 2),
    }
    whole = analysis.rank(store, "RUS", "G7", per="month")
    assert sorted({r["period"] for r in whole["by_period"]}) == ["2018-01-01", "2018-02-01", "2018-03-01"]


def test_rank_the_bundled_sample(store):
    result = analysis.rank(store, "NOR", "ASEAN")
    top = result["ranking"][0]
    assert top["country"] == "IDN" and top["rank"] == 1 and top["evidence"]
    assert {e["type"] for e in top["evidence"]} >= {"ACCUSE"}
    assert all(r["rank"] is None for r in result["ranking"][1:])


@pytest.mark.parametrize(
    "among, since, until, expected",
    [
        ("G8", dt.date(2010, 1, 1), dt.date(2010, 12, 31), ("CAN", "DEU", "FRA", "GBR", "ITA", "JPN", "RUS", "USA")),
        ("G8", dt.date(2015, 1, 1), dt.date(2015, 12, 31), ("CAN", "DEU", "FRA", "GBR", "ITA", "JPN", "USA")),
        ("g7", None, None, ("CAN", "DEU", "FRA", "GBR", "ITA", "JPN", "USA")),
        ("jpn, deu", None, None, ("DEU", "JPN")),
    ],
)
def test_members_as_of_the_period(among, since, until, expected):
    assert analysis.members(among, since=since, until=until) == expected
    assert ("GBR" in analysis.members("EU", since=dt.date(2021, 1, 1))) is False


def test_dyad_series_by_month_fills_quiet_months(store):
    result = analysis.dyad_series(store, "JPN", "RUS", by="month")
    assert [(r["period"], r["events"]) for r in result["series"]] == [
        ("2018-01-01", 3),
        ("2018-02-01", 0),
        ("2018-03-01", 2),
    ]
    january = result["series"][0]
    assert january["cooperation_share"] == 1.0 and january["mean_goldstein"] is not None
    assert result["totals"]["events"] == 5 and result["left_out"] == {"undated": 0, "coarser": 0}
    assert result["evidence"][0]["date"].startswith("2018-03")
    one_way = analysis.dyad_series(store, "RUS", "JPN", by="month", directed=True)
    assert one_way["totals"]["events"] == sum(r["from_b"] for r in result["series"])
    assert all(e["direction"] in ("RUS->JPN", "both") for e in one_way["evidence"])
    weekly = analysis.dyad_series(store, "JPN", "RUS", by="week")
    assert sum(r["events"] for r in weekly["series"]) == 5 and weekly["series"][0]["period"] == "2018-01-22"


def test_dyad_of_a_story_without_a_year_says_what_it_left_out(store):
    result = analysis.dyad_series(store, "IDN", "NOR")
    assert result["totals"]["events"] >= 2 and result["left_out"]["undated"] >= 1
    assert (
        sum(r["events"] for r in result["series"]) + result["left_out"]["undated"] + result["left_out"]["coarser"]
        == result["totals"]["events"]
    )


def test_network_json_and_graphml(store, tmp_path):
    net = analysis.network(store)
    edges = {(e["source"], e["target"]): e for e in net["edges"]}
    assert edges[("DEU", "RUS")]["by_type"] == {"ACCUSE": 1}
    assert edges[("USA", "RUS")]["conflict"] == 1 and ("RUS", "USA") not in edges
    assert edges[("JPN", "RUS")]["events"] >= 3 and edges[("RUS", "JPN")]["events"] >= 3  # meetings go both ways
    assert {n["id"] for n in net["nodes"]} >= {"JPN", "RUS", "DEU", "USA"}
    networkx = pytest.importorskip("networkx")
    out = tmp_path / "net.graphml"
    analysis.write_network(net, out, "graphml")
    graph = networkx.read_graphml(out)
    assert graph.is_directed() and graph["DEU"]["RUS"]["type_ACCUSE"] == 1 and graph.nodes["DEU"]["name"] == "Germany"
    consults = analysis.network(store, types=["CONSULT"], level="actor")
    assert consults["edges"] and all(set(e["by_type"]) == {"CONSULT"} for e in consults["edges"])
    assert any(n["kind"] == "person" for n in consults["nodes"])
    analysis.write_network(net, tmp_path / "net.json", "json")
    assert json.loads((tmp_path / "net.json").read_text())["edges"] == net["edges"]


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda s: analysis.rank(s, "Russia", "G7"), "target"),
        (lambda s: analysis.rank(s, "RUS", "G77"), "among"),
        (lambda s: analysis.rank(s, "RUS", "G7", metric="love"), "metric"),
        (lambda s: analysis.rank(s, "RUS", "RUS"), "among"),
        (lambda s: analysis.dyad_series(s, "RUS", "XYZ"), "b"),
        (lambda s: analysis.dyad_series(s, "RUS", "JPN", by="fortnight"), "by"),
        (lambda s: analysis.network(s, level="galaxy"), "level"),
    ],
)
def test_bad_questions_name_the_parameter(store, call, parameter):
    with pytest.raises(QueryError) as error:
        call(store)
    assert error.value.parameter == parameter and "\n" not in str(error.value)


@pytest.mark.parametrize(
    "text, end, expected",
    [
        ("2018-03-09", False, dt.date(2018, 3, 9)),
        ("2018-02", True, dt.date(2018, 2, 28)),
        ("2018", False, dt.date(2018, 1, 1)),
        ("2016", True, dt.date(2016, 12, 31)),
        ("", False, None),
    ],
)
def test_period_bounds(text, end, expected):
    assert analysis.parse_day(text, parameter="since", end=end) == expected


@pytest.mark.parametrize("sort", ["date", "-date", "goldstein", "-goldstein", "type", "-score"])
def test_keyset_pages_add_up_to_the_whole_listing(store, sort):
    whole = store.browse(EVENTS, where=[], params=[], sort=sort, size=1000)
    seen, token = [], None
    while True:
        page = store.browse(EVENTS, where=[], params=[], sort=sort, size=3, after=token)
        seen += [(r["article_id"], r["idx"]) for r in page["rows"]]
        token = page["next"]
        if not token:
            break
    assert seen == [(r["article_id"], r["idx"]) for r in whole["rows"]] and len(seen) == whole["count"]


def test_tokens_and_facets(store):
    assert decode_token(encode_token([dt.date(2018, 1, 2), "x", 3])) == [dt.date(2018, 1, 2), "x", 3]
    for bad in ("nonsense!", encode_token(["only-one"])):
        with pytest.raises(QueryError) as error:
            store.browse(EVENTS, where=[], params=[], after=bad)
        assert error.value.parameter == "_next"
    page = store.browse(EVENTS, where=[], params=[], facets=["type", "actor"], size=1)
    types = {f["value"]: f["count"] for f in page["facets"]["type"]}
    assert types["CONSULT"] >= 3 and sum(types.values()) == page["count"]
    assert {"DEU", "USA", "FRA"} <= {f["value"] for f in page["facets"]["actor"]}
    with pytest.raises(QueryError):
        store.browse(ARTICLES, where=[], params=[], facets=["colour"])
    with pytest.raises(QueryError):
        store.browse(ARTICLES, where=[], params=[], sort="-colour")
