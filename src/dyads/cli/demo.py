"""``dyads demo``: the main job on the bundled sample story."""

from __future__ import annotations

import click

from dyads import views
from dyads.cli import Context, cli
from dyads.cli.articles import render_article
from dyads.samples import sample_path
from dyads.store.live import StoreFile


@cli.command()
@click.pass_obj
def demo(obj: Context) -> None:
    """Ingest the bundled sample story (written by the dyads authors) and show what was read.

    \b
    Example:
      dyads demo
      dyads --db /tmp/demo.duckdb demo
    """
    from dyads.ingest import ingest  # loads spaCy: only when running

    path = sample_path()
    with StoreFile(obj.settings.db, timeout=obj.settings.lock_timeout) as db:
        summary = ingest([str(path)], store=db, settings=obj.settings, command="demo")
        with db.reading() as store:
            detail = views.article_detail(store.get_article(summary.article_ids[0]))
    click.echo(f"Sample story {path.name} -> {obj.settings.db} ({summary.line()})\n", err=True)
    click.echo(render_article(detail))
    click.echo(f"\nNext: dyads articles | dyads show {detail['id'][:8]} --json", err=True)
