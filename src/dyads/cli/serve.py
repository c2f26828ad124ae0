"""``dyads serve``: the JSON API and the dashboard over the database, read-only."""

from __future__ import annotations

import click

from dyads.cli import Context, cli
from dyads.errors import MissingDependency

# Seconds an idle kept-alive connection stays open. uvicorn's default, 5 s, closed connections
# under clients that were slow to send their next request: benchmarks/load.py, 50 connections
# on a busy 2-core machine, saw a transport error (ReadError) when a client reused one just as
# the server closed it. Idle connections cost the server next to nothing.
KEEP_ALIVE_S = 60


@cli.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on; the default serves this machine only."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8008, show_default=True, help="Port to listen on.")
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """Serve the dashboard and the JSON API (/api, /openapi.json); the database is opened read-only.

    It can run while `dyads ingest` writes the same database: the server lets go
    of the file while a batch is written, then shows the new articles.

    \b
    Example:
      dyads demo && dyads serve
      dyads --db news.duckdb serve --port 8080
    """
    from dyads.web import create_app

    try:
        import uvicorn
    except ImportError as e:
        raise MissingDependency("uvicorn", "web") from e
    app = create_app(obj.settings.db, lock_timeout=obj.settings.lock_timeout)
    click.echo(f"Serving {obj.settings.db} read-only at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_S)
