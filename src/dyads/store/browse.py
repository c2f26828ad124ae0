"""Listings for the API and dashboard: filters, sorting, keyset pagination and facets.

A listing is a FROM clause with named sorts and facets. Pages are cut by keyset
(``WHERE (sort keys) > (last row's keys)``), never by OFFSET, so page 500 costs
what page 1 does and rows added meanwhile do not shift the pages. The ``_next``
token is the last row's sort keys, base64url-encoded JSON.

    >>> token = encode_token([dt.date(2018, 1, 26), "ab12", 3])
    >>> decode_token(token)
    [datetime.date(2018, 1, 26), 'ab12', 3]

``BrowseQueries`` is mixed into ``Store``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass, field

from dyads.errors import QueryError
from dyads.store.analysis import COUNTED, STORED_DYADS, UNDIRECTED_PAIRS
from dyads.store.rows import EVENT_COLUMNS, QUOTE_COLUMNS

# Sentinels that send NULL sort keys to the end in either direction.
_LAST = {
    "date": ("DATE '9999-12-31'", "DATE '0001-01-01'"),
    "number": ("1e300", "-1e300"),
    "text": ("'\U0010ffff'", "''"),
    "timestamp": ("TIMESTAMP '9999-12-31'", "TIMESTAMP '0001-01-01'"),
}
# Most values a facet lists.
FACET_VALUES = 30


@dataclass(frozen=True)
class Facet:
    """A facet: the value of each row (``value``), joins it needs, and what to count."""

    value: str
    join: str = ""
    count: str = "count(*)"


@dataclass(frozen=True)
class Listing:
    """One listable resource: its columns, FROM clause, sorts (name -> keys) and facets.

    Each sort's keys end with columns that make rows unique, so keyset paging is exact;
    a key is (expression, kind) where kind picks the NULL sentinel; a kind ending in ``+``
    sorts ascending even in a descending sort (an article's quotes in text order).
    """

    name: str
    select: str
    source: str
    sorts: dict[str, tuple[tuple[str, str], ...]]
    default_sort: str
    facets: dict[str, Facet] = field(default_factory=dict)
    # Columns naming one row: when given, a page is cut on them and the sort keys alone, and only
    # its rows get their long columns (substrings of article text), 15x faster at 76,000 events.
    key: tuple[str, ...] = ()
    # Joins of ``lazy_alias`` that only some filters, sorts and facets need (they name
    # ``lazy_alias.``): a page is cut without them unless asked, and only its rows are joined.
    lazy_join: str = ""
    lazy_alias: str = ""

    def source_for(self, *parts: str) -> str:
        """``source``, with the lazy join when any of ``parts`` (SQL text) uses it."""
        needed = self.lazy_join and any(re.search(rf"\b{self.lazy_alias}\.", part) for part in parts)
        return f"{self.source} {self.lazy_join}" if needed else self.source


EVENTS = Listing(
    name="events",
    select=", ".join(f'e."{c}"' for c in EVENT_COLUMNS) + ", a.headline, a.published, a.source, a.url, "
    'substr(a.text, e.start + 1, e."end" - e.start) AS sentence_text, '
    "substr(a.text, e.trigger_start + 1, e.trigger_end - e.trigger_start) AS trigger_text, "
    "CASE WHEN e.date_start IS NOT NULL THEN substr(a.text, e.date_start + 1, e.date_end - e.date_start) END AS date_text, "
    "CASE WHEN e.place_start IS NOT NULL THEN substr(a.text, e.place_start + 1, e.place_end - e.place_start) END AS place_text",
    source="events e",
    # Counts and facets need no article (every event has one), and a page cut by a sort on the
    # event's own columns reads the articles of its rows only.
    lazy_join="JOIN articles a ON a.id = e.article_id",
    lazy_alias="a",
    sorts={
        "date": (("e.date", "date"), ("a.published", "date"), ("e.article_id", "text"), ("e.idx", "number")),
        "goldstein": (("e.goldstein", "number"), ("e.article_id", "text"), ("e.idx", "number")),
        "score": (("e.score", "number"), ("e.article_id", "text"), ("e.idx", "number")),
        "type": (("e.type", "text"), ("e.article_id", "text"), ("e.idx", "number")),
    },
    default_sort="-date",
    key=("e.article_id", "e.idx"),
    facets={
        "type": Facet("e.type"),
        "quad_class": Facet("e.quad_class"),
        "mode": Facet("e.mode"),
        "year": Facet("year(e.date)"),
        "place_country": Facet("e.place_country"),
        "actor": Facet(
            "p.code",
            "JOIN event_parties p ON p.article_id = e.article_id AND p.event_idx = e.idx AND p.role = 'actor'",
            "count(DISTINCT (e.article_id, e.idx))",
        ),
        "recipient": Facet(
            "p.code",
            "JOIN event_parties p ON p.article_id = e.article_id AND p.event_idx = e.idx AND p.role = 'recipient'",
            "count(DISTINCT (e.article_id, e.idx))",
        ),
    },
)

ARTICLES = Listing(
    name="articles",
    select="a.id, a.headline, a.dek, a.dateline_raw, a.dateline_place, a.dateline_date_text, "
    "a.dateline_agency, a.published, a.source, a.url, a.author, a.origin, a.ingested_at, "
    # what stands for a missing headline (``views.article_summary``), read for the page's rows only
    "CASE WHEN trim(a.headline) = '' THEN (SELECT substr(a.text, s.start + 1, s.\"end\" - s.start) "
    "FROM sentences s WHERE s.article_id = a.id AND s.idx = 0) END AS first_sentence",
    source="articles a",
    sorts={
        "published": (("a.published", "date"), ("a.id", "text")),
        "ingested": (("a.ingested_at", "timestamp"), ("a.id", "text")),
        "headline": (("a.headline", "text"), ("a.id", "text")),
    },
    default_sort="-published",
    key=("a.id",),
    facets={
        "source": Facet("coalesce(a.source, a.dateline_agency)"),
        "year": Facet("year(a.published)"),
        "place": Facet("a.dateline_place"),
        "country": Facet(
            "aa.country",
            "JOIN article_actors aa ON aa.article_id = a.id AND aa.kind = 'country'",
            "count(DISTINCT a.id)",
        ),
    },
)

ACTORS = Listing(
    name="actors",
    select="x.id, x.kind, x.name, x.country, x.sector, x.titles, x.articles, x.mentions",
    source="actors x",
    sorts={
        "mentions": (("x.mentions", "number"), ("x.id", "text")),
        "articles": (("x.articles", "number"), ("x.id", "text")),
        "name": (("x.name", "text"), ("x.id", "text")),
    },
    default_sort="-mentions",
    facets={"kind": Facet("x.kind"), "country": Facet("x.country"), "sector": Facet("x.sector")},
)


def dyads_listing(where: list[str], *, dyads: str = STORED_DYADS) -> Listing:
    """Country pairs (either direction) with their figures, events filtered by ``where`` (over
    ``event_dyads e``: the event's figures and ``e.source``, ``e.target``); ``dyads`` is the WITH
    clause of ``Store.event_dyads()``."""
    clause = " AND ".join([COUNTED, *where])
    source = (
        f"({dyads}, {UNDIRECTED_PAIRS.format(where=clause)} "
        "SELECT e.a, e.b, count(*) AS events, "
        "count(*) FILTER (WHERE e.quad_class <= 2) AS cooperation, "
        "count(*) FILTER (WHERE e.quad_class >= 3) AS conflict, "
        "avg(e.score) AS mean_score, avg(e.goldstein) AS mean_goldstein, "
        "min(e.date) AS first_date, max(e.date) AS last_date FROM undirected e GROUP BY e.a, e.b) x"
    )
    return Listing(
        name="dyads",
        select="x.a, x.b, x.events, x.cooperation, x.conflict, x.mean_score, x.mean_goldstein, "
        "x.first_date, x.last_date",
        source=source,
        sorts={
            "events": (("x.events", "number"), ("x.a", "text"), ("x.b", "text")),
            "cooperation": (("x.cooperation", "number"), ("x.a", "text"), ("x.b", "text")),
            "conflict": (("x.conflict", "number"), ("x.a", "text"), ("x.b", "text")),
            "goldstein": (("x.mean_goldstein", "number"), ("x.a", "text"), ("x.b", "text")),
        },
        default_sort="-events",
        facets={"a": Facet("x.a"), "b": Facet("x.b")},
    )


def encode_token(values: list) -> str:
    """The ``_next`` token for a row with these sort-key values."""
    plain = [
        {"d": v.isoformat()}
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime)
        else {"t": v.isoformat()}
        if isinstance(v, dt.datetime)
        else v
        for v in values
    ]
    raw = json.dumps(plain, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_token(token: str) -> list:
    """The sort-key values in a ``_next`` token.

    Raises:
        QueryError: the token was not made by ``encode_token``.
    """
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        plain = json.loads(raw.decode("utf-8"))
        if not isinstance(plain, list):
            raise ValueError("not a list")
        return [
            dt.date.fromisoformat(v["d"])
            if isinstance(v, dict) and "d" in v
            else dt.datetime.fromisoformat(v["t"])
            if isinstance(v, dict) and "t" in v
            else v
            for v in plain
        ]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, binascii.Error) as e:
        raise QueryError(
            f"_next={token[:40]!r} is not a page token; use the `next` value of the previous page as it is",
            parameter="_next",
        ) from e


def sort_keys(listing: Listing, sort: str | None) -> list[tuple[str, bool]]:
    """(expression with NULLs sent last, descending) for each key of the named sort.

    Raises:
        QueryError: an unknown sort.
    """
    sort = sort or listing.default_sort
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in listing.sorts:
        choices = ", ".join(sorted(listing.sorts))
        raise QueryError(
            f"_sort={sort!r} is not a sort of {listing.name}; choose one of {choices} (prefix - for descending)",
            parameter="_sort",
        )
    keys = []
    for expr, kind in listing.sorts[name]:
        down = descending and not kind.endswith("+")  # "number+": ascending either way
        keys.append((f"coalesce({expr}, {_LAST[kind.rstrip('+')][1 if down else 0]})", down))
    return keys


def _after(keys: list[tuple[str, bool]], values: list) -> tuple[str, list]:
    """WHERE clause selecting rows after ``values`` in the order of ``keys``."""
    if len(values) != len(keys):
        raise QueryError("_next token does not fit this sort; start again without _next", parameter="_next")
    ors, params = [], []
    for i, (expr, descending) in enumerate(keys):
        ands = [f"{k} = ?" for k, _ in keys[:i]] + [f"{expr} {'<' if descending else '>'} ?"]
        ors.append("(" + " AND ".join(ands) + ")")
        params += [*values[:i], values[i]]
    return "(" + " OR ".join(ors) + ")", params


class BrowseQueries:
    """Keyset-paginated, faceted listings, as methods of ``Store``."""

    def browse(
        self,
        listing: Listing,
        *,
        where: list[str],
        params: list,
        source_params: list | None = None,
        sort: str | None = None,
        size: int = 50,
        after: str | None = None,
        facets: list[str] | None = None,
        count: bool = True,
    ) -> dict:
        """One page of ``listing`` matching ``where``: rows, next token, total count (None
        unless ``count``) and facets.

        Raises:
            QueryError: an unknown sort or facet, or a bad ``after`` token.
        """
        keys = sort_keys(listing, sort)
        source_params = list(source_params or [])
        page_where, page_params = list(where), list(params)
        if after:
            clause, more = _after(keys, decode_token(after))
            page_where.append(clause)
            page_params += more
        key_columns = ", ".join(f"{expr} AS _k{i}" for i, (expr, _) in enumerate(keys))
        order = ", ".join(f"_k{i} {'DESC' if d else 'ASC'}" for i, (_, d) in enumerate(keys))
        if listing.key:
            ids = ", ".join(f"{column} AS _id{i}" for i, column in enumerate(listing.key))
            match = " AND ".join(f"{column} = page._id{i}" for i, column in enumerate(listing.key))
            carried = ", ".join(f"page._k{i} AS _k{i}" for i in range(len(keys)))
            cut = listing.source_for(key_columns, *page_where)
            full = listing.source_for(listing.select)
            sql = (
                f"WITH page AS (SELECT {ids}, {key_columns} FROM {cut}{_where(page_where)} "
                f"ORDER BY {order} LIMIT {int(size) + 1}) "
                f"SELECT {listing.select}, {carried} FROM {full} JOIN page ON {match} ORDER BY {order}"
            )
            rows = self._dicts(sql, [*source_params, *page_params, *source_params])
        else:
            sql = (
                f"SELECT {listing.select}, {key_columns} FROM {listing.source_for(listing.select)}{_where(page_where)} "
                f"ORDER BY {order} LIMIT {int(size) + 1}"
            )
            rows = self._dicts(sql, [*source_params, *page_params])
        token = None
        if len(rows) > size:
            rows = rows[:size]
            token = encode_token([rows[-1][f"_k{i}"] for i in range(len(keys))])
        for row in rows:
            for i in range(len(keys)):
                del row[f"_k{i}"]
        total = (
            self.con.execute(
                f"SELECT count(*) FROM {listing.source_for(*where)}{_where(where)}", [*source_params, *params]
            ).fetchone()[0]
            if count
            else None
        )
        return {
            "rows": rows,
            "next": token,
            "count": total,
            "facets": {
                name: self.facet(listing, name, where=where, params=params, source_params=source_params)
                for name in facets or []
            },
        }

    def facet(
        self, listing: Listing, name: str, *, where: list[str], params: list, source_params: list | None = None
    ) -> list[dict]:
        """The commonest values of a facet among the matching rows, with their counts.

        Raises:
            QueryError: the listing has no such facet.
        """
        if name not in listing.facets:
            raise QueryError(
                f"_facet={name!r} is not a facet of {listing.name}; choose one of {', '.join(listing.facets)}",
                parameter="_facet",
            )
        f = listing.facets[name]
        sql = (
            f"SELECT {f.value} AS value, {f.count} AS count FROM {listing.source_for(f.value, *where)} "
            f"{f.join}{_where(where)} "
            f"GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST LIMIT {FACET_VALUES}"
        )
        return self._dicts(sql, [*(source_params or []), *params])

    def rank_quotes(
        self,
        target: str,
        members: list[str],
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int = 5,
    ) -> list[dict]:
        """Up to ``limit`` quotes per member, newest first: a member's speaker naming the target, or
        the target's speaker naming the member."""
        # Matched on narrow columns first (only quotes naming the target or a member, only speakers
        # of those countries), then only the quotes kept are read in full.
        where, params = ["list_has_any(q.about_countries, ?::VARCHAR[])"], [[target, *members]]
        for clause, value in (("a.published >= ?", since), ("a.published <= ?", until)):
            if value:
                where.append(clause)
                params.append(value)
        sql = (
            "WITH matched AS (SELECT m.member, q.article_id, q.idx, a.published, sp.name, sp.title, "
            "sp.country, sp.sector FROM quotes q "
            "JOIN articles a ON a.id = q.article_id JOIN article_actors sp ON sp.article_id = q.article_id "
            "AND sp.actor_id = q.speaker_id AND sp.country IN (SELECT unnest(?::VARCHAR[])) "
            "JOIN (SELECT unnest(?::VARCHAR[]) AS member) m "
            "ON (sp.country = m.member AND list_contains(q.about_countries, ?)) "
            f"OR (sp.country = ? AND list_contains(q.about_countries, m.member)){_where(where)}), "
            "kept AS (SELECT *, row_number() OVER (PARTITION BY member ORDER BY published DESC NULLS LAST, "
            f"article_id, idx) AS n FROM matched QUALIFY n <= {int(limit)}) "
            # the speakers' fields come along as ``sp``: joining article_actors again would scan it
            f"SELECT sp.member, {QUOTES.select}, sp.n FROM kept sp "
            "JOIN quotes q ON q.article_id = sp.article_id AND q.idx = sp.idx "
            "JOIN articles a ON a.id = q.article_id ORDER BY sp.member, sp.n"
        )
        return self._dicts(sql, [[target, *members], members, target, target, *params])

    def attach_parties(self, events: list[dict]) -> list[dict]:
        """Give event rows their ``actors`` and ``recipients``, as ``list_events`` does."""
        ids = sorted({e["article_id"] for e in events})
        rows = (
            self._dicts(
                'SELECT p.*, substr(a.text, p.start + 1, p."end" - p.start) AS text FROM event_parties p '
                "JOIN articles a ON a.id = p.article_id WHERE p.article_id IN (SELECT unnest(?::VARCHAR[])) "
                "AND a.id IN (SELECT unnest(?::VARCHAR[])) "  # filtering both sides lets DuckDB skip the texts
                "ORDER BY p.article_id, p.event_idx, p.role, p.position",
                [ids, ids],
            )
            if ids
            else []
        )
        parties: dict[tuple, list[dict]] = {}
        for row in rows:
            parties.setdefault((row["article_id"], row["event_idx"], row["role"]), []).append(row)
        for event in events:
            key = (event["article_id"], event["idx"])
            event["actors"] = parties.get((*key, "actor"), [])
            event["recipients"] = parties.get((*key, "recipient"), [])
        return events


_PARTY = "(upper(p.code) = upper(?) OR p.actor_id = ? OR list_contains(p.members, upper(?)))"


def party_where(role: str | None, value: str) -> tuple[str, list]:
    """WHERE clause over ``events e``: a party in ``role`` ("actor", "recipient", None for
    either) is ``value`` (a code, actor id or group member). A joint act with no recipient
    (a meeting between RUS and JPN, stored ``RUS;JPN -> -``) has each of its actors as a
    recipient too, so ``--actor RUS --recipient JPN`` finds it."""
    exists = (
        "EXISTS (SELECT 1 FROM event_parties p WHERE p.article_id = e.article_id AND p.event_idx = e.idx "
        "AND {role} AND " + _PARTY + ")"
    )
    if role is None:
        return exists.format(role="true"), [value] * 3
    clause = exists.format(role=f"p.role = '{role}'")
    if role != "recipient":
        return clause, [value] * 3
    joint = (
        "(NOT EXISTS (SELECT 1 FROM event_parties p WHERE p.article_id = e.article_id AND p.event_idx = e.idx "
        "AND p.role = 'recipient') AND (SELECT count(*) FROM event_parties p WHERE p.article_id = e.article_id "
        "AND p.event_idx = e.idx AND p.role = 'actor') > 1 AND " + exists.format(role="p.role = 'actor'") + ")"
    )
    return f"({clause} OR {joint})", [value] * 6


def event_where(
    *,
    type: list[str] | None = None,
    quad_class: list[int] | None = None,  # noqa: A002
    mode: str | None = None,
    actor: str | None = None,
    recipient: str | None = None,
    party: str | None = None,
    between: tuple[str, str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    year: int | None = None,
    article_id: str | None = None,
    place_country: str | None = None,
    q: str | None = None,
    counted: bool = False,
    dyads: tuple[str, list] | None = None,
) -> tuple[list[str], list]:
    """WHERE clauses over ``events e JOIN articles a`` for the events listing's filters (those
    ``store.filters.EVENTS`` declares; ``type`` and ``quad_class`` are lists).

    ``actor``/``recipient``/``party`` match a party's code, actor id or group member;
    ``between`` the events a dyad series or ranking counts for two countries (``dyads``: the
    WITH clause and parameters of ``Store.event_dyads``, the stored pairs by default);
    ``counted`` leaves out negated and hypothetical events, as the analyses do.
    """
    where, params = [], []
    for role, value in (("actor", actor), ("recipient", recipient), (None, party)):
        if value:
            clause, values = party_where(role, value)
            where.append(clause)
            params += values
    if between:
        dyads, first = dyads or (STORED_DYADS, [])
        where.append(
            f"EXISTS ({dyads} SELECT 1 FROM event_dyads d WHERE d.article_id = e.article_id "
            "AND d.event_idx = e.idx AND ((d.source = ? AND d.target = ?) OR (d.source = ? AND d.target = ?)))"
        )
        params += [*first, between[0], between[1], between[1], between[0]]
    for clause, value in (
        ("e.type IN (SELECT unnest(?::VARCHAR[]))", type),
        ("e.quad_class IN (SELECT unnest(?::INTEGER[]))", quad_class),
        ("e.mode = ?", mode),
        ("e.date >= ?", since),
        ("e.date <= ?", until),
        ("year(e.date) = ?", year),
        ("starts_with(e.article_id, ?)", article_id),
        ("e.place_country = ?", place_country),
    ):
        if value:
            where.append(clause)
            params.append(value)
    if q:
        where.append("substr(a.text, e.start + 1, e.\"end\" - e.start) ILIKE ? ESCAPE '\\'")
        params.append(contains_pattern(q))
    if counted:
        where.append(COUNTED)
    return where, params


def article_where(
    *,
    source: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    year: int | None = None,
    place: str | None = None,
    country: str | None = None,
    actor: str | None = None,
    q: str | None = None,
) -> tuple[list[str], list]:
    """WHERE clauses over ``articles a`` for the articles listing's filters."""
    where, params = [], []
    if source:
        where.append("(a.source ILIKE ? OR a.dateline_agency ILIKE ?)")
        params += [source, source]
    for clause, value in (
        ("a.published >= ?", since),
        ("a.published <= ?", until),
        ("year(a.published) = ?", year),
        ("a.dateline_place = ?", place),
    ):
        if value:
            where.append(clause)
            params.append(value)
    if country:
        where.append("EXISTS (SELECT 1 FROM article_actors aa WHERE aa.article_id = a.id AND aa.country = ?)")
        params.append(country)
    if actor:
        where.append("EXISTS (SELECT 1 FROM article_actors aa WHERE aa.article_id = a.id AND aa.actor_id = ?)")
        params.append(actor)
    if q:
        where.append("(a.headline ILIKE ? ESCAPE '\\' OR a.text ILIKE ? ESCAPE '\\')")
        params += [contains_pattern(q)] * 2
    return where, params


def actor_where(
    *, country: str | None = None, kind: str | None = None, sector: str | None = None, q: str | None = None
) -> tuple[list[str], list]:
    """WHERE clauses over the ``actors`` view for the actors listing's filters."""
    where, params = [], []
    for clause, value in (("x.country = ?", country), ("x.kind = ?", kind), ("x.sector = ?", sector)):
        if value:
            where.append(clause)
            params.append(value)
    if q:
        where.append("(x.name ILIKE ? ESCAPE '\\' OR x.id ILIKE ? ESCAPE '\\')")
        params += [contains_pattern(q)] * 2
    return where, params


def _where(clauses: list[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def contains_pattern(text: str) -> str:
    """An ILIKE pattern (with ``ESCAPE '\\'``) matching ``text`` anywhere, its % and _ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class LookupQueries:
    """Counts for the API's index and overview, as methods of ``Store`` (a missing record is a
    ``NotFound`` from the read that looks for it, with no existence check first)."""

    def counts(self) -> dict[str, int]:
        """Rows in each main table (0 for a table a stage has not created yet)."""
        tables = {
            "articles": "articles",
            "events": "events",
            "actors": "article_actors",
            "quotes": "quotes",
            "mentions": "mentions",
        }
        found = {}
        for name, table in tables.items():
            if name == "actors":
                sql = "SELECT count(DISTINCT actor_id) FROM article_actors"
            else:
                sql = f"SELECT count(*) FROM {table}"
            found[name] = self.con.execute(sql).fetchone()[0] if self.has_table(table) else 0
        return found


# Quotes as the quotes stage stores them (migration 0003_quotes: the content, cue and speaker
# as written, the actors named as resolved, copied in at ingest), with the speaker's name, title,
# country and sector read at read time from the article's actors (``sp``): linking people across
# articles can change who a speaker is after the quote was written, and the copies would not follow.
SPEAKER_FIELDS = ("speaker_name", "speaker_title", "speaker_country", "speaker_sector")
SPEAKER_JOIN = "LEFT JOIN article_actors sp ON sp.article_id = q.article_id AND sp.actor_id = q.speaker_id"
QUOTE_SOURCE = f"quotes q JOIN articles a ON a.id = q.article_id {SPEAKER_JOIN}"
QUOTE_SELECT = ", ".join(
    f'sp.{c.removeprefix("speaker_")} AS "{c}"' if c in SPEAKER_FIELDS else f'q."{c}"' for c in QUOTE_COLUMNS
)


def speaker_is(condition: str) -> str:
    """A WHERE clause over ``quotes q``: the speaker's current actor row (``spk``) meets ``condition``.
    A semi-join on the actors that meet it, far cheaper than joining every quote's speaker."""
    return (
        "EXISTS (SELECT 1 FROM article_actors spk WHERE spk.article_id = q.article_id "
        f"AND spk.actor_id = q.speaker_id AND {condition})"
    )


QUOTES = Listing(
    name="quotes",
    select=f"{QUOTE_SELECT}, a.headline, a.published, a.source, a.url",
    source="quotes q JOIN articles a ON a.id = q.article_id",
    # The join costs ~0.5 s at 250,000 quotes: only a speaker filter, sort or facet pays it.
    lazy_join=SPEAKER_JOIN,
    lazy_alias="sp",
    sorts={
        "published": (("a.published", "date"), ("q.article_id", "text"), ("q.idx", "number+")),
        "speaker": (("sp.name", "text"), ("q.article_id", "text"), ("q.idx", "number+")),
    },
    default_sort="-published",
    key=("q.article_id", "q.idx"),
    facets={"kind": Facet("q.kind"), "country": Facet("sp.country"), "speaker": Facet("q.speaker_id")},
)


def search_terms(text: str) -> list[str]:
    """The words and "quoted phrases" of a search.

    >>> search_terms('clean energy "open question"')
    ['clean', 'energy', 'open question']
    """
    phrases = re.findall(r'"([^"]+)"', text)
    words = re.sub(r'"[^"]*"', " ", text).split()
    return [t.strip() for t in [*words, *phrases] if t.strip()]


def quote_where(
    *,
    q: str | None = None,
    speaker: str | None = None,
    country: str | None = None,
    about: str | None = None,
    kind: str | None = None,
    found_by: str | None = None,
    article_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    speaker_id: str | None = None,
) -> tuple[list[str], list]:
    """WHERE clauses over the quotes listing (the filters ``store.filters.QUOTES`` declares).

    ``q``: every word or "phrase" must start a word of the quote, case-insensitively (a regular
    expression per term: no full-text extension to install); ``speaker``: the speaker's actor id,
    or part of the resolved speaker's name, of the words naming the speaker, or of any mention of
    the resolved speaker in the story ("Foreign Ministry" finds "the ministry said" after "The
    Russian Foreign Ministry"); ``about``: the quote names this actor id or country, or an actor
    whose name contains it; ``speaker_id``: exactly this speaker (an actor's page).
    """
    where, params = [], []
    for term in search_terms(q or ""):
        where.append("regexp_matches(q.content, ?)")
        params.append("(?i)\\b" + _regex_escape(term))
    if speaker:
        like = "ILIKE ? ESCAPE '\\'"
        where.append(
            f"(q.speaker_id = ? OR q.speaker_text {like} OR {speaker_is('spk.name ' + like)} "
            "OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = q.article_id "
            f"AND m.actor_id = q.speaker_id AND m.text {like}))"
        )
        params += [speaker, *[contains_pattern(speaker)] * 3]
    if about:
        where.append(
            "(list_contains(q.about_ids, ?) OR list_contains(q.about_countries, upper(?)) "
            "OR array_to_string(q.about_names, '|') ILIKE ? ESCAPE '\\')"
        )
        params += [about, about, contains_pattern(about)]
    for clause, value in (
        ("q.speaker_id = ?", speaker_id),
        (speaker_is("spk.country = ?"), country),
        ("q.kind = ?", kind),
        ("q.found_by = ?", found_by),
        ("starts_with(q.article_id, ?)", article_id),
        ("a.published >= ?", since),
        ("a.published <= ?", until),
    ):
        if value:
            where.append(clause)
            params.append(value)
    return where, params


def dyad_where(
    *, country: str | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[list[str], list]:
    """WHERE clauses over ``event_dyads e`` for the dyads listing (``dyads_listing``'s events)."""
    where, params = [], []
    for clause, value in (("e.date >= ?", since), ("e.date <= ?", until)):
        if value:
            where.append(clause)
            params.append(value)
    if country:
        where.append("(e.source = ? OR e.target = ?)")
        params += [country, country]
    return where, params


def _regex_escape(text: str) -> str:
    """``text`` as a literal in an RE2 pattern, its spaces matching any run of white space."""
    escaped = re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)
    return re.sub(r"\s+", r"\\s+", escaped)
