"""``dyads eval ...``: accuracy against gold data, as text or JSON."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from dyads.cli import cli
from dyads.cli.output import table, to_json
from dyads.config import QUOTE_MODES
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
        click.echo(
            to_json(
                {
                    "measure": "token_f1",
                    "pages": len(scores),
                    **overall,
                    "per_page": [dataclasses.asdict(s) for s in scores],
                }
            )
        )
        return
    click.echo(table([dataclasses.asdict(s) for s in scores], ["page", "precision", "recall", "f1", "error"]))
    click.echo(
        f"\n{len(scores)} pages, mean token precision {overall['precision']:.3f}, "
        f"recall {overall['recall']:.3f}, F1 {overall['f1']:.3f}"
    )


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


@evaluate.command(name="quotes")
@click.option(
    "--gold",
    "gold",
    required=True,
    type=click.Path(path_type=Path),
    help="PolNeAR JSONL (polnear_train_dev.jsonl) or plain quotes JSONL.",
)
@click.option("--split", help="Only stories of this split (PolNeAR: train or dev).")
@click.option(
    "--quotes",
    "mode",
    type=click.Choice(QUOTE_MODES),
    default="rules",
    show_default=True,
    help="The quotes stage alone, or beside the quote tagger (needs dyads[tagger]).",
)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def quotes_command(gold: Path, split: str | None, mode: str, as_json: bool) -> None:
    """Score quotes against gold: content P/R/F1 (exact, overlap), speaker accuracy.

    Figures are given overall and by how the gold names the speaker (name, pronoun,
    nominal, none). Exact match compares the words (edge punctuation, quotation marks
    and a leading "that" aside); overlap needs half of both quotes' words shared.
    Plain gold is one JSON object per line:
    {"id", "text", "quotes": [{"content": [s, e], "cue": [s, e] | null,
    "speaker": [s, e] | null, "speaker_name": "Full Name" | null}]}; with
    speaker_name, resolved-speaker accuracy and end-to-end F1 are added.

    \b
    Example:
      dyads eval quotes --gold ../shared/data/gold/polnear_train_dev.jsonl --split dev
      dyads eval quotes --gold ../shared/data/gold/polnear_train_dev.jsonl --split dev --quotes tagged
    """
    from dyads.evaluate.quotes import evaluate_quotes

    result = evaluate_quotes(gold, split=split, tagged=mode == "tagged")
    if as_json:
        click.echo(to_json(result))
        return
    rows = [_quote_row("all", result["overall"])]
    rows += [_quote_row(kind, figures) for kind, figures in result["by_speaker_kind"].items()]
    columns = [
        "speaker",
        "gold",
        "predicted",
        "exact_p",
        "exact_r",
        "exact_f1",
        "overlap_p",
        "overlap_r",
        "overlap_f1",
        "speaker_acc",
    ]
    if "resolved_accuracy" in result["overall"]:
        columns += ["resolved_acc", "e2e_f1"]
    click.echo(table(rows, columns))
    click.echo(
        f"\n{result['stories']} stories{f' (split {split})' if split else ''}, quotes: {mode}; speaker accuracy "
        "is on overlap-matched quotes; by-kind rows use the gold speaker's kind for recall "
        "and the predicted one's for precision"
    )
    if "agreement" in result:
        agreement = result["agreement"]
        several = agreement["stories"]
        people, ours = (_f1s(agreement[who]) for who in ("annotators", "dyads"))
        click.echo(
            f"on {several} {'story' if several == 1 else 'stories'} annotated more than once, "
            f"annotators agree with each other at {people}; dyads against each annotator: {ours}"
        )


def _f1s(figures: dict) -> str:
    return f"overlap F1 {figures['overlap']['f1']} (exact {figures['exact']['f1']})"


def _quote_row(kind: str, figures: dict) -> dict:
    row = {
        "speaker": kind,
        "gold": figures["gold"],
        "predicted": figures["predicted"],
        "speaker_acc": figures["speaker_accuracy"],
    }
    for measure in ("exact", "overlap"):
        row[f"{measure}_p"] = figures[measure]["precision"]
        row[f"{measure}_r"] = figures[measure]["recall"]
        row[f"{measure}_f1"] = figures[measure]["f1"]
    if "resolved_accuracy" in figures:
        row["resolved_acc"] = figures["resolved_accuracy"]
        row["e2e_f1"] = figures["end_to_end"]["f1"]
    return row


@evaluate.command()
@click.option(
    "--gold",
    "gold",
    required=True,
    type=click.Path(path_type=Path),
    help="JSONL gold records: PLOVER gold-standard records or the plain format.",
)
@click.option("--errors", is_flag=True, help="Also list every record whose type or parties are wrong.")
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=None,
    help="Also cross-validate: each of K folds of the records scored with only the trigger rows "
    "and the coding the other folds (and the training stories) support.",
)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def events(gold: Path, errors: bool, folds: int | None, as_json: bool) -> None:
    """Score event coding against gold records: type, detection, actors, recipients.

    \b
    Gold formats (one JSON object a line):
      PLOVER records: {"id", "text", "event_v2", "actor": [{"code", "sector"}], "recipient": [...]}
      plain: {"id", "text", "date"?, "events": [{"type", "mode"?, "actors": [{"code"}], "recipients": [...]}]}
    An empty "events" list marks a sentence that must yield no event.

    \b
    Example:
      dyads eval events --gold ../shared/data/gold/plover_gsr_dev.jsonl
    """
    from dyads.evaluate.events import cross_validate_events, evaluate_events

    scores = evaluate_events(gold)
    cv = cross_validate_events(gold, folds=folds) if folds else None
    wrong = [r for r in scores.results if not r.fully_right and (r.gold or r.predicted_type)]
    if as_json:
        report = scores.summary()
        if cv is not None:
            report["cross_validated"] = {
                **cv.scores.summary(),
                "folds": cv.folds,
                "chosen": [dataclasses.asdict(c) for c in cv.chosen],
                "rows_left_out": cv.left_out,
                "best_on_all": dataclasses.asdict(cv.best),
            }
        if errors:
            report["errors"] = [_error_row(r) for r in wrong]
        click.echo(to_json(report))
        return
    per_type = [{"type": t, **v} for t, v in scores.per_type.items()]
    columns = ["type", "gold", "predicted", "precision", "recall", "f1"]
    if cv is not None:
        held_out = cv.scores.per_type
        per_type = [{**row, f"cv_{cv.folds}_fold_f1": held_out.get(row["type"], {}).get("f1", 0.0)} for row in per_type]
        columns.append(f"cv_{cv.folds}_fold_f1")
    click.echo(table(per_type, columns))
    click.echo("")
    summary = scores.summary()
    del summary["per_type"]
    if cv is not None:
        held_out = cv.scores.summary()
        rows = [{"measure": k, "value": v, f"cv_{cv.folds}_fold": held_out[k]} for k, v in summary.items()]
        click.echo(table(rows, ["measure", "value", f"cv_{cv.folds}_fold"]))
        click.echo("")
        click.echo(
            table(
                [
                    {"fold": i, **dataclasses.asdict(c), "rows_left_out": n}
                    for i, (c, n) in enumerate(zip(cv.chosen, cv.left_out))
                ]
                + [{"fold": "all", **dataclasses.asdict(cv.best)}],
                ["fold", "weight", "retype", "fill", "recipients", "rows_left_out"],
            )
        )
        click.echo(
            f"\ncv_{cv.folds}_fold: each fold scored with the trigger rows that code a record of another "
            "fold or a training story (scripts/trigger_support.py) with its own type, and the coding "
            "the other folds choose; rows_left_out: rows that fired right in the fold but nowhere else. "
            "A gap of more than a few points between value and cv is fitting the records.",
            err=True,
        )
    else:
        click.echo(table([{"measure": k, "value": v} for k, v in summary.items()], ["measure", "value"]))
    if errors:
        click.echo("")
        click.echo(
            table(
                [_error_row(r) for r in wrong],
                [
                    "id",
                    "gold",
                    "predicted",
                    "trigger",
                    "gold_actors",
                    "actors",
                    "gold_recipients",
                    "recipients",
                    "text",
                ],
            )
        )


def _error_row(result) -> dict:
    gold = result.gold
    return {
        "id": result.id,
        "gold": gold.type if gold else None,
        "predicted": result.predicted_type,
        "trigger": result.trigger,
        "gold_actors": " ".join(gold.actors) if gold else "",
        "actors": " ".join(result.predicted_actors),
        "gold_recipients": " ".join(gold.recipients) if gold else "",
        "recipients": " ".join(result.predicted_recipients),
        "text": result.text,
    }


@evaluate.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    default=Path("accuracy-baseline.json"),
    show_default=True,
    help="Committed floors.",
)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def gate(data: Path, baseline: Path, as_json: bool) -> None:
    """Run every evaluation and fail if a figure drops below its committed floor.

    \b
    Example:
      dyads eval gate ../shared/data --baseline accuracy-baseline.json
    """
    from dyads.evaluate.gate import load_floors, run_gate

    checks = run_gate(data, load_floors(baseline))
    rows = [
        {"metric": c.metric, "score": c.score, "floor": c.floor, "status": "ok" if c.passed else "BELOW FLOOR"}
        for c in checks
    ]
    if as_json:
        click.echo(to_json(rows))
    else:
        click.echo(table(rows, ["metric", "score", "floor", "status"]))
    failed = [c.metric for c in checks if not c.passed]
    if failed:
        raise DyadsError(
            f"accuracy below floor: {', '.join(failed)}; fix the regression (floors live in the baseline file)"
        )


@evaluate.command(name="actors")
@click.option(
    "--gold",
    "gold",
    type=click.Path(path_type=Path),
    required=True,
    help="PLOVER gold records (JSONL), e.g. ../shared/data/gold/plover_gsr_dev.jsonl.",
)
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
    click.echo(
        table(
            rows,
            [
                "role",
                "gold",
                "resolved",
                "correct",
                "precision",
                "recall",
                "accuracy",
                "sector_gold",
                "sector_accuracy",
            ],
        )
    )
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
    click.echo(
        f"\n{result['articles']} articles; {result['actor_mentions_resolved']} of "
        f"{result['actor_mentions']} actor mentions resolved; {result['titled_people_with_country_and_sector']} "
        f"of {result['titled_people']} titled people have country and sector"
    )
    if result["incomplete"]:
        click.echo(table(result["incomplete"], ["article", "name", "title", "country", "sector"]))
