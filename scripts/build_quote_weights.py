"""Learn the attribution model's weights (``src/dyads/data/quote_weights.tsv``) from PolNeAR train.

    PYTHONPATH=src python scripts/build_quote_weights.py ../shared/data/gold/polnear_train_dev.jsonl

Runs the quotes stage's candidate finder on every train story (never dev: dev is for
``dyads eval quotes``), labels each candidate by whether it matches a gold quote
(the scorer's one-to-one overlap matching), fits an L2-regularised logistic regression
over ``dyads.pipeline.attribution.features`` with plain numpy, and writes the weights.
It also prints 2-fold cross-validated candidate precision and recall by threshold (a
model fit on half the stories scoring the other half's candidates, before the stage
drops nested quotes). ``attribution.MIN_LIKELIHOOD`` was chosen by the same split run
through the whole stage (see its comment). Parsing 840 stories takes a few minutes.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import numpy as np

from dyads import nlp as nlp_module
from dyads.evaluate import quotes as scorer
from dyads.pipeline.quotes import candidate_features

OUT = Path(__file__).resolve().parent.parent / "src" / "dyads" / "data" / "quote_weights.tsv"
# L2 penalty and optimiser steps: weights of features seen a handful of times stay near 0.
# 20 held out better than 1 or 5 in 2-fold cross-validation on train (F1 0.692 against
# 0.687 and 0.690 at the precision of the stage without the model).
L2 = 20.0
STEPS = 300
# Features seen fewer times than this on train are dropped from the table.
MIN_COUNT = 2
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5)


def collect(stories, docs) -> tuple[list[tuple[str, ...]], list[bool], int]:
    """Every candidate's features and label, and the number of gold quotes."""
    rows, labels, gold_total = [], [], 0
    for story, doc in zip(stories, docs):
        candidates = candidate_features(doc)
        predicted = [scorer._words(story.text, parts) for parts, _ in candidates]
        gold = [scorer._words(story.text, g.parts) for g in story.quotes]
        matched = scorer._match(predicted, gold, scorer._overlapping)
        rows += [features for _, features in candidates]
        labels += [i in matched for i in range(len(candidates))]
        gold_total += len(gold)
    return rows, labels, gold_total


def fit(rows: list[tuple[str, ...]], labels: list[bool]) -> dict[str, float]:
    """Logistic regression by Adam on the mean log loss plus L2 / n."""
    counts: dict[str, int] = {}
    for features in rows:
        for f in features:
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_COUNT))}
    index = [[vocab[f] for f in features if f in vocab] for features in rows]
    row_of = np.repeat(np.arange(len(index)), [len(i) for i in index])
    cols = np.concatenate([np.array(i, dtype=int) for i in index])
    y = np.array(labels, dtype=float)
    w, m, v = np.zeros(len(vocab)), np.zeros(len(vocab)), np.zeros(len(vocab))
    for step in range(1, STEPS + 1):
        z = np.bincount(row_of, weights=w[cols], minlength=len(index))
        p = 1.0 / (1.0 + np.exp(-z))
        grad = (np.bincount(cols, weights=(p - y)[row_of], minlength=len(w)) + L2 * w) / len(index)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.1 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return {f: float(w[i]) for f, i in vocab.items()}


def score(table: dict[str, float], features: tuple[str, ...]) -> float:
    return 1.0 / (1.0 + np.exp(-sum(table.get(f, 0.0) for f in features)))


def cross_validate(rows, labels, stories_of, gold_total) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) with each half of the stories scored by a model fit on the other."""
    halves = [[i for i, s in enumerate(stories_of) if s % 2 == k] for k in (0, 1)]
    scores = np.zeros(len(rows))
    for train, held in (halves, halves[::-1]):
        table = fit([rows[i] for i in train], [labels[i] for i in train])
        for i in held:
            scores[i] = score(table, rows[i])
    y = np.array(labels, dtype=bool)
    out = []
    for t in THRESHOLDS:
        kept = scores >= t
        out.append((t, y[kept].sum() / max(kept.sum(), 1), y[kept].sum() / gold_total))
    return out


def write(table: dict[str, float], n_candidates: int, n_stories: int) -> None:
    lines = [
        "# Weights of the quotes stage's attribution model (dyads.pipeline.attribution).",
        f"# Built {date.today().isoformat()} by scripts/build_quote_weights.py from PolNeAR train",
        f"# ({n_stories} stories, {n_candidates} candidate quotes); do not edit by hand, rerun the script.",
        "# feature<TAB>weight",
    ]
    lines += [f"{f}\t{w:.4f}" for f, w in sorted(table.items()) if abs(w) >= 0.0005]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, help="PolNeAR JSONL with train and dev splits")
    args = parser.parse_args()
    stories = scorer.read_gold(args.gold, split="train")
    nlp = nlp_module.load()
    docs = nlp.pipe((scorer.story_article(s).text for s in stories), batch_size=16)
    rows, labels, stories_of, gold_total = [], [], [], 0
    for k, (story, doc) in enumerate(zip(stories, docs)):
        r, found, g = collect([story], [doc])
        rows += r
        labels += found
        stories_of += [k] * len(r)
        gold_total += g
    for t, p, r in cross_validate(rows, labels, stories_of, gold_total):
        print(f"threshold {t:.2f}: held-out precision {p:.3f} recall {r:.3f}")
    write(fit(rows, labels), len(rows), len(stories))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
