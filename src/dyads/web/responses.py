"""Responses: JSON the way ``--json`` writes it, CSV exports, and links that keep the query."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response


class JSON(JSONResponse):
    """JSON with dates as ISO strings and text as UTF-8, the way ``--json`` writes it."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_default).encode("utf-8")


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


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
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes and k != "_next" and v != ""]
    for key, value in changes.items():
        if value is not None and value != "":
            params.append((key, str(value)))
    query = urlencode(params)
    return (path or request.url.path) + (f"?{query}" if query else "")
