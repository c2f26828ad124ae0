"""``dyads batch``: analyze many inputs on a Dask cluster."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click
from tqdm import tqdm

from dyads.cli import Context, cli
from dyads.cli.ingest import analysis_options
from dyads.cli.output import to_json
from dyads.errors import DyadsError
from dyads.readers.dates import parse_reference
from dyads.store.live import StoreFile


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--dask",
    "scheduler",
    required=True,
    metavar="ADDRESS|local",
    help="Dask scheduler address (tcp://host:8786), or 'local' for a local cluster.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Leave Parquet shards here (a folder every worker can write) instead of storing them in the database.",
)
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes of a local cluster (default 1).")
@click.option("--partition-size", type=click.IntRange(min=1), help="Articles per task (default 500).")
@click.option("--batch-size", type=click.IntRange(min=1), help="Articles per nlp.pipe batch.")
@click.option(
    "--date", "reference", metavar="YYYY-MM-DD", help="Reference date: tells the year of datelines that give none."
)
@analysis_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def batch(
    obj: Context,
    inputs,
    scheduler,
    out,
    workers,
    partition_size,
    batch_size,
    quotes,
    reference,
    article_timeout,
    article_memory_mb,
    as_json,
) -> None:
    """Analyze inputs on a Dask cluster; store the results, or leave them as Parquet.

    Workers load the pipeline once and analyze partitions of articles; this
    process stores the results through its single database writer, as `dyads
    ingest` would, or with --out the workers leave Parquet shards of the tables
    in OUT/<table>/ for DuckDB or Spark. A rerun skips what is done.

    \b
    Example:
      dyads batch archive/*.jsonl --dask local --workers 2
      dyads batch archive/ --dask tcp://scheduler:8786
      dyads batch archive/ --dask tcp://scheduler:8786 --out /shared/dyads-parquet
    """
    from dyads.batch import batch as run_batch  # loads spaCy: only when running
    from dyads.readers import count_inputs

    settings = obj.settings.replace(
        **{
            k: v
            for k, v in dict(
                workers=workers,
                batch_size=batch_size,
                quotes=quotes,
                article_timeout=article_timeout,
                article_memory_mb=article_memory_mb,
            ).items()
            if v is not None
        }
    )
    settings.check()
    reference_date = parse_reference(reference) if reference else None
    show_progress = sys.stderr.isatty()
    total = count_inputs(inputs) if show_progress else None
    with (
        _database(settings.db, out, timeout=settings.lock_timeout) as store,
        tqdm(total=total, unit="input", disable=not show_progress, file=sys.stderr, dynamic_ncols=True) as bar,
    ):
        summary = run_batch(
            inputs,
            scheduler=scheduler,
            settings=settings,
            store=store,
            out=out,
            reference=reference_date,
            on_progress=bar.update,
            **({"partition_size": partition_size} if partition_size else {}),
        )
    if as_json:
        click.echo(
            to_json(
                {
                    "ingested": summary.ingested,
                    "duplicates": summary.duplicates,
                    "skipped": summary.skipped,
                    "failures": [{"input": f.origin, "reason": f.reason} for f in summary.failures],
                    "notes": [{"input": n.origin, "reason": n.reason} for n in summary.notices],
                    **({"out": str(out)} if out else {}),
                }
            )
        )
    else:
        for failure in summary.failures:
            click.echo(f"skipped {failure.origin}: {failure.reason}", err=True)
        for line in summary.notice_lines(verbose=bool(obj.verbose)):
            click.echo(line, err=True)
        click.echo(summary.line() + (f"; Parquet shards in {out}" if out else ""), err=True)
    if summary.ingested == 0 and summary.duplicates == 0:
        raise DyadsError("no articles found in the inputs")


def _database(db: str, out: Path | None, *, timeout: float):
    """The database to store into, or nothing when the shards go to --out."""
    return contextlib.nullcontext(None) if out else StoreFile(db, timeout=timeout)
