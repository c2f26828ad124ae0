import datetime as dt

import pytest

from dyads import nlp
from dyads.pipeline import analyze
from dyads.pipeline.dates import StoryDate, When, is_historical, resolve_text
from dyads.gazetteer import locate
from dyads.records import Article

PUBLISHED = StoryDate(dt.date(2018, 1, 27), None, None)  # a Saturday
NO_YEAR = StoryDate(None, 1, 26)
NOTHING = StoryDate(None, None, None)


@pytest.mark.parametrize(
    "text, story, expected",
    [
        ("on Friday", PUBLISHED, When(dt.date(2018, 1, 26), 2018, 1, 26, "day")),
        ("last Saturday", PUBLISHED, When(dt.date(2018, 1, 20), 2018, 1, 20, "day")),
        ("yesterday", PUBLISHED, When(dt.date(2018, 1, 26), 2018, 1, 26, "day")),
        ("in May 2016", PUBLISHED, When(dt.date(2016, 5, 1), 2016, 5, None, "month")),
        ("last November", PUBLISHED, When(dt.date(2017, 11, 1), 2017, 11, None, "month")),
        ("January 26", PUBLISHED, When(dt.date(2018, 1, 26), 2018, 1, 26, "day")),
        ("on 15 October", PUBLISHED, When(dt.date(2017, 10, 15), 2017, 10, 15, "day")),
        ("two weeks ago", PUBLISHED, When(dt.date(2018, 1, 13), 2018, 1, 13, "week")),
        ("last week", PUBLISHED, When(dt.date(2018, 1, 15), 2018, 1, 15, "week")),
        ("in 1961", PUBLISHED, When(dt.date(1961, 1, 1), 1961, None, None, "year")),
        # no publication year: relative dates stay unknown, month-day stays month-day
        ("January 26", NO_YEAR, When(None, None, 1, 26, "day")),
        ("last week", NO_YEAR, None),
        ("yesterday", NO_YEAR, None),
        ("on Friday", NO_YEAR, When(None, None, 1, 26, "day")),
        ("on Friday", NOTHING, None),
        ("in May 2016", NOTHING, When(dt.date(2016, 5, 1), 2016, 5, None, "month")),
        ("the weather was mild", PUBLISHED, None),
    ],
)
def test_resolve_text(text, story, expected):
    assert resolve_text(text, story) == expected


def test_historical():
    old = When(dt.date(2016, 5, 1), 2016, 5, None, "month")
    assert is_historical(old, PUBLISHED, explicit_year=True)
    assert not is_historical(When(dt.date(2018, 1, 20), 2018, 1, 20, "day"), PUBLISHED, explicit_year=False)
    assert is_historical(old, NOTHING, explicit_year=True)


@pytest.mark.parametrize(
    "name, country", [("TOKYO", "JPN"), ("Amman", "JOR"), ("Bosnia", "BIH"), ("Britain", "GBR"), ("Lagos", "NGA")]
)
def test_locate(name, country):
    assert locate(name).country == country


def test_unknown_place():
    assert locate("Narnia") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"We have agreed to meet again in April," Rojas said.', dt.date(2026, 4, 1)),  # the meeting is ahead
        ("Chile will host the talks on April 12.", dt.date(2026, 4, 12)),
        ("Peru said it would send aid last April.", dt.date(2025, 4, 1)),  # "last" looks back
        ("Peru agreed in February to reopen the border.", dt.date(2026, 2, 1)),  # the agreeing is past
    ],
)
def test_a_yearless_date_of_an_act_still_to_come_is_the_next_one(text, expected):
    article = Article(headline="", paragraphs=(text,), origin="t", published=dt.date(2026, 3, 2))
    analysis = analyze(article, nlp.load()(article.text))
    assert [e.date for e in analysis.events] == [expected]
