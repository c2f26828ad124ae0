"""``dyads ingest``: read, analyze and store articles."""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from dyads.cli import Context, cli
from dyads.config import QUOTE_MODES
from dyads.cli.output import to_json
from dyads.errors import DyadsError
from dyads.readers.dates import parse_reference
from dyads.store.live import StoreFile


def analysis_options(function):
    """--quotes, --article-timeout and --article-memory-mb, shared by ingest and batch."""
    function = click.option(
        "--article-memory-mb",
        type=click.FloatRange(min=0, min_open=True),
        metavar="MB",
        help="Most memory a worker process may hold while it analyzes an article (default 2000).",
    )(function)
    function = click.option(
        "--article-timeout",
        type=click.FloatRange(min=0),
        metavar="SECONDS",
        help="Most seconds the NLP may spend on one article before it is recorded as a "
        "failure and the ingest goes on (default 60; 0: no limit, one process).",
    )(function)
    return click.option(
        "--quotes",
        type=click.Choice(QUOTE_MODES),
        help="Quotes from the cue rules alone (default), or beside the quote tagger: more "
        "found, several times slower (needs dyads[tagger]).",
    )(function)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--date", "reference", metavar="YYYY-MM-DD", help="Reference date: tells the year of datelines that give none."
)
@click.option("--strict", is_flag=True, help="Exit 1 if any input is skipped.")
@click.option("--batch-size", type=click.IntRange(min=1), help="Articles the NLP takes at a time (default 32).")
@click.option(
    "--commit-every",
    type=click.IntRange(min=1),
    metavar="N",
    help="Articles per write transaction, in whole batches (default 128; "
    "each batch while a reader such as `dyads serve` waits).",
)
@click.option(
    "--workers", type=click.IntRange(min=1), help="Processes that run the NLP (default 1; about one per core)."
)
@click.option(
    "--max-file-mb", type=click.FloatRange(min=0, min_open=True), help="Largest single-article file read (default 10)."
)
@click.option("--max-article-chars", type=click.IntRange(min=1), help="Longest article processed.")
@click.option("--max-sentences", type=click.IntRange(min=1), help="Most sentences per article.")
@analysis_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def ingest(
    obj: Context,
    inputs,
    reference,
    strict,
    batch_size,
    commit_every,
    workers,
    max_file_mb,
    max_article_chars,
    max_sentences,
    quotes,
    article_timeout,
    article_memory_mb,
    as_json,
) -> None:
    """Read articles from files, folders, globs, URLs or - (stdin) and store them.

    Wire text (.txt), web pages (.html), JSONL, JSON and CSV records are read;
    stories already stored are skipped. Bad inputs are reported and skipped.
    Articles commit in transactions of whole batches: after an interruption,
    rerun the same command to finish the rest. While `dyads serve` or another
    reader waits for the database, the ingest lets go of it between batches.

    \b
    Example:
      dyads ingest story.txt news/ pages/*.html feed.jsonl
      cat story.txt | dyads ingest --date 2018-01-27 -
      dyads ingest --workers 2 archive.jsonl
      dyads ingest --quotes tagged story.txt
    """
    settings = obj.settings.replace(
        **{
            k: v
            for k, v in dict(
                batch_size=batch_size,
                commit_every=commit_every,
                workers=workers,
                max_file_mb=max_file_mb,
                max_article_chars=max_article_chars,
                max_sentences=max_sentences,
                quotes=quotes,
                article_timeout=article_timeout,
                article_memory_mb=article_memory_mb,
            ).items()
            if v is not None
        }
    )
    settings.check()
    if settings.article_timeout or settings.workers > 1:
        from dyads.workers import start_server

        start_server()  # loads the model in the workers' server while this process imports the rest
    from dyads.ingest import ingest as run_ingest  # loads spaCy: only when ingesting
    from dyads.readers import count_inputs

    reference_date = parse_reference(reference) if reference else None
    show_progress = sys.stderr.isatty()
    total = count_inputs(inputs) if show_progress else None
    # `dyads serve` and other readers get the file between batches (dyads.store.live).
    with (
        StoreFile(settings.db, timeout=settings.lock_timeout) as store,
        tqdm(total=total, unit="input", disable=not show_progress, file=sys.stderr, dynamic_ncols=True) as bar,
    ):
        summary = run_ingest(
            inputs,
            store=store,
            settings=settings,
            reference=reference_date,
            on_progress=bar.update,
            collect_ids=as_json,
        )
    if as_json:
        click.echo(
            to_json(
                {
                    "ingested": summary.ingested,
                    "duplicates": summary.duplicates,
                    "skipped": summary.skipped,
                    "article_ids": summary.article_ids,
                    "failures": [{"input": f.origin, "reason": f.reason} for f in summary.failures],
                    "updated": summary.updated,
                    "not_read": [{"input": u.origin, "reason": u.reason} for u in summary.unread],
                    "notes": [{"input": n.origin, "reason": n.reason} for n in summary.notices],
                }
            )
        )
    else:
        for failure in summary.failures:
            click.echo(f"skipped {failure.origin}: {failure.reason}", err=True)
        for line in summary.notice_lines(verbose=bool(obj.verbose)):
            click.echo(line, err=True)
        if obj.verbose:
            for unread in summary.unread:
                click.echo(f"not read {unread.origin}: {unread.reason}", err=True)
        click.echo(summary.line(), err=True)
    stored_nothing = summary.ingested == 0 and summary.duplicates == 0
    if stored_nothing or (strict and summary.skipped):
        raise DyadsError(
            f"{summary.skipped} input(s) skipped (reasons above); fix them and rerun"
            if summary.skipped
            else "no articles found in the inputs"
        )
