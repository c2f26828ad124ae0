"""One event, many reports: the event clusters of migration 0013 and their SQL.

Two outlets that report one meeting give two stored events; GDELT counts that as one
event with two sources, two articles and two mentions. Here each stored event (a
*report*) joins a cluster when an earlier report is of the same happening: the same
type, the same parties (their codes, as a set, in a compatible direction), the same
negated and hypothetical flags, a day within ``CLUSTER_DAYS`` of the cluster's first
report, and evidence sentences that share words (``EVIDENCE_OVERLAP``). Otherwise it
starts a cluster named after itself (``ARTICLE_ID:N``).

Clusters are assigned by the writer in the transaction that stores the events
(``Store.write``), so they hold under incremental ingest; a report never moves and a
cluster's first report never changes, so the assignment depends only on the order
articles are stored in, not on how they are split into writes or runs. Every
report stays stored: the cluster is a grouping, the reports are its evidence.

Counts, as GDELT has them (``event_cluster_counts``): ``sources`` the distinct outlets
that carried a report (a story a watch saw on two sites counts both), ``articles`` the
documents (each copy a watch saw, else the stored article), ``mentions`` the reports
times the copies of their article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dyads.dedup import words

# Days between a report's day and its cluster's first report's for both to tell one happening:
# two outlets date a meeting a day apart when one reports it the next morning ("on Tuesday" in
# Wednesday's paper resolved against a later publication date), GDELT's own window is a day.
CLUSTER_DAYS = 2
# Share of the shorter evidence's content words (``_terms``) that the cluster's reports hold for a
# report of the same type and parties to join it. Not calibrated on gold (no clustered gold set
# is at hand): chosen so that two reports of one meeting naming the same people and place
# (0.4-0.7 in the tests' stories) join, while same-party events of the same type that
# share only the country names (0.1-0.25) stay apart.
EVIDENCE_OVERLAP = 0.3
# Words shorter than this are left out of the evidence overlap (articles, "met", "on" ...).
MIN_TERM_CHARS = 4
# Reporting words every story has, which say nothing of the happening.
_REPORTING = frozenset(
    {
        "said",
        "says",
        "told",
        "reporters",
        "statement",
        "according",
        "officials",
        "official",
        "added",
        "also",
        "after",
        "before",
        "their",
        "they",
        "with",
        "from",
        "that",
        "this",
        "which",
        "would",
        "will",
        "have",
        "been",
        "were",
        "about",
    }
)

COUNT_MODES = ("clusters", "reports")


def _terms(text: str) -> list[str]:
    """The content words of a sentence, as a sorted set."""
    return sorted({w for w in words(text) if len(w) >= MIN_TERM_CHARS and not w.isdigit() and w not in _REPORTING})


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Share of the shorter term list's terms the other holds.

    >>> overlap(["eide", "oslo", "sugiono"], ["oslo", "sugiono", "energy", "talks"])
    0.6667
    """
    a, b = set(a), set(b)
    if not a or not b:
        return 0.0
    return round(len(a & b) / min(len(a), len(b)), 4)


@dataclass
class _Report:
    article_id: str
    event_idx: int
    key: str
    actors: str
    recipients: str
    day: dt.date | None
    terms: list[str]

    @property
    def id(self) -> str:
        return f"{self.article_id}:{self.event_idx}"


def _compatible(report: _Report, actors: str, recipients: str) -> bool:
    """Same direction, or one side reciprocal ("A and B met" against "A met B")."""
    return not report.recipients or not recipients or (report.actors, report.recipients) == (actors, recipients)


# Each new event's key parts, day and evidence sentence (one list parameter: the article ids).
_NEW_REPORTS = """
    SELECT e.article_id, e.idx, e.type, e.negated, e.hypothetical,
           list(DISTINCT coalesce(p.code, p.actor_id) ORDER BY coalesce(p.code, p.actor_id))
               FILTER (WHERE p.role = 'actor') AS actors,
           list(DISTINCT coalesce(p.code, p.actor_id) ORDER BY coalesce(p.code, p.actor_id))
               FILTER (WHERE p.role = 'recipient') AS recipients,
           CASE WHEN e.date_precision = 'day' THEN e.date ELSE a.published END AS day,
           substr(a.text, e.start + 1, e."end" - e.start) AS sentence
    FROM events e JOIN articles a ON a.id = e.article_id
    LEFT JOIN event_parties p ON p.article_id = e.article_id AND p.event_idx = e.idx
    WHERE e.article_id IN (SELECT unnest(?::VARCHAR[]))
      AND e.article_id || ':' || e.idx NOT IN (SELECT article_id || ':' || event_idx FROM event_cluster_members
                                              WHERE article_id IN (SELECT unnest(?::VARCHAR[])))
    GROUP BY ALL"""

