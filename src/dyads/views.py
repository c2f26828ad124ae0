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
        "quotes": [quote(q) for q in row.get("quotes", [])],
    }


def quote(row: dict) -> dict:
    """One quote: its words (by part), cue, speaker as written and as resolved, and who it is about.

    ``speaker`` is null when the text names no speaker; ``speaker.actor`` is null when the
    mention ("the lawmaker", "he") could not be resolved to an actor.
    """
    return {
        "article_id": row["article_id"],
        "index": row["idx"],
        "kind": row["kind"],
        "text": row["content"],
        "start": row["start"],
        "end": row["end"],
        "parts": [{"start": s, "end": e, "text": t}
                  for s, e, t in zip(row["part_starts"], row["part_ends"], row["part_texts"])],
        "sentence": row["sentence"],
        "cue": {"text": row["cue_text"], "lemma": row["cue_lemma"],
                "start": row["cue_start"], "end": row["cue_end"]} if row["cue_lemma"] else None,
        "speaker": {
            "text": row["speaker_text"], "start": row["speaker_start"], "end": row["speaker_end"],
            "kind": row["speaker_kind"],
            "actor": {"id": row["speaker_id"], "name": row["speaker_name"], "title": row["speaker_title"],
                      "country": row["speaker_country"], "sector": row["speaker_sector"]}
            if row["speaker_id"] else None,
        } if row["speaker_text"] is not None else None,
        "about": [{"id": i, "name": n, "country": c or None}
                  for i, n, c in zip(row["about_ids"], row["about_names"], row["about_countries"])],
    }


def quote_listing(row: dict) -> dict:
    """A quote as listed by ``dyads quotes --json``: the quote with its article's headline and date."""
    return {
        **quote(row),
        "headline": row["headline"],
        "published": row["published"].isoformat() if row["published"] else None,
        "source": row["source"],
        "url": row["url"],
    }
