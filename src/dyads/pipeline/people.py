"""People in a parsed article: names, and the titles that say for whom they speak.

A title comes before the name ("Japan's Vice-Minister for Foreign Affairs Manabu
Horii"), or after it in apposition ("Sergei Lavrov, Russia's foreign minister");
its countries, seats of power and institution words give the person's country
and sector. Names come from spaCy's PERSON entities, and from the capitalised
words that follow a title when the model misses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from dyads.lexicons import Lexicons

# Longest person name taken from the capitalised words after a title ("Manabu Horii",
# "Mohammad Javad Zarif", "Luiz Inacio Lula da Silva" has five, but rarely follows a title).
MAX_NAME_TOKENS = 4
# Words that join a multi-word title ("Minister for Foreign Affairs", "Chief of Staff").
TITLE_JOINERS = {"for", "of", "and", "&", "-", "on", "to"}
# Titles that take "to" and a host country: "Russian Ambassador to Vietnam".
ENVOY_WORDS = {"ambassador", "envoy", "representative", "delegate", "emissary", "consul"}
# Last words that make a capitalised run a place, not a person: "Ho Chi Minh City".
PLACE_WORDS = {
    "city",
    "province",
    "region",
    "street",
    "square",
    "river",
    "island",
    "islands",
    "valley",
    "district",
    "county",
    "state",
    "oblast",
    "krai",
    "bay",
    "sea",
    "ocean",
    "mountains",
}
# Lower-case words a title may carry before its head: "Lebanon's new President".
TITLE_MODIFIERS = {
    "new",
    "former",
    "ousted",
    "outgoing",
    "incoming",
    "acting",
    "interim",
    "late",
    "then",
    "current",
    "deposed",
    "exiled",
    "elected",
    "newly",
    "religious",
    "spiritual",
    "supreme",
    "visiting",
    "veteran",
    "powerful",
    "influential",
    "embattled",
    "beleaguered",
}
_POSSESSIVE = {"'s", "’s", "'", "’"}
# Particles that some spellings of a name keep and others drop ("Bashar al-Assad",
# "Bashar Assad", "Al-Assad"): left out of the words a person's id is made of.
NAME_PARTICLES = {"al", "el", "al-", "el-"}
# Organisation head words that also end single-word names ("Gazprombank", "Sberbank",
# "Rosneft" does not): a one-word entity ending so is an organisation, not a person.
ORG_WORD_ENDINGS = ("bank", "corp", "group", "ministry", "holding", "holdings", "airlines", "motors", "oil")


@dataclass
class Person:
    """A person mention while the stage works: token span of the name and what its title says."""

    start: int  # token index of the name
    end: int
    name: str
    title: str | None = None
    title_start: int | None = None  # token span of the title, when before the name
    country: str | None = None
    sector: str | None = None
    family: str | None = None


def find_people(doc: Doc, lex: Lexicons, taken: list[tuple[int, int]]) -> list[Person]:
    """Named people with their titles; ``taken`` token spans (countries, groups) are not names."""
    spans = [_without_title(ent, lex) for ent in doc.ents if ent.label_ == "PERSON"]
    spans = [
        span
        for span in spans
        if span is not None and _is_name(span, lex) and not org_word(span) and not _one_word_compound(span)
    ]
    # "said Natalia Eismont, spokeswoman of ...": a name the tagger calls an organization
    # is a person when a person's title stands in apposition to it
    spans += [ent for ent in doc.ents if ent.label_ == "ORG" and _titled_like_a_person(ent, lex)]
    spans += _names_after_titles(doc, lex, [(s.start, s.end) for s in spans] + taken)
    spans = [s for s in spans if not any(s.start < e and b < s.end for b, e in taken)]
    people = []
    for span in sorted(spans, key=lambda s: s.start):
        person = Person(span.start, span.end, _clean_name(span))
        describe(person, doc, lex)
        people.append(person)
    _distribute_titles(people, doc, lex)
    return people


def _distribute_titles(people: list[Person], doc: Doc, lex: Lexicons) -> None:
    """ "Presidents of Belarus and Russia Alexander Lukashenko and Vladimir Putin": a plural
    title over names joined by "and" gives each name its country in turn, when it names as
    many countries as there are names."""
    for i, first in enumerate(people):
        if first.title_start is None or not any(
            t.tag_ in ("NNS", "NNPS") for t in doc[first.title_start : first.start]
        ):
            continue
        group = [first]
        for later in people[i + 1 :]:
            between = doc[group[-1].end : later.start]
            if later.title_start is not None or [t.lower_ for t in between] not in (["and"], [","], [",", "and"]):
                break
            group.append(later)
        if len(group) < 2:
            continue
        title = doc[first.title_start : first.start]
        countries = list(
            dict.fromkeys(
                code for phrase, (kind, code, _) in lex.phrases_in(title.text) if kind in ("name", "demonym") and code
            )
        )
        if len(countries) != len(group):
            continue
        singular = re.sub(r"(\w)s\b", r"\1", title.text.lower(), count=1)  # "presidents of" -> "president of"
        found = lex.title(singular)
        for person, country in zip(group, countries):
            person.country = country
            person.title = first.title
            if found:
                person.sector = person.sector or found[0]
                person.family = person.family or found[1]


def describe(person: Person, doc: Doc, lex: Lexicons) -> None:
    """Fill title, country and sector from the words before the name or its apposition."""
    start = _title_start(doc, person.start, lex)
    if start < person.start:
        person.title_start = start
        title_tokens = doc[start : person.start]
    else:
        title_tokens = _apposition(doc[person.start : person.end], lex)
    if title_tokens is not None and len(title_tokens):
        person.title = _title_text(title_tokens)
        person.country, person.sector, person.family = title_facts(title_tokens, lex)
    if person.country is None:
        person.country = _country_after(doc, person.end, lex)


def _country_after(doc: Doc, end: int, lex: Lexicons) -> str | None:
    """ "King Hassan of Morocco": the country named right after the name."""
    if end + 1 >= len(doc) or doc[end].lower_ != "of":
        return None
    for length in (3, 2, 1):
        value = lex.phrases.get(doc[end + 1 : end + 1 + length].text)
        if value and value[0] == "name":
            return value[1]
    return None


def title_facts(tokens: Span, lex: Lexicons) -> tuple[str | None, str | None, str | None]:
    """(country, sector, family) that a title's words state."""
    country = seat_sector = None
    text = tokens.text
    phrases = lex.phrases_in(text)
    for phrase, (kind, code, sector) in phrases:
        if kind == "group":
            continue
        if re.search(rf"\bto\s+(?:the\s+)?{re.escape(phrase)}", text):
            continue  # "Ambassador to Japan": Japan is the host, not the employer
        country = country or code
        if kind == "seat":
            seat_sector = seat_sector or sector
    if country is None and any(kind == "group" for _, (kind, _, _) in phrases):
        seat_sector = seat_sector or "IGO"  # "EU diplomacy chief", "UN envoy": serves an organization
    title = lex.title(text)
    institution = next(
        (lex.institutions[w] for w in reversed(re.findall(r"[\w']+", text.lower())) if w in lex.institutions), None
    )
    sector = seat_sector or institution or (title[0] if title else None)
    if title and title[0] in {"MIL", "JUD", "COP", "PTY", "OPP", "REB", "BUS", "MED", "IGO", "REL"}:
        sector = seat_sector or title[0]  # "army general", "party leader": the title's own sector
    return country, sector, title[1] if title else None


