"""The app factory: the read-only connection, per-request cursors, security headers, error mapping.

The connection is a ``store.live.LiveConnection``: it steps aside while an ingest
writes a batch and reopens after, so the dashboard runs beside ``dyads ingest``
and shows each batch soon after it commits; a request that comes during a write
waits for it (up to ``lock_timeout``) instead of failing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from dyads.errors import DyadsError, NotFound, QueryError, SettingsError, StoreError
from dyads.views import date_text
from dyads.store import Store
from dyads.store.live import LiveConnection
from dyads.store.locks import LOCK_TIMEOUT_S

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
# Scripts only from this server, no inline script, no eval (vega runs its CSP-safe
# interpreter); inline style attributes are allowed for the charts vega-embed draws.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class JSON(JSONResponse):
    """JSON with dates as ISO strings and text as UTF-8, the way ``--json`` writes it."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_default).encode("utf-8")


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


# Tables every page reads; a database made before a stage landed lacks its tables.
REQUIRED_TABLES = ("articles", "article_actors", "mentions", "events", "event_parties")


def build(db: str, *, lock_timeout: float = LOCK_TIMEOUT_S) -> FastAPI:
    live = LiveConnection(db, timeout=lock_timeout)
    with live.cursor() as con:
        found = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    missing = [t for t in REQUIRED_TABLES if t not in found]
    if missing:
        live.close()
        raise StoreError(f"database {db} has no {', '.join(missing)} table: it predates those stages; "
                         "run `dyads ingest` on it once to migrate, and re-ingest to fill them")
    app = FastAPI(
        title="dyads", version="1", default_response_class=JSON,
        description="Who said and did what to whom in the stored news: articles, actors, quotes, events, "
                    "dyad series, rankings and the actor network. Every list takes _size, _next (keyset "
                    "pagination), _sort, _facet and _format=csv; errors are "
                    '{"ok": false, "status", "error", "message", "parameter"}.',
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN
        lifespan=_closing(live),
    )
    app.state.live = live
    app.state.db = db
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.globals.update(url_with=url_with, date_text=date_text)
    # Actor ids in paths keep their colon (/actors/person:ingrid-solberg), everything else is quoted.
    app.state.templates.env.filters["path_part"] = lambda value: quote(str(value), safe=":")
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from dyads.web import api, pages  # noqa: PLC0415  (routes need the app's state)

    app.include_router(api.router)
    app.include_router(pages.router)
    # Browsers ask for it on every page, JSON ones included; nothing to show, nothing to log.
    app.add_api_route("/favicon.ico", lambda: Response(status_code=204), include_in_schema=False)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    app.add_exception_handler(DyadsError, lambda r, e: error_response(r, _status(e), e))
    app.add_exception_handler(RequestValidationError, lambda r, e: error_response(r, 400, _validation(e)))
    app.add_exception_handler(HTTPException, lambda r, e: error_response(
        r, e.status_code, NotFound(f"no page at {r.url.path}; see /api for the routes")
        if e.status_code == 404 else QueryError(str(e.detail))))
    app.add_exception_handler(Exception, lambda r, e: _server_error(r, e))
    return app


def _closing(live: LiveConnection):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        live.close()
    return lifespan


def store(request: Request):
    """A dependency: a Store on its own cursor of the app's read-only connection, for one request."""
    with request.app.state.live.cursor() as cursor:
        yield Store(cursor, request.app.state.db, read_only=True)


def _status(error: DyadsError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, (QueryError, SettingsError)):
        return 400
    if isinstance(error, StoreError):
        return 503  # the database stayed busy (a long write) or went away: try again later
    return 500


def _validation(error: RequestValidationError) -> QueryError:
    first = error.errors()[0] if error.errors() else {}
    name = str((first.get("loc") or ["", "?"])[-1])
    return QueryError(f"{name}: {first.get('msg', 'invalid value')}", parameter=name)


def _server_error(request: Request, error: Exception):
    log.error("error serving %s", request.url.path, exc_info=error)
    return error_response(request, 500, DyadsError(f"internal error ({type(error).__name__}); see the server log"))


def error_body(status: int, error: Exception) -> dict:
    """The one JSON error shape."""
    kind = {400: "bad_request", 404: "not_found"}.get(status, "server_error" if status >= 500 else "error")
    return {"ok": False, "status": status, "error": kind, "message": str(error),
            "parameter": getattr(error, "parameter", None)}


def error_response(request: Request, status: int, error: Exception) -> Response:
    body = error_body(status, error)
    if request.url.path.startswith("/api") or request.url.path.endswith(".json"):
        return JSON(body, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"error": body}, status_code=status)


def respond(request: Request, data: dict, *, csv_rows=None) -> Response:
    """``data`` as JSON, or its rows as CSV when ``_format=csv``."""
    if request.query_params.get("_format") == "csv" and csv_rows is not None:
        return csv_response(csv_rows(data))
    return JSON(data)


def csv_response(rows: list[dict]) -> Response:
    out = io.StringIO()
    columns = list(rows[0]) if rows else []
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(row.get(c)) for c in columns] for row in rows])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_default)
    return value


def url_with(request: Request, path: str | None = None, **changes) -> str:
    """The current URL's query with ``changes`` (None removes a parameter; _next is dropped
    unless given), at ``path`` (default: the current path)."""
    from urllib.parse import urlencode

    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in changes and k != "_next" and v != ""]
    for key, value in changes.items():
        if value is not None and value != "":
            params.append((key, str(value)))
    query = urlencode(params)
    return (path or request.url.path) + (f"?{query}" if query else "")
