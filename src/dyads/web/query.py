"""Query parameters as FastAPI declares them: one pydantic query model per route, generated from
the declared filters (``dyads.store.filters``) plus the paging parameters.

FastAPI reads and checks them and lists each, with its help text, in /openapi.json; an
unknown parameter is refused (``extra="forbid"``), so a typo never silently returns
everything. A bad value fails the filter's own parser, and ``errors.py`` answers one line
naming the parameter and the fix. Empty values (an unfilled form field) count as absent.

    >>> EventQuery.model_validate({"type": "consult", "_size": "20"}).filters()
    {'type': ['CONSULT']}
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from dyads.store.filters import RESOURCES, Filter, Resource

# Rows per page unless ``_size`` says otherwise, and the most it may say.
DEFAULT_SIZE = 50
MAX_SIZE = 1000
# Edges the network view draws unless _size says otherwise: beyond this a force layout is a hairball.
NETWORK_EDGES = 200


def _reader(f: Filter):
    """A pydantic validator reading one filter's text with the filter's own parser."""

    def read(value):
        if value is None or not str(value).strip():
            return None
        return f.kind.parse(value)  # its ValueError names the value and the fix

    return read


def _size(value):
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_SIZE:
        raise ValueError(f"{text!r} is not a page size; give a whole number from 1 to {MAX_SIZE}")
    return int(text)


def _formats(*choices: str):
    def read(value):
        if value is None or not str(value).strip():
            return choices[0]
        if value not in choices:
            raise ValueError(f"{value!r} is not a format here; choose one of {', '.join(choices)}")
        return value

    return read


def _blank_none(value):
    return value if value is None or str(value).strip() else None


class Params(BaseModel):
    """The checked query of one request: the declared filters, then the paging parameters."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)
    resource: ClassVar[Resource | None] = None

    def filters(self) -> dict:
        """The declared filters given, read: name -> value."""
        if self.resource is None:
            return {}
        return {f.name: getattr(self, f.name) for f in self.resource.filters if getattr(self, f.name) is not None}

    def arguments(self) -> dict:
        """Every declared filter with its value or default, as the library functions take them."""
        return {
            f.name: f.default if getattr(self, f.name) is None else getattr(self, f.name) for f in self.resource.filters
        }

    def given(self) -> dict:
        """The filters given, as written back in a URL (for the page's chips and forms)."""
        declared = self.resource.by_name
        return {name: declared[name].kind.show(value) for name, value in self.filters().items()}

    def page(self, *, facets: tuple[str, ...] = ()) -> dict:
        """The paging parameters as ``Store.find`` takes them (``facets`` when none is asked for)."""
        asked = [f for f in dict.fromkeys(getattr(self, "facet", None) or []) if f.strip()]
        return {
            "sort": getattr(self, "sort", None),
            "size": self.size_or(DEFAULT_SIZE),
            "after": getattr(self, "next", None),
            "facets": asked or list(facets),
        }

    def size_or(self, default: int) -> int:
        return getattr(self, "size", None) or default


def _field(f: Filter, *, required: bool):
    annotation = Annotated[str | None, AfterValidator(_reader(f))]
    extra = {"examples": [f.example]} if f.example else {}
    if required:
        return (Annotated[str, AfterValidator(_reader(f))], Field(description=f.help, **extra))
    return (annotation, Field(None, description=f.help, **extra))


def _paging(*, formats: tuple[str, ...], size_help: str, listing: bool) -> dict:
    fields = {
        "size": (
            Annotated[str | None, AfterValidator(_size)],
            Field(None, alias="_size", description=size_help, examples=["20"]),
        ),
        "format": (
            Annotated[str | None, AfterValidator(_formats(*formats))],
            Field(
                None,
                alias="_format",
                description=f"{', '.join(formats)} (default {formats[0]})",
                examples=[formats[-1]],
            ),
        ),
    }
    if listing:
        fields.update(
            {
                "next": (
                    Annotated[str | None, AfterValidator(_blank_none)],
                    Field(None, alias="_next", description="the `next` token of the previous page"),
                ),
                "sort": (
                    Annotated[str | None, AfterValidator(_blank_none)],
                    Field(None, alias="_sort", description="sort column; prefix - for descending", examples=["-date"]),
                ),
                "facet": (
                    list[str],
                    Field(
                        [],
                        alias="_facet",
                        description="count the matching rows by this column (repeatable)",
                        examples=["type"],
                    ),
                ),
            }
        )
    return fields


def query_model(
    name: str,
    *,
    required: bool = True,
    formats: tuple[str, ...] = ("json", "csv"),
    listing: bool = True,
    size_help: str | None = None,
) -> type[Params]:
    """The query model of the resource ``name``'s route (``required=False``: its form page, which
    may come without the required filters)."""
    declared = RESOURCES[name]
    fields = {f.name: _field(f, required=required and f.required) for f in declared.filters}
    fields.update(
        _paging(
            formats=formats,
            listing=listing,
            size_help=size_help or f"rows per page, 1 to {MAX_SIZE} (default {DEFAULT_SIZE})",
        )
    )
    if not listing and size_help is None:
        del fields["size"]
    model = create_model(f"{name.title()}Query", __base__=Params, **fields)
    model.resource = declared
    return model


class NoQuery(Params):
    """A route that takes no query parameters (a record by id, the index)."""


ArticleQuery = query_model("articles")
ActorQuery = query_model("actors")
EventQuery = query_model("events")
QuoteQuery = query_model("quotes")
DyadsQuery = query_model("dyads")
DyadQuery = query_model("dyad", listing=False, formats=("json", "csv"))
RankingQuery = query_model("rankings", listing=False)
RankingForm = query_model("rankings", listing=False, required=False)
NetworkQuery = query_model(
    "network",
    listing=False,
    formats=("json", "csv", "graphml"),
    size_help=f"at most this many edges, heaviest first, 1 to {MAX_SIZE} (default {NETWORK_EDGES})",
)
# Every parameter's example, for the message when a required one is missing.
EXAMPLES = {f.name: f.example for r in RESOURCES.values() for f in r.filters if f.example}