def _title_start(doc: Doc, name_start: int, lex: Lexicons) -> int:
    """Leftmost token of a title directly before a name (the name's start when there is none)."""
    i = name_start - 1
    start = name_start
    has_title_word = False
    while i >= 0 and doc[i].sent == doc[name_start].sent:
        token = doc[i]
        lower = token.lower_
        if token.text in _POSSESSIVE and i > 0:
            i -= 1  # "Japan's": keep the possessor and go on
            start = i
            continue
        if (
            lower == "and"
            and i > 1
            and doc[i - 2].lower_ == "of"
            and _country_name(doc[i - 1], lex)
            and _country_name(doc[i + 1], lex)
        ):
            i -= 1  # "Presidents of Belarus and Russia": countries a plural title shares out
            continue
        if lower == "and" and i > 0 and doc[i - 1].lower_ not in lex.title_words:
            break  # "Syria and Palestinian leader Yasser Arafat", "Gaddafi and Bulgarian President"
        if lower == "to" and (i == 0 or doc[i - 1].lower_ not in ENVOY_WORDS):
            break  # "Ambassador to Vietnam" is a title; "troops to Lebanon's" is not
        if lower in TITLE_JOINERS or lower in TITLE_MODIFIERS:
            i -= 1
            continue
        capitalised = (
            (token.is_title or token.is_upper)
            and token.is_alpha
            and (
                token.pos_ in {"PROPN", "NOUN", "ADJ"}
                or token.ent_type_ in {"ORG", "NORP", "GPE"}
                or token.dep_ == "compound"
            )
        )  # "Storting", tagged a verb, is part of a name
        plural_title = token.tag_ in ("NNS", "NNPS") and lower[:-1] in lex.title_words  # "Presidents"
        if lower in lex.title_words or token.text in lex.phrases or capitalised or plural_title:
            has_title_word = has_title_word or lower in lex.title_words or plural_title
            start = i
            i -= 1
            continue
        break
    return start if has_title_word else name_start


