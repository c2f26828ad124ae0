"""What each route shows, as JSON-ready dicts: one function per resource, shared by the
JSON API and the HTML pages, so a page and its JSON twin always agree.

Each function takes an open ``Store`` and the checked ``Query`` and calls the
library (``Store`` reads, ``dyads.analysis``); shapes come from ``dyads.views``.
"""

from __future__ import annotations

from dyads import analysis, lexicons, views
from dyads.errors import NotFound
from dyads.export import flat_row
from dyads.records import FOUND_BY
from dyads.store import Store
from dyads.store.browse import (ACTORS, ARTICLES, EVENTS, QUOTES, Listing, actor_where, article_where,
                                dyads_listing, event_where, quote_where)
from dyads.web.params import Query

# Events shown on an actor's page, newest first; the rest are a link away.
ACTOR_EVENTS = 50
# Alerts the alerts page and its twin list, newest first.
ALERTS_LISTED = 200
# Edges the network view draws unless _size says otherwise: beyond this a force layout is a hairball.
NETWORK_EDGES = 200


def _listing(listing: Listing, page: dict, query: Query, shape) -> dict:
    """A page of a listing in the public shape: rows, count, next token, facets, what was asked."""
    return {
        "ok": True,
        "resource": listing.name,
        "count": page["count"],
        "size": query.size(),
        "sort": query.text("_sort") or listing.default_sort,
        "sorts": sorted(listing.sorts),
        "filters": {k: v for k, v in query.values.items() if not k.startswith("_")},
        "rows": [shape(row) for row in page["rows"]],
        "next": page["next"],
        "facets": {name: [{"value": _plain(f["value"]), "count": f["count"],
                           "selected": f["value"] is not None and str(f["value"]).upper() in _chosen(query, name)}
                          for f in values]
                   for name, values in page["facets"].items()},
    }


def _chosen(query: Query, name: str) -> set[str]:
    """The values a filter asks for (upper-cased; "CONSULT,AGREE" asks for two)."""
    return {v.strip().upper() for v in (query.values.get(name) or "").split(",") if v.strip()}


def events(store: Store, query: Query) -> dict:
    between = query.countries("between", count=2)
    where, params = event_where(
        types=query.types("type"), quad_classes=query.quad_classes("quad_class"), mode=query.text("mode"),
        actor=query.text("actor"), recipient=query.text("recipient"), party=query.text("party"),
        between=between, dyads=store.event_dyads(between[0]) if between else None, **query.period(),
        year=query.integer("year", low=1, high=9999), article_id=query.text("article_id"),
        place_country=query.country("place_country"), q=query.text("q"), counted=query.flag("counted"))
    page = store.browse(EVENTS, where=where, params=params, **query.page())
    store.attach_parties(page["rows"])
    return _listing(EVENTS, page, query, views.event_view)


def articles(store: Store, query: Query) -> dict:
    where, params = article_where(
        source=query.text("source"), **query.period(), year=query.integer("year", low=1, high=9999),
        place=query.text("place"), country=query.country("country"), actor=query.text("actor"),
        q=query.text("q"))
    page = store.browse(ARTICLES, where=where, params=params, **query.page())
    return _listing(ARTICLES, page, query, views.article_summary)


def actors(store: Store, query: Query) -> dict:
    kind = query.choice("kind", ("country", "person", "group", "organization"))
    where, params = actor_where(country=query.country("country"), kind=kind,
                                sector=(query.text("sector") or "").upper() or None, q=query.text("q"))
    page = store.browse(ACTORS, where=where, params=params, **query.page())
    return _listing(ACTORS, page, query, views.actor_summary)


def dyads(store: Store, query: Query) -> dict:
    where, params = [], []
    period = query.period()
    for clause, value in (("e.date >= ?", period["since"]), ("e.date <= ?", period["until"])):
        if value:
            where.append(clause)
            params.append(value)
    country = query.country("country")
    if country:
        where.append("(e.source = ? OR e.target = ?)")
        params += [country, country]
    listing = dyads_listing(where, dyads=store.event_dyads()[0])
    page = store.browse(listing, where=[], params=[], source_params=params, **query.page())
    return _listing(listing, page, query, _dyad_row)


