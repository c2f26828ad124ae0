"""The JSON API under /api: datasette-style listings and the analyses.

Every listing takes its filters plus ``_size``, ``_next``, ``_sort``, ``_facet`` and
``_format=csv``; unknown parameters are a 400 that names them. The shapes are
those of ``dyads.views``, so ``dyads ... --json`` and the API agree.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from dyads import analysis
from dyads.store import Store
from dyads.web import params as p
from dyads.web import resources
from dyads.web.app import JSON, respond, store, url_with
from dyads.web.params import Query

router = APIRouter(prefix="/api")
ERRORS = {400: {"description": "a bad parameter: {ok: false, status, error, message, parameter}"},
          404: {"description": "no such record: {ok: false, status, error, message, parameter}"}}


def _paged(request: Request, data: dict) -> dict:
    """``data`` with ``next_url``, the link to the following page."""
    data["next_url"] = url_with(request, _next=data["next"]) if data.get("next") else None
    return data


@router.get("", summary="What this API holds", responses=ERRORS)
def index(request: Request, db: Store = Depends(store)) -> JSON:
    Query.of(request, ())
    return JSON({"ok": True, "counts": db.counts(), "routes": {
        "articles": "/api/articles", "article": "/api/articles/{id}", "actors": "/api/actors",
        "actor": "/api/actors/{id}", "events": "/api/events", "event": "/api/events/{id}",
        "quotes": "/api/quotes", "dyads": "/api/dyads", "dyad": "/api/dyads/{a}/{b}",
        "rankings": "/api/rankings?target=RUS&among=G7", "network": "/api/network", "alerts": "/api/alerts",
        "openapi": "/openapi.json"}})


@router.get("/articles", summary="Articles, filtered, sorted, paged, faceted",
            openapi_extra=p.openapi(p.ARTICLE_PARAMS), responses=ERRORS)
def articles(request: Request, db: Store = Depends(store)) -> Response:
    data = resources.articles(db, Query.of(request, p.ARTICLE_PARAMS))
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("articles", d))


@router.get("/articles/{article_id}", summary="One article: text, sentences, entities, actors, chains, "
            "mentions, events, quotes", responses=ERRORS)
def article(article_id: str, request: Request, db: Store = Depends(store)) -> JSON:
    Query.of(request, ())
    return JSON(resources.article(db, article_id))


@router.get("/actors", summary="Actors across all articles", openapi_extra=p.openapi(p.ACTOR_PARAMS),
            responses=ERRORS)
def actors(request: Request, db: Store = Depends(store)) -> Response:
    data = resources.actors(db, Query.of(request, p.ACTOR_PARAMS))
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("actors", d))


@router.get("/actors/{actor_id:path}", summary="One actor: titles over time, appearances, events, quotes",
            responses=ERRORS)
def actor(actor_id: str, request: Request, db: Store = Depends(store)) -> JSON:
    Query.of(request, ())
    return JSON(resources.actor(db, actor_id))


@router.get("/events", summary="Events, filtered, sorted, paged, faceted", openapi_extra=p.openapi(p.EVENT_PARAMS),
            responses=ERRORS)
def events(request: Request, db: Store = Depends(store)) -> Response:
    data = resources.events(db, Query.of(request, p.EVENT_PARAMS))
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("events", d))


@router.get("/events/{event_id}", summary="One event (id ARTICLE_ID:N)", responses=ERRORS)
def event(event_id: str, request: Request, db: Store = Depends(store)) -> JSON:
    Query.of(request, ())
    return JSON(resources.event(db, event_id))


@router.get("/quotes", summary="Quote search", openapi_extra=p.openapi(p.QUOTE_PARAMS), responses=ERRORS)
def quotes(request: Request, db: Store = Depends(store)) -> Response:
    data = resources.quotes(db, Query.of(request, p.QUOTE_PARAMS))
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("quotes", d))


@router.get("/dyads", summary="Country pairs with the most events", openapi_extra=p.openapi(p.DYADS_PARAMS),
            responses=ERRORS)
def dyads(request: Request, db: Store = Depends(store)) -> Response:
    data = resources.dyads(db, Query.of(request, p.DYADS_PARAMS))
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("dyads", d))


@router.get("/dyads/{a}/{b}", summary="A dyad over time: series, totals, evidence",
            openapi_extra=p.openapi(p.DYAD_PARAMS), responses=ERRORS)
def dyad(a: str, b: str, request: Request, db: Store = Depends(store)) -> Response:
    query = Query.of(request, p.DYAD_PARAMS)
    query.format()
    return respond(request, resources.dyad(db, a, b, query), csv_rows=lambda d: resources.csv_rows("dyad", d))


@router.get("/rankings", summary="Rank a group's members by relations with a target, with evidence",
            openapi_extra=p.openapi(p.RANKING_PARAMS), responses=ERRORS)
def rankings(request: Request, db: Store = Depends(store)) -> Response:
    query = Query.of(request, p.RANKING_PARAMS)
    query.format()
    return respond(request, resources.rankings(db, query), csv_rows=lambda d: resources.csv_rows("rankings", d))


@router.get("/network", summary="The actor network: nodes and weighted, directed edges by event type",
            openapi_extra=p.openapi(p.NETWORK_PARAMS), responses=ERRORS)
def network(request: Request, db: Store = Depends(store)) -> Response:
    query = Query.of(request, p.NETWORK_PARAMS)
    fmt = query.format(("json", "csv", "graphml"))
    data = resources.network(db, query)
    if fmt == "graphml":
        return Response(analysis.network_graphml(data), media_type="application/graphml+xml",
                        headers={"Content-Disposition": 'attachment; filename="dyads-network.graphml"'})
    return respond(request, data, csv_rows=lambda d: resources.csv_rows("network", d))


@router.get("/alerts", summary="Alerts fired by the alert rules, newest first, with their events; the rules",
            responses=ERRORS)
def alerts(request: Request, db: Store = Depends(store)) -> JSON:
    Query.of(request, ())
    return JSON(resources.alerts(db))
