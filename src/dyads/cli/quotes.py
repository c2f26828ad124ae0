"""``dyads quotes``: who said what, from the stored articles."""

from __future__ import annotations

import click

from dyads import export, views
from dyads.cli import Context, cli
from dyads.cli.output import COUNT_CAP, emit, explain_empty, fetch_limit, format_options, open_hint, shown
from dyads.records import FOUND_BY

LISTING = ("id", "published", "speaker", "title", "country", "cue", "kind", "text", "article_id")

# flag -> Store.list_quotes argument
FILTER_NAMES = {"--speaker": "speaker", "--country": "country", "--about": "about", "--search": "search",
                "--article": "article_id", "--found-by": "found_by"}


def filter_options(function):
    """The quote filters ``dyads quotes`` and ``dyads export quotes`` share."""
    for option in reversed((
        click.option("--speaker", metavar="NAME",
                     help="Speaker's name, or the words naming the speaker (the lawmaker)."),
        click.option("--country", metavar="ISO3", help="Speaker's country, ISO 3166 alpha-3 (RUS)."),
        click.option("--about", metavar="ISO3|NAME", help="An actor the quote mentions: country code (JPN) or name."),
        click.option("--search", metavar="TEXT", help="Words inside the quote."),
        click.option("--article", "article_id", metavar="ID", help="Only this article (an id prefix is enough)."),
        click.option("--found-by", type=click.Choice(FOUND_BY),
                     help="Only quotes of the cue rules, or only those the quote tagger added (--quotes tagged)."),
    )):
        function = option(function)
    return function


@cli.command()
@filter_options
@click.option("--limit", type=click.IntRange(min=1),
              help="At most this many quotes (a table shows 50 unless given; --json and --csv all).")
@format_options
@click.pass_obj
def quotes(obj: Context, speaker, country, about, search, article_id, found_by, limit, as_json, as_csv) -> None:
    """List quotes: the words, who said them, the cue, and the link back to the article.

    A speaker the text names only as "the lawmaker" or "he" is shown as written when it
    could not be resolved to a person.

    \b
    Example:
      dyads quotes --speaker Kosachev --about JPN
      dyads quotes --country RUS --search sanctions --json
    """
    as_table = not (as_json or as_csv)
    given = {"--speaker": speaker, "--country": country, "--about": about, "--search": search,
             "--article": article_id, "--found-by": found_by}
    with obj.reading() as store:
        rows = store.list_quotes(**{FILTER_NAMES[flag]: value for flag, value in given.items()},
                                 limit=fetch_limit(limit, as_table=as_table))
        if not rows:
            explain_empty("quotes", given, lambda rest: len(store.list_quotes(
                **{FILTER_NAMES[flag]: value for flag, value in rest.items()}, limit=COUNT_CAP)))
    rows = shown(rows, limit, as_table=as_table, noun="quotes")
    open_hint(rows, as_table=as_table, command="dyads show ID (its article, the quote marked)")
    listed = [views.quote_listing(r) for r in rows]
    if as_json:
        emit(listed, as_json=True)
    else:
        emit([export.quote_row(q) for q in listed], as_csv=as_csv,
             columns=list(export.QUOTE_COLUMNS) if as_csv else LISTING)
