"""Chart specifications for the dashboard: Vega-Lite (and Vega for the force-directed network),
rendered in the page by the vendored vega-embed. Data travels inside the spec.

    >>> spec = types_chart([{"value": "CONSULT", "count": 3}])
    >>> spec["mark"]["type"], spec["data"]["values"][0]["count"]
    ('bar', 3)
"""

from __future__ import annotations

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v6.json"  # a schema id, never fetched
VEGA = "https://vega.github.io/schema/vega/v6.json"
QUAD_LABELS = {"verbal_cooperation": "verbal cooperation", "material_cooperation": "material cooperation",
               "verbal_conflict": "verbal conflict", "material_conflict": "material conflict"}
QUAD_COLORS = ["#1a9850", "#91cf60", "#fc8d59", "#d73027"]
WIDTH = "container"
# Fill the container's width; heights are set per chart (a step per bar where bars are listed).
AUTOSIZE = {"type": "fit-x", "contains": "padding"}
# Height of one bar's band in bar charts (a fixed height: a discrete "step" height cannot fit).
BAR = 22


def types_chart(types: list[dict]) -> dict:
    """Events by PLOVER type: a horizontal bar chart."""
    return {
        "$schema": VEGA_LITE, "width": WIDTH, "height": BAR * len(types), "autosize": AUTOSIZE,
        "data": {"values": types},
        "mark": {"type": "bar", "color": "#4c78a8"},
        "encoding": {
            "y": {"field": "value", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "count", "type": "quantitative", "title": "events"},
            "tooltip": [{"field": "value", "title": "type"}, {"field": "count", "title": "events"}],
        },
    }


def dyad_chart(series: list[dict], *, a: str, b: str, by: str) -> dict:
    """A dyad over time: events stacked by quad class, and the mean Goldstein value beneath."""
    rows = [{"period": r["period"], "quad": QUAD_LABELS[q], "order": i, "events": r[q]}
            for r in series for i, q in enumerate(QUAD_LABELS)]
    means = [{"period": r["period"], "mean_goldstein": r["mean_goldstein"],
              "cooperation_share": r["cooperation_share"]} for r in series if r["events"]]
    time_unit = {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth", "year": "year"}[by]
    x = {"field": "period", "type": "temporal", "timeUnit": time_unit, "title": None}
    return {
        "$schema": VEGA_LITE, "autosize": AUTOSIZE,
        "title": f"{a}-{b} events per {by}",
        "vconcat": [
            {"width": WIDTH, "height": 180, "data": {"values": rows},
             "mark": {"type": "bar", "tooltip": True, "width": {"band": 0.85}},
             "encoding": {
                 "x": x,
                 "y": {"field": "events", "type": "quantitative", "aggregate": "sum", "title": "events"},
                 "color": {"field": "quad", "type": "nominal", "title": "quad class",
                           "scale": {"domain": list(QUAD_LABELS.values()), "range": QUAD_COLORS}},
                 "order": {"field": "order"},
             }},
            {"width": WIDTH, "height": 110, "data": {"values": means},
             "mark": {"type": "line", "point": True, "tooltip": True},
             "encoding": {
                 "x": x,
                 "y": {"field": "mean_goldstein", "type": "quantitative", "title": "mean Goldstein",
                       "scale": {"domain": [-10, 10]}},
             }},
        ],
        "resolve": {"scale": {"x": "shared"}},
    }


def ranking_chart(ranking: list[dict], *, target: str) -> dict:
    """Each ranked member's cooperative events (right, green) and conflictual ones (left, red),
    in rank order top to bottom."""
    rows = []
    for r in ranking:
        if r["events"]:
            name = r["name"] or r["country"]
            rows.append({"name": name, "rank": r["rank"], "kind": "cooperative", "events": r["cooperation"]})
            rows.append({"name": name, "rank": r["rank"], "kind": "conflictual", "events": -r["conflict"]})
    return {
        "$schema": VEGA_LITE, "width": WIDTH, "height": BAR * (len(rows) // 2), "autosize": AUTOSIZE,
        "title": f"Events with {target}: cooperative and conflictual",
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "sort": {"field": "rank"}, "title": None},
            "x": {"field": "events", "type": "quantitative", "title": "events (conflictual to the left)",
                  "axis": {"tickMinStep": 1}},
            "color": {"field": "kind", "type": "nominal", "title": None,
                      "scale": {"domain": ["cooperative", "conflictual"], "range": ["#1a9850", "#d73027"]}},
        },
    }


