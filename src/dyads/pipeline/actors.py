"""Actors: every mention resolved to a country (or its government), person or group.

    >>> from dyads import nlp
    >>> from dyads.records import Article
    >>> a = Article(headline="", paragraphs=("Moscow praised Japanese Prime Minister Shinzo Abe in Tokyo.",), origin="t")
    >>> actors, mentions = extract_actors(nlp.load()(a.text), a)
    >>> [(m.text, m.kind, m.actor_id) for m in mentions]
    [('Moscow', 'capital', 'RUSGOV'), ('Japanese Prime Minister Shinzo Abe', 'name', 'person:shinzo-abe'), ('Tokyo', 'place', None)]
    >>> [(x.name, x.country, x.sector, x.title) for x in actors if x.kind == "person"]
    [('Shinzo Abe', 'JPN', 'GOV', 'Japanese Prime Minister')]

Countries and their capitals or seats of power stand for the state ("Japan",
id ``JPN``) or its government ("Moscow highly appreciates", id ``RUSGOV``, as
CAMEO writes actor codes); as the object of "in", "at" and the like they are
places, not actors. Groups carry their member states on the article's date.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from collections import Counter
import re
import unicodedata

import numpy
import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from dyads import lexicons
from dyads.gazetteer import locate
from dyads.lexicons import Lexicons
from dyads.pipeline.coref import resolve_references
from dyads.pipeline.people import Person, find_people, looks_like_name, name_words, org_word, title_facts
from dyads.records import Actor, Article, Mention

# Prepositions whose object is where something happens, not who does it.
# "to", "from", "against", "over" are left out: "aid to Pakistan", "pressure from Moscow"
# name the recipient or source of an action.
LOCATIVE = {"in", "at", "inside", "across", "throughout", "within", "near", "outside", "around"}
# Verbs of going whose object is a destination ("visited Tokyo" is a place).
MOTION_VERBS = {"visit", "arrive", "travel", "fly", "return", "go", "come", "leave", "head"}
# Title families whose holder serves the state the story is about when the title names none.
DOMESTIC_OFFICES = {"president", "premier", "monarch", "minister", "judge", "officer"}
# Country mentions a text needs before one country can be what it is "about": a single
# sentence naming two countries says nothing of a third person's nationality (on the PLOVER
# sentences a lower bound cost precision; the 13 TASS stories have 9 to 40 each).
MAIN_COUNTRY_MIN_MENTIONS = 5
# Words before a group that make it "the members except those just named": "other G7 countries".
EXCEPT_WORDS = {"other", "remaining", "rest"}


@functools.cache
def _matcher(vocab) -> PhraseMatcher:
    """One matcher per vocabulary for every lexicon phrase, as written and in capitals (headlines)."""
    lex = lexicons.load()
    make_doc = spacy.blank("en", vocab=vocab).make_doc
    matcher = PhraseMatcher(vocab, attr="ORTH")
    phrases = sorted(set(lex.phrases) | set(lex.phrases_upper) | set(lex.ambiguous) | set(lex.ambiguous_upper))
    matcher.add("PHRASE", [make_doc(p) for p in phrases])
    return matcher


def lexicon_spans(doc: Doc) -> list[tuple[Span, tuple[str, str | None, str | None]]]:
    """Longest non-overlapping country, capital, seat and group phrases, with (kind, code, sector).

    A word several countries share ("Congolese") takes the one of them the story names
    unambiguously elsewhere ("Kinshasa"), else no code: a guess would be wrong as often as not.
    """
    lex = lexicons.load()
    spans = filter_spans([doc[s:e] for _, s, e in _matcher(doc.vocab)(doc)])
    known = [(span, lex.phrases.get(span.text) or lex.phrases_upper.get(span.text)) for span in spans]
    named = {value[1] for _, value in known if value}
    found = []
    for span, value in known:
        if value is None:
            kind, codes = lex.ambiguous.get(span.text) or lex.ambiguous_upper[span.text]
            evidenced = [c for c in codes if c in named]
            value = (kind, evidenced[0] if len(evidenced) == 1 else None, None)
        found.append((span, value))
    return found


class _Builder:
    """Collects mentions and actors for one article."""

    def __init__(self, doc: Doc, article: Article, lex: Lexicons) -> None:
        self.doc, self.article, self.lex = doc, article, lex
        self.actors: dict[str, Actor] = {}
        self.found: list[tuple[int, int, str, str | None]] = []  # token start, end, kind, actor id

    def add(self, span: Span, kind: str, actor: Actor | None) -> None:
        if actor is not None:
            self.actors.setdefault(actor.id, actor)
        self.found.append((span.start, span.end, kind, actor.id if actor else None))

    def country(self, iso3: str, sector: str | None = None) -> Actor:
        country = self.lex.countries.get(iso3)
        name = country.name if country else iso3
        return Actor(id=iso3 + (sector or ""), kind="country", name=name, country=iso3, sector=sector)


def extract_actors(doc: Doc, article: Article) -> tuple[tuple[Actor, ...], tuple[Mention, ...]]:
    """Actors of an article and every mention of them, with coreference chains."""
    lex = lexicons.load()
    builder = _Builder(doc, article, lex)
    phrase_spans = lexicon_spans(doc)
    people = find_people(doc, lex, [(s.start, s.end) for s, _ in phrase_spans])
    person_actors = _person_actors(people, lex)
    not_parties = [(p.title_start, p.start) for p in people if p.title_start is not None]
    # "5 million Swiss francs", "US$ 3 billion": a currency's country is no party to the story
    not_parties += [(e.start, e.end) for e in doc.ents if e.label_ == "MONEY"]
    for person in people:
        # The mention is the whole noun phrase, title included, as annotators mark it.
        span = doc[person.title_start if person.title_start is not None else person.start : person.end]
        builder.add(span, "name" if person.end - person.start > 1 else "surname", person_actors[person.start])
    for span, (kind, code, sector) in phrase_spans:
        if any(b <= span.start and span.end <= e for b, e in not_parties):
            continue  # "Japanese" in "Japanese Prime Minister Shinzo Abe" belongs to the title
        _add_phrase(builder, span, kind, code, sector)
    _add_organizations(builder, [s for s, _ in phrase_spans], people)
    _add_placed_groups(builder)
    _infer_office_countries(builder, people, person_actors)
    resolve_references(builder, people, person_actors)
    return _records(builder)


def _infer_office_countries(builder: _Builder, people: list[Person], person_actors: dict[int, Actor]) -> None:
    """ "President Yoweri Museveni has banned Ugandan opposition candidates": a head of state,
    minister or judge whose title names no country, and whom no other mention in the story
    gives one, holds office in the one country his sentence names as an actor.

    Places are not evidence ("visited Tokyo", "in Nicosia"), nor is the dateline or the
    country the story is mostly about: those say where the reporter was, not whom the
    person serves. A sentence naming two countries gives none.
    """
    found = sorted(builder.found)  # by start, so each sentence's mentions are one slice
    found_starts = [f[0] for f in found]
    by_start = sorted(people, key=lambda p: p.start)
    people_starts = [p.start for p in by_start]
    for person in people:
        actor = builder.actors.get(person_actors[person.start].id)
        if actor is None or actor.country or person.family not in DOMESTIC_OFFICES:
            continue
        sentence = builder.doc[person.start].sent
        inside = found[
            bisect.bisect_left(found_starts, sentence.start) : bisect.bisect_left(found_starts, sentence.end)
        ]
        named = {
            _country_of(builder, s, e, kind, actor_id)
            for s, e, kind, actor_id in inside
            if e <= sentence.end and not _dateline_like(builder.doc[s:e]) and kind in {"country", "capital", "demonym"}
        } - {None}
        named |= {
            p.country
            for p in by_start[
                bisect.bisect_left(people_starts, sentence.start) : bisect.bisect_left(people_starts, sentence.end)
            ]
            if p.country
        }
        if len(named) == 1:
            builder.actors[actor.id] = dataclasses.replace(actor, country=next(iter(named)))


def person_id(name: str, lex: Lexicons) -> str:
    """The id of a person named so: one for every spelling ("Sergey Lavrov", "Sergei Lavrov"
    -> person:sergei-lavrov; "Bashar al-Assad", "Bashar Assad" -> person:bashar-assad)."""
    return "person:" + "-".join(name_words(name, lex))


def _dateline_like(span: Span) -> bool:
    """ "NICOSIA, March 3 -": a place in capitals opening its sentence before a comma."""
    doc = span.doc
    return span.text.isupper() and span.start == span.sent.start and span.end < len(doc) and doc[span.end].text == ","


def _person_actors(people: list[Person], lex: Lexicons) -> dict[int, Actor]:
    """One actor per person: a surname alone ("Assad", "al-Assad") joins the one full name
    of the story that ends with it; with two such ("Bill Clinton", "Hillary Clinton") it
    stays a person of its own."""
    words = {p.start: name_words(p.name, lex) for p in people}
    by_surname: dict[str, dict[str, Person]] = {}  # last word -> full names ending so, by id
    for p in people:
        if len(words[p.start]) > 1:
            by_surname.setdefault(words[p.start][-1], {}).setdefault(person_id(p.name, lex), p)

    def canonical(person: Person) -> Person:
        if len(words[person.start]) != 1:
            return person
        matches = by_surname.get(words[person.start][0], {})
        return next(iter(matches.values())) if len(matches) == 1 else person

    groups: dict[str, list[Person]] = {}
    for person in people:
        groups.setdefault(person_id(canonical(person).name, lex), []).append(person)
    actors = {}
    for actor_id, same in groups.items():
        # The name as the body writes it, not a headline's capitals ("REAGAN").
        named = min((canonical(p) for p in same), key=lambda p: (p.name.isupper(), p.start))
        titled = next((p for p in same if p.title), None)
        country = next((p.country for p in same if p.country), None)
        sector = next((p.sector for p in same if p.sector), None)
        actor = Actor(
            id=actor_id,
            kind="person",
            name=named.name,
            country=country,
            sector=sector,
            title=titled.title if titled else None,
        )
        for person in same:
            actors[person.start] = actor
    return actors


def _add_phrase(builder: _Builder, span: Span, kind: str, code: str | None, sector: str | None) -> None:
    if kind == "group":
        group = builder.lex.groups[code]
        members = group.members_on(builder.article.published)
        excluded = _excluded_members(span, members, builder)
        actor_id = "group:" + code + ("-except-" + "-".join(excluded) if excluded else "")
        name = group.name if not excluded else f"{group.name} except {', '.join(excluded)}"
        builder.add(
            span,
            "group",
            Actor(
                id=actor_id,
                kind="group",
                name=name,
                sector=group.sector,
                members=tuple(m for m in members if m not in excluded),
            ),
        )
        return
    if kind == "organization":
        builder.add(
            span,
            "organization",
            Actor(id="org:" + slug(span.text), kind="organization", name=span.text, country=code, sector=sector),
        )
        return
    if kind == "region" or _is_place(span):  # "Siberia", "Nagorno-Karabakh": places, never actors
        builder.add(span, "place", None)
        return
    if code is None:  # a shared word the story does not settle ("Congo" alone)
        builder.add(span, "demonym" if kind == "demonym" else "country", None)
        return
    if kind == "demonym" and _ethnic(span):
        # "ethnic Albanians in south Serbia", "the Albanian population of Montenegro": people
        # of a nation coded by the country they live in (PLOVER) when the text places them,
        # in their own phrase or the sentence; else by the nation
        home = _residence(span, builder.lex) or code
        builder.add(_demonym_span(span), "demonym", builder.country(home, "CVL"))
        return
    if kind == "demonym":
        head_sector = _head_sector(span, builder.lex)
        if head_sector is None and span.root.pos_ in {"NOUN", "PROPN"} and span.text.endswith("s"):
            head_sector = "CVL"  # "Libyans", "Nigerians": the people of a country
        builder.add(_demonym_span(span), "demonym", builder.country(code, head_sector))
        return
    mention_kind = {"name": "country", "capital": "capital", "seat": "capital"}[kind]
    owned = _owned_office(span, builder.lex)
    if owned is not None:  # "Israel's Cabinet", "Moscow's leadership", "US President"
        institution, owned_sector = owned
        builder.add(span.doc[span.start : institution.i + 1], mention_kind, builder.country(code, owned_sector))
        return
    builder.add(span, mention_kind, builder.country(code, sector))


# Prepositions that place a group of people in a country: "opposition parties in Nepal",
# "demonstrators from Lagos", "the people of Iraq".
GROUP_PLACE_PREPS = frozenset({"in", "from", "of"})


def _add_placed_groups(builder: _Builder) -> None:
    """Plural role nouns the text places in a country, and that no other mention names:
    "opposition parties in Nepal" (NPL, PTY), "demonstrators in Baghdad" (IRQ, CVL),
    "guerrillas operating in Macedonia". PLOVER codes such groups by the country they are
    in; the place itself stays a place. "of" counts only before a country's own name
    ("supporters of Ben Bella" are his, "the people of Iraq" are Iraq's)."""
    doc, lex = builder.doc, builder.lex
    taken = {i for s, e, _, _ in builder.found for i in range(s, e)}
    for token in doc:
        if token.tag_ != "NNS" or token.pos_ != "NOUN" or token.i in taken:
            continue
        title = lex.title(token.lemma_) or lex.title(token.text)
        if title is None:
            continue
        code = _group_place(builder, token)
        if code is None:
            continue
        start = min([c.i for c in token.lefts if c.dep_ in ("compound", "amod") and c.i not in taken] + [token.i])
        span = doc[start : token.i + 1]
        sector = (lex.title(" ".join(t.lemma_ for t in span)) or title)[0]
        builder.add(span, "nominal", builder.country(code, sector))


def _group_place(builder: _Builder, noun: Token) -> str | None:
    """The country of a place phrase on a group noun, or on the participle after it
    ("guerrillas operating in Macedonia")."""
    heads = [noun] + [c for c in noun.children if c.dep_ == "acl" and c.tag_ in ("VBG", "VBN")]
    for head in heads:
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in GROUP_PLACE_PREPS):
            for place in (c for c in prep.children if c.dep_ == "pobj"):
                name = builder.doc[place.left_edge.i : place.i + 1]
                value = builder.lex.phrases.get(name.text) or builder.lex.phrases.get(place.text)
                if value and value[0] in ("name", "capital") and value[1]:
                    return value[1]
                if prep.lower_ == "of":
                    continue
                found = locate(place.text) if place.ent_type_ in ("GPE", "LOC") else None
                if found is not None and found.country:
                    return found.country
    return None


