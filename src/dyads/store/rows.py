"""Records as table rows: one function per table, shared by DuckDB inserts and Parquet shards.

``table_rows`` turns analyses into ``{table: (columns, rows)}``; a new record
type adds its table here (and a migration), and every writer picks it up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from dyads.records import Analysis

ARTICLE_COLUMNS = (
    "id", "headline", "dek", "dateline_raw", "dateline_place", "dateline_date_text",
    "dateline_agency", "dateline_month", "dateline_day", "dateline_year", "published",
    "source", "url", "author", "external_id", "origin", "text", "paragraphs", "run_id",
    "ingested_at",
)


def _articles(analysis: Analysis, run_id: str | None, now: dt.datetime) -> list[tuple]:
    a = analysis.article
    d = a.dateline
    return [(
        a.id, a.headline, a.dek,
        d and d.raw, d and d.place, d and d.date_text, d and d.agency,
        d and d.month, d and d.day, d and d.year,
        a.published, a.source, a.url, a.author, a.external_id, a.origin,
        a.text, list(a.paragraphs), run_id, now,
    )]


def _sentences(analysis: Analysis, run_id, now) -> list[tuple]:
    return [(analysis.article.id, s.index, s.start, s.end, s.section, s.paragraph)
            for s in analysis.sentences]


def _entities(analysis: Analysis, run_id, now) -> list[tuple]:
    return [(analysis.article.id, e.index, e.start, e.end, e.label, e.text, e.sentence)
            for e in analysis.entities]


def _mentions(analysis: Analysis, run_id, now) -> list[tuple]:
    return [(analysis.article.id, m.index, m.start, m.end, m.sentence, m.text, m.kind, m.actor_id, m.chain)
            for m in analysis.mentions]


def _article_actors(analysis: Analysis, run_id, now) -> list[tuple]:
    return [(analysis.article.id, a.id, a.kind, a.name, a.country, a.sector, a.title, list(a.members))
            for a in analysis.actors]


# table -> (columns, function of (analysis, run_id, now) giving that table's rows)
TABLES: dict[str, tuple[Sequence[str], Callable[..., list[tuple]]]] = {
    "articles": (ARTICLE_COLUMNS, _articles),
    "sentences": (("article_id", "idx", "start", "end", "section", "paragraph"), _sentences),
    "entities": (("article_id", "idx", "start", "end", "label", "text", "sentence"), _entities),
    "mentions": (("article_id", "idx", "start", "end", "sentence", "text", "kind", "actor_id", "chain"),
                 _mentions),
    "article_actors": (("article_id", "actor_id", "kind", "name", "country", "sector", "title", "members"),
                       _article_actors),
}


def table_rows(analyses: Sequence[Analysis], *, run_id: str | None,
               now: dt.datetime) -> dict[str, tuple[Sequence[str], list[tuple]]]:
    """Every table's rows for these analyses, in insert order (articles first)."""
    return {
        table: (columns, [row for analysis in analyses for row in to_rows(analysis, run_id, now)])
        for table, (columns, to_rows) in TABLES.items()
    }