# The documents a story was read from, with their outlet: each copy a watch saw, else the
# stored article itself (its source, agency or host; a file of unknown source is its own).
_COPIES = """
    SELECT a.id AS article_id, coalesce(w.url, a.url, a.origin) AS doc,
           coalesce(w.outlet, nullif(a.source, ''), nullif(a.dateline_agency, ''),
                    nullif(regexp_extract(a.url, '^[a-zA-Z]+://([^/]+)', 1), ''), a.origin) AS outlet
    FROM articles a LEFT JOIN watch_items w ON w.article_id = a.id"""
CLUSTER_COUNTS = f"""
    SELECT m.cluster_id, count(DISTINCT c.outlet) AS sources, count(DISTINCT c.doc) AS articles,
           count(*) AS mentions, count(DISTINCT m.article_id || ':' || m.event_idx) AS reports
    FROM event_cluster_members m JOIN ({_COPIES}) c ON c.article_id = m.article_id
    {{where}} GROUP BY m.cluster_id"""

# The country pairs of one report per cluster (its first), with the event's figures: what the
# analyses count by default (``count="clusters"``).
CLUSTERED_PAIRS = (
    "SELECT p.* FROM event_country_pairs p SEMI JOIN event_clusters c "
    "ON c.article_id = p.article_id AND c.event_idx = p.event_idx"
)


