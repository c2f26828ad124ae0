"""Frozen records: the contract between readers, pipeline stages, storage and interfaces.

Every derived record carries character offsets (``start``, ``end``) into
``Article.text``, so any row can be traced back to the words that produced it.

    >>> a = Article(headline="Talks resume", paragraphs=("Envoys met on Monday.",), origin="x.txt")
    >>> a.text
    'Talks resume\\n\\nEnvoys met on Monday.'
    >>> [(s.kind, a.text[s.start:s.end]) for s in a.sections()]
    [('headline', 'Talks resume'), ('body', 'Envoys met on Monday.')]
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field

PARAGRAPH_BREAK = "\n\n"
# Length of the hex content hash used as an article id: 64 bits, so a collision
# among a billion articles has a chance of about 3%; enough for an archive, short to type.
ID_HEX_CHARS = 16

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Dateline:
    """The dateline of a wire story: ``TOKYO, January 26. /TASS/.``.

    ``date_text`` is the date as written; ``month``/``day``/``year`` what it
    says, with ``year`` None when the dateline gives none.
    """

    raw: str
    place: str | None = None
    date_text: str | None = None
    agency: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class Section:
    """One paragraph-like part of ``Article.text``: headline, dek or a body paragraph."""

    kind: str  # "headline" | "dek" | "body"
    index: int  # paragraph number within its kind
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """One news story as read, before any NLP.

    ``text`` (headline, dek and body paragraphs joined by blank lines) is the
    string every offset in every derived record points into.
    """

    headline: str
    paragraphs: tuple[str, ...]
    origin: str
    dek: str | None = None
    dateline: Dateline | None = None
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    external_id: str | None = None

    @property
    def text(self) -> str:
        return PARAGRAPH_BREAK.join(part for _, _, part in self._parts())

    @functools.cached_property
    def id(self) -> str:
        """Content hash of headline and body, so the same story is stored once.

        Computed once per instance (every derived row carries it); the fields
        are frozen, so it cannot go stale.
        """
        canonical = "\n".join(_SPACES.sub(" ", part).strip() for part in (self.headline, *self.paragraphs))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]

    def sections(self) -> list[Section]:
        """The headline, dek and body paragraphs with their offsets into ``text``."""
        sections, offset = [], 0
        for kind, index, part in self._parts():
            sections.append(Section(kind, index, offset, offset + len(part)))
            offset += len(part) + len(PARAGRAPH_BREAK)
        return sections

    def _parts(self):
        if self.headline:
            yield "headline", 0, self.headline
        if self.dek:
            yield "dek", 0, self.dek
        for index, paragraph in enumerate(self.paragraphs):
            yield "body", index, paragraph

    def replace(self, **changes) -> "Article":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article, by offsets into ``Article.text``."""

    index: int
    start: int
    end: int
    section: str
    paragraph: int


@dataclass(frozen=True)
class Entity:
    """A named-entity mention found by the NLP pipeline."""

    index: int
    start: int
    end: int
    label: str
    text: str
    sentence: int


