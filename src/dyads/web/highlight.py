"""An article's text as HTML with its actors, quotes and events marked, every character escaped.

Article text is hostile input: it is only ever emitted through ``markupsafe.escape``,
and so are the attribute values built from it. Spans may overlap in any way (a
quote holding mentions, a trigger inside a quote), so the text is cut at every
span boundary and each piece is wrapped in the layers that cover it, outermost
first: sentence, quote, speaker, event trigger, mention.

    >>> text = 'Talks\\n\\n"We <agree>," Solberg said.'
    >>> html = highlight(text, sentences=[{"start": 7, "end": 33}],
    ...                  quotes=[{"n": 0, "start": 7, "end": 20, "speaker_start": 21, "speaker_end": 28,
    ...                           "speaker_id": "person:s", "speaker": "Ingrid Solberg"}])
    >>> "&lt;agree&gt;" in html and "<agree>" not in html
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote as url_quote

from markupsafe import Markup, escape

PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class _Layers:
    sentence: int | None
    quote: int | None
    speaker: int | None
    trigger: tuple[int, str] | None
    mention: tuple[str | None, str, str] | None  # actor id, kind, title


def highlight(
    text: str,
    *,
    sentences: list[dict] = (),
    quotes: list[dict] = (),
    events: list[dict] = (),
    mentions: list[dict] = (),
    actor_names: dict[str, str] | None = None,
) -> Markup:
    """``text`` as paragraphs (``<p>``; the first is the headline) with marked spans.

    Args:
        sentences: {start, end}; each gets ``data-s`` (its index) for links to ``#s-N``.
        quotes: {n, start, end, parts: [{start, end}], speaker_start, speaker_end, speaker_id, speaker}.
        events: {n, type, evidence: {trigger: {start, end}}} (``views.event_view``).
        mentions: {start, end, kind, actor_id}.
        actor_names: actor id -> name, for mention titles.
    """
    names = actor_names or {}
    spans = _spans(sentences, quotes, events, mentions)
    paragraphs, offset, anchored = [], 0, set()
    for part in text.split(PARAGRAPH_BREAK):
        paragraphs.append(_paragraph(text, offset, offset + len(part), spans, names, quotes, anchored))
        offset += len(part) + len(PARAGRAPH_BREAK)
    return Markup("\n".join(paragraphs))


def _spans(sentences, quotes, events, mentions) -> list[tuple[int, int, str, object]]:
    spans = [(s["start"], s["end"], "sentence", i) for i, s in enumerate(sentences)]
    for q in quotes:
        for part in q.get("parts") or [{"start": q["start"], "end": q["end"]}]:  # a split quote skips its cue
            spans.append((part["start"], part["end"], "quote", q["n"]))
        if q.get("speaker_start") is not None:
            spans.append((q["speaker_start"], q["speaker_end"], "speaker", q["n"]))
    for e in events:
        trigger = e["evidence"]["trigger"]
        spans.append((trigger["start"], trigger["end"], "trigger", (e["n"], e["type"])))
    for m in mentions:
        spans.append((m["start"], m["end"], "mention", (m.get("actor_id"), m["kind"])))
    return [s for s in spans if s[0] < s[1]]


def _paragraph(text: str, start: int, end: int, spans, names, quotes, anchored: set) -> str:
    inside = [s for s in spans if s[0] < end and start < s[1]]
    cuts = sorted({start, end} | {max(start, min(end, p)) for s in inside for p in s[:2]})
    pieces, previous, run = [], None, []
    for left, right in zip(cuts, cuts[1:]):
        layers = _layers([s for s in inside if s[0] <= left and right <= s[1]], names)
        if layers != previous and run:
            pieces.append(_wrap(previous, "".join(run), quotes, anchored))
            run = []
        run.append(str(escape(text[left:right])))
        previous = layers
    if run:
        pieces.append(_wrap(previous, "".join(run), quotes, anchored))
    return f"<p>{''.join(pieces)}</p>"


def _layers(covering, names) -> _Layers:
    def pick(kind, key=lambda s: s[1] - s[0]):
        found = [s for s in covering if s[2] == kind]
        return min(found, key=key)[3] if found else None

    mention = pick("mention")
    if mention is not None:
        actor_id, kind = mention
        mention = (actor_id, kind, names.get(actor_id, "") if actor_id else "place")
    return _Layers(pick("sentence"), pick("quote"), pick("speaker"), pick("trigger"), mention)


def _wrap(layers: _Layers, html: str, quotes, anchored: set) -> str:
    """``html`` inside the layers that cover it; the first piece of each sentence gets its anchor id."""
    if layers.mention is not None:
        actor_id, kind, title = layers.mention
        if actor_id:
            html = (
                f'<a class="mention m-{escape(kind)}" href="/actors/{escape(url_quote(actor_id, safe=":"))}" '
                f'title="{escape(title)}">{html}</a>'
            )
        else:
            html = f'<span class="place" title="place">{html}</span>'
    if layers.trigger is not None:
        n, type_ = layers.trigger
        html = (
            f'<mark class="trigger t-{escape(type_.lower())}" data-event="{n}" '
            f'title="{escape(type_)} (event {n})">{html}</mark>'
        )
    if layers.speaker is not None:
        html = f'<span class="speaker" data-quote="{layers.speaker}">{html}</span>'
    if layers.quote is not None:
        speaker = next((q.get("speaker") for q in quotes if q["n"] == layers.quote), None)
        html = (
            f'<mark class="quote" data-quote="{layers.quote}" '
            f'title="{escape("quote of " + speaker if speaker else "quote, speaker unknown")}">{html}</mark>'
        )
    if layers.sentence is not None:
        anchor = "" if layers.sentence in anchored else f' id="s-{layers.sentence}"'
        anchored.add(layers.sentence)
        html = f'<span class="s" data-s="{layers.sentence}"{anchor}>{html}</span>'
    return html
