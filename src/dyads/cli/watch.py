"""``dyads watch``: follow feeds and sitemaps, ingest each new story once."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from tqdm import tqdm

from dyads.cli import Context, cli
from dyads.errors import SettingsError
from dyads.store.live import StoreFile

# Seconds between polls by default: news feeds change every few minutes; many sites ask
# crawlers for no more than one visit a few minutes apart.
DEFAULT_EVERY_S = 300.0


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--once", is_flag=True, help="Poll each source once and exit (for cron).")
@click.option(
    "--every",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_EVERY_S,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between polls.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between two requests to the same host.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="Seconds a request may wait for the host's answer.",
)
@click.option("--user-agent", metavar="TEXT", help="User-Agent sent (default names dyads).")
@click.option("--contact", metavar="EMAIL-OR-URL", help="Sent as the From header, so a site can reach you.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes that run the NLP (default 1).")
@click.option(
    "--article-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Most seconds the NLP may spend on one article (default 60; 0: no limit, one process).",
)
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Alert rules (TOML or JSON) checked after each poll, with those `dyads alerts add` stored.",
)
@click.option("--webhook", metavar="URL", help="POST each alert as JSON here (unless its rule names its own).")
@click.pass_obj
def watch(
    obj: Context,
    sources,
    once,
    every,
    delay,
    timeout,
    user_agent,
    contact,
    workers,
    article_timeout,
    rules_file,
    webhook,
) -> None:
    """Follow RSS/Atom feeds and sitemaps; fetch and store each new story once.

    Each poll asks every source with the validators of its last answer (an
    unchanged feed costs one 304), fetches the pages of items not seen before,
    one request at a time per host, and ingests them as `dyads ingest` does: a
    story carried by several feeds is stored once. robots.txt is obeyed. What was
    seen is kept in the database, so a restart resumes. After each poll the alert
    rules (`dyads alerts`, and --rules) are checked; an alert fired is printed. Ctrl-C (or SIGTERM)
    stops after the current page. A line per source and poll goes to stderr, and
    a progress bar over a poll's new pages on a terminal.

    \b
    Example:
      dyads watch --once https://example.org/rss.xml https://example.org/news-sitemap.xml
      dyads watch --every 600 --contact me@example.org https://example.org/feed
    """
    from dyads.fetch import DEFAULT_USER_AGENT, Fetcher

    bad = [s for s in sources if not s.startswith(("http://", "https://"))]
    if bad:
        raise SettingsError(f"{bad[0]!r} is not an http(s) address; give a feed's or sitemap's URL")
    settings = obj.settings.replace(
        **{k: v for k, v in dict(workers=workers, article_timeout=article_timeout).items() if v is not None}
    )
    settings.check()
    from dyads import alerts as alert_rules

    alert_rules.check_webhook(webhook)
    if rules_file:
        alert_rules.read_rules(rules_file)  # a bad rules file fails before the first poll
    # The workers' server (and spaCy here) load at the first new item, not before: a poll that
    # finds nothing new, the usual cron run, costs a few requests and no model load.
    from dyads.watch import watch as run_watch

    fetcher = Fetcher(
        user_agent=user_agent or DEFAULT_USER_AGENT,
        contact=contact,
        delay=delay,
        timeout=timeout,
        max_bytes=settings.max_file_bytes,
    )

    def stop(signum, frame) -> None:
        if fetcher.stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        click.echo("stopping after the current page (again to stop now)", err=True)
        fetcher.stop.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    polls = [0]

    def on_poll(summary) -> None:
        polls[0] += 1
        click.echo(f"poll {polls[0]}: {summary.line()}", err=True)
        _check_alerts(watched[0], rules_file, webhook)

    show_progress = sys.stderr.isatty()
    bar = None

    def on_progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="page", file=sys.stderr, dynamic_ncols=True, leave=False)
        bar.update(done)

    def on_result(result) -> None:
        nonlocal bar
        if bar is not None:  # a poll's lines come after its pages: the bar is done
            bar.close()
            bar = None
        click.echo(result.line(), err=True)

    watched: list = [None]
    with StoreFile(settings.db, timeout=settings.lock_timeout) as store:
        watched[0] = store
        run_watch(
            list(sources),
            store=store,
            settings=settings,
            fetcher=fetcher,
            once=once,
            every=every,
            on_result=on_result,
            on_poll=on_poll,
            on_progress=on_progress if show_progress else None,
        )
    if fetcher.stop.is_set():
        click.echo("stopped; rerun to go on where it stopped", err=True)
    sys.stderr.flush()


def _check_alerts(store: StoreFile, rules_file, webhook) -> None:
    """The alert rules checked after a poll (a session only when there are rules); the file let go after."""
    from dyads.cli.alerts import check_and_print

    if not rules_file:
        with store.reading() as session:
            if not session.alert_rules():
                return
    with store.writing() as session:
        check_and_print(session, rules_file, webhook)
    store.close()