def _dyad_row(row: dict) -> dict:
    return {"a": row["a"], "a_name": analysis.country_name(row["a"]), "b": row["b"],
            "b_name": analysis.country_name(row["b"]), "events": row["events"],
            "cooperation": row["cooperation"], "conflict": row["conflict"],
            "mean_score": _round(row["mean_score"]), "mean_goldstein": _round(row["mean_goldstein"]),
            "first_date": _plain(row["first_date"]), "last_date": _plain(row["last_date"])}


def article(store: Store, article_id: str) -> dict:
    ids = store.article_ids(article_id)
    if not ids:
        raise NotFound(f"no article with id {article_id!r}; list articles at /api/articles")
    return views.article_detail(store.get_article(ids[0]))  # quotes included, as `dyads show --json` has them


def actor(store: Store, actor_id: str) -> dict:
    if not store.has_actor(actor_id):
        raise NotFound(f"no actor with id {actor_id!r}; list actors at /api/actors")
    detail = views.actor_detail(store.actor_detail(actor_id))
    where, params = event_where(party=actor_id)
    page = store.browse(EVENTS, where=where, params=params, size=ACTOR_EVENTS)
    detail["events"] = [views.event_view(e) for e in store.attach_parties(page["rows"])]
    detail["events_count"] = page["count"]
    detail["quotes"] = quotes_of(store, speaker=actor_id, limit=ACTOR_EVENTS)
    return detail


def event(store: Store, event_id: str) -> dict:
    article_id, _, idx = event_id.rpartition(":")
    found = [e for e in store.list_events(article_id=article_id) if str(e["idx"]) == idx] if article_id else []
    if not found:
        raise NotFound(f"no event with id {event_id!r}; ids look like ARTICLE_ID:N, see /api/events")
    return {**views.event_view(found[0]), "cluster": views.cluster_view(store, event_id)}


def dyad(store: Store, a: str, b: str, query: Query) -> dict:
    return analysis.dyad_series(
        store, a, b, by=query.choice("by", analysis.PERIODS, "month"), **query.period(),
        directed=query.flag("directed"), include_groups=query.flag("groups", True),
        evidence=query.integer("evidence", low=0, high=500, default=50), count=_count(query))


def rankings(store: Store, query: Query) -> dict:
    return analysis.rank(
        store, query.required("target", "RUS"), query.required("among", "G7"), **query.period(),
        metric=query.choice("metric", tuple(analysis.METRICS), "net"),
        per=query.choice("per", analysis.PERIODS), evidence=query.integer("evidence", low=0, high=100, default=5),
        count=_count(query))


def network(store: Store, query: Query) -> dict:
    net = analysis.network(
        store, level=query.choice("level", analysis.LEVELS, "country"), **query.period(),
        types=query.types("type"), country=query.text("country"),
        min_weight=query.integer("min_weight", low=1, high=1_000_000, default=1), count=_count(query))
    size = query.size(default=NETWORK_EDGES)
    if len(net["edges"]) > size:
        net["edges_total"] = len(net["edges"])
        net["edges"] = net["edges"][:size]
        kept = {e["source"] for e in net["edges"]} | {e["target"] for e in net["edges"]}
        net["nodes"] = [n for n in net["nodes"] if n["id"] in kept]
    return net


def _count(query: Query) -> str:
    """``count``: clusters (default; an event several articles report counts once) or reports."""
    return query.choice("count", analysis.COUNT_MODES, "clusters")


