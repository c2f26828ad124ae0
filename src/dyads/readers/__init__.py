"""Turn what a user points at (files, folders, globs, URLs, ``-`` for stdin) into Articles.

Each input yields Articles, or a Failure with its reason; nothing here raises
for a bad input, so a batch goes on past it.

    >>> from dyads.config import Settings
    >>> [type(x).__name__ for x in read_inputs(["no/such/file.txt"], settings=Settings())]
    ['Failure']
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

from dyads.config import Settings
from dyads.errors import InputError
from dyads.readers.dates import resolve_published
from dyads.readers.html import read_html
from dyads.readers.news import not_news_reason
from dyads.readers.records import read_csv, read_json, read_jsonl
from dyads.readers.wire import parse_wire
from dyads.records import Article, Failure, Notice, Unread

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | {".json", ".csv", ".tsv"}
# Bytes looked at to tell binary from text, and to sniff stdin's format.
SNIFF_BYTES = 8192
URL_TIMEOUT_SECONDS = 30
# An address with a scheme (ftp://, s3://, file://): read only when it is http(s).
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def read_inputs(
    specs: Iterable[str], *, settings: Settings, reference: dt.date | None = None
) -> Iterator[Article | Failure | Unread | Notice]:
    """Articles from every input, in order; a Failure for each one that cannot be read, an
    Unread for each file of a folder that no reader takes, and a Notice before each record
    read with a warning (a date field that holds no date)."""
    for spec in specs:
        try:
            yield from _read_spec(spec, settings=settings, reference=reference)
        except InputError as e:
            yield Failure(e.origin, e.reason)


def expand(spec: str) -> list[Path]:
    """The files an input names: itself, a folder's readable files (recursively), or a glob's matches.

    Raises:
        InputError: nothing exists there.
    """
    path = Path(spec)
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in READABLE_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            raise InputError(spec, "folder holds no .txt, .html, .jsonl, .json or .csv files")
        return files
    if path.exists():
        return [path]
    if glob.has_magic(spec):
        files = sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
        if not files:
            raise InputError(spec, "pattern matches no files")
        return files
    raise InputError(spec, "no such file or folder; check the path")


def unread_files(folder: Path) -> list[Path]:
    """The files of a folder (recursively, hidden ones aside) that ``expand`` leaves out."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() not in READABLE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _origin(path: Path) -> str:
    # A file name that is not UTF-8 comes back with surrogate escapes, which cannot be stored.
    return os.fsencode(path).decode("utf-8", "replace")


def count_inputs(specs: Iterable[str]) -> int | None:
    """How many items the inputs hold (records of JSONL and CSV files, other files as one),
    for a progress bar; None when stdin is among them."""
    total = 0
    for spec in specs:
        if spec == "-":
            return None
        try:
            paths = [] if spec.startswith(("http://", "https://")) or not spec.strip() else expand(spec)
        except InputError:
            paths = []
        total += sum(_count_records(p) for p in paths) or 1
    return total


