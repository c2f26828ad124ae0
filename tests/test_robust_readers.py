"""Readers under attack: whatever the bytes, a reader gives Articles or clear failures, never a crash.

Property tests (hypothesis) over random and hostile input; fuzz/fuzz_readers.py
runs the same checks under atheris for longer.
"""

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from dyads.config import Settings
from dyads.errors import DyadsError
from dyads.readers import read_inputs
from dyads.readers.dates import parse_date, resolve_published
from dyads.readers.datelines import parse_dateline
from dyads.readers.html import read_html
from dyads.readers.records import article_from_record
from dyads.readers.wire import parse_wire
from dyads.records import Analysis, Article, Dateline, Failure, Notice
from dyads.store import Store

SUFFIXES = [".txt", ".html", ".jsonl", ".json", ".csv", ".tsv", ".md", ".bin"]
# Every code point, lone surrogates and control characters included.
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())
any_text = st.text(any_char, max_size=300)
news_text = st.text(st.sampled_from(list("AZaz09 ,.-—/()[]:\"'\n\t\r\x00\x1b\u00a0\u2028é中ع")), max_size=200)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)
record_keys = (
    st.sampled_from(
        ["title", "text", "body", "date", "published", "dateline", "url", "id", "source", "author", "dek", "authors"]
    )
    | any_text
)
records = st.dictionaries(record_keys, json_values | any_text, max_size=6)

hostile_bytes = st.one_of(
    st.binary(max_size=2000),
    any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    news_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(records, max_size=4).map(lambda rs: "\n".join(json.dumps(r) for r in rs).encode()),
    st.lists(news_text, max_size=5).map(lambda cells: ("text,title,date\n" + ",".join(cells)).encode()),
    st.integers(1, 3000).map(lambda n: b"<html><body>" + b"<div><p>" * n + b"Text of a story." + b"</body>"),
    st.integers(1, 3000).map(lambda n: b"[" * n),
)

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def check_article(article: Article) -> None:
    """What every reader promises of an Article: storable text and consistent offsets."""
    assert article.text.strip()
    article.text.encode("utf-8")  # no lone surrogates
    assert not any(ch < " " and ch not in "\t\n\r\f\v" for ch in article.text)
    assert len(article.id) == 16
    for section in article.sections():
        assert article.text[section.start : section.end].strip()


@FAST
@given(data=hostile_bytes, suffix=st.sampled_from(SUFFIXES))
@example(data=b'{"title": "x", "text": "Body \\ud800 \\u0000 \\u001b[31m."}', suffix=".jsonl")
@example(data=b"[" * 100_000, suffix=".jsonl")
@example(data=b"[" * 100_000, suffix=".json")
@example(data=b'{"text": "Body.", "id": ' + b"9" * 5000 + b"}", suffix=".jsonl")
@example(data="Head\n\nBody.".encode("utf-16"), suffix=".txt")
@example(data=b"\xef\xbb\xbf \n\t\r\n", suffix=".txt")
def test_any_file_gives_articles_or_failures(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("in") / f"input{suffix}"
    path.write_bytes(data)
    for item in read_inputs([str(path)], settings=Settings(max_file_mb=0.01)):
        assert isinstance(item, (Article, Failure, Notice))
        if isinstance(item, Article):
            check_article(item)
        else:  # a failure, or a notice about a record still read: one line each
            assert item.reason and "\n" not in item.reason


@FAST
@given(text=any_text | news_text)
def test_wire_text_gives_an_article_or_input_error(text):
    try:
        article = parse_wire(text, origin="t")
    except DyadsError:
        return
    check_article(article)


@FAST
@given(record=records)
def test_any_record_gives_an_article_or_input_error(record):
    try:
        article = article_from_record(record, origin="r", reference=dt.date(2020, 1, 1))
    except DyadsError:
        return
    check_article(article)


@settings(max_examples=40, deadline=None)
@given(body=news_text, depth=st.integers(0, 500), tag=st.sampled_from(["div", "p", "b", "table", "li", "span"]))
def test_any_html_gives_an_article_or_input_error(body, depth, tag):
    page = f"<html><head><title>{body[:20]}</title></head><body>{f'<{tag}>' * depth}{body}</body></html>"
    try:
        article = read_html(page.encode("utf-8", "surrogatepass"), origin="p")
    except DyadsError:
        return
    check_article(article)


@FAST
@given(
    text=any_text
    | news_text
    | st.builds(
        "{}, {} {}{} {} {}".format,
        st.sampled_from(["OSLO", "Rio De", "A"]),
        st.sampled_from(["Jan.", "May", "Sept", "Foo"]),
        st.integers(-1, 40),
        st.sampled_from(["", ", 2024", ", 99999"]),
        st.sampled_from(["(AP) -", "/TASS/.", "--", ":", ""]),
        news_text,
    )
)
@example(text="A" * 500_000 + " (AP) - x")
def test_dateline_parser_splits_a_prefix(text):
    dateline, rest = parse_dateline(text)
    assert text.endswith(rest)
    if dateline is not None:
        assert dateline.place and dateline.raw
        assert dateline.day is None or 1 <= dateline.day <= 31
        assert dateline.month is None or 1 <= dateline.month <= 12


@FAST
@given(value=any_text | news_text | json_values | st.dates() | st.datetimes())
@example(value="January 1 " * 2000)
def test_date_parser_gives_a_date_none_or_input_error(value):
    try:
        parsed = parse_date(value, origin="d")
    except DyadsError as e:
        assert "\n" not in str(e)
        return
    assert parsed is None or isinstance(parsed, dt.date)


@FAST
@given(
    month=st.integers(-2, 14),
    day=st.integers(-2, 40),
    year=st.none() | st.integers(1, 9999),
    reference=st.none() | st.dates(),
)
def test_published_date_never_invents_or_crashes(month, day, year, reference):
    dateline = Dateline(raw="X", month=month, day=day, year=year)
    published = resolve_published(None, dateline, reference=reference)
    assert published is None or isinstance(published, dt.date)
    if year is None and reference is None:
        assert published is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records)
def test_whatever_a_reader_accepts_can_be_stored(tmp_path_factory, record):
    try:
        article = article_from_record(record, origin="r")
    except DyadsError:
        return
    with Store.open(tmp_path_factory.mktemp("db") / "t.duckdb") as store:
        assert store.write([Analysis(article)]) == 1
        assert store.get_article(article.id)["text"] == article.text


@pytest.mark.parametrize(
    "limit, content, reason",
    [
        ({"max_file_mb": 0.001}, b"Head\n\n" + b"word " * 400, "over the 0.001 MB limit"),
        ({"max_article_chars": 50}, b'{"title": "T", "text": "' + b"word " * 20 + b'"}', "over the 50 limit"),
    ],
)
def test_limits_give_clear_failures(tmp_path, limit, content, reason):
    path = tmp_path / ("big.txt" if "max_file_mb" in limit else "big.jsonl")
    path.write_bytes(content)
    [failure] = read_inputs([str(path)], settings=Settings(**limit))
    assert isinstance(failure, Failure) and reason in failure.reason and "raise --max" in failure.reason
