"""Quotes stored in DuckDB and read back by `dyads quotes` and `dyads show --json`."""

import csv
import io
import json

import pytest

from conftest import FIXTURES
from dyads import nlp
from dyads.pipeline import analyze
from dyads.pipeline.linking import link_people
from dyads.records import Actor, Analysis, Article, Mention, Quote
from dyads.store import Store
from dyads.store.browse import QUOTES, quote_where

WIRE = FIXTURES / "quotes-wire.txt"


def test_quote_round_trip(db):
    article = Article(headline="Head", paragraphs=('"We agree," the envoy said.',), origin="t")
    text = article.text
    at = {w: (text.index(w), text.index(w) + len(w)) for w in ('"We agree,"', "the envoy", "said")}
    quote = Quote(
        index=0,
        start=at['"We agree,"'][0],
        end=at['"We agree,"'][1],
        parts=(at['"We agree,"'],),
        kind="direct",
        sentence=1,
        cue_start=at["said"][0],
        cue_end=at["said"][1],
        cue_lemma="say",
        speaker_start=at["the envoy"][0],
        speaker_end=at["the envoy"][1],
        speaker_kind="nominal",
    )
    with Store.open(db) as store:
        store.write([Analysis(article, quotes=(quote,))])
        [row] = store.get_article(article.id)["quotes"]
        [listed] = store.list_quotes()
    assert row["part_texts"] == ['"We agree,"'] and row["part_starts"] == [quote.start]
    assert (row["cue_text"], row["speaker_text"], row["speaker_id"]) == ("said", "the envoy", None)
    assert listed["headline"] == "Head" and listed["content"] == '"We agree,"'


def test_list_quotes_filters(db):
    article = Article(headline="Head", paragraphs=tuple((WIRE.read_text("utf-8").split("\n\n"))[1:]), origin="t")
    with Store.open(db) as store:
        store.write([analyze(article, nlp.load()(article.text))])
        everyone = store.list_quotes()
        lund = store.list_quotes(speaker="lund")
        norway = store.list_quotes(country="nor")
        about_japan = store.list_quotes(about="JPN")
        patrols = store.list_quotes(q="patrol ships")
    assert len(everyone) >= 4
    assert lund and all(q["speaker_name"] == "Kari Lund" or "Lund" in q["speaker_text"] for q in lund)
    assert norway and all(q["speaker_country"] == "NOR" for q in norway)
    assert about_japan and all(
        "JPN" in q["about_countries"] or "Japan" in "|".join(q["about_names"]) for q in about_japan
    )
    assert [q["speaker_name"] for q in patrols] == ["Hiro Tanaka"]


def test_quotes_command(run):
    run("ingest", str(WIRE))
    listed = json.loads(run("quotes", "--json").out)
    text_of = {q["text"]: q for q in listed}
    first = text_of[
        '"We see Japan as our closest partner in the Arctic, and we want the patrols to start this summer,"'
    ]
    assert first["kind"] == "direct" and first["cue"]["text"] == "explained"
    assert first["speaker"]["text"] == "the minister"
    assert first["speaker"]["actor"]["name"] == "Kari Lund"  # resolved through the chain
    assert first["speaker"]["actor"]["country"] == "NOR"
    split = next(q for q in listed if q["cue"] and q["cue"]["text"] == "stressed")
    assert [p["text"] for p in split["parts"]] == [
        '"Illegal fishing hurts all our coasts,"',
        '"Russia and Norway must also share what their boats see."',
    ]
    shown = json.loads(run("show", first["article_id"][:8], "--json").out)
    assert len(shown["quotes"]) == len(listed)
    for quote in shown["quotes"]:
        for part in quote["parts"]:
            assert shown["text"][part["start"] : part["end"]] == part["text"]
        if quote["speaker"]:
            assert shown["text"][quote["speaker"]["start"] : quote["speaker"]["end"]] == quote["speaker"]["text"]
        if quote["cue"]:
            assert shown["text"][quote["cue"]["start"] : quote["cue"]["end"]] == quote["cue"]["text"]
    assert "Quotes:" in run("show", first["article_id"][:8]).out


