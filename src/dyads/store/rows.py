"""Records as table rows: one function per table, shared by DuckDB inserts and Parquet shards.

``table_rows`` turns analyses into ``{table: (columns, rows)}``; a new record
type adds its table here (and a migration), and every writer picks it up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from dyads import dedup
from dyads.ontology import entity_code, party_actor
from dyads.records import Analysis

ARTICLE_COLUMNS = (
    "id",
    "headline",
    "dek",
    "dateline_raw",
    "dateline_place",
    "dateline_date_text",
    "dateline_agency",
    "dateline_month",
    "dateline_day",
    "dateline_year",
    "published",
    "source",
    "url",
    "author",
    "external_id",
    "origin",
    "text",
    "paragraphs",
    "run_id",
    "ingested_at",
)


def _articles(analysis: Analysis, run_id: str | None, now: dt.datetime) -> list[tuple]:
    a = analysis.article
    d = a.dateline
    return [
        (
            a.id,
            a.headline,
            a.dek,
            d and d.raw,
            d and d.place,
            d and d.date_text,
            d and d.agency,
            d and d.month,
            d and d.day,
            d and d.year,
            a.published,
            a.source,
            a.url,
            a.author,
            a.external_id,
            a.origin,
            a.text,
            list(a.paragraphs),
            run_id,
            now,
        )
    ]


def article_keys(article) -> list[tuple]:
    """An article's rows of ``article_keys``: (key, kind, article id)."""
    return [(key, kind, article.id) for key, kind in dedup.key_rows(article)]


def _article_keys(analysis: Analysis, run_id, now) -> list[tuple]:
    return article_keys(analysis.article)


def _sentences(analysis: Analysis, run_id, now) -> list[tuple]:
    return [(analysis.article.id, s.index, s.start, s.end, s.section, s.paragraph) for s in analysis.sentences]


def _entities(analysis: Analysis, run_id, now) -> list[tuple]:
    return [(analysis.article.id, e.index, e.start, e.end, e.label, e.text, e.sentence) for e in analysis.entities]


def _mentions(analysis: Analysis, run_id, now) -> list[tuple]:
    return [
        (analysis.article.id, m.index, m.start, m.end, m.sentence, m.text, m.kind, m.actor_id, m.chain)
        for m in analysis.mentions
    ]


def _article_actors(analysis: Analysis, run_id, now) -> list[tuple]:
    return [
        (analysis.article.id, a.id, a.kind, a.name, a.country, a.sector, a.title, list(a.members))
        for a in analysis.actors
    ]


EVENT_COLUMNS = (
    "article_id",
    "idx",
    "sentence",
    "type",
    "mode",
    "cameo",
    "cameo_root",
    "goldstein",
    "quad_class",
    "score",
    "contexts",
    "trigger_start",
    "trigger_end",
    "start",
    "end",
    "date",
    "date_year",
    "date_month",
    "date_day",
    "date_precision",
    "date_source",
    "date_start",
    "date_end",
    "place",
    "place_country",
    "place_lat",
    "place_lon",
    "place_geonameid",
    "place_source",
    "place_start",
    "place_end",
    "negated",
    "future",
    "hypothetical",
    "historical",
    "quoted",
    "reported_by",
    "reported_by_name",
    "confidence",
    "found_by",
)
PARTY_COLUMNS = (
    "article_id",
    "event_idx",
    "role",
    "position",
    "actor_id",
    "code",
    "sector",
    "kind",
    "name",
    "members",
    "start",
    "end",
)


def _events(analysis: Analysis, run_id, now) -> list[tuple]:
    rows = []
    for e in analysis.events:
        reporter = analysis.actor(e.reported_by)
        rows.append(
            (
                analysis.article.id,
                e.index,
                e.sentence,
                e.type,
                e.mode,
                e.cameo,
                e.cameo_root,
                e.goldstein,
                e.quad_class,
                e.score,
                list(e.contexts),
                e.trigger_start,
                e.trigger_end,
                e.start,
                e.end,
                e.date,
                e.date_year,
                e.date_month,
                e.date_day,
                e.date_precision,
                e.date_source,
                e.date_start,
                e.date_end,
                e.place,
                e.place_country,
                e.place_lat,
                e.place_lon,
                e.place_geonameid,
                e.place_source,
                e.place_start,
                e.place_end,
                e.negated,
                e.future,
                e.hypothetical,
                e.historical,
                e.quoted,
                e.reported_by,
                reporter.name if reporter else None,
                e.confidence,
                e.found_by,
            )
        )
    return rows


