"""Resolved speakers on folds of a named-speaker gold file (ggt_dev.jsonl), for choosing
speaker rules and constants by cross-validation rather than by reading dev errors.

    PYTHONPATH=src python scripts/speaker_folds.py ../shared/data/gold/ggt_dev.jsonl [--folds 5]
        [--set coref.PRONOUN_WINDOW=2,3,4] [--errors FILE]

Stories are dealt to folds by a hash of their id. With ``--set MODULE.NAME=v1,v2,...`` each
value is scored on every fold; the value chosen for a fold is the best on the *other* folds
(by end-to-end F1 over all kinds), and the held-out figures of those choices are the
cross-validated ones. Parses are cached under --cache so reruns only re-analyze.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import sys
from pathlib import Path

from spacy.tokens import DocBin

from dyads import nlp as nlp_module
from dyads.evaluate import quotes as qeval
from dyads.pipeline import analyze


def fold_of(story_id: str, folds: int) -> int:
    return int(hashlib.sha256(story_id.encode()).hexdigest(), 16) % folds


def parsed(stories, cache: Path):
    nlp = nlp_module.load()
    key = hashlib.sha256("".join(s.id for s in stories).encode()).hexdigest()[:12]
    path = cache / f"docs-{key}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe([qeval.story_article(s).text for s in stories], batch_size=8))
        DocBin(store_user_data=True, docs=docs).to_disk(path)
    return docs


def score(stories, docs, folds: int, errors=None):
    tallies = [{k: qeval.Tally() for k in ("all", *qeval.KINDS)} for _ in range(folds)]
    for story, doc in zip(stories, docs):
        article = qeval.story_article(story)
        analysis = analyze(article, doc)
        tally = tallies[fold_of(story.id, folds)]
        qeval._score_story(story, doc, analysis, tally, names=True)
        if errors is not None:
            _errors(story, doc, analysis, errors)
    return tallies


def _errors(story, doc, analysis, out):
    predicted = list(analysis.quotes)
    _, loose = qeval._matches(story.text, [q.parts for q in predicted], [g.parts for g in story.quotes])
    for p, g in loose.items():
        quote, gold = predicted[p], story.quotes[g]
        if not qeval._resolved_right(analysis, quote, gold):
            actor = analysis.actor(quote.speaker_id)
            span = story.text[quote.speaker_start : quote.speaker_end] if quote.speaker_start is not None else None
            gspan = story.text[gold.speaker[0] : gold.speaker[1]] if gold.speaker else None
            out.append(
                {
                    "story": story.id,
                    "kind": qeval.speaker_kind(doc, gold.speaker),
                    "gold": gold.speaker_name,
                    "gold_span": gspan,
                    "span": span,
                    "actor": actor.name if actor else None,
                    "actor_id": actor.id if actor else None,
                }
            )


def merged(tallies, keep):
    out = {k: qeval.Tally() for k in ("all", *qeval.KINDS)}
    for i, t in enumerate(tallies):
        if i in keep:
            for k, tally in t.items():
                for field in vars(tally):
                    setattr(out[k], field, getattr(out[k], field) + getattr(tally, field))
    return out


def figures(tally_by_kind) -> dict:
    return {
        k: {
            "resolved": t.figures(names=True)["resolved_accuracy"],
            "n": t.named,
            "e2e_f1": t.figures(names=True)["end_to_end"]["f1"],
        }
        for k, t in tally_by_kind.items()
        if k != "none"
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("gold", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/dyads-speaker-folds"))
    parser.add_argument("--set", dest="setting")
    parser.add_argument("--errors", type=Path)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    stories = qeval.read_gold(args.gold)
    docs = parsed(stories, args.cache)
    every = set(range(args.folds))
    if not args.setting:
        errors = [] if args.errors else None
        tallies = score(stories, docs, args.folds, errors)
        for i in range(args.folds):
            print(f"fold {i}", json.dumps(figures(merged(tallies, {i}))))
        print("all   ", json.dumps(figures(merged(tallies, every))))
        if args.errors:
            args.errors.write_text("\n".join(json.dumps(e) for e in errors) + "\n")
        return
    target, values = args.setting.split("=")
    module_name, name = target.rsplit(".", 1)
    module = importlib.import_module(f"dyads.pipeline.{module_name}")
    by_value = {}
    for raw in values.split(","):
        value = json.loads(raw)
        setattr(module, name, value)
        by_value[raw] = score(stories, docs, args.folds)
        print(raw, json.dumps(figures(merged(by_value[raw], every))["all"]), file=sys.stderr)
    held = []
    for i in range(args.folds):
        others = every - {i}
        best = max(by_value, key=lambda v: merged(by_value[v], others)["all"].e2e_right)
        print(f"fold {i}: chose {best}")
        held.append(by_value[best][i])
    print("cv    ", json.dumps(figures(merged(held, every))))


if __name__ == "__main__":
    main()
