"""Read JSONL, JSON and CSV records, mapping common field names onto an Article.

>>> rec = {"title": "Envoys meet", "body": "OSLO, March 3 (Reuters) - Envoys met.", "published": "2019-03-03"}
>>> a = article_from_record(rec, origin="feed.jsonl:1")
>>> a.headline, a.dateline.place, a.published
('Envoys meet', 'OSLO', datetime.date(2019, 3, 3))
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from collections.abc import Iterable, Iterator

from dyads.errors import InputError
from dyads.readers.dates import parse_date, resolve_published
from dyads.readers.datelines import parse_dateline
from dyads.readers.wire import clean_text, parse_wire
from dyads.records import Article, Failure, Notice

log = logging.getLogger(__name__)

# Field names that news datasets use, most specific first.
HEADLINE_FIELDS = ("headline", "title", "name")
TEXT_FIELDS = ("text", "body", "content", "article", "story", "full_text", "maintext")
DEK_FIELDS = ("dek", "subtitle", "subheadline", "sub_headline", "standfirst")
DATE_FIELDS = ("published", "date", "published_at", "publish_date", "pubdate", "date_publish", "datetime", "timestamp")
URL_FIELDS = ("url", "link", "href", "source_url")
SOURCE_FIELDS = ("source", "publisher", "site", "sitename", "outlet", "agency", "domain")
AUTHOR_FIELDS = ("author", "authors", "byline")
ID_FIELDS = ("id", "guid", "uuid", "article_id", "doc_id")


# What a file's records with a date field that is no date have in common, for one line
# that counts them (``IngestSummary.notice_lines``).
BAD_DATE_GIST = (
    "had a date field that is no full date; their publication dates were left to the dateline; give dates as YYYY-MM-DD"
)


def article_from_record(record: dict, *, origin: str, reference: dt.date | None = None) -> Article:
    """An Article from one record's fields; a date field that holds no date is logged.

    Raises:
        InputError: the record is not an object or has no text.
    """
    article, notice = record_article(record, origin=origin, file=origin, reference=reference)
    if notice:
        log.warning("%s: %s", notice.origin, notice.reason)
    return article


def record_article(
    record: dict, *, origin: str, file: str, reference: dt.date | None = None
) -> tuple[Article, Notice | None]:
    """An Article from one record's fields, and a Notice if its date field holds no date.

    Args:
        origin: the record (``feed.jsonl:3``); file: the input that holds it.

    Raises:
        InputError: the record is not an object or has no text.
    """
    if not isinstance(record, dict):
        raise InputError(origin, f"record is a JSON {type(record).__name__}, not an object")
    fields = {str(k).lower(): v for k, v in record.items()}
    text = _first(fields, TEXT_FIELDS)
    if not text:
        raise InputError(origin, f"record has no text; put the story in one of: {', '.join(TEXT_FIELDS)}")
    notice = None
    try:
        metadata_date = parse_date(_first(fields, DATE_FIELDS), origin=origin)
    except InputError as e:  # keep the story; its date falls back to dateline and --date
        notice = Notice(origin, file, f"{e.reason}; publication date left to the dateline", BAD_DATE_GIST)
        metadata_date = None
    article = parse_wire(
        text,
        origin=origin,
        headline=_first(fields, HEADLINE_FIELDS) or "",
        dek=_first(fields, DEK_FIELDS),
        url=_first(fields, URL_FIELDS),
        source=_first(fields, SOURCE_FIELDS),
        author=_first(fields, AUTHOR_FIELDS),
        external_id=_first(fields, ID_FIELDS),
    )
    if article.dateline is None and fields.get("dateline"):
        article = article.replace(dateline=parse_dateline(clean_text(str(fields["dateline"])).strip())[0])
    return article.replace(published=resolve_published(metadata_date, article.dateline, reference=reference)), notice


def _read_record(record, *, origin: str, file: str, reference: dt.date | None) -> Iterator[Article | Notice]:
    """A record's Notice, if it has one, then its Article."""
    article, notice = record_article(record, origin=origin, file=file, reference=reference)
    if notice:
        yield notice
    yield article


def read_jsonl(
    lines: Iterable[bytes], *, origin: str, reference: dt.date | None = None, max_chars: int
) -> Iterator[Article | Failure | Notice]:
    """One Article (or Failure) per non-blank line of a JSONL stream."""
    for number, raw in enumerate(lines, start=1):
        where = f"{origin}:{number}"
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig")
            if len(line) > max_chars:
                raise InputError(
                    where,
                    f"record is {len(line):,} characters, over the {max_chars:,} limit; raise --max-article-chars",
                )
            record = json.loads(line)
            yield from _read_record(record, origin=where, file=origin, reference=reference)
        except UnicodeDecodeError as e:
            yield Failure(where, f"line is not valid UTF-8 (byte {e.start}); re-encode the file as UTF-8")
        except json.JSONDecodeError as e:
            yield Failure(where, f"line is not JSON ({e.msg} at column {e.colno}); fix or remove it")
        except (RecursionError, ValueError) as e:  # deep nesting; an integer of 4,300+ digits
            yield Failure(where, f"line is JSON that cannot be read ({_json_problem(e)}); fix or remove it")
        except InputError as e:
            yield Failure(e.origin, e.reason)


def read_json(text: str, *, origin: str, reference: dt.date | None = None) -> Iterator[Article | Failure | Notice]:
    """A JSON file holding one record or a list of records."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            origin, f"not valid JSON ({e.msg} at line {e.lineno}); for one record per line name the file .jsonl"
        ) from e
    except (RecursionError, ValueError) as e:
        raise InputError(origin, f"JSON that cannot be read ({_json_problem(e)}); fix the file") from e
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        where = f"{origin}[{number}]" if isinstance(data, list) else origin
        try:
            yield from _read_record(record, origin=where, file=origin, reference=reference)
        except InputError as e:
            yield Failure(e.origin, e.reason)


def read_csv(
    text: str, *, origin: str, reference: dt.date | None = None, max_chars: int, delimiter: str = ","
) -> Iterator[Article | Failure | Notice]:
    """One Article (or Failure) per CSV row; the header names the fields."""
    csv.field_size_limit(max_chars)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames
    except csv.Error as e:
        raise InputError(origin, f"not a readable CSV header ({e})") from e
    if not header or not any(h and h.strip().lower() in TEXT_FIELDS for h in header):
        raise InputError(origin, f"CSV header has no text column; name one of: {', '.join(TEXT_FIELDS)}")
    row_number = 1
    while True:
        row_number += 1
        where = f"{origin}:row {row_number}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Failure(where, f"not a readable CSV row ({e})")
            continue
        try:
            yield from _read_record(row, origin=where, file=origin, reference=reference)
        except InputError as e:
            yield Failure(e.origin, e.reason)


def _json_problem(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error).split(";")[0]


def _first(fields: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = fields.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None
