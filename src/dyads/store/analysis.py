"""SQL of the analyses: dyad series, rankings, the actor network, top dyads and quote search.

Every figure is computed from ``event_dyads``: each stored event expanded into
directed country pairs, the way CAMEO codes dyads (every actor with every
recipient; a reciprocal event, several actors and no recipient, in both
directions). A group party stands for its member states as of the article
("other G7 countries" already excludes Japan), and such a pair is marked
``via_group``. Negated and hypothetical events are left out: "did not meet" is
no meeting.

``AnalysisQueries`` is mixed into ``Store``; its methods return plain rows and
leave shaping to ``dyads.analysis``.
"""

from __future__ import annotations

import datetime as dt

# Event pairs at the level of actor ids (people, governments, groups as themselves).
_ACTOR_PAIRS = """
    parties AS (
        SELECT p.article_id, p.event_idx, p.role, p.position, p.actor_id, p.code,
               CASE WHEN p.kind = 'group' AND len(p.members) > 0 THEN p.members ELSE [p.code] END AS codes,
               coalesce(p.kind = 'group' AND len(p.members) > 0, false) AS via_group
        FROM event_parties p{involving}
    ),
    with_recipient AS (
        SELECT DISTINCT article_id, event_idx FROM parties WHERE role = 'recipient'
    ),
    actor_pairs AS (
        SELECT s.article_id, s.event_idx, s.actor_id AS source_id, t.actor_id AS target_id,
               s.codes AS source_codes, t.codes AS target_codes, s.via_group OR t.via_group AS via_group
        FROM parties s JOIN parties t ON t.article_id = s.article_id AND t.event_idx = s.event_idx
        LEFT JOIN with_recipient w ON w.article_id = s.article_id AND w.event_idx = s.event_idx
        WHERE s.role = 'actor' AND (
            t.role = 'recipient'
            OR (t.role = 'actor' AND w.article_id IS NULL AND t.position <> s.position
                AND t.actor_id <> s.actor_id))
    )"""

# Only the events one party (a code or a group holding it; one ? bound twice) takes part in:
# a dyad or a ranking then expands a few events instead of all of them.
_INVOLVING = (
    "\n        SEMI JOIN (SELECT DISTINCT article_id, event_idx FROM event_parties "
    "WHERE upper(code) = ? OR list_contains(members, ?)) f "
    "ON f.article_id = p.article_id AND f.event_idx = p.event_idx"
)

# Country pairs: one row per (event, source, target), direct when any path is, with the event's
# figures (PAIR_EVENT_COLUMNS) so the analyses need not join the events table.
_EVENT_DYADS = (
    "WITH"
    + _ACTOR_PAIRS
    + """,
    sources AS (
        SELECT article_id, event_idx, unnest(source_codes) AS source, target_codes, via_group FROM actor_pairs
    ),
    expanded AS (
        SELECT article_id, event_idx, source, unnest(target_codes) AS target, via_group FROM sources
    ),
    directed_pairs AS (
        SELECT article_id, event_idx, source, target, bool_and(via_group) AS via_group
        FROM expanded
        WHERE source IS NOT NULL AND target IS NOT NULL AND source <> target
        GROUP BY article_id, event_idx, source, target
    ),
    event_dyads AS (
        SELECT d.article_id, d.event_idx, d.source, d.target, d.via_group, e.date, e.date_precision,
               e.quad_class, e.score, e.goldstein, e.negated, e.hypothetical
        FROM directed_pairs d JOIN events e ON e.article_id = d.article_id AND e.idx = d.event_idx
    )"""
)
EVENT_DYADS = _EVENT_DYADS.format(involving="")


def event_dyads_of(code: str) -> tuple[str, list]:
    """``EVENT_DYADS`` limited to the events ``code`` takes part in, and its parameters."""
    return _EVENT_DYADS.format(involving=_INVOLVING), [code, code]


