"""The learned event coder, how it joins the rules, parties from the clause, lasting states,
and story-level scoring, on text we wrote; real spaCy, the shipped weights, real DuckDB."""

import datetime as dt
import json
from pathlib import Path

import pytest

from dyads import nlp
from dyads.evaluate import events as evaluate_events_module
from dyads.evaluate.events import GoldEvent, RecordResult, cross_validate_events, evaluate_events, score
from dyads.ontology import entity_code, party_actor
from dyads.pipeline import analyze, event_coder, triggers
from dyads.pipeline.events import CODING, RULES_ONLY, Coding, extract_events, primary
from dyads.records import Article

FIXTURES = Path(__file__).parent / "fixtures"


def run(text, published=dt.date(2024, 12, 10)):
    article = Article(headline="", paragraphs=(text,), origin="test", published=published)
    doc = nlp.load()(article.text)
    return doc, analyze(article, doc)


def codes(analysis, ids):
    return {entity_code(party_actor(analysis, i)) for i in ids}


def test_coder_gives_a_distribution_and_reads_acts_not_names():
    coder = event_coder.load()
    doc = nlp.load()("Rebels shelled the town, killing 20 civilians.")
    probabilities = coder.probabilities(doc[:])
    assert abs(sum(probabilities.values()) - 1) < 1e-6 and len(probabilities) == 16
    assert coder.best(doc[:])[0] == "ASSAULT"
    assert "<gpe>" in event_coder.features(nlp.load()("Chile praised Peru.")[:])


def test_coder_fills_a_sentence_no_trigger_codes_and_says_so():
    doc, analysis = run("Nigerian teachers walked out of schools across Lagos demanding higher pay.")
    assert not [e for e in extract_events(doc, analysis, coding=RULES_ONLY) if e.found_by == "model"]
    filled = extract_events(doc, analysis, coding=Coding(fill=0.0))
    assert filled and all(e.found_by in ("rules", "model") for e in filled)


@pytest.mark.parametrize(
    "text, recipient",
    [
        ("Washington has waged a sanctions war against Russia.", "RUS"),
        ("Turkish police prevented a march by Kurdish students in Ankara.", "TUR"),
    ],
)
def test_a_recipient_the_sentence_names_is_not_left_empty(text, recipient):
    doc, analysis = run(text)
    event = primary(analysis.events)
    assert event is not None and recipient in codes(analysis, event.recipients)


def test_dated_and_lasting_acts_are_background():
    _, dated = run("Canada imposed sanctions on Belarus in 2022.")
    assert dated.events[0].historical and dated.events[0].date_year == 2022
    _, lasting = run("The islands are illegally occupied by Japan.")
    assert lasting.events[0].historical and lasting.events[0].date is None
    _, years = run("Washington has waged a sanctions war against Russia for many years.")
    assert years.events[0].historical and years.events[0].date_source is None


def test_story_matching_is_one_to_one_by_type_and_country_sets():
    gold = (GoldEvent("ACCUSE", None, ("GHA",), ("TGO",)), GoldEvent("COERCE", None, ("TGO",), ("GHA",)))
    predicted = (("ACCUSE", frozenset({"GHA"}), frozenset({"TGO"})), ("COERCE", frozenset({"TGO"}), frozenset()))
    result = RecordResult(
        "s", "t", gold[0], "ACCUSE", ("GHA",), ("TGO",), "condemned", gold_events=gold, predicted_events=predicted
    )
    scores = score([result])
    assert (scores.event_precision, scores.event_recall, scores.event_f1) == (0.5, 0.5, 0.5)


def test_story_level_scores_on_our_stories():
    scores = evaluate_events(FIXTURES / "events-stories.jsonl")
    assert scores.records == 6
    assert scores.event_f1 >= 0.6 and scores.event_precision >= 0.6
    lines = (FIXTURES / "events-stories.jsonl").read_text().splitlines()
    story = json.loads(lines[0])
    start, end = story["events"][0]["trigger"]
    assert story["text"][start:end] == "met"


def test_found_by_is_stored(tmp_path):
    from dyads.store import Store

    _, analysis = run("Canada imposed sanctions on Belarus.")
    assert analysis.events[0].found_by == "rules"
    with Store.open(tmp_path / "t.duckdb") as store:
        store.write([analysis])
        assert store.con.execute("SELECT DISTINCT found_by FROM events").fetchall() == [("rules",)]


def test_a_left_out_trigger_row_matches_nothing_inside_the_block_only():
    doc = nlp.load()("Serbia lifted the curfew.")
    row = triggers.match(doc[1])
    with triggers.without({row.key}):
        assert triggers.match(doc[1]) is None
        with triggers.without(()):  # an inner block keeps the outer block's rows out
            assert triggers.match(doc[1]) is None
    assert triggers.match(doc[1]) == row


