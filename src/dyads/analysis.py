"""Ask the headline's question: dyad series, rankings of a group's members, the actor network.

"Japan outdoes G7 in fostering ties with Russia" is a query over many stories:
rank the G7 members by cooperation with Russia, month by month, and show the
events behind each number. Every figure here counts stored events between two
countries (see ``store/analysis.py`` for how events become country pairs) and
comes with the events, and their sentences, that make it. By default an event that
several articles report counts once, as one event cluster (``store/clusters.py``);
``count="reports"`` counts every report, as GDELT's event rows do.

    >>> members("G8", since=dt.date(2015, 1, 1), until=dt.date(2015, 12, 31))
    ('CAN', 'DEU', 'FRA', 'GBR', 'ITA', 'JPN', 'USA')
    >>> members("jpn, usa")
    ('JPN', 'USA')
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from dyads import lexicons, views
from dyads.errors import MissingDependency, QueryError
from dyads.store import Store
from dyads.store.analysis import PRECISIONS
from dyads.store.clusters import COUNT_MODES
from dyads.store.filters import parse_date

log = logging.getLogger(__name__)

PERIODS = tuple(PRECISIONS)  # day, week, month, year
LEVELS = ("country", "actor")
NETWORK_FORMATS = ("graphml", "json")
# What a ranking sorts by, each a function of a member's figures (higher ranks first).
METRICS = {
    "net": lambda f: f["cooperation"] - f["conflict"],
    "cooperation": lambda f: f["cooperation"],
    "share": lambda f: f["cooperation_share"],
    "score": lambda f: f["mean_score"],
    "goldstein": lambda f: f["mean_goldstein"],
    "events": lambda f: f["events"],
}
# Most empty periods a series fills between its first and last: ten years of days.
MAX_FILLED_PERIODS = 3700
QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


def parse_day(value: str | None, *, parameter: str, end: bool = False) -> dt.date | None:
    """A period bound as a date, in the one grammar of every date filter (``store.filters.parse_date``):
    YYYY-MM-DD, or YYYY-MM / YYYY for its first day (its last with ``end``).

        >>> parse_day("2018-02", parameter="until", end=True)
        datetime.date(2018, 2, 28)

    Raises:
        QueryError: not such a date.
    """
    if value is None or not str(value).strip():
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value, end=end)
    except ValueError as e:
        raise QueryError(f"{parameter} {e}", parameter=parameter) from e


def country_code(code: str, *, parameter: str = "country") -> str:
    """``code`` as a known ISO 3166 alpha-3 country code, upper-cased.

    Raises:
        QueryError: not a known alpha-3 code.
    """
    value = (code or "").strip().upper()
    if value not in lexicons.load().countries:
        raise QueryError(
            f"{parameter} {code!r} is not an ISO 3166 alpha-3 country code; give one like RUS or JPN",
            parameter=parameter,
        )
    return value


def members(
    among: str, *, since: dt.date | None = None, until: dt.date | None = None, parameter: str = "among"
) -> tuple[str, ...]:
    """The countries a ranking compares: a group's members at any time in the period
    (from its founding when ``since`` is None, to today when ``until`` is None), or a
    comma-separated list of ISO 3166 alpha-3 codes.

    Raises:
        QueryError: an unknown group or country code.
    """
    groups = lexicons.load().groups
    group = next((g for code, g in groups.items() if code.upper() == among.strip().upper()), None)
    if group:
        end = until or dt.date.today()
        return tuple(
            sorted(
                {
                    m.iso3
                    for m in group.memberships
                    if (m.since is None or m.since <= end) and (m.until is None or since is None or m.until > since)
                }
            )
        )
    codes = [c for c in among.replace(";", ",").split(",") if c.strip()]
    if len(codes) == 1 and codes[0].strip().upper() not in lexicons.load().countries:
        raise QueryError(
            f"{parameter} {among!r} is neither a group nor a country code; give a group "
            f"({', '.join(sorted(groups))}) or ISO 3166 alpha-3 codes such as JPN,USA,DEU",
            parameter=parameter,
        )
    return tuple(sorted({country_code(c, parameter=parameter) for c in codes}))


def check_count(count: str, *, parameter: str = "count") -> str:
    """``count`` if it is a way of counting ("clusters", "reports").

    Raises:
        QueryError: it is neither.
    """
    if count not in COUNT_MODES:
        raise QueryError(
            f"{parameter} {count!r} is not a way of counting; choose clusters (an event reported "
            "by several articles counts once) or reports (every report, as GDELT)",
            parameter=parameter,
        )
    return count


def group_name(among: str) -> str | None:
    """The name of the group ``among`` names ("G7" -> "Group of Seven"), None for a list of codes."""
    group = next((g for code, g in lexicons.load().groups.items() if code.upper() == among.strip().upper()), None)
    return group.name if group else None


def country_name(code: str | None) -> str | None:
    """The short name of an ISO 3166 alpha-3 code, None when it is not one."""
    country = lexicons.load().countries.get(code or "")
    return country.name if country else None


def dyad_series(
    store: Store,
    a: str,
    b: str,
    *,
    by: str = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
    directed: bool = False,
    include_groups: bool = True,
    evidence: int = 20,
    count: str = "clusters",
) -> dict:
    """The events between two countries over time, with totals and the newest events as evidence.

    Each period gives event counts by quad class, the cooperation share, the mean
    PLOVER score and Goldstein value, and how many events came from each side.
    Periods without events between the first and the last are filled with zeros.

    Args:
        a, b: ISO 3166 alpha-3 codes.
        by: "day", "week", "month" or "year".
        directed: only events from ``a`` to ``b``.
        include_groups: also count events of a group ``a`` or ``b`` belongs to ("the G7").
        count: "clusters" (default): an event reported by several articles counts once
            (``store/clusters.py``); "reports": every stored report counts, as GDELT's rows do.

    Example:
        >>> import tempfile, os
        >>> with Store.open(os.path.join(tempfile.mkdtemp(), "t.duckdb")) as store:
        ...     dyad_series(store, "RUS", "JPN")["totals"]["events"]
        0
    """
    a, b = country_code(a, parameter="a"), country_code(b, parameter="b")
    if by not in PERIODS:
        raise QueryError(f"by {by!r} is not a period; choose one of {', '.join(PERIODS)}", parameter="by")
    options = {
        "since": since,
        "until": until,
        "directed": directed,
        "include_groups": include_groups,
        "count": check_count(count),
    }
    rows = store.dyad_series(a, b, by=by, **options)
    totals = store.dyad_series(a, b, by=None, **options)
    return {
        "a": {"code": a, "name": country_name(a)},
        "b": {"code": b, "name": country_name(b)},
        "by": by,
        "period": {"since": _iso(since), "until": _iso(until)},
        "directed": directed,
        "include_groups": include_groups,
        "count": count,
        "totals": figures(totals[0] if totals else {}),
        "series": [
            {"period": r["period"].isoformat(), **figures(r), "from_a": r["from_a"], "from_b": r["from_b"]}
            for r in _filled(rows, by)
        ],
        "left_out": store.dyad_left_out(a, b, by=by, **options),
        "evidence": [views.evidence_view(e, a=a, b=b) for e in store.dyad_evidence(a, b, limit=evidence, **options)],
    }


def rank(
    store: Store,
    target: str,
    among: str,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    metric: str = "net",
    per: str | None = None,
    evidence: int = 5,
    count: str = "clusters",
) -> dict:
    """Rank countries by their relations with ``target``, with the events behind each figure.

    Args:
        target: ISO 3166 alpha-3 code ("RUS").
        among: a group ("G7", as of the period) or ISO codes ("JPN,USA,DEU").
        metric: what ranks first: "net" (cooperative minus conflictual events, the default),
            "cooperation", "share", "score" (mean PLOVER score), "goldstein", "events".
        per: also rank within each "day", "week", "month" or "year".
        evidence: events listed per member (direct ones first, then via a group), and as many
            quotes: the member's speakers on the target and the target's on the member.
        count: "clusters" (default) or "reports", as for ``dyad_series``.

    Members with no events are listed last, unranked. Events of unknown date count
    only when no period is given.

    Example:
        >>> import tempfile, os
        >>> with Store.open(os.path.join(tempfile.mkdtemp(), "t.duckdb")) as store:
        ...     [(r["country"], r["rank"]) for r in rank(store, "RUS", "G7")["ranking"]][:2]
        [('CAN', None), ('DEU', None)]
    """
    target = country_code(target, parameter="target")
    if metric not in METRICS:
        raise QueryError(
            f"metric {metric!r} is not a ranking metric; choose one of {', '.join(METRICS)}", parameter="metric"
        )
    if per is not None and per not in PERIODS:
        raise QueryError(f"per {per!r} is not a period; choose one of {', '.join(PERIODS)}", parameter="per")
    codes = [c for c in members(among, since=since, until=until) if c != target]
    if not codes:
        raise QueryError(f"among {among!r} has no members besides {target} in the period", parameter="among")
    count = check_count(count)
    overall = {r["member"]: r for r in store.rank_members(target, codes, since=since, until=until, count=count)}
    proof: dict[str, list] = {}
    for row in store.rank_evidence(target, codes, since=since, until=until, limit=evidence, count=count):
        proof.setdefault(row["member"], []).append(views.evidence_view(row, a=row["member"], b=target))
    said: dict[str, list] = {}
    if store.has_table("quotes"):
        for row in store.rank_quotes(target, codes, since=since, until=until, limit=evidence):
            said.setdefault(row["member"], []).append(views.quote_listing(row))
    ranking = _ranked(
        [
            {
                "country": c,
                "name": country_name(c),
                **figures(overall.get(c, {})),
                "direct": (overall.get(c) or {}).get("direct", 0),
                "from_member": (overall.get(c) or {}).get("from_member", 0),
                "evidence": proof.get(c, []),
                "quotes": said.get(c, []),
            }
            for c in codes
        ],
        metric,
    )
    result = {
        "target": {"code": target, "name": country_name(target)},
        "among": {
            "code": among.strip().upper() if group_name(among) else None,
            "name": group_name(among),
            "members": codes,
        },
        "period": {"since": _iso(since), "until": _iso(until)},
        "metric": metric,
        "count": count,
        "ranking": ranking,
    }
    if per:
        rows = store.rank_members(target, codes, since=since, until=until, per=per, count=count)
        by_period: dict[dt.date, list] = {}
        for r in rows:
            by_period.setdefault(r["period"], []).append(
                {"country": r["member"], "name": country_name(r["member"]), **figures(r)}
            )
        result["per"] = per
        result["by_period"] = [
            {"period": p.isoformat(), **row} for p in sorted(by_period) for row in _ranked(by_period[p], metric)
        ]
    return result


def figures(row: dict) -> dict:
    """The public figures of a group of events: counts by quad class, cooperation share, means."""
    quads = {q: row.get(q) or 0 for q in QUADS}
    events = row.get("events") or 0
    cooperation = quads["verbal_cooperation"] + quads["material_cooperation"]
    conflict = quads["verbal_conflict"] + quads["material_conflict"]
    return {
        "events": events,
        **quads,
        "cooperation": cooperation,
        "conflict": conflict,
        "net": cooperation - conflict,
        "cooperation_share": round(cooperation / events, 4) if events else None,
        "mean_score": _round(row.get("mean_score")),
        "mean_goldstein": _round(row.get("mean_goldstein")),
    }


def _ranked(rows: list[dict], metric: str) -> list[dict]:
    """Rows in rank order with ``rank`` (1 = best); rows without events last with rank None.
    Ties on the metric go to the higher mean PLOVER score, then to more events."""
    key = METRICS[metric]

    def order(r):  # the metric, then the mean score (a sanction weighs more than a rebuke), then volume
        value, score = key(r), r["mean_score"]
        return (
            -(value if value is not None else float("-inf")),
            -(score if score is not None else 0),
            -r["events"],
            r["country"],
        )

    with_events = sorted((r for r in rows if r["events"]), key=order)
    without = sorted((r for r in rows if not r["events"]), key=lambda r: r["country"])
    return [{"rank": i, **r} for i, r in enumerate(with_events, 1)] + [{"rank": None, **r} for r in without]


def network(
    store: Store,
    *,
    level: str = "country",
    since: dt.date | None = None,
    until: dt.date | None = None,
    types: list[str] | None = None,
    country: str | None = None,
    min_weight: int = 1,
    count: str = "clusters",
) -> dict:
    """The directed, weighted network of who did what to whom.

    Nodes are countries (``level="country"``; a group stands for its members) or
    actors (``level="actor"``: people, governments, groups). An edge counts the
    events from source to target, by PLOVER type, with their mean score and
    Goldstein value; a reciprocal event makes an edge each way. ``count`` "clusters" (default)
    counts an event reported by several articles once, "reports" every report.

    Example:
        >>> import tempfile, os
        >>> with Store.open(os.path.join(tempfile.mkdtemp(), "t.duckdb")) as store:
        ...     network(store)["edges"]
        []
    """
    if level not in LEVELS:
        raise QueryError(
            f"level {level!r} is not a network level; choose one of {', '.join(LEVELS)}", parameter="level"
        )
    if min_weight < 1:
        raise QueryError(f"min_weight must be 1 or more, got {min_weight}", parameter="min_weight")
    country = country_code(country, parameter="country") if country else None
    edges: dict[tuple[str, str], dict] = {}
    count = check_count(count)
    for row in store.network_edges(level=level, since=since, until=until, types=types, country=country, count=count):
        edge = edges.setdefault(
            (row["source"], row["target"]),
            {
                "source": row["source"],
                "target": row["target"],
                "events": 0,
                "cooperation": 0,
                "score_sum": 0.0,
                "goldstein_sum": 0.0,
                "by_type": {},
            },
        )
        edge["events"] += row["events"]
        edge["cooperation"] += row["cooperation"]
        edge["score_sum"] += row["score_sum"]
        edge["goldstein_sum"] += row["goldstein_sum"]
        edge["by_type"][row["type"]] = row["events"]
    kept = [_edge(e) for e in edges.values() if e["events"] >= min_weight]
    return {
        "level": level,
        "period": {"since": _iso(since), "until": _iso(until)},
        "types": list(types or []),
        "count": count,
        "nodes": _nodes(store, kept, level),
        "edges": sorted(kept, key=lambda e: (-e["events"], e["source"], e["target"])),
    }


def _edge(e: dict) -> dict:
    return {
        "source": e["source"],
        "target": e["target"],
        "events": e["events"],
        "cooperation": e["cooperation"],
        "conflict": e["events"] - e["cooperation"],
        "mean_score": _round(e["score_sum"] / e["events"]),
        "mean_goldstein": _round(e["goldstein_sum"] / e["events"]),
        "by_type": dict(sorted(e["by_type"].items())),
    }


def _nodes(store: Store, edges: list[dict], level: str) -> list[dict]:
    ids = sorted({e["source"] for e in edges} | {e["target"] for e in edges})
    known = store.actor_names(ids) if level == "actor" else {}
    nodes = []
    for node_id in ids:
        out_events = sum(e["events"] for e in edges if e["source"] == node_id)
        in_events = sum(e["events"] for e in edges if e["target"] == node_id)
        info = known.get(node_id, {})
        nodes.append(
            {
                "id": node_id,
                "name": info.get("name") or country_name(node_id) or node_id,
                "kind": info.get("kind") or ("country" if country_name(node_id) else "other"),
                "country": info.get("country") or (node_id if country_name(node_id) else None),
                "events_out": out_events,
                "events_in": in_events,
            }
        )
    return nodes


def network_graphml(net: dict) -> str:
    """The network as GraphML (for Gephi, Cytoscape, networkx), per-type counts as ``type_X`` attributes.

    Raises:
        MissingDependency: networkx is not installed.
    """
    try:
        import networkx
    except ImportError as e:
        raise MissingDependency("networkx", "network") from e
    graph = networkx.DiGraph(level=net["level"], since=net["period"]["since"] or "", until=net["period"]["until"] or "")
    for node in net["nodes"]:
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id" and v is not None})
    for edge in net["edges"]:
        attrs = {k: v for k, v in edge.items() if k not in ("source", "target", "by_type") and v is not None}
        attrs.update({f"type_{t}": n for t, n in edge["by_type"].items()})
        attrs["weight"] = edge["events"]
        graph.add_edge(edge["source"], edge["target"], **attrs)
    return "\n".join(networkx.generate_graphml(graph)) + "\n"


def write_network(net: dict, out: Path, fmt: str) -> None:
    """Write the network to ``out`` as GraphML or JSON."""
    if fmt not in NETWORK_FORMATS:
        raise QueryError(
            f"format {fmt!r} is not a network format; choose one of {', '.join(NETWORK_FORMATS)}", parameter="format"
        )
    text = network_graphml(net) if fmt == "graphml" else json.dumps(net, ensure_ascii=False, indent=2) + "\n"
    Path(out).write_text(text, encoding="utf-8")


def _filled(rows: list[dict], by: str) -> list[dict]:
    """Rows with the empty periods between the first and the last filled in with zeros."""
    if not rows:
        return []
    by_period = {r["period"]: r for r in rows}
    return [
        by_period.get(period, {"period": period, "events": 0, "from_a": 0, "from_b": 0})
        for period in period_starts(rows[0]["period"], rows[-1]["period"], by)
    ]


def period_starts(first: dt.date, last: dt.date, by: str) -> list[dt.date]:
    """The first days of every period from ``first``'s to ``last``'s, at most ``MAX_FILLED_PERIODS``.

    >>> [d.isoformat() for d in period_starts(dt.date(2018, 11, 1), dt.date(2019, 1, 1), "month")]
    ['2018-11-01', '2018-12-01', '2019-01-01']
    """
    periods, period = [], first
    while period <= last and len(periods) < MAX_FILLED_PERIODS:
        periods.append(period)
        period = _next_period(period, by)
    return periods


def _next_period(day: dt.date, by: str) -> dt.date:
    if by == "day":
        return day + dt.timedelta(days=1)
    if by == "week":
        return day + dt.timedelta(weeks=1)
    if by == "month":
        return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return dt.date(day.year + 1, 1, 1)


def _round(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
