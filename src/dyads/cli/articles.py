"""``dyads articles`` and ``dyads show``: what is stored."""

from __future__ import annotations

import click

from dyads import views
from dyads.cli import Context, cli
from dyads.cli.output import emit, fetch_limit, format_options, shown, to_json
from dyads.readers.dates import parse_reference

LISTING = ("id", "published", "source", "dateline", "headline")


@cli.command()
@click.option("--limit", type=click.IntRange(min=1),
              help="At most this many articles (a table shows 50 unless given; --json and --csv all).")
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
    as_table = not (as_json or as_csv)
    with obj.reading() as store:
        rows = store.list_articles(
            limit=fetch_limit(limit, as_table=as_table), source=source,
            since=parse_reference(since) if since else None,
            until=parse_reference(until) if until else None,
        )
    rows = shown(rows, limit, as_table=as_table, noun="articles")
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
    """Show one article: fields, sentences, entities and quotes. An id prefix is enough.

    \b
    Example:
      dyads show ff9134b5 --json
    """
    with obj.reading() as store:
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
    if detail.get("events"):
        lines += ["", "Events:"]
        lines += [f"  {e['evidence']['sentence_index']:>3}  {_event_line(e)}" for e in detail["events"]]
    lines += ["", "Entities:"]
    lines += [f"  {e['label']:<10} {e['text']}  [{e['start']}:{e['end']}]" for e in detail["entities"]]
    lines += ["", "Quotes:"]
    lines += [f"  {_speaker_text(q):<24} {q['cue']['text'] if q['cue'] else '-':<12} {q['kind']:<8} {q['text']}"
              for q in detail.get("quotes", [])]
    return "\n".join(lines)


def _event_line(event: dict) -> str:
    from dyads.export import date_text

    """"CONSULT 040 RUS;JPN -> - 2018-01-26 Tokyo [historical] 'meeting'"."""
    parties = lambda ps: ";".join(p["code"] or p["name"] or "?" for p in ps) or "-"  # noqa: E731
    flags = [k for k in ("negated", "future", "hypothetical", "historical", "quoted") if event[k]]
    place = (event["place"] or {}).get("name")
    return " ".join(filter(None, [
        f"{event['type']:<9} {event['cameo']:<4}", parties(event["actors"]), "->", parties(event["recipients"]),
        date_text(event) or "date unknown", place, f"[{', '.join(flags)}]" if flags else None,
        repr(event["evidence"]["trigger"]["text"]),
    ]))


def _speaker_text(quote: dict) -> str:
    speaker = quote["speaker"]
    if not speaker:
        return "(unnamed)"
    actor = speaker["actor"]
    return actor["name"] if actor else f"[{speaker['text']}]"


def _dateline_text(dateline: dict | None) -> str:
    if not dateline:
        return ""
    return ", ".join(filter(None, [dateline["place"], dateline["date_text"], dateline["agency"]]))
