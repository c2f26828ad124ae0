"""``dyads dyads``, ``dyads dyad``, ``dyads rank`` and ``dyads network``: the headline's question,
from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from dyads import analysis, views
from dyads.cli import Context, cli
from dyads.cli.filters import FilterType, explain, filter_options, given, option
from dyads.cli.output import emit, fetch_limit, format_options, open_hint, shown, to_json
from dyads.store.filters import RESOURCES, TYPES

SERIES_COLUMNS = (
    "period",
    "events",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
    "cooperation_share",
    "mean_score",
    "mean_goldstein",
    "from_a",
    "from_b",
)
RANK_COLUMNS = (
    "rank",
    "country",
    "name",
    "events",
    "cooperation",
    "conflict",
    "net",
    "cooperation_share",
    "mean_score",
    "mean_goldstein",
    "direct",
)
DYADS_COLUMNS = (
    "a",
    "b",
    "events",
    "cooperation",
    "conflict",
    "mean_score",
    "mean_goldstein",
    "first_date",
    "last_date",
)
EDGE_COLUMNS = ("source", "target", "events", "cooperation", "conflict", "mean_score", "mean_goldstein", "by_type")


def period_options(function):
    """--since and --until, as the declared filters of the analyses have them (``store.filters``)."""
    for f in reversed(RESOURCES["dyad"].filters[1:3]):
        function = option(f)(function)
    return function


def count_option(function):
    """--count clusters|reports, shared by the analysis commands."""
    return click.option(
        "--count",
        "count",
        type=click.Choice(analysis.COUNT_MODES),
        default="clusters",
        show_default=True,
        help="clusters: an event reported by several articles counts once; "
        "reports: every report counts, as GDELT does.",
    )(function)


@cli.command(name="dyads")
@filter_options("dyads")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="At most this many pairs (a table shows 50 unless given; --json and --csv all).",
)
@format_options
@click.pass_obj
def dyads_(obj: Context, limit, as_json, as_csv, **values) -> None:
    """List country pairs (either direction) with the most events, with their figures.
    The filters are those of /api/dyads; `dyads dyad A B` shows one pair over time.

    \b
    Example:
      dyads dyads --country RUS --since 2018 --json
    """
    as_table = not (as_json or as_csv)
    filters = given("dyads", values)
    with obj.reading() as store:
        rows = store.rows("dyads", filters, limit=fetch_limit(limit, as_table=as_table))
        if not rows:
            explain(store, "dyads", filters, noun="dyads")
    rows = [views.dyad_row(r) for r in shown(rows, limit, as_table=as_table, noun="pairs")]
    emit(rows, as_json=as_json, as_csv=as_csv, columns=DYADS_COLUMNS if as_table else None)
    open_hint(rows, as_table=as_table, command="dyads dyad A B")


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option(
    "--by", type=click.Choice(analysis.PERIODS), default="month", show_default=True, help="Length of each period."
)
@period_options
@click.option("--directed", is_flag=True, help="Only events from A to B.")
@click.option("--no-groups", is_flag=True, help="Leave out events of a group A or B belongs to.")
@count_option
@format_options
@click.pass_obj
def dyad(obj: Context, a, b, by, since, until, directed, no_groups, count, as_json, as_csv) -> None:
    """The events between two countries over time: counts by quad class, cooperation share,
    mean PLOVER score and Goldstein value per period.

    A and B are ISO 3166 alpha-3 codes. Events of unknown date or dated more coarsely
    than --by are counted in the totals and listed under "left out". --json adds the
    totals and the newest events with their sentences.

    \b
    Example:
      dyads dyad RUS JPN --by month
      dyads dyad RUS JPN --since 2018 --json
    """
    with obj.reading() as store:
        result = analysis.dyad_series(
            store, a, b, by=by, directed=directed, include_groups=not no_groups, count=count, since=since, until=until
        )
    if as_json:
        click.echo(to_json(result))
        return
    emit(result["series"], as_csv=as_csv, columns=SERIES_COLUMNS)
    if not as_csv:
        totals, left = result["totals"], result["left_out"]
        click.echo(
            f"\n{result['a']['code']}-{result['b']['code']}: {totals['events']} events, "
            f"{totals['cooperation']} cooperative, {totals['conflict']} conflictual; left out of the "
            f"series: {left['undated']} of unknown date, {left['coarser']} dated more coarsely than a {by}",
            err=True,
        )


@cli.command()
@filter_options("rankings")
@format_options
@click.pass_obj
def rank(obj: Context, target, among, since, until, metric, per, evidence, count, as_json, as_csv) -> None:
    """Rank countries by their relations with a target, with the events behind each figure.

    Members without events are listed last, unranked. --json gives each member's
    evidence: the events (type, date, direction, sentence, article) that make its figures;
    it is what /api/rankings answers.

    \b
    Example:
      dyads rank --target RUS --among G7
      dyads rank --target RUS --among G7 --since 2018-01 --per month --json
      dyads rank --target RUS --among G7 --count reports
    """
    with obj.reading() as store:
        result = analysis.rank(
            store, target, among, metric=metric, per=per, evidence=evidence, count=count, since=since, until=until
        )
    if as_json:
        click.echo(to_json(result))
    elif as_csv and per:
        emit(result["by_period"], as_csv=True, columns=("period", *RANK_COLUMNS[:-1]))
    else:
        emit(result["ranking"], as_csv=as_csv, columns=RANK_COLUMNS)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file (.graphml or .json).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(analysis.NETWORK_FORMATS),
    help="File format (default: from the --out suffix, else graphml).",
)
@click.option(
    "--level",
    type=click.Choice(analysis.LEVELS),
    default="country",
    show_default=True,
    help="Nodes are countries (groups as their members) or actors (people, governments, groups).",
)
@period_options
@click.option(
    "--type",
    "types",
    type=FilterType(TYPES),
    multiple=True,
    help="Only these PLOVER event types (repeatable, or comma-separated).",
)
@click.option("--country", metavar="ISO3", help="Only edges touching this country.")
@click.option(
    "--min-weight",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only edges of at least this many events.",
)
@count_option
@format_options
@click.pass_obj
def network(obj: Context, out, fmt, level, since, until, types, country, min_weight, count, as_json, as_csv) -> None:
    """The directed, weighted network of who did what to whom, by event type.

    With --out, writes GraphML (Gephi, Cytoscape, networkx) or JSON nodes and edges;
    without, lists the edges.

    \b
    Example:
      dyads network --out net.graphml
      dyads network --level actor --type CONSULT --json
    """
    from dyads.export import check_out_path

    with obj.reading() as store:
        net = analysis.network(
            store,
            level=level,
            types=[t for ts in types for t in ts] or None,
            country=country,
            min_weight=min_weight,
            count=count,
            since=since,
            until=until,
        )
    if out:
        fmt = fmt or ("json" if out.suffix.lower() == ".json" else "graphml")
        analysis.write_network(net, check_out_path(out), fmt)
        click.echo(f"{len(net['nodes'])} nodes and {len(net['edges'])} edges written to {out} ({fmt})", err=True)
    elif as_json:
        click.echo(to_json(net))
    else:
        emit(net["edges"], as_csv=as_csv, columns=EDGE_COLUMNS)