@dataclass(frozen=True)
class Actor:
    """Who a mention stands for: a country (or its government), a person, a group.

    ``id`` is stable across articles (a hash of kind and identity), so the same
    person in two stories is one actor. ``country`` is ISO 3166 alpha-3;
    ``sector`` a CAMEO/PLOVER sector code (GOV, LEG, MIL, JUD, COP, PTY, OPP,
    BUS, MED, CVL, IGO ...); ``members`` the member states of a group as of the
    article's date, less any the text excludes ("other G7 countries").
    """

    id: str
    kind: str  # "country" | "person" | "group" | "organization"
    name: str
    country: str | None = None
    sector: str | None = None
    title: str | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A stretch of text that refers to an actor, or a place that is not one.

    ``kind`` says how it refers: "name", "surname", "nominal" ("the lawmaker"),
    "pronoun", "country", "demonym", "capital" (Moscow for the Russian
    government), "group", or "place" (a location, not an actor; ``actor_id`` None).
    ``chain`` numbers the coreference chain within the article.
    """

    index: int
    start: int
    end: int
    sentence: int
    text: str
    kind: str
    actor_id: str | None
    chain: int | None = None


@dataclass(frozen=True)
class Event:
    """Who did what to whom in one sentence: a PLOVER event with its CAMEO code and evidence.

    ``actors`` and ``recipients`` are actor ids (see ``Analysis.actor``), one entry per
    party as PLOVER lists compound and reciprocal parties; ``actor_spans`` and
    ``recipient_spans`` give, in the same order, the ``(start, end)`` of the words that
    name each. A meeting with no host lists every party as an actor. Offsets point
    into ``Article.text``.

    Dates: ``date`` is the first day of the period the event is dated to, when the year
    is known; ``date_year``/``date_month``/``date_day`` say what is known (a dateline
    without a year gives month and day only); ``date_precision`` is "day", "week",
    "month" or "year"; ``date_source`` "text" (words in the sentence) or "dateline"/
    "published" (the story's own date, for an undated event). ``historical``: the event
    is dated well before publication or told as background. ``found_by`` says which part of
    the stage coded the event: "rules" (a trigger word, its type possibly weighed by the
    learned coder) or "model" (the learned coder, where no trigger named the act).
    """

    index: int
    sentence: int
    type: str  # PLOVER type
    mode: str | None
    cameo: str  # CAMEO code as a string, leading zero kept ("042")
    cameo_root: str
    goldstein: float
    quad_class: int  # CAMEO/GDELT quad class 1..4
    score: float  # PLOVER conflict-cooperation score
    contexts: tuple[str, ...]
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    actor_spans: tuple[tuple[int, int], ...]
    recipient_spans: tuple[tuple[int, int], ...]
    trigger_start: int
    trigger_end: int
    start: int  # the evidence sentence
    end: int
    date: dt.date | None = None
    date_year: int | None = None
    date_month: int | None = None
    date_day: int | None = None
    date_precision: str | None = None
    date_source: str | None = None
    date_start: int | None = None  # the date words, when the sentence has them
    date_end: int | None = None
    place: str | None = None
    place_country: str | None = None  # ISO 3166 alpha-3
    place_lat: float | None = None
    place_lon: float | None = None
    place_geonameid: int | None = None
    place_source: str | None = None  # "text" | "dateline"
    place_start: int | None = None
    place_end: int | None = None
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    historical: bool = False
    quoted: bool = False  # inside quotation marks
    reported_by: str | None = None  # actor id of the speaker when quoted or reported
    confidence: float = 0.0
    found_by: str = "rules"  # "rules": a trigger word; "model": the learned event coder (pipeline/event_coder.py)


@dataclass(frozen=True)
class Quote:
    """Who said what: a direct, indirect or mixed quote, all by offsets into ``Article.text``.

    ``parts`` are the pieces of the content in order: one for most quotes, two
    or more for a split quote (``"...," he said, "..."``) or a quote continued
    after its cue; ``start``/``end`` span them all. The cue is the reporting
    word ("said", "pointed out", "according to", or ":" in ``X: ...``).
    ``speaker_start``/``speaker_end`` mark the speaker mention as written ("the
    lawmaker", "he") and stay even when ``speaker_id`` is None because no actor
    could be resolved; all speaker fields are None when the text names nobody.
    ``speaker_kind`` is "name", "pronoun", "nominal" or "none". ``about`` holds
    the ids of actors mentioned inside the content. ``found_by`` is "rules" for a quote of
    the cue rules and attribution model, "tagger" for a span the quote tagger added
    (``--quotes tagged``), whose cue and speaker the parse gives.
    """

    index: int
    start: int
    end: int
    parts: tuple[tuple[int, int], ...]
    kind: str  # "direct" | "indirect" | "mixed"
    sentence: int
    cue_start: int | None = None
    cue_end: int | None = None
    cue_lemma: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_kind: str = "none"  # "name" | "pronoun" | "nominal" | "none"
    speaker_id: str | None = None
    about: tuple[str, ...] = ()
    found_by: str = "rules"  # one of FOUND_BY


FOUND_BY = ("rules", "tagger")


@dataclass(frozen=True)
class Analysis:
    """Everything the pipeline derived from one article."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    actors: tuple[Actor, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()
    quotes: tuple[Quote, ...] = ()

    def actor(self, actor_id: str | None) -> Actor | None:
        """The actor of this article with that id."""
        return self._actor_index.get(actor_id)

    def mention_at(self, start: int, end: int) -> Mention | None:
        """The actor mention that best covers the span [start, end): the longest overlapping one."""
        overlapping = [m for m in self.mentions_in(start, end) if m.actor_id]
        return max(overlapping, key=lambda m: (min(end, m.end) - max(start, m.start), -m.start), default=None)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """The mentions that overlap the span [start, end), in text order.

        Looked up in an index sorted by start, so that a stage asking once per word or
        event costs the same per lookup in a 60,000-word article as in a short one.
        """
        starts, ordered, longest = self._mention_index
        first = bisect.bisect_left(starts, start - longest)
        return [m for m in ordered[first : bisect.bisect_left(starts, end)] if m.start < end and start < m.end]

    @functools.cached_property
    def _actor_index(self) -> dict[str, Actor]:
        return {a.id: a for a in reversed(self.actors)}  # the first of a repeated id, as before

    @functools.cached_property
    def _mention_index(self) -> tuple[list[int], list[Mention], int]:
        ordered = sorted(self.mentions, key=lambda m: m.start)  # stable: ties keep their order
        return [m.start for m in ordered], ordered, max((m.end - m.start for m in ordered), default=0)


@dataclass(frozen=True)
class Failure:
    """An input that could not be read or processed, and why."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Unread:
    """A file a folder holds that no reader takes (a .pdf, .zip, .jpg, a name without suffix)."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """Something to know about a record that was still read: its date field held no date.

    ``origin`` is the record (``feed.jsonl:88``), ``file`` the input that holds it,
    ``reason`` what was wrong with this record, and ``gist`` the same for many records
    of one file ("had a date field that is no full date; ..."), which groups them.
    """

    origin: str
    file: str
    reason: str
    gist: str


@dataclass
class IngestSummary:
    """Counts of one ingest run, for the closing line and ``--json``.

    ``article_ids`` lists every article read, whether stored now or before.
    """

    ingested: int = 0
    duplicates: int = 0
    skipped: int = 0
    updated: int = 0  # stored stories a later copy filled in (``dyads.dedup.FILLABLE_FIELDS``)
    failures: list[Failure] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)  # files of a folder no reader takes
    notices: list[Notice] = field(default_factory=list)  # records read with a warning
    run_id: str | None = None  # the ``runs`` row of the ingest, once it started

    def notice_lines(self, *, verbose: bool = False) -> list[str]:
        """The notices, one line per file and kind with a count; with ``verbose``, every one."""
        if verbose:
            return [f"note {n.origin}: {n.reason}" for n in self.notices]
        groups: dict[tuple[str, str], list[Notice]] = {}
        for notice in self.notices:
            groups.setdefault((notice.file, notice.gist), []).append(notice)
        lines = []
        for (file, gist), notices in groups.items():
            if len(notices) == 1:
                lines.append(f"note {notices[0].origin}: {notices[0].reason}")
            else:
                lines.append(
                    f"note: {len(notices):,} records in {file} {gist} (first {notices[0].origin}; -v lists each)"
                )
        return lines

    def line(self) -> str:
        line = f"{self.ingested} ingested, {self.duplicates} duplicates, {self.skipped} skipped"
        if self.updated:
            line += f", {self.updated} updated"
        if self.unread:
            line += f", {len(self.unread)} not read (not news formats; -v lists them)"
        return line