QUOTE_COLUMNS = (
    "article_id",
    "idx",
    "start",
    "end",
    "part_starts",
    "part_ends",
    "part_texts",
    "content",
    "kind",
    "sentence",
    "cue_start",
    "cue_end",
    "cue_lemma",
    "cue_text",
    "speaker_start",
    "speaker_end",
    "speaker_text",
    "speaker_kind",
    "speaker_id",
    "speaker_name",
    "speaker_title",
    "speaker_country",
    "speaker_sector",
    "about_ids",
    "about_names",
    "about_countries",
    "found_by",
)


def _quotes(analysis: Analysis, run_id, now) -> list[tuple]:
    """One row per quote; the speaker's and the mentioned actors' names are copied in, so a
    quote reads (and filters) the same whatever later runs learn about its actors."""
    text = analysis.article.text
    rows = []
    for q in analysis.quotes:
        speaker = analysis.actor(q.speaker_id)
        about = [a for a in (analysis.actor(i) for i in q.about) if a is not None]
        rows.append(
            (
                analysis.article.id,
                q.index,
                q.start,
                q.end,
                [s for s, _ in q.parts],
                [e for _, e in q.parts],
                [text[s:e] for s, e in q.parts],
                " … ".join(text[s:e] for s, e in q.parts),
                q.kind,
                q.sentence,
                q.cue_start,
                q.cue_end,
                q.cue_lemma,
                text[q.cue_start : q.cue_end] if q.cue_start is not None else None,
                q.speaker_start,
                q.speaker_end,
                text[q.speaker_start : q.speaker_end] if q.speaker_start is not None else None,
                q.speaker_kind,
                q.speaker_id,
                speaker and speaker.name,
                speaker and speaker.title,
                speaker and speaker.country,
                speaker and speaker.sector,
                [a.id for a in about],
                [a.name for a in about],
                [a.country or "" for a in about],
                q.found_by,
            )
        )
    return rows


def _event_parties(analysis: Analysis, run_id, now) -> list[tuple]:
    rows = []
    for e in analysis.events:
        for role, ids, spans in (("actor", e.actors, e.actor_spans), ("recipient", e.recipients, e.recipient_spans)):
            for position, (actor_id, (start, end)) in enumerate(zip(ids, spans)):
                actor = party_actor(analysis, actor_id)
                rows.append(
                    (
                        analysis.article.id,
                        e.index,
                        role,
                        position,
                        actor_id,
                        entity_code(actor),
                        actor.sector if actor else None,
                        actor.kind if actor else None,
                        actor.name if actor else None,
                        list(actor.members) if actor else [],
                        start,
                        end,
                    )
                )
    return rows


# table -> (columns, function of (analysis, run_id, now) giving that table's rows)
TABLES: dict[str, tuple[Sequence[str], Callable[..., list[tuple]]]] = {
    "articles": (ARTICLE_COLUMNS, _articles),
    "article_keys": (("key", "kind", "article_id"), _article_keys),
    "sentences": (("article_id", "idx", "start", "end", "section", "paragraph"), _sentences),
    "entities": (("article_id", "idx", "start", "end", "label", "text", "sentence"), _entities),
    "mentions": (("article_id", "idx", "start", "end", "sentence", "text", "kind", "actor_id", "chain"), _mentions),
    "article_actors": (
        ("article_id", "actor_id", "kind", "name", "country", "sector", "title", "members"),
        _article_actors,
    ),
    "events": (EVENT_COLUMNS, _events),
    "event_parties": (PARTY_COLUMNS, _event_parties),
    "quotes": (QUOTE_COLUMNS, _quotes),
}


def table_rows(
    analyses: Sequence[Analysis], *, run_id: str | None, now: dt.datetime
) -> dict[str, tuple[Sequence[str], list[tuple]]]:
    """Every table's rows for these analyses, in insert order (articles first)."""
    return {
        table: (columns, [row for analysis in analyses for row in to_rows(analysis, run_id, now)])
        for table, (columns, to_rows) in TABLES.items()
    }
