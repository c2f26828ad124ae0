import datetime as dt

import pytest

from dyads.errors import InputError
from dyads.readers.dates import resolve_published
from dyads.readers.wire import parse_wire, split_paragraphs
from dyads.samples import sample_path

from conftest import FIXTURES


def test_bundled_sample_structure():
    article = parse_wire(sample_path().read_text("utf-8"), origin="sample")
    assert article.headline.startswith("Indonesia outpaces ASEAN")
    assert article.dek.startswith("A Norwegian lawmaker says")
    assert article.dateline.place == "JAKARTA"
    assert article.dateline.date_text == "March 14"
    assert article.dateline.agency == "Dyads Wire"
    assert article.paragraphs[0].startswith("Indonesia is doing more")
    assert "All news" not in article.text


def test_furniture_at_both_ends_is_dropped():
    article = parse_wire((FIXTURES / "envoys-wire.txt").read_text("utf-8"), origin="f")
    assert article.headline == "Chile and New Zealand pledge closer Pacific fisheries work"
    assert article.dek == "Two ministers agree to share patrol data, officials say"
    assert article.paragraphs[-1] == '"Illegal fishing hurts both our coasts," Rojas told reporters.'
    assert "Advertisement" not in article.text and "Share" not in article.text


def test_offsets_point_into_text():
    article = parse_wire((FIXTURES / "envoys-wire.txt").read_text("utf-8"), origin="f")
    for section in article.sections():
        part = article.text[section.start : section.end]
        assert part and part == part.strip()
    assert article.text[article.sections()[0].start : article.sections()[0].end] == article.headline


def test_story_without_dateline_keeps_headline_and_body():
    article = parse_wire("Talks stall\n\nNo agreement was reached on Monday.\n\nTalks resume soon.", origin="f")
    assert article.headline == "Talks stall"
    assert article.dateline is None and article.dek is None
    assert article.paragraphs == ("No agreement was reached on Monday.", "Talks resume soon.")


def test_single_newlines_split_paragraphs_when_no_blank_lines():
    assert split_paragraphs("Headline\nFirst para.\r\nSecond para.") == ["Headline", "First para.", "Second para."]


def test_hard_wrapped_blocks_are_joined():
    assert split_paragraphs("Head\n\nA line\nwrapped here.\n\nNext.") == ["Head", "A line wrapped here.", "Next."]


@pytest.mark.parametrize("text", ["", "   \n\n  ", "All news\n\nShare"])
def test_no_text_is_an_input_error(text):
    with pytest.raises(InputError, match="no article text"):
        parse_wire(text, origin="empty.txt")


def test_id_is_stable_and_ignores_whitespace():
    a = parse_wire("Head\n\nBody  text here.", origin="a")
    b = parse_wire("Head\n\nBody text here.\n", origin="b")
    assert a.id == b.id and len(a.id) == 16


def test_year_is_never_invented():
    article = parse_wire("Head\n\nOSLO, March 3. /TASS/. Envoys met.", origin="a")
    assert resolve_published(None, article.dateline, reference=None) is None
    assert resolve_published(None, article.dateline, reference=dt.date(2020, 3, 4)) == dt.date(2020, 3, 3)
    # a dateline later than the reference belongs to the year before
    assert resolve_published(None, article.dateline, reference=dt.date(2020, 1, 10)) == dt.date(2019, 3, 3)
    assert resolve_published(dt.date(2001, 1, 1), article.dateline, reference=None) == dt.date(2001, 1, 1)
