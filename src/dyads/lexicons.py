"""Versioned lexicons from ``dyads/data``: countries, seats of power, groups, titles.

Loaded once per process; each lookup is a dict keyed by the phrase as written.

    >>> lex = load()
    >>> lex.countries["JPN"].name, lex.phrases["Japanese"], lex.phrases["Moscow"]
    ('Japan', ('demonym', 'JPN', None), ('capital', 'RUS', 'GOV'))
    >>> sorted(lex.groups["G8"].members_on(dt.date(2010, 1, 1)))[-2:], "RUS" in lex.groups["G8"].members_on(dt.date(2015, 1, 1))
    (['RUS', 'USA'], False)
    >>> lex.title("Vice-Minister for Foreign Affairs")
    ('GOV', 'diplomat')
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    capital: str | None
    capital_latlng: tuple[float, float] | None


@dataclass(frozen=True)
class Membership:
    iso3: str
    since: dt.date | None
    until: dt.date | None

    def holds_on(self, day: dt.date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day < self.until)


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    sector: str
    memberships: tuple[Membership, ...]

    def members_on(self, day: dt.date | None) -> tuple[str, ...]:
        """Member states on ``day`` (today's members when the day is unknown)."""
        day = day or dt.date.today()
        return tuple(sorted({m.iso3 for m in self.memberships if m.holds_on(day)}))


@dataclass(frozen=True, eq=False)
class Lexicons:
    countries: dict[str, Country]
    # phrase as written -> (kind, code, sector); kind: name | demonym | capital | seat | organization | group
    phrases: dict[str, tuple[str, str, str | None]]
    groups: dict[str, Group]
    titles: dict[str, tuple[str, str]]  # lower-case title phrase -> (sector, family)
    institutions: dict[str, str]  # lower-case institution word -> sector
    # phrase as written -> (kind, candidate ISO3 codes): a word several countries share
    # ("Congo", "Congolese"), resolved from the story or left without a country.
    ambiguous: dict[str, tuple[str, tuple[str, ...]]] = dataclasses.field(default_factory=dict)
    # lower-case word -> why it is never an actor ("cts": unit, "reuters": byline)
    not_actors: dict[str, str] = dataclasses.field(default_factory=dict)
    # lower-case given-name spelling -> the form person ids use ("sergey" -> "sergei")
    name_variants: dict[str, str] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def member_groups(self) -> list[str]:
        """Codes of the groups with member states (G7, EU ...), sorted: those a ranking or a
        "members of" selector can take; NGOs and bodies listed without members are left out."""
        return sorted(code for code, group in self.groups.items() if group.memberships)

    @functools.cached_property
    def phrases_upper(self) -> dict[str, tuple[str, str, str | None]]:
        """Phrases in capitals, for all-caps headlines ("U.S. TAKES TOUGH STAND"); names only,
        since a capitalised demonym or capital is rarer than the word it collides with."""
        return {p.upper(): v for p, v in self.phrases.items() if p.upper() != p and len(p) > 3}

    @functools.cached_property
    def ambiguous_upper(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Ambiguous phrases in capitals, as ``phrases_upper`` is to ``phrases``."""
        return {p.upper(): v for p, v in self.ambiguous.items() if p.upper() != p and len(p) > 3}

    @functools.cached_property
    def _phrases_by_first_word(self) -> tuple[dict[str, list[int]], list[int]]:
        """First word run -> orders (in ``phrases``) of the phrases starting with it; and the
        orders of phrases that start with no word character, to try on every text."""
        index: dict[str, list[int]] = {}
        other: list[int] = []
        for order, phrase in enumerate(self.phrases):
            first = re.match(r"\w+", phrase)
            if first:
                index.setdefault(first.group(), []).append(order)
            else:
                other.append(order)
        return index, other

    def phrases_in(self, text: str) -> list[tuple[str, tuple[str, str, str | None]]]:
        """(phrase, value) of every known phrase standing as whole words in ``text``, in ``phrases`` order.

        A phrase can only stand there if its first word run is one of the text's,
        so only those phrases are searched for (trying every phrase cost a
        millisecond a title).
        """
        index, other = self._phrases_by_first_word
        orders = set(other)
        for word in set(re.findall(r"\w+", text)):
            orders.update(index.get(word, ()))
        items = self._phrase_items
        found = []
        for order in sorted(orders):
            phrase, value = items[order]
            if phrase in text and re.search(rf"(?<![\w.]){re.escape(phrase)}(?![\w])", text):
                found.append((phrase, value))
        return found

    @functools.cached_property
    def _phrase_items(self) -> list[tuple[str, tuple[str, str, str | None]]]:
        return list(self.phrases.items())

    @functools.cached_property
    def title_words(self) -> frozenset[str]:
        """Every lower-case word of a title or institution phrase ("minister", "affairs", "committee")."""
        words = {w for phrase in self.titles for w in re.split(r"[\s-]+", phrase)}
        words |= set(self.institutions) | {
            "foreign",
            "affairs",
            "international",
            "national",
            "security",
            "defence",
            "defense",
            "interior",
            "justice",
            "finance",
            "state",
            "deputy",
            "vice",
            "first",
            "acting",
            "former",
            "senior",
            "chief",
            "top",
            "special",
            "federal",
            "council",
            "federation",
            "relations",
        }
        return frozenset(w for w in words if len(w) > 2 and w not in _FUNCTION_WORDS)

    @functools.cached_property
    def _title_index(self) -> dict[str, tuple[int, tuple[str, str]]]:
        """Title phrase with spaces for hyphens -> (its order in titles.tsv, value); the first wins."""
        index: dict[str, tuple[int, tuple[str, str]]] = {}
        for order, (phrase, value) in enumerate(self.titles.items()):
            index.setdefault(phrase.replace("-", " "), (order, value))
        return index

    def title(self, text: str) -> tuple[str, str] | None:
        """(sector, family) of the longest known title phrase ending ``text``'s words, else
        of the longest known phrase anywhere in it; None when no title word is known.

        Looks up the text's word runs in a dict (one regex search per title phrase
        was half of the actors stage's time); a tie in length goes to the phrase
        listed first in titles.tsv.
        """
        words = _WORD.findall(text.lower().replace("-", " - "))
        words = [w for w in words if w != "-"]
        index = self._title_index
        for start in range(len(words)):  # the longest suffix first
            found = index.get(" ".join(words[start:]))
            if found:
                return found[1]
        best = None
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                phrase = " ".join(words[start:end])
                found = index.get(phrase)
                if found and (best is None or (len(phrase), -found[0]) > (len(best[0]), -best[1][0])):
                    best = (phrase, found)
        return best[1][1] if best else None


_FUNCTION_WORDS = {"the", "for", "and", "of", "on", "to", "in"}
_WORD = re.compile(r"[\w'.]+|-")


def _data(name: str) -> str:
    return resources.files("dyads.data").joinpath(name).read_text("utf-8")


def _tsv(name: str) -> list[list[str]]:
    lines = [line for line in _data(name).splitlines() if line.strip() and not line.startswith("#")]
    return [row for row in csv.reader(lines, delimiter="\t")]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _demonym_forms(demonym: str) -> tuple[str, ...]:
    """The demonym and its plural for people: "Iraqi" -> "Iraqis", "Libyan" -> "Libyans"
    (not "Japanese", "Swiss", "British": their plural is the same word or none)."""
    if demonym.endswith(("an", "i", "ot", "ite")) or demonym in {
        "Turk",
        "Serb",
        "Croat",
        "Pole",
        "Dane",
        "Swede",
        "Finn",
        "Kurd",
        "Briton",
        "Thai",
    }:
        return demonym, demonym + "s"
    return (demonym,)


@functools.cache
def load() -> Lexicons:
    """All lexicons, read once per process."""
    countries_data = json.loads(_data("countries.json"))
    countries, phrases = {}, {}
    ambiguous: dict[str, tuple[str, tuple[str, ...]]] = {}
    for record in countries_data["countries"]:
        latlng = record["capital_latlng"]
        countries[record["iso3"]] = Country(
            record["iso3"], record["name"], record["capital"], tuple(latlng) if latlng else None
        )
        for name in record["names"]:
            phrases.setdefault(name, ("name", record["iso3"], None))
        for demonym in record["demonyms"]:
            for form in _demonym_forms(demonym):
                phrases.setdefault(form, ("demonym", record["iso3"], None))
        if record["capital"]:
            phrases.setdefault(record["capital"], ("capital", record["iso3"], "GOV"))
    for word, codes in countries_data.get("ambiguous", {}).items():
        for form in _demonym_forms(word):
            ambiguous[form] = ("demonym", tuple(codes))
    for alias, iso3, kind in _tsv("country_aliases.tsv"):
        codes = tuple(iso3.split("|"))
        for form in _demonym_forms(alias) if kind == "demonym" else (alias,):
            if len(codes) > 1:  # "Congo	COD|COG	name": the story must say which
                ambiguous[form] = (kind, codes)
                phrases.pop(form, None)
            else:
                phrases[form] = (kind, iso3, "GOV" if kind == "capital" else None)
                ambiguous.pop(form, None)
    for phrase, iso3, sector in _tsv("seats.tsv"):
        phrases[phrase] = ("seat", iso3, sector)
    for phrase, iso3, sector in _tsv("organizations.tsv"):
        phrases[phrase] = ("organization", iso3, sector)
    groups = {}
    for record in json.loads(_data("groups.json"))["groups"]:
        memberships = tuple(
            Membership(m["iso3"], _date(m.get("since")), _date(m.get("until"))) for m in record["members"]
        )
        groups[record["code"]] = Group(record["code"], record["name"], record["sector"], memberships)
        # A seat ("Brussels" for the EU) stands for the group, not for the capital it also is.
        for alias in record["aliases"] + record.get("seats", []):
            phrases[alias] = ("group", record["code"], record["sector"])
    for phrase in [p for p in phrases if p.startswith("the ")]:
        phrases.setdefault("The " + phrase[4:], phrases[phrase])  # at the start of a sentence
    titles = {phrase: (sector, family) for phrase, sector, family in _tsv("titles.tsv")}
    institutions = {word: sector for word, sector in _tsv("institutions.tsv")}
    not_actors = {word.lower(): why for word, why in _tsv("not_actors.tsv")}
    name_variants = {variant: form for variant, form in _tsv("name_variants.tsv")}
    return Lexicons(countries, phrases, groups, titles, institutions, ambiguous, not_actors, name_variants)
