"""``dyads eval events``: events against human-coded gold records.

Reads two formats, one JSON record a line:
- PLOVER gold-standard records (``openeventdata/PLOVER`` ``gold_standard_records``):
  ``text``, ``event_v2`` (or ``event``), ``actor`` and ``recipient`` lists of ``{code, sector}``;
- plain: ``{"id", "text", "date"?, "events": [{"type", "mode"?, "actors": [{"code", "sector"?}],
  "recipients": [...]}]}``; an empty ``events`` list is a sentence that must yield nothing.

Each record's text runs through the whole pipeline as a one-paragraph story. The
sentence's event is the pipeline's primary one (``events.primary``: asserted, most
confident, first), compared with the record's first gold event:
- type accuracy and macro-F1 over PLOVER types (and F1 per type);
- detection precision and recall: whether a record has any event at all;
- actor (recipient) country accuracy: of the records where an event was found and the
  gold names actors (recipients), the share whose gold codes all appear among the
  predicted ones; ``*_strict`` divides by every gold record instead;
- fully right: type, actors and recipients all right, over every record with a gold event;
- event precision, recall and F1 (story level): every event the pipeline finds in a
  record against every gold event of that record, one to one, where a pair matches when
  the type is the same and the actor and recipient country sets are equal (parties whose
  country no one knows left out). A story's gold lists all its events, each with
  ``sentence`` and ``trigger`` character spans (``[start, end]``) for reading errors;
  the same act told twice (dek and body) is one gold event, and one predicted event with
  its evidence in either sentence matches it. Predicted events that repeat one gold
  event's type and parties count once.

A story record's ``text`` is wire text (headline, blank line, dateline paragraph, body
paragraphs): it is read as ``dyads ingest`` reads a text file; a record with no blank
line is one sentence, run as a one-paragraph story.

Old CAMEO country codes in gold (``JAP``) are mapped to ISO 3166 alpha-3
(``data/cameo-country-codes.tsv``); PLOVER 2.0's UNO and EUR count as IGO, which the
older gold writes for every intergovernmental body.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc

from dyads import nlp as nlp_module
from dyads.errors import QueryError
from dyads.evaluate.scoring import prf
from dyads.ontology import TYPES, entity_code, party_actor
from dyads.pipeline import analyze, analyze_all, parse_all, triggers
from dyads.readers.wire import parse_wire
from dyads.pipeline.events import CODING, Coding, extract_events, primary
from dyads.records import Analysis, Article

# How the older gold writes intergovernmental bodies.
_IGO_ALIASES = {"UNO": "IGO", "EUR": "IGO"}


@dataclass(frozen=True)
class GoldEvent:
    type: str
    mode: str | None
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    sentence: tuple[int, int] | None = None  # character span of the evidence sentence
    trigger: tuple[int, int] | None = None

    @property
    def key(self) -> tuple[str, frozenset, frozenset]:
        return self.type, frozenset(self.actors), frozenset(self.recipients)


@dataclass(frozen=True)
class GoldRecord:
    id: str
    text: str
    date: dt.date | None
    events: tuple[GoldEvent, ...]


@dataclass
class RecordResult:
    id: str
    text: str
    gold: GoldEvent | None
    predicted_type: str | None
    predicted_actors: tuple[str, ...]
    predicted_recipients: tuple[str, ...]
    trigger: str | None
    all_types: tuple[str, ...] = ()
    gold_events: tuple[GoldEvent, ...] = ()
    predicted_events: tuple[tuple[str, frozenset, frozenset], ...] = ()  # (type, actor codes, recipient codes)

    @property
    def matched_events(self) -> int:
        """Gold events matched one to one by a predicted event of the same type and parties."""
        gold = Counter(g.key for g in self.gold_events)
        predicted = Counter(self.predicted_events)
        return sum(min(n, predicted[key]) for key, n in gold.items())

    @property
    def type_right(self) -> bool:
        return self.gold is not None and self.predicted_type == self.gold.type

    @property
    def actor_right(self) -> bool | None:
        if self.gold is None or not self.gold.actors:
            return None
        return set(self.gold.actors) <= set(self.predicted_actors)

    @property
    def recipient_right(self) -> bool | None:
        if self.gold is None or not self.gold.recipients:
            return None
        return set(self.gold.recipients) <= set(self.predicted_recipients)

    @property
    def fully_right(self) -> bool:
        return self.type_right and self.actor_right is not False and self.recipient_right is not False


@dataclass
class EventScores:
    records: int
    type_accuracy: float
    type_macro_f1: float
    per_type: dict[str, dict[str, float]]
    detection_precision: float
    detection_recall: float
    actor_country_accuracy: float
    actor_country_accuracy_strict: float
    recipient_country_accuracy: float
    recipient_country_accuracy_strict: float
    fully_right: float
    event_precision: float = 0.0
    event_recall: float = 0.0
    event_f1: float = 0.0
    results: list[RecordResult] = field(default_factory=list)

    def summary(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "results"}


@functools.cache
def _old_codes() -> dict[str, str]:
    text = resources.files("dyads.data").joinpath("cameo-country-codes.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {r["cameo"]: r["iso3"] for r in csv.DictReader(lines, delimiter="\t")}


def normalize_code(code: str | None) -> str | None:
    """A gold or predicted entity code in the form both are compared in."""
    if not code:
        return None
    code = code.strip().upper()[:3]
    code = _old_codes().get(code, code)
    return _IGO_ALIASES.get(code, code)


def read_gold(path: Path) -> list[GoldRecord]:
    """Gold records from a JSONL file in either format.

    Raises:
        QueryError: the file is missing, or a line is not a gold record.
    """
    if not path.is_file():
        raise QueryError(f"{path}: no such file; give a JSONL file of gold records")
    records = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(_record(json.loads(line), number))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise QueryError(f"{path}:{number}: not a gold record ({e}); see `dyads eval events -h`") from e
    return records


def _record(data: dict, number: int) -> GoldRecord:
    date = dt.date.fromisoformat(data["date"][:10]) if data.get("date") else None
    if "events" in data:
        events = tuple(
            GoldEvent(
                type=_type(e["type"]),
                mode=e.get("mode"),
                actors=_codes(e.get("actors", ())),
                recipients=_codes(e.get("recipients", ())),
                sentence=_span(e.get("sentence")),
                trigger=_span(e.get("trigger")),
            )
            for e in data["events"]
        )
    else:
        event = data.get("event_v2") or data.get("event")
        event = event[0] if isinstance(event, list) else event
        events = (
            (
                GoldEvent(
                    type=_type(event),
                    mode=data.get("mode_hint_v2") or data.get("mode"),
                    actors=_codes(data.get("actor", ())),
                    recipients=_codes(data.get("recipient", ())),
                ),
            )
            if event
            else ()
        )
    return GoldRecord(str(data.get("id", number)), data["text"], date, events)


def _span(value) -> tuple[int, int] | None:
    if value is None:
        return None
    start, end = value
    return int(start), int(end)


def _type(value: str) -> str:
    name = value.strip().upper()
    if name not in TYPES:
        raise ValueError(f"{value!r} is not a PLOVER type")
    return name


def _codes(parties) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in (normalize_code(p.get("code")) for p in parties) if c))


def evaluate_events(path: Path, *, coding: Coding = CODING) -> EventScores:
    """Run the pipeline over every gold record and score it."""
    parsed = _parsed(path)
    return score([_result(g, _recoded(doc, a, coding)) for g, doc, a in parsed])


def _parsed(path: Path) -> list[tuple[GoldRecord, Doc, Analysis]]:
    gold = read_gold(path)
    if not gold:
        raise QueryError(f"{path}: no gold records")
    articles = [_article(g) for g in gold]
    pairs = parse_all(articles, nlp=nlp_module.load())
    return [(g, doc, analyze(article, doc)) for g, (doc, article, _) in zip(gold, pairs)]


def _article(gold: GoldRecord) -> Article:
    if "\n\n" not in gold.text.strip():
        return Article(headline="", paragraphs=(gold.text,), origin=gold.id, published=gold.date)
    article = parse_wire(gold.text, origin=gold.id)
    return article.replace(published=gold.date or article.published)


def _recoded(doc: Doc, analysis: Analysis, coding: Coding) -> Analysis:
    if coding == CODING:
        return analysis
    return dataclasses.replace(analysis, events=extract_events(doc, analysis, coding=coding))


# The codings K-fold cross-validation chooses among: every combination of these values.
# ``fill`` stops at 0.4: the PLOVER records all hold an event, so they cannot price an event
# the coder gives a sentence that tells none; below 0.4 it codes appeals and statements
# ("Kenya urged Uganda to reopen the border", CAMEO 02: no event; tests/test_events.py).
CODING_GRID = tuple(
    Coding(weight=w, retype=r, fill=f, recipients=rc)
    for w in (0.0, 0.1)
    for r in (1.0, 0.5, 0.3)
    for f in (1.01, 0.6, 0.5, 0.4)
    for rc in (0, 1, 2)
)
# Each trigger row's support in the training stories, and whether it is the manuals' word
# for its code (scripts/trigger_support.py; rebuild it when event-triggers.tsv changes).
SUPPORT = "event-trigger-support.tsv"


def selection_figure(scores: EventScores) -> float:
    """What a coding is chosen by: the mean of the four figures the targets name, the party
    accuracies over every gold record (``*_strict``), so a coding gains nothing by finding
    fewer events: over found events only, leaving a hard sentence out raises them."""
    return (
        scores.type_macro_f1
        + scores.actor_country_accuracy_strict
        + scores.recipient_country_accuracy_strict
        + scores.fully_right
    ) / 4


@dataclass
class CrossValidation:
    folds: int
    scores: EventScores  # the held-out folds' results, pooled
    chosen: list[Coding]  # the coding each fold's training part chose
    best: Coding  # the coding all records choose (what CODING should hold)
    left_out: list[int]  # per fold, the trigger rows that fired in it but that its training part does not support


def fired_rows(doc: Doc, analysis: Analysis) -> list[tuple[str, str]]:
    """(trigger row, event type) of each event the trigger rules found in an analysis."""
    rows = []
    for event in analysis.events:
        if event.found_by != "rules":
            continue
        span = doc.char_span(event.trigger_start, event.trigger_end, alignment_mode="expand")
        trigger = triggers.match(span[0]) if span is not None and len(span) else None
        if trigger is not None:
            rows.append((trigger.key, event.type))
    return rows


@functools.cache
def training_support() -> Counter:
    """Trigger row -> the training stories it codes with their own type (``SUPPORT``)."""
    return Counter({r["row"]: int(r["supported"]) for r in _support_rows()})


@functools.cache
def manual_rows() -> frozenset[str]:
    """The trigger rows whose word the manuals use for their CAMEO code or PLOVER type (``SUPPORT``)."""
    return frozenset(r["row"] for r in _support_rows() if r["manual"] == "1")


def _support_rows() -> list[dict]:
    text = resources.files("dyads.data").joinpath(SUPPORT).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def cross_validate_events(path: Path, *, folds: int = 5, grid: tuple[Coding, ...] = CODING_GRID) -> CrossValidation:
    """K-fold CV of the whole event coder, trigger table included: score each fold with the
    trigger rows its training part supports, and the coding its training part chooses.

    The trigger table was written by people who had read these records, so a row may fit
    one record and nothing else. A row is *supported* outside fold k when it codes the
    record's own type in another fold, codes a training story's own type
    (``training_support``), or uses the manuals' own word for its code (``manual_rows``);
    fold k is scored as if the table had only those rows. The
    coding (``Coding``) is chosen on the other folds' records, each scored the same way.
    Record i is in fold i mod K (the PLOVER file is sorted by type, so folds are stratified).
    """
    if folds < 2:
        raise QueryError(f"--folds {folds}: give 2 or more folds")
    parsed = _parsed(path)
    hits = [
        {key for key, type_name in fired_rows(doc, a) if type_name in {e.type for e in g.events}}
        for g, doc, a in parsed
    ]
    every_row = {t.key for rows in triggers.lexicon().values() for t in rows}
    support = training_support()
    results: dict[Coding, list] = {c: [None] * len(parsed) for c in grid}
    left_out = []
    for k in range(folds):
        supported = {key for i, found in enumerate(hits) if i % folds != k for key in found}
        supported |= {key for key, n in support.items() if n > 0} | manual_rows()
        unsupported = frozenset(every_row - supported)
        left_out.append(len({key for i, found in enumerate(hits) if i % folds == k for key in found} & unsupported))
        with triggers.without(unsupported):
            for c in grid:
                for i, (g, doc, a) in enumerate(parsed):
                    if i % folds == k:
                        results[c][i] = _result(g, dataclasses.replace(a, events=extract_events(doc, a, coding=c)))
    pooled, chosen = [], []
    for k in range(folds):
        train = lambda c: [r for i, r in enumerate(results[c]) if i % folds != k]  # noqa: E731
        pick = max(grid, key=lambda c: selection_figure(score(train(c))))
        chosen.append(pick)
        pooled += [r for i, r in enumerate(results[pick]) if i % folds == k]
    best = max(grid, key=lambda c: selection_figure(score(results[c])))
    return CrossValidation(folds, score(pooled), chosen, best, left_out)


def _result(gold: GoldRecord, analysis: Analysis) -> RecordResult:
    event = primary(analysis.events)

    def codes(ids):
        return tuple(
            dict.fromkeys(c for c in (normalize_code(entity_code(party_actor(analysis, i))) for i in ids) if c)
        )

    text = analysis.article.text
    return RecordResult(
        id=gold.id,
        text=gold.text,
        gold=gold.events[0] if gold.events else None,
        predicted_type=event.type if event else None,
        predicted_actors=codes(event.actors) if event else (),
        predicted_recipients=codes(event.recipients) if event else (),
        trigger=text[event.trigger_start : event.trigger_end] if event else None,
        all_types=tuple(e.type for e in analysis.events),
        gold_events=gold.events,
        predicted_events=tuple(
            dict.fromkeys((e.type, frozenset(codes(e.actors)), frozenset(codes(e.recipients))) for e in analysis.events)
        ),
    )


def score(results: list[RecordResult]) -> EventScores:
    with_gold = [r for r in results if r.gold is not None]
    detected = [r for r in results if r.predicted_type is not None]
    both = [r for r in with_gold if r.predicted_type is not None]
    per_type = {}
    for name in TYPES:
        gold_n = sum(1 for r in with_gold if r.gold.type == name)
        predicted_n = sum(1 for r in results if r.predicted_type == name)
        if not gold_n and not predicted_n:
            continue
        true_n = sum(1 for r in with_gold if r.gold.type == name and r.predicted_type == name)
        p, rc, f1 = prf(true_n, predicted_n, gold_n)
        per_type[name] = {"precision": p, "recall": rc, "f1": f1, "gold": gold_n, "predicted": predicted_n}
    actor_scored = [r.actor_right for r in both if r.actor_right is not None]
    actor_all = [r.actor_right for r in with_gold if r.actor_right is not None]
    recipient_scored = [r.recipient_right for r in both if r.recipient_right is not None]
    recipient_all = [r.recipient_right for r in with_gold if r.recipient_right is not None]
    detection = prf(len(both), len(detected), len(with_gold))
    story = prf(
        sum(r.matched_events for r in results),
        sum(len(r.predicted_events) for r in results),
        sum(len(r.gold_events) for r in results),
    )
    return EventScores(
        records=len(results),
        type_accuracy=_share(sum(r.type_right for r in with_gold), len(with_gold)),
        type_macro_f1=round(sum(t["f1"] for t in per_type.values()) / len(per_type), 3) if per_type else 0.0,
        per_type=per_type,
        detection_precision=detection[0],
        detection_recall=detection[1],
        actor_country_accuracy=_share(sum(actor_scored), len(actor_scored)),
        actor_country_accuracy_strict=_share(sum(1 for r in both if r.actor_right), len(actor_all)),
        recipient_country_accuracy=_share(sum(recipient_scored), len(recipient_scored)),
        recipient_country_accuracy_strict=_share(sum(1 for r in both if r.recipient_right), len(recipient_all)),
        fully_right=_share(sum(r.fully_right for r in with_gold), len(with_gold)),
        event_precision=story[0],
        event_recall=story[1],
        event_f1=story[2],
        results=results,
    )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


# What the design's sample story must yield (DESIGN.md, issue 5), each as a test of one
# stored event: (name, PLOVER types, codes among the parties, codes among the recipients,
# historical, extra test of the event).
SAMPLE_CHECKS = (
    (
        "consult_kosachev_horii_tokyo",
        ("CONSULT",),
        {"RUS", "JPN"},
        set(),
        False,
        lambda e, a: (
            {"person"} <= {(party_actor(a, i) or _NONE).kind for i in e.actors}
            and e.date_month == 1
            and e.date_day == 26
            and (e.place or "").lower() == "tokyo"
        ),
    ),
    (
        "support_russia_to_japan",
        ("SUPPORT",),
        {"RUS"},
        {"JPN"},
        False,
        lambda e, a: "apprec" in a.article.text[e.trigger_start : e.trigger_end].lower(),
    ),
    ("g7_tough_line_on_russia", ("ACCUSE", "SANCTION"), set(), {"RUS"}, True, lambda e, a: True),
    (
        "eight_point_plan_2016",
        ("AGREE", "COOPERATE"),
        {"JPN", "RUS"},
        set(),
        True,
        lambda e, a: e.date_year == 2016 and e.date_month == 5,
    ),
    (
        "moscow_tokyo_dialogue",
        ("CONSULT",),
        {"RUS", "JPN"},
        set(),
        False,
        lambda e, a: "dialogue" in a.article.text[e.trigger_start : e.trigger_end],
    ),
)


class _Nobody:
    kind = None


_NONE = _Nobody()


def evaluate_sample(path: Path) -> dict:
    """Which of the design sample's expected events the pipeline finds (score 0..1)."""
    from dyads.config import Settings
    from dyads.readers import read_inputs

    [article] = [a for a in read_inputs([str(path)], settings=Settings()) if isinstance(a, Article)]
    [analysis] = list(analyze_all([article], nlp=nlp_module.load()))
    found = {}
    for name, types, parties, recipients, historical, extra in SAMPLE_CHECKS:
        found[name] = any(
            _sample_match(e, analysis, types, parties, recipients, historical, extra) for e in analysis.events
        )
    return {
        "score": _share(sum(found.values()), len(found)),
        "checked": len(found),
        "failed": [name for name, ok in found.items() if not ok],
    }


def _sample_match(event, analysis, types, parties, recipients, historical, extra) -> bool:
    code = lambda i: entity_code(party_actor(analysis, i))  # noqa: E731
    all_codes = {code(i) for i in event.actors + event.recipients}
    return (
        event.type in types
        and parties <= all_codes
        and recipients <= {code(i) for i in event.recipients}
        and event.historical == historical
        and extra(event, analysis)
    )
