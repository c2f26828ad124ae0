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
        "events": [event_view(e) for e in row.get("events", [])],
    }


def event_view(row: dict) -> dict:
    """One event as ``dyads events --json`` and ``dyads show --json`` give it."""
    return {
        "id": f"{row['article_id']}:{row['idx']}",
        "article_id": row["article_id"],
        "type": row["type"],
        "mode": row["mode"],
        "cameo": row["cameo"],
        "cameo_root": row["cameo_root"],
        "goldstein": row["goldstein"],
        "quad_class": row["quad_class"],
        "score": row["score"],
        "contexts": list(row["contexts"] or []),
        "actors": [_party(p) for p in row["actors"]],
        "recipients": [_party(p) for p in row["recipients"]],
        "date": row["date"].isoformat() if row["date"] else None,
        "date_year": row["date_year"],
        "date_month": row["date_month"],
        "date_day": row["date_day"],
        "date_precision": row["date_precision"],
        "date_source": row["date_source"],
        "date_text": row["date_text"],
        "place": {
            "name": row["place"], "country": row["place_country"], "lat": row["place_lat"],
            "lon": row["place_lon"], "geonameid": row["place_geonameid"], "source": row["place_source"],
            "text": row["place_text"],
        } if row["place"] else None,
        "negated": row["negated"],
        "future": row["future"],
        "hypothetical": row["hypothetical"],
        "historical": row["historical"],
        "quoted": row["quoted"],
        "reported_by": {"id": row["reported_by"], "name": row["reported_by_name"]} if row["reported_by"] else None,
        "confidence": row["confidence"],
        "evidence": {
            "sentence": row["sentence_text"], "sentence_index": row["sentence"],
            "start": row["start"], "end": row["end"],
            "trigger": {"text": row["trigger_text"], "start": row["trigger_start"], "end": row["trigger_end"]},
        },
        "headline": row["headline"],
        "published": row["published"].isoformat() if row["published"] else None,
    }


def _party(row: dict) -> dict:
    return {
        "id": row["actor_id"], "name": row["name"], "code": row["code"], "sector": row["sector"],
        "kind": row["kind"], "members": list(row["members"] or []),
        "text": row["text"], "start": row["start"], "end": row["end"],
    }
