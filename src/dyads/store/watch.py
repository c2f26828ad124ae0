"""The state of ``dyads watch`` (migration 0012): sources with their validators, items seen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

# Columns of ``watch_sources`` a poll updates.
SOURCE_FIELDS = ("kind", "outlet", "etag", "last_modified", "polled_at", "status", "error", "retry_at")
ITEM_COLUMNS = ("url", "source_url", "outlet", "title", "seen_at", "status", "reason", "article_id")


class WatchQueries:
    """Reads and writes of the watch tables, mixed into ``Store``."""

    def watch_source(self, url: str) -> dict | None:
        """The stored state of a watched source, or None if it is new."""
        row = self.con.execute(f"SELECT {', '.join(SOURCE_FIELDS)} FROM watch_sources WHERE url = ?", [url]).fetchone()
        return dict(zip(SOURCE_FIELDS, row)) if row else None

    def save_watch_source(self, url: str, now: dt.datetime, **fields) -> None:
        """Insert or update a source's state with ``fields`` (names of SOURCE_FIELDS)."""
        unknown = set(fields) - set(SOURCE_FIELDS)
        if unknown:
            raise ValueError(f"not watch_sources columns: {sorted(unknown)}")
        names = sorted(fields)
        updates = ", ".join(f"{n} = excluded.{n}" for n in names) or "url = excluded.url"
        self.con.execute(
            f"INSERT INTO watch_sources (url, added_at{''.join(', ' + n for n in names)}) "
            f"VALUES (?, ?{', ?' * len(names)}) ON CONFLICT (url) DO UPDATE SET {updates}",
            [url, now, *(fields[n] for n in names)],
        )

    def seen_item_urls(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` already seen by a watch (fetched, stored or failed)."""
        urls = sorted(set(urls))
        if not urls:
            return set()
        return {
            row[0]
            for row in self.con.execute(
                "SELECT url FROM watch_items WHERE url IN (SELECT UNNEST(?::VARCHAR[]))", [urls]
            ).fetchall()
        }

    def record_watch_items(self, rows: Iterable[tuple]) -> int:
        """Store items seen (tuples in ITEM_COLUMNS order); one seen before is kept as it was, and of
        one url given twice the first. One column-wise insert: ``executemany`` ran a statement per
        row, 19 s of a 250 s watch of 1,000 pages (benchmarks/watch.py under cProfile)."""
        rows = list({row[0]: row for row in reversed(list(rows))}.values())[::-1]
        if rows:
            types = self._column_types("watch_items")
            selects = ", ".join(f"UNNEST(?::{types[c]}[])" for c in ITEM_COLUMNS)
            self.con.execute(
                f"INSERT INTO watch_items ({', '.join(ITEM_COLUMNS)}) SELECT {selects} ON CONFLICT (url) DO NOTHING",
                [list(column) for column in zip(*rows)],
            )
        return len(rows)

    def articles_of_run(self, run_id: str) -> set[str]:
        """Ids of the articles a run stored."""
        return {row[0] for row in self.con.execute("SELECT id FROM articles WHERE run_id = ?", [run_id]).fetchall()}

    def story_sources(self, article_id: str) -> list[dict]:
        """Every copy of a stored story a watch saw: url, outlet, time seen, oldest first (none in a
        database from before migration 0012 opened read-only)."""
        if not self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'watch_items'"
        ).fetchone()[0]:
            return []
        rows = self.con.execute(
            "SELECT url, outlet, seen_at FROM watch_items WHERE article_id = ? ORDER BY seen_at, url", [article_id]
        ).fetchall()
        return [{"url": url, "outlet": outlet, "seen_at": seen_at} for url, outlet, seen_at in rows]
