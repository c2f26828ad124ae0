"""Audit the actors of a store: the most mentioned, people with two ids for one name, a sample to label.

    PYTHONPATH=src python scripts/actor_audit.py /tmp/actors.duckdb --top 50 --sample 200 --seed 21

Ingest a benchmark first (``dyads --db /tmp/actors.duckdb ingest --workers 1 reuters.jsonl``).
Prints the ``--top`` actors by mentions, then every group of person ids that one name
splits into: ids whose names spell the same words once given names are in one spelling
and particles dropped ("Sergey Lavrov" / "Sergei Lavrov", "Bashar al-Assad" / "Bashar
Assad"), and one-name ids ("person:lavrov") beside exactly one full name ending so. Then
a seeded random ``--sample`` of actors as TSV (id, kind, name, mentions) for a person to
label junk or not; the labels are the reader's, not this script's.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict

from dyads import lexicons
from dyads.pipeline.people import name_words
from dyads.store import Store


def split_people(actors: list[dict]) -> list[list[str]]:
    """Groups of person ids that name one person in two spellings."""
    lex = lexicons.load()
    by_words: dict[tuple[str, ...], set[str]] = defaultdict(set)
    by_surname: dict[str, set[str]] = defaultdict(set)
    for actor in actors:
        if actor["kind"] != "person":
            continue
        words = tuple(name_words(actor["name"], lex))
        by_words[words].add(actor["id"])
        if len(words) > 1:
            by_surname[words[-1]].add(actor["id"])
    groups = [sorted(ids) for ids in by_words.values() if len(ids) > 1]
    for words, ids in by_words.items():
        if len(words) == 1 and len(by_surname.get(words[0], ())) == 1:
            groups.append(sorted(ids | by_surname[words[0]]))
    return sorted(groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    with Store.open(args.db, read_only=True) as store:
        actors = store.list_actors()
    print(f"# {len(actors)} actors; top {args.top} by mentions")
    for actor in actors[: args.top]:
        print(
            f"{actor['mentions']:6d} {actor['articles']:5d}  {actor['id']:<40} {actor['country'] or '-':4} "
            f"{actor['sector'] or '-':4} {actor['name']}"
        )
    groups = split_people(actors)
    print(f"\n# person ids that split one name: {len(groups)}")
    for ids in groups:
        print("  " + "  ".join(ids))
    print(f"\n# sample of {args.sample} actors (seed {args.seed})")
    for actor in random.Random(args.seed).sample(actors, min(args.sample, len(actors))):
        print(f"{actor['id']}\t{actor['kind']}\t{actor['name']}\t{actor['mentions']}")


if __name__ == "__main__":
    main()
