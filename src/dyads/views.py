"""The public shapes of stored records: what ``--json`` and the API return.

Keys here are a promise to users; later capabilities add keys, never rename them.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def sector_names() -> dict[str, str]:
    """Sector code -> the word for it ("GOV" -> "government"), from ``data/sectors.tsv``."""
    text = resources.files("dyads.data").joinpath("sectors.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {code: name for code, name in rows[1:]}


def actor_label(row: dict) -> str:
    """A name that tells a country from its government: "United States (government)"."""
    sector = row.get("sector")
    if row.get("kind") == "country" and sector:
        return f"{row['name']} ({sector_names().get(sector, sector)})"
    return row["name"]


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
        }
        if row["dateline_raw"]
        else None,
        "published": row["published"].isoformat() if row["published"] else None,
        "source": row["source"],
        "url": row["url"],
        "author": row["author"],
        "origin": row["origin"],
        # A story with no headline (some feeds give none) is shown by its first sentence.
        "headline_fallback": _fallback(row),
    }


def _fallback(row: dict) -> str | None:
    if (row["headline"] or "").strip():
        return None
    if row.get("first_sentence"):
        return row["first_sentence"]
    sentences = row.get("sentences") or []
    if sentences and row.get("text"):
        return row["text"][sentences[0]["start"] : sentences[0]["end"]]
    return (row.get("paragraphs") or [None])[0]


def first_sentence(detail: dict) -> str:
    """What stands for a missing headline: ``headline_fallback``, else nothing."""
    return detail.get("headline_fallback") or ""


def headline_text(summary: dict) -> str:
    """The headline to show in a list: the story's own, or its first sentence in brackets."""
    return summary["headline"] or (f"[{summary['headline_fallback']}]" if summary.get("headline_fallback") else "")


def article_detail(row: dict) -> dict:
    """One article in full, as shown by ``dyads show --json``."""
    text = row["text"]
    return {
        **article_summary(row),
        "paragraphs": list(row["paragraphs"]),
        "text": text,
        "sentences": [
            {"start": s["start"], "end": s["end"], "text": text[s["start"] : s["end"]], "section": s["section"]}
            for s in row["sentences"]
        ],
        "entities": [
            {"text": e["text"], "label": e["label"], "start": e["start"], "end": e["end"], "sentence": e["sentence"]}
            for e in row["entities"]
        ],
        "actors": [actor_view(a) for a in row.get("actors", [])],
        "chains": chains(row.get("mentions", [])),
        "mentions": [mention_view(m) for m in row.get("mentions", [])],
        "events": [event_view(e) for e in row.get("events", [])],
        "quotes": [quote(q) for q in row.get("quotes", [])],
        # every copy `dyads watch` fetched of this story: the sites that carried it
        "copies": [
            {"url": c["url"], "outlet": c["outlet"], "seen_at": c["seen_at"].isoformat(timespec="seconds")}
            for c in row.get("copies", [])
        ],
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
            "name": row["place"],
            "country": row["place_country"],
            "lat": row["place_lat"],
            "lon": row["place_lon"],
            "geonameid": row["place_geonameid"],
            "source": row["place_source"],
            "text": row["place_text"],
        }
        if row["place"]
        else None,
        "negated": row["negated"],
        "future": row["future"],
        "hypothetical": row["hypothetical"],
        "historical": row["historical"],
        "quoted": row["quoted"],
        "reported_by": {"id": row["reported_by"], "name": row["reported_by_name"]} if row["reported_by"] else None,
        "confidence": row["confidence"],
        "found_by": row["found_by"],
        "evidence": {
            "sentence": row["sentence_text"],
            "sentence_index": row["sentence"],
            "start": row["start"],
            "end": row["end"],
            "trigger": {"text": row["trigger_text"], "start": row["trigger_start"], "end": row["trigger_end"]},
        },
        "headline": row["headline"],
        "published": row["published"].isoformat() if row["published"] else None,
    }


