"""The filters of each listing, declared once: name, type, meaning and help text.

The CLI's options (``dyads.cli.filters``) and the API's query models
(``dyads.web.query``) are generated from these declarations, and both run the
same query builder (``Resource.where``), so ``dyads quotes --speaker X --json``
and ``/api/quotes?speaker=X`` list the same rows. A value is parsed by its
filter's ``Kind``; a bad one is a one-line error naming the filter and the fix.

    >>> QUOTES.parse({"country": "nor", "since": "2018"})
    {'country': 'NOR', 'since': datetime.date(2018, 1, 1)}
    >>> QUOTES.parse({"since": "last spring"})
    Traceback (most recent call last):
    ...
    dyads.errors.QueryError: since 'last spring' is not a date; give YYYY-MM-DD, YYYY-MM or YYYY

Dates have one grammar everywhere (``parse_date``): YYYY-MM-DD, or YYYY-MM / YYYY
for the first day of that month or year (the last, for an ``until``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from dyads.errors import QueryError
from dyads.records import FOUND_BY
from dyads.store import browse
from dyads.store.analysis import PRECISIONS
from dyads.store.clusters import COUNT_MODES

# What a ranking can sort by (``dyads.analysis.METRICS`` holds how each is computed).
METRICS = ("net", "cooperation", "share", "score", "goldstein", "events")

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")
# Bounds of a year filter: any a date can have.
YEARS = (1, 9999)


def parse_date(text: str, *, end: bool = False) -> dt.date:
    """A date in the one grammar of every date filter: YYYY-MM-DD, or YYYY-MM / YYYY for the
    first day of that month or year (its last day with ``end``).

        >>> parse_date("2018-02", end=True)
        datetime.date(2018, 2, 28)

    Raises:
        ValueError: not such a date (the message says the value and the fix).
    """
    text = text.strip()
    fix = f"{text!r} is not a date; give YYYY-MM-DD, YYYY-MM or YYYY"
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
        if len(text) == 7:
            first = dt.date.fromisoformat(text + "-01")
            if not end:
                return first
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise ValueError(fix) from e


@dataclass(frozen=True)
class Kind:
    """How a filter's value is read from text (a flag, a query parameter) and shown back.

    ``read`` takes the stripped text and returns the value, or raises ValueError with a
    message that starts with the value and ends with the fix; ``schema`` is its JSON-schema
    type in the OpenAPI document.
    """

    read: Callable[[str], object]
    metavar: str
    schema: str = "string"
    choices: tuple[str, ...] = ()
    typed: type | tuple[type, ...] = str  # a value already of this type is taken as it is

    def parse(self, value):
        if isinstance(value, self.typed) and not isinstance(value, str):
            return value
        return self.read(str(value).strip())

    def show(self, value) -> str:
        """``value`` as it would be written in a URL or on the command line."""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (list, tuple)):
            return ",".join(str(v) for v in value)
        return value.isoformat() if isinstance(value, dt.date) else str(value)


def _text(text: str) -> str:
    return text


def _upper(text: str) -> str:
    return text.upper()


def _country(text: str) -> str:
    from dyads import lexicons

    code = text.upper()
    if code not in lexicons.load().countries:
        raise ValueError(f"{text!r} is not an ISO 3166 alpha-3 country code; give one like RUS or JPN")
    return code


def _countries(count: int):
    def read(text: str) -> tuple[str, ...]:
        codes = [c.strip() for c in text.split(",") if c.strip()]
        if len(codes) != count:
            raise ValueError(
                f"{text!r} is not {count} country codes; give {count} ISO codes separated by a comma, like JPN,RUS"
            )
        return tuple(_country(c) for c in codes)

    return read


def _types(text: str) -> list[str]:
    from dyads.ontology import TYPES

    types = [t.strip().upper() for t in text.split(",") if t.strip()]
    for t in types:
        if t not in TYPES:
            raise ValueError(f"{t!r} is not a PLOVER event type; choose from {', '.join(TYPES)}")
    return types


def _quad_classes(text: str) -> list[int]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not values or not all(v.isdigit() and 1 <= int(v) <= 4 for v in values):
        raise ValueError(f"{text!r} is not a list of quad classes; give numbers 1 to 4 like 1,2")
    return [int(v) for v in values]


def _flag(text: str) -> bool:
    if text.lower() in TRUE:
        return True
    if text.lower() in FALSE:
        return False
    raise ValueError(f"{text!r} is not a yes/no value; give 1 or 0")


def _integer(low: int, high: int):
    def read(text: str) -> int:
        if not text.lstrip("-").isdigit():
            raise ValueError(f"{text!r} is not a whole number; give one from {low} to {high}")
        if not low <= int(text) <= high:
            raise ValueError(f"{text!r} is out of range; give a number from {low} to {high}")
        return int(text)

    return read


def _choice(choices: tuple[str, ...]):
    def read(text: str) -> str:
        if text not in choices:
            raise ValueError(f"{text!r} is not allowed; choose one of {', '.join(choices)}")
        return text

    return read


def _among(text: str) -> str:
    from dyads import analysis

    try:
        analysis.members(text)
    except QueryError as e:
        raise ValueError(str(e).removeprefix("among ")) from e
    return text


TEXT = Kind(_text, "TEXT")
UPPER = Kind(_upper, "CODE")
COUNTRY = Kind(_country, "ISO3")
PAIR = Kind(_countries(2), "ISO3,ISO3", typed=tuple)
TYPES = Kind(_types, "TYPE[,TYPE]", typed=list)
QUADS = Kind(_quad_classes, "N[,N]", typed=list)
SINCE = Kind(parse_date, "DATE", typed=dt.date)
UNTIL = Kind(lambda text: parse_date(text, end=True), "DATE", typed=dt.date)
FLAG = Kind(_flag, "1|0", schema="boolean", typed=bool)
AMONG = Kind(_among, "GROUP|ISO3,...")


def integer(low: int, high: int) -> Kind:
    return Kind(_integer(low, high), "N", schema="integer", typed=int)


def choice(*choices: str) -> Kind:
    return Kind(_choice(tuple(choices)), "|".join(choices), choices=tuple(choices))


@dataclass(frozen=True)
class Filter:
    """One filter of a listing: ``name`` is the query parameter and the builder's keyword,
    ``flag`` the CLI option (default ``--name``)."""

    name: str
    kind: Kind
    help: str
    example: str | None = None
    flag: str | None = None
    required: bool = False
    default: object = None

    @property
    def option(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    def parse(self, value, *, shown: str | None = None):
        """The value, read; None for an absent or empty one.

        Raises:
            QueryError: a bad value; the message names the filter (as ``shown``) and the fix.
        """
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return self.kind.parse(value)
        except ValueError as e:
            raise QueryError(f"{shown or self.name} {e}", parameter=self.name) from e


def _period(what: str) -> tuple[Filter, Filter]:
    return (
        Filter("since", SINCE, f"{what} on or after this date (YYYY-MM-DD, YYYY-MM or YYYY)", "2018-01"),
        Filter(
            "until",
            UNTIL,
            f"{what} on or before this date (YYYY-MM-DD, YYYY-MM or YYYY; a month or year to its end)",
            "2018-12-31",
        ),
    )


@dataclass(frozen=True)
class Resource:
    """A listing with its declared filters and the query builder they feed."""

    name: str
    filters: tuple[Filter, ...]
    build: Callable[..., tuple[list[str], list]] | None = None
    listing: browse.Listing | None = None
    by_name: dict[str, Filter] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.filters})

    def parse(self, values: dict, *, shown: Callable[[Filter], str] | None = None) -> dict:
        """The given filters (None and empty values left out), read and checked.

        Raises:
            QueryError: an unknown filter, or a bad value of one (naming it).
        """
        parsed = {}
        for name, value in values.items():
            if name not in self.by_name:
                raise QueryError(
                    f"{self.name} have no filter {name!r}; they take {', '.join(self.by_name)}", parameter=name
                )
            f = self.by_name[name]
            value = f.parse(value, shown=shown(f) if shown else None)
            if value is not None:
                parsed[name] = value
        return parsed

    def where(self, values: dict) -> tuple[list[str], list]:
        """The WHERE clauses and parameters of the parsed filters ``values``."""
        return self.build(**values)


ARTICLES = Resource(
    "articles",
    (
        Filter("source", TEXT, "only this source or agency (e.g. TASS)", "TASS"),
        *_period("published"),
        Filter("year", integer(*YEARS), "published in this year", "2018"),
        Filter("place", UPPER, "dateline place", "TOKYO"),
        Filter("country", COUNTRY, "articles naming this country (ISO 3166 alpha-3)", "JPN"),
        Filter("actor", TEXT, "articles naming this actor id", "person:konstantin-kosachev"),
        Filter("q", TEXT, "words in the headline or text", "energy", flag="--search"),
    ),
    browse.article_where,
    browse.ARTICLES,
)

ACTORS = Resource(
    "actors",
    (
        Filter("country", COUNTRY, "only actors of this country (ISO 3166 alpha-3)", "RUS"),
        Filter("kind", choice("country", "person", "group", "organization"), "only this kind of actor", "person"),
        Filter("sector", UPPER, "only this sector (GOV, LEG, MIL ...)", "LEG"),
        Filter("q", TEXT, "words in the name or id", "Kosachev", flag="--search"),
    ),
    browse.actor_where,
    browse.ACTORS,
)

EVENTS = Resource(
    "events",
    (
        Filter("type", TYPES, "PLOVER event types, comma-separated (CONSULT, ACCUSE ...)", "CONSULT,AGREE"),
        Filter(
            "quad_class",
            QUADS,
            "CAMEO quad classes 1-4, comma-separated (1 verbal and 2 material "
            "cooperation, 3 verbal and 4 material conflict)",
            "1,2",
        ),
        Filter("mode", TEXT, "PLOVER mode", "visit"),
        Filter("actor", TEXT, "an actor's code (RUS, IGO), actor id, or a group's member", "RUS"),
        Filter("recipient", TEXT, "a recipient's code, actor id, or a group's member", "JPN"),
        Filter("party", TEXT, "an actor or recipient: code, actor id or group member", "JPN"),
        Filter("between", PAIR, "two ISO codes: the events a dyad series or ranking counts between them", "JPN,RUS"),
        *_period("events dated"),
        Filter("year", integer(*YEARS), "events dated in this year", "2018"),
        Filter("article_id", TEXT, "events of this article (an id prefix is enough)", flag="--article"),
        Filter("place_country", COUNTRY, "ISO code of the event's place", "JPN"),
        Filter("q", TEXT, "words in the evidence sentence", "dialogue", flag="--search"),
        Filter("counted", FLAG, "1: only events the analyses count (not negated, not hypothetical)", "1"),
    ),
    browse.event_where,
    browse.EVENTS,
)

QUOTES = Resource(
    "quotes",
    (
        Filter(
            "q",
            TEXT,
            'words that must all start words of the quote, "a phrase" kept together',
            "clean energy",
            flag="--search",
        ),
        Filter(
            "speaker",
            TEXT,
            "the speaker: actor id, part of the name, of the words naming the speaker "
            "(the lawmaker), or of any mention of the resolved speaker",
            "Solberg",
        ),
        Filter("country", COUNTRY, "the speaker's country (ISO 3166 alpha-3)", "NOR"),
        Filter("about", TEXT, "an actor the quote mentions: country code (JPN), actor id or part of a name", "JPN"),
        Filter("kind", choice("direct", "indirect", "mixed"), "direct, indirect or mixed quotes", "direct"),
        Filter(
            "found_by",
            choice(*FOUND_BY),
            "rules, or tagger: the quotes the quote tagger added (--quotes tagged)",
            "rules",
        ),
        Filter("article_id", TEXT, "quotes of this article (an id prefix is enough)", flag="--article"),
        *_period("in articles published"),
    ),
    browse.quote_where,
    browse.QUOTES,
)

DYADS = Resource(
    "dyads",
    (
        Filter("country", COUNTRY, "pairs with this country (ISO 3166 alpha-3)", "RUS"),
        *_period("events dated"),
    ),
    browse.dyad_where,
)


RANKINGS = Resource(
    "rankings",
    (
        Filter("target", COUNTRY, "the country relations are with (ISO 3166 alpha-3)", "RUS", required=True),
        Filter(
            "among",
            AMONG,
            "a group (G7, EU, ASEAN ...; members as of the period) or ISO codes, comma-separated",
            "G7",
            required=True,
        ),
        *_period("events dated"),
        Filter(
            "metric",
            choice(*METRICS),
            "what ranks first: net = cooperative minus conflictual events",
            "net",
            default="net",
        ),
        Filter("per", choice(*PRECISIONS), "also rank within each day, week, month or year", "month"),
        Filter("evidence", integer(0, 100), "events listed per member", "5", default=5),
        Filter(
            "count",
            choice(*COUNT_MODES),
            "clusters: an event several articles report counts once; reports: every report counts, as GDELT does",
            "reports",
            default="clusters",
        ),
    ),
)

DYAD = Resource(
    "dyad",
    (
        Filter("by", choice(*PRECISIONS), "length of each period", "month", default="month"),
        *_period("events dated"),
        Filter("directed", FLAG, "1: only events from the first country to the second", "1", default=False),
        Filter("groups", FLAG, "0: leave out events of a group either country belongs to", "0", default=True),
        Filter("evidence", integer(0, 500), "events listed as evidence", "50", default=50),
        Filter(
            "count",
            choice(*COUNT_MODES),
            "clusters: an event several articles report counts once; reports: every report counts, as GDELT does",
            "reports",
            default="clusters",
        ),
    ),
)

NETWORK = Resource(
    "network",
    (
        Filter(
            "level",
            choice("country", "actor"),
            "nodes are countries (groups as their members) or actors",
            "country",
            default="country",
        ),
        *_period("events dated"),
        Filter("type", TYPES, "PLOVER event types, comma-separated", "CONSULT"),
        Filter("country", COUNTRY, "only edges touching this country (ISO 3166 alpha-3)", "RUS"),
        Filter("min_weight", integer(1, 1_000_000), "only edges of at least this many events", "2", default=1),
        Filter(
            "count",
            choice(*COUNT_MODES),
            "clusters: an event several articles report counts once; reports: every report counts, as GDELT does",
            "reports",
            default="clusters",
        ),
    ),
)

RESOURCES = {r.name: r for r in (ARTICLES, ACTORS, EVENTS, QUOTES, DYADS, RANKINGS, DYAD, NETWORK)}

# Rows per query when a whole listing is read (``rows`` without a limit), page after page by keyset.
READ_PAGE_ROWS = 1000


class ListingQueries:
    """The declared listings through the one query builder, as methods of ``Store``: what both
    the CLI (``rows``) and the API (``find``) read."""

    def find(
        self,
        name: str,
        filters: dict,
        *,
        sort: str | None = None,
        size: int = 50,
        after: str | None = None,
        facets: list[str] | None = None,
        count: bool = True,
    ) -> dict:
        """One page of the listing ``name`` matching the (parsed) ``filters``: rows, next token,
        count and facets, as ``Store.browse`` gives them; event rows carry their parties.

        Raises:
            QueryError: an unknown sort or facet, or a bad ``after`` token.
        """
        declared = RESOURCES[name]
        if name == "dyads":
            where, params = declared.where(filters)
            listing = browse.dyads_listing(where, dyads=self.event_dyads()[0])
            return self.browse(
                listing,
                where=[],
                params=[],
                source_params=params,
                sort=sort,
                size=size,
                after=after,
                facets=facets,
                count=count,
            )
        extra = {}
        if name == "events" and filters.get("between"):
            extra["dyads"] = self.event_dyads(filters["between"][0])
        where, params = declared.where({**filters, **extra})
        page = self.browse(
            declared.listing, where=where, params=params, sort=sort, size=size, after=after, facets=facets, count=count
        )
        if name == "events":
            self.attach_parties(page["rows"])
        return page

    def rows(self, name: str, filters: dict, *, sort: str | None = None, limit: int | None = None) -> list[dict]:
        """Every row of the listing ``name`` matching ``filters`` (the first ``limit``), read in
        pages by keyset."""
        rows, after = [], None
        while limit is None or len(rows) < limit:
            size = READ_PAGE_ROWS if limit is None else min(READ_PAGE_ROWS, limit - len(rows))
            page = self.find(name, filters, sort=sort, size=size, after=after, count=False)
            rows += page["rows"]
            after = page["next"]
            if not after:
                break
        return rows

    def count_rows(self, name: str, filters: dict) -> int:
        """How many rows of the listing ``name`` match ``filters``."""
        return self.find(name, filters, size=1)["count"]