# The stored country pairs (migration 0005_event_dyads; the writer adds each article's): the
# same rows as EVENT_DYADS, which computing anew costs seconds at a million events.
PAIR_COLUMNS = ("article_id", "event_idx", "source", "target", "via_group")
PAIR_EVENT_COLUMNS = ("date", "date_precision", "quad_class", "score", "goldstein", "negated", "hypothetical")
STORED_DYADS = (
    f"WITH event_dyads AS (SELECT {', '.join((*PAIR_COLUMNS, *PAIR_EVENT_COLUMNS))} FROM event_country_pairs)"
)
# The same, one report per event cluster (its first; ``store/clusters.py``): what the analyses count by default.
CLUSTERED_DYADS = (
    f"WITH event_dyads AS (SELECT {', '.join((*PAIR_COLUMNS, *PAIR_EVENT_COLUMNS))} FROM event_country_pairs p "
    "SEMI JOIN event_clusters c ON c.article_id = p.article_id AND c.event_idx = p.event_idx)"
)
# An event (``d`` with article_id, event_idx) that is its cluster's first report.
FIRST_REPORT = "EXISTS (SELECT 1 FROM event_clusters c WHERE c.article_id = d.article_id AND c.event_idx = d.event_idx)"
# The event figures of a group of pairs of one event (any row's: they are the event's).
_EVENT_FIGURES = ", ".join(f"any_value(d.{c}) AS {c}" for c in PAIR_EVENT_COLUMNS)
# EVENT_DYADS of the articles in one list parameter, as the writer stores them.
STORE_DYADS = (
    "INSERT INTO event_country_pairs "
    + _EVENT_DYADS.format(involving=" WHERE p.article_id IN (SELECT unnest(?::VARCHAR[]))")
    + f" SELECT {', '.join((*PAIR_COLUMNS, *PAIR_EVENT_COLUMNS))} FROM event_dyads"
)

# Each actor across all articles (the ``actors`` view, stored as ``actor_totals``): the same
# person in two stories is one actor. {where} limits it to some actors, e.g. "WHERE aa.actor_id IN ...".
ACTOR_TOTALS = """
        SELECT
            aa.actor_id AS id,
            any_value(aa.kind) AS kind,
            mode(aa.name) AS name,
            mode(aa.country) AS country,
            mode(aa.sector) AS sector,
            list(DISTINCT aa.title ORDER BY aa.title) FILTER (WHERE aa.title IS NOT NULL) AS titles,
            count(*) AS articles,
            coalesce(any_value(mc.mentions), 0) AS mentions
        FROM article_actors aa LEFT JOIN (
            SELECT actor_id, count(*) AS mentions FROM mentions m {where_mentions} GROUP BY actor_id
        ) mc ON mc.actor_id = aa.actor_id
        {where}
        GROUP BY aa.actor_id"""
_SOME_ACTORS = "(SELECT unnest(?::VARCHAR[]))"
# The totals of the actors in one list parameter (bound twice), as the writer replaces them.
STORE_ACTOR_TOTALS = "INSERT INTO actor_totals " + ACTOR_TOTALS.format(
    where="WHERE aa.actor_id IN " + _SOME_ACTORS, where_mentions="WHERE m.actor_id IN " + _SOME_ACTORS
)

# Each event's pairs as unordered country pairs (a < b) with the event's figures, the events
# filtered by {where} over ``event_dyads e``: a CTE named ``undirected``.
UNDIRECTED_PAIRS = (
    "undirected AS (SELECT DISTINCT e.article_id, e.event_idx, least(e.source, e.target) AS a, "
    "greatest(e.source, e.target) AS b, "
    + ", ".join(f"e.{c}" for c in PAIR_EVENT_COLUMNS)
    + " FROM event_dyads e WHERE {where})"
)

# Events that count: not negated, not hypothetical.
COUNTED = "NOT e.negated AND NOT e.hypothetical"
# Finest date precision each series bucket can hold: an event dated only to the year
# cannot be placed in a month.
PRECISIONS = {
    "day": ("day",),
    "week": ("day", "week"),
    "month": ("day", "week", "month"),
    "year": ("day", "week", "month", "year"),
}
FIGURES = """
    count(*) AS events,
    count(*) FILTER (WHERE e.quad_class = 1) AS verbal_cooperation,
    count(*) FILTER (WHERE e.quad_class = 2) AS material_cooperation,
    count(*) FILTER (WHERE e.quad_class = 3) AS verbal_conflict,
    count(*) FILTER (WHERE e.quad_class = 4) AS material_conflict,
    avg(e.score) AS mean_score,
    avg(e.goldstein) AS mean_goldstein"""
EVIDENCE_COLUMNS = """
    e.article_id, e.idx, e.type, e.mode, e.cameo, e.quad_class, e.score, e.goldstein, e.date,
    e.date_year, e.date_month, e.date_day, e.date_precision, e.sentence, e.start, e."end",
    e.trigger_start, e.trigger_end,
    substr(a.text, e.start + 1, e."end" - e.start) AS sentence_text,
    substr(a.text, e.trigger_start + 1, e.trigger_end - e.trigger_start) AS trigger_text,
    a.headline, a.published"""


