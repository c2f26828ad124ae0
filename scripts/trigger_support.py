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

A row is also *in the manuals* when its word is one the manuals use for its code: a
lemma of its CAMEO code's name or a parent code's (``data/cameo-codes.tsv``), or of its
PLOVER type's definitions (``train/plover_codebook_modes.csv``). Such a row is what anyone
reading only the manuals would write, whatever sentences its author had read.

``dyads eval events --folds K`` scores each fold with only the rows supported outside it
(here, in the manuals, or on the other folds), the figure that predicts unseen news.

Run (about two minutes on one core):
    PYTHONPATH=src python scripts/trigger_support.py ../shared/data/train
The output is the same on the same inputs and library versions.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

from dyads import nlp as nlp_module
from dyads.evaluate.events import SUPPORT, fired_rows
from dyads.ontology import cameo_codes
from dyads.ontology import cameo as cameo_code
from dyads.pipeline import analyze, parse_all, triggers
from dyads.records import Article

STORY_CHARS = 1200  # the lead and first paragraphs tell the labelled act (as train_event_coder.py)
OUT = Path(__file__).resolve().parents[1] / "src" / "dyads" / "data" / SUPPORT


def story_article(story: dict) -> Article:
    paragraphs = tuple(p for p in story["text"][:STORY_CHARS].split("\n\n") if p.strip())
    return Article(headline=story["headline"], paragraphs=paragraphs, origin=story["id"])


def manual_rows(nlp, codebook: Path) -> set[str]:
    """The trigger rows whose word the manuals use for the row's CAMEO code or PLOVER type."""
    definitions: dict[str, list[str]] = {}
    with codebook.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            definitions.setdefault(row["event"].strip().upper(), []).extend(
                row[k] for k in ("event_def", "mode_def", "extraction_notes") if row.get(k)
            )
    lemmas = lambda text: {t.lemma_.lower() for t in nlp(text)}  # noqa: E731
    code_words = {code: lemmas(cameo_code(code).name) for code in cameo_codes()}
    type_words = {name: lemmas(" ".join(texts)) for name, texts in definitions.items()}
    found = set()
    for rows in triggers.lexicon().values():
        for trigger in rows:
            words = set().union(*(code_words.get(trigger.cameo[:n], set()) for n in range(2, len(trigger.cameo) + 1)))
            words |= type_words.get(triggers.coded(trigger)[1], set())
            # "opposed" (the adjective row) is the manuals' "oppose"
            if trigger.lemma in words or lemmas(trigger.lemma) <= words:
                found.add(trigger.key)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", type=Path, help="the folder with ngec_synthetic_events.jsonl")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    stories = [json.loads(line) for line in (args.train / "ngec_synthetic_events.jsonl").open(encoding="utf-8")]
    nlp = nlp_module.load()
    manual = manual_rows(nlp, args.train / "plover_codebook_modes.csv")
    fired, supported = Counter(), Counter()
    pairs = parse_all([story_article(s) for s in stories], nlp=nlp)
    for story, (doc, article, _) in zip(stories, pairs):
        rows = fired_rows(doc, analyze(article, doc))
        for key in {key for key, _ in rows}:
            fired[key] += 1
        for key in {key for key, type_name in rows if type_name == story["type"]}:
            supported[key] += 1
    every_row = sorted({t.key for rows in triggers.lexicon().values() for t in rows})
    lines = [
        "# Trigger rows (event-triggers.tsv, by Trigger.key): the NGEC synthetic stories they fire in and",
        "# code with the story's own type, and 1 when the manuals use the row's word for its code or type;",
        f"# written by scripts/trigger_support.py from {len(stories)} stories.",
        "row\tstories\tsupported\tmanual",
    ]
    lines += [f"{key}\t{fired[key]}\t{supported[key]}\t{int(key in manual)}" for key in every_row]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(fired)} rows fire in the training stories, {len(supported)} code a story's own type, "
        f"{len(manual)} use the manuals' words -> {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
