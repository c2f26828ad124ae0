"""``dyads sql``: one read-only, bounded SELECT over the stored tables."""

from __future__ import annotations

import datetime as dt
import decimal

import click

from dyads.cli import Context, cli
from dyads.cli.output import emit, format_options
from dyads.store.sql import DEFAULT_LIMIT, DEFAULT_TIMEOUT_S, run_sql


@cli.command()
@click.argument("query")
@click.option(
    "--limit", type=click.IntRange(min=1), default=DEFAULT_LIMIT, show_default=True, help="Most rows returned."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=DEFAULT_TIMEOUT_S,
    show_default=True,
    help="Seconds before the query is stopped.",
)
@format_options
@click.pass_obj
def sql(obj: Context, query: str, limit: int, timeout: float, as_json: bool, as_csv: bool) -> None:
    """Run one read-only SELECT on the database (tables: articles, sentences, entities,
    mentions, article_actors, actors, events, event_parties ...).

    The database is opened read-only with file access off; ATTACH, INSTALL, LOAD, COPY,
    EXPORT, PRAGMA, SET and file-reading functions (read_csv, read_parquet, glob ...)
    are refused; at most --limit rows, stopped after --timeout seconds.

    \b
    Example:
      dyads sql "SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY n DESC"
    """
    result = run_sql(obj.settings.db, query, limit=limit, timeout=timeout, lock_timeout=obj.settings.lock_timeout)
    rows = [dict(zip(result["columns"], map(_plain, row))) for row in result["rows"]]
    emit(rows, as_json=as_json, as_csv=as_csv, columns=result["columns"])
    if result["truncated"]:
        click.echo(f"(first {limit} rows; raise --limit for more)", err=True)


def _plain(value):
    """A value any output format can write: SQL's decimals, blobs, times, UUIDs and intervals as text."""
    if value is None or isinstance(value, (bool, int, float, str, list, dict, dt.date)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
