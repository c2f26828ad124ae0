"""``dyads export events|quotes|actors``: stored records to a file, or to stdout with ``-``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dyads import export
from dyads.cli import Context, cli
from dyads.cli.filters import filter_options, given
from dyads.errors import SettingsError

STDOUT = "-"
_OUT = click.argument("out", metavar="OUT")


def _format(kind: str):
    formats = export.KIND_FORMATS[kind]
    described = {"plover": "plover (PLOVER JSONL records)", "gdelt": "gdelt (tab-separated, one row per dyad)"}
    return click.option(
        "--format",
        "fmt",
        default="jsonl",
        show_default=True,
        metavar="FORMAT",
        help=", ".join(described.get(f, f) for f in formats) + ".",
    )


@cli.group(name="export")
def export_group() -> None:
    """Write stored events, quotes or actors to a file, or to stdout with OUT -.

    Every format carries the ids the listings show: an event's ARTICLE:N, a quote's
    ARTICLE:qN, an actor's id; `dyads show ID` opens them.

    \b
    Example:
      dyads export events --format plover events.jsonl
      dyads export quotes --format csv --speaker Kosachev - | head
      dyads export actors --format parquet actors.parquet
    """


@export_group.command(name="events")
@_OUT
@_format("events")
@filter_options("events")
@click.pass_obj
def export_events(obj: Context, out: str, fmt: str, **values) -> None:
    """Write stored events to OUT (- for stdout) as PLOVER records, GDELT-style rows, CSV,
    Parquet or JSONL.

    \b
    Example:
      dyads export events --format gdelt --actor RUS events.tsv
      dyads export events --format csv - | head
    """
    filters = given("events", values)
    _run("events", fmt, out, obj, lambda store, f, o: export.export_events(store, f, o, **filters))


@export_group.command(name="quotes")
@_OUT
@_format("quotes")
@filter_options("quotes")
@click.pass_obj
def export_quotes(obj: Context, out: str, fmt: str, **values) -> None:
    """Write stored quotes to OUT (- for stdout) as CSV, JSONL or Parquet.

    \b
    Example:
      dyads export quotes --format csv --country RUS quotes.csv
    """
    filters = given("quotes", values)
    _run("quotes", fmt, out, obj, lambda store, f, o: export.export_quotes(store, f, o, **filters))


@export_group.command(name="actors")
@_OUT
@_format("actors")
@filter_options("actors")
@click.pass_obj
def export_actors(obj: Context, out: str, fmt: str, **values) -> None:
    """Write stored actors to OUT (- for stdout) as CSV, JSONL or Parquet, most mentioned first.

    \b
    Example:
      dyads export actors --format csv --kind person actors.csv
    """
    filters = given("actors", values)
    _run("actors", fmt, out, obj, lambda store, f, o: export.export_actors(store, f, o, **filters))


def _run(kind: str, fmt: str, out: str, obj: Context, write) -> None:
    """Check the format and OUT, write, and say on stderr how many went where."""
    fmt = export.check_format(kind, fmt.lower())
    if out == STDOUT and fmt == "parquet" and sys.stdout.isatty():
        raise SettingsError("Parquet is binary: redirect it (dyads export ... - > out.parquet) or give OUT a file name")
    target = sys.stdout.buffer if out == STDOUT else export.check_out_path(Path(out))
    with obj.reading() as store:
        count = write(store, fmt, target)
    click.echo(f"{count} {kind} written to {'standard output' if out == STDOUT else out}", err=True)