# Nouns that make a demonym before them an ethnic group ("the Albanian minority").
ETHNIC_NOUNS = frozenset({"population", "minority", "community", "diaspora", "communities", "minorities"})


def _ethnic(span: Span) -> bool:
    """ "ethnic Albanians", "the Albanian minority": a demonym that names an ethnic group."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    head = _modified_noun(span)
    return (before is not None and before.lower_ == "ethnic") or (head is not None and head.lower_ in ETHNIC_NOUNS)


def _residence(span: Span, lex: Lexicons) -> str | None:
    """The country an ethnic group's own phrase places it in ("... in south Serbia",
    "... of Montenegro"), else the place of its sentence's act, else None."""
    head = _modified_noun(span) or span.root
    own = [t for c in head.children if c.dep_ == "prep" and c.lower_ in ("in", "of") for t in c.subtree]
    # then a place the sentence puts its act in: "Ethnic Turks protested in Stockholm"
    places = [
        t for t in span.sent if t.dep_ == "pobj" and t.head.lower_ in LOCATIVE and not span.start <= t.i < span.end
    ]
    for token in own + places:
        value = lex.phrases.get(token.text)
        if value and value[0] in ("name", "capital") and value[1]:
            return value[1]
    return None


def _main_country(builder: _Builder) -> str | None:
    """The country a story is about: named in most country mentions, and in at least half."""
    counts = Counter(
        _country_of(builder, s, e, kind, actor_id)
        for s, e, kind, actor_id in builder.found
        if kind in {"country", "capital", "demonym"}
    )
    counts.pop(None, None)
    if sum(counts.values()) < MAIN_COUNTRY_MIN_MENTIONS:
        return None
    country, n = counts.most_common(1)[0]
    return country if n * 2 >= sum(counts.values()) else None


