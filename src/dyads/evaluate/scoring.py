"""Shared scoring helpers: precision, recall, F1 and token overlap.

>>> token_prf("the cat sat", "the cat sat down")
(1.0, 0.75, 0.857)
"""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def prf(true_positives: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 rounded to three places; 0 where undefined."""
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def token_prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of a predicted text against a gold text
    (the measure of the article-extraction benchmark)."""
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    return prf(sum((p & g).values()), sum(p.values()), sum(g.values()))
