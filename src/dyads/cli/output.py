"""Format rows for stdout: a plain table, JSON or CSV (sqlite-utils' output options)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence

import click

# Widest a table cell gets before it is cut with an ellipsis.
MAX_CELL_CHARS = 60
# Rows a table shows when no --limit is given: a table is for reading, and a store of a
# million quotes would scroll for minutes. --json and --csv, which other programs read,
# write every row unless --limit says otherwise.
TABLE_ROWS = 50
# Most rows counted when an empty result suggests a filter to drop ("Without --type: 1,000+ events").
COUNT_CAP = 1000


def format_options(function):
    """Add ``--json`` and ``--csv`` to a command."""
    function = click.option("--csv", "as_csv", is_flag=True, help="Output CSV.")(function)
    function = click.option("--json", "as_json", is_flag=True, help="Output JSON.")(function)
    return function


def fetch_limit(limit: int | None, *, as_table: bool) -> int | None:
    """How many rows a list command asks the store for: ``--limit`` if given; for a table
    without it, one more than ``TABLE_ROWS`` so that ``shown`` can tell rows were left out."""
    return limit if limit or not as_table else TABLE_ROWS + 1


def shown(rows: list, limit: int | None, *, as_table: bool, noun: str) -> list:
    """The rows to print: a table without ``--limit`` shows ``TABLE_ROWS`` and says so on stderr."""
    if limit or not as_table or len(rows) <= TABLE_ROWS:
        return rows
    click.echo(f"(first {TABLE_ROWS} {noun}; --limit N for more, --csv or --json for all)", err=True)
    return rows[:TABLE_ROWS]


def open_hint(rows: list, *, as_table: bool, command: str = "dyads show ID") -> None:
    """Under a table, on stderr: how to open one of its rows."""
    if rows and as_table:
        click.echo(f"(open a row: {command})", err=True)


def explain_empty(noun: str, filters: dict[str, object], count: Callable[[dict], int]) -> None:
    """Say on stderr that nothing matched, and which filter to drop to get rows.

    Args:
        filters: the filters given, by flag (``{"--actor": "RUS", ...}``); None values were not given.
        count: how many rows the listing gives for a set of those filters.
    """
    given = {flag: value for flag, value in filters.items() if value not in (None, "", False)}
    if not given:
        click.echo(f"No {noun} stored yet; ingest some with `dyads ingest FILE`.", err=True)
        return
    asked = " ".join(f"{flag} {value}" for flag, value in given.items())
    nearest = []
    for flag in given:
        rest = {f: v for f, v in given.items() if f != flag}
        found = count(rest)
        if found:
            nearest.append((found, flag))
    if nearest:
        found, flag = max(nearest)
        many = f"{found:,}" if found < COUNT_CAP else f"{COUNT_CAP:,}+"
        click.echo(f"No {noun} match {asked}. Without {flag} {given[flag]}: {many} {noun}.", err=True)
    else:
        click.echo(f"No {noun} match {asked}, nor any one of them less; `dyads {noun}` lists them all.", err=True)


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


def emit(
    rows: Sequence[dict], *, as_json: bool = False, as_csv: bool = False, columns: Sequence[str] | None = None
) -> None:
    """Write rows to stdout in the chosen format."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if as_json:
        click.echo(to_json([{c: row.get(c) for c in columns} for row in rows]))
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(row.get(c)) for c in columns] for row in rows])
    elif rows:  # an empty table says so on stderr (``explain_empty``), not with a bare header
        click.echo(table(rows, columns))


def table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def _cell(value) -> str:
    text = _plain(value).replace("\n", " ")
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
