"""Coreference inside one article, by rules on titles, sectors and salience.

- a surname joins the full name that ends with it (done where people are found);
- a descriptor ("the lawmaker", "the Russian president", "the diplomat") joins the
  most recent person whose title fits it: same role family or sector, same country
  (an exact role family before a compatible one: "the minister" is the last minister,
  though an envoy was named since);
  in a headline or dek, where stories name people later, the first one that fits;
- "he", "she", "his", "her" join the most salient person: one named earlier in the
  sentence, else the subject of the nearest sentence before that names a person.

No neural coreference model installs from PyPI without a download (see
DEPENDENCIES.md); these rules know what such models do not: that a committee
chairman of the Federation Council is "the lawmaker".
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from spacy.tokens import Token

if TYPE_CHECKING:
    from dyads.pipeline.actors import _Builder
    from dyads.pipeline.people import Person
    from dyads.records import Actor

PRONOUNS = {"he", "she", "him", "her", "his", "hers", "himself", "herself"}
DETERMINERS = {"the", "this", "that"}
# Role families a descriptor may refer to: "the minister" may be a foreign minister.
COMPATIBLE = {
    "minister": {"minister", "diplomat", "premier"},
    "diplomat": {"diplomat"},
    "president": {"president"},
    "premier": {"premier"},
    "monarch": {"monarch"},
    "spokesperson": {"spokesperson"},
    "chair": {"chair"},
    "officer": {"officer"},
    "judge": {"judge"},
    "executive": {"executive"},
    "journalist": {"journalist"},
    "activist": {"activist"},
    "cleric": {"cleric"},
}
# Descriptors that fit anyone of a sector rather than a role family.
SECTOR_FAMILIES = {"lawmaker": "LEG", "official": "GOV", "leader": None, "igo": "IGO"}
# How many sentences back a pronoun looks for its person.
PRONOUN_WINDOW = 3
# Most earlier person mentions a descriptor looks back over for its antecedent. A long
# news story names a few dozen people; the bound keeps an article of thousands of names
# (a list, a transcript) linear instead of quadratic, and changes nothing below it.
DESCRIPTOR_LOOKBACK = 200


def resolve_references(builder: "_Builder", people: list["Person"], person_actors: dict[int, "Actor"]) -> None:
    """Add descriptor and pronoun mentions to ``builder``, joined to the people they refer to."""
    _descriptors(builder)
    _pronouns(builder)


def _person_mentions(builder: "_Builder") -> list[tuple[int, int, str]]:
    """(token start, token end, actor id) of every mention of a person so far, in text order."""
    return sorted((s, e, a) for s, e, _, a in builder.found if a and a.startswith("person:"))


def _descriptors(builder: "_Builder") -> None:
    doc, lex = builder.doc, builder.lex
    taken = {i for s, e, _, _ in builder.found for i in range(s, e)}
    people = _person_mentions(builder)  # kept in text order as descriptors join people
    for token in doc:
        if token.pos_ != "NOUN" or token.tag_ == "NNS" or token.i in taken:
            continue
        start = _descriptor_start(token)
        if start is None:
            continue
        span = doc[start : token.i + 1]
        title = lex.title(span.text)
        if not title or not (title[1] in COMPATIBLE or title[1] in SECTOR_FAMILIES):
            continue
        if token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN" and doc[token.i + 1].is_title:
            continue  # "the minister Sergei Lavrov": a title, the name is the mention
        country = next(
            (
                builder.lex.phrases[t.text][1]
                for t in span
                if t.text in builder.lex.phrases and builder.lex.phrases[t.text][0] in {"demonym", "name"}
            ),
            None,
        )
        actor_id = _antecedent(builder, span, title, country, people)
        if actor_id is None and country:
            actor = builder.country(country, title[0])
            builder.add(span, "nominal", actor)
        else:
            builder.add(span, "nominal", builder.actors.get(actor_id) if actor_id else None)
            if actor_id and actor_id.startswith("person:"):
                bisect.insort(people, (span.start, span.end, actor_id))


def _descriptor_start(token: Token) -> int | None:
    """Token index where "the (Russian) (foreign) minister" starts; None if not definite,
    or a bare noun in a headline ("..., notes lawmaker")."""
    left = [t for t in token.lefts]
    determiners = [t for t in left if t.dep_ == "det" and t.lower_ in DETERMINERS]
    if determiners:
        return determiners[0].i
    if not left and token.sent.start == 0:
        return token.i  # headline style drops the article
    indefinite = [t for t in left if t.dep_ == "det" and t.lower_ in {"a", "an"}]
    if indefinite and any(t.dep_ in {"amod", "compound"} for t in left):
        return indefinite[0].i  # "A Russian senator": a new referent, coded by country
    return None


def _fits(actor: "Actor", title: tuple[str, str], country: str | None) -> bool:
    sector, family = title
    if country and actor.country != country:
        return False
    if family in SECTOR_FAMILIES:
        wanted = SECTOR_FAMILIES[family]
        return wanted is None or actor.sector == wanted
    person_title = actor.title and _family_of(actor)
    return bool(person_title) and person_title in COMPATIBLE[family]


def _family_of(actor: "Actor") -> str | None:
    from dyads import lexicons

    title = lexicons.load().title(actor.title or "")
    return title[1] if title else None


def _antecedent(builder: "_Builder", span, title, country, people) -> str | None:
    if span.text.lower().startswith(("a ", "an ")):
        return None
    first = bisect.bisect_left(people, (span.start,))
    before = [a for s, e, a in people[max(0, first - DESCRIPTOR_LOOKBACK) : first] if e <= span.start]
    fitting = [a for a in reversed(before) if _fits(builder.actors[a], title, country)]
    # "the minister" after a minister and an envoy is the minister: the same role family
    # first, then the most recent person of a compatible one.
    same = [a for a in fitting if title[1] in COMPATIBLE and _family_of(builder.actors[a]) == title[1]]
    if same or fitting:
        return (same or fitting)[0]
    if span.sent.start == 0 or _in_front_matter(builder, span):
        last = bisect.bisect_left(people, (span.end,))
        after = [a for s, e, a in people[last : last + DESCRIPTOR_LOOKBACK]]
        return next((a for a in after if _fits(builder.actors[a], title, country)), None)
    return None


def _in_front_matter(builder: "_Builder", span) -> bool:
    """Whether the span lies in the headline or dek."""
    article = builder.article
    body_start = next((s.start for s in article.sections() if s.kind == "body"), 0)
    return span.start_char < body_start


def _pronouns(builder: "_Builder") -> None:
    doc = builder.doc
    sentences = list(doc.sents)
    index = {sent.start: i for i, sent in enumerate(sentences)}
    people = _person_mentions(builder)  # kept in text order as pronouns join people
    for token in doc:
        if token.lower_ not in PRONOUNS or token.pos_ != "PRON":
            continue
        # Only mentions from PRONOUN_WINDOW sentences back up to the pronoun are read: the
        # sentences are bounded (dyads.nlp.MAX_SENTENCE_TOKENS), so this is too.
        sent = index[token.sent.start]
        start = sentences[max(0, sent - PRONOUN_WINDOW)].start
        near = people[bisect.bisect_left(people, (start,)) : bisect.bisect_left(people, (token.i + 1,))]
        actor_id = _salient(builder, token, near, sentences, sent)
        builder.add(doc[token.i : token.i + 1], "pronoun", builder.actors.get(actor_id) if actor_id else None)
        if actor_id and actor_id.startswith("person:"):
            bisect.insort(people, (token.i, token.i + 1, actor_id))


def _salient(builder: "_Builder", token: Token, people, sentences, index: int) -> str | None:
    governing = _governing_subject(token, people)
    if governing:
        return governing
    same = [(s, a) for s, e, a in people if token.sent.start <= s and e <= token.i]
    if same:
        return same[-1][1]
    for sent in reversed(sentences[max(0, index - PRONOUN_WINDOW) : index]):
        inside = [(s, a) for s, e, a in people if sent.start <= s and e <= sent.end]
        if inside:
            subjects = [
                a for s, a in inside if builder.doc[s:].root.dep_.startswith("nsubj") or _is_subject(builder.doc, s)
            ]
            return subjects[0] if subjects else inside[0][1]
    return None


def _governing_subject(token: Token, people) -> str | None:
    """The person who is subject of a clause above the pronoun: "Katsav refused ..., saying he
    would ..." -> Katsav, though another name stands nearer."""
    for ancestor in token.ancestors:
        for child in ancestor.children:
            if child.dep_ in {"nsubj", "nsubjpass"} and child.i < token.i and child is not token:
                for s, e, actor_id in people:
                    if s <= child.i < e:
                        return actor_id
    return None


def _is_subject(doc, start: int) -> bool:
    token = doc[start]
    while token.dep_ in {"compound", "amod", "det", "poss"} and token.head is not token:
        token = token.head
    return token.dep_ in {"nsubj", "nsubjpass"}
