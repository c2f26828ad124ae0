"""Measure the near-duplicate threshold (``dyads.dedup.SAME_STORY_CONTAINMENT``) on real news.

Same story: each page of DATA/html with its JSONL twin in DATA/news/diplomacy.jsonl (the
record id names the page). Different stories: every other pair among the diplomacy and TASS
records and the first --bench Reuters-21578 records, found through shared 5-grams.

    python scripts/calibrate_duplicates.py ../shared/data
"""

from __future__ import annotations

import argparse
import collections
import logging
from pathlib import Path

from dyads import dedup
from dyads.config import Settings
from dyads.readers import read_inputs
from dyads.records import Article


def articles(spec: str, limit: int | None = None) -> list[Article]:
    found = [a for a in read_inputs([spec], settings=Settings()) if isinstance(a, Article)]
    return found[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--bench", type=int, default=2000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    pages = [a for a in articles(str(args.data / "html")) if a.origin.endswith(".html")]
    records = articles(str(args.data / "news" / "diplomacy.jsonl"))
    twins = {a.external_id: a for a in records}
    same = []
    for page in pages:
        twin = twins.get(Path(page.origin).stem)
        if twin is not None:
            same.append(dedup.containment(dedup.body_words(page), dedup.body_words(twin)))
    print(
        f"same story ({len(same)} page/record pairs): min {min(same):.3f}, sorted {[round(x, 3) for x in sorted(same)]}"
    )
    corpus = (
        records
        + articles(str(args.data / "news" / "tass.jsonl"))
        + articles(str(args.data / "bench" / "reuters21578.jsonl"), args.bench)
    )
    sets = [dedup.shingles(dedup.body_words(a)) for a in corpus]
    index = collections.defaultdict(list)
    for number, grams in enumerate(sets):
        for gram in grams:
            index[gram].append(number)
    best = []
    for number, grams in enumerate(sets):
        shared = collections.Counter(other for gram in grams for other in index[gram] if other > number)
        for other, count in shared.items():
            a, b = corpus[number], corpus[other]
            candidates = {k for k in dedup.key_rows(a) if k[1] != "content"} & set(dedup.key_rows(b))
            # Different stories: a different headline (the same headline and body is a story sent twice).
            if candidates and dedup.headline_key(a) != dedup.headline_key(b):
                best.append(
                    (
                        count / min(len(grams), len(sets[other])),
                        f"{a.origin} {a.headline[:40]!r}",
                        f"{b.origin} {b.headline[:40]!r}",
                    )
                )
    best.sort(reverse=True)
    print(
        f"different records ({len(corpus)}) that share a headline, opening or sketch key, with different "
        f"headlines: {len(best)}; the 10 most alike"
    )
    print("  shares:", [round(s, 2) for s, _, _ in best])
    for share, a, b in best[:10]:
        print(f"  {share:.3f}  {a}  {b}")
    print("near the threshold:")
    for share, a, b in best:
        if abs(share - dedup.SAME_STORY_CONTAINMENT) <= 0.15:
            print(f"  {share:.3f}  {a}  {b}")
    print(f"threshold in use: {dedup.SAME_STORY_CONTAINMENT}")


if __name__ == "__main__":
    main()
