"""Tell when two articles are one story, whatever format each came in.

The exact id (``Article.id``) changes with a paragraph break or a typographic quote.
Here the story is its body's words, lowercased, with punctuation and layout gone:
``content_key`` hashes them, so the same story read from HTML, JSONL and text has one
key. A copy whose text differs a little (a site's "Also on ..." links, a caption) is
found by its keys (headline, opening words) and confirmed when most of its word
5-grams are the other's (``same_story``).

    >>> from dyads.records import Article
    >>> a = Article(headline="Talks resume", paragraphs=("Envoys met on Monday.",), origin="a.txt")
    >>> b = Article(headline="Talks resume", paragraphs=("Envoys  met on   Monday .",), origin="b.jsonl:1")
    >>> a.id == b.id, content_key(a) == content_key(b)
    (False, True)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from dyads.records import ID_HEX_CHARS, Article

_WORD = re.compile(r"\w+")
# Words of the opening that key a story for the near-duplicate check: enough that two
# different stories rarely open alike, few enough that a site's trailing furniture does
# not reach them.
LEAD_WORDS = 20
# Word n-grams compared by ``same_story``.
SHINGLE_WORDS = 5
# Share of the shorter copy's 5-grams found in the other for two articles to be one story.
# Calibrated by scripts/calibrate_duplicates.py on ../shared/data: the 12 HTML pages with a
# JSONL twin in news/diplomacy.jsonl share 0.85-1.0 of their 5-grams with it; among 2,141
# diplomacy, TASS and Reuters-21578 bench records, of the 370 differently headlined pairs that
# share a key the most alike different stories are short templated notes (two dividend
# notices, 0.69); a "CORRECTED" resend shares 0.70-0.74 and stays apart too.
SAME_STORY_CONTAINMENT = 0.8
# Smallest 5-gram hashes kept as keys (a bottom-k sketch): two copies that share most of their
# 5-grams very likely share one of them, wherever their texts differ (an HTML page whose
# opening is a caption, a text file that starts mid-story).
SKETCH_KEYS = 3
# Most stored stories compared word by word with one new article: a key many stories share
# (a stock phrase as a sketch key) must not make a check read thousands of texts.
MAX_CANDIDATES = 16
# Fields a later copy of a stored story may fill when the stored one lacks them; the text
# (and so every offset) stays that of the stored copy.
FILLABLE_FIELDS = ("published", "source", "url", "author", "external_id")


def words(text: str) -> list[str]:
    """The lowercased words of a text, punctuation and layout dropped."""
    return _WORD.findall(text.lower())


def body_words(article: Article) -> list[str]:
    return words(" ".join(article.paragraphs))


def _hash(items: Iterable[str]) -> str:
    return hashlib.sha256(" ".join(items).encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


def content_key(article: Article) -> str:
    """Hash of the body's words: one key for the story in every format."""
    return _hash(body_words(article))


def headline_key(article: Article) -> str | None:
    """Hash of the headline's words, or None without a headline."""
    found = words(article.headline)
    return _hash(found) if found else None


def lead_keys(article: Article) -> tuple[str, ...]:
    """Keys of the opening words, of the body and of headline and body together (a text file
    whose first paragraph was read as its headline opens where a record's body does)."""
    body = body_words(article)
    both = words(article.headline) + body
    keys = {_hash(body[:LEAD_WORDS])} if len(body) >= LEAD_WORDS else set()
    if len(both) >= LEAD_WORDS:
        keys.add(_hash(both[:LEAD_WORDS]))
    return tuple(sorted(keys))


def sketch_keys(article: Article) -> tuple[str, ...]:
    """The body's ``SKETCH_KEYS`` smallest 5-gram hashes."""
    hashes = sorted({_hash(gram) for gram in shingles(body_words(article))})
    return tuple(hashes[:SKETCH_KEYS])


def shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    if len(tokens) < SHINGLE_WORDS:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}


def containment(a: list[str], b: list[str]) -> float:
    """Share of the shorter word list's 5-grams that the other holds."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def same_story(a: list[str], b: list[str]) -> bool:
    """Whether two texts' words (``words``) tell one story."""
    return containment(a, b) >= SAME_STORY_CONTAINMENT


def fills(stored: dict, article: Article) -> dict:
    """The fields of ``article`` that the stored row (a dict of FILLABLE_FIELDS) lacks."""
    return {
        name: getattr(article, name)
        for name in FILLABLE_FIELDS
        if stored.get(name) in (None, "") and getattr(article, name) not in (None, "")
    }


