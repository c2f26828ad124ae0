"""What each route shows, as JSON-ready dicts: one function per resource, shared by the
JSON API and the HTML pages, so a page and its JSON twin always agree.

Each function takes an open ``Store`` and the checked ``Query`` and calls the
library (``Store`` reads, ``dyads.analysis``); shapes come from ``dyads.views``.
"""

from __future__ import annotations

from dyads import analysis, lexicons, views
from dyads.errors import NotFound
from dyads.export import flat_row
from dyads.store import Store
from dyads.store.browse import ACTORS, ARTICLES, EVENTS, QUOTES, Listing, dyads_listing, quote_where
from dyads.web.query import NETWORK_EDGES, Params

# Events shown on an actor's page, newest first; the rest are a link away.
ACTOR_EVENTS = 50
# Alerts the alerts page and its twin list, newest first.
ALERTS_LISTED = 200


def _listing(listing: Listing, page: dict, query: Params, shape) -> dict:
    """A page of a listing in the public shape: rows, count, next token, facets, what was asked."""
    given = query.given()
    return {
        "ok": True,
        "resource": listing.name,
        "count": page["count"],
        "size": query.size_or(50),
        "sort": query.sort or listing.default_sort,
        "sorts": sorted(listing.sorts),
        "filters": given,
        "rows": [shape(row) for row in page["rows"]],
        "next": page["next"],
        "facets": {
            name: [
                {
                    "value": _plain(f["value"]),
                    "count": f["count"],
                    "selected": f["value"] is not None and str(f["value"]).upper() in _chosen(given, name),
                }
                for f in values
            ]
            for name, values in page["facets"].items()
        },
    }


def _chosen(given: dict, name: str) -> set[str]:
    """The values a filter asks for (upper-cased; "CONSULT,AGREE" asks for two)."""
    return {v.strip().upper() for v in (given.get(name) or "").split(",") if v.strip()}


def events(store: Store, query: Params, *, facets: tuple[str, ...] = ()) -> dict:
    page = store.find("events", query.filters(), **query.page(facets=facets))
    return _listing(EVENTS, page, query, views.event_view)


def articles(store: Store, query: Params, *, facets: tuple[str, ...] = ()) -> dict:
    page = store.find("articles", query.filters(), **query.page(facets=facets))
    return _listing(ARTICLES, page, query, views.article_summary)


def actors(store: Store, query: Params, *, facets: tuple[str, ...] = ()) -> dict:
    page = store.find("actors", query.filters(), **query.page(facets=facets))
    return _listing(ACTORS, page, query, views.actor_summary)


def dyads(store: Store, query: Params) -> dict:
    page = store.find("dyads", query.filters(), **query.page())
    return _listing(dyads_listing([]), page, query, views.dyad_row)


def article(store: Store, article_id: str) -> dict:
    return views.article_detail(store.get_article(article_id))  # quotes included, as `dyads show --json` has them


def actor(store: Store, actor_id: str) -> dict:
    detail = views.actor_detail(store.actor_detail(actor_id))
    page = store.find("events", {"party": actor_id}, size=ACTOR_EVENTS)
    detail["events"] = [views.event_view(e) for e in page["rows"]]
    detail["events_count"] = page["count"]
    detail["quotes"] = quotes_of(store, speaker_id=actor_id, limit=ACTOR_EVENTS)
    return detail


def event(store: Store, event_id: str) -> dict:
    article_id, _, idx = event_id.rpartition(":")
    if not (article_id and idx.isdigit()):
        raise NotFound(
            f"no event with id {event_id!r}; ids look like ARTICLE_ID:N, see /api/events", parameter="event_id"
        )
    return {**views.event_view(store.get_event(article_id, int(idx))), "cluster": views.cluster_view(store, event_id)}


def dyad(store: Store, a: str, b: str, query: Params) -> dict:
    given = query.arguments()
    return analysis.dyad_series(
        store,
        a,
        b,
        by=given["by"],
        since=given["since"],
        until=given["until"],
        directed=given["directed"],
        include_groups=given["groups"],
        evidence=given["evidence"],
        count=given["count"],
    )


def rankings(store: Store, query: Params) -> dict:
    given = query.arguments()
    return analysis.rank(store, given.pop("target"), given.pop("among"), **given)


