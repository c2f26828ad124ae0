"""Event triggers: the words that name an event, read from ``data/event-triggers.tsv``.

A trigger names a CAMEO code and a frame (who is actor, who recipient); the
PLOVER type and mode come from the crosswalk unless the row overrides them.
Control words ("agreed to", "threatened", "refused", "demanded") combine with the
event they govern through ``data/event-intents.tsv``.

    >>> from dyads import nlp
    >>> doc = nlp.load()("Serbia lifted the curfew.")
    >>> match(doc[1]).cameo, coded(match(doc[1]))
    ('081', ('081', 'CONCEDE', None))
    >>> combine("threaten", "ASSAULT")
    ('138', 'THREATEN', 'violence')
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import functools
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Token

from dyads.ontology import is_mode, plover_of
from dyads.pipeline import frames

# Part-of-speech letters of the trigger table and the spaCy tags each admits.
POS = {"V": ("VERB",), "N": ("NOUN", "PROPN"), "A": ("ADJ", "VERB")}
CONTROL_FRAMES = frozenset({"agree", "intent", "reject", "request", "threaten", "accuse"})
# Dependencies whose dependents count as a trigger's modifiers ("hunger strike",
# "sexually abused", "joint exercises", "state of emergency").
_MODIFIER_DEPS = {"compound", "amod", "nmod", "advmod", "npadvmod", "nummod"}


@dataclass(frozen=True)
class Trigger:
    lemma: str
    pos: str
    cameo: str
    type: str | None
    mode: str | None
    frame: str
    recipient: tuple[str, ...]
    requires: tuple[tuple[str, frozenset[str]], ...]
    key: str = ""  # the table row's trigger, pos, cameo and requires: names the row

    @property
    def is_control(self) -> bool:
        return self.frame in CONTROL_FRAMES


def _rows(name: str) -> list[dict]:
    text = resources.files("dyads.data").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _dash(value: str) -> str | None:
    return None if value in ("-", "") else value


def _requires(text: str, particle: str | None) -> tuple[tuple[str, frozenset[str]], ...]:
    conditions = []
    for part in filter(None, (text or "-").split(";")):
        if part == "-":
            continue
        key, _, values = part.partition("=")
        conditions.append((key, frozenset(values.split("|"))))
    if particle:
        conditions.append(("prt", frozenset({particle})))
    return tuple(conditions)


@functools.cache
def lexicon() -> dict[tuple[str, str], tuple[Trigger, ...]]:
    """Triggers by (lemma, pos letter), those with conditions first."""
    table: dict[tuple[str, str], list[Trigger]] = {}
    for row in _rows("event-triggers.tsv"):
        lemma, _, particle = row["trigger"].partition(" ")
        trigger = Trigger(
            lemma=lemma,
            pos=row["pos"],
            cameo=row["cameo"],
            type=_dash(row["type"]),
            mode=_dash(row["mode"]),
            frame=row["frame"],
            recipient=tuple(r for r in row["recipient"].split(",") if r and r != "-"),
            requires=_requires(row["requires"], particle or None),
            key=row_key(row),
        )
        table.setdefault((lemma, trigger.pos), []).append(trigger)
    return {key: tuple(sorted(rows, key=lambda t: not t.requires)) for key, rows in table.items()}


def row_key(row: dict) -> str:
    """The name of a trigger table row: what tells it from every other row."""
    return "/".join((row["trigger"], row["pos"], row["cameo"], row["requires"] or "-"))


# Rows left out while evaluating (``without``): cross-validation scores a fold with only
# the rows its training part supports.
_LEFT_OUT: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("left_out", default=frozenset())


@contextlib.contextmanager
def without(keys):
    """Match as if the table had no rows named ``keys`` (``Trigger.key``), inside the block
    (and none of those an enclosing block leaves out)."""
    token = _LEFT_OUT.set(_LEFT_OUT.get() | frozenset(keys))
    try:
        yield
    finally:
        _LEFT_OUT.reset(token)


@functools.cache
def trigger_lemmas() -> frozenset[str]:
    """Every lemma of the trigger table."""
    return frozenset(lemma for lemma, _ in lexicon())


@functools.cache
def _intents() -> dict[tuple[str, str], tuple[str, str | None, str | None]]:
    return {
        (r["frame"], r["content"]): (r["cameo"], _dash(r["type"]), _dash(r["mode"])) for r in _rows("event-intents.tsv")
    }


def match(token: Token) -> Trigger | None:
    """The most specific trigger row the token satisfies, or None."""
    lemma = token.lemma_.lower()
    left_out = _LEFT_OUT.get()
    if token.tag_ == "VBN" and (token.lower_, "A") in lexicon() and _predicative(token):
        # "Israel is opposed to", "Iraq is prepared to": a participle used as the adjective
        # its row names, not a passive with a hidden doer
        for trigger in lexicon()[(token.lower_, "A")]:
            if trigger.key not in left_out and all(_holds(token, key, values) for key, values in trigger.requires):
                return trigger
    if lemma not in trigger_lemmas():  # most words: one set lookup
        return None
    for letter, tags in POS.items():
        if token.pos_ not in tags:
            continue
        for trigger in lexicon().get((lemma, letter), ()):
            if trigger.key in left_out:
                continue
            if all(_holds(token, key, values) for key, values in trigger.requires):
                return trigger
    return None


def _predicative(participle: Token) -> bool:
    """A participle after "be" with no by-agent: "is opposed to", not "was opposed by"."""
    children = list(participle.children)
    after_be = any(c.dep_ in ("auxpass", "aux") and c.lemma_ == "be" for c in children) or (
        participle.dep_ == "acomp" and participle.head.lemma_ == "be"
    )
    return after_be and not any(c.dep_ == "agent" for c in children)


def coded(trigger: Trigger) -> tuple[str, str, str | None]:
    """(CAMEO code, PLOVER type, mode) of a trigger on its own."""
    return _code(trigger.cameo, trigger.type, trigger.mode)


def combine(frame: str, content_type: str | None) -> tuple[str, str, str | None] | None:
    """(CAMEO code, PLOVER type, mode) of a control frame over an event of ``content_type``;
    None when the table has no row (the content keeps its own coding)."""
    intents = _intents()
    row = intents.get((frame, content_type or "*")) or intents.get((frame, "*"))
    if row is None:
        return None
    return _code(*row)


def _code(cameo: str, type_name: str | None, mode: str | None) -> tuple[str, str, str | None]:
    crosswalked = plover_of(cameo)
    if crosswalked is None:
        raise ValueError(f"CAMEO {cameo} is a statement or appeal, not an event; fix event-triggers.tsv")
    type_name = type_name or crosswalked[0]
    mode = mode or (crosswalked[1] if type_name == crosswalked[0] else None)
    return cameo, type_name, mode if is_mode(type_name, mode) else None


def objects_and_modifiers(token: Token) -> list[Token]:
    """The object words and modifiers a condition looks at: direct objects (or a passive
    subject) with their compounds, and the token's own modifiers."""
    found = []
    for child in token.children:
        if child.dep_ in ("dobj", "obj", "nsubjpass", "attr", "oprd"):
            found += [child, *child.conjuncts, *[c for c in child.children if c.dep_ in ("compound", "amod")]]
            # "700 kg of medicine", "a number of troops": the measured thing
            found += [
                g
                for c in child.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children
                if g.dep_ == "pobj"
            ]
        elif child.dep_ == "prep" and child.lower_ == "of":
            found += [c for c in child.children if c.dep_ == "pobj"]  # "state of emergency"
        elif child.dep_ in _MODIFIER_DEPS:
            found.append(child)
    if token.dep_ == "acl" and token.tag_ == "VBN":
        found.append(token.head)
    return found


def _holds(token: Token, key: str, values: frozenset[str]) -> bool:
    if key == "obj":
        return any(t.lemma_.lower() in values for t in objects_and_modifiers(token))
    if key == "objent":
        return any(t.ent_type_ in values for t in objects_and_modifiers(token))
    if key == "not":
        return not any(t.lemma_.lower() in values for t in objects_and_modifiers(token))
    if key == "mod":
        mods = [c for c in token.children if c.dep_ in _MODIFIER_DEPS or c.dep_ == "prep"]
        mods += [g for c in mods if c.dep_ == "prep" for g in c.children]
        if token.dep_ == "compound":
            mods.append(token.head)
        return any(t.lemma_.lower() in values or t.lower_ in values for t in mods)
    if key == "prt":
        return any(c.dep_ in ("prt", "prep", "advmod") and c.lower_ in values for c in token.children)
    if key == "subj":
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")] or frames.subjects(token)
        return any(s.lemma_.lower() in values for s in subjects)
    raise ValueError(f"unknown condition {key!r} in event-triggers.tsv")
