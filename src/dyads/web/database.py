"""The app's database: a read-only ``store.live.LiveConnection``, a ``Store`` per request."""

from __future__ import annotations

from fastapi import Request

from dyads.errors import StoreError
from dyads.store import Store
from dyads.store.live import LiveConnection

# Tables every page reads; a database made before a stage landed lacks its tables.
REQUIRED_TABLES = ("articles", "article_actors", "mentions", "events", "event_parties")


def connect(db: str, *, timeout: float) -> LiveConnection:
    """The read-only connection to ``db``, once it is known to hold every table the pages read.

    Raises:
        StoreError: no database at ``db``, or one from before the stages the pages read.
    """
    live = LiveConnection(db, timeout=timeout)
    with live.cursor() as con:
        missing = Store(con, db, read_only=True).missing_tables(REQUIRED_TABLES)
    if missing:
        live.close()
        raise StoreError(
            f"database {db} has no {', '.join(missing)} table: it predates those stages; "
            "run `dyads ingest` on it once to migrate, and re-ingest to fill them"
        )
    return live


def store(request: Request):
    """A dependency: a Store on its own cursor of the app's read-only connection, for one request."""
    with request.app.state.live.cursor() as cursor:
        yield Store(cursor, request.app.state.db, read_only=True)
