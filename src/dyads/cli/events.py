"""``dyads events``: who did what to whom, as stored."""

from __future__ import annotations

import click

from dyads import export
from dyads.cli import Context, cli
from dyads.cli.filters import explain, filter_options, given
from dyads.cli.output import emit, fetch_limit, open_hint, shown

LISTING = ("id", "date", "type", "cameo", "actor_codes", "recipient_codes", "trigger", "sentence")
DYAD_LISTING = ("date", "type", "cameo", "source", "target", "goldstein", "id")


@cli.command()
@filter_options("events")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="At most this many events (a table shows 50 unless given; --json and --csv all).",
)
@click.option("--dyads", "as_dyads", is_flag=True, help="One row per CAMEO source-target pair.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Output CSV.")
@click.pass_obj
def events(obj: Context, limit, as_dyads, as_json, as_csv, **values) -> None:
    """List stored events: PLOVER type, CAMEO code, parties, date, place and evidence.

    Compound and reciprocal parties stay in one event, as PLOVER lists them; --dyads
    expands each event into CAMEO-style source-target pairs. The filters are those of /api/events.

    \b
    Example:
      dyads events --actor RUS --recipient JPN --type CONSULT --since 2018-01-01 --json
    """
    filters = given("events", values)
    as_table = not (as_json or as_csv)
    with obj.reading() as store:
        found = export.list_events(store, limit=fetch_limit(limit, as_table=as_table), **filters)
        if not found:
            explain(store, "events", filters)
    found = shown(found, limit, as_table=as_table, noun="events")
    open_hint(found, as_table=as_table, command="dyads show ID (its article, the event marked)")
    if as_dyads:
        emit(
            [row for e in found for row in export.dyad_rows(e)],
            as_json=as_json,
            as_csv=as_csv,
            columns=DYAD_LISTING if not (as_json or as_csv) else None,
        )
    elif as_json:
        emit(found, as_json=True)
    else:
        rows = [export.flat_row(e) for e in found]
        emit(rows, as_csv=as_csv, columns=export.FLAT_COLUMNS if as_csv else LISTING)
