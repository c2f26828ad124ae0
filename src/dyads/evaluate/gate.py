"""The accuracy gate: every evaluation's headline figures against committed floors.

``accuracy-baseline.json`` maps a metric name to its floor. ``dyads eval gate``
runs the evaluations, prints each figure beside its floor, and fails when one
drops below. Raise a floor when a change improves a figure; never lower one
without saying why in the commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dyads.errors import QueryError
from dyads.evaluate.actors import evaluate_actors, sample_checks
from dyads.evaluate.events import cross_validate_events, evaluate_events, evaluate_sample
from dyads.evaluate.html import evaluate_html, mean
from dyads.evaluate.quotes import evaluate_quote_modes
from dyads.evaluate.readers import evaluate_readers


@dataclass(frozen=True)
class Check:
    metric: str
    score: float
    floor: float | None

    @property
    def passed(self) -> bool:
        return self.floor is None or self.score >= self.floor


def _readers(data: Path) -> dict[str, float]:
    return {f"readers.{name}": result["score"] for name, result in evaluate_readers(data).items()}


def _html(data: Path) -> dict[str, float]:
    return {"html.token_f1": mean(evaluate_html(data / "html"), "f1")}


def _quotes(data: Path) -> dict[str, float]:
    """Quotes on PolNeAR dev (84 articles, about a minute on one core), from the quotes
    stage alone (``quotes.``) and beside the quote tagger (``quotes_tagged.``, another minute),
    on one parse; and the named speakers of the Gender Gap Tracker dev stories (``quotes.ggt_dev.``:
    the person or body behind each matched quote, overall and by how the gold names the speaker)."""
    figures = {}
    results = evaluate_quote_modes(data / "gold" / "polnear_train_dev.jsonl", ("rules", "tagged"), split="dev")
    for prefix, mode in (("quotes", "rules"), ("quotes_tagged", "tagged")):
        overall = results[mode]["overall"]
        figures.update(
            {
                f"{prefix}.polnear_dev.exact_f1": overall["exact"]["f1"],
                f"{prefix}.polnear_dev.overlap_f1": overall["overlap"]["f1"],
                f"{prefix}.polnear_dev.overlap_precision": overall["overlap"]["precision"],
                f"{prefix}.polnear_dev.speaker_accuracy": overall["speaker_accuracy"],
            }
        )
    ggt = evaluate_quote_modes(data / "gold" / "ggt_dev.jsonl", ("rules",))["rules"]
    figures.update(
        {
            "quotes.ggt_dev.overlap_f1": ggt["overall"]["overlap"]["f1"],
            "quotes.ggt_dev.resolved_accuracy": ggt["overall"]["resolved_accuracy"],
            "quotes.ggt_dev.end_to_end_f1": ggt["overall"]["end_to_end"]["f1"],
            **{
                f"quotes.ggt_dev.resolved_accuracy_{kind}": ggt["by_speaker_kind"][kind]["resolved_accuracy"]
                for kind in ("name", "pronoun", "nominal")
            },
        }
    )
    return figures


def _actors(data: Path) -> dict[str, float]:
    scores = evaluate_actors(data / "gold" / "plover_gsr_dev.jsonl")["scores"]["all"]
    checks = sample_checks(data.parent / "samples" / "tass-japan-russia-ties.txt")
    return {
        "actors.sample_story": round(sum(checks.values()) / len(checks), 3),
        "actors.plover_country_accuracy": scores["accuracy"],
        "actors.plover_country_precision": scores["precision"],
        "actors.plover_sector_accuracy": scores["sector_accuracy"],
    }


EVENT_METRICS = (
    "type_accuracy",
    "type_macro_f1",
    "detection_recall",
    "actor_country_accuracy",
    "recipient_country_accuracy",
    "fully_right",
)


# Folds of the PLOVER dev records for the cross-validated figures (``cross_validate_events``).
EVENT_FOLDS = 5


def _events(data: Path) -> dict[str, float]:
    """Events on the PLOVER dev records, and cross-validated on them (``events.plover_cv5.``:
    each fold scored with only the trigger rows and the coding its training part supports),
    the figures that predict news the rules were not written from."""
    gold = data / "gold" / "plover_gsr_dev.jsonl"
    scores, cv = evaluate_events(gold), cross_validate_events(gold, folds=EVENT_FOLDS)
    figures = {f"events.plover_dev.{m}": getattr(scores, m) for m in EVENT_METRICS}
    figures.update({f"events.plover_cv{EVENT_FOLDS}.{m}": getattr(cv.scores, m) for m in EVENT_METRICS})
    figures["events.sample_story"] = evaluate_sample(data.parent / "samples" / "tass-japan-russia-ties.txt")["score"]
    return figures


# Each evaluation: a function of the data folder returning {metric: score}.
EVALUATIONS: list[Callable[[Path], dict[str, float]]] = [_readers, _html, _actors, _events, _quotes]


def load_floors(path: Path) -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(path.read_text("utf-8"))["floors"].items()}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise QueryError(f'{path}: not a readable baseline ({e}); expected {{"floors": {{metric: number}}}}') from e


def run_gate(data: Path, floors: dict[str, float]) -> list[Check]:
    """Every metric with its floor; metrics named in the baseline but not produced fail."""
    scores: dict[str, float] = {}
    for evaluation in EVALUATIONS:
        scores.update(evaluation(data))
    checks = [Check(m, s, floors.get(m)) for m, s in sorted(scores.items())]
    checks += [Check(m, 0.0, f) for m, f in sorted(floors.items()) if m not in scores]
    return checks
