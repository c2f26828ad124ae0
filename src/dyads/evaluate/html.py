"""``dyads eval html``: how well the HTML reader extracts article text.

Scores each page's extracted body (dek, dateline and paragraphs, as a reader
would see them) against the page's ``*.expected.txt`` by bag-of-words token F1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dyads.errors import InputError, QueryError
from dyads.evaluate.scoring import token_prf
from dyads.readers.html import read_html
from dyads.records import Article


@dataclass(frozen=True)
class PageScore:
    page: str
    precision: float
    recall: float
    f1: float
    error: str | None = None


def body_text(article: Article) -> str:
    """The article text a person would extract from the page: all but the headline."""
    first = [article.dateline.raw] if article.dateline else []
    return "\n\n".join(
        filter(None, [article.dek, " ".join(first + list(article.paragraphs[:1])), *article.paragraphs[1:]])
    )


def gold_pages(folder: Path) -> list[tuple[Path, Path]]:
    """(page, expected text) pairs: from ``manifest.json``, else ``X.html`` beside ``X.expected.txt``."""
    if not folder.is_dir():
        raise QueryError(f"{folder}: not a folder; give the folder of .html and .expected.txt files")
    manifest = folder / "manifest.json"
    if manifest.exists():
        entries = json.loads(manifest.read_text("utf-8"))
        pairs = [(folder / e["file"], folder / e["expected_text_file"]) for e in entries]
    else:
        pairs = [(p, p.with_suffix(".expected.txt")) for p in sorted(folder.glob("*.html"))]
    pairs = [(page, gold) for page, gold in pairs if gold.exists()]
    if not pairs:
        raise QueryError(f"{folder}: no page has an .expected.txt beside it")
    return pairs


def evaluate_html(folder: Path) -> list[PageScore]:
    """Score every page in ``folder`` that has expected text."""
    scores = []
    for page, gold in gold_pages(folder):
        expected = gold.read_text("utf-8")
        try:
            article = read_html(page.read_bytes(), origin=str(page))
        except InputError as e:
            scores.append(PageScore(page.name, 0.0, 0.0, 0.0, error=e.reason))
            continue
        scores.append(PageScore(page.name, *token_prf(body_text(article), expected)))
    return scores


def mean(scores: list[PageScore], field: str) -> float:
    return round(sum(getattr(s, field) for s in scores) / len(scores), 3) if scores else 0.0