def _count_records(path: Path) -> int:
    if path.suffix.lower() not in JSONL_SUFFIXES | {".csv", ".tsv"}:
        return 1
    try:
        with path.open("rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return 1
    return max(1, lines - (path.suffix.lower() != ".jsonl" and path.suffix.lower() != ".ndjson"))


def _read_spec(spec: str, *, settings: Settings, reference: dt.date | None):
    if not spec.strip():  # Path("") is the current folder: an empty variable would read all of it
        raise InputError(repr(spec), "empty input name; give a file, folder, glob, URL or - for stdin")
    if spec == "-":
        data = sys.stdin.buffer.read(settings.max_file_bytes + 1)
        yield from _read_bytes(data, origin="<stdin>", kind=_sniff(data), settings=settings, reference=reference)
    elif spec.startswith(("http://", "https://")):
        yield _read_url(spec, settings=settings, reference=reference)
    elif _SCHEME.match(spec):
        raise InputError(
            spec,
            f"{spec.split(':', 1)[0]}:// addresses are not read; give an http(s) URL, "
            "or fetch the file and give its path",
        )
    else:
        if Path(spec).is_dir():
            yield from (
                Unread(_origin(p), f"{p.suffix.lower() or 'no suffix'}: not a format dyads reads")
                for p in unread_files(Path(spec))
            )
        for path in expand(spec):
            try:
                yield from _read_file(path, settings=settings, reference=reference)
            except InputError as e:
                yield Failure(e.origin, e.reason)


def _read_file(path: Path, *, settings: Settings, reference: dt.date | None):
    origin = _origin(path)
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:  # streamed: any size
            with path.open("rb") as lines:
                yield from read_jsonl(lines, origin=origin, reference=reference, max_chars=settings.max_article_chars)
            return
        size = path.stat().st_size
        streams = suffix in {".csv", ".tsv", ".json"}
        if not streams and size > settings.max_file_bytes:
            raise InputError(
                origin,
                f"file is {size / 2**20:.1f} MB, over the "
                f"{settings.max_file_mb:g} MB limit for one article; "
                "raise --max-file-mb or split it",
            )
        data = path.read_bytes()
    except OSError as e:
        raise InputError(origin, f"cannot read file ({e.strerror}); check its permissions") from e
    kind = {
        **dict.fromkeys(TEXT_SUFFIXES, "text"),
        **dict.fromkeys(HTML_SUFFIXES, "html"),
        ".json": "json",
        ".csv": "csv",
        ".tsv": "tsv",
    }.get(suffix) or _sniff(data)
    yield from _read_bytes(data, origin=origin, kind=kind, settings=settings, reference=reference)


def _read_bytes(data: bytes, *, origin: str, kind: str, settings: Settings, reference: dt.date | None):
    if not data.strip():
        raise InputError(origin, "file is empty; give a story with text")
    if len(data) > settings.max_file_bytes and kind in {"text", "html"}:
        raise InputError(
            origin, f"input is over the {settings.max_file_mb:g} MB limit for one article; raise --max-file-mb"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(origin, "file is UTF-16, not UTF-8; re-encode it, e.g. iconv -f utf-16 -t utf-8")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputError(origin, "binary file, not text; give .txt, .html, .jsonl or .csv")
    if kind == "html":
        yield read_html(data, origin=origin, reference=reference)
        return
    if kind == "jsonl":
        yield from read_jsonl(
            data.splitlines(), origin=origin, reference=reference, max_chars=settings.max_article_chars
        )
        return
    text = _decode(data, origin=origin)
    if kind == "json":
        yield from read_json(text, origin=origin, reference=reference)
    elif kind in {"csv", "tsv"}:
        yield from read_csv(
            text,
            origin=origin,
            reference=reference,
            max_chars=settings.max_article_chars,
            delimiter="\t" if kind == "tsv" else ",",
        )
    else:
        article = parse_wire(text, origin=origin)
        reason = not_news_reason(article)
        if reason:
            raise InputError(origin, reason)
        yield article.replace(
            published=resolve_published(None, article.dateline, reference=reference),
            source=article.dateline.agency if article.dateline else None,
        )


def _read_url(url: str, *, settings: Settings, reference: dt.date | None) -> Article | Failure:
    request = urllib.request.Request(url, headers={"User-Agent": "dyads"})
    try:
        with urllib.request.urlopen(request, timeout=URL_TIMEOUT_SECONDS) as response:
            data = response.read(settings.max_file_bytes + 1)
    except urllib.error.HTTPError as e:
        return Failure(url, f"cannot fetch URL (HTTP {e.code} {e.reason}); check the address")
    except (urllib.error.URLError, OSError, ValueError) as e:
        return Failure(
            url,
            f"cannot fetch URL ({getattr(e, 'reason', e)}); check the address "
            "and your network, or save the page and give the file",
        )
    if len(data) > settings.max_file_bytes:
        return Failure(url, f"page is over the {settings.max_file_mb:g} MB limit; raise --max-file-mb")
    try:
        return read_html(data, origin=url, reference=reference, url=url)
    except InputError as e:
        return Failure(e.origin, e.reason)


def _decode(data: bytes, *, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            origin,
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "re-encode it, e.g. iconv -f latin1 -t utf-8",
        ) from e


def _sniff(data: bytes) -> str:
    head = data[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"["):
        return "json"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<article")):
        return "html"
    return "text"