def repeats(articles: list[Article], known) -> dict[int, str]:
    """Which of ``articles`` repeat a story ``known`` holds: position -> the known article's id.

    ``known`` is a Store or a StoryIndex (``known_ids``, ``articles_by_key``, ``article_bodies``):
    the same id, the same body words, or a shared headline or opening confirmed by
    ``same_story``.
    """
    exact = known.known_ids(a.id for a in articles)
    keyed = {i: key_rows(a) for i, a in enumerate(articles)}
    by_key = known.articles_by_key(key for rows in keyed.values() for key, _ in rows)
    found, unsure = {}, {}
    for i, article in enumerate(articles):
        content = sorted(x for key, kind in keyed[i] if kind == "content" for x in by_key.get(key, ()))
        near = _candidates(keyed[i], by_key)
        if article.id in exact:
            found[i] = article.id
        elif content:
            found[i] = content[0]
        elif near:
            unsure[i] = near
    bodies = known.article_bodies(x for near in unsure.values() for x in near)
    for i, near in unsure.items():
        mine = body_words(articles[i])
        match = next((x for x in near if x in bodies and same_story(mine, words(" ".join(bodies[x])))), None)
        if match is not None:
            found[i] = match
    return found


def _candidates(keys: list[tuple[str, str]], by_key: dict[str, set[str]]) -> list[str]:
    """Stories sharing a headline, opening or sketch key, those sharing most keys first."""
    shared: dict[str, int] = {}
    for key, kind in keys:
        for other in by_key.get(key, ()) if kind != "content" else ():
            shared[other] = shared.get(other, 0) + 1
    return sorted(shared, key=lambda x: (-shared[x], x))[:MAX_CANDIDATES]


def key_rows(article: Article) -> list[tuple[str, str]]:
    """An article's keys with their kinds: content, headline, lead."""
    rows = [(content_key(article), "content")]
    headline = headline_key(article)
    if headline:
        rows.append((headline, "headline"))
    return rows + [(key, "lead") for key in lead_keys(article)] + [(key, "sketch") for key in sketch_keys(article)]


class StoryIndex:
    """The stories of a run handed to the NLP and not yet stored, looked up like a Store.

    ``-=`` some ids once they are stored (the Store has them then).
    """

    def __init__(self) -> None:
        self._articles: dict[str, Article] = {}
        self._fields: dict[str, dict] = {}
        self._keys: dict[str, set[str]] = {}
        self._copies: dict[str, list[Article]] = {}  # later copies whose keys lead here

    def add(self, article: Article) -> None:
        self._articles[article.id] = article
        self._fields[article.id] = {name: getattr(article, name) for name in FILLABLE_FIELDS}
        for key, _ in key_rows(article):
            self._keys.setdefault(key, set()).add(article.id)

    def add_keys(self, article_id: str, copy: Article) -> None:
        """A later copy's keys, for a pending story (stored ones get theirs in the store)."""
        if article_id in self._articles:
            self._copies.setdefault(article_id, []).append(copy)
            for key, _ in key_rows(copy):
                self._keys.setdefault(key, set()).add(article_id)

    def __isub__(self, ids) -> "StoryIndex":
        for article_id in ids:
            article = self._articles.pop(article_id, None)
            self._fields.pop(article_id, None)
            copies = ([article] if article else []) + self._copies.pop(article_id, [])
            for key, _ in (row for copy in copies for row in key_rows(copy)):
                self._keys.get(key, set()).discard(article_id)
        return self

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._articles

    def __len__(self) -> int:
        return len(self._articles)

    def known_ids(self, ids) -> set[str]:
        return {i for i in ids if i in self._articles}

    def articles_by_key(self, keys) -> dict[str, set[str]]:
        return {key: set(self._keys[key]) for key in keys if self._keys.get(key)}

    def article_bodies(self, ids) -> dict[str, list[str]]:
        return {i: list(self._articles[i].paragraphs) for i in ids if i in self._articles}

    def article_fields(self, ids, fields=FILLABLE_FIELDS) -> dict[str, dict]:
        return {i: dict(self._fields[i]) for i in ids if i in self._fields}

    def note_fills(self, article_id: str, filled: dict) -> None:
        """Fields a later copy filled in for a pending story, so a third copy does not fill them again."""
        if article_id in self._fields:
            self._fields[article_id].update(filled)
