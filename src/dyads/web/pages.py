"""The dashboard: server-rendered pages, each the twin of an /api route with the same parameters."""

from __future__ import annotations

import json

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from dyads import analysis, lexicons
from dyads.ontology import TYPES
from dyads.store import Store
from dyads.web import charts, resources
from dyads.web import query as q
from dyads.web.database import store
from dyads.web.highlight import highlight
from dyads.web.responses import url_with

router = APIRouter(include_in_schema=False)
# Edges listed under the network drawing; the twin and the CSV have them all.
NETWORK_TABLE_ROWS = 100
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def _page(
    request: Request,
    template: str,
    *,
    api: str | None,
    title: str,
    charts_: dict | None = None,
    csv: bool = True,
    **context,
) -> HTMLResponse:
    """Render ``template``; ``api`` is the JSON twin's path (same query string), ``csv`` whether
    the twin also exports CSV."""
    twin = url_with(request, api) if api else None
    return request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            "title": title,
            "json_url": twin,
            "csv_url": url_with(request, api, _format="csv") if api and csv else None,
            "charts": {name: _spec_json(spec) for name, spec in (charts_ or {}).items()},
            "quad_names": QUAD_NAMES,
            "types": TYPES,
            **context,
        },
    )


def _spec_json(spec: dict) -> Markup:
    """A chart spec for a ``<script type="application/json">`` block: nothing in it can close the tag."""
    text = json.dumps(spec, ensure_ascii=False, default=str)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)):
    data = resources.overview(db)
    return _page(
        request,
        "overview.html",
        api="/api",
        title="Overview",
        data=data,
        csv=False,
        charts_={"types": charts.types_chart(data["event_types"])} if data["event_types"] else {},
    )


@router.get("/articles", response_class=HTMLResponse)
def articles(request: Request, query: Annotated[q.ArticleQuery, Query()], db: Store = Depends(store)):
    data = resources.articles(db, query, facets=("source", "year", "country"))
    return _page(request, "articles.html", api="/api/articles", title="Articles", data=data)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(article_id: str, request: Request, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)):
    data = resources.article(db, article_id)
    names = {a["id"]: f"{a['name']}" + (f", {a['title']}" if a.get("title") else "") for a in data["actors"]}
    quotes = [_quote_marks(i, q) for i, q in enumerate(data["quotes"])]
    events = [{**e, "n": i} for i, e in enumerate(data["events"])]
    html = highlight(
        data["text"],
        sentences=data["sentences"],
        quotes=quotes,
        events=events,
        mentions=data["mentions"],
        actor_names=names,
    )
    return _page(
        request,
        "article.html",
        api=f"/api/articles/{data['id']}",
        title=data["headline"],
        csv=False,
        data=data,
        text_html=html,
        quotes=quotes,
        events=events,
        names=names,
    )


@router.get("/actors", response_class=HTMLResponse)
def actors(request: Request, query: Annotated[q.ActorQuery, Query()], db: Store = Depends(store)):
    data = resources.actors(db, query, facets=("kind", "country", "sector"))
    return _page(request, "actors.html", api="/api/actors", title="Actors", data=data)


@router.get("/actors/{actor_id:path}", response_class=HTMLResponse)
def actor(actor_id: str, request: Request, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)):
    data = resources.actor(db, actor_id)
    return _page(request, "actor.html", api=f"/api/actors/{actor_id}", title=data["name"], data=data, csv=False)


@router.get("/events", response_class=HTMLResponse)
def events(request: Request, query: Annotated[q.EventQuery, Query()], db: Store = Depends(store)):
    data = resources.events(db, query, facets=("type", "quad_class", "actor", "recipient", "year"))
    return _page(request, "events.html", api="/api/events", title="Events", data=data)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event(event_id: str, request: Request, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)):
    data = resources.event(db, event_id)
    return _page(
        request,
        "event.html",
        api=f"/api/events/{data['id']}",
        title=f"{data['type']} event {data['id']}",
        csv=False,
        data=data,
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts(request: Request, query: Annotated[q.NoQuery, Query()], db: Store = Depends(store)):
    return _page(request, "alerts.html", api="/api/alerts", title="Alerts", csv=False, data=resources.alerts(db))


@router.get("/quotes", response_class=HTMLResponse)
def quotes(request: Request, query: Annotated[q.QuoteQuery, Query()], db: Store = Depends(store)):
    data = resources.quotes(db, query, facets=("kind", "country"))
    return _page(request, "quotes.html", api="/api/quotes", title="Quotes", data=data)


@router.get("/dyads", response_class=HTMLResponse)
def dyads(request: Request, query: Annotated[q.DyadsQuery, Query()], db: Store = Depends(store)):
    data = resources.dyads(db, query)
    return _page(request, "dyads.html", api="/api/dyads", title="Dyads", data=data)


@router.get("/dyads/{a}/{b}", response_class=HTMLResponse)
def dyad(a: str, b: str, request: Request, query: Annotated[q.DyadQuery, Query()], db: Store = Depends(store)):
    data = resources.dyad(db, a, b, query)
    chart = (
        {"series": charts.dyad_chart(data["series"], a=data["a"]["code"], b=data["b"]["code"], by=data["by"])}
        if data["series"]
        else {}
    )
    return _page(
        request,
        "dyad.html",
        api=f"/api/dyads/{data['a']['code']}/{data['b']['code']}",
        title=f"{data['a']['name']} and {data['b']['name']}",
        data=data,
        charts_=chart,
    )


@router.get("/rankings", response_class=HTMLResponse)
def rankings(request: Request, query: Annotated[q.RankingForm, Query()], db: Store = Depends(store)):
    form = {
        "groups": lexicons.load().member_groups,
        "metrics": list(analysis.METRICS),
        "periods": analysis.PERIODS,
        "given": dict(request.query_params),
    }
    if not (query.target and query.among):
        return _page(request, "rankings.html", api=None, title="Rankings", data=None, form=form)
    data = resources.rankings(db, query)
    title = f"{data['among']['name'] or ', '.join(data['among']['members'])} by relations with {data['target']['name']}"
    chart = {}
    if any(r["events"] for r in data["ranking"]):
        chart["ranking"] = charts.ranking_chart(data["ranking"], target=data["target"]["code"])
    if data.get("by_period"):
        chart["periods"] = charts.ranking_periods_chart(data["by_period"], metric=data["metric"], per=data["per"])
    return _page(request, "rankings.html", api="/api/rankings", title=title, data=data, form=form, charts_=chart)


@router.get("/network", response_class=HTMLResponse)
def network(request: Request, query: Annotated[q.NetworkQuery, Query()], db: Store = Depends(store)):
    data = resources.network(db, query)
    chart = {"network": charts.network_chart(data["nodes"], data["edges"])} if data["edges"] else {}
    return _page(
        request,
        "network.html",
        api="/api/network",
        title="Network",
        data=data,
        charts_=chart,
        is_country=lambda code: analysis.country_name(code) is not None,
        table_rows=NETWORK_TABLE_ROWS,
        graphml_url=url_with(request, "/api/network", _format="graphml"),
    )


def _quote_marks(n: int, quote: dict) -> dict:
    """What the highlighter needs of a quote (``views.quote``): its parts and its speaker."""
    speaker = quote["speaker"] or {}
    actor = speaker.get("actor") or {}
    return {
        "n": n,
        "start": quote["start"],
        "end": quote["end"],
        "parts": quote["parts"],
        "speaker_start": speaker.get("start"),
        "speaker_end": speaker.get("end"),
        "speaker_id": actor.get("id"),
        "speaker": actor.get("name") or speaker.get("text"),
    }