def _country_of(builder: _Builder, start: int, end: int, kind: str, actor_id: str | None) -> str | None:
    if actor_id:
        return builder.actors[actor_id].country
    value = builder.lex.phrases.get(builder.doc[start:end].text)
    return value[1] if value and value[0] != "group" else None


def _is_place(span: Span) -> bool:
    """ "in Tokyo", "both in Japan and Russia", "visited Tokyo": a location, not an actor."""
    token = span.root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ == "pobj" and token.head.lower_ in LOCATIVE:
        return True
    return token.dep_ == "dobj" and token.head.lemma_ in MOTION_VERBS


# Title families a country can own with no holder named: "Israel's Cabinet", "Montenegro's
# prime minister", "US President".
OWNED_FAMILIES = frozenset(
    {"government", "legislature", "military", "court", "police", "president", "premier", "minister", "monarch"}
)


def _owned_office(span: Span, lex: Lexicons) -> tuple[Token, str] | None:
    """ "Israel's Cabinet", "Montenegro's prime minister", "US President": an institution or
    an office a country owns, named before it by possessive or compound, with its sector. A
    named holder's title is the person's, see ``not_parties``."""
    root = span.root
    possessive = root.dep_ == "poss" and any(c.dep_ == "case" for c in root.children)
    if not (possessive or root.dep_ == "compound"):
        return None
    head = root.head
    if head.pos_ not in {"NOUN", "PROPN"} or head.i < span.end:
        return None
    title = lex.title(span.doc[span.end : head.i + 1].text)
    if title is None or title[1] not in OWNED_FAMILIES:
        return None
    return head, title[0]