def _titled_like_a_person(ent: Span, lex: Lexicons) -> bool:
    """Two or three proper nouns and a singular title in apposition ("Natalia Eismont,
    spokeswoman of the Belarusian leader"), where a body's would be its kind ("the agency")."""
    if not 2 <= len(ent) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in ent):
        return False
    if ent.text in lex.phrases or not looks_like_name(ent, lex):
        return False
    title = _apposition(ent, lex)
    if title is None:
        return False
    head = title.root
    return head.tag_ == "NN" and head.lower_ in lex.title_words and head.lower_ not in lex.institutions


def _country_name(token: Token, lex: Lexicons) -> bool:
    value = lex.phrases.get(token.text)
    return bool(value and value[0] == "name")


def _apposition(name: Span, lex: Lexicons) -> Span | None:
    """ "Kosachev, chairman of the ... committee,": the appositive phrase when it holds a title."""
    root = name.root
    for child in root.children:
        if child.dep_ == "appos" and child.i > root.i:
            tokens = [t for t in child.subtree if not t.is_punct or t.text in {"-"}]
            if not tokens:
                continue
            span = name.doc[tokens[0].i : tokens[-1].i + 1]
            words = {t.lower_ for t in span}
            if words & lex.title_words and lex.title(span.text):
                return span
    return None


def _names_after_titles(doc: Doc, lex: Lexicons, taken: list[tuple[int, int]]) -> list[Span]:
    """Runs of two or more capitalised words that a title introduces ("Vice-Minister for
    Foreign Affairs Manabu Horii", "Ambassador to Vietnam Gennady Bezdetko") and that
    spaCy did not tag as a PERSON."""
    spans = []
    i = 0
    while i < len(doc):
        end = i
        while end < len(doc) and end - i < MAX_NAME_TOKENS and _name_token(doc[end], lex):
            end += 1
        if (
            end - i >= 2
            and not any(i < e and b < end for b, e in taken)
            and _title_start(doc, i, lex) < i
            and not _place_like(doc[end - 1])
        ):
            spans.append(doc[i:end])
        i = max(end, i + 1)
    return spans


def _place_like(token: Token) -> bool:
    return token.lower_ in PLACE_WORDS


