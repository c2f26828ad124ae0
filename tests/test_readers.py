import datetime as dt
import json

from dyads.config import Settings
from dyads.readers import read_inputs
from dyads.readers.html import read_html
from dyads.records import Article, Failure, IngestSummary, Notice, Unread

from conftest import FIXTURES


def read(*specs, **kw):
    return list(read_inputs([str(s) for s in specs], settings=Settings(**kw)))


def test_jsonl_maps_fields_and_reports_bad_lines():
    items = read(FIXTURES / "feed.jsonl")
    articles = [i for i in items if isinstance(i, Article)]
    failures = [i for i in items if isinstance(i, Failure)]
    assert [a.headline for a in articles] == ["Kenya and Ghana sign visa accord", "Peru recalls envoy"]
    first, second = articles
    assert first.published == dt.date(2024, 2, 2) and first.source == "Example Wire"
    assert first.dateline.place == "NAIROBI" and first.dateline.agency == "Reuters"
    assert first.url == "https://example.org/f-1" and first.external_id == "f-1"
    assert second.published == dt.date(2023, 12, 11) and second.dateline.agency == "AFP"
    assert [f.origin.rsplit(":", 1)[1] for f in failures] == ["3", "4"]
    assert "not JSON" in failures[0].reason and "no text" in failures[1].reason


def test_csv_rows():
    items = read(FIXTURES / "feed.csv")
    assert isinstance(items[0], Article) and items[0].dateline.agency == "Kyodo"
    assert isinstance(items[1], Failure) and "no text" in items[1].reason


def test_html_page_text_and_metadata():
    article = read_html((FIXTURES / "summit-page.html").read_bytes(), origin="page")
    assert article.headline == "Leaders open border trade talks"
    assert article.dateline.place == "VIENNA" and article.dateline.agency == "AP"
    assert article.published == dt.date(2021, 6, 3)
    assert article.author == "Dana Ortiz"
    assert article.paragraphs[0].startswith("The leaders of Austria and Slovenia")
    assert "Subscribe" not in article.text and "Home" not in article.text


def test_a_page_read_again_in_the_same_process_keeps_its_text():
    # trafilatura's deduplication remembers text across calls: a syndicated copy, or the same
    # page read again by one watch or batch, lost the paragraphs it had seen twice before
    page = (FIXTURES / "summit-page.html").read_bytes()
    first = read_html(page, origin="first").text
    for n in range(4):
        assert read_html(page, origin=f"again {n}").text == first


def test_folder_reads_every_readable_file(tmp_path):
    (tmp_path / "a.txt").write_text("Head A\n\nOSLO, May 1 (AP) - The envoys met in Oslo.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Head B\n\nThe envoys met in Lima.")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")
    (tmp_path / ".hidden.txt").write_text("Head C\n\nThe envoys met in Riga.")
    items = list(read(tmp_path))
    assert sorted(i.headline for i in items if isinstance(i, Article)) == ["Head A", "Head B"]
    assert [i.origin.endswith("notes.bin") for i in items if isinstance(i, Unread)] == [True]


def test_glob_and_missing_path(tmp_path):
    (tmp_path / "a.txt").write_text("Head A\n\nThe envoys met in Oslo.")
    assert [i.headline for i in read(tmp_path / "*.txt")] == ["Head A"]
    [failure] = read(tmp_path / "nothing-*.txt")
    assert "matches no files" in failure.reason
    [failure] = read(tmp_path / "missing.txt")
    assert "no such file" in failure.reason


def test_bad_files_fail_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("Head\n\nCaf\xe9 talks.".encode("latin-1"))
    (tmp_path / "big.txt").write_bytes(b"Head\n\n" + b"word " * 300_000)
    reasons = {f.origin.rsplit("/", 1)[1]: f.reason for f in read(tmp_path, max_file_mb=1)}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not valid UTF-8" in reasons["latin1.txt"]
    assert "over the 1 MB limit" in reasons["big.txt"]


def test_url_is_fetched_and_bad_url_is_a_failure(tmp_path):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FIXTURES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        [article] = read(f"http://127.0.0.1:{port}/summit-page.html")
        assert article.headline == "Leaders open border trade talks"
        assert article.url == f"http://127.0.0.1:{port}/summit-page.html"
        [failure] = read(f"http://127.0.0.1:{port}/missing.html")
        assert "cannot fetch URL" in failure.reason and "404" in failure.reason
    finally:
        server.shutdown()


def test_a_date_that_is_no_date_is_a_notice_before_its_article(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"title": "Envoys meet", "text": "OSLO (AP) - The envoys met in Oslo.", "date": "2019-11 (crawl)"},
                {"title": "Envoys part", "text": "LIMA (AP) - The envoys left Lima.", "date": "2019-11-05"},
            ]
        )
        + "\n"
    )
    items = read(feed)
    assert [type(i).__name__ for i in items] == ["Notice", "Article", "Article"]
    notice = items[0]
    assert notice.origin.endswith("feed.jsonl:1") and notice.file.endswith("feed.jsonl")
    assert "'2019-11 (crawl)' is not a full date" in notice.reason
    assert items[1].published is None and items[2].published == dt.date(2019, 11, 5)


def test_notices_from_one_file_are_one_line_with_a_count():
    summary = IngestSummary(
        notices=[Notice(f"a.jsonl:{n}", "a.jsonl", f"date {n} bad", "had bad dates") for n in (3, 5, 9)]
        + [Notice("b.csv:row 2", "b.csv", "date x bad", "had bad dates")]
    )
    assert summary.notice_lines() == [
        "note: 3 records in a.jsonl had bad dates (first a.jsonl:3; -v lists each)",
        "note b.csv:row 2: date x bad",
    ]
    assert summary.notice_lines(verbose=True) == [
        "note a.jsonl:3: date 3 bad",
        "note a.jsonl:5: date 5 bad",
        "note a.jsonl:9: date 9 bad",
        "note b.csv:row 2: date x bad",
    ]


def test_an_empty_input_name_is_an_error_not_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Head A\n\nOSLO, May 1 (AP) - The envoys met in Oslo.")
    monkeypatch.chdir(tmp_path)
    for spec in ("", "  "):
        [failure] = read(spec)
        assert isinstance(failure, Failure) and "empty input name" in failure.reason
