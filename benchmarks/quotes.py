"""Throughput of the quotes stage against the spaCy pipeline alone, on the same texts, in one run.

    python benchmarks/quotes.py ../shared/data/gold/polnear_train_dev.jsonl --limit 200
    python benchmarks/quotes.py ../shared/data/gold/polnear_train_dev.jsonl --limit 200 --tagged

Reads any JSONL with a "text" field. Parses every text with the pinned spaCy pipeline
(timed), then runs the quotes stage on the parsed documents (timed), and prints both
rates in words per CPU-second and their ratio. Machines are noisy: compare the ratio,
measured in one run, not rates from different runs. The quotes stage runs without the
actors stage here, so only quote finding is timed (speaker resolution is a lookup).

With ``--tagged`` it also times the quote tagger (``--quotes tagged``, ``dyads.tagger``) on
the same texts, on one thread as in each process of a parallel ingest, and the quotes
stage beside its taggings.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from dyads import nlp as nlp_module
from dyads.pipeline.quotes import extract_quotes
from dyads.records import Analysis, Article


def articles(path: Path, limit: int) -> list[Article]:
    found = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line).get("text") or ""
            if text.strip():
                head, *rest = text.split("\n\n")
                found.append(Article(headline=head, paragraphs=tuple(rest), origin=str(path)))
            if len(found) >= limit:
                break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="JSONL with a text field per line")
    parser.add_argument("--limit", type=int, default=200, help="articles to use (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the quotes stage; the fastest counts")
    parser.add_argument("--tagged", action="store_true", help="also time the quote tagger (needs dyads[tagger])")
    args = parser.parse_args()

    nlp = nlp_module.load()
    batch = articles(args.corpus, args.limit)
    texts = [a.text for a in batch]
    nlp(texts[0])  # warm up
    started = time.process_time()
    docs = list(nlp.pipe(texts, batch_size=32))
    spacy_seconds = time.process_time() - started
    words = sum(sum(1 for t in doc if not t.is_space and not t.is_punct) for doc in docs)

    quote_seconds, found = float("inf"), 0
    for _ in range(args.repeat):
        started = time.process_time()
        found = sum(len(extract_quotes(doc, Analysis(article))) for doc, article in zip(docs, batch))
        quote_seconds = min(quote_seconds, time.process_time() - started)

    spacy_rate = words / spacy_seconds
    quote_rate = words / quote_seconds
    print(f"corpus         {args.corpus} ({len(batch)} articles, {words:,} words, {found:,} quotes)")
    print(f"spaCy pipeline {spacy_rate:>10,.0f} words per CPU-second ({spacy_seconds:.2f} s)")
    print(f"quotes stage   {quote_rate:>10,.0f} words per CPU-second ({quote_seconds:.2f} s)")
    print(
        f"ratio          {quote_rate / spacy_rate:>10.1f}x  (quotes stage adds "
        f"{100 * quote_seconds / spacy_seconds:.1f}% to parsing time)"
    )
    if args.tagged:
        tagged(batch, docs, words, spacy_seconds)


def tagged(batch: list[Article], docs: list, words: int, spacy_seconds: float) -> None:
    from dyads.tagger import load_tagger

    tagger = load_tagger(threads=1)
    tagger.tag(batch[0].text)  # warm up
    started = time.process_time()
    taggings = [t for at in range(0, len(batch), 32) for t in tagger.tag_all([a.text for a in batch[at : at + 32]])]
    tag_seconds = time.process_time() - started
    started = time.process_time()
    found = sum(
        len(extract_quotes(doc, Analysis(article), tagging=tagging))
        for doc, article, tagging in zip(docs, batch, taggings)
    )
    beside_seconds = time.process_time() - started
    print(f"quote tagger   {words / tag_seconds:>10,.0f} words per CPU-second ({tag_seconds:.2f} s, one thread)")
    print(
        f"quotes beside  {words / beside_seconds:>10,.0f} words per CPU-second ({beside_seconds:.2f} s, {found:,} quotes)"
    )
    print(
        f"ratio          {spacy_seconds / tag_seconds:>10.2f}x  (the tagger adds "
        f"{100 * (tag_seconds + beside_seconds) / spacy_seconds:.0f}% to parsing time)"
    )


if __name__ == "__main__":
    main()
