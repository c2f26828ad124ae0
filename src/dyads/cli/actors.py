"""``dyads actors`` and ``dyads actor``: who appears in the stored news."""

from __future__ import annotations

import click

from dyads import views
from dyads.cli import Context, cli
from dyads.cli.filters import explain, filter_options, given
from dyads.cli.output import emit, fetch_limit, format_options, open_hint, shown, to_json
from dyads.errors import QueryError

LISTING = ("id", "kind", "label", "country", "sector", "titles", "articles", "mentions")


@cli.command()
@filter_options("actors")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="At most this many actors (a table shows 50 unless given; --json and --csv all).",
)
@format_options
@click.pass_obj
def actors(obj: Context, limit, as_json, as_csv, **values) -> None:
    """List actors across all articles, most mentioned first. The filters are those of /api/actors.

    \b
    Example:
      dyads actors --country RUS --kind person
    """
    as_table = not (as_json or as_csv)
    filters = given("actors", values)
    with obj.reading() as store:
        rows = store.list_actors(**filters, limit=fetch_limit(limit, as_table=as_table))
        if not rows:
            explain(store, "actors", filters)
    rows = shown(rows, limit, as_table=as_table, noun="actors")
    summaries = [views.actor_summary(r) for r in rows]
    emit(summaries, as_json=as_json, as_csv=as_csv, columns=LISTING if as_table else None)
    open_hint(rows, as_table=as_table, command="dyads actor ID")


@cli.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.pass_obj
def actor(obj: Context, name: str, as_json: bool) -> None:
    """Show one actor: titles over time and its mentions per article.

    NAME is an actor id (RUSGOV, person:konstantin-kosachev) or a name or surname.

    \b
    Example:
      dyads actor Kosachev
    """
    with obj.reading() as store:
        matches = store.find_actors(name)
        if not matches:
            raise QueryError(f"no actor matches {name!r}; list actors with `dyads actors`")
        exact = [m for m in matches if m["id"] == name or m["name"].lower() == name.lower()]
        if not exact and len(matches) > 1:
            raise QueryError(
                f"{name!r} matches {len(matches)} actors ({', '.join(m['id'] for m in matches[:5])}); give one id"
            )
        detail = views.actor_detail(store.actor_detail((exact or matches)[0]["id"]))
    click.echo(to_json(detail) if as_json else render_actor(detail))


def render_actor(detail: dict) -> str:
    lines = [
        f"{detail['name']}  ({detail['id']})",
        f"kind {detail['kind']}, country {detail['country'] or '-'}, sector {detail['sector'] or '-'}",
        f"{detail['mentions']} mentions in {detail['articles']} articles",
    ]
    if detail["members"]:
        lines.append("members: " + ", ".join(detail["members"]))
    if detail["titles_over_time"]:
        lines += ["", "Titles:"]
        lines += [
            f"  {t['title']}  ({t['first_seen'] or 'date unknown'} .. {t['last_seen'] or ''})"
            for t in detail["titles_over_time"]
        ]
    lines += ["", "Mentions:"]
    for article in detail["appearances"]:
        lines.append(f"  {article['article_id']}  {article['published'] or '----------'}  {article['headline']}")
        lines += [f"      {m['kind']:<9} {m['text']}" for m in article["mentions"]]
    return "\n".join(lines)