def test_quotes_command_filters_and_formats(run):
    run("ingest", str(WIRE))
    japan = json.loads(run("quotes", "--speaker", "Lund", "--about", "JPN", "--json").out)
    assert japan and all(q["speaker"]["actor"]["name"] == "Kari Lund" for q in japan)
    rows = list(csv.DictReader(io.StringIO(run("quotes", "--country", "NOR", "--csv").out)))
    assert rows and {r["country"] for r in rows} == {"NOR"} and rows[0]["speaker"]
    assert json.loads(run("quotes", "--search", "no such words", "--json").out) == []
    table = run("quotes").out
    assert table.splitlines()[0].split()[:3] == ["id", "published", "speaker"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--country", "Norway"], "Invalid value for '--country': 'Norway' is not an ISO 3166 alpha-3"),
        (["--since", "May"], "Invalid value for '--since': 'May' is not a date"),
    ],
)
def test_quotes_command_errors(run, args, message):
    """A bad filter value is a usage error (exit 2) with one line naming the option."""
    run("ingest", str(WIRE))
    result = run("quotes", *args, check=False)
    [line] = [line for line in result.err.splitlines() if line.startswith("Error")]
    assert result.returncode == 2 and message in line


def _putin_quote() -> Analysis:
    """'"We agree," Putin said.' with Putin known only by his surname."""
    article = Article(headline="Head", paragraphs=('"We agree," Putin said.',), origin="t")
    text = article.text
    at = {w: (text.index(w), text.index(w) + len(w)) for w in ('"We agree,"', "Putin", "said")}
    putin = Actor(id="person:putin", kind="person", name="Putin", country="RUS", sector="GOV", title="President")
    mention = Mention(0, *at["Putin"], 1, "Putin", "surname", putin.id, 0)
    quote = Quote(
        index=0,
        start=at['"We agree,"'][0],
        end=at['"We agree,"'][1],
        parts=(at['"We agree,"'],),
        kind="direct",
        sentence=1,
        cue_start=at["said"][0],
        cue_end=at["said"][1],
        cue_lemma="say",
        speaker_start=at["Putin"][0],
        speaker_end=at["Putin"][1],
        speaker_kind="name",
        speaker_id=putin.id,
    )
    return Analysis(article, actors=(putin,), mentions=(mention,), quotes=(quote,))


def test_linked_speaker_is_stored_under_the_linked_person(db):
    [linked] = link_people([_putin_quote()], known={"Putin": {"person:vladimir-putin": "Vladimir Putin"}})
    with Store.open(db) as store:
        store.write([linked])
        [quote] = store.list_quotes(speaker="Vladimir")
    assert (quote["speaker_id"], quote["speaker_name"]) == ("person:vladimir-putin", "Vladimir Putin")
    assert (quote["speaker_title"], quote["speaker_country"], quote["speaker_sector"]) == ("President", "RUS", "GOV")


def test_quote_listings_read_the_speakers_current_fields(db):
    """Who a speaker is can change after the quote is stored (people linked across articles):
    every quote listing reads the speaker's fields from the article's actors, not the copy."""
    analysis = _putin_quote()
    with Store.open(db) as store:
        store.write([analysis])
        before = store.list_quotes()
        store.con.execute(
            "UPDATE article_actors SET name = 'Vladimir Putin', title = 'Prime Minister', "
            "country = 'RUS', sector = 'GOV' WHERE actor_id = 'person:putin'"
        )
        listed = store.list_quotes(speaker="Vladimir", country="RUS")
        shown = store.get_article(analysis.article.id)["quotes"]
        where, params = quote_where(country="RUS")
        page = store.browse(QUOTES, where=where, params=params)
        faceted = store.facet(QUOTES, "country", where=[], params=[])
    assert before[0]["speaker_name"] == "Putin" and before[0]["speaker_title"] == "President"
    for rows in (listed, shown, page["rows"]):
        assert [(q["speaker_name"], q["speaker_title"]) for q in rows] == [("Vladimir Putin", "Prime Minister")]
    assert set(listed[0]) == set(before[0])  # the same shape as before
    assert faceted == [{"value": "RUS", "count": 1}]


def test_speaker_filter_finds_an_institution_by_the_name_the_story_gave_it(db):
    article = Article(
        headline="Ministry condemns the decision",
        paragraphs=(
            "The Russian Foreign Ministry strongly condemned the new sanctions on Monday.",
            '"This is theft," the ministry said in a statement.',
        ),
        origin="t",
    )
    with Store.open(db) as store:
        store.write([analyze(article, nlp.load()(article.text))])
        found = store.list_quotes(speaker="Foreign Ministry")
    assert '"This is theft,"' in [q["content"] for q in found]  # spoken as "the ministry"
