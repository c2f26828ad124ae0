"""``dyads quotes``: who said what, from the stored articles."""

from __future__ import annotations

import click

from dyads import export, views
from dyads.cli import Context, cli
from dyads.cli.filters import explain, filter_options, given
from dyads.cli.output import emit, fetch_limit, format_options, open_hint, shown

LISTING = ("id", "published", "speaker", "title", "country", "cue", "kind", "text", "article_id")


@cli.command()
@filter_options("quotes")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="At most this many quotes (a table shows 50 unless given; --json and --csv all).",
)
@format_options
@click.pass_obj
def quotes(obj: Context, limit, as_json, as_csv, **values) -> None:
    """List quotes: the words, who said them, the cue, and the link back to the article.

    A speaker the text names only as "the lawmaker" or "he" is shown as written when it
    could not be resolved to a person. The filters are those of /api/quotes.

    \b
    Example:
      dyads quotes --speaker Kosachev --about JPN
      dyads quotes --country RUS --search sanctions --json
    """
    as_table = not (as_json or as_csv)
    filters = given("quotes", values)
    with obj.reading() as store:
        rows = store.list_quotes(**filters, limit=fetch_limit(limit, as_table=as_table))
        if not rows:
            explain(store, "quotes", filters)
    rows = shown(rows, limit, as_table=as_table, noun="quotes")
    open_hint(rows, as_table=as_table, command="dyads show ID (its article, the quote marked)")
    listed = [views.quote_listing(r) for r in rows]
    if as_json:
        emit(listed, as_json=True)
    else:
        emit(
            [export.quote_row(q) for q in listed],
            as_csv=as_csv,
            columns=list(export.QUOTE_COLUMNS) if as_csv else LISTING,
        )