def _gold(path, records):
    path.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"r{i}",
                    "text": text,
                    "events": [{"type": kind, "actors": [{"code": a}], "recipients": [{"code": r}]}],
                }
            )
            + "\n"
            for i, (text, a, r, kind) in enumerate(records)
        ),
        encoding="utf-8",
    )
    return path


def test_cross_validation_scores_a_fold_without_the_rows_only_it_supports(tmp_path):
    # "criticise" (British spelling) codes no training story's own type and is not the
    # manuals' word (CAMEO 111 "Criticize or denounce"), so a fold whose only such sentence is
    # its own is scored without that row; "praise" is supported by both.
    assert evaluate_events_module.training_support()["criticise/V/111/-"] == 0
    assert "criticise/V/111/-" not in evaluate_events_module.manual_rows()
    assert "praise/V/051/-" in evaluate_events_module.manual_rows()
    alone = _gold(
        tmp_path / "alone.jsonl",
        [
            ("Japan criticised South Korea over the remarks.", "JPN", "KOR", "ACCUSE"),
            ("Chile praised New Zealand for its help after the floods.", "CHL", "NZL", "SUPPORT"),
        ],
    )
    cv = cross_validate_events(alone, folds=2, grid=(CODING,))
    assert cv.left_out == [1, 0]
    assert evaluate_events(alone).fully_right == 1.0
    assert [r.predicted_type for r in cv.scores.results][1] == "SUPPORT"
    both = _gold(
        tmp_path / "both.jsonl",
        [
            ("Japan criticised South Korea over the remarks.", "JPN", "KOR", "ACCUSE"),
            ("Peru criticised Chile over the border incident.", "PER", "CHL", "ACCUSE"),
        ],
    )
    cv = cross_validate_events(both, folds=2, grid=(CODING,))
    assert cv.left_out == [0, 0] and cv.scores.fully_right == 1.0


def test_eval_events_prints_the_cross_validated_figures_beside_dev(run):
    result = run("eval", "events", "--gold", str(FIXTURES / "events-gold.jsonl"), "--folds", "3", "--json")
    report = json.loads(result.out)
    assert report["cross_validated"]["folds"] == 3 and len(report["cross_validated"]["rows_left_out"]) == 3
    assert 0 <= report["cross_validated"]["type_macro_f1"] <= 1


STORY = """Russia condemns new US sanctions on Gazprombank

MOSCOW, November 22. /TASS/. The Russian Foreign Ministry strongly condemned the new US sanctions against Gazprombank on Friday.

Moscow provided 5 million Swiss francs to the International Committee of the Red Cross in November.
"""


def _story_events():
    from dyads.readers.wire import parse_wire

    article = parse_wire(STORY, origin="story").replace(published=dt.date(2024, 11, 22))
    doc = nlp.load()(article.text)
    analysis = analyze(article, doc)
    return analysis, [
        (
            e.type,
            article.text[e.trigger_start : e.trigger_end],
            codes(analysis, e.actors),
            codes(analysis, e.recipients),
        )
        for e in analysis.events
    ]


def test_a_headline_act_the_body_tells_by_other_names_of_the_same_countries_counts_once():
    analysis, events = _story_events()
    accusations = [e for e in events if e[0] == "ACCUSE"]
    assert accusations == [("ACCUSE", "condemned", {"RUS"}, {"USA"})]  # the body's, not the headline's too


def test_money_given_is_economic_aid_whatever_the_currency_is_called():
    analysis, events = _story_events()
    assert ("AID", "provided", {"RUS"}) in [e[:3] for e in events]
    assert [e.cameo for e in analysis.events if e.type == "AID"] == ["071"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Japan and Russia signed an agreement on fisheries.", ["SUPPORT"]),  # CAMEO 057, SUPPORT by the crosswalk
        ("The EU lifted the sanctions on Belarus.", ["CONCEDE"]),
        ("Japan provided aid to the Philippines.", ["AID"]),
    ],
)
def test_the_object_a_trigger_asks_for_is_part_of_its_act_not_a_second_event(text, expected):
    _, analysis = run(text)
    assert [e.type for e in analysis.events] == expected


def test_the_trigger_support_table_covers_every_trigger_row():
    # event-triggers.tsv changed without `scripts/trigger_support.py ../shared/data/train`
    # would leave new rows unsupported in cross-validation whatever the evidence
    every_row = {t.key for rows in triggers.lexicon().values() for t in rows}
    assert every_row <= {r["row"] for r in evaluate_events_module._support_rows()}
