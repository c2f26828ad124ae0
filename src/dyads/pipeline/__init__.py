"""Pipeline stages: each a pure function from a parsed article to typed records.

``analyze`` runs them all on one (article, doc) pair; ``analyze_all`` streams
articles through spaCy in batches; ``analyze_batch`` does one batch.

``COMPONENTS`` names the spaCy components each stage reads; ``load_nlp`` loads
those and no others. A stage that reads ``token.dep_``/``head``/``noun_chunks``
lists "parser", ``pos_``/``tag_`` "tagger", ``lemma_`` "lemmatizer", ``doc.ents``
"ner", ``doc.sents`` "senter" (the parser's sentences are used when a stage needs it).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from dyads import nlp as nlp_module
from dyads.pipeline.actors import extract_actors
from dyads.pipeline.events import extract_events
from dyads.pipeline.quotes import extract_quotes
from dyads.pipeline.speakers import resolve_speakers
from dyads.pipeline.sentences import extract_entities, extract_sentences
from dyads.records import Analysis, Article
from dyads.tagger import QuoteTagger, Tagging, load_tagger

# stage -> the spaCy components it reads. Without an entry here a stage sees
# empty attributes (tests/test_pipeline.py compares with the full pipeline).
COMPONENTS: dict[str, tuple[str, ...]] = {
    "sentences": ("senter",),
    "entities": ("ner",),
    # pos_/tag_ of titles and pronouns, dep_ of subjects, appositions and
    # possessives, lemma_ of motion verbs (pipeline/actors.py, pipeline/coref.py)
    "actors": ("tagger", "attribute_ruler", "parser", "lemmatizer", "ner"),
    # dep_ of cues, subjects and reported clauses, lemma_ of cue words, ent_type_ of dates
    # and names around speakers (pipeline/cues.py, pipeline/quotes.py)
    "quotes": ("tagger", "attribute_ruler", "parser", "lemmatizer", "ner"),
}


def load_nlp() -> Language:
    """The spaCy pipeline with just the components the stages read."""
    return nlp_module.load(itertools.chain.from_iterable(COMPONENTS.values()))


def quote_tagger(quotes: str, *, threads: int | None = None) -> QuoteTagger | None:
    """The quote tagger when the quotes stage runs ``"tagged"``, else None (``"rules"``)."""
    return load_tagger(threads) if quotes == "tagged" else None


def analyze(article: Article, doc: Doc, tagging: Tagging | None = None) -> Analysis:
    """Every record the pipeline derives from one parsed article (and, with ``--quotes
    tagged``, the quote tagger's reading of its text)."""
    sentences = extract_sentences(article, doc)
    actors, mentions = extract_actors(doc, article)
    analysis = Analysis(
        article=article,
        sentences=sentences,
        entities=extract_entities(doc, sentences),
        actors=actors,
        mentions=mentions,
    )
    # After the actors stage: quotes resolve speakers through its mentions; events read both.
    analysis = dataclasses.replace(analysis, quotes=extract_quotes(doc, analysis, tagging=tagging))
    # Speakers the actors stage left open or got wrong, resolved with the quotes in view.
    analysis = resolve_speakers(doc, analysis)
    return dataclasses.replace(analysis, events=extract_events(doc, analysis))


def parse_all(
    articles: Iterable[Article], *, nlp: Language, batch_size: int = 32, tagger: QuoteTagger | None = None
) -> Iterator[tuple[Doc, Article, Tagging | None]]:
    """Each article parsed with ``nlp.pipe``, in input order, with its tagging when a
    ``tagger`` is given (``dyads.tagger``; a batch of texts at a time), else None."""
    pairs = iter(nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=batch_size))
    while docs := list(itertools.islice(pairs, batch_size)):
        taggings = tagger.tag_all([a.text for _, a in docs]) if tagger else [None] * len(docs)
        for (doc, article), tagging in zip(docs, taggings):
            yield doc, article, tagging


def analyze_all(
    articles: Iterable[Article], *, nlp: Language, batch_size: int = 32, tagger: QuoteTagger | None = None
) -> Iterator[Analysis]:
    """Parse articles (``parse_all``) and analyze each, in input order; with a ``tagger``,
    the quotes stage reads its tagging too."""
    for doc, article, tagging in parse_all(articles, nlp=nlp, batch_size=batch_size, tagger=tagger):
        yield analyze(article, doc, tagging)


def analyze_batch(
    articles: list[Article], *, nlp: Language, batch_size: int = 32, tagger: QuoteTagger | None = None
) -> list[Analysis]:
    """``analyze_all`` for one batch, as a list, with ``nlp.max_length`` raised to fit.

    No spaCy ``memory_zone`` here: it frees the strings added inside it, and a
    stage that builds and caches a spaCy object on first use (the actors'
    PhraseMatcher) fails in the next batch. Long runs bound memory by recycling
    worker processes instead (``dyads.workers``).
    """
    if not articles:
        return []
    nlp.max_length = max(nlp.max_length, max(len(a.text) for a in articles) + 1)
    return list(analyze_all(articles, nlp=nlp, batch_size=batch_size, tagger=tagger))