def _modified_noun(span: Span) -> Token | None:
    """The noun a demonym modifies, through coordination: "Russian and Japanese leadership"."""
    token = span.root
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    head = token.head
    if token.dep_ in {"amod", "compound", "nmod"} and head.i > token.i and head.pos_ in {"NOUN", "PROPN"}:
        return head
    return None


def _head_sector(span: Span, lex: Lexicons) -> str | None:
    """Sector of the noun a demonym modifies: "Japanese leadership" -> GOV."""
    head = _modified_noun(span)
    if head is None:
        return None
    words = " ".join(t.text for t in head.subtree if span.end <= t.i <= head.i)
    title = lex.title(words)
    return title[0] if title else None


def _demonym_span(span: Span) -> Span:
    """ "Japanese leadership": the demonym with the noun it modifies; the demonym alone when
    it is one of several ("Russian and Japanese leadership"), so each keeps its own mention."""
    head = _modified_noun(span)
    if head is not None and span.root.dep_ != "conj" and not any(c.dep_ == "conj" for c in span.root.children):
        return span.doc[span.start : head.i + 1]
    return span


def _excluded_members(span: Span, members: tuple[str, ...], builder: _Builder) -> tuple[str, ...]:
    """ "Japan is outperforming all other G7 countries": members named earlier in the sentence."""
    doc = builder.doc
    if span.start == 0 or doc[span.start - 1].lower_ not in EXCEPT_WORDS:
        return ()
    sentence_start = span.sent.start
    named = []
    for start, end, kind, actor_id in builder.found:
        actor = builder.actors.get(actor_id) if actor_id else None
        if actor and start >= sentence_start and end <= span.start and actor.country in members:
            named.append(actor.country)
    return tuple(sorted(set(named)))


