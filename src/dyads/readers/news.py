"""Tell a news story from a page or file that is not one (a shop page, notes, a menu).

A story is kept unless the signals agree it is not news; the reason is what the
ingest records for the skipped input.

    >>> from dyads.records import Article
    >>> notes = Article(headline="", paragraphs=("milk", "call Anna", "visa forms"), origin="notes.txt")
    >>> not_news_reason(notes)
    'reads as notes, not a story: no dateline and no sentence among 3 lines; give a news story'
    >>> story = Article(headline="Talks resume", paragraphs=("Envoys met on Monday.",), origin="s.txt")
    >>> not_news_reason(story) is None
    True
"""

from __future__ import annotations

import re

from dyads.records import Article

# Page types (trafilatura's, from og:type and schema.org) that are never a news story.
NON_ARTICLE_PAGETYPES = ("product", "profile", "book", "music", "video", "game", "place", "recipe")
# Fewer words than this, with no date, byline or dateline, and a page is not a story: the
# shortest of the 17 real news pages in ../shared/data/html has 69 words (and a date and byline).
MIN_PAGE_WORDS = 40

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019')\]]*$")


def not_news_reason(article: Article, *, pagetype: str | None = None, dated: bool = False) -> str | None:
    """Why ``article`` is not a news story, or None when it may be one.

    Args:
        pagetype: a web page's type, as trafilatura reads it (``article``, ``product`` ...).
        dated: the page's metadata gives a publication date.
    """
    if pagetype and pagetype.lower().split(".")[0] in NON_ARTICLE_PAGETYPES:
        return f"page is a {pagetype} page, not a news article (its metadata says so)"
    words = len(_WORD.findall(" ".join((article.headline, *article.paragraphs))))
    signals = article.dateline is not None or article.author or dated
    if pagetype is not None and not signals and words < MIN_PAGE_WORDS:
        return (
            f"page has {words} words and no date, byline or dateline: not a news article (a shop, menu or index page?)"
        )
    lines = [p for p in (article.headline, *article.paragraphs) if p]
    if pagetype is None and not signals and not any(_is_sentence(p) for p in lines):
        return f"reads as notes, not a story: no dateline and no sentence among {len(lines)} lines; give a news story"
    return None


def _is_sentence(line: str) -> bool:
    """A line of running text: three words or more, ending as a sentence does."""
    return len(_WORD.findall(line)) >= 3 and bool(_SENTENCE_END.search(line))
