"""``dyads eval readers``: how well wire stories are split and datelines parsed.

Checks, on the evaluation data folder (``../shared/data`` and its ``samples``):
- the design's sample story: headline, dek, dateline place, date and agency, first paragraph;
- every TASS ``.txt`` story: agency TASS and a place;
- every Reuters record with a gold ``dateline`` field: the same place.
"""

from __future__ import annotations

import json
from pathlib import Path

from dyads.config import Settings
from dyads.errors import QueryError
from dyads.readers import read_inputs
from dyads.records import Article

SAMPLE_EXPECTED = {
    "headline": "Japan outdoes G7 in fostering ties with Russia, which Moscow appreciates, notes lawmaker",
    "dek_start": "A Russian senator says",
    "place": "TOKYO",
    "date_text": "January 26",
    "agency": "TASS",
    "body_start": "Japan is outperforming",
}


def evaluate_readers(data: Path) -> dict:
    """Scores (0..1) of the reader checks, with the inputs that failed each."""
    if not (data / "news").is_dir():
        raise QueryError(f"{data}: no news/ folder; give the shared evaluation data folder")
    return {
        "sample_story": _sample(data.parent / "samples" / "tass-japan-russia-ties.txt"),
        "tass_datelines": _tass(data / "news" / "tass-txt"),
        "reuters_places": _reuters(data / "news" / "diplomacy.jsonl"),
    }


def _articles(path: Path) -> list[Article]:
    return [a for a in read_inputs([str(path)], settings=Settings()) if isinstance(a, Article)]


def _sample(path: Path) -> dict:
    [article] = _articles(path)
    d = article.dateline
    found = {
        "headline": article.headline == SAMPLE_EXPECTED["headline"],
        "dek_start": (article.dek or "").startswith(SAMPLE_EXPECTED["dek_start"]),
        "place": d is not None and d.place == SAMPLE_EXPECTED["place"],
        "date_text": d is not None and d.date_text == SAMPLE_EXPECTED["date_text"],
        "agency": d is not None and d.agency == SAMPLE_EXPECTED["agency"],
        "body_start": article.paragraphs[0].startswith(SAMPLE_EXPECTED["body_start"]),
        "no_furniture": "All news" not in article.text,
    }
    return _score(found)


def _tass(folder: Path) -> dict:
    found = {}
    for path in sorted(folder.glob("*.txt")):
        articles = _articles(path)
        d = articles[0].dateline if articles else None
        found[path.name] = bool(d and d.agency == "TASS" and d.place and d.place.isupper())
    return _score(found)


def _reuters(path: Path) -> dict:
    """Places read through the JSONL reader against the records' own ``dateline`` field."""
    gold = {}
    for line in path.read_text("utf-8").splitlines():
        record = json.loads(line)
        if record.get("publisher") == "Reuters" and record.get("dateline"):
            gold[record["id"]] = record["dateline"].split(",")[0].split(" -")[0].strip().upper()
    read = {a.external_id: a for a in _articles(path)}
    found = {}
    for record_id, place in gold.items():
        article = read.get(record_id)
        found[record_id] = bool(article and article.dateline and article.dateline.place.upper() == place)
    return _score(found)


def _score(found: dict[str, bool]) -> dict:
    return {
        "score": round(sum(found.values()) / len(found), 3) if found else 0.0,
        "checked": len(found),
        "failed": [name for name, ok in found.items() if not ok],
    }
