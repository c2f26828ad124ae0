"""The app factory: the read-only connection, templates, routes, security headers, error mapping
(routes in ``api.py`` and ``pages.py``, errors in ``errors.py``, responses in ``responses.py``,
the per-request ``Store`` in ``database.py``).

The connection is a ``store.live.LiveConnection``: it steps aside while an ingest
writes a batch and reopens after, so the dashboard runs beside ``dyads ingest``
and shows each batch soon after it commits; a request that comes during a write
waits for it (up to ``lock_timeout``) instead of failing.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from dyads.store.live import LiveConnection
from dyads.store.locks import LOCK_TIMEOUT_S
from dyads.views import date_text
from dyads.web import api, cache, database, errors, pages
from dyads.web.responses import JSON, url_with

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
# Scripts only from this server, no inline script, no eval (vega runs its CSP-safe
# interpreter); inline style attributes are allowed for the charts vega-embed draws.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def build(db: str, *, lock_timeout: float = LOCK_TIMEOUT_S) -> FastAPI:
    live = database.connect(db, timeout=lock_timeout)
    app = FastAPI(
        title="dyads",
        version="1",
        default_response_class=JSON,
        description="Who said and did what to whom in the stored news: articles, actors, quotes, events, "
        "dyad series, rankings and the actor network. Every list takes _size, _next (keyset "
        "pagination), _sort, _facet and _format=csv; errors are "
        '{"ok": false, "status", "error", "message", "parameter"}.',
        docs_url=None,
        redoc_url=None,  # their pages load scripts from a CDN
        lifespan=_closing(live),
    )
    app.state.live = live
    app.state.db = db
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.globals.update(url_with=url_with, date_text=date_text)
    # Actor ids in paths keep their colon (/actors/person:ingrid-solberg), everything else is quoted.
    app.state.templates.env.filters["path_part"] = lambda value: quote(str(value), safe=":")
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.include_router(api.router)
    app.include_router(pages.router)
    # Browsers ask for it on every page, JSON ones included; nothing to show, nothing to log.
    app.add_api_route("/favicon.ico", lambda: Response(status_code=204), include_in_schema=False)

    cache.install(app)  # inside the headers below, so a kept answer gets them too

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    errors.install(app)
    return app


def _closing(live: LiveConnection):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        live.close()

    return lifespan
