"""``dyads articles`` and ``dyads show``: what is stored."""

from __future__ import annotations

import click

from dyads import views
from dyads.cli import Context, cli
from dyads.cli.output import emit, format_options, to_json
from dyads.readers.dates import parse_reference
from dyads.store import Store

LISTING = ("id", "published", "source", "dateline", "headline")


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles.")
@click.option("--source", help="Only this source or agency (e.g. TASS).")
@click.option("--since", metavar="YYYY-MM-DD", help="Published on or after this date.")
@click.option("--until", metavar="YYYY-MM-DD", help="Published on or before this date.")
@format_options
@click.pass_obj
def articles(obj: Context, limit, source, since, until, as_json, as_csv) -> None:
    """List stored articles, most recently ingested first.

    \b
    Example:
      dyads articles --source TASS --since 2024-12-01 --json
    """
    with Store.open(obj.settings.db, read_only=True) as store:
        rows = store.list_articles(
            limit=limit, source=source,
            since=parse_reference(since) if since else None,
            until=parse_reference(until) if until else None,
        )
    summaries = [views.article_summary(r) for r in rows]
    if as_json or as_csv:
        emit(summaries, as_json=as_json, as_csv=as_csv)
    else:
        emit([{**s, "dateline": _dateline_text(s["dateline"])} for s in summaries], columns=LISTING)


@cli.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.pass_obj
def show(obj: Context, article_id: str, as_json: bool) -> None:
    """Show one article: fields, sentences and entities. An id prefix is enough.

    \b
    Example:
      dyads show ff9134b5 --json
    """
    with Store.open(obj.settings.db, read_only=True) as store:
        detail = views.article_detail(store.get_article(article_id))
    click.echo(to_json(detail) if as_json else render_article(detail))


def render_article(detail: dict) -> str:
    """An article as readable text: fields, then numbered sentences, then entities."""
    lines = [detail["headline"]]
    if detail["dek"]:
        lines.append(detail["dek"])
    lines += [
        "",
        f"id         {detail['id']}",
        f"dateline   {_dateline_text(detail['dateline']) or '-'}",
        f"published  {detail['published'] or 'unknown'}",
        f"source     {detail['source'] or '-'}",
        "",
        "Sentences:",
    ]
    lines += [f"  {i:>3}  {s['text']}" for i, s in enumerate(detail["sentences"])]
    if detail.get("actors"):
        lines += ["", "Actors:"]
        lines += [f"  {a['id']:<32} {a['kind']:<12} {a['country'] or '-':<4} {a['sector'] or '-':<4} "
                  f"{a['name']}{'  (' + a['title'] + ')' if a['title'] else ''}" for a in detail["actors"]]
    if detail.get("chains"):
        lines += ["", "Chains:"]
        lines += [f"  {c['actor_id']:<32} " + " | ".join(m["text"] for m in c["mentions"])
                  for c in detail["chains"] if len(c["mentions"]) > 1]
    lines += ["", "Entities:"]
    lines += [f"  {e['label']:<10} {e['text']}  [{e['start']}:{e['end']}]" for e in detail["entities"]]
    return "\n".join(lines)


def _dateline_text(dateline: dict | None) -> str:
    if not dateline:
        return ""
    return ", ".join(filter(None, [dateline["place"], dateline["date_text"], dateline["agency"]]))
