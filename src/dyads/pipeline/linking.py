"""Link people across articles: a story that says only "Putin" means the Vladimir Putin
that other stories name in full, when exactly one such full name is known.

    >>> from dyads.records import Actor, Analysis, Article, Mention
    >>> a = Article(headline="", paragraphs=("Putin spoke.",), origin="t")
    >>> putin = Actor(id="person:putin", kind="person", name="Putin")
    >>> analysis = Analysis(a, actors=(putin,), mentions=(Mention(0, 0, 5, 0, "Putin", "surname", putin.id, 0),))
    >>> [linked] = link_people([analysis], known={"Putin": {"person:vladimir-putin": "Vladimir Putin"}})
    >>> linked.mentions[0].actor_id, linked.actors[0].name
    ('person:vladimir-putin', 'Vladimir Putin')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from dyads import lexicons
from dyads.pipeline.people import name_words
from dyads.records import Actor, Analysis


def _one_name(actor: Actor) -> bool:
    """A person known by one name ("Putin"). An organisation of one word is left alone even
    when a person of that surname is known: "Ford" the company is not Gerald Ford; inside
    one story the actors stage joins such a word to the story's own person."""
    return actor.kind == "person" and " " not in actor.name


def surnames(analyses: Sequence[Analysis]) -> set[str]:
    """Surnames of the people these analyses know only by one name, in the spellings a full
    name may end with ("Assad": also "al-Assad")."""
    names = {a.name for x in analyses for a in x.actors if _one_name(a)}
    return names | {particle + n for n in names for particle in ("al-", "Al-", "el-")}


def full_names(analyses: Sequence[Analysis]) -> dict[str, dict[str, str]]:
    """surname -> {actor id: full name} for the people these analyses name in full."""
    found: dict[str, dict[str, str]] = {}
    for analysis in analyses:
        for actor in analysis.actors:
            if actor.kind == "person" and " " in actor.name:
                found.setdefault(actor.name.split()[-1], {})[actor.id] = actor.name
    return found


def _candidates(actor: Actor, by_words: dict[tuple[str, ...], dict[str, str]]) -> dict[str, str]:
    """The known full-name people whose surname is this one-name actor's, in any spelling."""
    if not _one_name(actor):
        return {}
    return by_words.get(tuple(name_words(actor.name, lexicons.load())), {})


def _by_words(known: dict[str, dict[str, str]]) -> dict[tuple[str, ...], dict[str, str]]:
    """``known`` by the name words of each surname: one lookup per one-name actor instead of a
    scan of every known surname (quadratic in a story or batch of many names)."""
    lex = lexicons.load()
    found: dict[tuple[str, ...], dict[str, str]] = {}
    for surname, people in known.items():
        found.setdefault(tuple(name_words(surname, lex)), {}).update(people)
    return found


def link_people(analyses: Sequence[Analysis], *, known: dict[str, dict[str, str]]) -> list[Analysis]:
    """Analyses with each one-name person replaced by the one known full-name person of that surname."""
    by_words = _by_words(known)
    return [_link(analysis, by_words) for analysis in analyses]


def _link(analysis: Analysis, by_words: dict[tuple[str, ...], dict[str, str]]) -> Analysis:
    renames = {}
    for actor in analysis.actors:
        candidates = _candidates(actor, by_words)
        if len(candidates) == 1:
            [(actor_id, name)] = candidates.items()
            renames[actor.id] = (actor_id, name)
    if not renames:
        return analysis
    actors, seen = [], set()
    for actor in analysis.actors:
        if actor.id in renames:
            actor_id, name = renames[actor.id]
            actor = dataclasses.replace(actor, id=actor_id, name=name)
        if actor.id not in seen:
            seen.add(actor.id)
            actors.append(actor)

    def moved(actor_id: str | None) -> str | None:
        return renames[actor_id][0] if actor_id in renames else actor_id

    mentions = tuple(dataclasses.replace(m, actor_id=moved(m.actor_id)) for m in analysis.mentions)
    # Quotes and events name actors by id too: left alone, a linked speaker or party would point
    # at an id no actor of the article has any more, and be stored without name or country.
    quotes = tuple(
        dataclasses.replace(q, speaker_id=moved(q.speaker_id), about=tuple(dict.fromkeys(map(moved, q.about))))
        for q in analysis.quotes
    )
    events = tuple(
        dataclasses.replace(
            e,
            actors=tuple(map(moved, e.actors)),
            recipients=tuple(map(moved, e.recipients)),
            reported_by=moved(e.reported_by),
        )
        for e in analysis.events
    )
    return dataclasses.replace(analysis, actors=tuple(actors), mentions=mentions, quotes=quotes, events=events)