def _name_token(token: Token, lex: Lexicons) -> bool:
    return (
        token.is_title
        and token.is_alpha
        and token.pos_ == "PROPN"
        and token.lower_ not in lex.title_words
        and token.text not in lex.phrases
    )


def _without_title(span: Span, lex: Lexicons) -> Span | None:
    """The name in a PERSON entity: "King Abdullah II" -> "Abdullah II" (the model often takes
    the title in), "Chair Ingrid [Solberg]" -> "Ingrid Solberg" (or leaves the first name out)."""
    doc = span.doc
    start = span.start
    while start < span.end - 1 and (doc[start].lower_ in lex.title_words or doc[start].text in lex.phrases):
        start += 1  # "Havana Viktor Koronelli": the place belongs to the title before it
    while (
        start > 0
        and span.end - start < MAX_NAME_TOKENS
        and _name_token(doc[start - 1], lex)
        and doc[start - 1].ent_type_ in {"", "PERSON"}
    ):
        start -= 1
    return doc[start : span.end] if start < span.end else None


def _is_name(span: Span, lex: Lexicons) -> bool:
    """A PERSON entity that is not a country, group, place, title, unit or verb misread as a name."""
    text = _clean_name(span)
    if _place_like(span[-1]):
        return False
    if not text or text in lex.phrases or text in lex.ambiguous or not any(c.isalpha() for c in text):
        return False
    if not looks_like_name(span, lex):
        return False
    return not all(t.lower_ in lex.title_words for t in span)


def looks_like_name(span: Span, lex: Lexicons) -> bool:
    """Whether an entity's words could be a person's or body's name at all: not a unit,
    currency or byline ("cts", "Reuters"), not lower case, not a verb ("Says")."""
    text = _clean_name(span)
    bare = text[4:] if text.lower().startswith("the ") else text
    if bare.lower() in lex.not_actors or not any(t.is_title or t.is_upper for t in span if t.is_alpha):
        return False
    # A figure or a table word inside is a table row read as a name: "Revs 634.5", "Mar 20.4".
    if any(t.like_num and not t.is_alpha for t in span) or any(t.lower_ in lex.not_actors for t in span[:1]):
        return False
    words = [t for t in span if t.is_alpha]
    # One word that is only an institution's head noun ("Bank", "Ministry") names no one body.
    return not (len(words) == 1 and (words[0].pos_ in {"VERB", "AUX"} or words[0].lower_ in lex.institutions))


def _one_word_compound(span: Span) -> bool:
    """ "Nagorno-Karabakh", "Bosnia-Herzegovina": one hyphenated word and no first name is a
    place; a person's double name has a surname after it ("Jean-Bertrand Aristide") and
    "Al-Assad" is a particle and a name."""
    words = span.text.split()
    return (
        len(words) == 1
        and "-" in words[0]
        and all(p[:1].isupper() for p in words[0].split("-") if p)
        and words[0].split("-")[0].lower() not in {"al", "el", "bin", "ibn", "abu", "abd", "ben"}
    )


def org_word(span: Span) -> bool:
    """A one-word name with an organisation's head word in it: "Gazprombank"."""
    words = [t for t in span if t.is_alpha]
    return len(words) == 1 and words[0].lower_.endswith(ORG_WORD_ENDINGS) and words[0].lower_ not in ORG_WORD_ENDINGS


def name_words(name: str, lex: Lexicons) -> list[str]:
    """The words a person's id is made of: ASCII, lower case, particles dropped and given
    names in one spelling ("Sergey al-Lavrov" -> ["sergei", "lavrov"])."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    ascii_name = re.sub(r"\b(?:al|el)-", "", ascii_name)
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_name) if w and w not in NAME_PARTICLES]
    if len(words) > 1:
        words[0] = lex.name_variants.get(words[0], words[0])
    return words


def _clean_name(span: Span) -> str:
    """The name without a trailing possessive: "Abe's" -> "Abe"."""
    text = span.text
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip(" ,.")


def _title_text(tokens: Span) -> str:
    return tokens.text.strip(" ,")
