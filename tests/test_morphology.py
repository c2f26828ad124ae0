"""The fused attribute ruler and lemmatizer annotate exactly as the model's own components."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from dyads import nlp
from dyads.samples import sample_path

FIXTURES = Path(__file__).parent / "fixtures"
# Words the model's context rules cover: two-token patterns ("gon na", "let 's",
# "ai n't", "y' all"), regexes ("nothin'"), and rules that read the parse.
TRICKY = (
    "Let's see: they ain't gonna sign, y'all know, and nothin' will change. "
    "There were talks. It is what I did. I told you it was hers. Did they? "
    "But the envoy, but not the minister, came. C'mon, we gotta go."
)


def texts() -> list[str]:
    found = [sample_path().read_text(encoding="utf-8"), TRICKY]
    for path in sorted(FIXTURES.glob("*.txt")):
        found.append(path.read_text(encoding="utf-8"))
    for line in (FIXTURES / "quotes-gold.jsonl").read_text(encoding="utf-8").splitlines():
        found.append(json.loads(line)["text"])
    return found


@pytest.fixture(scope="module")
def pipelines():
    fused = nlp.load(None)
    stock = spacy.load(nlp.MODEL)
    # the same preset sentence starts, so that the parses compared are the same parses
    stock.add_pipe("paragraph_breaks", first=True)
    stock.add_pipe("no_lowercase_starts", after="paragraph_breaks")
    stock.add_pipe("sentence_cap", after="no_lowercase_starts")
    return fused, stock


def annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_the_fused_component_replaces_the_ruler_and_the_lemmatizer(pipelines):
    fused, stock = pipelines
    assert "fused_morphology" in fused.pipe_names
    assert {"attribute_ruler", "lemmatizer"} <= set(fused.disabled)
    assert {"attribute_ruler", "lemmatizer"} <= set(stock.pipe_names)


def test_every_token_gets_the_stock_annotation(pipelines):
    fused, stock = pipelines
    all_texts = texts()
    # Twice over: the second pass answers from the caches the first one filled.
    for _ in range(2):
        for fused_doc, stock_doc in zip(fused.pipe(all_texts), stock.pipe(all_texts)):
            assert annotations(fused_doc) == annotations(stock_doc)


def test_the_context_rules_apply(pipelines):
    fused, _ = pipelines
    doc = fused(TRICKY)
    lemmas = {(t.text, t.lemma_) for t in doc}
    assert {("gon", "go"), ("na", "to"), ("'s", "us"), ("ai", "be"), ("nothin'", "nothing")} <= lemmas
    there = next(t for t in doc if t.text == "There")
    assert there.dep_ == "expl" and there.nbor(1).pos_ == "VERB"  # "There were": rule 174
