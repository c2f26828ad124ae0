"""Cost per word of ``dyads ingest`` on run-on text against the same words punctuated (not a test).

    python benchmarks/runon.py
    python benchmarks/runon.py --sizes 1000,5000 --profile profile.out

For each size, one article of that many generated words (seeded, from
``sentences``: made-up names and places in news-like clauses) is written twice
as a ``.txt`` file: once as ordinary sentences, once as one run-on sentence with
every full stop but the last dropped (the shape a scraped list, a table or a transcript
takes). Each file goes through the real ingest (reading, the spaCy pipeline,
every stage, the DuckDB write) into a fresh temporary database, in this process
after a warm-up article of each shape, so model loading is not timed, and with
``--article-timeout 0`` (the NLP in this process, as before the budget), so that
what is timed is the work on the text. Prints seconds per
1,000 words for both shapes, the run-on/punctuated ratio at each size, and each
shape's cost per word against its smallest size (flat is 1.0).

With ``--profile``, the largest run-on ingest runs under cProfile and the stats
are saved there (``python -m pstats``) and their top printed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vor", "el", "dan", "ri", "po", "ush", "ne", "ta", "bri")
# Clauses with the verbs, titles and cue words the stages look for (meetings, statements,
# accusations), filled with made-up names so no third-party text is involved.
TEMPLATES = (
    "{person} met {title} {person} in {place} on {day}",
    "the {adj} minister said {country} would send {noun} to {place}",
    "{person} accused {country} of blocking the {noun} talks",
    "officials from {country} and {country} signed an agreement on {noun}",
    "{title} {person} told reporters that the {noun} was {adj}",
    "{country} and {country} agreed to resume {noun} talks next {day}",
    "the {noun} of {place} rose by {number} percent",
    "{person} of the {adj} party criticised the {noun} plan",
)
TITLES = ("President", "Minister", "Ambassador", "Senator", "General")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def sentences(words: int, *, seed: int = 20) -> list[str]:
    """Generated sentences (without their full stop) of about ``words`` words in all."""
    rng = random.Random(seed)
    out, count = [], 0
    while count < words:
        template = rng.choice(TEMPLATES)
        text = template.format_map(_Filler(rng))
        sentence = text[0].upper() + text[1:]
        out.append(sentence)
        count += len(sentence.split())
    return out


class _Filler(dict):
    """Fills each ``{slot}`` of a template afresh, so repeated slots get different words."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, slot: str) -> str:
        rng = self.rng
        if slot == "person":
            return f"{word(rng, 2).title()} {word(rng, 3).title()}"
        if slot in ("place", "country"):
            return word(rng, 3).title() + rng.choice(("ia", "and", "istan", ""))
        if slot == "title":
            return rng.choice(TITLES)
        if slot == "day":
            return rng.choice(DAYS)
        if slot == "number":
            return str(rng.randint(2, 90))
        return word(rng, 2)  # noun, adj


def punctuated(parts: list[str]) -> str:
    return ". ".join(parts) + "."


def run_on(parts: list[str]) -> str:
    """The same words as one sentence as long as the text: no full stop but the last (a text
    with none at all reads as notes, not a story, and is skipped before the NLP)."""
    return " ".join(part[0].lower() + part[1:] for part in parts) + "."


def ingest_file(path: Path, db: Path) -> tuple[float, str]:
    """Seconds to ingest one file into a fresh database (read, analyzed, written, committed),
    and the summary line."""
    from dyads.config import Settings
    from dyads.ingest import ingest
    from dyads.store import Store

    # Limits high enough that the 60,000-word story (6,000 sentences punctuated) is analyzed.
    settings = Settings(db=str(db), max_sentences=1_000_000, max_article_chars=100_000_000, article_timeout=0)
    with Store.open(db) as store:  # creating the database is not timed: a cost per run, not per word
        start = time.perf_counter()
        summary = ingest([str(path)], store=store, settings=settings)
        seconds = time.perf_counter() - start
    return seconds, summary.line() + "".join(f"; {f.reason}" for f in summary.failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000,60000", help="words per article, comma-separated")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--profile", type=Path, help="profile the largest run-on ingest into this file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="dyads-runon-") as tmp:
        tmp = Path(tmp)
        for shape in (punctuated, run_on):  # loads the model, every lexicon and lazy cache
            warm = tmp / f"warm-{shape.__name__}.txt"
            warm.write_text("Warm up\n\n" + shape(sentences(2000, seed=args.seed + 1)), encoding="utf-8")
            ingest_file(warm, tmp / f"warm-{shape.__name__}.duckdb")
        print(
            f"{'words':>7} {'punctuated s/1k':>16} {'run-on s/1k':>12} {'run-on/punct':>13}   "
            f"{'punct vs smallest':>17} {'run-on vs smallest':>18}",
            flush=True,
        )
        first = None
        for size in sizes:
            parts = sentences(size, seed=args.seed)
            words = sum(len(p.split()) for p in parts)
            timings = {}
            for shape, text in (("punctuated", punctuated(parts)), ("run-on", run_on(parts))):
                path = tmp / f"{shape}-{size}.txt"
                path.write_text(f"Generated story {shape} {size}\n\n{text}\n", encoding="utf-8")
                profile = args.profile and shape == "run-on" and size == sizes[-1]
                profiler = cProfile.Profile() if profile else None
                if profiler:
                    profiler.enable()
                seconds, line = ingest_file(path, tmp / f"{shape}-{size}.duckdb")
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                if not line.startswith("1 ingested"):
                    print(f"  {shape} {size}: {line}", flush=True)
                timings[shape] = seconds / words * 1000
            first = first or timings
            print(
                f"{words:>7,} {timings['punctuated']:>16.3f} {timings['run-on']:>12.3f} "
                f"{timings['run-on'] / timings['punctuated']:>13.2f}   "
                f"{timings['punctuated'] / first['punctuated']:>17.2f} "
                f"{timings['run-on'] / first['run-on']:>18.2f}",
                flush=True,
            )
    if args.profile:
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