def _add_organizations(builder: _Builder, phrase_spans: list[Span], people: list[Person]) -> None:
    """ORG entities that hold a country or seat: "Russian Foreign Ministry" is RUS GOV. One
    that is the surname of a person of the story is that person ("Lavrov" tagged ORG);
    a PERSON entity with an organisation's head word ("Gazprombank") is an organisation;
    units, currencies and bylines ("cts", "Reuters") are nothing."""
    covered = _Cover(len(builder.doc), [(s, e) for s, e, _, _ in builder.found])
    names = _PersonNames(builder)
    swallowed: list[tuple[int, int, int]] = []  # (start, end, len(found) then) of each organization
    for ent in builder.doc.ents:
        if ent.label_ == "PERSON" and org_word(ent) and not covered.overlaps(ent.start, ent.end):
            _add_org(builder, ent, swallowed)
            continue
        if ent.label_ not in {"ORG", "NORP"} or covered.overlaps(ent.start, ent.end):
            if ent.label_ == "ORG" and _contains_phrase(ent, phrase_spans) and not covered.contains(ent.start, ent.end):
                _add_org(builder, ent, swallowed)
            continue
        if ent.label_ == "ORG" and not looks_like_name(ent, builder.lex):
            continue
        person = names.person_named(ent)
        if person is not None:
            builder.add(ent, "surname" if len(ent) == 1 else "name", person)
            continue
        _add_org(builder, ent, swallowed)
    builder.found = _unswallowed(builder.found, swallowed)


class _Cover:
    """Token ranges, asked in constant time whether any overlaps or holds a given range
    (a scan of every range per entity made a story of many names quadratic)."""

    def __init__(self, length: int, ranges: list[tuple[int, int]]) -> None:
        marks = numpy.zeros(length + 1, dtype=numpy.int64)
        reach = numpy.full(length + 1, -1, dtype=numpy.int64)  # furthest end of a range from each start
        for start, end in ranges:
            marks[start] += 1
            marks[end] -= 1
            reach[start] = max(reach[start], end)
        self.taken = numpy.zeros(length + 1, dtype=numpy.int64)  # covered tokens before each
        self.taken[1:] = numpy.cumsum(numpy.cumsum(marks)[:-1] > 0)
        self.reach = numpy.maximum.accumulate(reach)  # furthest end of a range from here or before

    def overlaps(self, start: int, end: int) -> bool:
        return bool(self.taken[end] - self.taken[start])

    def contains(self, start: int, end: int) -> bool:
        return bool(self.reach[start] >= end)


