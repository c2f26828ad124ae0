"""The data files cannot contradict themselves: every country name, demonym, capital, seat
and alias means one country, or is marked ambiguous and resolved from the story."""

import csv
import json
from collections import defaultdict
from importlib import resources

import pytest

from dyads import lexicons
from dyads.pipeline.actors import lexicon_spans


def _data(name):
    return resources.files("dyads.data").joinpath(name).read_text("utf-8")


def _tsv(name):
    lines = [line for line in _data(name).splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.reader(lines, delimiter="\t"))


def _claims():
    """phrase -> {(source, code)} over every file that maps a phrase to a country or group."""
    countries = json.loads(_data("countries.json"))
    claims = defaultdict(set)
    for record in countries["countries"]:
        for word in record["names"] + record["demonyms"] + [record["capital"]] * bool(record["capital"]):
            for form in lexicons._demonym_forms(word) if word in record["demonyms"] else (word,):
                claims[form].add(("countries.json", record["iso3"]))
    for word, codes in countries["ambiguous"].items():
        claims[word].add(("countries.json", "|".join(sorted(codes))))
    for alias, code, kind in _tsv("country_aliases.tsv"):
        for form in lexicons._demonym_forms(alias) if kind == "demonym" else (alias,):
            claims[form].add(("country_aliases.tsv", "|".join(sorted(code.split("|")))))
    for name in ("seats.tsv", "organizations.tsv"):
        for phrase, code, _ in _tsv(name):
            claims[phrase].add((name, code))
    for group in json.loads(_data("groups.json"))["groups"]:
        for alias in group["aliases"]:
            claims[alias].add(("groups.json", "group:" + group["code"]))
    return claims, {s for g in json.loads(_data("groups.json"))["groups"] for s in g.get("seats", [])}


def test_every_phrase_names_one_country_or_is_marked_ambiguous():
    claims, seats = _claims()
    faults = {}
    for phrase, found in claims.items():
        codes = {code for _, code in found}
        marked = [set(c.split("|")) for c in codes if "|" in c]
        if len(codes) == 1 or (marked and all(c in marked[0] or c == "|".join(sorted(marked[0])) for c in codes)):
            continue
        faults[phrase] = sorted(found)
    assert not faults
    # A group's seat ("Brussels") is also a capital: groups.json says so, and the group wins.
    assert seats and all(lexicons.load().phrases[s][0] == "group" for s in seats)


def test_phrases_in_capitals_do_not_collide():
    lex = lexicons.load()
    by_upper = defaultdict(set)
    for phrase, value in lex.phrases.items():
        if phrase.upper() != phrase and len(phrase) > 3:
            by_upper[phrase.upper()].add(value[:2])
    assert {u: v for u, v in by_upper.items() if len(v) > 1} == {}


def test_ambiguous_words_are_not_phrases():
    lex = lexicons.load()
    assert lex.ambiguous and not set(lex.ambiguous) & set(lex.phrases)
    assert set(lex.ambiguous["Congo"][1]) == {"COD", "COG"}


@pytest.mark.parametrize(
    "word,country",
    [
        ("American", "USA"),
        ("Americans", "USA"),
        ("French", "FRA"),
        ("Indian", "IND"),
        ("Norwegian", "NOR"),
        ("Chinese", "CHN"),
        ("Kingston", "JAM"),
        ("Dominican", "DOM"),
    ],
)
def test_a_state_keeps_the_words_it_shares_with_its_territories(word, country):
    assert lexicons.load().phrases[word][1] == country


@pytest.mark.parametrize(
    "text,congo",
    [
        ("Congolese troops crossed the river from Kinshasa.", "COD"),
        ("Brazzaville said Congolese troops stayed home.", "COG"),
        ("Congolese troops crossed the river.", None),
    ],
)
def test_an_ambiguous_word_is_settled_by_the_story_or_left_without_a_country(text, congo):
    from dyads import nlp

    doc = nlp.load()(text)
    [value] = [v for span, v in lexicon_spans(doc) if span.text == "Congolese"]
    assert value[1] == congo
