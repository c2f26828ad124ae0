"""Read a web page: main text and metadata with trafilatura.

    >>> page = b"<html><head><title>Envoys meet</title></head><body><article>" \\
    ...     b"<h1>Envoys meet</h1><p>OSLO (AP) \\xe2\\x80\\x94 Envoys from two countries met on Monday " \\
    ...     b"to discuss the border and trade, officials said in a statement.</p></article></body></html>"
    >>> a = read_html(page, origin="page.html")
    >>> a.headline, a.dateline.agency
    ('Envoys meet', 'AP')
"""

from __future__ import annotations

import datetime as dt

import trafilatura

from dyads.errors import InputError
from dyads.readers.dates import parse_date, resolve_published
from dyads.readers.news import not_news_reason
from dyads.readers.wire import parse_wire
from dyads.records import Article


def extract_html(page: bytes | str) -> dict | None:
    """trafilatura's main text and metadata of a page, or None when it finds no text."""
    document = trafilatura.bare_extraction(
        page,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
    )
    if document is None or not (document.text or "").strip():
        return None
    return document.as_dict()


def read_html(page: bytes | str, *, origin: str, reference: dt.date | None = None, url: str | None = None) -> Article:
    """An Article from an HTML page.

    Raises:
        InputError: the page has no article text, or is not a news article (``readers.news``).
    """
    meta = extract_html(page)
    if meta is None:
        raise InputError(
            origin,
            "no article text found in this HTML page (text nested more than about 250 "
            "elements deep is not read); give a news story's page, or its text as .txt",
        )
    try:
        metadata_date = parse_date(meta.get("date"), origin=origin)
    except InputError:
        metadata_date = None  # a page's odd date string is no reason to lose its text
    article = parse_wire(
        meta["text"],
        origin=origin,
        headline=meta.get("title") or None,
        source=meta.get("sitename") or meta.get("hostname") or None,
        url=url or meta.get("url") or None,
        author=meta.get("author") or None,
    )
    reason = not_news_reason(article, pagetype=meta.get("pagetype") or "", dated=metadata_date is not None)
    if reason:
        raise InputError(origin, reason)
    return article.replace(published=resolve_published(metadata_date, article.dateline, reference=reference))
