"""POS, morphology and lemmas: the model's attribute ruler and lemmatizer, fused and cached.

In ``en_core_web_sm`` the ``attribute_ruler`` (179 Matcher patterns that map
tags to POS and morphology) and the rule ``lemmatizer`` cost about a quarter of
the whole pipeline's time, mostly in per-token Python: the Matcher tries every
pattern at every token and the lemmatizer caches only some of its answers. Yet
almost all of their work depends on a token's text and tag alone.

``FusedMorphology`` gives the same annotations faster. It reads the model's own
components (their patterns, attributes and lookup tables; nothing is copied):

- a pattern token that tests only the token's own text, lowercase form,
  whitespace-ness, tag and dependency label gives the same answer for every
  token with the same (text, tag, dependency): it is evaluated once per such
  state and cached; two-token patterns of such tests pair up neighbours;
- any other pattern (none in the model today) runs in a Matcher, as the ruler's;
- all matched rules apply in the ruler's order (a later rule wins), with the
  ruler's own ``set_token_attrs``; the lemma is then the lemmatizer's own
  answer for the first token seen in that state, cached.

``tests/test_morphology.py`` checks that tag, POS, morphology and lemma equal
the stock components' on every token of our texts.

    >>> from dyads import nlp
    >>> doc = nlp.load(frozenset({"lemmatizer"}))("The ministers were meeting in Jakarta.")
    >>> [(t.pos_, t.lemma_) for t in doc][:4]
    [('DET', 'the'), ('NOUN', 'minister'), ('AUX', 'be'), ('VERB', 'meet')]
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.errors import Errors
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs

# Token attributes a cached test may read: all fixed by the token's text, tag and dependency.
_OWN: dict[str, Callable[[Token], object]] = {
    "ORTH": lambda t: t.text,
    "TEXT": lambda t: t.text,
    "LOWER": lambda t: t.lower_,
    "TAG": lambda t: t.tag_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
}
# Distinct token states remembered (~8 MB); past this the caches start afresh, so memory stays
# flat (the common states come back within a few articles).
CACHE_LIMIT = 30_000


@Language.factory("fused_morphology", default_config={"ruler": "attribute_ruler", "lemmatizer": "lemmatizer"})
def make_fused_morphology(nlp: Language, name: str, ruler: str, lemmatizer: str) -> "FusedMorphology":
    return FusedMorphology(nlp.get_pipe(ruler), nlp.get_pipe(lemmatizer))


class FusedMorphology:
    """The attribute ruler then the rule lemmatizer, with identical output (see the module doc)."""

    def __init__(self, ruler, lemmatizer) -> None:
        if lemmatizer.mode != "rule":
            raise ValueError(f"fused_morphology needs a rule lemmatizer, not {lemmatizer.mode!r}")
        self.ruler = ruler
        self.lemmatizer = _with_index_sets(lemmatizer)
        self.singles: list[tuple[int, dict]] = []  # (rule id, test of the token it sets)
        self.pairs: list[tuple[int, dict, dict]] = []  # (rule id, test of the first, of the second)
        self.matcher = Matcher(ruler.vocab)  # anything else, run as the ruler runs it
        for rule, entry in enumerate(ruler.patterns):
            patterns = entry["patterns"]
            if all(len(p) == 1 and _is_own(p[0]) for p in patterns):
                self.singles += [(rule, p[0]) for p in patterns]
            elif all(len(p) == 2 and _is_own(p[0]) and _is_own(p[1]) for p in patterns):
                self.pairs += [(rule, p[0], p[1]) for p in patterns]
            else:
                self.matcher.add(str(rule), patterns)
        self._single_tests = _Tests(self.singles)
        self._first_tests = _Tests([(i, first) for i, (_, first, _) in enumerate(self.pairs)])
        self._second_tests = _Tests([(i, second) for i, (_, _, second) in enumerate(self.pairs)])
        self._states: dict[tuple[int, int, int], tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {}
        self._results: dict[tuple, tuple[dict, int]] = {}
        self._merged: dict[tuple[int, ...], dict] = {}  # rules -> their attributes, merged in order (shared)

    def __call__(self, doc: Doc) -> Doc:
        if not self.lemmatizer._validated:
            self.lemmatizer._validate_tables(Errors.E1004)
        if len(self._results) >= CACHE_LIMIT or len(self._states) >= CACHE_LIMIT:
            self._results.clear()
            self._states.clear()
        tokens = list(doc)
        # Every test reads the tokens as they come in, before any is changed.
        states = [self._state(token) for token in tokens]
        extra = self._pair_rules(tokens, states)
        if len(self.matcher):
            for i, rules in self._matcher_rules(doc).items():
                extra[i] = tuple(sorted(extra.get(i, ()) + rules))
        for token, (singles, _, _) in zip(tokens, states):
            rules = extra.get(token.i, ())
            key = (token.orth, token.tag, token.dep, token.lemma, rules)
            found = self._results.get(key)
            if found is None:
                self._results[key] = self._annotate(token, singles + rules)
            else:
                attrs, lemma = found
                if attrs:
                    set_token_attrs(token, attrs)
                if lemma:
                    token.lemma = lemma
        return doc

    def _state(self, token: Token) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """The one-token rules that set this token, and the pair rules it can start and end."""
        key = (token.orth, token.tag, token.dep)
        state = self._states.get(key)
        if state is None:
            values = {name: get(token) for name, get in _OWN.items()}
            state = self._states[key] = (
                self._single_tests.passing(values),
                self._first_tests.passing(values),
                self._second_tests.passing(values),
            )
        return state

    def _pair_rules(self, tokens: list[Token], states: list) -> dict[int, tuple[int, ...]]:
        """Token index -> ids of the two-token rules that set it, one per match."""
        found: dict[int, list[int]] = {}
        for i in range(len(tokens) - 1):
            starts = states[i][1]
            if starts:
                for pair in set(starts) & set(states[i + 1][2]):
                    rule = self.pairs[pair][0]
                    found.setdefault(self._target(rule, i, i + 2), []).append(rule)
        return {i: tuple(sorted(rules)) for i, rules in found.items()}

    def _matcher_rules(self, doc: Doc) -> dict[int, tuple[int, ...]]:
        found: dict[int, list[int]] = {}
        for match_id, start, end in self.matcher(doc, allow_missing=True, as_spans=False):
            rule = int(self.ruler.vocab.strings[match_id])
            found.setdefault(self._target(rule, start, end), []).append(rule)
        return {i: tuple(rules) for i, rules in found.items()}

    def _target(self, rule: int, start: int, end: int) -> int:
        index = self.ruler.indices[rule]
        return (start if index >= 0 else end) + index

    def _annotate(self, token: Token, rules: tuple[int, ...]) -> tuple[dict, int]:
        """Annotate the first token seen in this state the stock way; returns what to reuse."""
        rules = tuple(sorted(rules))  # the ruler sorts its matches by rule id; a later one wins
        attrs = self._merged.get(rules)
        if attrs is None:
            attrs = self._merged[rules] = {}
            for rule in rules:
                attrs.update(self.ruler.attrs[rule])
        if attrs:
            set_token_attrs(token, attrs)
        lemma = 0
        if self.lemmatizer.overwrite or token.lemma == 0:
            token.lemma_ = self.lemmatizer.lemmatize(token)[0]
            lemma = token.lemma
        return attrs, lemma


def _with_index_sets(lemmatizer):
    """A copy of the rule lemmatizer whose word index is sets, not lists.

    The model ships each part of speech's known words as a list (57,528 nouns),
    and ``rule_lemmatize`` asks ``form in index`` for every candidate form: a
    scan of the list. Membership answers the same with a set, in constant time.
    """
    lookups = Lookups()
    for name in lemmatizer.lookups.tables:
        table = lemmatizer.lookups.get_table(name)
        lookups.add_table(
            name, {key: frozenset(words) if name == "lemma_index" else words for key, words in table.items()}
        )
    copy = type(lemmatizer)(
        lemmatizer.vocab, None, f"{lemmatizer.name}_sets", mode="rule", overwrite=lemmatizer.overwrite
    )
    copy.initialize(lookups=lookups)
    return copy


class _Tests:
    """Numbered pattern-token tests, found by a value each needs ("TAG" "NN", "LOWER" in [...])."""

    def __init__(self, tests: list[tuple[int, dict]]) -> None:
        self.by_value: dict[tuple[str, object], list[tuple[int, dict]]] = {}
        self.always: list[tuple[int, dict]] = []  # tests that need no one value (REGEX, NOT_IN)
        for number, test in tests:
            needed = _needed_values(test)
            if needed is None:
                self.always.append((number, test))
            for value in needed or ():
                self.by_value.setdefault(value, []).append((number, test))

    def passing(self, values: dict[str, object]) -> tuple[int, ...]:
        """Numbers of the tests a token with these attribute values passes, sorted, once each."""
        candidates = list(self.always)
        for key, value in values.items():
            candidates += self.by_value.get((key, value), ())
        return tuple(sorted({number for number, test in candidates if _passes(test, values)}))


def _needed_values(test: dict) -> list[tuple[str, object]] | None:
    """(key, value) pairs one of which a token passing ``test`` has; None when no key pins a value."""
    for key, value in test.items():
        if not isinstance(value, dict):
            return [(key, value)]
        if "IN" in value and set(value) == {"IN"}:
            return [(key, v) for v in value["IN"]]
    return None


def _is_own(test: dict) -> bool:
    """Whether a pattern token's test reads only what ``_OWN`` reads, with plain comparisons."""
    return all(key in _OWN and _is_plain(value) for key, value in test.items())


def _is_plain(value) -> bool:
    if isinstance(value, dict):
        return set(value) <= {"IN", "NOT_IN", "REGEX"}
    return isinstance(value, (str, bool))


def _passes(test: dict, values: dict[str, object]) -> bool:
    for key, value in test.items():
        actual = values[key]
        if isinstance(value, dict):
            if "IN" in value and actual not in value["IN"]:
                return False
            if "NOT_IN" in value and actual in value["NOT_IN"]:
                return False
            if "REGEX" in value and not re.search(value["REGEX"], str(actual)):
                return False
        elif actual != value:
            return False
    return True
