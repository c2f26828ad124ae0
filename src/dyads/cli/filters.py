"""Click options generated from the declared filters (``dyads.store.filters``).

Each filter becomes one option with its help text; its value is read by the
filter's own parser, so a bad one is a usage error naming the option:
``Error: Invalid value for '--since': 'May' is not a date; give YYYY-MM-DD, YYYY-MM or YYYY``.
"""

from __future__ import annotations

import click

from dyads.store.filters import FLAG, RESOURCES, Filter, Kind


class FilterType(click.ParamType):
    """A click type that reads a value with a filter's ``Kind``."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.name = kind.metavar

    def convert(self, value, param, ctx):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return self.kind.parse(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)

    def get_metavar(self, param, ctx=None) -> str:
        return self.kind.metavar


def option(f: Filter, *, required: bool | None = None):
    """The click option of one declared filter (a flag for a yes/no filter)."""
    required = f.required if required is None else required
    text = f.help[:1].upper() + f.help[1:] + "."
    if f.kind is FLAG:
        return click.option(f.option, f.name, is_flag=True, default=None, help=text)
    return click.option(
        f.option,
        f.name,
        type=FilterType(f.kind),
        required=required,
        help=text,
        default=f.default,
        show_default=f.default is not None,
    )


def filter_options(name: str, *, skip: tuple[str, ...] = ()):
    """Add the options of every filter the resource ``name`` declares (but ``skip``) to a command."""
    declared = [f for f in RESOURCES[name].filters if f.name not in skip]

    def decorate(function):
        for f in reversed(declared):
            function = option(f)(function)
        return function

    return decorate


def given(name: str, values: dict) -> dict:
    """The filters of resource ``name`` among a command's ``values`` that were given: name -> value."""
    return {k: v for k, v in values.items() if k in RESOURCES[name].by_name and v not in (None, False, [], ())}


def shown(name: str, filters: dict) -> dict:
    """The given filters by option, as typed (``{"--since": "2018-01-01"}``), for messages."""
    declared = RESOURCES[name].by_name
    return {
        declared[k].option: declared[k].kind.show(v) if declared[k].kind is not FLAG else "" for k, v in filters.items()
    }


def explain(store, name: str, filters: dict, *, noun: str | None = None) -> None:
    """Say on stderr that nothing matched ``filters``, and which one to drop to get rows."""
    from dyads.cli.output import COUNT_CAP, explain_empty

    by_option = {RESOURCES[name].by_name[k].option: k for k in filters}

    def count(rest: dict) -> int:
        kept = {by_option[flag]: filters[by_option[flag]] for flag in rest}
        return len(store.rows(name, kept, limit=COUNT_CAP))

    explain_empty(noun or name, shown(name, filters), count)
