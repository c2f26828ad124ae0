"""Fuzz the readers with atheris: any input must give Articles, Failures or a DyadsError.

    pip install -e '.[fuzz]'
    python fuzz/fuzz_readers.py -max_total_time=60            # a bounded run
    python fuzz/fuzz_readers.py -max_total_time=600 -timeout=10 fuzz/corpus/

Each input's first byte picks a target: the text, HTML, JSONL, JSON, CSV and
TSV readers (as for a file or stdin), the wire-story splitter, the dateline
parser, the metadata date parser, or a JSON record mapped onto an Article.
Articles are checked as the property tests check them (tests/test_robust_readers.py):
storable text, no control characters, offsets that hold. Any other exception,
or a broken promise, is a crash that atheris reports with the input that caused
it. Not part of pytest: it runs for as long as it is told.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

with atheris.instrument_imports():
    from dyads.config import Settings
    from dyads.errors import DyadsError
    from dyads.readers import _read_bytes
    from dyads.readers.dates import parse_date
    from dyads.readers.datelines import parse_dateline
    from dyads.readers.records import article_from_record
    from dyads.readers.wire import parse_wire
    from dyads.records import Article, Failure

SETTINGS = Settings(max_file_mb=1, max_article_chars=100_000)
KINDS = ["text", "html", "jsonl", "json", "csv", "tsv"]
REFERENCE = dt.date(2020, 6, 15)


def check(article: Article) -> None:
    text = article.text
    if not text.strip():
        raise AssertionError("article with no text")
    text.encode("utf-8")
    if any(ch < " " and ch not in "\t\n\r\f\v" for ch in text):
        raise AssertionError(f"control character in {text[:80]!r}")
    for section in article.sections():
        if not text[section.start : section.end].strip():
            raise AssertionError(f"empty section {section}")
    assert len(article.id) == 16


def read_data(data: bytes, kind: str) -> None:
    try:
        for item in _read_bytes(data, origin="fuzz", kind=kind, settings=SETTINGS, reference=REFERENCE):
            if isinstance(item, Article):
                check(item)
            elif not isinstance(item, Failure):
                raise AssertionError(f"reader yielded {type(item).__name__}")
    except DyadsError:
        pass


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    target = fdp.ConsumeIntInRange(0, len(KINDS) + 3)
    if target < len(KINDS):
        read_data(fdp.ConsumeBytes(fdp.remaining_bytes()), KINDS[target])
        return
    text = (
        fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
        if target % 2
        else fdp.ConsumeUnicode(fdp.remaining_bytes())
    )
    try:
        if target == len(KINDS):
            check(parse_wire(text, origin="fuzz"))
        elif target == len(KINDS) + 1:
            dateline, rest = parse_dateline(text)
            if not text.endswith(rest) or (dateline is not None and not dateline.place):
                raise AssertionError(f"bad dateline split of {text[:80]!r}")
        elif target == len(KINDS) + 2:
            parse_date(text, origin="fuzz")
        else:
            try:
                record = json.loads(text)
            except (ValueError, RecursionError):
                return
            check(article_from_record(record, origin="fuzz", reference=REFERENCE))
    except DyadsError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
