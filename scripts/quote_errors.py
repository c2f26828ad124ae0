"""Where the quotes stage misses gold quotes and finds quotes the gold lacks, by cue and speaker kind.

    PYTHONPATH=src python scripts/quote_errors.py ../shared/data/gold/polnear_train_dev.jsonl --split train --limit 200

Develop on PolNeAR train and score on dev (``dyads eval quotes --split dev``), so the
figure stays honest. Prints, with the same one-to-one overlap matching as the scorer:
misses by the lemma of the gold cue and by gold speaker kind, false positives by the
predicted cue and quote kind, and a few examples of each (``--examples``). Misses are also
counted by where the stage lost them (``why_missed``): no candidate at all, a candidate
filtered out, or a quote whose boundaries are off.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

from dyads import nlp as nlp_module
from dyads.evaluate import quotes as scorer
from dyads.pipeline import analyze
from dyads.pipeline.quotes import candidate_features


def cue_lemma(doc, cue) -> str | None:
    if cue is None:
        return None
    span = doc.char_span(*cue, alignment_mode="expand")
    return " ".join(t.lemma_.lower() for t in span) if span is not None else None


def why_missed(gold: frozenset[int], predicted: list[frozenset[int]], candidates: list[frozenset[int]]) -> str:
    """Where the stage lost a gold quote: "filtered" (a candidate matched it but was not kept:
    the attribution model, nesting or a likelier quote on the same words), "boundary" (a kept
    quote shares some of its words, too few to match), "candidate-boundary" (only a dropped
    candidate shares some), or "no-candidate" (nothing the stage proposed touches it)."""
    if any(scorer._overlapping(c, gold) for c in candidates):
        return "filtered"
    if any(p & gold for p in predicted):
        return "boundary"
    if any(c & gold for c in candidates):
        return "candidate-boundary"
    return "no-candidate"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, help="PolNeAR or plain quotes JSONL")
    parser.add_argument("--split", default="train", help="split to read (default train)")
    parser.add_argument("--limit", type=int, default=0, help="stories to use (default all)")
    parser.add_argument("--examples", type=int, default=5, help="examples per top cue (default 5)")
    args = parser.parse_args()

    stories = scorer.read_gold(args.gold, split=args.split)
    stories = stories[: args.limit] if args.limit else stories
    nlp = nlp_module.load()
    misses, extras = [], []
    texts = (scorer.story_article(s).text for s in stories)
    for story, doc in zip(stories, nlp.pipe(texts, batch_size=16)):
        analysis = analyze(scorer.story_article(story), doc)
        text, predicted, gold = story.text, list(analysis.quotes), list(story.quotes)
        pred_words = [scorer._words(text, q.parts) for q in predicted]
        gold_words = [scorer._words(text, g.parts) for g in gold]
        matched = scorer._match(pred_words, gold_words, scorer._overlapping)
        found = set(matched.values())
        candidates = [scorer._words(text, parts) for parts, _ in candidate_features(doc)]
        for j, g in enumerate(gold):
            if j not in found:
                misses.append(
                    (
                        cue_lemma(doc, g.cue),
                        scorer.speaker_kind(doc, g.speaker),
                        " | ".join(text[s:e] for s, e in g.parts),
                        why_missed(gold_words[j], pred_words, candidates),
                    )
                )
        for i, q in enumerate(predicted):
            if i not in matched:
                extras.append((q.cue_lemma, q.kind, " | ".join(text[s:e] for s, e in q.parts)))

    print(f"{len(stories)} stories: {len(misses)} gold quotes missed, {len(extras)} predicted quotes not in gold")
    for title, rows, column in (
        ("missed, by why", misses, 3),
        ("missed, by gold speaker kind", misses, 1),
        ("missed, by gold cue", misses, 0),
        ("not in gold, by kind", extras, 1),
        ("not in gold, by cue", extras, 0),
    ):
        counts = collections.Counter(row[column] for row in rows)
        print(f"\n{title}: " + ", ".join(f"{key} {n}" for key, n in counts.most_common(25)))
        if column == 0:
            for key, _ in counts.most_common(3):
                for row in [r for r in rows if r[0] == key][: args.examples]:
                    print(f"  [{key}] {row[2][:140]!r}")


if __name__ == "__main__":
    main()