def quotes(store: Store, query: Query) -> dict:
    """Quote search; empty, with ``available`` false, in a database without the quotes stage."""
    filters = {"q": query.text("q"), "speaker": query.text("speaker"), "country": query.country("country"),
               "kind": query.choice("kind", ("direct", "indirect", "mixed")),
               "found_by": query.choice("found_by", FOUND_BY), "article_id": query.text("article_id"),
               **query.period()}
    if not store.has_table("quotes"):
        query.page()  # still check the parameters
        return {"ok": True, "resource": "quotes", "available": False, "count": 0, "rows": [], "next": None,
                "facets": {}, "filters": {k: v for k, v in query.values.items() if not k.startswith("_")},
                "message": "this database has no quotes: it was built before the quotes stage; re-ingest to add them"}
    where, params = quote_where(**filters)
    page = store.browse(QUOTES, where=where, params=params, **query.page())
    return {**_listing(QUOTES, page, query, views.quote_listing), "available": True}


def quotes_of(store: Store, *, article_id: str | None = None, speaker: str | None = None,
              limit: int = 200) -> list[dict]:
    """The quotes of an article (in text order) or of a speaker (newest first); [] before the quotes stage."""
    if not store.has_table("quotes"):
        return []
    where, params = quote_where(article_id=article_id, speaker=speaker)
    sort = "published" if article_id else None
    page = store.browse(QUOTES, where=where, params=params, sort=sort, size=limit)
    rows = page["rows"] if not article_id else sorted(page["rows"], key=lambda r: r["start"])
    return [views.quote_listing(r) for r in rows]


def overview(store: Store) -> dict:
    counts = store.counts()
    top = store.top_dyads(limit=10)  # one query; the dyads page has the count and paging
    recent = store.browse(ARTICLES, where=[], params=[], sort="-ingested", size=8)
    types = store.facet(EVENTS, "type", where=[], params=[])
    return {"ok": True, "counts": counts, "top_dyads": [_dyad_row({**r, "first_date": None, "last_date": None}) for r in top],
            "recent_articles": [views.article_summary(r) for r in recent["rows"]],
            "event_types": [{"value": t["value"], "count": t["count"]} for t in types],
            "groups": lexicons.load().member_groups}


def csv_rows(resource: str, data: dict) -> list[dict]:
    """The rows a resource's CSV export holds."""
    if resource == "events":
        return [flat_row(e) for e in data["rows"]]
    if resource == "articles":
        return [{**{k: v for k, v in r.items() if k != "dateline"},
                 "dateline": ", ".join(filter(None, (r["dateline"] or {}).values()))} for r in data["rows"]]
    if resource == "actors":
        return [{**r, "titles": "; ".join(r["titles"])} for r in data["rows"]]
    if resource == "dyad":
        return data["series"]
    if resource == "rankings":
        drop = ("evidence", "quotes")
        rows = data.get("by_period") or data["ranking"]
        return [{k: v for k, v in r.items() if k not in drop} for r in rows]
    if resource == "network":
        return [{**{k: v for k, v in e.items() if k != "by_type"},
                 "by_type": "; ".join(f"{t}:{n}" for t, n in e["by_type"].items())} for e in data["edges"]]
    return data["rows"]


def _round(value):
    return round(value, 3) if value is not None else None


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value



def alerts(store: Store) -> dict:
    """The alerts fired, newest first, each with the events behind it; and the stored rules."""
    fired = store.fired_alerts(limit=ALERTS_LISTED)
    ids = sorted({i for a in fired for i in a["event_ids"]})
    events = {e["id"]: e for e in event_list(store, ids)}
    return {"ok": True, "rules": [_plain_row(r) for r in store.alert_rules()],
            "alerts": [{**_plain_row(a), "events": [events[i] for i in a["event_ids"] if i in events]} for a in fired]}


def event_list(store: Store, ids: list[str]) -> list[dict]:
    """Those events (ARTICLE:N) as ``views.event_view`` gives them."""
    by_article: dict[str, set[str]] = {}
    for event_id in ids:
        article_id, _, idx = event_id.rpartition(":")
        by_article.setdefault(article_id, set()).add(idx)
    return [views.event_view(e) for article_id, idxs in sorted(by_article.items())
            for e in store.list_events(article_id=article_id) if str(e["idx"]) in idxs]


def _plain_row(row: dict) -> dict:
    return {k: _plain(v) for k, v in row.items()}
