"""``dyads eval quotes``: quotes found and speakers named, against gold annotations.

Reads two gold formats, one JSON object per line (both may mix in one file):

- **PolNeAR** (``polnear_train_dev.jsonl``): ``text``, ``split`` and ``annotations``
  holding brat-style ``attributions`` with ``source``, ``cue`` and ``content`` spans;
  an article annotated by several people is scored against the first annotation set
  (sorted by its key) so no quote counts twice, and its other sets measure how far
  the annotators agree (below);
- **plain**: ``{"id", "text", "date"?, "quotes": [{"content": [s, e], "cue": [s, e] | null,
  "speaker": [s, e] | null, "speaker_name": "Full Name" | null}]}``; ``content`` may also
  be a list of ``[s, e]`` parts for a quote split around its cue.

Scores, overall and by the kind of the gold speaker mention (name, pronoun,
nominal, none), with one-to-one matching of predicted to gold quotes:

- content precision/recall/F1 with **exact** match (the same words: word tokens
  compared by position, so edge punctuation, quotation marks and a leading
  complementizer "that", which annotators include or not, do not count) and with
  **overlap** (shared word tokens are at least ``OVERLAP`` of both the gold and the
  predicted quote's words);
- **speaker accuracy** on overlap-matched quotes: the predicted speaker mention
  overlaps the gold one, or both are absent;
- where the gold gives ``speaker_name``: **resolved accuracy** (the resolved actor's
  name contains the gold surname, or both are absent) and **end-to-end** F1 (the quote
  found and its speaker resolved right).

By-kind precision counts predicted quotes by their own speaker kind.

Where stories were annotated more than once (PolNeAR has 18 such, 2 in dev),
``agreement`` scores every annotation set against every other with the same
matching: the ceiling people reach on these measures; and dyads against every set
on the same stories, to compare like with like.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dyads import nlp as nlp_module
from dyads.errors import InputError, QueryError
from dyads.evaluate.scoring import prf
from dyads.pipeline import analyze, parse_all
from dyads.pipeline.quotes import speaker_kind
from dyads.records import PARAGRAPH_BREAK, Analysis, Article
from dyads.tagger import load_tagger

Offsets = tuple[int, int]
# Share of words two quotes must have in common, of each one's words, to match
# loosely: the usual "partial match" of attribution work (Pareti 2016), symmetric so a
# whole-paragraph guess cannot match a short gold quote.
OVERLAP = 0.5
KINDS = ("name", "pronoun", "nominal", "none")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class GoldQuote:
    parts: tuple[Offsets, ...]
    cue: Offsets | None
    speaker: Offsets | None
    speaker_name: str | None = None


@dataclass(frozen=True)
class GoldStory:
    id: str
    text: str
    split: str | None
    quotes: tuple[GoldQuote, ...]
    names_given: bool = False
    other_sets: tuple[tuple[GoldQuote, ...], ...] = ()  # further annotators' quotes


@dataclass
class Tally:
    """Counts for one slice (overall or one speaker kind)."""

    gold: int = 0
    predicted: int = 0
    exact_gold: int = 0
    exact_predicted: int = 0
    overlap_gold: int = 0
    overlap_predicted: int = 0
    speaker_checked: int = 0
    speaker_right: int = 0
    named: int = 0  # gold quotes with speaker_name, matched
    resolved_right: int = 0
    e2e_gold: int = 0
    e2e_right: int = 0

    def figures(self, *, names: bool) -> dict:
        ep, er, ef = _prf2(self.exact_predicted, self.predicted, self.exact_gold, self.gold)
        op, orr, of = _prf2(self.overlap_predicted, self.predicted, self.overlap_gold, self.gold)
        out = {
            "gold": self.gold,
            "predicted": self.predicted,
            "exact": {"precision": ep, "recall": er, "f1": ef},
            "overlap": {"precision": op, "recall": orr, "f1": of},
            "speaker_accuracy": _ratio(self.speaker_right, self.speaker_checked),
            "speaker_checked": self.speaker_checked,
        }
        if names:
            e2e = prf(self.e2e_right, self.predicted, self.e2e_gold)
            out["resolved_accuracy"] = _ratio(self.resolved_right, self.named)
            out["resolved_checked"] = self.named
            out["end_to_end"] = {"precision": e2e[0], "recall": e2e[1], "f1": e2e[2]}
        return out


def _prf2(tp_predicted: int, predicted: int, tp_gold: int, gold: int) -> tuple[float, float, float]:
    precision = tp_predicted / predicted if predicted else 0.0
    recall = tp_gold / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def _ratio(right: int, checked: int) -> float:
    return round(right / checked, 3) if checked else 0.0


# -- gold --------------------------------------------------------------------


def read_gold(path: Path, *, split: str | None = None) -> list[GoldStory]:
    """Stories with gold quotes from a PolNeAR or plain JSONL file; ``split`` keeps one split.

    Raises:
        QueryError: the file is missing or holds no story (of that split).
        InputError: a line is not JSON or not in either format.
    """
    if not path.is_file():
        raise QueryError(f"{path}: no such gold file; give a PolNeAR or plain quotes JSONL file")
    stories = [s for s in _stories(path) if split is None or s.split in (split, None)]
    if not stories:
        raise QueryError(
            f"{path}: no stories{f' in split {split!r}' if split else ''}; check --split (PolNeAR has train and dev)"
        )
    return stories


def _stories(path: Path) -> Iterator[GoldStory]:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        origin = f"{path.name}:{number}"
        try:
            record = json.loads(line)
        except ValueError as e:
            raise InputError(origin, f"not JSON ({e}); give one JSON object per line") from e
        if "annotations" in record:
            yield _polnear(record, origin)
        elif "quotes" in record and "text" in record:
            yield _plain(record, origin)
        else:
            raise InputError(
                origin, "neither PolNeAR (annotations) nor plain (text, quotes); see `dyads eval quotes -h`"
            )


def _polnear(record: dict, origin: str) -> GoldStory:
    try:
        annotations = record["annotations"]
        sets = [_annotation_set(annotations[key]) for key in sorted(annotations)] or [()]
        return GoldStory(
            record.get("id", origin), record["text"], record.get("split"), sets[0], other_sets=tuple(sets[1:])
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise InputError(
            origin,
            f'bad PolNeAR record ({type(e).__name__}: {e}); each attribution needs "source", '
            '"cue" and "content" as lists of {"spans": [[start, end], ...]}',
        ) from e


def _annotation_set(annotation: dict) -> tuple[GoldQuote, ...]:
    quotes = []
    for attribution in annotation["attributions"]:
        parts = _spans(attribution["content"])
        if parts:
            quotes.append(
                GoldQuote(tuple(parts), _hull(_spans(attribution["cue"])), _hull(_spans(attribution["source"])))
            )
    return tuple(quotes)


def _plain(record: dict, origin: str) -> GoldStory:
    quotes = []
    try:
        for q in record["quotes"]:
            quotes.append(
                GoldQuote(_parts(q["content"]), _pair(q.get("cue")), _pair(q.get("speaker")), q.get("speaker_name"))
            )
    except (KeyError, TypeError, ValueError) as e:
        raise InputError(origin, f'bad quote ({e}); each needs "content": [start, end]') from e
    names = any("speaker_name" in q for q in record["quotes"])
    return GoldStory(str(record.get("id", origin)), record["text"], record.get("split"), tuple(quotes), names)


def _spans(entries: list[dict]) -> list[Offsets]:
    return sorted(tuple(span) for entry in entries for span in entry["spans"])


def _hull(spans: list[Offsets]) -> Offsets | None:
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def _parts(value) -> tuple[Offsets, ...]:
    """``[start, end]``, or ``[[start, end], ...]`` for a quote split around its cue."""
    if value and isinstance(value[0], list):
        return tuple(sorted(_pair(v) for v in value))
    return (_pair(value),)


def _pair(value) -> Offsets | None:
    return (int(value[0]), int(value[1])) if value else None


def story_article(story: GoldStory) -> Article:
    """The gold text as an Article whose ``text`` is the gold text exactly, so offsets agree.

    The first paragraph is the headline and the others the body, split at blank lines
    (``PARAGRAPH_BREAK``). Whitespace before the first word (leading blank lines, a form
    feed) is kept in front of the headline rather than dropped with an empty one, and any
    other whitespace (trailing spaces, ``\\r\\n`` line ends, runs of blank lines) stays in
    the paragraph it is in: every text is read, and none moves an offset.

    >>> story_article(GoldStory("s", "\\n\\nHead \\n\\n\\n\\nBody\\r\\n", None, ())).text == "\\n\\nHead \\n\\n\\n\\nBody\\r\\n"
    True
    """
    text = story.text
    lead = len(text) - len(text.lstrip())
    first = text.find(PARAGRAPH_BREAK, lead)
    if first == -1:
        article = Article(headline="", paragraphs=(text,), origin=story.id)
    else:
        body = text[first + len(PARAGRAPH_BREAK) :]
        article = Article(headline=text[:first], paragraphs=tuple(body.split(PARAGRAPH_BREAK)), origin=story.id)
    if article.text != text:  # a guard on the rule above, not a condition on the input
        raise InputError(
            story.id,
            "text cannot be read as paragraphs without moving offsets; report this as a bug with the story's text",
        )
    return article


# -- scoring -----------------------------------------------------------------


def evaluate_quotes(path: Path, *, split: str | None = None, batch_size: int = 16, tagged: bool = False) -> dict:
    """Score the quotes stage on a gold file; returns overall and by-speaker-kind figures.

    With ``tagged``, the stage runs beside the quote tagger (``--quotes tagged``).
    """
    mode = "tagged" if tagged else "rules"
    return evaluate_quote_modes(path, (mode,), split=split, batch_size=batch_size)[mode]


def evaluate_quote_modes(
    path: Path, modes: tuple[str, ...], *, split: str | None = None, batch_size: int = 16
) -> dict[str, dict]:
    """``evaluate_quotes`` for each mode ("rules", "tagged"), on one parse of the gold texts."""
    stories = read_gold(path, split=split)
    tagger = load_tagger() if "tagged" in modes else None
    names = any(s.names_given for s in stories)
    tallies = {mode: {kind: Tally() for kind in ("all", *KINDS)} for mode in modes}
    people = Tally()  # annotator against annotator
    system = {mode: Tally() for mode in modes}  # dyads against each annotator
    parsed = parse_all([story_article(s) for s in stories], nlp=nlp_module.load(), batch_size=batch_size, tagger=tagger)
    for story, (doc, article, tagging) in zip(stories, parsed):
        for mode in modes:
            analysis = analyze(article, doc, tagging if mode == "tagged" else None)
            _score_story(story, doc, analysis, tallies[mode], names=names)
            if story.other_sets:
                _agreement(
                    story, [q.parts for q in analysis.quotes], people if mode == modes[0] else None, system[mode]
                )
    several = sum(1 for s in stories if s.other_sets)
    results = {}
    for mode in modes:
        results[mode] = {
            "gold_file": str(path),
            "split": split,
            "quotes": mode,
            "stories": len(stories),
            "overlap_threshold": OVERLAP,
            "overall": tallies[mode]["all"].figures(names=names),
            "by_speaker_kind": {k: tallies[mode][k].figures(names=names) for k in KINDS},
        }
        if several:
            results[mode]["agreement"] = {
                "stories": several,
                "annotators": _content_figures(people),
                "dyads": _content_figures(system[mode]),
            }
    return results


def _agreement(story: GoldStory, predicted: list[tuple[Offsets, ...]], people: Tally | None, system: Tally) -> None:
    """Add every ordered pair of the story's annotation sets to ``people`` (one set taken
    as gold, the other as predicted; not when None: counted already), and dyads' quotes
    against every set to ``system``."""
    sets = [story.quotes, *story.other_sets]
    for j, gold in enumerate(sets):
        for i, other in enumerate(sets):
            if i != j and people is not None:
                _tally_parts(story.text, [q.parts for q in other], [q.parts for q in gold], people)
        _tally_parts(story.text, predicted, [q.parts for q in gold], system)


def _content_figures(tally: Tally) -> dict:
    figures = tally.figures(names=False)
    return {key: figures[key] for key in ("gold", "predicted", "exact", "overlap")}


def _tally_parts(text: str, predicted: list, gold: list, tally: Tally) -> None:
    exact, loose = _matches(text, predicted, gold)
    tally.predicted += len(predicted)
    tally.gold += len(gold)
    tally.exact_predicted += len(exact)
    tally.exact_gold += len(exact)
    tally.overlap_predicted += len(loose)
    tally.overlap_gold += len(loose)


def _score_story(story: GoldStory, doc, analysis: Analysis, tallies: dict[str, Tally], *, names: bool) -> None:
    predicted = list(analysis.quotes)
    gold = list(story.quotes)
    gold_kind = [speaker_kind(doc, g.speaker) for g in gold]
    pred_kind = [q.speaker_kind for q in predicted]
    exact, loose = _matches(story.text, [q.parts for q in predicted], [g.parts for g in gold])
    for i, kind in enumerate(pred_kind):
        for key in ("all", kind):
            tallies[key].predicted += 1
            tallies[key].exact_predicted += i in exact
            tallies[key].overlap_predicted += i in loose
    by_gold = {g: p for p, g in loose.items()}
    exact_gold = set(exact.values())
    for j, g in enumerate(gold):
        for key in ("all", gold_kind[j]):
            tally = tallies[key]
            tally.gold += 1
            tally.exact_gold += j in exact_gold
            tally.e2e_gold += 1 if names else 0
            if j not in by_gold:
                continue
            tally.overlap_gold += 1
            quote = predicted[by_gold[j]]
            tally.speaker_checked += 1
            tally.speaker_right += _same_speaker(quote, g)
            if names:
                right = _resolved_right(analysis, quote, g)
                tally.named += 1
                tally.resolved_right += right
                tally.e2e_right += right


def _matches(text: str, predicted: list, gold: list) -> tuple[dict[int, int], dict[int, int]]:
    """Exact and overlap one-to-one matchings of predicted to gold quotes, given their parts."""
    pred_words = [_words(text, parts) for parts in predicted]
    gold_words = [_words(text, parts) for parts in gold]
    return (
        _match(pred_words, gold_words, lambda p, g: _same_words(text, p, g)),
        _match(pred_words, gold_words, _overlapping),
    )


def _words(text: str, parts) -> frozenset[int]:
    """Start offsets of the word tokens inside the parts."""
    return frozenset(m.start() for s, e in parts for m in _WORD.finditer(text, s, e))


def _same_words(text: str, p: frozenset[int], g: frozenset[int]) -> bool:
    """Exact match: the same words, but for a leading "that" either side may hold."""
    return bool(g) and _without_that(text, p) == _without_that(text, g)


def _without_that(text: str, words: frozenset[int]) -> frozenset[int]:
    first = min(words, default=None)
    if first is not None and text[first : first + 5].lower() == "that ":
        return words - {first}
    return words


def _overlapping(p: frozenset[int], g: frozenset[int]) -> bool:
    shared = len(p & g)
    return bool(shared) and shared >= OVERLAP * max(len(p), len(g))


def _match(pred: list[frozenset[int]], gold: list[frozenset[int]], fits) -> dict[int, int]:
    """One-to-one matching, best-overlapping pairs first: {predicted index: gold index}."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if p & g and fits(p, g):
                pairs.append((len(p & g) / max(len(p | g), 1), i, j))
    matched, used = {}, set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def _same_speaker(quote, gold: GoldQuote) -> bool:
    if gold.speaker is None or quote.speaker_start is None:
        return gold.speaker is None and quote.speaker_start is None
    return quote.speaker_start < gold.speaker[1] and gold.speaker[0] < quote.speaker_end


def _resolved_right(analysis: Analysis, quote, gold: GoldQuote) -> bool:
    """The resolved actor's name holds the gold surname; or, for a descriptor that the
    annotators kept as the name because the text names nobody else ("a spokesperson for
    the camp", "officials"), the descriptor as the quote gives it, which is how dyads shows
    a speaker it resolves to no named party."""
    actor = analysis.actor(quote.speaker_id)
    if not gold.speaker_name:
        return actor is None
    if actor is not None and surname_compatible(actor.name, gold.speaker_name):
        return True
    if quote.speaker_kind == "nominal" and quote.speaker_start is not None:
        return surname_compatible(analysis.article.text[quote.speaker_start : quote.speaker_end], gold.speaker_name)
    return False


def surname_compatible(name: str, gold_name: str) -> bool:
    """The gold name's surname (its last word) is a word of the resolved name.

    >>> surname_compatible("Konstantin Kosachev", "Kosachev"), surname_compatible("Shinzo Abe", "Kosachev")
    (True, False)
    """
    words = {w.lower() for w in _WORD.findall(name)}
    gold_words = [w.lower() for w in _WORD.findall(gold_name)]
    return bool(gold_words) and gold_words[-1] in words
