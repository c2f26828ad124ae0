"""Split the text of a wire story into headline, dek, dateline and body paragraphs.

>>> story = "All news\\n\\nTalks resume\\n\\nEnvoys meet again\\n\\nOSLO, March 3. /TASS/. Envoys met."
>>> a = parse_wire(story, origin="story.txt")
>>> a.headline, a.dek, a.dateline.place, a.paragraphs
('Talks resume', 'Envoys meet again', 'OSLO', ('Envoys met.',))
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from dyads.errors import InputError
from dyads.readers.datelines import parse_dateline
from dyads.records import Article, Dateline

# The dateline opens the first body paragraph, after the headline and at most a
# few dek paragraphs; looking further would take a body paragraph for a dateline.
DATELINE_SEARCH_PARAGRAPHS = 4
# Longer than this, a first paragraph is body text, not a headline (the longest
# headline among the TASS and diplomacy stories is 160 characters).
MAX_HEADLINE_CHARS = 300
# A first paragraph of this many words or more that ends like a sentence is the lead, not a
# headline: of 3,072 titles in news/diplomacy.jsonl, news/tass.jsonl and the first 3,000
# Reuters-21578 bench records, 1 reads so (a rule that misses 0.03% of headlines), against
# 2,575 of their 3,141 first text paragraphs.
LEAD_MIN_WORDS = 12

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019')]*$")

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# Control characters (C0 but tab, line and page breaks; DEL; C1), which no story
# means and which can drive a terminal that shows the text; and lone UTF-16
# surrogates (from JSON escapes such as "\ud800"), which cannot be stored as UTF-8.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


@functools.cache
def furniture() -> frozenset[str]:
    """Lines that sites put around a story ("All news", "Share"), from ``data/furniture.txt``."""
    text = resources.files("dyads.data").joinpath("furniture.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def clean_text(text: str) -> str:
    """Text without control characters, and with U+FFFD for each lone surrogate.

    >>> clean_text("Talks\\x1b[31m resume\\ud800")
    'Talks[31m resume\ufffd'
    """
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blocks between blank lines (lines inside a block
    are joined), or every line when the text has no blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    paragraphs = (_SPACES.sub(" ", " ".join(block.split("\n"))).strip() for block in blocks)
    return [p for p in paragraphs if p]


def strip_furniture(paragraphs: list[str]) -> list[str]:
    """Drop leading and trailing site furniture such as "All news"."""
    junk = furniture()
    start, end = 0, len(paragraphs)
    while start < end and paragraphs[start].lower() in junk:
        start += 1
    while end > start and paragraphs[end - 1].lower() in junk:
        end -= 1
    return paragraphs[start:end]


def parse_wire(
    text: str,
    *,
    origin: str,
    headline: str | None = None,
    dek: str | None = None,
    **fields,
) -> Article:
    """Read a story's text into an Article.

    Args:
        text: the story; when ``headline`` is None its first paragraph is the headline.
        headline, dek: known from metadata (a JSONL record, an HTML page); a body
            paragraph that repeats them is dropped.
        fields: further Article fields (source, url, published ...).

    Raises:
        InputError: no text is left once furniture is removed.
    """
    paragraphs = strip_furniture(split_paragraphs(clean_text(text)))
    fields = {k: clean_text(v) if isinstance(v, str) else v for k, v in fields.items()}
    if headline is not None:
        headline = _SPACES.sub(" ", clean_text(headline)).strip()
        paragraphs = _drop_repeat(paragraphs, headline)
    if dek:
        dek = _SPACES.sub(" ", clean_text(dek)).strip()
        paragraphs = _drop_repeat(paragraphs, dek)
    if not paragraphs:
        raise InputError(origin, "no article text; give a story with at least one paragraph")

    # Without a known headline the dateline may still open the first paragraph (wire text
    # with no headline line): then there is no headline to take.
    dateline, at = _find_dateline(paragraphs, 0, span=DATELINE_SEARCH_PARAGRAPHS + (headline is None))
    if headline is None:
        headline, paragraphs, at = _take_headline(paragraphs, at, dateline is not None)
    if dateline is not None:
        extra_dek, body = paragraphs[:at], paragraphs[at:]
        dek = " ".join(filter(None, [dek, *extra_dek])) or None
    else:
        body = paragraphs
    if not body:
        raise InputError(origin, "no body text after the headline; give the story's paragraphs too")
    return Article(headline=headline, dek=dek, dateline=dateline, paragraphs=tuple(body), origin=origin, **fields)


def _find_dateline(paragraphs: list[str], first: int, *, span: int) -> tuple[Dateline | None, int]:
    """The dateline within ``span`` paragraphs from ``first``, and the index of the paragraph
    it opens (whose text loses it)."""
    for index in range(first, min(len(paragraphs), first + span)):
        dateline, rest = parse_dateline(paragraphs[index])
        if dateline is not None:
            if rest.strip():
                paragraphs[index] = rest.strip()
            else:  # a dateline on a line of its own
                del paragraphs[index]
            return dateline, index
    return None, first


def _take_headline(paragraphs: list[str], at: int, has_dateline: bool) -> tuple[str, list[str], int]:
    """Use the first paragraph as headline when it reads like one: before the dateline (or
    with none), short, and not a sentence of the lead's length."""
    first = paragraphs[0]
    reads_as_lead = _SENTENCE_END.search(first) and len(_WORD.findall(first)) >= LEAD_MIN_WORDS
    if len(paragraphs) > 1 and len(first) <= MAX_HEADLINE_CHARS and (at >= 1 or not has_dateline) and not reads_as_lead:
        return first, paragraphs[1:], max(at - 1, 0)
    return "", paragraphs, at


def _drop_repeat(paragraphs: list[str], line: str) -> list[str]:
    if paragraphs and paragraphs[0].rstrip(".").lower() == line.rstrip(".").lower():
        return paragraphs[1:]
    return paragraphs