class _PersonNames:
    """The story's people by their name words, to tell which one an ORG entity names."""

    def __init__(self, builder: _Builder) -> None:
        self.builder = builder
        self.by_words: dict[tuple[str, ...], dict[str, Actor]] = {}
        self.by_surname: dict[str, dict[str, Actor]] = {}
        for actor in builder.actors.values():
            if actor.kind == "person":
                words = tuple(name_words(actor.name, builder.lex))
                self.by_words.setdefault(words, {})[actor.id] = actor
                self.by_surname.setdefault(words[-1:], {})[actor.id] = actor

    def person_named(self, ent: Span) -> Actor | None:
        """The one person of the story whose name or surname an ORG entity is ("Lavrov said")."""
        lex = self.builder.lex
        if org_word(ent) or ent.text.isupper() or lex.title(ent.text):
            return None
        words = tuple(name_words(ent.text, lex))
        people = dict(self.by_words.get(words, {}))
        if len(words) == 1:
            people.update(self.by_surname.get(words, {}))
        return next(iter(people.values())) if len(people) == 1 else None


def _contains_phrase(ent: Span, phrase_spans: list[Span]) -> bool:
    """Whether an ORG entity holds a country or seat phrase and is more than that phrase
    ("Federation Council International Affairs Committee"); one that holds a group
    ("the European Union", "the BRICS Media Summit") stays the group's mention."""
    lex = lexicons.load()
    inside = [s for s in phrase_spans if ent.start <= s.start and s.end <= ent.end]
    if not inside or any(
        (lex.phrases.get(s.text) or lex.phrases_upper.get(s.text, ("",)))[0] == "group" for s in inside
    ):
        return False
    rest = [t for t in ent if not any(s.start <= t.i < s.end for s in inside) and t.lower_ != "the"]
    return bool(rest)


def _add_org(builder: _Builder, ent: Span, swallowed: list[tuple[int, int, int]]) -> None:
    country, sector, _ = title_facts(ent, builder.lex)
    if ent.label_ == "NORP":
        return  # a nationality the lexicon does not know: nothing to resolve it to
    # Mentions found so far that the organization swallows ("Federation Council" inside the
    # committee's name) are dropped once all are added (``_unswallowed``).
    swallowed.append((ent.start, ent.end, len(builder.found)))
    if country and sector in {"GOV", "LEG", "MIL", "JUD", "COP"}:
        builder.add(ent, "organization", builder.country(country, sector))
    else:
        name = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text  # one id with or without "the"
        builder.add(
            ent,
            "organization",
            Actor(id="org:" + slug(name), kind="organization", name=name, country=country, sector=sector),
        )


def _unswallowed(found: list, swallowed: list[tuple[int, int, int]]) -> list:
    """``found`` without each mention an organization added after it holds. The
    organizations are entities, so their ranges do not overlap: one bisect finds the one
    that may hold a mention."""
    if not swallowed:
        return found
    swallowed = sorted(swallowed)
    starts = [s for s, _, _ in swallowed]
    kept = []
    for index, mention in enumerate(found):
        at = bisect.bisect_right(starts, mention[0]) - 1
        if at >= 0:
            start, end, before = swallowed[at]
            if mention[1] <= end and index < before:
                continue
        kept.append(mention)
    return kept


def _records(builder: _Builder) -> tuple[tuple[Actor, ...], tuple[Mention, ...]]:
    doc = builder.doc
    sent_index = {sent.start: i for i, sent in enumerate(doc.sents)}
    found = sorted(set(builder.found), key=lambda f: (f[0], -f[1]))
    chains: dict[str, int] = {}
    mentions = []
    for start, end, kind, actor_id in found:
        span = doc[start:end]
        chain = chains.setdefault(actor_id, len(chains)) if actor_id else None
        mentions.append(
            Mention(
                index=len(mentions),
                start=span.start_char,
                end=span.end_char,
                sentence=sent_index[span.sent.start],
                text=span.text,
                kind=kind,
                actor_id=actor_id,
                chain=chain,
            )
        )
    used = {m.actor_id for m in mentions}
    actors = tuple(a for a in builder.actors.values() if a.id in used)
    return actors, tuple(mentions)


def slug(name: str) -> str:
    """A stable id part: "Konstantin Kosachev" -> "konstantin-kosachev"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
