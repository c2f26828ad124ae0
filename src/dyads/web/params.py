"""Query parameters: declared once per route (for the OpenAPI document), checked with clear messages.

An unknown parameter is an error that names it and lists the known ones, so a
typo never silently returns everything. Empty values (an unfilled form field)
count as absent.

    >>> q = Query({"type": "consult", "_size": "20"}, EVENT_PARAMS)
    >>> q.types("type"), q.size()
    (['CONSULT'], 20)
    >>> Query({"tpye": "x"}, EVENT_PARAMS)
    Traceback (most recent call last):
    ...
    dyads.errors.QueryError: unknown parameter 'tpye'; this route takes type, quad_class, mode, actor, recipient, party, between, since, until, year, article_id, place_country, q, counted, _size, _next, _sort, _facet, _format
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from dyads import analysis
from dyads.errors import QueryError
from dyads.ontology import TYPES

# Rows per page unless ``_size`` says otherwise, and the most it may say.
DEFAULT_SIZE = 50
MAX_SIZE = 1000


@dataclass(frozen=True)
class Param:
    """A query parameter a route takes, with the help text the OpenAPI document shows."""

    name: str
    help: str
    example: str | None = None
    required: bool = False


PAGING = (
    Param("_size", f"rows per page, 1 to {MAX_SIZE} (default {DEFAULT_SIZE})", "20"),
    Param("_next", "the `next` token of the previous page"),
    Param("_sort", "sort column; prefix - for descending", "-date"),
    Param("_facet", "count the matching rows by this column (repeatable)", "type"),
    Param("_format", "json (default) or csv", "csv"),
)
PERIOD = (
    Param("since", "on or after this date (YYYY-MM-DD, YYYY-MM or YYYY)", "2018-01"),
    Param("until", "on or before this date (YYYY-MM-DD, YYYY-MM or YYYY)", "2018-12-31"),
)
EVENT_PARAMS = (
    Param("type", "PLOVER event types, comma-separated", "CONSULT,AGREE"),
    Param("quad_class", "CAMEO quad classes 1-4, comma-separated (1 verbal and 2 material cooperation, "
                        "3 verbal and 4 material conflict)", "1,2"),
    Param("mode", "PLOVER mode", "visit"),
    Param("actor", "an actor's code (RUS), actor id, or a group's member", "RUS"),
    Param("recipient", "a recipient's code, actor id, or a group's member", "JPN"),
    Param("party", "actor or recipient", "JPN"),
    Param("between", "two ISO codes: the events a dyad series or ranking counts between them", "JPN,RUS"),
    *PERIOD,
    Param("year", "events dated in this year", "2018"),
    Param("article_id", "events of this article"),
    Param("place_country", "ISO code of the event's place", "JPN"),
    Param("q", "words in the evidence sentence", "dialogue"),
    Param("counted", "1: only events the analyses count (not negated, not hypothetical)", "1"),
    *PAGING,
)
ARTICLE_PARAMS = (
    Param("source", "source or agency", "TASS"),
    *PERIOD,
    Param("year", "published in this year", "2018"),
    Param("place", "dateline place", "TOKYO"),
    Param("country", "articles naming this country (ISO code)", "JPN"),
    Param("actor", "articles naming this actor id", "person:konstantin-kosachev"),
    Param("q", "words in the headline or text", "energy"),
    *PAGING,
)
ACTOR_PARAMS = (
    Param("country", "ISO 3166 alpha-3 code", "RUS"),
    Param("kind", "country, person, group or organization", "person"),
    Param("sector", "GOV, LEG, MIL ...", "LEG"),
    Param("q", "words in the name or id", "Kosachev"),
    *PAGING,
)
QUOTE_PARAMS = (
    Param("q", 'words that must all appear in the quote, "a phrase" kept together', "clean energy"),
    Param("speaker", "the speaker's actor id", "person:ingrid-solberg"),
    Param("country", "the speaker's country (ISO code)", "NOR"),
    Param("kind", "direct, indirect or mixed", "direct"),
    Param("found_by", "rules, or tagger: the quotes the quote tagger added (--quotes tagged)", "rules"),
    Param("article_id", "quotes of this article"),
    *PERIOD,
    *PAGING,
)
DYADS_PARAMS = (
    Param("country", "pairs with this country (ISO code)", "RUS"),
    *PERIOD,
    *PAGING,
)
# How the analyses count (``dyads.store.clusters``).
COUNT = Param("count", "clusters (default: an event several articles report counts once) or reports (as GDELT)",
              "reports")
DYAD_PARAMS = (
    Param("by", "period: day, week, month or year (default month)", "month"),
    *PERIOD,
    Param("directed", "1: only events from the first country to the second", "1"),
    Param("groups", "0: leave out events of a group either country belongs to", "0"),
    Param("evidence", "events listed as evidence, 0 to 500 (default 50)", "50"),
    COUNT,
    Param("_format", "json (default) or csv (the series)", "csv"),
)
RANKING_PARAMS = (
    Param("target", "ISO code of the country relations are with", "RUS", required=True),
    Param("among", "a group (G7, EU, ASEAN ...; members as of the period) or ISO codes, comma-separated",
          "G7", required=True),
    *PERIOD,
    Param("metric", f"what ranks first: {', '.join(analysis.METRICS)} (default net)", "net"),
    Param("per", "also rank within each day, week, month or year", "month"),
    Param("evidence", "events listed per member, 0 to 100 (default 5)", "5"),
    COUNT,
    Param("_format", "json (default) or csv (the ranking, or the per-period ranking with per)", "csv"),
)
NETWORK_PARAMS = (
    Param("level", "country (default; groups as their members) or actor", "country"),
    *PERIOD,
    Param("type", "PLOVER event types, comma-separated", "CONSULT"),
    Param("country", "only edges touching this country (ISO code)", "RUS"),
    Param("min_weight", "only edges of at least this many events (default 1)", "2"),
    COUNT,
    Param("_size", f"at most this many edges, heaviest first, 1 to {MAX_SIZE} (default 200)", "100"),
    Param("_format", "json (default), csv (the edges) or graphml", "graphml"),
)
DETAIL_PARAMS = ()
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class Query:
    """The checked query parameters of one request."""

    def __init__(self, params: Mapping[str, str], allowed: tuple[Param, ...], *,
                 multi: Mapping[str, list[str]] | None = None) -> None:
        names = [p.name for p in allowed]
        for name in params:
            if name not in names:
                known = ", ".join(names) if names else "no parameters"
                raise QueryError(f"unknown parameter {name!r}; this route takes {known}", parameter=name)
        self.values = {k: v.strip() for k, v in params.items() if v is not None and v.strip() != ""}
        self.multi = {k: [v.strip() for v in vs if v.strip()] for k, vs in (multi or {}).items()}

    @classmethod
    def of(cls, request, allowed: tuple[Param, ...]) -> "Query":
        """The query of a Starlette request (repeated parameters kept for ``_facet``)."""
        query = request.query_params
        return cls(dict(query), allowed, multi={k: query.getlist(k) for k in query.keys()})

    def text(self, name: str, default: str | None = None) -> str | None:
        return self.values.get(name, default)

    def required(self, name: str, example: str) -> str:
        if name not in self.values:
            raise QueryError(f"{name} is required; add e.g. {name}={example}", parameter=name)
        return self.values[name]

    def size(self, default: int = DEFAULT_SIZE) -> int:
        return self.integer("_size", low=1, high=MAX_SIZE, default=default)

    def integer(self, name: str, *, low: int, high: int, default: int | None = None) -> int | None:
        raw = self.values.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError as e:
            raise QueryError(f"{name}={raw!r} is not a whole number; give one from {low} to {high}",
                             parameter=name) from e
        if not low <= value <= high:
            raise QueryError(f"{name}={value} is out of range; give one from {low} to {high}", parameter=name)
        return value

    def day(self, name: str, *, end: bool = False) -> dt.date | None:
        return analysis.parse_day(self.values.get(name), parameter=name, end=end)

    def period(self) -> dict:
        return {"since": self.day("since"), "until": self.day("until", end=True)}

    def choice(self, name: str, choices, default: str | None = None) -> str | None:
        raw = self.values.get(name)
        if raw is None:
            return default
        if raw not in choices:
            raise QueryError(f"{name}={raw!r} is not allowed; choose one of {', '.join(choices)}", parameter=name)
        return raw

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.values.get(name)
        if raw is None:
            return default
        if raw.lower() in TRUE:
            return True
        if raw.lower() in FALSE:
            return False
        raise QueryError(f"{name}={raw!r} is not a yes/no value; give 1 or 0", parameter=name)

    def country(self, name: str) -> str | None:
        raw = self.values.get(name)
        return analysis.country_code(raw, parameter=name) if raw else None

    def countries(self, name: str, *, count: int) -> tuple[str, ...] | None:
        raw = self.values.get(name)
        if raw is None:
            return None
        codes = [c for c in raw.split(",") if c.strip()]
        if len(codes) != count:
            raise QueryError(f"{name}={raw!r} needs {count} ISO codes separated by a comma, like JPN,RUS",
                             parameter=name)
        return tuple(analysis.country_code(c, parameter=name) for c in codes)

    def types(self, name: str) -> list[str] | None:
        raw = self.values.get(name)
        if raw is None:
            return None
        types = [t.strip().upper() for t in raw.split(",") if t.strip()]
        for t in types:
            if t not in TYPES:
                raise QueryError(f"{name}={t!r} is not a PLOVER event type; choose from {', '.join(TYPES)}",
                                 parameter=name)
        return types

    def quad_classes(self, name: str) -> list[int] | None:
        raw = self.values.get(name)
        if raw is None:
            return None
        try:
            values = [int(v) for v in raw.split(",") if v.strip()]
        except ValueError as e:
            raise QueryError(f"{name}={raw!r} is not a list of quad classes; give numbers 1-4 like 1,2",
                             parameter=name) from e
        if not all(1 <= v <= 4 for v in values):
            raise QueryError(f"{name}={raw!r}: quad classes are 1 to 4", parameter=name)
        return values

    def facets(self) -> list[str]:
        return list(dict.fromkeys(self.multi.get("_facet", [])))

    def format(self, choices=("json", "csv")) -> str:
        return self.choice("_format", choices, "json")

    def page(self) -> dict:
        """The paging parameters as ``Store.browse`` takes them."""
        return {"sort": self.values.get("_sort"), "size": self.size(), "after": self.values.get("_next"),
                "facets": self.facets()}


def openapi(params: tuple[Param, ...]) -> dict:
    """The ``openapi_extra`` of a route: its query parameters, documented."""
    return {"parameters": [
        {"name": p.name, "in": "query", "required": p.required, "description": p.help,
         "schema": {"type": "string"}, **({"example": p.example} if p.example else {})}
        for p in params]}
