"""The events stage on sentences we wrote: (text, expected events), including "must yield nothing".

Runs the real spaCy pipeline and the real actors stage; party codes are compared as
PLOVER entity codes (ISO 3166 alpha-3, IGO ...).
"""

import datetime as dt
import importlib.util

import pytest

from dyads import nlp
from dyads.ontology import entity_code, party_actor
from dyads.pipeline import analyze
from dyads.pipeline.events import primary
from dyads.records import Article, Dateline

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("dyads.pipeline.actors") is None, reason="needs the actors stage"
)


def run(text: str, *, headline: str = "", published: dt.date | None = None, dateline: Dateline | None = None):
    article = Article(
        headline=headline, paragraphs=tuple(text.split("\n\n")), origin="test", published=published, dateline=dateline
    )
    return analyze(article, nlp.load()(article.text))


def codes(analysis, ids) -> set:
    return {entity_code(party_actor(analysis, i)) for i in ids}


def summary(analysis):
    return [(e.type, codes(analysis, e.actors), codes(analysis, e.recipients)) for e in analysis.events]


CASES = [
    # meetings with no host: every party an actor (PLOVER §2)
    ("Norway and Kenya held talks on fisheries.", ("CONSULT", {"NOR", "KEN"}, set())),
    ("Chile's foreign minister met his Peruvian counterpart.", ("CONSULT", {"CHL", "PER"}, set())),
    # a visit: visitor actor, host recipient
    ("The Indonesian president visited Norway.", ("CONSULT", {"IDN"}, {"NOR"})),
    ("Chile praised New Zealand for its help.", ("SUPPORT", {"CHL"}, {"NZL"})),
    ("Portugal accused Spain of polluting the river.", ("ACCUSE", {"PRT"}, {"ESP"})),
    # the accusation swallows the alleged act: no ASSAULT of its own
    ("Ghana condemned Togo's attack on the border post.", ("ACCUSE", {"GHA"}, {"TGO"})),
    ("Bolivia rejected a proposal from Paraguay.", ("REJECT", {"BOL"}, {"PRY"})),
    ("Ghana threatened to expel Togolese traders.", ("THREATEN", {"GHA"}, {"TGO"})),
    ("Egypt sent humanitarian aid to Sudan.", ("AID", {"EGY"}, {"SDN"})),
    ("Armenia demanded that Azerbaijan withdraw its troops.", ("REQUEST", {"ARM"}, {"AZE"})),
    ("Thai police arrested twenty Myanmar workers.", ("COERCE", {"THA"}, {"MMR"})),
    ("Canada imposed sanctions on Belarus.", ("SANCTION", {"CAN"}, {"BLR"})),
    # future cooperation is AGREE (PLOVER §2)
    ("Brazil will send doctors to Haiti.", ("AGREE", {"BRA"}, {"HTI"})),
    # a denied concession is a refusal
    ("Iceland said it would not lift the ban on Danish trawlers.", ("REJECT", {"ISL"}, {"DNK"})),
    # a summoned ambassador is a complaint, not a meeting (PLOVER §2)
    ("Finland summoned the Estonian ambassador.", ("ACCUSE", {"FIN"}, {"EST"})),
    # a place that is no actor stands for its country as recipient
    ("Indonesia lifted the curfew in Dili.", ("CONCEDE", {"IDN"}, {"TLS"})),
    # violence with no named doer: the unidentified forces of the country where it
    # happened, never the victims' country or the dateline's
    (
        "Two Kenyan engineers were killed by a roadside bomb outside the Somali town of Baidoa.",
        ("ASSAULT", {"SOM"}, {"KEN"}),
    ),
    # a participle used as its adjective row: no passive with a hidden doer
    ("Peru is opposed to Chilean mediation in the dispute.", ("REJECT", {"PER"}, {"CHL"})),
    ("Demonstrators in Lima blocked a highway to protest against Chile's new tariffs.", ("PROTEST", {"PER"}, {"CHL"})),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_sentence_events(text, expected):
    analysis = run(text)
    event = primary(analysis.events)
    assert event is not None, f"no event in {text!r}"
    found = (event.type, codes(analysis, event.actors), codes(analysis, event.recipients))
    assert found == expected


NOTHING = [
    "The weather in Oslo was mild on Sunday.",
    "Fishing boats left the harbour at dawn.",
    "The minister said the economy grew by two percent.",
    # appeals are statements (CAMEO 02), not events
    "Kenya urged Uganda to reopen the border.",
    # an event word inside a name is no event
    "The Asia-Pacific Economic Cooperation forum has a new logo.",
    # no party resolved: no event
    "Talks resumed on Monday.",
]


@pytest.mark.parametrize("text", NOTHING)
def test_sentences_with_no_event(text):
    assert run(text).events == ()


def test_every_event_carries_its_evidence():
    analysis = run("Norway and Kenya held talks in Nairobi on Tuesday. Chile praised Peru.")
    text = analysis.article.text
    for event in analysis.events:
        assert text[event.start : event.end] in {
            "Norway and Kenya held talks in Nairobi on Tuesday.",
            "Chile praised Peru.",
        }
        assert event.start <= event.trigger_start < event.trigger_end <= event.end
        for start, end in event.actor_spans + event.recipient_spans:
            assert event.start <= start < end <= event.end
        assert len(event.actor_spans) == len(event.actors)


def test_dates_resolve_against_publication_and_never_invent_a_year():
    text = "Norway and Kenya held talks on Friday."
    dated = primary(run(text, published=dt.date(2025, 3, 10)).events)
    assert (dated.date, dated.date_source) == (dt.date(2025, 3, 7), "text")
    undated = primary(run(text, dateline=Dateline(raw="NAIROBI, March 7 -", place="NAIROBI", month=3, day=7)).events)
    assert (undated.date, undated.date_year, undated.date_month, undated.date_day) == (None, None, 3, 7)
    unknown = primary(run("Norway and Kenya held talks last week.").events)
    assert unknown.date is None and unknown.date_month is None


def test_historical_events_are_marked():
    analysis = run("Chile and Peru signed a fisheries treaty in May 2016.", published=dt.date(2025, 3, 10))
    event = primary(analysis.events)
    assert event.type == "SUPPORT" and event.historical and event.date == dt.date(2016, 5, 1)
    fresh = primary(run("Chile and Peru signed a fisheries treaty on Monday.", published=dt.date(2025, 3, 10)).events)
    assert not fresh.historical


def test_place_from_sentence_and_dateline():
    event = primary(run("Norway and Kenya held talks in Nairobi.").events)
    assert (event.place, event.place_country, event.place_source) == ("Nairobi", "KEN", "text")
    assert event.place_lat == pytest.approx(-1.28, abs=0.1)
    datelined = run(
        "Norway and Kenya held talks.", dateline=Dateline(raw="OSLO, March 7 -", place="OSLO", month=3, day=7)
    )
    assert (primary(datelined.events).place, primary(datelined.events).place_source) == ("Oslo", "dateline")


def test_quoted_event_is_reported_by_its_speaker():
    analysis = run('"We have praised Chile for its help," Peruvian President Dina Boluarte said.')
    event = primary(analysis.events)
    assert event.quoted and event.type == "SUPPORT"
    assert party_actor(analysis, event.reported_by).name == "Dina Boluarte"


def test_negated_and_hypothetical_flags():
    negated = primary(run("Chile did not criticize Peru.").events)
    assert negated.negated and negated.type == "ACCUSE"
    hypothetical = primary(run("If talks fail, Ghana could expel Togolese traders.").events)
    assert hypothetical.hypothetical


def test_headline_repeating_the_lead_does_not_double_the_event():
    analysis = run("Chile praised New Zealand for its help after the floods.", headline="Chile praises New Zealand")
    assert [e.type for e in analysis.events] == ["SUPPORT"]
    assert analysis.sentences[analysis.events[0].sentence].section == "body"


def test_no_party_from_another_sentence():
    analysis = run("Chile sent a delegation. The talks were productive.")
    assert not any(e.type == "CONSULT" for e in analysis.events)
