"""Pipeline stages: each a pure function from a parsed article to typed records.

``analyze`` runs them all on one (article, doc) pair; ``analyze_all`` streams
articles through spaCy in batches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from dyads.pipeline.actors import extract_actors
from dyads.pipeline.events import extract_events
from dyads.pipeline.quotes import extract_quotes
from dyads.pipeline.sentences import extract_entities, extract_sentences
from dyads.records import Analysis, Article


def analyze(article: Article, doc: Doc) -> Analysis:
    """Every record the pipeline derives from one parsed article."""
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
    analysis = dataclasses.replace(analysis, quotes=extract_quotes(doc, analysis))
    return dataclasses.replace(analysis, events=extract_events(doc, analysis))


def analyze_all(articles: Iterable[Article], *, nlp: Language, batch_size: int = 32) -> Iterator[Analysis]:
    """Parse articles with ``nlp.pipe`` and analyze each, in input order."""
    pairs = nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=batch_size)
    for doc, article in pairs:
        yield analyze(article, doc)
