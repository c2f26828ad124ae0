import pytest

from dyads.readers.datelines import parse_dateline

CASES = [
    # (paragraph start, place, date_text, agency, month, day, year)
    ("TOKYO, January 26. /TASS/. Japan is", "TOKYO", "January 26", "TASS", 1, 26, None),
    ("IGORA /Leningrad Region/, December 26. /TASS/. Putin", "IGORA", "December 26", "TASS", 12, 26, None),
    ("TOKYO, April 27 (Reuters) - The yen", "TOKYO", "April 27", "Reuters", 4, 27, None),
    ("TOKYO, April 27 - The yen", "TOKYO", "April 27", None, 4, 27, None),
    ("OSAKA, Japan, April 26 - Delegates", "OSAKA", "April 26", None, 4, 26, None),
    ("WASHINGTON (AP) — The Senate", "WASHINGTON", None, "AP", None, None, None),
    ("WASHINGTON, D.C. (AP) — The Senate", "WASHINGTON, D.C.", None, "AP", None, None, None),
    ("PARIS (AFP) - France", "PARIS", None, "AFP", None, None, None),
    ("PARIS, Jan 26, 2024 (AFP) - France", "PARIS", "Jan 26, 2024", "AFP", 1, 26, 2024),
    ("BEIJING, Jan. 26 (Xinhua) -- China", "BEIJING", "Jan. 26", "Xinhua", 1, 26, None),
    ("MOSCOW. Jan 26 (Interfax) - Russia", "MOSCOW", "Jan 26", "Interfax", 1, 26, None),
    ("MOSCOW, January 26 (RIA Novosti) - Russia", "MOSCOW", "January 26", "RIA Novosti", 1, 26, None),
    ("New Delhi [India], Jan 26 (ANI): India", "New Delhi", "Jan 26", "ANI", 1, 26, None),
    ("SEOUL, Sept. 3 (Yonhap) -- South Korea", "SEOUL", "Sept. 3", "Yonhap", 9, 3, None),
    ("KYIV — Ukraine said", "KYIV", None, None, None, None, None),
    ("WASHINGTON - President Reagan", "WASHINGTON", None, None, None, None, None),
]


@pytest.mark.parametrize("paragraph,place,date_text,agency,month,day,year", CASES)
def test_agency_datelines(paragraph, place, date_text, agency, month, day, year):
    dateline, rest = parse_dateline(paragraph)
    assert (dateline.place, dateline.date_text, dateline.agency) == (place, date_text, agency)
    assert (dateline.month, dateline.day, dateline.year) == (month, day, year)
    assert rest and not rest[0].isspace()


@pytest.mark.parametrize(
    "paragraph",
    [
        "Japan is outperforming all other G7 countries in cultivating ties",
        "US - China trade talks resumed",
        "The minister (AP) said nothing",
        '"We certainly see that," the lawmaker explained.',
        "",
    ],
)
def test_no_dateline(paragraph):
    assert parse_dateline(paragraph) == (None, paragraph)


def test_dateline_alone_leaves_empty_rest():
    dateline, rest = parse_dateline("LONDON, March 27 -")
    assert dateline.place == "London".upper() and rest == ""
