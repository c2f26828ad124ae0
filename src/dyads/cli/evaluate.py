"""``dyads eval ...``: accuracy against gold data, as text or JSON."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from dyads.cli import cli
from dyads.cli.output import table, to_json
from dyads.evaluate.html import evaluate_html, mean


@cli.group(name="eval")
def evaluate() -> None:
    """Measure accuracy against gold data.

    \b
    Example:
      dyads eval html ../shared/data/html
    """


@evaluate.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def html(folder: Path, as_json: bool) -> None:
    """Score HTML text extraction against expected text (bag-of-words token F1).

    FOLDER holds pages and X.expected.txt files (and optionally manifest.json).

    \b
    Example:
      dyads eval html ../shared/data/html --json
    """
    scores = evaluate_html(folder)
    overall = {m: mean(scores, m) for m in ("precision", "recall", "f1")}
    if as_json:
        click.echo(to_json({"measure": "token_f1", "pages": len(scores), **overall,
                            "per_page": [dataclasses.asdict(s) for s in scores]}))
        return
    click.echo(table([dataclasses.asdict(s) for s in scores],
                     ["page", "precision", "recall", "f1", "error"]))
    click.echo(f"\n{len(scores)} pages, mean token precision {overall['precision']:.3f}, "
               f"recall {overall['recall']:.3f}, F1 {overall['f1']:.3f}")