def network(store: Store, query: Params) -> dict:
    given = query.arguments()
    net = analysis.network(
        store,
        level=given["level"],
        since=given["since"],
        until=given["until"],
        types=given["type"],
        country=given["country"],
        min_weight=given["min_weight"],
        count=given["count"],
    )
    size = query.size_or(NETWORK_EDGES)
    if len(net["edges"]) > size:
        net["edges_total"] = len(net["edges"])
        net["edges"] = net["edges"][:size]
        kept = {e["source"] for e in net["edges"]} | {e["target"] for e in net["edges"]}
        net["nodes"] = [n for n in net["nodes"] if n["id"] in kept]
    return net


def quotes(store: Store, query: Params, *, facets: tuple[str, ...] = ()) -> dict:
    """Quote search; empty, with ``available`` false, in a database without the quotes stage."""
    if not store.has_table("quotes"):
        return {
            "ok": True,
            "resource": "quotes",
            "available": False,
            "count": 0,
            "rows": [],
            "next": None,
            "facets": {},
            "filters": query.given(),
            "message": "this database has no quotes: it was built before the quotes stage; re-ingest to add them",
        }
    page = store.find("quotes", query.filters(), **query.page(facets=facets))
    return {**_listing(QUOTES, page, query, views.quote_listing), "available": True}


def quotes_of(store: Store, *, speaker_id: str, limit: int = 200) -> list[dict]:
    """The quotes of a speaker, newest first; [] before the quotes stage."""
    if not store.has_table("quotes"):
        return []
    where, params = quote_where(speaker_id=speaker_id)
    page = store.browse(QUOTES, where=where, params=params, size=limit, count=False)
    return [views.quote_listing(r) for r in page["rows"]]


def overview(store: Store) -> dict:
    counts = store.counts()
    top = store.top_dyads(limit=10)  # one query; the dyads page has the count and paging
    recent = store.find("articles", {}, sort="-ingested", size=8, count=False)
    types = store.facet(EVENTS, "type", where=[], params=[])
    return {
        "ok": True,
        "counts": counts,
        "top_dyads": [views.dyad_row({**r, "first_date": None, "last_date": None}) for r in top],
        "recent_articles": [views.article_summary(r) for r in recent["rows"]],
        "event_types": [{"value": t["value"], "count": t["count"]} for t in types],
        "groups": lexicons.load().member_groups,
    }


def csv_rows(resource: str, data: dict) -> list[dict]:
    """The rows a resource's CSV export holds."""
    if resource == "events":
        return [flat_row(e) for e in data["rows"]]
    if resource == "articles":
        return [
            {
                **{k: v for k, v in r.items() if k != "dateline"},
                "dateline": ", ".join(filter(None, (r["dateline"] or {}).values())),
            }
            for r in data["rows"]
        ]
    if resource == "actors":
        return [{**r, "titles": "; ".join(r["titles"])} for r in data["rows"]]
    if resource == "dyad":
        return data["series"]
    if resource == "rankings":
        drop = ("evidence", "quotes")
        rows = data.get("by_period") or data["ranking"]
        return [{k: v for k, v in r.items() if k not in drop} for r in rows]
    if resource == "network":
        return [
            {
                **{k: v for k, v in e.items() if k != "by_type"},
                "by_type": "; ".join(f"{t}:{n}" for t, n in e["by_type"].items()),
            }
            for e in data["edges"]
        ]
    return data["rows"]


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def alerts(store: Store) -> dict:
    """The alerts fired, newest first, each with the events behind it; and the stored rules."""
    fired = store.fired_alerts(limit=ALERTS_LISTED)
    ids = sorted({i for a in fired for i in a["event_ids"]})
    events = {e["id"]: e for e in event_list(store, ids)}
    return {
        "ok": True,
        "rules": [_plain_row(r) for r in store.alert_rules()],
        "alerts": [{**_plain_row(a), "events": [events[i] for i in a["event_ids"] if i in events]} for a in fired],
    }


def event_list(store: Store, ids: list[str]) -> list[dict]:
    """Those events (ARTICLE:N) as ``views.event_view`` gives them."""
    by_article: dict[str, set[str]] = {}
    for event_id in ids:
        article_id, _, idx = event_id.rpartition(":")
        by_article.setdefault(article_id, set()).add(idx)
    return [
        views.event_view(e)
        for article_id, idxs in sorted(by_article.items())
        for e in store.list_events(article_id=article_id)
        if str(e["idx"]) in idxs
    ]


def _plain_row(row: dict) -> dict:
    return {k: _plain(v) for k, v in row.items()}