class ClusterQueries:
    """Writes and reads of ``event_clusters`` and ``event_cluster_members``, mixed into ``Store``."""

    def has_clusters(self) -> bool:
        """Whether the database holds clusters (not one from before migration 0013 opened read-only)."""
        if "_has_clusters" not in self.__dict__:
            self._has_clusters = self.has_table("event_clusters")
        return self._has_clusters

    def cluster_events(self, article_ids: list[str]) -> int:
        """Give each event of these stored articles without a cluster its cluster (see the module
        docstring); returns how many joined an earlier report's. Call inside the write's transaction."""
        reports = [self._report(row) for row in self.con.execute(_NEW_REPORTS, [article_ids, article_ids]).fetchall()]
        if not reports:
            return 0
        order = {article_id: i for i, article_id in enumerate(article_ids)}
        reports.sort(key=lambda r: (order[r.article_id], r.event_idx))  # as stored: one write or several alike
        clusters = self._candidate_clusters(reports)  # key -> [cluster dict], oldest first
        new_clusters, members, joined = [], [], 0
        for report in reports:
            best = None
            for cluster in clusters.get(report.key, ()):
                if not self._may_join(report, cluster):
                    continue
                score = max(overlap(report.terms, terms) for terms in cluster["terms"])
                if score < EVIDENCE_OVERLAP:
                    continue
                distance = abs((report.day - cluster["day"]).days) if report.day else 0
                rank = (-score, distance, cluster["id"])
                if best is None or rank < best[0]:
                    best = (rank, cluster)
            if best:
                cluster = best[1]
                cluster["terms"].append(report.terms)
                joined += 1
            else:
                cluster = {
                    "id": report.id,
                    "article_id": report.article_id,
                    "day": report.day,
                    "actors": report.actors,
                    "recipients": report.recipients,
                    "terms": [report.terms],
                }
                clusters.setdefault(report.key, []).append(cluster)
                new_clusters.append(
                    (
                        report.id,
                        report.article_id,
                        report.event_idx,
                        report.key,
                        report.actors,
                        report.recipients,
                        report.day,
                    )
                )
            members.append((report.article_id, report.event_idx, cluster["id"], report.terms))
        self._insert_columns(
            "event_clusters", ("id", "article_id", "event_idx", "key", "actors", "recipients", "day"), new_clusters
        )
        self._insert_columns("event_cluster_members", ("article_id", "event_idx", "cluster_id", "terms"), members)
        return joined

    @staticmethod
    def _report(row) -> _Report:
        article_id, idx, type_, negated, hypothetical, actors, recipients, day, sentence = row
        actors, recipients = actors or [], recipients or []
        parties = "|".join(sorted(set(actors) | set(recipients)))
        key = f"{type_}/{int(negated)}{int(hypothetical)}/{parties}"
        return _Report(article_id, idx, key, "|".join(actors), "|".join(recipients), day, _terms(sentence or ""))

    @staticmethod
    def _may_join(report: _Report, cluster: dict) -> bool:
        if not _compatible(report, cluster["actors"], cluster["recipients"]):
            return False
        if report.day is None or cluster["day"] is None:  # undated: only with the same article's reports
            return report.day is None and cluster["day"] is None and report.article_id == cluster["article_id"]
        return abs((report.day - cluster["day"]).days) <= CLUSTER_DAYS

    def _candidate_clusters(self, reports: list[_Report]) -> dict[str, list[dict]]:
        """Stored clusters these reports may join: their keys, near their days (or undated, of their
        articles), with every member's terms."""
        days = [r.day for r in reports if r.day]
        low = min(days) - dt.timedelta(days=CLUSTER_DAYS) if days else None
        high = max(days) + dt.timedelta(days=CLUSTER_DAYS) if days else None
        rows = self.con.execute(
            "SELECT c.id, c.article_id, c.key, c.actors, c.recipients, c.day, list(m.terms ORDER BY m.article_id, m.event_idx) "
            "FROM event_clusters c JOIN event_cluster_members m ON m.cluster_id = c.id "
            "WHERE c.key IN (SELECT unnest(?::VARCHAR[])) AND (c.day BETWEEN ? AND ? "
            "OR (c.day IS NULL AND c.article_id IN (SELECT unnest(?::VARCHAR[])))) "
            "GROUP BY ALL ORDER BY c.day NULLS LAST, c.id",
            [sorted({r.key for r in reports}), low, high, sorted({r.article_id for r in reports})],
        ).fetchall()
        found: dict[str, list[dict]] = {}
        for cluster_id, article_id, key, actors, recipients, day, terms in rows:
            found.setdefault(key, []).append(
                {
                    "id": cluster_id,
                    "article_id": article_id,
                    "day": day,
                    "actors": actors,
                    "recipients": recipients,
                    "terms": [list(t) for t in terms],
                }
            )
        return found

    def backfill_clusters(self) -> int:
        """Cluster the events stored before migration 0013, article by article in the order they
        were stored; returns how many articles."""
        ids = [
            row[0]
            for row in self.con.execute(
                "SELECT id FROM articles WHERE id IN (SELECT article_id FROM events) ORDER BY ingested_at, id"
            ).fetchall()
        ]
        for start in range(0, len(ids), 256):
            with self.transaction():
                self.cluster_events(ids[start : start + 256])
        return len(ids)

    # -- reading --------------------------------------------------------------

    def clusters_of(self, event_ids: Iterable[str]) -> dict[str, dict]:
        """event id (ARTICLE:N) -> {cluster, sources, articles, mentions, reports} for those events
        (none before migration 0013)."""
        ids = sorted(set(event_ids))
        if not ids or not self.has_clusters():
            return {}
        mine = (
            "SELECT article_id || ':' || event_idx AS event_id, cluster_id FROM event_cluster_members "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[])) "
            "AND article_id || ':' || event_idx IN (SELECT unnest(?::VARCHAR[]))"
        )
        counts = CLUSTER_COUNTS.format(where="WHERE m.cluster_id IN (SELECT cluster_id FROM mine)")
        rows = self._dicts(
            f"WITH mine AS ({mine}), counts AS ({counts}) SELECT mine.event_id, mine.cluster_id AS cluster, "
            "counts.sources, counts.articles, counts.mentions, counts.reports "
            "FROM mine JOIN counts ON counts.cluster_id = mine.cluster_id",
            [sorted({i.rpartition(":")[0] for i in ids}), ids],
        )
        return {r.pop("event_id"): r for r in rows}

    def cluster_reports(self, cluster_id: str) -> list[dict]:
        """Every report of a cluster with its article, outlets and sentence, oldest first."""
        return self._dicts(
            "SELECT m.article_id || ':' || m.event_idx AS id, m.article_id, m.event_idx AS idx, e.type, e.cameo, "
            "e.date, a.headline, a.published, a.url, a.source, "
            'substr(a.text, e.start + 1, e."end" - e.start) AS sentence, '
            f"(SELECT list(DISTINCT c.outlet ORDER BY c.outlet) FROM ({_COPIES}) c WHERE c.article_id = m.article_id) "
            "AS outlets "
            "FROM event_cluster_members m JOIN events e ON e.article_id = m.article_id AND e.idx = m.event_idx "
            "JOIN articles a ON a.id = m.article_id WHERE m.cluster_id = ? "
            "ORDER BY a.published NULLS LAST, a.ingested_at, m.article_id, m.event_idx",
            [cluster_id],
        )
