"""Chart specs of the dashboard, as data: gaps stay gaps, a big network labels its heaviest nodes
only. tests/test_web_browser.py draws them in a real Chromium."""

from dyads import lexicons
from dyads.web.charts import (
    LABELED_NODES,
    NETWORK_MAX_HEIGHT,
    NETWORK_MIN_HEIGHT,
    dyad_chart,
    network_chart,
    ranking_periods_chart,
)


def month(period: str, events: int, goldstein: float | None = None) -> dict:
    return {
        "period": period,
        "events": events,
        "mean_goldstein": goldstein,
        "cooperation_share": 1.0 if events else None,
        "verbal_cooperation": events,
        "material_cooperation": 0,
        "verbal_conflict": 0,
        "material_conflict": 0,
    }


def test_the_goldstein_line_has_no_value_for_an_empty_month():
    series = [month("2018-01-01", 4, 3.5), month("2018-02-01", 0), month("2018-03-01", 3, 4.0)]
    line = dyad_chart(series, a="JPN", b="RUS", by="month")["vconcat"][1]
    assert [r["mean_goldstein"] for r in line["data"]["values"]] == [3.5, None, 4.0]
    assert line["mark"]["invalid"] == "break-paths-filter-domains"  # a null breaks the line


def network(n: int) -> tuple[list[dict], list[dict]]:
    nodes = [{"id": f"person:p{i}", "name": f"P {i}", "events_out": i, "events_in": 1} for i in range(n)]
    edges = [
        {"source": f"person:p{i}", "target": f"person:p{(i + 1) % n}", "events": 1, "mean_goldstein": 0.0}
        for i in range(n)
    ]
    return nodes, edges


def test_only_the_heaviest_nodes_are_labelled_by_name():
    nodes, edges = network(500)
    spec = network_chart(nodes, edges)
    values = spec["data"][0]["values"]
    labelled = [v for v in values if v["labeled"]]
    assert len(labelled) == LABELED_NODES
    assert {v["id"] for v in labelled} == {f"person:p{i}" for i in range(500 - LABELED_NODES, 500)}
    assert all(v["label"] == v["name"] for v in values)  # a person by name, not by id
    assert [v["index"] for v in values] == list(range(500))
    assert {(values[e["source"]]["id"], values[e["target"]]["id"]) for e in spec["data"][1]["values"]} == {
        (e["source"], e["target"]) for e in edges
    }
    assert (
        NETWORK_MIN_HEIGHT < spec["height"] <= NETWORK_MAX_HEIGHT
        and network_chart(*network(2000))["height"] == NETWORK_MAX_HEIGHT
    )
    assert network_chart(*network(3))["height"] == NETWORK_MIN_HEIGHT


def test_a_country_node_is_labelled_by_its_code():
    spec = network_chart(
        [
            {"id": "RUS", "name": "Russia", "events_out": 1, "events_in": 0},
            {"id": "JPNGOV", "name": "Japan", "events_out": 0, "events_in": 1},
        ],
        [{"source": "RUS", "target": "JPNGOV", "events": 1, "mean_goldstein": 1.0}],
    )
    assert [v["label"] for v in spec["data"][0]["values"]] == ["JPNGOV", "RUS"]


def test_groups_offered_are_those_with_members():
    lex = lexicons.load()
    offered = lex.member_groups
    assert {"G7", "ASEAN", "EU"} <= set(offered) and offered == sorted(offered)
    assert not {"AMNESTY", "RED_CROSS", "HRW", "MSF", "UN"} & set(offered)
    assert all(lex.groups[code].memberships for code in offered)


def test_a_members_line_breaks_at_its_periods_without_events():
    by_period = [
        {"period": "2018-01-01", "country": "JPN", "net": 3, "rank": 1},
        {"period": "2018-01-01", "country": "DEU", "net": -1, "rank": 2},
        {"period": "2018-03-01", "country": "JPN", "net": 2, "rank": 1},
    ]
    spec = ranking_periods_chart(by_period, metric="net", per="month")
    values = {(r["period"], r["country"]): r["value"] for r in spec["data"]["values"]}
    assert values == {
        ("2018-01-01", "DEU"): -1,
        ("2018-01-01", "JPN"): 3,
        ("2018-02-01", "DEU"): None,
        ("2018-02-01", "JPN"): None,
        ("2018-03-01", "DEU"): None,
        ("2018-03-01", "JPN"): 2,
    }
    assert spec["mark"]["invalid"] == "break-paths-filter-domains"
    assert ranking_periods_chart([], metric="net", per="month")["data"]["values"] == []