def ranking_periods_chart(by_period: list[dict], *, metric: str, per: str) -> dict:
    """Each member's metric per period: one line per member."""
    time_unit = {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth", "year": "year"}[per]
    rows = [{"period": r["period"], "country": r["country"], "value": r.get(metric), "rank": r["rank"]}
            for r in by_period]
    return {
        "$schema": VEGA_LITE, "width": WIDTH, "height": 200, "autosize": AUTOSIZE,
        "title": f"{metric} per {per}",
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "period", "type": "temporal", "timeUnit": time_unit, "title": None},
            "y": {"field": "value", "type": "quantitative", "title": metric},
            "color": {"field": "country", "type": "nominal"},
        },
    }


def network_chart(nodes: list[dict], edges: list[dict], *, height: int = 520) -> dict:
    """The network as a Vega force-directed graph: node size by events, edge width by weight,
    edge colour by mean Goldstein value (red conflict, green cooperation)."""
    index = {n["id"]: i for i, n in enumerate(nodes)}
    node_values = [{"index": i, "id": n["id"], "name": n["name"], "events": n["events_out"] + n["events_in"]}
                   for i, n in enumerate(nodes)]
    edge_values = [{"source": index[e["source"]], "target": index[e["target"]], "events": e["events"],
                    "goldstein": e["mean_goldstein"], "label": f"{e['source']}->{e['target']}"}
                   for e in edges if e["source"] in index and e["target"] in index]
    return {
        "$schema": VEGA, "autosize": "none", "height": height,
        "signals": [{"name": "width", "init": "containerSize()[0] || 800",
                     "on": [{"events": "window:resize", "update": "containerSize()[0] || 800"}]},
                    {"name": "cx", "update": "width / 2"}, {"name": "cy", "update": "height / 2"}],
        "data": [{"name": "node-data", "values": node_values}, {"name": "link-data", "values": edge_values}],
        "scales": [
            {"name": "size", "type": "sqrt", "domain": {"data": "node-data", "field": "events"},
             "range": [60, 900]},
            {"name": "tone", "type": "linear", "domain": [-10, 10], "range": ["#d73027", "#1a9850"],
             "clamp": True},
            {"name": "weight", "type": "sqrt", "domain": {"data": "link-data", "field": "events"},
             "range": [1, 6]},
        ],
        "marks": [
            {"name": "nodes", "type": "symbol", "zindex": 1, "from": {"data": "node-data"},
             "encode": {"enter": {"fill": {"value": "#4c78a8"}, "stroke": {"value": "white"},
                                  "size": {"scale": "size", "field": "events"},
                                  "tooltip": {"signal": "datum.name + ' (' + datum.id + '): ' + datum.events + ' events'"}}},
             "transform": [{"type": "force", "iterations": 300, "static": True,
                            "forces": [{"force": "center", "x": {"signal": "cx"}, "y": {"signal": "cy"}},
                                       {"force": "collide", "radius": 16},
                                       {"force": "nbody", "strength": -60},
                                       {"force": "link", "links": "link-data", "distance": 90}]}]},
            {"type": "text", "from": {"data": "nodes"}, "zindex": 2,
             "encode": {"update": {"x": {"field": "x"}, "y": {"field": "y", "offset": -10},
                                   "text": {"field": "datum.id"}, "align": {"value": "center"},
                                   "fontSize": {"value": 11}, "fill": {"value": "#222"}}}},
            {"type": "path", "from": {"data": "link-data"}, "interactive": True,
             "encode": {"update": {"stroke": {"scale": "tone", "field": "goldstein"},
                                   "strokeWidth": {"scale": "weight", "field": "events"},
                                   "strokeOpacity": {"value": 0.6},
                                   "tooltip": {"signal": "datum.label + ': ' + datum.events + ' events'"}}},
             "transform": [{"type": "linkpath", "shape": "curve",
                            "sourceX": "datum.source.x", "sourceY": "datum.source.y",
                            "targetX": "datum.target.x", "targetY": "datum.target.y"}]},
        ],
    }
