"""The event ontology: PLOVER types, modes and scores, CAMEO codes, and the crosswalk.

Loaded once from the versioned tables in ``data/`` (built from ``../shared/ref`` by
``scripts/build_ref_tables.py``).

    >>> cameo("042").name, cameo("042").goldstein, cameo("042").quad_class
    ('Make a visit', 1.9, 1)
    >>> plover_of("042")
    ('CONSULT', 'visit')
    >>> plover_score("CONSULT", "visit"), plover_score("ACCUSE", None)
    (4.0, -3.0)
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from dyads.gazetteer import country_name
from dyads.records import Actor, Analysis

TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
# Types that describe cooperation; said of the future they become AGREE (PLOVER manual §2).
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})
# Material conflict; announced for the future it is a threat (CAMEO 13 covers announced coercion).
MATERIAL_CONFLICT = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})


@dataclass(frozen=True)
class PloverType:
    name: str
    quad_class: int
    recipient_required: bool
    score: float
    definition: str
    modes: tuple[str, ...]


@dataclass(frozen=True)
class CameoCode:
    code: str
    root: str
    goldstein: float
    quad_class: int
    name: str


def _rows(name: str) -> list[dict]:
    text = resources.files("dyads.data").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@functools.cache
def _modes() -> dict[tuple[str, str], float | None]:
    return {(r["type"], r["mode"]): float(r["score"]) if r["score"] else None for r in _rows("plover-modes.tsv")}


@functools.cache
def plover_types() -> dict[str, PloverType]:
    """The 16 PLOVER types by name."""
    modes = _modes()
    return {
        r["type"]: PloverType(
            r["type"],
            int(r["quad_class"]),
            r["recipient_required"] == "yes",
            float(r["score"]),
            r["definition"],
            tuple(m for (t, m) in modes if t == r["type"]),
        )
        for r in _rows("plover-types.tsv")
    }


@functools.cache
def cameo_codes() -> dict[str, CameoCode]:
    """Every CAMEO event code by its string (leading zeros kept: "042")."""
    return {
        r["code"]: CameoCode(r["code"], r["root"], float(r["goldstein"]), int(r["quad_class"]), r["name"])
        for r in _rows("cameo-codes.tsv")
    }


@functools.cache
def _crosswalk() -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    return {
        r["code"]: (r["type"], r["mode"] or None, tuple(c for c in r["contexts"].split(";") if c))
        for r in _rows("cameo-plover.tsv")
    }


def cameo(code: str) -> CameoCode:
    """One CAMEO code; KeyError for a code CAMEO does not have."""
    return cameo_codes()[code]


def plover_of(code: str) -> tuple[str, str | None] | None:
    """(PLOVER type, mode) of a CAMEO code by the 2021 crosswalk, falling back to its
    parent codes; None for statements and appeals (CAMEO 01, 02), which are no events."""
    contexts = _crosswalk()
    for length in range(len(code), 1, -1):
        found = contexts.get(code[:length])
        if found:
            return found[0], found[1]
    return None


def contexts_of(code: str) -> tuple[str, ...]:
    """PLOVER contexts the crosswalk gives a CAMEO code (e.g. "economic")."""
    found = _crosswalk().get(code)
    return found[2] if found else ()


def plover_score(type_name: str, mode: str | None) -> float:
    """The PLOVER conflict-cooperation score: the mode's when it has one, else the type's."""
    if mode is not None:
        score = _modes().get((type_name, mode))
        if score is not None:
            return score
    return plover_types()[type_name].score


def is_mode(type_name: str, mode: str | None) -> bool:
    """Whether ``mode`` is one the PLOVER manual lists for ``type_name``."""
    return mode is not None and (type_name, mode) in _modes()


# PLOVER 2.0 names the UN and the EU apart from other intergovernmental organizations.
_GROUP_CODES = {"UN": "UNO", "EU": "EUR"}
# Non-state "countries" of the PLOVER entity spec, taken from an organization's sector.
NON_STATE_CODES = frozenset({"IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"})


def entity_code(actor) -> str | None:
    """The PLOVER entity code of an actor: its ISO 3166 alpha-3 country, else UNO, EUR,
    IGO, NGO ... for international bodies; None when nothing tells it."""
    if actor is None:
        return None
    if actor.country:
        return actor.country
    if actor.kind == "group":
        code = actor.id.split(":", 1)[-1].split("-except-")[0]
        return _GROUP_CODES.get(code, actor.sector if actor.sector in NON_STATE_CODES else "IGO")
    return actor.sector if actor.sector in NON_STATE_CODES else None


def party_actor(analysis: Analysis, actor_id: str | None) -> Actor | None:
    """The actor an event party names: from the analysis, or, for a country that the
    text names only as a place, the country itself (id = ISO code, as the actors stage
    writes country ids)."""
    actor = analysis.actor(actor_id)
    if actor is not None or actor_id is None:
        return actor
    name = country_name(actor_id)
    return Actor(id=actor_id, kind="country", name=name, country=actor_id) if name else None
