"""``dyads eval ...``: accuracy against gold data, as text or JSON."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from dyads.cli import cli
from dyads.cli.output import table, to_json
from dyads.errors import DyadsError


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
    from dyads.evaluate.html import evaluate_html, mean

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


@evaluate.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def readers(data: Path, as_json: bool) -> None:
    """Check story splitting and datelines on the evaluation data.

    DATA is the shared data folder (with news/ inside and samples/ beside it).

    \b
    Example:
      dyads eval readers ../shared/data
    """
    from dyads.evaluate.readers import evaluate_readers

    results = evaluate_readers(data)
    if as_json:
        click.echo(to_json(results))
        return
    click.echo(table([{"check": k, **v} for k, v in results.items()], ["check", "score", "checked", "failed"]))


@evaluate.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--baseline", type=click.Path(path_type=Path), default=Path("accuracy-baseline.json"),
              show_default=True, help="Committed floors.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def gate(data: Path, baseline: Path, as_json: bool) -> None:
    """Run every evaluation and fail if a figure drops below its committed floor.

    \b
    Example:
      dyads eval gate ../shared/data --baseline accuracy-baseline.json
    """
    from dyads.evaluate.gate import load_floors, run_gate

    checks = run_gate(data, load_floors(baseline))
    rows = [{"metric": c.metric, "score": c.score, "floor": c.floor,
             "status": "ok" if c.passed else "BELOW FLOOR"} for c in checks]
    if as_json:
        click.echo(to_json(rows))
    else:
        click.echo(table(rows, ["metric", "score", "floor", "status"]))
    failed = [c.metric for c in checks if not c.passed]
    if failed:
        raise DyadsError(f"accuracy below floor: {', '.join(failed)}; fix the regression "
                         "(floors live in the baseline file)")


@evaluate.command(name="actors")
@click.option("--gold", "gold", type=click.Path(path_type=Path), required=True,
              help="PLOVER gold records (JSONL), e.g. ../shared/data/gold/plover_gsr_dev.jsonl.")
@click.option("--misses", is_flag=True, help="Also list every gold actor resolved wrongly or not at all.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def actors_eval(gold: Path, misses: bool, as_json: bool) -> None:
    """Score actor and recipient countries (and sectors) against PLOVER gold records.

    For each gold actor text, the actor mention covering it is compared by country
    (IGO/NGO for organizations). Precision counts resolved mentions; accuracy all gold.

    \b
    Example:
      dyads eval actors --gold ../shared/data/gold/plover_gsr_dev.jsonl
    """
    from dyads.evaluate.actors import evaluate_actors

    result = evaluate_actors(gold)
    if as_json:
        click.echo(to_json(result if misses else {k: v for k, v in result.items() if k != "misses"}))
        return
    rows = [{"role": role, **scores} for role, scores in result["scores"].items()]
    click.echo(table(rows, ["role", "gold", "resolved", "correct", "precision", "recall", "accuracy",
                            "sector_gold", "sector_accuracy"]))
    if misses:
        click.echo("")
        click.echo(table(result["misses"], ["id", "role", "text", "gold", "predicted"]))


@evaluate.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def coverage(inputs, as_json: bool) -> None:
    """Count how many mentions resolve to actors, and titled people lacking country or sector.

    Needs no gold data: a quick check on any corpus.

    \b
    Example:
      dyads eval coverage ../shared/data/news/tass-txt/
    """
    from dyads.evaluate.coverage import evaluate_coverage

    result = evaluate_coverage(list(inputs))
    if as_json:
        click.echo(to_json(result))
        return
    click.echo(table([{"kind": k, **v} for k, v in result["mentions"].items()], ["kind", "total", "resolved"]))
    click.echo(f"\n{result['articles']} articles; {result['actor_mentions_resolved']} of "
               f"{result['actor_mentions']} actor mentions resolved; {result['titled_people_with_country_and_sector']} "
               f"of {result['titled_people']} titled people have country and sector")
    if result["incomplete"]:
        click.echo(table(result["incomplete"], ["article", "name", "title", "country", "sector"]))
