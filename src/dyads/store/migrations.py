"""Named schema migrations, applied in order, each once, each in its own transaction.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_articles", """
        CREATE TABLE runs (
            id VARCHAR PRIMARY KEY,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            command VARCHAR NOT NULL,
            model VARCHAR,
            ingested INTEGER DEFAULT 0,
            duplicates INTEGER DEFAULT 0,
            skipped INTEGER DEFAULT 0
        );
        CREATE TABLE failures (
            run_id VARCHAR NOT NULL,
            origin VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            failed_at TIMESTAMP NOT NULL
        );
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY,
            headline VARCHAR NOT NULL,
            dek VARCHAR,
            dateline_raw VARCHAR,
            dateline_place VARCHAR,
            dateline_date_text VARCHAR,
            dateline_agency VARCHAR,
            dateline_month TINYINT,
            dateline_day TINYINT,
            dateline_year SMALLINT,
            published DATE,
            source VARCHAR,
            url VARCHAR,
            author VARCHAR,
            external_id VARCHAR,
            origin VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            paragraphs VARCHAR[] NOT NULL,
            run_id VARCHAR,
            ingested_at TIMESTAMP NOT NULL
        );
        CREATE TABLE sentences (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            section VARCHAR NOT NULL,
            paragraph INTEGER NOT NULL,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE entities (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            sentence INTEGER NOT NULL,
            PRIMARY KEY (article_id, idx)
        );
    """),
    ("0002_actors", """
        CREATE TABLE mentions (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            sentence INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            actor_id VARCHAR,
            chain INTEGER,
            PRIMARY KEY (article_id, idx)
        );
        CREATE INDEX mentions_actor ON mentions (actor_id);
        CREATE TABLE article_actors (
            article_id VARCHAR NOT NULL,
            actor_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            country VARCHAR,
            sector VARCHAR,
            title VARCHAR,
            members VARCHAR[],
            PRIMARY KEY (article_id, actor_id)
        );
        CREATE INDEX article_actors_actor ON article_actors (actor_id);
        -- One row per actor across all articles: the same person in two stories is one actor.
        CREATE VIEW actors AS
        SELECT
            aa.actor_id AS id,
            any_value(aa.kind) AS kind,
            mode(aa.name) AS name,
            mode(aa.country) AS country,
            mode(aa.sector) AS sector,
            list(DISTINCT aa.title ORDER BY aa.title) FILTER (WHERE aa.title IS NOT NULL) AS titles,
            count(DISTINCT aa.article_id) AS articles,
            (SELECT count(*) FROM mentions m WHERE m.actor_id = aa.actor_id) AS mentions
        FROM article_actors aa
        GROUP BY aa.actor_id;
    """),
)
