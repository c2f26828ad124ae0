"""The learned event coder: a linear model that reads a sentence and names its PLOVER type.

It sits beside the trigger rules (``pipeline/events.py``): the rules find parties
and spans, the coder weighs which type a sentence tells. Features are the
sentence's lemmas and lemma pairs, with named entities and numbers folded into
placeholders so the model learns acts, not the countries of its training stories.
Weights ship in ``data/event-coder.npz`` and are rebuilt by
``scripts/train_event_coder.py`` (logistic regression over TF-IDF features,
trained on the NGEC synthetic stories and the PLOVER/CAMEO definitions only;
never on the PLOVER gold). Scoring is one sparse dot product in numpy: the coder
costs nothing measurable beside the parse.

    >>> from dyads import nlp
    >>> doc = nlp.load()("Rebels shelled the town, killing 20 civilians.")
    >>> load().best(doc[:])[0]
    'ASSAULT'
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from importlib import resources

import numpy
from spacy.tokens import Span

WEIGHTS = "event-coder.npz"
# Entity labels folded into one placeholder each: the act, not who did it, decides the type.
FOLDED_ENTITIES = frozenset({"GPE", "NORP", "PERSON", "ORG", "LOC", "FAC"})
NUMBER_ENTITIES = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME", "ORDINAL"})


def features(span) -> list[str]:
    """Feature strings of a sentence: lemma unigrams and adjacent pairs (``a b``)."""
    words = []
    for token in span:
        if token.is_space or token.is_punct:
            continue
        if token.ent_type_ in FOLDED_ENTITIES:
            if token.ent_iob_ == "B":
                words.append("<" + token.ent_type_.lower() + ">")
            continue
        if token.ent_type_ in NUMBER_ENTITIES or token.like_num:
            if not words or words[-1] != "<num>":
                words.append("<num>")
            continue
        words.append(token.lemma_.lower() or token.lower_)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass(frozen=True)
class EventCoder:
    """Vocabulary, inverse document frequencies and one weight row per PLOVER type."""

    types: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: numpy.ndarray
    coef: numpy.ndarray  # (types, features)
    intercept: numpy.ndarray

    def probabilities(self, span: Span) -> dict[str, float]:
        """P(type | sentence) for every PLOVER type."""
        counts: dict[int, int] = {}
        for feature in features(span):
            column = self.vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        scores = self.intercept.astype(numpy.float64)
        if counts:
            columns = numpy.fromiter(counts, dtype=numpy.int64)
            # sublinear TF times IDF, L2-normalised: as TfidfVectorizer(sublinear_tf=True) does
            values = (1.0 + numpy.log(numpy.fromiter(counts.values(), dtype=numpy.float64))) * self.idf[columns]
            values /= numpy.linalg.norm(values)
            scores = scores + self.coef[:, columns].astype(numpy.float64) @ values
        scores = numpy.exp(scores - scores.max())
        scores /= scores.sum()
        return dict(zip(self.types, (float(s) for s in scores)))

    def best(self, span: Span) -> tuple[str, float]:
        """The most probable type of a sentence and its probability."""
        probabilities = self.probabilities(span)
        name = max(probabilities, key=probabilities.get)
        return name, probabilities[name]


@functools.cache
def load() -> EventCoder:
    """The shipped coder, read once per process from the package's data."""
    raw = resources.files("dyads.data").joinpath(WEIGHTS).read_bytes()
    with numpy.load(io.BytesIO(raw), allow_pickle=False) as data:
        words = [str(w) for w in data["vocabulary"]]
        return EventCoder(
            types=tuple(str(t) for t in data["types"]),
            vocabulary={w: i for i, w in enumerate(words)},
            idf=data["idf"].astype(numpy.float64),
            coef=data["coef"],
            intercept=data["intercept"].astype(numpy.float64),
        )
