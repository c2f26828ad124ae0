"""Who reports an event: the speaker of the quote it sits in, or of the clause that tells it.

The quotes stage (being built beside this one) will give ``Quote`` records with
resolved speakers; until it lands, quotation marks are found here and the speaker
is the subject of a speech verb next to the quote. ``QUOTES_HOOK`` names the
``Analysis`` attribute to read first once it exists.

    >>> spans = quote_spans('He said: "We met them." Then "more" came.')
    >>> [('He said: "We met them." Then "more" came.'[s:e]) for s, e in spans]
    ['We met them.', 'more']
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from dyads.records import Analysis

# When Analysis gains ``quotes`` (records with start, end and a speaker actor id),
# the events stage takes quotes and speakers from there instead of the marks below.
QUOTES_HOOK = "quotes"
SPEECH_VERBS = frozenset(
    {
        "say",
        "tell",
        "state",
        "add",
        "note",
        "explain",
        "stress",
        "point",
        "claim",
        "announce",
        "report",
        "declare",
        "insist",
        "warn",
        "emphasize",
        "emphasise",
        "underline",
        "remark",
        "write",
        "quote",
        "reiterate",
        "confirm",
        "believe",
        "argue",
        "assert",
        "affirm",
        "observe",
        "comment",
        "reply",
        "respond",
        "answer",
        "acknowledge",
        "admit",
        "recall",
    }
)
FIRST_PERSON = frozenset({"we", "us", "our", "ours"})
_QUOTE = re.compile(r"[\"“”«»]")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside paired quotation marks, paragraph by paragraph (an unclosed quote
    runs to the end of its paragraph, as wire copy continues quotes across sentences)."""
    spans = []
    offset = 0
    for paragraph in text.split("\n\n"):
        marks = [m.start() for m in _QUOTE.finditer(paragraph)]
        for i in range(0, len(marks), 2):
            start = marks[i] + 1
            end = marks[i + 1] if i + 1 < len(marks) else len(paragraph)
            spans.append((offset + start, offset + end))
        offset += len(paragraph) + 2
    return spans


def quotes_of(analysis: Analysis) -> list[tuple[int, int, str | None]]:
    """(start, end, speaker actor id) of every quote: from the quotes stage when present."""
    staged = getattr(analysis, QUOTES_HOOK, None)
    if staged:
        # The words inside quotation marks, as the fallback below finds them: an indirect quote's
        # "it would not lift the ban" is the teller's clause, where "it" still means the teller.
        return [(s, e, q.speaker_id) for q in staged if q.kind != "indirect" for s, e in q.parts]
    return [(s, e, None) for s, e in quote_spans(analysis.article.text)]


def enclosing_quote(quotes: list[tuple[int, int, str | None]], start: int, end: int):
    return next((q for q in quotes if q[0] <= start and end <= q[1]), None)


def quote_speaker(doc: Doc, analysis: Analysis, quote: tuple[int, int, str | None]) -> str | None:
    """The actor who speaks a quote: the subject of a speech verb outside the quote,
    in the quote's sentences first, then in the paragraph's next and previous sentences."""
    if quote[2]:
        return quote[2]
    start, end = quote[0], quote[1]
    sentences = [s for s in analysis.sentences if s.end > start - 1 and s.start < end + 1]
    if not sentences:
        return None
    first, last = sentences[0].index, sentences[-1].index
    paragraph = sentences[0].paragraph
    around = [s for s in analysis.sentences if s.paragraph == paragraph and s.section == sentences[0].section]
    ordered = sentences[::-1] + [s for s in around if s.index > last] + [s for s in around[::-1] if s.index < first]
    for sentence in ordered:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        for token in span or ():
            if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB" and not (start <= token.idx < end):
                speaker = _speaker_of(token, analysis, start, end)
                if speaker:
                    return speaker
    return None


def clause_speaker(token: Token, analysis: Analysis) -> str | None:
    """The speaker of reported speech: "X said (that) Y attacked Z" gives X for "attacked"."""
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("ccomp", "parataxis") and node.head.lemma_.lower() in SPEECH_VERBS:
            return _speaker_of(node.head, analysis, -1, -1)
        node = node.head
    return None


def _speaker_of(verb: Token, analysis: Analysis, quote_start: int, quote_end: int) -> str | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and not (quote_start <= child.idx < quote_end):
            mention = analysis.mention_at(child.idx, child.idx + len(child))
            if mention is None:
                left, right = child.left_edge, child.right_edge
                mention = analysis.mention_at(left.idx, right.idx + len(right))
            if mention is not None:
                return mention.actor_id
    return None
