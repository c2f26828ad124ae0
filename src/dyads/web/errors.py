"""Errors, mapped in one place: one JSON shape on /api (and .json paths), one page elsewhere.

    {"ok": false, "status": 400, "error": "bad_request", "message": "...", "parameter": "since"}

A ``NotFound`` the store raises is a 404, any other ``QueryError`` or ``SettingsError`` a
400, a ``StoreError`` a 503 (the database stayed busy or went away); FastAPI's own
validation of the query models (``query.py``) is a 400 naming the parameter.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from dyads.errors import DyadsError, NotFound, QueryError, SettingsError, StoreError
from dyads.web.responses import JSON

log = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    """Map every error the app can meet to the one error shape."""
    app.add_exception_handler(DyadsError, lambda r, e: error_response(r, status(e), e))
    app.add_exception_handler(RequestValidationError, lambda r, e: error_response(r, 400, validation(r, e)))
    app.add_exception_handler(
        HTTPException,
        lambda r, e: error_response(
            r,
            e.status_code,
            NotFound(f"no page at {r.url.path}; see /api for the routes")
            if e.status_code == 404
            else QueryError(str(e.detail)),
        ),
    )
    app.add_exception_handler(Exception, server_error)


def status(error: DyadsError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, (QueryError, SettingsError)):
        return 400
    if isinstance(error, StoreError):
        return 503  # the database stayed busy (a long write) or went away: try again later
    return 500


def validation(request: Request, error: RequestValidationError) -> QueryError:
    """The first problem FastAPI found in the query, as one line naming the parameter and the fix."""
    from dyads.web.query import EXAMPLES

    first = error.errors()[0] if error.errors() else {}
    name = str((first.get("loc") or ["", "?"])[-1])
    kind = first.get("type")
    if kind == "extra_forbidden":
        known = _parameters(request)
        return QueryError(
            f"unknown parameter {name!r}; this route takes {', '.join(known) or 'no parameters'}", parameter=name
        )
    if kind == "missing":
        return QueryError(f"{name} is required; add e.g. {name}={EXAMPLES.get(name, '...')}", parameter=name)
    cause = (first.get("ctx") or {}).get("error")
    return QueryError(f"{name} {cause}" if cause else f"{name}: {first.get('msg', 'invalid value')}", parameter=name)


def _parameters(request: Request) -> list[str]:
    """The query parameters the matched route declares."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    names = []
    for dep in [dependant, *(getattr(dependant, "dependencies", None) or [])]:
        for param in getattr(dep, "query_params", None) or []:
            names.append(param.alias)
    return list(dict.fromkeys(names))


def server_error(request: Request, error: Exception) -> Response:
    log.error("error serving %s", request.url.path, exc_info=error)
    return error_response(request, 500, DyadsError(f"internal error ({type(error).__name__}); see the server log"))


def error_body(status: int, error: Exception) -> dict:
    """The one JSON error shape."""
    kind = {400: "bad_request", 404: "not_found"}.get(status, "server_error" if status >= 500 else "error")
    return {
        "ok": False,
        "status": status,
        "error": kind,
        "message": str(error),
        "parameter": getattr(error, "parameter", None),
    }


def error_response(request: Request, status: int, error: Exception) -> Response:
    body = error_body(status, error)
    if request.url.path.startswith("/api") or request.url.path.endswith(".json"):
        return JSON(body, status_code=status)
    return request.app.state.templates.TemplateResponse(request, "error.html", {"error": body}, status_code=status)
