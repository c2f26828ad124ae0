"""The ``dyads`` command: thin shells over the library.

Each command parses its flags, calls the library function of the same name
and formats the result. Data goes to stdout; logs and progress to stderr.
Errors print ``Error: <message>`` and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import logging
import sys

import click

from dyads.config import Settings
from dyads.errors import DyadsError


class Context:
    """What every command gets: the settings (with ``--db`` applied)."""

    def __init__(self, settings: Settings, *, verbose: int = 0) -> None:
        self.settings = settings
        self.verbose = verbose  # -v: list what was not read, as well as the counts

    def reading(self):
        """The database opened read-only, waiting up to ``lock_timeout`` while a writer has it."""
        from dyads.store import Store  # noqa: PLC0415  (loads DuckDB: only for commands that read)

        return Store.open(self.settings.db, read_only=True, timeout=self.settings.lock_timeout)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", metavar="PATH", help="Database file (default ./dyads.duckdb, or $DYADS_DB).")
@click.option("-v", "--verbose", count=True, help="More log lines on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.version_option(package_name="dyads")
@click.pass_context
def cli(ctx: click.Context, db: str | None, verbose: int, quiet: bool) -> None:
    """Read international news into a traceable record of who said and did what to whom.

    \b
    Example:
      dyads ingest story.txt pages/*.html feed.jsonl
      dyads articles
      dyads show 3f2a --json
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = Context(Settings.load(db=db), verbose=verbose)


def main() -> None:
    """Entry point of the console script."""
    try:
        cli.main(standalone_mode=False, prog_name="dyads")
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except DyadsError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.stderr.close()  # `dyads articles | head`: the reader left, nothing to report
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("Interrupted; finished batches are stored, rerun to finish the rest.", err=True)
        sys.exit(130)


# Each module registers its commands on ``cli`` as it is imported.
from dyads.cli import (  # noqa: E402, F401
    actors,
    alerts,
    analysis,
    articles,
    batch,
    demo,
    evaluate,
    events,
    export,
    ingest,
    quotes,
    serve,
    sql,
    watch,
)