def _party(row: dict) -> dict:
    return {
        "id": row["actor_id"],
        "name": row["name"],
        "code": row["code"],
        "sector": row["sector"],
        "kind": row["kind"],
        "members": list(row["members"] or []),
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
    }


def quote_id(article_id: str, index: int) -> str:
    """A quote's id, which ``dyads show`` opens: ``ARTICLE:qN`` (an event's is ``ARTICLE:N``)."""
    return f"{article_id}:q{index}"


def quote(row: dict) -> dict:
    """One quote: its words (by part), cue, speaker as written and as resolved, and who it is about.

    ``speaker`` is null when the text names no speaker; ``speaker.actor`` is null when the
    mention ("the lawmaker", "he") could not be resolved to an actor.
    """
    return {
        "id": quote_id(row["article_id"], row["idx"]),
        "article_id": row["article_id"],
        "index": row["idx"],
        "kind": row["kind"],
        "text": row["content"],
        "start": row["start"],
        "end": row["end"],
        "parts": [
            {"start": s, "end": e, "text": t}
            for s, e, t in zip(row["part_starts"], row["part_ends"], row["part_texts"])
        ],
        "sentence": row["sentence"],
        "cue": {"text": row["cue_text"], "lemma": row["cue_lemma"], "start": row["cue_start"], "end": row["cue_end"]}
        if row["cue_lemma"]
        else None,
        "speaker": {
            "text": row["speaker_text"],
            "start": row["speaker_start"],
            "end": row["speaker_end"],
            "kind": row["speaker_kind"],
            "actor": {
                "id": row["speaker_id"],
                "name": row["speaker_name"],
                "title": row["speaker_title"],
                "country": row["speaker_country"],
                "sector": row["speaker_sector"],
            }
            if row["speaker_id"]
            else None,
        }
        if row["speaker_text"] is not None
        else None,
        "about": [
            {"id": i, "name": n, "country": c or None}
            for i, n, c in zip(row["about_ids"], row["about_names"], row["about_countries"])
        ],
        "found_by": row["found_by"],
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


def actor_view(row: dict) -> dict:
    """An actor as seen in one article."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "name": row["name"],
        "country": row["country"],
        "sector": row["sector"],
        "title": row["title"],
        "members": list(row["members"] or []),
    }


def mention_view(row: dict) -> dict:
    return {
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "sentence": row["sentence"],
        "kind": row["kind"],
        "actor_id": row["actor_id"],
        "chain": row["chain"],
    }


def chains(mentions: list[dict]) -> list[dict]:
    """Coreference chains: every mention of each actor, in text order."""
    by_chain: dict[int, dict] = {}
    for m in mentions:
        if m["chain"] is None:
            continue
        chain = by_chain.setdefault(m["chain"], {"chain": m["chain"], "actor_id": m["actor_id"], "mentions": []})
        chain["mentions"].append(
            {"text": m["text"], "start": m["start"], "end": m["end"], "sentence": m["sentence"], "kind": m["kind"]}
        )
    return [by_chain[k] for k in sorted(by_chain)]


def actor_summary(row: dict) -> dict:
    """An actor across all articles, as listed by ``dyads actors --json``."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "name": row["name"],
        "label": actor_label(row),
        "country": row["country"],
        "sector": row["sector"],
        "titles": list(row["titles"] or []),
        "articles": row["articles"],
        "mentions": row["mentions"],
    }


def actor_detail(row: dict) -> dict:
    """One actor in full, as shown by ``dyads actor NAME --json``."""
    return {
        **actor_summary(row),
        "members": list(row.get("members") or []),
        "titles_over_time": [
            {
                "title": t["title"],
                "first_seen": _iso(t["first_seen"]),
                "last_seen": _iso(t["last_seen"]),
                "articles": t["articles"],
            }
            for t in row["titles_over_time"]
        ],
        "appearances": [
            {
                "article_id": a["article_id"],
                "headline": a["headline"],
                "published": _iso(a["published"]),
                "mentions": [dict(m) for m in a["mentions"]],
            }
            for a in row["in_articles"]
        ],
    }


