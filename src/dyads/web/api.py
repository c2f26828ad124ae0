"""The JSON API under /api: datasette-style listings and the analyses.

Every listing takes its filters (declared in ``dyads.store.filters``, read by the query
models of ``query.py``) plus ``_size``, ``_next``, ``_sort``, ``_facet`` and ``_format=csv``;
unknown parameters are a 400 that names them. The shapes are
those of ``dyads.views``, so ``dyads ... --json`` and the API agree.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from dyads import analysis
from dyads.store import Store
from dyads.web import query as q
from dyads.web import resources
from dyads.web.database import store
from dyads.web.responses import JSON, respond, url_with

router = APIRouter(prefix="/api")
ERRORS = {
    400: {"description": "a bad parameter: {ok: false, status, error, message, parameter}"},
    404: {"description": "no such record: {ok: false, status, error, message, parameter}"},
}


def _paged(request: Request, data: dict) -> dict:
    """``data`` with ``next_url``, the link to the following page."""
    data["next_url"] = url_with(request, _next=data["next"]) if data.get("next") else None
    return data


@router.get("", summary="What this API holds", responses=ERRORS)
def index(request: Request, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)) -> JSON:
    return JSON(
        {
            "ok": True,
            "counts": db.counts(),
            "routes": {
                "articles": "/api/articles",
                "article": "/api/articles/{id}",
                "actors": "/api/actors",
                "actor": "/api/actors/{id}",
                "events": "/api/events",
                "event": "/api/events/{id}",
                "quotes": "/api/quotes",
                "dyads": "/api/dyads",
                "dyad": "/api/dyads/{a}/{b}",
                "rankings": "/api/rankings?target=RUS&among=G7",
                "network": "/api/network",
                "alerts": "/api/alerts",
                "openapi": "/openapi.json",
            },
        }
    )


@router.get("/articles", summary="Articles, filtered, sorted, paged, faceted", responses=ERRORS)
def articles(request: Request, query: Annotated[q.ArticleQuery, Query()], db: Store = Depends(store)) -> Response:
    data = resources.articles(db, query)
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("articles", d))


@router.get(
    "/articles/{article_id}",
    summary="One article: text, sentences, entities, actors, chains, mentions, events, quotes",
    responses=ERRORS,
)
def article(article_id: str, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)) -> JSON:
    return JSON(resources.article(db, article_id))


@router.get("/actors", summary="Actors across all articles", responses=ERRORS)
def actors(request: Request, query: Annotated[q.ActorQuery, Query()], db: Store = Depends(store)) -> Response:
    data = resources.actors(db, query)
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("actors", d))


@router.get(
    "/actors/{actor_id:path}", summary="One actor: titles over time, appearances, events, quotes", responses=ERRORS
)
def actor(actor_id: str, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)) -> JSON:
    return JSON(resources.actor(db, actor_id))


@router.get("/events", summary="Events, filtered, sorted, paged, faceted", responses=ERRORS)
def events(request: Request, query: Annotated[q.EventQuery, Query()], db: Store = Depends(store)) -> Response:
    data = resources.events(db, query)
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("events", d))


@router.get("/events/{event_id}", summary="One event (id ARTICLE_ID:N)", responses=ERRORS)
def event(event_id: str, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)) -> JSON:
    return JSON(resources.event(db, event_id))


@router.get("/quotes", summary="Quote search", responses=ERRORS)
def quotes(request: Request, query: Annotated[q.QuoteQuery, Query()], db: Store = Depends(store)) -> Response:
    data = resources.quotes(db, query)
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("quotes", d))


@router.get("/dyads", summary="Country pairs with the most events", responses=ERRORS)
def dyads(request: Request, query: Annotated[q.DyadsQuery, Query()], db: Store = Depends(store)) -> Response:
    data = resources.dyads(db, query)
    return respond(request, _paged(request, data), csv_rows=lambda d: resources.csv_rows("dyads", d))


@router.get("/dyads/{a}/{b}", summary="A dyad over time: series, totals, evidence", responses=ERRORS)
def dyad(
    a: str, b: str, request: Request, query: Annotated[q.DyadQuery, Query()], db: Store = Depends(store)
) -> Response:
    return respond(request, resources.dyad(db, a, b, query), csv_rows=lambda d: resources.csv_rows("dyad", d))


@router.get("/rankings", summary="Rank a group's members by relations with a target, with evidence", responses=ERRORS)
def rankings(request: Request, query: Annotated[q.RankingQuery, Query()], db: Store = Depends(store)) -> Response:
    return respond(request, resources.rankings(db, query), csv_rows=lambda d: resources.csv_rows("rankings", d))


@router.get("/network", summary="The actor network: nodes and weighted, directed edges by event type", responses=ERRORS)
def network(request: Request, query: Annotated[q.NetworkQuery, Query()], db: Store = Depends(store)) -> Response:
    data = resources.network(db, query)
    if query.format == "graphml":
        return Response(
            analysis.network_graphml(data),
            media_type="application/graphml+xml",
            headers={"Content-Disposition": 'attachment; filename="dyads-network.graphml"'},
        )
    return respond(request, data, csv_rows=lambda d: resources.csv_rows("network", d))


@router.get(
    "/alerts", summary="Alerts fired by the alert rules, newest first, with their events; the rules", responses=ERRORS
)
def alerts(query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)) -> JSON:
    return JSON(resources.alerts(db))
