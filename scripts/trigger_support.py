"""Count how often each trigger row codes its training story's own type, and write
``src/dyads/data/event-trigger-support.tsv``.

The trigger table (``data/event-triggers.tsv``) was written by people who had read the
PLOVER dev sentences, so its score on dev says little about news it was not written
from. This table is the evidence for each row that comes from elsewhere: the 4,500 NGEC
synthetic stories (``train/ngec_synthetic_events.jsonl``), each written to one PLOVER
type. Every story's headline and first ``STORY_CHARS`` characters run through the whole
pipeline; a row *supports* its story when an event it triggered has the story's type.
A row that fires only where a story is about something else gets no support: the story's
other sentences may tell other events, so a mismatch is no evidence against the row.

``dyads eval events --folds K`` scores each fold with only the rows supported outside it
(here, or on the other folds), which is the figure that predicts unseen news.

Run (about two minutes on one core):
    PYTHONPATH=src python scripts/trigger_support.py ../shared/data/train
The output is the same on the same inputs and library versions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from dyads import nlp as nlp_module
from dyads.evaluate.events import SUPPORT, fired_rows
from dyads.pipeline import analyze, parse_all
from dyads.records import Article

STORY_CHARS = 1200  # the lead and first paragraphs tell the labelled act (as train_event_coder.py)
OUT = Path(__file__).resolve().parents[1] / "src" / "dyads" / "data" / SUPPORT


def story_article(story: dict) -> Article:
    paragraphs = tuple(p for p in story["text"][:STORY_CHARS].split("\n\n") if p.strip())
    return Article(headline=story["headline"], paragraphs=paragraphs, origin=story["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", type=Path, help="the folder with ngec_synthetic_events.jsonl")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    stories = [json.loads(line) for line in (args.train / "ngec_synthetic_events.jsonl").open(encoding="utf-8")]
    fired, supported = Counter(), Counter()
    pairs = parse_all([story_article(s) for s in stories], nlp=nlp_module.load())
    for story, (doc, article, _) in zip(stories, pairs):
        rows = fired_rows(doc, analyze(article, doc))
        for key in {key for key, _ in rows}:
            fired[key] += 1
        for key in {key for key, type_name in rows if type_name == story["type"]}:
            supported[key] += 1
    lines = ["# Trigger rows (event-triggers.tsv, by Trigger.key) and the NGEC synthetic stories they fire in",
             f"# and code with the story's own type; written by scripts/trigger_support.py from {len(stories)} stories.",
             "row\tstories\tsupported"]
    lines += [f"{key}\t{fired[key]}\t{supported[key]}" for key in sorted(fired)]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(fired)} rows fire in the training stories, {len(supported)} code a story's own type "
          f"-> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