def _iso(value):
    return value.isoformat() if value is not None else None


def evidence_view(row: dict, *, a: str, b: str) -> dict:
    """An event behind a figure of a dyad series or ranking between ``a`` and ``b``: what, when,
    which way, and the sentence that says so (offsets into the article's text)."""
    from_a, from_b = row["from_a"], row["from_b"]
    direction = "both" if from_a and from_b else (f"{a}->{b}" if from_a else f"{b}->{a}")
    return {
        "id": f"{row['article_id']}:{row['idx']}",
        "article_id": row["article_id"],
        "type": row["type"],
        "mode": row["mode"],
        "cameo": row["cameo"],
        "quad_class": row["quad_class"],
        "score": row["score"],
        "goldstein": row["goldstein"],
        "date": date_text(row),
        "date_precision": row["date_precision"],
        "direction": direction,
        "via_group": bool(row["via_group"]),
        "sentence": row["sentence_text"],
        "sentence_index": row["sentence"],
        "start": row["start"],
        "end": row["end"],
        "trigger": {"text": row["trigger_text"], "start": row["trigger_start"], "end": row["trigger_end"]},
        "headline": row["headline"],
        "published": _iso(row["published"]),
    }


def date_text(row: dict) -> str | None:
    """An event's date as far as it is known: 2018-01-26, 2016-05, 2016, --01-26 (no year)."""
    year, month, day = row.get("date_year"), row.get("date_month"), row.get("date_day")
    precision = row.get("date_precision")
    if year and month and day and precision in ("day", "week", None):
        return f"{year:04d}-{month:02d}-{day:02d}"
    if year and month and precision != "year":
        return f"{year:04d}-{month:02d}"
    if year:
        return f"{year:04d}"
    if month and day and precision != "month":
        return f"--{month:02d}-{day:02d}"
    if month:
        return f"--{month:02d}"
    return None


def cluster_view(store, event_id: str) -> dict | None:
    """The event cluster an event belongs to (``store/clusters.py``): its id, GDELT's counts
    (sources, articles, mentions) and every report, oldest first; None before clusters."""
    counts = store.clusters_of([event_id]).get(event_id)
    if counts is None:
        return None
    reports = [
        {
            "id": r["id"],
            "article_id": r["article_id"],
            "index": r["idx"],
            "type": r["type"],
            "cameo": r["cameo"],
            "date": _iso(r["date"]),
            "headline": r["headline"],
            "published": _iso(r["published"]),
            "url": r["url"],
            "outlets": list(r["outlets"] or []),
            "sentence": r["sentence"],
        }
        for r in store.cluster_reports(counts["cluster"])
    ]
    return {
        "id": counts["cluster"],
        "sources": counts["sources"],
        "articles": counts["articles"],
        "mentions": counts["mentions"],
        "reports": reports,
    }


def dyad_row(row: dict) -> dict:
    """A country pair with its figures, as listed by ``dyads dyads --json`` and /api/dyads."""
    from dyads import lexicons

    def name(code: str) -> str | None:
        country = lexicons.load().countries.get(code or "")
        return country.name if country else None

    def rounded(value):
        return round(value, 3) if value is not None else None

    return {
        "a": row["a"],
        "a_name": name(row["a"]),
        "b": row["b"],
        "b_name": name(row["b"]),
        "events": row["events"],
        "cooperation": row["cooperation"],
        "conflict": row["conflict"],
        "mean_score": rounded(row["mean_score"]),
        "mean_goldstein": rounded(row["mean_goldstein"]),
        "first_date": _iso(row["first_date"]),
        "last_date": _iso(row["last_date"]),
    }
