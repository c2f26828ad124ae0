"""The public shapes of stored records: what ``--json`` and the API return.

Keys here are a promise to users; later capabilities add keys, never rename them.
"""

from __future__ import annotations


def article_summary(row: dict) -> dict:
    """An article's top-level fields, as listed by ``dyads articles --json``."""
    return {
        "id": row["id"],
        "headline": row["headline"],
        "dek": row["dek"],
        "dateline": {
            "place": row["dateline_place"],
            "date_text": row["dateline_date_text"],
            "agency": row["dateline_agency"],
        } if row["dateline_raw"] else None,
        "published": row["published"].isoformat() if row["published"] else None,
        "source": row["source"],
        "url": row["url"],
        "author": row["author"],
        "origin": row["origin"],
    }


def article_detail(row: dict) -> dict:
    """One article in full, as shown by ``dyads show --json``."""
    text = row["text"]
    return {
        **article_summary(row),
        "paragraphs": list(row["paragraphs"]),
        "text": text,
        "sentences": [
            {"start": s["start"], "end": s["end"], "text": text[s["start"]:s["end"]],
             "section": s["section"]}
            for s in row["sentences"]
        ],
        "entities": [
            {"text": e["text"], "label": e["label"], "start": e["start"], "end": e["end"],
             "sentence": e["sentence"]}
            for e in row["entities"]
        ],
    }
