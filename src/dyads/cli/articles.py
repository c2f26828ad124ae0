"""``dyads articles`` and ``dyads show``: what is stored."""

from __future__ import annotations

import click

from dyads import views
from dyads.cli import Context, cli
from dyads.cli.filters import explain, filter_options, given
from dyads.cli.output import emit, fetch_limit, format_options, open_hint, shown, to_json
from dyads.errors import QueryError

LISTING = ("id", "published", "source", "dateline", "headline")


@cli.command()
@filter_options("articles")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="At most this many articles (a table shows 50 unless given; --json and --csv all).",
)
@format_options
@click.pass_obj
def articles(obj: Context, limit, as_json, as_csv, **values) -> None:
    """List stored articles, most recently ingested first. The filters are those of /api/articles.

    \b
    Example:
      dyads articles --source TASS --since 2024-12-01 --json
    """
    as_table = not (as_json or as_csv)
    filters = given("articles", values)
    with obj.reading() as store:
        rows = store.list_articles(**filters, limit=fetch_limit(limit, as_table=as_table))
        if not rows:
            explain(store, "articles", filters)
    rows = shown(rows, limit, as_table=as_table, noun="articles")
    open_hint(rows, as_table=as_table)
    summaries = [views.article_summary(r) for r in rows]
    if as_json or as_csv:
        emit(summaries, as_json=as_json, as_csv=as_csv)
    else:
        emit(
            [{**s, "dateline": _dateline_text(s["dateline"]), "headline": views.headline_text(s)} for s in summaries],
            columns=LISTING,
        )


@cli.command()
@click.argument("row_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.pass_obj
def show(obj: Context, row_id: str, as_json: bool) -> None:
    """Show one article: fields, sentences, entities, events and quotes. An id prefix is enough.

    ID is an article id, or the id of an event (ARTICLE:N) or a quote (ARTICLE:qN) as
    `dyads events` and `dyads quotes` list them: its article, with that row marked (an
    event with every report of it, in any article: its event cluster).

    \b
    Example:
      dyads show ff9134b5 --json
      dyads show ff9134b5:2
    """
    article_id, marked = _split_row_id(row_id)
    with obj.reading() as store:
        detail = views.article_detail(store.get_article(article_id))
        if marked and marked not in {e["id"].split(":")[1] for e in detail["events"]} | {
            q["id"].split(":")[1] for q in detail["quotes"]
        }:
            raise QueryError(
                f"article {detail['id']} has no {'quote' if marked.startswith('q') else 'event'} "
                f"{marked}; `dyads show {detail['id']}` lists its rows"
            )
        cluster = views.cluster_view(store, f"{detail['id']}:{marked}") if marked and marked.isdigit() else None
    if as_json:
        click.echo(
            to_json(
                {
                    **detail,
                    "marked": f"{detail['id']}:{marked}" if marked else None,
                    **({"cluster": cluster} if cluster else {}),
                }
            )
        )
    else:
        click.echo(render_article(detail, marked=f"{detail['id']}:{marked}" if marked else None))
        if cluster:
            click.echo(
                f"\nReports of event {detail['id']}:{marked} (cluster {cluster['id']}: {cluster['sources']} "
                f"sources, {cluster['articles']} articles, {cluster['mentions']} mentions):"
            )
            click.echo(
                "\n".join(
                    f"  {r['id']:<22} {', '.join(r['outlets']) or '-':<24} {r['sentence']}" for r in cluster["reports"]
                )
            )


def _split_row_id(row_id: str) -> tuple[str, str | None]:
    """ "ff91:2" -> ("ff91", "2"); "ff91:q0" -> ("ff91", "q0"); "ff91" -> ("ff91", None)."""
    article_id, _, row = row_id.strip().partition(":")
    if row and not (row.isdigit() or (row[:1] == "q" and row[1:].isdigit())):
        raise QueryError(f"{row_id!r} is not an article, event (ARTICLE:N) or quote (ARTICLE:qN) id")
    return article_id, row or None


def render_article(detail: dict, *, marked: str | None = None) -> str:
    """An article as readable text: fields, then numbered sentences, then entities; the event
    or quote whose id is ``marked`` has a ``>`` before it."""
    mark = lambda row_id: ">" if row_id == marked else " "  # noqa: E731
    lines = [detail["headline"] or f"[{views.first_sentence(detail)}]  (no headline; its first sentence)"]
    if detail["dek"]:
        lines.append(detail["dek"])
    lines += [
        "",
        f"id         {detail['id']}",
        f"dateline   {_dateline_text(detail['dateline']) or '-'}",
        f"published  {detail['published'] or 'unknown'}",
        f"source     {detail['source'] or '-'}",
    ]
    if detail.get("copies"):
        lines += ["", "Copies (seen by dyads watch):"]
        lines += [f"  {c['seen_at']}  {c['outlet'] or '-'}  {c['url']}" for c in detail["copies"]]
    lines += ["", "Sentences:"]
    lines += [f"  {i:>3}  {s['text']}" for i, s in enumerate(detail["sentences"])]
    if detail.get("actors"):
        lines += ["", "Actors:"]
        lines += [
            f"  {a['id']:<32} {a['kind']:<12} {a['country'] or '-':<4} {a['sector'] or '-':<4} "
            f"{a['name']}{'  (' + a['title'] + ')' if a['title'] else ''}"
            for a in detail["actors"]
        ]
    if detail.get("chains"):
        lines += ["", "Chains:"]
        lines += [
            f"  {c['actor_id']:<32} " + " | ".join(m["text"] for m in c["mentions"])
            for c in detail["chains"]
            if len(c["mentions"]) > 1
        ]
    if detail.get("events"):
        lines += ["", "Events:"]
        lines += [
            f"{mark(e['id'])} {e['id'].split(':')[1]:>3}  s{e['evidence']['sentence_index']:<3} {_event_line(e)}"
            for e in detail["events"]
        ]
    lines += ["", "Entities:"]
    lines += [f"  {e['label']:<10} {e['text']}  [{e['start']}:{e['end']}]" for e in detail["entities"]]
    lines += ["", "Quotes:"]
    lines += [
        f"{mark(q['id'])} {q['id'].split(':')[1]:>3}  {_speaker_text(q):<24} "
        f"{q['cue']['text'] if q['cue'] else '-':<12} {q['kind']:<8} {q['text']}"
        for q in detail.get("quotes", [])
    ]
    return "\n".join(lines)


def _party_text(party: dict) -> str:
    if party["kind"] == "country" or not party["name"]:
        return party["code"] or party["name"] or "?"
    return f"{party['name']} ({party['code']})" if party["code"] else party["name"]


def _event_line(event: dict) -> str:
    """ "CONSULT 040 Konstantin Kosachev (RUS); Hiroyuki Horii (JPN) -> - 2018-01-26 Tokyo
    [historical] 'meeting'": people and bodies by name with their country, states by code."""
    from dyads.export import date_text

    parties = lambda ps: "; ".join(_party_text(p) for p in ps) or "-"  # noqa: E731
    flags = [k for k in ("negated", "future", "hypothetical", "historical", "quoted") if event[k]]
    place = (event["place"] or {}).get("name")
    return " ".join(
        filter(
            None,
            [
                f"{event['type']:<9} {event['cameo']:<4}",
                parties(event["actors"]),
                "->",
                parties(event["recipients"]),
                date_text(event) or "date unknown",
                place,
                f"[{', '.join(flags)}]" if flags else None,
                repr(event["evidence"]["trigger"]["text"]),
            ],
        )
    )


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
