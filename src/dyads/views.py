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
        "actors": [actor_view(a) for a in row.get("actors", [])],
        "chains": chains(row.get("mentions", [])),
        "mentions": [mention_view(m) for m in row.get("mentions", [])],
    }


def actor_view(row: dict) -> dict:
    """An actor as seen in one article."""
    return {"id": row["id"], "kind": row["kind"], "name": row["name"], "country": row["country"],
            "sector": row["sector"], "title": row["title"], "members": list(row["members"] or [])}


def mention_view(row: dict) -> dict:
    return {"text": row["text"], "start": row["start"], "end": row["end"], "sentence": row["sentence"],
            "kind": row["kind"], "actor_id": row["actor_id"], "chain": row["chain"]}


def chains(mentions: list[dict]) -> list[dict]:
    """Coreference chains: every mention of each actor, in text order."""
    by_chain: dict[int, dict] = {}
    for m in mentions:
        if m["chain"] is None:
            continue
        chain = by_chain.setdefault(m["chain"], {"chain": m["chain"], "actor_id": m["actor_id"], "mentions": []})
        chain["mentions"].append({"text": m["text"], "start": m["start"], "end": m["end"],
                                  "sentence": m["sentence"], "kind": m["kind"]})
    return [by_chain[k] for k in sorted(by_chain)]


def actor_summary(row: dict) -> dict:
    """An actor across all articles, as listed by ``dyads actors --json``."""
    return {"id": row["id"], "kind": row["kind"], "name": row["name"], "country": row["country"],
            "sector": row["sector"], "titles": list(row["titles"] or []), "articles": row["articles"],
            "mentions": row["mentions"]}


def actor_detail(row: dict) -> dict:
    """One actor in full, as shown by ``dyads actor NAME --json``."""
    return {
        **actor_summary(row),
        "members": list(row.get("members") or []),
        "titles_over_time": [
            {"title": t["title"], "first_seen": _iso(t["first_seen"]), "last_seen": _iso(t["last_seen"]),
             "articles": t["articles"]} for t in row["titles_over_time"]
        ],
        "appearances": [
            {"article_id": a["article_id"], "headline": a["headline"], "published": _iso(a["published"]),
             "mentions": [dict(m) for m in a["mentions"]]} for a in row["in_articles"]
        ],
    }


def _iso(value):
    return value.isoformat() if value is not None else None