def _period_clause(since: dt.date | None, until: dt.date | None) -> tuple[list[str], list]:
    where, params = [], []
    if since:
        where.append("e.date >= ?")
        params.append(since)
    if until:
        where.append("e.date <= ?")
        params.append(until)
    return where, params


class AnalysisQueries:
    """The analyses' SQL, as methods of ``Store``."""

    def has_table(self, name: str) -> bool:
        """Whether the database has this table or view (stages land at different times)."""
        return (
            self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[
                0
            ]
            > 0
        )

    def event_dyads(self, code: str | None = None, *, count: str = "reports") -> tuple[str, list]:
        """A WITH clause defining ``event_dyads``, and its parameters: the stored pairs, or in a
        database opened read-only from before they were stored, EVENT_DYADS (of ``code``'s events).
        ``count="clusters"``: only the first report of each event cluster (``store/clusters.py``),
        where the database has clusters."""
        if "_stored_dyads" not in self.__dict__:
            self._stored_dyads = self.has_table("event_country_pairs")
        if self._stored_dyads:
            return (CLUSTERED_DYADS if self.clustered(count) else STORED_DYADS), []
        return event_dyads_of(code) if code else (EVENT_DYADS, [])

    def clustered(self, count: str) -> bool:
        """Whether to count event clusters: asked for, and the database has them."""
        return count == "clusters" and self.has_clusters()

    def store_event_dyads(self, article_ids: list[str]) -> None:
        """Store the country pairs of these articles' events (their parties are stored already)."""
        self.con.execute(STORE_DYADS, [article_ids])

    def mark_actor_totals(self, actor_ids: list[str]) -> None:
        """Note that these actors' totals need a recount (their new rows are stored already)."""
        self.con.execute("INSERT OR IGNORE INTO actor_totals_stale SELECT unnest(?::VARCHAR[])", [actor_ids])

    def refresh_actor_totals(self) -> int:
        """Recount the totals of every actor noted since the last recount, in one transaction;
        returns how many."""
        with self.transaction():
            stale = [row[0] for row in self.con.execute("SELECT id FROM actor_totals_stale").fetchall()]
            if stale:
                self.con.execute("DELETE FROM actor_totals WHERE id IN (SELECT unnest(?::VARCHAR[]))", [stale])
                self.con.execute(STORE_ACTOR_TOTALS, [stale, stale])
                self.con.execute("DELETE FROM actor_totals_stale")
        return len(stale)

    # -- dyads ----------------------------------------------------------------

    def _dyad_events(
        self, a: str, b: str, *, directed: bool, include_groups: bool, count: str = "reports"
    ) -> tuple[str, list]:
        """A query of the events between ``a`` and ``b``: article_id, event_idx, from_a, from_b, via_group
        and the event's figures (PAIR_EVENT_COLUMNS)."""
        pair = (
            "(d.source = ? AND d.target = ?)"
            if directed
            else "((d.source = ? AND d.target = ?) OR (d.source = ? AND d.target = ?))"
        )
        params = [a, b] if directed else [a, b, b, a]
        groups = "" if include_groups else " AND NOT d.via_group"
        dyads, first = self.event_dyads(a, count=count)
        sql = (
            dyads
            + f""", dyad AS (
            SELECT d.article_id, d.event_idx, bool_or(d.source = ?) AS from_a, bool_or(d.source = ?) AS from_b,
                   bool_and(d.via_group) AS via_group, {_EVENT_FIGURES}
            FROM event_dyads d WHERE {pair}{groups} GROUP BY d.article_id, d.event_idx)"""
        )
        return sql, [*first, a, b, *params]

    def dyad_series(
        self,
        a: str,
        b: str,
        *,
        by: str | None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        directed: bool = False,
        include_groups: bool = True,
        count: str = "reports",
    ) -> list[dict]:
        """Per period (``date_trunc(by, date)``): counts by quad class, mean score and Goldstein value,
        events from ``a`` and from ``b``. Only events dated at least as finely as ``by``; with
        ``by`` None, one row of totals over every counted event, dated or not."""
        sql, params = self._dyad_events(a, b, directed=directed, include_groups=include_groups, count=count)
        where, more = _period_clause(since, until)
        where.append(COUNTED)
        if by:
            where += ["e.date IS NOT NULL", "e.date_precision IN (SELECT unnest(?::VARCHAR[]))"]
            more.append(list(PRECISIONS[by]))
        period = f"date_trunc('{by}', e.date)::DATE" if by else "NULL::DATE"
        sql += (
            f" SELECT {period} AS period, {FIGURES}, "
            "count(*) FILTER (WHERE e.from_a) AS from_a, count(*) FILTER (WHERE e.from_b) AS from_b "
            f"FROM dyad e WHERE {' AND '.join(where)} GROUP BY period ORDER BY period"
        )
        return self._dicts(sql, [*params, *more])

    def dyad_left_out(
        self,
        a: str,
        b: str,
        *,
        by: str,
        since: dt.date | None = None,
        until: dt.date | None = None,
        directed: bool = False,
        include_groups: bool = True,
        count: str = "reports",
    ) -> dict:
        """Events of the dyad a series cannot place: no known date, or dated more coarsely than ``by``."""
        sql, params = self._dyad_events(a, b, directed=directed, include_groups=include_groups, count=count)
        where, more = _period_clause(since, until)
        where.append(COUNTED)
        undated = "e.date IS NULL" if not (since or until) else "false"
        sql += (
            f" SELECT count(*) FILTER (WHERE {undated}) AS undated, "
            "count(*) FILTER (WHERE e.date IS NOT NULL AND e.date_precision NOT IN "
            "(SELECT unnest(?::VARCHAR[]))) AS coarser "
            f"FROM dyad e WHERE {' AND '.join(where)}"
        )
        row = self._dicts(sql, [*params, list(PRECISIONS[by]), *more])[0]
        return {k: row[k] or 0 for k in row}

    def dyad_evidence(
        self,
        a: str,
        b: str,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        directed: bool = False,
        include_groups: bool = True,
        limit: int = 50,
        count: str = "reports",
    ) -> list[dict]:
        """The dyad's events, newest first, with their sentences."""
        sql, params = self._dyad_events(a, b, directed=directed, include_groups=include_groups, count=count)
        where, more = _period_clause(since, until)
        where.append(COUNTED)
        sql += (
            f", newest AS (SELECT * FROM dyad e WHERE {' AND '.join(where)} "
            f"ORDER BY e.date DESC NULLS LAST, e.article_id, e.event_idx LIMIT {int(limit)}) "
            f"SELECT {EVIDENCE_COLUMNS}, dyad.from_a, dyad.from_b, dyad.via_group "
            "FROM newest dyad JOIN events e ON e.article_id = dyad.article_id AND e.idx = dyad.event_idx "
            "JOIN articles a ON a.id = e.article_id ORDER BY e.date DESC NULLS LAST, e.article_id, e.idx"
        )
        return self._dicts(sql, [*params, *more])

    def top_dyads(
        self, *, country: str | None = None, since: dt.date | None = None, until: dt.date | None = None, limit: int = 20
    ) -> list[dict]:
        """Country pairs (either direction) with the most events."""
        where, params = _period_clause(since, until)
        where.append(COUNTED)
        if country:
            where.append("(e.source = ? OR e.target = ?)")
            params += [country, country]
        dyads, first = self.event_dyads()
        sql = (
            dyads + f", {UNDIRECTED_PAIRS.format(where=' AND '.join(where))} "
            f"SELECT e.a, e.b, {FIGURES}, count(*) FILTER (WHERE e.quad_class <= 2) AS cooperation, "
            "count(*) FILTER (WHERE e.quad_class >= 3) AS conflict FROM undirected e "
            f"GROUP BY e.a, e.b ORDER BY events DESC, e.a, e.b LIMIT {int(limit)}"
        )
        return self._dicts(sql, [*first, *params])

    # -- rankings -------------------------------------------------------------

    def _ranked_events(
        self, target: str, members: list[str], *, since, until, count: str = "reports"
    ) -> tuple[str, list, list, list]:
        """A query of (article_id, event_idx, member, from_member, via_group) for events between
        the target and any member, its parameters, and the WHERE clauses and parameters of the period."""
        where, params = _period_clause(since, until)
        dyads, first = self.event_dyads(target, count=count)
        sql = (
            dyads
            + """, ranked AS (
            SELECT d.article_id, d.event_idx,
                   CASE WHEN d.source = ? THEN d.target ELSE d.source END AS member,
                   bool_or(d.target = ?) AS from_member, bool_or(d.source = ?) AS from_target,
                   bool_and(d.via_group) AS via_group, """
            + _EVENT_FIGURES
            + """
            FROM event_dyads d
            WHERE (d.source = ? AND d.target IN (SELECT unnest(?::VARCHAR[])))
               OR (d.target = ? AND d.source IN (SELECT unnest(?::VARCHAR[])))
            GROUP BY d.article_id, d.event_idx, member)"""
        )
        return sql, [*first, target, target, target, target, members, target, members], where, params

    def rank_members(
        self,
        target: str,
        members: list[str],
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        per: str | None = None,
        count: str = "reports",
    ) -> list[dict]:
        """Figures of each member's events with the target (per period when ``per`` is given)."""
        sql, params, where, more = self._ranked_events(target, members, since=since, until=until, count=count)
        where.append(COUNTED)
        period = f"date_trunc('{per}', e.date)::DATE" if per else "NULL::DATE"
        if per:
            where += ["e.date IS NOT NULL", "e.date_precision IN (SELECT unnest(?::VARCHAR[]))"]
            more.append(list(PRECISIONS[per]))
        sql += (
            f" SELECT {period} AS period, e.member, {FIGURES}, "
            "count(*) FILTER (WHERE NOT e.via_group) AS direct, "
            "count(*) FILTER (WHERE e.from_member) AS from_member "
            f"FROM ranked e WHERE {' AND '.join(where)} GROUP BY ALL ORDER BY period, e.member"
        )
        return self._dicts(sql, [*params, *more])

    def rank_evidence(
        self,
        target: str,
        members: list[str],
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int = 5,
        count: str = "reports",
    ) -> list[dict]:
        """Up to ``limit`` events per member with the target, direct ones and the newest first."""
        sql, params, where, more = self._ranked_events(target, members, since=since, until=until, count=count)
        where.append(COUNTED)
        sql += (
            ", newest AS (SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY e.member "
            "ORDER BY e.via_group, e.date DESC NULLS LAST, e.article_id, e.event_idx) AS n "
            f"FROM ranked e WHERE {' AND '.join(where)}) WHERE n <= {int(limit)}) "
            f"SELECT r.member, r.from_member AS from_a, r.from_target AS from_b, r.via_group, {EVIDENCE_COLUMNS}, r.n "
            "FROM newest r JOIN events e ON e.article_id = r.article_id AND e.idx = r.event_idx "
            "JOIN articles a ON a.id = e.article_id ORDER BY r.member, r.n"
        )
        return self._dicts(sql, [*params, *more])

    # -- network --------------------------------------------------------------

    def network_edges(
        self,
        *,
        level: str,
        since: dt.date | None = None,
        until: dt.date | None = None,
        types: list[str] | None = None,
        country: str | None = None,
        count: str = "reports",
    ) -> list[dict]:
        """Directed edges per event type: source, target, type, events, score and Goldstein sums.

        ``level`` "country" uses ISO codes (groups as their members); "actor" uses actor ids.
        """
        where, params = _period_clause(since, until)
        where.append(COUNTED)
        if self.clustered(count):
            where.append(FIRST_REPORT)
        if types:
            where.append("e.type IN (SELECT unnest(?::VARCHAR[]))")
            params.append(types)
        if level == "country":
            pairs = "SELECT article_id, event_idx, source, target FROM event_dyads"
        else:
            pairs = "SELECT DISTINCT article_id, event_idx, source_id AS source, target_id AS target FROM actor_pairs"
        if country:
            where.append(
                "(d.source = ? OR d.target = ?)"
                if level == "country"
                else "(d.source IN (SELECT actor_id FROM article_actors WHERE country = ?) OR "
                "d.target IN (SELECT actor_id FROM article_actors WHERE country = ?))"
            )
            params += [country, country]
        dyads = self.event_dyads()[0] if level == "country" else EVENT_DYADS  # actor pairs are not stored
        sql = (
            dyads + f", edges AS ({pairs}) SELECT d.source, d.target, e.type, count(*) AS events, "
            "sum(e.score) AS score_sum, sum(e.goldstein) AS goldstein_sum, "
            "count(*) FILTER (WHERE e.quad_class <= 2) AS cooperation "
            "FROM edges d JOIN events e ON e.article_id = d.article_id AND e.idx = d.event_idx "
            f"WHERE {' AND '.join(where)} GROUP BY ALL ORDER BY d.source, d.target, e.type"
        )
        return self._dicts(sql, params)

    def actor_names(self, actor_ids: list[str]) -> dict[str, dict]:
        """id -> {name, kind, country} for these actors, as most often named."""
        if not actor_ids or not self.has_table("article_actors"):
            return {}
        rows = self._dicts(
            "SELECT actor_id AS id, mode(name) AS name, any_value(kind) AS kind, "
            "mode(country) AS country FROM article_actors "
            "WHERE actor_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY actor_id",
            [actor_ids],
        )
        return {r["id"]: r for r in rows}
