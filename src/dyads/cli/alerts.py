"""``dyads alerts``: rules over a dyad's or group's relations, and the alerts they fired."""

from __future__ import annotations

from pathlib import Path

import click

from dyads.cli import Context, cli
from dyads.cli.output import emit, format_options, to_json
from dyads.store.alerts import RULE_COLUMNS

ALERT_COLUMNS = (
    "fired_at",
    "rule",
    "value",
    "baseline",
    "events",
    "window_start",
    "window_end",
    "webhook_status",
    "message",
)


@cli.group()
def alerts() -> None:
    """Alert rules over relations, checked after each `dyads watch` poll.

    A rule names two sides (a country, a group such as G7, or codes such as
    JPN,USA), a measure of their events (cooperation_share, mean_goldstein,
    mean_score, events, cooperation, conflict, net), a window of days ending
    today, and one condition: --below/--above a threshold, or a --drop/--rise of at
    least that much against the mean of the --trailing windows before. A fired
    alert is stored with its events, printed, and POSTed as JSON to the rule's
    --webhook.

    \b
    Example:
      dyads alerts add nor-idn --between NOR,IDN --measure cooperation_share --window 7 --below 0.5
      dyads alerts add g7-rus --between G7,RUS --measure mean_goldstein --window 7 --drop 2 --webhook https://hooks.example.org/x
      dyads alerts check --rules rules.toml
      dyads alerts fired
    """


def _writing(obj: Context):
    from dyads.store import Store  # noqa: PLC0415  (loads DuckDB)

    return Store.open(obj.settings.db, timeout=obj.settings.lock_timeout)


@alerts.command("add")
@click.argument("name")
@click.option("--between", required=True, metavar="A,B", help="The two sides: countries, groups (G7) or A and B.")
@click.option(
    "--measure",
    required=True,
    metavar="MEASURE",
    help="cooperation_share, mean_goldstein, mean_score, events, cooperation, conflict or net.",
)
@click.option("--window", required=True, type=int, metavar="DAYS", help="Days the measure is taken over, ending today.")
@click.option("--below", type=float, help="Fire when the measure is below this.")
@click.option("--above", type=float, help="Fire when the measure is above this.")
@click.option("--drop", type=float, help="Fire when it is this much below the trailing mean.")
@click.option("--rise", type=float, help="Fire when it is this much above the trailing mean.")
@click.option(
    "--trailing",
    type=int,
    default=4,
    show_default=True,
    metavar="N",
    help="Windows before the current one a --drop or --rise is measured against.",
)
@click.option(
    "--min-events",
    type=int,
    default=1,
    show_default=True,
    metavar="N",
    help="Fewest events in a window for a share or mean to count there.",
)
@click.option(
    "--count",
    "count",
    type=click.Choice(("clusters", "reports")),
    default="clusters",
    show_default=True,
    help="Count an event reported by several articles once (clusters) or every report.",
)
@click.option("--webhook", metavar="URL", help="POST each alert of this rule as JSON to this URL.")
@click.pass_obj
def add(obj: Context, name, **fields) -> None:
    """Add (or replace) a stored rule.

    \b
    Example:
      dyads alerts add nor-idn --between NOR,IDN --measure cooperation_share --window 7 --below 0.5
    """
    from dyads import alerts as library

    rule = library.parse_rule(
        {"name": name, **{k: v for k, v in fields.items() if v is not None}}, origin=f"rule {name}"
    )
    with _writing(obj) as store:
        library.add_rule(store, rule)
    click.echo(f"rule {rule.name}: {rule.describe()}", err=True)


@alerts.command("list")
@format_options
@click.pass_obj
def list_rules(obj: Context, as_json, as_csv) -> None:
    """The stored rules.

    \b
    Example:
      dyads alerts list --json
    """
    with obj.reading() as store:
        rules = store.alert_rules()
    if as_json:
        click.echo(to_json(rules))
    else:
        emit(rules, as_csv=as_csv, columns=RULE_COLUMNS)


@alerts.command("remove")
@click.argument("name")
@click.pass_obj
def remove(obj: Context, name) -> None:
    """Remove a stored rule (the alerts it fired are kept).

    \b
    Example:
      dyads alerts remove nor-idn
    """
    from dyads.errors import QueryError

    with _writing(obj) as store:
        if not store.remove_alert_rule(name.lower()):
            raise QueryError(f"no rule named {name!r}; list the rules with `dyads alerts list`")
    click.echo(f"rule {name} removed", err=True)


def rules_option(function):
    return click.option(
        "--rules",
        "rules_file",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="Also check the rules of this TOML ([[rule]] tables) or JSON file.",
    )(function)


def webhook_option(function):
    return click.option(
        "--webhook", metavar="URL", help="POST each alert as JSON here (unless its rule names its own)."
    )(function)


def check_and_print(store, rules_file: Path | None, webhook: str | None) -> list[dict]:
    """Check the stored rules and the file's, print each alert fired (stdout), return them."""
    from dyads import alerts as library

    rules = library.read_rules(rules_file) if rules_file else []
    fired = library.check(store, rules, webhook=webhook)
    for alert in fired:
        sent = f" (webhook: {alert['webhook_status']})" if alert["webhook"] else ""
        click.echo(f"alert {alert['message']}; events: {', '.join(alert['event_ids'])}{sent}")
    return fired


@alerts.command("check")
@rules_option
@webhook_option
@click.pass_obj
def check(obj: Context, rules_file, webhook) -> None:
    """Check every rule now; print and store the alerts fired.

    An alert fired before (same rule, window and events) is not fired again.

    \b
    Example:
      dyads alerts check --rules rules.toml --webhook http://127.0.0.1:9000/hook
    """
    from dyads import alerts as library

    library.check_webhook(webhook)
    if rules_file:
        library.read_rules(rules_file)  # a bad file fails before the database is opened
    with _writing(obj) as store:
        fired = check_and_print(store, rules_file, webhook)
    click.echo(f"{len(fired)} alert{'' if len(fired) == 1 else 's'} fired", err=True)


@alerts.command("fired")
@click.option("--rule", metavar="NAME", help="Only this rule's alerts.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Most alerts listed.")
@format_options
@click.pass_obj
def fired(obj: Context, rule, limit, as_json, as_csv) -> None:
    """The alerts fired, newest first, with the events behind each.

    \b
    Example:
      dyads alerts fired --rule nor-idn --json
    """
    with obj.reading() as store:
        rows = store.fired_alerts(rule=rule.lower() if rule else None, limit=limit)
    if as_json:
        click.echo(to_json(rows))
    else:
        emit(rows, as_csv=as_csv, columns=ALERT_COLUMNS)
