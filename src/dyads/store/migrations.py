"""Named schema migrations, applied in order, each once, each in its own transaction.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from dyads.store.analysis import ACTOR_TOTALS, EVENT_DYADS
from dyads.store.clusters import CLUSTER_COUNTS

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_articles",
        """
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
    """,
    ),
    (
        "0002_actors",
        """
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
    """,
    ),
    (
        "0003_quotes",
        """
        CREATE TABLE quotes (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            part_starts INTEGER[] NOT NULL,
            part_ends INTEGER[] NOT NULL,
            part_texts VARCHAR[] NOT NULL,
            content VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            sentence INTEGER NOT NULL,
            cue_start INTEGER,
            cue_end INTEGER,
            cue_lemma VARCHAR,
            cue_text VARCHAR,
            speaker_start INTEGER,
            speaker_end INTEGER,
            speaker_text VARCHAR,
            speaker_kind VARCHAR NOT NULL,
            speaker_id VARCHAR,
            speaker_name VARCHAR,
            speaker_title VARCHAR,
            speaker_country VARCHAR,
            speaker_sector VARCHAR,
            about_ids VARCHAR[] NOT NULL,
            about_names VARCHAR[] NOT NULL,
            about_countries VARCHAR[] NOT NULL,
            PRIMARY KEY (article_id, idx)
        );
    """,
    ),
    (
        "0004_events",
        """
        CREATE TABLE events (
            article_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            sentence INTEGER NOT NULL,
            type VARCHAR NOT NULL,
            mode VARCHAR,
            cameo VARCHAR NOT NULL,
            cameo_root VARCHAR NOT NULL,
            goldstein DOUBLE NOT NULL,
            quad_class TINYINT NOT NULL,
            score DOUBLE NOT NULL,
            contexts VARCHAR[],
            trigger_start INTEGER NOT NULL,
            trigger_end INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            date DATE,
            date_year SMALLINT,
            date_month TINYINT,
            date_day TINYINT,
            date_precision VARCHAR,
            date_source VARCHAR,
            date_start INTEGER,
            date_end INTEGER,
            place VARCHAR,
            place_country VARCHAR,
            place_lat DOUBLE,
            place_lon DOUBLE,
            place_geonameid BIGINT,
            place_source VARCHAR,
            place_start INTEGER,
            place_end INTEGER,
            negated BOOLEAN NOT NULL,
            future BOOLEAN NOT NULL,
            hypothetical BOOLEAN NOT NULL,
            historical BOOLEAN NOT NULL,
            quoted BOOLEAN NOT NULL,
            reported_by VARCHAR,
            reported_by_name VARCHAR,
            confidence DOUBLE NOT NULL,
            PRIMARY KEY (article_id, idx)
        );
        CREATE INDEX events_type ON events (type);
        CREATE INDEX events_date ON events (date);
        -- One row per actor or recipient of an event, in the event's order, with the
        -- actor's PLOVER code, sector and name as of this article.
        CREATE TABLE event_parties (
            article_id VARCHAR NOT NULL,
            event_idx INTEGER NOT NULL,
            role VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            actor_id VARCHAR NOT NULL,
            code VARCHAR,
            sector VARCHAR,
            kind VARCHAR,
            name VARCHAR,
            members VARCHAR[],
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            PRIMARY KEY (article_id, event_idx, role, position)
        );
        CREATE INDEX event_parties_code ON event_parties (code);
    """,
    ),
    # Every event's directed country pairs, stored with the event's figures: computing them anew
    # for a dyad or a ranking, and joining the events for the figures, took seconds at a million
    # events. The writer adds each article's (Store.write); existing events are filled here with
    # the same SQL (analysis.EVENT_DYADS), sorted by pair so DuckDB's zonemaps skip the row
    # groups of other pairs.
    (
        "0005_event_dyads",
        """
        CREATE TABLE event_country_pairs (
            article_id VARCHAR NOT NULL,
            event_idx INTEGER NOT NULL,
            source VARCHAR NOT NULL,
            target VARCHAR NOT NULL,
            via_group BOOLEAN NOT NULL,
            date DATE,
            date_precision VARCHAR,
            quad_class TINYINT NOT NULL,
            score DOUBLE NOT NULL,
            goldstein DOUBLE NOT NULL,
            negated BOOLEAN NOT NULL,
            hypothetical BOOLEAN NOT NULL
        );
        INSERT INTO event_country_pairs """
        + EVENT_DYADS
        + """
        SELECT * FROM event_dyads ORDER BY source, target, article_id, event_idx;
    """,
    ),
    # Each actor's totals across articles, kept in a table the writer updates for the actors of
    # each batch (Store.write): the view aggregated every article's actors and counted every
    # actor's mentions with a subquery per actor on each read, seconds at a million events.
    (
        "0006_actor_totals",
        """
        CREATE TABLE actor_totals AS """
        + ACTOR_TOTALS.format(where="", where_mentions="WHERE m.actor_id IS NOT NULL")
        + """;
        CREATE OR REPLACE VIEW actors AS
        SELECT id, kind, name, country, sector, titles, articles, mentions FROM actor_totals;
    """,
    ),
    # One article's rows by ART index: the composite primary keys (article_id, idx ...) do not
    # serve a lookup by article_id alone, which scanned the whole table (0.15 s per table at a
    # million events; `dyads show` looks in seven, an events page joins parties and events).
    (
        "0007_article_indexes",
        """
        CREATE INDEX events_article ON events (article_id);
        CREATE INDEX event_parties_article ON event_parties (article_id);
        CREATE INDEX quotes_article ON quotes (article_id);
        CREATE INDEX mentions_article ON mentions (article_id);
        CREATE INDEX article_actors_article ON article_actors (article_id);
        CREATE INDEX sentences_article ON sentences (article_id);
        CREATE INDEX entities_article ON entities (article_id);
    """,
    ),
    # Actors whose totals wait for a recount. A recount scans the mentions table (1.2 s a
    # batch at a million events), so the writer notes the actors each batch touches, in the
    # batch's transaction, and recounts them together now and then (Store.refresh_actor_totals).
    (
        "0008_actor_totals_stale",
        """
        CREATE TABLE actor_totals_stale (id VARCHAR PRIMARY KEY);
    """,
    ),
    # Which part of the quotes stage found each quote: the cue rules, or the quote tagger
    # beside them (``--quotes tagged``). Quotes stored before were all the rules'.
    (
        "0009_quote_found_by",
        """
        ALTER TABLE quotes ADD COLUMN found_by VARCHAR DEFAULT 'rules';
    """,
    ),
    # Which part of the events stage coded each event: the trigger rules, or the learned
    # event coder beside them. Events stored before were all the rules'.
    (
        "0010_event_found_by",
        """
        ALTER TABLE events ADD COLUMN found_by VARCHAR DEFAULT 'rules';
    """,
    ),
    # Keys that tell the same story in any format (``dyads.dedup``): the body's words
    # ("content"), the headline's, and the opening words'. Articles stored before get theirs
    # from their stored text when the store opens (Store.backfill_article_keys). ``updated``
    # counts the stored stories a later copy filled in (a date, a URL ...).
    (
        "0011_article_keys",
        """
        CREATE TABLE article_keys (
            key VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            article_id VARCHAR NOT NULL
        );
        CREATE INDEX article_keys_key ON article_keys (key);
        ALTER TABLE runs ADD COLUMN updated INTEGER DEFAULT 0;
    """,
    ),
    # What `dyads watch` follows and has seen (``dyads.watch``): each source with the validators
    # of its last answer (a conditional GET sends them back), when it may be asked again after a
    # 429 or 5xx, and its last error; each item (a feed entry's or sitemap's page) once, with the
    # story it was stored as, so a restart neither fetches nor stores it again. ``watch_items``
    # is also every copy of a story: url, outlet and time seen, however many sites carried it.
    (
        "0012_watch",
        """
        CREATE TABLE watch_sources (
            url VARCHAR PRIMARY KEY,
            kind VARCHAR,
            outlet VARCHAR,
            etag VARCHAR,
            last_modified VARCHAR,
            added_at TIMESTAMP NOT NULL,
            polled_at TIMESTAMP,
            status VARCHAR,
            error VARCHAR,
            retry_at TIMESTAMP
        );
        CREATE TABLE watch_items (
            url VARCHAR PRIMARY KEY,
            source_url VARCHAR NOT NULL,
            outlet VARCHAR,
            title VARCHAR,
            seen_at TIMESTAMP NOT NULL,
            status VARCHAR NOT NULL,
            reason VARCHAR,
            article_id VARCHAR
        );
        CREATE INDEX watch_items_article ON watch_items (article_id);
        -- Every copy of a stored story: where and when a watch saw it.
        CREATE VIEW story_sources AS
        SELECT article_id, url, outlet, seen_at, source_url AS feed FROM watch_items WHERE article_id IS NOT NULL;
    """,
    ),
    # One event, many reports (``dyads.store.clusters``): each stored event (a report) belongs to one
    # cluster, named after its first report; the writer assigns new events in the transaction that
    # stores them, and events stored before are clustered when the store opens
    # (Store.backfill_clusters). ``terms`` are a report's evidence words, compared with later reports'.
    (
        "0013_event_clusters",
        """
        CREATE TABLE event_clusters (
            id VARCHAR PRIMARY KEY,
            article_id VARCHAR NOT NULL,
            event_idx INTEGER NOT NULL,
            key VARCHAR NOT NULL,
            actors VARCHAR NOT NULL,
            recipients VARCHAR NOT NULL,
            day DATE
        );
        CREATE INDEX event_clusters_key ON event_clusters (key);
        CREATE TABLE event_cluster_members (
            article_id VARCHAR NOT NULL,
            event_idx INTEGER NOT NULL,
            cluster_id VARCHAR NOT NULL,
            terms VARCHAR[] NOT NULL,
            PRIMARY KEY (article_id, event_idx)
        );
        CREATE INDEX event_cluster_members_cluster ON event_cluster_members (cluster_id);
        -- Per cluster, as GDELT counts an event: distinct outlets, documents, mentions; and its reports.
        CREATE VIEW event_cluster_counts AS """
        + CLUSTER_COUNTS.format(where="")
        + """;
    """,
    ),
    # Alerts (``dyads.alerts``): the rules a user added (`dyads alerts add`), and every alert fired,
    # with the measure's value, the ids of the events behind it and what its webhook answered.
    (
        "0014_alerts",
        """
        CREATE TABLE alert_rules (
            name VARCHAR PRIMARY KEY,
            a VARCHAR NOT NULL,
            b VARCHAR NOT NULL,
            measure VARCHAR NOT NULL,
            window_days INTEGER NOT NULL,
            below DOUBLE,
            above DOUBLE,
            "drop" DOUBLE,
            rise DOUBLE,
            "trailing" INTEGER NOT NULL,
            min_events INTEGER NOT NULL,
            "count" VARCHAR NOT NULL,
            webhook VARCHAR,
            added_at TIMESTAMP NOT NULL
        );
        CREATE TABLE alerts (
            id VARCHAR PRIMARY KEY,
            rule VARCHAR NOT NULL,
            fired_at TIMESTAMP NOT NULL,
            window_start DATE NOT NULL,
            window_end DATE NOT NULL,
            measure VARCHAR NOT NULL,
            value DOUBLE,
            baseline DOUBLE,
            events INTEGER NOT NULL,
            message VARCHAR NOT NULL,
            event_ids VARCHAR[] NOT NULL,
            webhook VARCHAR,
            webhook_status VARCHAR
        );
    """,
    ),
)
