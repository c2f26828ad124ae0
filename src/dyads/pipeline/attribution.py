"""How likely a candidate quote is to be an attribution: a logistic model over cue and parse features.

The quotes stage proposes more candidates than it keeps: every lexicon cue's frames,
but also open cues (any verb with a clausal complement, any verb whose subject names
a party and which takes an object) and listed cues' bare objects. Most verbs in
those open frames report nothing ("made it clear that" does, "made sure that" does
not), and which do cannot be listed word by word: PolNeAR's attributions have
thousands of different cues. So each candidate is scored by a logistic regression
over a few features of its cue, frame, speaker and content (``features``), with
weights learned on PolNeAR **train** by ``scripts/build_quote_weights.py`` and
stored in ``data/quote_weights.tsv``; the stage keeps a candidate when ``likelihood``
reaches ``MIN_LIKELIHOOD``.

    >>> round(likelihood(("bias", "cue=say/clause/indirect")), 2) > MIN_LIKELIHOOD
    True
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from importlib import resources

from spacy.tokens import Doc, Token

from dyads.pipeline.cues import Frame, Offsets, speaker_token

# The likelihood a candidate needs to be kept. Calibrated on PolNeAR train by 2-fold
# cross-validation of the whole stage (a model fit on one half of the stories, the stage
# run on the other): the lowest threshold whose held-out overlap precision (0.810) is no
# lower than the stage's own before the model (0.808), so precision holds while recall
# grows. At 0.40 held-out overlap F1 was 0.692 against 0.690 before.
MIN_LIKELIHOOD = 0.40
_WORD = re.compile(r"\w+")
# Content sizes in words, as bucket upper bounds: a one-word object ("it") is rarely what
# was said; a clause of 12 words or more usually is.
_SIZES = (3, 6, 12, 25, 50)
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


@functools.cache
def weights() -> dict[str, float]:
    """The model's weights from ``data/quote_weights.tsv``, by feature."""
    text = resources.files("dyads.data").joinpath("quote_weights.tsv").read_text("utf-8")
    found = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            feature, weight = line.rsplit("\t", 1)
            found[feature] = float(weight)
    return found


def likelihood(features: Iterable[str]) -> float:
    """The model's probability that a candidate with these features is an attribution."""
    table = weights()
    z = sum(table.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-z))


def features(
    doc: Doc, frame: Frame | None, parts: list[Offsets], kind: str, speaker_kind: str, *, text: str
) -> tuple[str, ...]:
    """The features of one candidate quote: its cue and frame, its speaker, its content's size and shape.

    Args:
        doc: the parse the candidate was found in.
        frame: the candidate's cue frame; None for a quotation no cue claims.
        parts: the content's character spans.
        kind: "direct", "indirect" or "mixed".
        speaker_kind: ``dyads.pipeline.quotes.speaker_kind`` of the frame's speaker.
        text: ``doc.text``, which spaCy rebuilds on every access.
    """
    parts = sorted(parts)
    lemma = frame.lemma if frame else "-"
    via = (frame.via if frame.listed else f"open-{frame.via}") if frame else "none"
    size = _size(text, parts)
    first = doc.char_span(parts[0][0], parts[0][1], alignment_mode="expand") if parts else None
    finite = first is not None and any(t.tag_ in _FINITE for t in first)
    found = [
        "bias",
        f"cue={lemma}/{via}/{kind}",
        f"lemma={lemma}",
        f"frame={via}/{kind}",
        f"via={via}",
        f"kind={kind}",
        f"speaker={speaker_kind}",
        f"size={size}",
        f"frame_speaker={via}/{kind}/{speaker_kind}",
        f"frame_size={via}/{kind}/{size}",
        f"finite={finite}",
        f"via_finite={via}/{finite}",
        f"lemma_finite={lemma}/{finite}",
        f"parts={min(len(parts), 3)}",
    ]
    if first is not None and len(first):
        word = first[0]
        found.append(f"first={word.lower_ if word.is_stop else word.pos_}")
    cue = doc[frame.head] if frame and frame.head >= 0 else None
    if cue is not None:
        found += _cue_features(cue)
        found.append(f"after={parts[0][0] > frame.cue[0]}" if parts else "after=none")
    return tuple(found)


def _cue_features(cue: Token) -> list[str]:
    clauses = [c for c in cue.children if c.dep_ == "ccomp"]
    subject = speaker_token(cue) if cue.pos_ in ("VERB", "AUX") else None
    if subject is None:
        kind = "none"
    else:
        kind = subject.lower_ if subject.pos_ == "PRON" else subject.ent_type_ or subject.pos_
    return [
        f"subject={kind}",
        f"tag={cue.tag_}",
        f"dep={cue.dep_}",
        f"clause={clauses[0].tag_ if clauses else 'none'}",
        f"that={any(c.left_edge.lower_ == 'that' for c in clauses)}",
        f"negated={any(c.dep_ == 'neg' for c in cue.children)}",
    ]


def _size(text: str, parts: list[Offsets]) -> int:
    words = sum(1 for s, e in parts for _ in _WORD.finditer(text, s, e))
    return next((i for i, bound in enumerate(_SIZES) if words < bound), len(_SIZES))
