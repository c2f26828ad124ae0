"""DuckDB storage: the only place with SQL, and the only writer.

Every article commits with all its derived rows in one transaction, so an
interrupted run never leaves half an article; ids are content hashes, so
storing the same article again changes nothing.

    >>> import tempfile, os
    >>> from dyads.records import Article, Analysis
    >>> path = os.path.join(tempfile.mkdtemp(), "t.duckdb")
    >>> with Store.open(path) as store:
    ...     store.write([Analysis(Article(headline="H", paragraphs=("Body.",), origin="t"))])
    ...     store.write([Analysis(Article(headline="H", paragraphs=("Body.",), origin="t"))])
    ...     store.count_articles()
    1
    0
    1
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb

from dyads.errors import NotFound, QueryError, StoreError
from dyads.records import Analysis, Failure, IngestSummary
from dyads.store import locks
from dyads.store.analysis import AnalysisQueries
from dyads.store import filters as filters_
from dyads.store.alerts import AlertQueries
from dyads.store.browse import QUOTE_SELECT, QUOTE_SOURCE, BrowseQueries, LookupQueries
from dyads.store.clusters import ClusterQueries
from dyads.store.filters import ListingQueries
from dyads.store.locks import LOCK_TIMEOUT_S
from dyads.store.migrations import MIGRATIONS
from dyads.store.rows import ARTICLE_COLUMNS, TABLES, table_rows
from dyads.store.watch import WatchQueries

log = logging.getLogger(__name__)

# How often a writer recounts the totals of the actors its batches touched (``dyads actors``):
# a recount scans the mentions table, ~1 s at a million events, too much for every batch.
ACTOR_TOTALS_EVERY_S = 30.0


class Store(AnalysisQueries, BrowseQueries, ListingQueries, LookupQueries, WatchQueries, ClusterQueries, AlertQueries):
    """An open dyads database (analyses and listings: ``store/analysis.py``, ``store/browse.py``,
    the declared filters: ``store/filters.py``; event clusters and alerts: ``store/clusters.py``,
    ``store/alerts.py``)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, *, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self._types: dict[str, dict[str, str]] = {}  # table -> column -> SQL type
        # When actor totals were last recounted (time.monotonic); a StoreFile carries it
        # from one session to the next, so short sessions do not recount every batch.
        self.totals_refreshed = float("-inf")

    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        timeout: float = LOCK_TIMEOUT_S,
        types: dict[str, dict[str, str]] | None = None,
    ) -> Iterator["Store"]:
        """Open (and create or migrate, unless read-only) the database at ``path``.

        A writer first announces itself on the sidecar ``<db>.write`` (see
        ``store/locks.py``); both readers and writers wait up to ``timeout`` seconds
        while another process holds the file. ``types`` is a column-type cache to
        share between short sessions (``store/live.py``).

        Raises:
            StoreError: the file is missing (read-only), stays locked, or is not a DuckDB database.
        """
        path = str(path)
        if read_only and not Path(path).exists():
            raise StoreError(f"no database at {path}; run `dyads ingest FILE` first or pass --db")
        deadline = time.monotonic() + timeout
        with contextlib.ExitStack() as stack:
            if not read_only and path != ":memory:":
                stack.enter_context(locks.write_intent(path, deadline=deadline))
            con = locks.connect(path, read_only=read_only, deadline=deadline)
            stack.callback(con.close)
            store = cls(con, path, read_only=read_only)
            if types is not None:
                store._types = types
            if not read_only:
                store.migrate()
            yield store

    # -- schema -------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply the migrations this database lacks; returns their names."""
        self.con.execute("CREATE TABLE IF NOT EXISTS migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
        done = {row[0] for row in self.con.execute("SELECT name FROM migrations").fetchall()}
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                self.con.execute(sql)
                self.con.execute("INSERT INTO migrations VALUES (?, ?)", [name, _now()])
            applied.append(name)
            log.info("applied migration %s", name)
        if applied:
            self._types.clear()
        if "0011_article_keys" in applied:
            self.backfill_article_keys()
        if "0013_event_clusters" in applied:
            self.backfill_clusters()
        return applied

    def backfill_article_keys(self) -> int:
        """Give every stored article without keys its ``article_keys`` rows, from its stored
        headline and paragraphs (databases from before migration 0011); returns how many."""
        from dyads.records import Article
        from dyads.store.rows import article_keys

        rows = self.con.execute(
            "SELECT id, headline, paragraphs FROM articles WHERE id NOT IN (SELECT article_id FROM article_keys)"
        ).fetchall()
        keys = []
        for article_id, headline, paragraphs in rows:
            article = Article(headline=headline, paragraphs=tuple(paragraphs), origin="")
            keys += [(key, kind, article_id) for key, kind, _ in article_keys(article)]
        with self.transaction():
            self._insert_columns("article_keys", ("key", "kind", "article_id"), keys)
        return len(rows)

    @contextlib.contextmanager
    def transaction(self):
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- runs and failures ---------------------------------------------------

    def start_run(self, command: str, *, model: str | None) -> str:
        run_id = uuid.uuid4().hex[:12]
        self.con.execute(
            "INSERT INTO runs (id, started_at, command, model) VALUES (?, ?, ?, ?)", [run_id, _now(), command, model]
        )
        return run_id

    def finish_run(self, run_id: str, summary: IngestSummary) -> None:
        if not self.read_only:
            self.refresh_totals()
        self.con.execute(
            "UPDATE runs SET finished_at = ?, ingested = ?, duplicates = ?, skipped = ?, updated = ? WHERE id = ?",
            [_now(), summary.ingested, summary.duplicates, summary.skipped, summary.updated, run_id],
        )

    def record_failures(self, run_id: str, failures: Iterable[Failure]) -> None:
        rows = [[run_id, f.origin, f.reason, _now()] for f in failures]
        if rows:
            self.con.executemany("INSERT INTO failures VALUES (?, ?, ?, ?)", rows)

    # -- writing -------------------------------------------------------------

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` already stored."""
        ids = list(ids)
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE id IN (SELECT UNNEST(?::VARCHAR[]))", [ids]).fetchall()
        return {row[0] for row in rows}

    def articles_by_key(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """The stored articles with each of ``keys`` (``article_keys``): key -> article ids."""
        keys = sorted(set(keys))
        found: dict[str, set[str]] = {}
        if keys:
            for key, article_id in self.con.execute(
                "SELECT key, article_id FROM article_keys WHERE key IN (SELECT UNNEST(?::VARCHAR[]))", [keys]
            ).fetchall():
                found.setdefault(key, set()).add(article_id)
        return found

    def article_bodies(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """The stored paragraphs of those articles: id -> paragraphs."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        return dict(
            self.con.execute(
                "SELECT id, paragraphs FROM articles WHERE id IN (SELECT UNNEST(?::VARCHAR[]))", [ids]
            ).fetchall()
        )

    def article_fields(self, ids: Iterable[str], fields: tuple[str, ...]) -> dict[str, dict]:
        """Those fields of the stored articles: id -> {field: value}."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        rows = self.con.execute(
            f"SELECT id, {', '.join(fields)} FROM articles WHERE id IN (SELECT UNNEST(?::VARCHAR[]))", [ids]
        ).fetchall()
        return {row[0]: dict(zip(fields, row[1:])) for row in rows}

    def add_article_keys(self, keys: Iterable[tuple[str, str, str]]) -> None:
        """Store the ``article_keys`` rows (key, kind, article id) the store lacks: another copy's
        keys for a stored story. The table is a set, so an identical copy, or a rerun, adds nothing."""
        keys = sorted(set(keys))
        if keys:
            known = set(
                self.con.execute(
                    "SELECT key, kind, article_id FROM article_keys WHERE key IN (SELECT UNNEST(?::VARCHAR[]))",
                    [[k for k, _, _ in keys]],
                ).fetchall()
            )
            self._insert_columns("article_keys", ("key", "kind", "article_id"), [k for k in keys if k not in known])

    def fill_articles(self, fills: Iterable[tuple[str, dict]], *, keys: Iterable[tuple[str, str, str]] = ()) -> int:
        """Set fields the stored articles lack (NULL) from a later copy, and add the copy's
        ``keys`` (key, kind, article id) to theirs; returns how many articles changed. A field
        stored already is never overwritten."""
        from dyads.dedup import FILLABLE_FIELDS

        self.add_article_keys(keys)
        changed = set()
        for article_id, fields in fills:
            for name, value in fields.items():
                if name not in FILLABLE_FIELDS:
                    raise StoreError(f"cannot fill article field {name!r}; only {', '.join(FILLABLE_FIELDS)}")
                row = self.con.execute(
                    f"UPDATE articles SET {name} = ? WHERE id = ? AND {name} IS NULL RETURNING id", [value, article_id]
                ).fetchall()
                if row:
                    changed.add(article_id)
        return len(changed)

    def write(self, analyses: list[Analysis], *, run_id: str | None = None) -> int:
        """Store analyses not stored yet, all in one transaction; returns how many were new."""
        seen = self.known_ids(a.article.id for a in analyses)
        fresh = []
        for analysis in analyses:
            if analysis.article.id not in seen:
                seen.add(analysis.article.id)
                fresh.append(analysis)
        if not fresh:
            return 0
        with self.transaction():
            for table, (columns, rows) in table_rows(fresh, run_id=run_id, now=_now()).items():
                self._insert_columns(table, columns, rows)
            self.store_event_dyads([a.article.id for a in fresh])
            self.cluster_events([a.article.id for a in fresh])
            self.mark_actor_totals(
                sorted(
                    {actor.id for a in fresh for actor in a.actors}
                    | {m.actor_id for a in fresh for m in a.mentions if m.actor_id}
                )
            )
        if time.monotonic() - self.totals_refreshed >= ACTOR_TOTALS_EVERY_S:
            self.refresh_totals()
        return len(fresh)

    def refresh_totals(self) -> None:
        """Bring the actors' totals up to date (done by ``write`` every ``ACTOR_TOTALS_EVERY_S``
        seconds, and at the end of an ingest run)."""
        self.refresh_actor_totals()
        self.totals_refreshed = time.monotonic()

    # -- Parquet shards --------------------------------------------------------

    def export_shards(self, folder: Path, name: str, tables: Iterable[str] = TABLES) -> dict[str, Path]:
        """Write each of ``tables`` (every table of TABLES by default) as
        ``folder/<table>/<name>.parquet``; returns the paths.

        Each file is written under a temporary name and renamed, ``articles``
        last, so a shard whose articles file exists is complete.
        """
        shards = {}
        tables = list(tables)
        for table in [*(t for t in tables if t != "articles"), *(t for t in tables if t == "articles")]:
            path = Path(folder) / table / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.partial")
            self.con.execute(f"COPY {table} TO '{_sql_string(partial)}' (FORMAT parquet, COMPRESSION zstd)")
            partial.replace(path)
            shards[table] = path
        return shards

    def _insert_columns(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Insert rows column-wise: one UNNEST per column is far faster than executemany."""
        if not rows:
            return
        types = self._column_types(table)
        selects = ", ".join(f"UNNEST(?::{types[c]}[])" for c in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        self.con.execute(f"INSERT INTO {table} ({names}) SELECT {selects}", [list(column) for column in zip(*rows)])

    def _column_types(self, table: str) -> dict[str, str]:
        """Column types of a table, looked up once per open store (a lookup costs ~10 ms)."""
        if table not in self._types:
            rows = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                [table],
            ).fetchall()
            self._types[table] = dict(rows)
        return self._types[table]

    # -- reading -------------------------------------------------------------

    def count_articles(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchone()[0]

    def list_articles(self, *, limit: int | None = None, sort: str = "-ingested", **filters) -> list[dict]:
        """Stored articles without their long text, newest ingest first; ``filters`` are those
        ``store.filters.ARTICLES`` declares.

        Raises:
            QueryError: an unknown filter or a bad value of one.
        """
        return self.rows("articles", filters_.ARTICLES.parse(filters), sort=sort, limit=limit)

    def get_article(self, article_id: str) -> dict:
        """One article with its sentences, entities, actors, mentions and quotes.

        Raises:
            NotFound: no article has that id (or id prefix).
            QueryError: the prefix is ambiguous.
        """
        rows = self._dicts(
            f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE starts_with(id, ?) "
            "ORDER BY (id = ?) DESC, id LIMIT 2",
            [article_id, article_id],
        )
        if not rows:
            raise NotFound(
                f"no article with id {article_id!r}; list ids with `dyads articles` or /api/articles",
                parameter="article_id",
            )
        if len(rows) > 1 and rows[0]["id"] != article_id:
            raise QueryError(f"id prefix {article_id!r} matches several articles; give more characters")
        article = rows[0]
        article["sentences"] = self._dicts(
            'SELECT idx, start, "end", section, paragraph FROM sentences WHERE article_id = ? ORDER BY idx',
            [article["id"]],
        )
        article["entities"] = self._dicts(
            'SELECT idx, start, "end", label, text, sentence FROM entities WHERE article_id = ? ORDER BY idx',
            [article["id"]],
        )
        article["mentions"] = self._dicts(
            'SELECT idx, start, "end", sentence, text, kind, actor_id, chain FROM mentions '
            "WHERE article_id = ? ORDER BY idx",
            [article["id"]],
        )
        article["actors"] = self._dicts(
            "SELECT actor_id AS id, kind, name, country, sector, title, members FROM article_actors "
            "WHERE article_id = ? ORDER BY actor_id",
            [article["id"]],
        )
        article["events"] = self.list_events(article_id=article["id"])
        article["quotes"] = self._dicts(
            f"SELECT {QUOTE_SELECT} FROM {QUOTE_SOURCE} WHERE q.article_id = ? ORDER BY q.idx", [article["id"]]
        )
        article["copies"] = self.story_sources(article["id"])
        return article

    def list_events(self, *, limit: int | None = None, sort: str = "date", **filters) -> list[dict]:
        """Stored events with their evidence text and parties, oldest event first; ``filters``
        are those ``store.filters.EVENTS`` declares (events of unknown date are left out when
        ``since`` or ``until`` is given).

        Raises:
            QueryError: an unknown filter or a bad value of one.
        """
        return self.rows("events", filters_.EVENTS.parse(filters), sort=sort, limit=limit)

    def get_event(self, article_id: str, idx: int) -> dict:
        """One event (``ARTICLE_ID:N``) with its evidence text and parties.

        Raises:
            NotFound: no such event.
        """
        found = [e for e in self.list_events(article_id=article_id) if e["idx"] == idx] if article_id else []
        if not found:
            raise NotFound(
                f"no event with id {article_id}:{idx}; ids look like ARTICLE_ID:N, as "
                "`dyads events` and /api/events list them",
                parameter="event_id",
            )
        return found[0]

    def copy_events_parquet(self, path: Path, **filters) -> int:
        """Write the events matching ``filters`` (``store.filters.EVENTS``), parties nested as
        lists of structs, to a Parquet file."""
        where, params = filters_.EVENTS.where(filters_.EVENTS.parse(filters))
        parties = (
            "(SELECT list({{'id': p.actor_id, 'code': p.code, 'sector': p.sector, 'name': p.name, "
            "'kind': p.kind, 'members': p.members}} ORDER BY p.position) FROM event_parties p "
            "WHERE p.article_id = e.article_id AND p.event_idx = e.idx AND p.role = '{role}')"
        )
        sql = (
            f"SELECT e.article_id || ':' || e.idx AS id, e.*, {parties.format(role='actor')} AS actors, "
            f"{parties.format(role='recipient')} AS recipients, a.headline, a.published, "
            'substr(a.text, e.start + 1, e."end" - e.start) AS sentence_text '
            "FROM events e JOIN articles a ON a.id = e.article_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.date NULLS LAST, e.article_id, e.idx"
        count = self.con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        target = str(path).replace("'", "''")
        self.con.execute(f"COPY ({sql}) TO '{target}' (FORMAT PARQUET)", params)
        return count

    def people_by_surname(self, surnames: Iterable[str]) -> dict[str, dict[str, str]]:
        """surname -> {actor id: full name} of stored people named in full."""
        surnames = sorted(set(surnames))
        if not surnames:
            return {}
        rows = self.con.execute(
            "SELECT DISTINCT regexp_extract(name, '(\\S+)$') AS surname, actor_id, name FROM article_actors "
            "WHERE kind = 'person' AND contains(name, ' ') "
            "AND regexp_extract(name, '(\\S+)$') IN (SELECT UNNEST(?::VARCHAR[]))",
            [surnames],
        ).fetchall()
        found: dict[str, dict[str, str]] = {}
        for surname, actor_id, name in rows:
            found.setdefault(surname, {})[actor_id] = name
        return found

    def list_actors(self, *, limit: int | None = None, sort: str = "-mentions", **filters) -> list[dict]:
        """Actors across all articles, most mentioned first; ``filters`` are those
        ``store.filters.ACTORS`` declares.

        Raises:
            QueryError: an unknown filter or a bad value of one.
        """
        return self.rows("actors", filters_.ACTORS.parse(filters), sort=sort, limit=limit)

    def find_actors(self, name: str) -> list[dict]:
        """Actors whose id is ``name``, or whose name equals it, or contains it as a word."""
        return self._dicts(
            "SELECT id, kind, name, country, sector, titles, articles, mentions FROM actors "
            "WHERE id = ? OR lower(name) = lower(?) OR regexp_matches(name, '(?i)\\b' || ? || '\\b') "
            "ORDER BY (id = ?) DESC, (lower(name) = lower(?)) DESC, mentions DESC",
            [name, name, _regex_escape(name), name, name],
        )

    def actor_detail(self, actor_id: str) -> dict:
        """One actor with the titles seen over time and its mentions per article.

        Raises:
            NotFound: no article names an actor with that id.
        """
        rows = self._dicts(
            "SELECT id, kind, name, country, sector, titles, articles, mentions FROM actors WHERE id = ?", [actor_id]
        )
        if not rows:
            # stored by an ingest whose totals are not recounted yet (``refresh_totals``)
            rows = self._dicts(
                "SELECT actor_id AS id, any_value(kind) AS kind, any_value(name) AS name, "
                "any_value(country) AS country, any_value(sector) AS sector, "
                "list(DISTINCT title) FILTER (WHERE title IS NOT NULL) AS titles, "
                "count(DISTINCT article_id) AS articles, 0 AS mentions FROM article_actors "
                "WHERE actor_id = ? GROUP BY actor_id",
                [actor_id],
            )
        if not rows:
            raise NotFound(
                f"no actor with id {actor_id!r}; list actors with `dyads actors` or /api/actors", parameter="actor_id"
            )
        actor = rows[0]
        actor["titles_over_time"] = self._dicts(
            "SELECT aa.title, min(a.published) AS first_seen, max(a.published) AS last_seen, "
            "count(*) AS articles FROM article_actors aa JOIN articles a ON a.id = aa.article_id "
            "WHERE aa.actor_id = ? AND aa.title IS NOT NULL GROUP BY aa.title ORDER BY first_seen NULLS LAST",
            [actor_id],
        )
        actor["members"] = (
            self.con.execute("SELECT members FROM article_actors WHERE actor_id = ? LIMIT 1", [actor_id]).fetchone()
            or [None]
        )[0]
        actor["in_articles"] = self._dicts(
            "SELECT a.id AS article_id, a.headline, a.published, list(struct_pack(text := m.text, kind := m.kind, "
            'start := m.start, "end" := m."end", sentence := m.sentence) ORDER BY m.idx) AS mentions '
            "FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.actor_id = ? "
            "GROUP BY a.id, a.headline, a.published ORDER BY a.published NULLS LAST, a.id",
            [actor_id],
        )
        return actor

    def list_quotes(self, *, limit: int | None = None, sort: str = "-published", **filters) -> list[dict]:
        """Stored quotes with their article's headline and date, newest article first;
        ``filters`` are those ``store.filters.QUOTES`` declares (``speaker``: an actor id, or
        part of the speaker's name, of the words naming the speaker, or of any mention of the
        resolved speaker; ``about``: a country code, actor id or part of a name).

        Raises:
            QueryError: an unknown filter or a bad value of one.
        """
        return self.rows("quotes", filters_.QUOTES.parse(filters), sort=sort, limit=limit)

    def missing_tables(self, tables: Iterable[str]) -> list[str]:
        """Those of ``tables`` this database lacks (it predates the stages that make them)."""
        found = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return [t for t in tables if t not in found]

    def failures(self, *, run_id: str | None = None) -> list[dict]:
        sql = "SELECT run_id, origin, reason, failed_at FROM failures"
        params = []
        if run_id:
            sql += " WHERE run_id = ?"
            params.append(run_id)
        return self._dicts(sql + " ORDER BY failed_at", params)

    def _dicts(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _regex_escape(text: str) -> str:
    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def write_parquet(rows: list[dict], columns: dict[str, str], path: Path) -> None:
    """Rows (dicts of JSON values) to a Parquet file with the DuckDB ``columns`` types, through
    an in-memory DuckDB: the rows pass as JSON lines, which DuckDB reads in one scan
    rather than one insert per row."""
    with tempfile.TemporaryDirectory(prefix="dyads-parquet-") as folder:
        lines = Path(folder) / "rows.jsonl"
        with lines.open("w", encoding="utf-8") as f:
            f.writelines(
                json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, default=str) + "\n" for row in rows
            )
        types = "{" + ", ".join(f"'{_sql_string(c)}': '{t}'" for c, t in columns.items()) + "}"
        names = ", ".join(f'"{c}"' for c in columns)
        con = duckdb.connect()
        try:
            con.execute(
                f"COPY (SELECT {names} FROM read_json('{_sql_string(lines)}', format = 'newline_delimited', "
                f"columns = {types})) TO '{_sql_string(path)}' (FORMAT parquet)"
            )
        finally:
            con.close()


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")
