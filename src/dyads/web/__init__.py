"""The JSON API and the dashboard: one FastAPI app over a read-only database.

    dyads serve --db dyads.duckdb          # http://127.0.0.1:8008/ and /api, /openapi.json

Routes come in twins: ``/events`` (HTML) and ``/api/events`` (JSON; ``_format=csv``
for CSV) take the same parameters and show the same data (``resources.py``).
Errors have one JSON shape on ``/api`` and one page elsewhere (``errors.py``).
Needs the ``web`` extra: ``pip install 'dyads[web]'``.
"""

from __future__ import annotations

from dyads.errors import MissingDependency


def create_app(db: str, *, lock_timeout: float | None = None):
    """The app serving the database at ``db`` (opened read-only, file access off).

    The connection steps aside while ``dyads ingest`` writes a batch (``dyads.store.live``);
    startup and requests wait up to ``lock_timeout`` seconds for a writer.

    Raises:
        MissingDependency: FastAPI or Jinja2 is not installed.
        StoreError: no database at ``db``, or it cannot be opened read-only.
    """
    try:
        from dyads.web.app import build
    except ImportError as e:
        raise MissingDependency(e.name or "fastapi", "web") from e
    return build(db) if lock_timeout is None else build(db, lock_timeout=lock_timeout)
