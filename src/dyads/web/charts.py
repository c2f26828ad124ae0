"""Chart specifications for the dashboard: Vega-Lite (and Vega for the force-directed network),
rendered in the page by the vendored vega-embed. Data travels inside the spec.

    >>> spec = types_chart([{"value": "CONSULT", "count": 3}])
    >>> spec["mark"]["type"], spec["data"]["values"][0]["count"]
    ('bar', 3)
"""

from __future__ import annotations

import datetime as dt

from dyads.analysis import period_starts

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v6.json"  # a schema id, never fetched
VEGA = "https://vega.github.io/schema/vega/v6.json"
QUAD_LABELS = {
    "verbal_cooperation": "verbal cooperation",
    "material_cooperation": "material cooperation",
    "verbal_conflict": "verbal conflict",
    "material_conflict": "material conflict",
}
QUAD_COLORS = ["#1a9850", "#91cf60", "#fc8d59", "#d73027"]
WIDTH = "container"
# Fill the container's width; heights are set per chart (a step per bar where bars are listed).
AUTOSIZE = {"type": "fit-x", "contains": "padding"}
# Height of one bar's band in bar charts (a fixed height: a discrete "step" height cannot fit).
BAR = 22


def types_chart(types: list[dict]) -> dict:
    """Events by PLOVER type: a horizontal bar chart."""
    return {
        "$schema": VEGA_LITE,
        "width": WIDTH,
        "height": BAR * len(types),
        "autosize": AUTOSIZE,
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
    rows = [
        {"period": r["period"], "quad": QUAD_LABELS[q], "order": i, "events": r[q]}
        for r in series
        for i, q in enumerate(QUAD_LABELS)
    ]
    # Every period, the empty ones with no mean: the line breaks there instead of joining the
    # periods on either side as if the months between had events.
    means = [
        {
            "period": r["period"],
            "mean_goldstein": r["mean_goldstein"] if r["events"] else None,
            "cooperation_share": r["cooperation_share"] if r["events"] else None,
        }
        for r in series
    ]
    time_unit = {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth", "year": "year"}[by]
    x = {"field": "period", "type": "temporal", "timeUnit": time_unit, "title": None}
    return {
        "$schema": VEGA_LITE,
        "autosize": AUTOSIZE,
        "title": f"{a}-{b} events per {by}",
        "vconcat": [
            {
                "width": WIDTH,
                "height": 180,
                "data": {"values": rows},
                "mark": {"type": "bar", "tooltip": True, "width": {"band": 0.85}},
                "encoding": {
                    "x": x,
                    "y": {"field": "events", "type": "quantitative", "aggregate": "sum", "title": "events"},
                    "color": {
                        "field": "quad",
                        "type": "nominal",
                        "title": "quad class",
                        "scale": {"domain": list(QUAD_LABELS.values()), "range": QUAD_COLORS},
                    },
                    "order": {"field": "order"},
                },
            },
            {
                "width": WIDTH,
                "height": 110,
                "data": {"values": means},
                "mark": {"type": "line", "point": True, "tooltip": True, "invalid": "break-paths-filter-domains"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "mean_goldstein",
                        "type": "quantitative",
                        "title": "mean Goldstein",
                        "scale": {"domain": [-10, 10]},
                    },
                },
            },
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
        "$schema": VEGA_LITE,
        "width": WIDTH,
        "height": BAR * (len(rows) // 2),
        "autosize": AUTOSIZE,
        "title": f"Events with {target}: cooperative and conflictual",
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "sort": {"field": "rank"}, "title": None},
            "x": {
                "field": "events",
                "type": "quantitative",
                "title": "events (conflictual to the left)",
                "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "kind",
                "type": "nominal",
                "title": None,
                "scale": {"domain": ["cooperative", "conflictual"], "range": ["#1a9850", "#d73027"]},
            },
        },
    }


def ranking_periods_chart(by_period: list[dict], *, metric: str, per: str) -> dict:
    """Each member's metric per period: one line per member."""
    time_unit = {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth", "year": "year"}[per]
    rows = [
        {"period": r["period"], "country": r["country"], "value": r.get(metric), "rank": r["rank"]} for r in by_period
    ]
    # A member's periods without events get no value, so that its line breaks there instead
    # of joining the periods on either side.
    seen = {(r["period"], r["country"]) for r in rows}
    if rows:
        first, last = min(r["period"] for r in rows), max(r["period"] for r in rows)
        periods = [d.isoformat() for d in period_starts(dt.date.fromisoformat(first), dt.date.fromisoformat(last), per)]
        countries = sorted({r["country"] for r in rows})
        rows += [
            {"period": p, "country": c, "value": None, "rank": None}
            for p in periods
            for c in countries
            if (p, c) not in seen
        ]
        rows.sort(key=lambda r: (r["period"], r["country"]))
    return {
        "$schema": VEGA_LITE,
        "width": WIDTH,
        "height": 200,
        "autosize": AUTOSIZE,
        "title": f"{metric} per {per}",
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "tooltip": True, "invalid": "break-paths-filter-domains"},
        "encoding": {
            "x": {"field": "period", "type": "temporal", "timeUnit": time_unit, "title": None},
            "y": {"field": "value", "type": "quantitative", "title": metric},
            "color": {"field": "country", "type": "nominal"},
        },
    }


# Nodes whose id is written beside them: the heaviest, so that a 500-node network stays
# readable; the others name themselves on hover (tooltip). Thirty labels of 11 px ids fit an
# 800-pixel-wide frame without piling up in the screenshots at 40 and 500 nodes.
LABELED_NODES = 30
# Frame height: grows with the square root of the node count (an area per node), between these.
NETWORK_MIN_HEIGHT, NETWORK_MAX_HEIGHT = 420, 900
# Pixels kept clear inside the frame around the laid-out nodes (the largest symbol's radius
# and a label's height).
NETWORK_MARGIN = 24
# Most a small network's layout is enlarged to fill its frame: the 14-node test network at
# twice its simulated size spreads its labels apart without flinging nodes to the corners.
SMALL_NETWORK_GROWTH = 2


def network_chart(nodes: list[dict], edges: list[dict], *, height: int | None = None) -> dict:
    """The network as a Vega force-directed graph: node size by events, edge width by weight,
    edge colour by mean Goldstein value (red conflict, green cooperation).

    The layout is scaled into the frame after the simulation, so no node spills past it; only
    the ``LABELED_NODES`` heaviest nodes carry a label, every node a tooltip.

        >>> spec = network_chart([{"id": "JPN", "name": "Japan", "events_out": 2, "events_in": 1},
        ...                       {"id": "RUS", "name": "Russia", "events_out": 1, "events_in": 2}],
        ...                      [{"source": "JPN", "target": "RUS", "events": 2, "mean_goldstein": 1.0}])
        >>> [(n["id"], n["labeled"]) for n in spec["data"][0]["values"]]
        [('JPN', True), ('RUS', True)]
    """
    # Heaviest first: the label transform places labels in this order, so a light node's label
    # gives way to a heavy one's.
    ranked = sorted(nodes, key=lambda n: (-(n["events_out"] + n["events_in"]), n["id"]))
    index = {n["id"]: i for i, n in enumerate(ranked)}
    node_values = [
        {
            "index": i,
            "id": n["id"],
            "name": n["name"],
            "events": n["events_out"] + n["events_in"],
            "labeled": i < LABELED_NODES,
            "label": node_label(n),
        }
        for i, n in enumerate(ranked)
    ]
    edge_values = [
        {
            "source": index[e["source"]],
            "target": index[e["target"]],
            "events": e["events"],
            "goldstein": e["mean_goldstein"],
            "label": f"{e['source']}->{e['target']}",
        }
        for e in edges
        if e["source"] in index and e["target"] in index
    ]
    if height is None:
        height = max(NETWORK_MIN_HEIGHT, min(NETWORK_MAX_HEIGHT, round(40 * len(nodes) ** 0.5)))
    crowded = len(nodes) > 100  # smaller symbols and shorter links, so that a dense graph stays apart
    fit = _fit_to_frame(grow=crowded)
    return {
        "$schema": VEGA,
        "autosize": "none",
        "height": height,
        "signals": [
            {
                "name": "width",
                "init": "containerSize()[0] || 800",
                "on": [{"events": "window:resize", "update": "containerSize()[0] || 800"}],
            },
            {"name": "cx", "update": "width / 2"},
            {"name": "cy", "update": "height / 2"},
            {"name": "margin", "value": NETWORK_MARGIN},
        ],
        "data": [
            {
                "name": "node-data",
                "values": node_values,
                "transform": [
                    {"type": "formula", "as": "home_x", "expr": "width / 2"},
                    {"type": "formula", "as": "home_y", "expr": "height / 2"},
                ],
            },
            {"name": "link-data", "values": edge_values},
        ],
        "scales": [
            {
                "name": "size",
                "type": "sqrt",
                "domain": {"data": "node-data", "field": "events"},
                "range": [20, 300] if crowded else [60, 900],
            },
            {"name": "tone", "type": "linear", "domain": [-10, 10], "range": ["#d73027", "#1a9850"], "clamp": True},
            {
                "name": "weight",
                "type": "sqrt",
                "domain": {"data": "link-data", "field": "events"},
                "range": [0.5, 4] if crowded else [1, 6],
            },
        ],
        "marks": [
            {
                "name": "nodes",
                "type": "symbol",
                "zindex": 1,
                "from": {"data": "node-data"},
                "encode": {
                    "enter": {
                        "fill": {"value": "#4c78a8"},
                        "stroke": {"value": "white"},
                        "size": {"scale": "size", "field": "events"},
                        "tooltip": {"signal": "datum.name + ' (' + datum.id + '): ' + datum.events + ' events'"},
                    }
                },
                "transform": [
                    {
                        "type": "force",
                        "iterations": 300,
                        "static": True,
                        "forces": [
                            {"force": "center", "x": {"signal": "cx"}, "y": {"signal": "cy"}},
                            {"force": "collide", "radius": 8 if crowded else 16},
                            {"force": "nbody", "strength": -20 if crowded else -60},
                            {"force": "link", "links": "link-data", "distance": 40 if crowded else 90},
                            # a weak pull to the middle: a small component does not
                            # drift off and shrink the rest when the layout is fitted
                            {"force": "x", "x": "datum.home_x", "strength": 0.05},
                            {"force": "y", "y": "datum.home_y", "strength": 0.05},
                        ],
                    },
                    *fit,
                ],
            },
            {
                "type": "text",
                "from": {"data": "nodes"},
                "zindex": 2,
                "interactive": False,
                "encode": {
                    "update": {
                        "x": {"field": "x"},
                        "y": {"field": "y"},
                        "text": {"signal": "datum.datum.labeled ? datum.datum.label : ''"},
                        "fontSize": {"value": 11},
                        "fill": {"value": "#222"},
                    }
                },
                # Beside its node, where no other label is; a label with no room is left out (its
                # node still names itself on hover).
                "transform": [
                    {
                        "type": "label",
                        "size": {"signal": "[width, height]"},
                        "avoidBaseMark": False,
                        "anchor": ["top", "bottom", "right", "left"],
                        "offset": [4, 4, 4, 4],
                    }
                ],
            },
            {
                "type": "path",
                "from": {"data": "link-data"},
                "interactive": True,
                "encode": {
                    "update": {
                        "stroke": {"scale": "tone", "field": "goldstein"},
                        "strokeWidth": {"scale": "weight", "field": "events"},
                        "strokeOpacity": {"value": 0.35 if crowded else 0.6},
                        "tooltip": {"signal": "datum.label + ': ' + datum.events + ' events'"},
                    }
                },
                "transform": [
                    {
                        "type": "linkpath",
                        "shape": "curve",
                        "sourceX": "datum.source.x",
                        "sourceY": "datum.source.y",
                        "targetX": "datum.target.x",
                        "targetY": "datum.target.y",
                    }
                ],
            },
        ],
    }


def node_label(node: dict) -> str:
    """What a network node is labelled: a code (RUS, RUSGOV, G7) as it is, a person or an
    organisation (``person:ivan-belov``) by name."""
    return node["name"] if ":" in node["id"] else node["id"]


def _fit_to_frame(*, grow: bool) -> list[dict]:
    """Transforms after the force layout that scale it, one factor for both axes, into the
    frame less ``margin`` and centre it: the simulation alone lets a big graph spill out. A
    small layout grows at most ``SMALL_NETWORK_GROWTH`` times rather than spread a few nodes
    to the corners; a crowded one (``grow``) fills the frame, which spaces its nodes apart."""
    span = (
        f"min({'1e9' if grow else SMALL_NETWORK_GROWTH}, (width - 2 * margin) / max(datum.x1 - datum.x0, 1), "
        "(height - 2 * margin) / max(datum.y1 - datum.y0, 1))"
    )
    return [
        {
            "type": "joinaggregate",
            "fields": ["x", "x", "y", "y"],
            "ops": ["min", "max", "min", "max"],
            "as": ["x0", "x1", "y0", "y1"],
        },
        {"type": "formula", "as": "fit", "expr": span},
        {"type": "formula", "as": "x", "expr": "width / 2 + (datum.x - (datum.x0 + datum.x1) / 2) * datum.fit"},
        {"type": "formula", "as": "y", "expr": "height / 2 + (datum.y - (datum.y0 + datum.y1) / 2) * datum.fit"},
    ]
