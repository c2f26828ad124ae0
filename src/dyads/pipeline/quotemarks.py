"""Quoted stretches of text, found by their quotation marks, across sentences and paragraphs.

Works on characters, not tokens, so quotes that spaCy splits into several
sentences, or that run over paragraphs, come out whole. Each span runs from
the opening mark through the closing one.

    >>> text = 'He said, “We agree.” Then: "It works,\\n\\n"and it lasts."'
    >>> [text[s:e] for s, e in find_quoted(text)]
    ['“We agree.”', '"It works,\\n\\n"and it lasts."']

Rules:
- double marks (“ ” " « » „) and single ones (‘ ’ ' ‹ ›) are separate families; a
  single-mark quote inside a double-mark one (or the reverse) is nested and not reported;
- whether a mark opens or closes is read from its neighbours (a space before and a
  letter after opens), so straight quotes and misused curly ones both work;
- a paragraph that opens a quote without closing it continues when the next paragraph
  opens again (the wire convention for long quotes); otherwise the quote ends with its
  paragraph, so an odd number of marks never swallows the rest of the story;
- single marks double as apostrophes, so a single-mark quote must hold a space and close
  within its paragraph.
"""

from __future__ import annotations

import bisect
import re

# Marks as (opening, closing, either). Straight and curly marks are one family, since
# scraped text mixes them ('"We agree,” he said'); nesting within a family is tracked.
DOUBLE = ("“„«", "”»", '"')
SINGLE = ("‘‚‹", "’›", "'")
# Two apostrophes or backticks stand for a double mark in some archives (''We agree.'').
_DOUBLED = re.compile(r"''|``")
_STANDIN = "\x01"

# Characters after which a mark opens a quote rather than closing one.
_OPENING_CONTEXT = set("([{—–-―:/") | {"\u00a0"}
# Paragraphs are separated by any line break: feeds put one quote per line as often as
# one per blank-line paragraph.
_BLOCK = re.compile(r"[^\n]+")


def find_quoted(text: str) -> list[tuple[int, int]]:
    """Top-level quoted spans of ``text`` as (start, end) offsets, marks included, in order."""
    doubled = _DOUBLED.sub('"' + _STANDIN, text)
    double = [_widened(doubled, span) for span in _scan(doubled, *DOUBLE, single=False)]
    plain = _DOUBLED.sub(_STANDIN * 2, text)
    single = [s for s in _scan(plain, *SINGLE, single=True) if not _crosses_any(s, double)]
    return _outermost(set(double + single))


def _outermost(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans no other span holds, in order. By start, the longest first: a span is held
    by another exactly when one before it reaches as far (one pass, not a pair scan, which
    made a text of many quotation marks quadratic)."""
    kept, reach = [], -1
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if reach < end:
            kept.append((start, end))
        reach = max(reach, end)
    return kept


def _crosses_any(span: tuple[int, int], double: list[tuple[int, int]]) -> bool:
    """Whether the span crosses one of the double-quoted spans, which come in order and one
    after another: only those holding one of its ends can."""
    index = bisect.bisect_right(double, (span[1], span[1]))
    near = double[max(0, bisect.bisect_left(double, (span[0], -1)) - 1) : index]
    if len(near) > 2:  # more than the two that hold its ends lie within it
        near = near[:1] + near[-1:]
    return any(_crosses(span, d) for d in near)


def _widened(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A span closed by the first of two apostrophes ends after the second."""
    start, end = span
    return start, end + 1 if end < len(text) and text[end] == _STANDIN else end


def _crosses(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[0] < a[1] < b[1] or b[0] < a[0] < b[1] < a[1]


def _scan(text: str, opens: str, closes: str, either: str, *, single: bool) -> list[tuple[int, int]]:
    marks = set(opens + closes + either)
    blocks = [(m.start(), m.end()) for m in _BLOCK.finditer(text)]
    spans: list[tuple[int, int]] = []
    open_at: int | None = None  # where the outermost open quote starts
    depth = 0
    for number, (start, end) in enumerate(blocks):
        carried = open_at is not None
        if carried and not _reopens(text, start, end, text[open_at], opens, either):
            if not single:
                spans.append(_trimmed(text, open_at, blocks[number - 1][1]))  # ends with its paragraph
            open_at, depth = None, 0
        first = True
        for i in range(start, end):
            char = text[i]
            if char not in marks:
                first = first and char.isspace()
                continue
            role = _role(text, i, start, end, opens, closes, single=single)
            if first and open_at is not None and open_at < start:
                role = None  # the mark that continues a quote from the paragraph before
            first = False
            if role == "open":
                if open_at is None:
                    open_at, depth = i, 1
                else:
                    depth += 1
            elif role == "close" and open_at is not None:
                depth -= 1
                if depth == 0:
                    spans.append((open_at, i + 1))
                    open_at = None
    if open_at is not None and not single:
        spans.append(_trimmed(text, open_at, blocks[-1][1]))
    return [s for s in spans if not single or _holds_words(text, s)]


def _role(text: str, i: int, start: int, end: int, opens: str, closes: str, *, single: bool) -> str | None:
    """Whether the mark at ``i`` opens or closes a quote (or neither), from its neighbours."""
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    opening = (before.isspace() or before in _OPENING_CONTEXT or before in opens) and not after.isspace()
    closing = not before.isspace() and (after.isspace() or not after.isalnum())
    if single:
        # Inside a word (don't, Kosachev's) a single mark is an apostrophe.
        if before.isalnum() and after.isalnum():
            return None
        return "open" if opening else "close" if closing else None
    char = text[i]
    if char in opens:
        return "close" if closing and not opening and after in " ,.;:!?" else "open"
    if char in closes:
        return "open" if opening and not closing else "close"
    return "open" if opening else "close" if closing else None


def _reopens(text: str, start: int, end: int, opener: str, opens: str, either: str) -> bool:
    """The paragraph starts with a mark of the same style as the open quote's: it continues it."""
    stripped = text[start:end].lstrip()
    if not stripped:
        return False
    mark = stripped[0]
    if opener in either:
        return mark == opener
    return mark in opens or (mark in "”’" and len(stripped) > 1 and stripped[1].isalnum())


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return start, end


def _holds_words(text: str, span: tuple[int, int]) -> bool:
    """A single-mark quote holds at least two words; 'n' or '90s are not quotes."""
    return " " in text[span[0] : span[1]].strip()
