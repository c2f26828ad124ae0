"""Sentences and named entities of a parsed article, as offsets into its text.

>>> from dyads.records import Article
>>> from dyads import nlp
>>> a = Article(headline="Envoys meet", paragraphs=("Norway and Kenya met. They agreed.",), origin="t")
>>> sents = extract_sentences(a, nlp.load()(a.text))
>>> [(s.section, a.text[s.start:s.end]) for s in sents]
[('headline', 'Envoys meet'), ('body', 'Norway and Kenya met.'), ('body', 'They agreed.')]
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc

from dyads.records import Article, Entity, Sentence


def extract_sentences(article: Article, doc: Doc) -> tuple[Sentence, ...]:
    """The sentences of ``doc``, each tagged with the section (headline, dek, body) it lies in."""
    sections = article.sections()
    starts = [s.start for s in sections]
    sentences = []
    for sent in doc.sents:
        text = sent.text
        stripped = text.strip()
        if not stripped:
            continue
        start = sent.start_char + (len(text) - len(text.lstrip()))
        end = start + len(stripped)
        section = sections[max(0, bisect.bisect_right(starts, start) - 1)]
        sentences.append(Sentence(len(sentences), start, end, section.kind, section.index))
    return tuple(sentences)


def extract_entities(doc: Doc, sentences: tuple[Sentence, ...]) -> tuple[Entity, ...]:
    """spaCy's named entities with offsets and the index of their sentence."""
    starts = [s.start for s in sentences]
    return tuple(
        Entity(
            i,
            ent.start_char,
            ent.end_char,
            ent.label_,
            ent.text,
            max(0, bisect.bisect_right(starts, ent.start_char) - 1),
        )
        for i, ent in enumerate(doc.ents)
    )
