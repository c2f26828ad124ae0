"""The dict-based title lookup gives what the former regex scan over every title phrase gave."""

import random
import re

from dyads import lexicons
from dyads.lexicons import _WORD


def title_by_regex(lex, text):
    """The former implementation of Lexicons.title: one regex search per title phrase."""
    words = [w for w in _WORD.findall(text.lower().replace("-", " - ")) if w != "-"]
    norm, best = " ".join(words), None
    for phrase, value in lex.titles.items():
        p = phrase.replace("-", " ")
        if re.search(rf"(?:^|\s){re.escape(p)}$", norm) and (best is None or len(p) > len(best[0])):
            best = (p, value)
    if best:
        return best[1]
    for phrase, value in lex.titles.items():
        p = phrase.replace("-", " ")
        if re.search(rf"(?:^|\s){re.escape(p)}(?:\s|$)", norm) and (best is None or len(p) > len(best[0])):
            best = (p, value)
    return best[1] if best else None


def test_title_lookup_matches_the_regex_scan():
    lex = lexicons.load()
    phrases = list(lex.titles)
    words = [w for p in phrases for w in p.replace("-", " ").split()] + ["the", "of", "Japan's", "former", "-"]
    rng = random.Random(3)
    texts = phrases[::7] + [p.upper() for p in phrases[::31]]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(0, 7))) for _ in range(300)]
    texts += ["Vice-Minister for Foreign Affairs", "the lawmaker", "", "Foreign Minister Marta Rojas"]
    assert [lex.title(t) for t in texts] == [title_by_regex(lex, t) for t in texts]
