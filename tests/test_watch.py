"""`dyads watch` against a real HTTP server on 127.0.0.1 serving feeds, pages and robots.txt we wrote."""

from __future__ import annotations

import http.server
import json
import signal
import threading
import time

import duckdb
import pytest

from dyads.fetch import Fetcher
from dyads.watch import read_listing
from dyads.errors import InputError

BODY_FISHERIES = (
    "OSLO (Reuters) - Norway and Indonesia signed a fisheries accord on Tuesday that opens talks on "
    "quotas for tuna in the Indian Ocean, the two foreign ministries said in a joint statement.",
    '"This accord protects the stocks our fishermen depend on," the Norwegian fisheries minister told '
    "reporters in Oslo after the signing ceremony at the foreign ministry.",
    "Officials from both countries will meet again in Jakarta next month to set the first quotas, "
    "the statement said, and inspectors will share catch records every quarter.",
)
BODY_TALKS = (
    "VIENNA (AP) - Austria and Slovenia opened talks on cross-border trade on Thursday, their offices "
    "said in a statement issued after the first session in the Austrian capital.",
    '"We want goods and people to move freely again," the Slovenian prime minister said outside the '
    "chancellery, adding that officials would meet again in the spring.",
    "Trade between the two neighbours fell sharply last year, according to figures published by the "
    "statistics offices of both countries.",
)
BODY_MINISTERS = (
    "NAIROBI (AFP) - Kenya and Ethiopia agreed on Monday to reopen their border crossing at Moyale, "
    "the Kenyan interior ministry said after a meeting of the two countries' ministers.",
    '"Traders have waited long enough," the Ethiopian trade minister told reporters in Nairobi, '
    "saying trucks would cross again from the first of next month.",
    "The crossing was closed in the spring after clashes between herders on both sides of the border, officials said.",
)
BODY_HARBOUR = (
    "LISBON (Reuters) - Portugal and Morocco signed an agreement on Friday to build a ferry terminal "
    "in Tangier, the Portuguese transport ministry said in a statement.",
    '"The new line will carry a million passengers a year," the Moroccan transport minister said '
    "at the signing in Lisbon, adding that work would start in the autumn.",
    "Both governments will share the cost of the terminal, the statement said.",
)


def page(title: str, site: str, paragraphs: tuple[str, ...]) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
        f'<meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="2024-03-05T09:30:00Z">'
        f'<meta property="og:site_name" content="{site}"></head><body>'
        f'<nav><a href="/">Home</a></nav><article><h1>{title}</h1>\n{body}</article>'
        f"<footer>Copyright {site}.</footer></body></html>"
    ).encode()


def rss(title: str, links: list[tuple[str, str]]) -> bytes:
    items = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in links)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.test/</link><description>news</description>{items}</channel></rss>"
    ).encode()


def atom(title: str, links: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id><updated>2024-03-05T09:30:00Z</updated></entry>'
        for t, link in links
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:b</id><updated>2024-03-05T09:30:00Z</updated>{entries}</feed>"
    ).encode()


class Site:
    """A local HTTP server: path -> handler(request) -> (status, headers, body); logs every request."""

    def __init__(self, routes: dict) -> None:
        self.routes = routes
        self.log: list[tuple[float, str, dict]] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.log.append((time.monotonic(), self.path, dict(self.headers)))
                route = site.routes.get(self.path)
                status, headers, body = route(self) if route else (404, {}, b"not here")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.log]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def static(body: bytes, *, kind: str = "text/html", etag: str | None = None):
    """A handler answering ``body``, or 304 to a request that sends back its ETag."""

    def answer(request):
        if etag and request.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": kind, **({"ETag": etag} if etag else {})}, body

    return answer


ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@pytest.fixture
def site():
    site = Site({"/robots.txt": static(ROBOTS, kind="text/plain")})
    yield site
    site.close()


def rows(db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_two_feeds_store_each_story_once_and_a_second_poll_fetches_nothing(site, run, db):
    u = site.url
    site.routes.update(
        {
            "/a/rss.xml": static(
                rss(
                    "Northern Courier",
                    [
                        ("Norway and Indonesia sign fisheries accord", f"{u}/a/fisheries.html"),
                        ("Austria and Slovenia open trade talks", f"{u}/a/talks.html"),
                    ],
                ),
                kind="application/rss+xml",
                etag='"a1"',
            ),
            "/b/atom.xml": static(
                atom(
                    "Southern Wire",
                    [
                        ("Oslo and Jakarta agree on tuna", f"{u}/b/tuna.html"),
                        ("Kenya and Ethiopia reopen Moyale crossing", f"{u}/b/moyale.html"),
                        ("Leaked memo", f"{u}/private/memo.html"),
                    ],
                ),
                kind="application/atom+xml",
                etag='"b1"',
            ),
            "/a/fisheries.html": static(
                page("Norway and Indonesia sign fisheries accord", "Northern Courier", BODY_FISHERIES)
            ),
            # the same story syndicated under another headline
            "/b/tuna.html": static(page("Oslo and Jakarta agree on tuna", "Southern Wire", BODY_FISHERIES)),
            "/a/talks.html": static(page("Austria and Slovenia open trade talks", "Northern Courier", BODY_TALKS)),
            "/b/moyale.html": static(
                page("Kenya and Ethiopia reopen Moyale crossing", "Southern Wire", BODY_MINISTERS)
            ),
            "/private/memo.html": static(page("Leaked memo", "Southern Wire", BODY_HARBOUR)),
        }
    )
    first = run("watch", "--once", "--delay", "0.05", f"{u}/a/rss.xml", f"{u}/b/atom.xml")
    assert f"{u}/a/rss.xml: 2 new (2 stored, 0 already stored), 0 failed" in first.err
    assert f"{u}/b/atom.xml: 3 new (1 stored, 1 already stored), 1 failed" in first.err
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]
    # one story, both copies kept as its sources
    [(story, copies)] = rows(
        db,
        "SELECT article_id, list(url ORDER BY url) FROM watch_items "
        "WHERE article_id IS NOT NULL GROUP BY article_id HAVING count(*) > 1",
    )
    assert copies == [f"{u}/a/fisheries.html", f"{u}/b/tuna.html"]
    assert rows(db, f"SELECT outlet, feed FROM story_sources WHERE article_id = '{story}' ORDER BY url") == [
        ("Northern Courier", f"{u}/a/rss.xml"),
        ("Southern Wire", f"{u}/b/atom.xml"),
    ]
    shown = json.loads(run("show", story, "--json").out)
    assert [(c["url"], c["outlet"]) for c in shown["copies"]] == [
        (f"{u}/a/fisheries.html", "Northern Courier"),
        (f"{u}/b/tuna.html", "Southern Wire"),
    ]
    assert "Copies (seen by dyads watch):" in run("show", story).out
    # robots.txt: the disallowed page is recorded, never requested
    assert "/private/memo.html" not in site.paths()
    [(reason,)] = rows(db, f"SELECT reason FROM failures WHERE origin = '{u}/private/memo.html'")
    assert "robots.txt disallows" in reason
    assert all("dyads" in headers["User-Agent"] for _, _, headers in site.log)
    assert site.paths().count("/robots.txt") == 1

    before = len(site.log)
    second = run("watch", "--once", "--delay", "0.05", f"{u}/a/rss.xml", f"{u}/b/atom.xml")
    assert f"{u}/a/rss.xml: unchanged" in second.err and f"{u}/b/atom.xml: unchanged" in second.err
    asked = site.log[before:]
    assert sorted(path for _, path, _ in asked) == ["/a/rss.xml", "/b/atom.xml", "/robots.txt"]
    assert {h.get("If-None-Match") for _, p, h in asked if p != "/robots.txt"} == {'"a1"', '"b1"'}
    assert rows(db, "SELECT count(*) FROM articles") == [(3,)]
    assert rows(db, "SELECT count(*) FROM watch_items") == [(5,)]


def test_retry_after_is_honoured_and_bad_sources_do_not_stop_the_others(site, run, db, monkeypatch):
    monkeypatch.setenv("DYADS_ARTICLE_TIMEOUT", "0")  # the NLP in the watch's process: no worker to start
    u = site.url
    answers = iter([(429, {"Retry-After": "2"}, b"slow down")])

    def busy(request):
        return next(answers, None) or static(
            rss("Busy Post", [("Portugal and Morocco sign ferry deal", f"{u}/c/harbour.html")]),
            kind="application/rss+xml",
        )(request)

    def hang(request):
        time.sleep(3)
        return 200, {}, b"late"

    site.routes.update(
        {
            "/c/rss.xml": busy,
            "/c/harbour.html": static(page("Portugal and Morocco sign ferry deal", "Busy Post", BODY_HARBOUR)),
            "/d/bad.xml": static(
                b"<?xml version='1.0'?><rss><channel><title>Broken<item></rss", kind="application/rss+xml"
            ),
            "/f/loop": lambda request: (302, {"Location": f"{u}/f/loop"}, b""),
            "/g/hang.xml": hang,
        }
    )
    result = run(
        "watch",
        "--once",
        "--delay",
        "0.05",
        "--timeout",
        "1",
        f"{u}/c/rss.xml",
        f"{u}/d/bad.xml",
        f"{u}/e/missing.xml",
        f"{u}/f/loop",
        f"{u}/g/hang.xml",
    )
    times = [t for t, path, _ in site.log if path == "/c/rss.xml"]
    assert len(times) == 2 and times[1] - times[0] >= 2.0
    assert rows(db, "SELECT headline FROM articles") == [("Portugal and Morocco sign ferry deal",)]
    failures = dict(rows(db, "SELECT origin, reason FROM failures"))
    assert "malformed feed" in failures[f"{u}/d/bad.xml"]
    assert "HTTP 404" in failures[f"{u}/e/missing.xml"]
    assert "redirect loop" in failures[f"{u}/f/loop"]
    assert "no answer within 1 s" in failures[f"{u}/g/hang.xml"]
    assert f"{u}/e/missing.xml: failed: HTTP 404" in result.err
    assert rows(db, f"SELECT status, error IS NOT NULL FROM watch_sources WHERE url = '{u}/e/missing.xml'") == [
        ("failed", True)
    ]


def test_listings_are_read_and_a_page_is_no_feed():
    listing = read_listing(rss("Courier", [("One", "/one.html")]), url="http://x.test/feed.xml")
    assert listing.outlet == "Courier" and [i.url for i in listing.items] == ["http://x.test/one.html"]
    news = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://x.test/a.html</loc>'
        b"<news:news><news:title>Talks open</news:title></news:news></url></urlset>"
    )
    [item] = read_listing(news, url="http://x.test/news.xml").items
    assert (item.url, item.title) == ("http://x.test/a.html", "Talks open")
    index = read_listing(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
        b"<loc>http://x.test/s1.xml</loc></sitemap></sitemapindex>",
        url="http://x.test/i.xml",
    )
    assert index.follow == ("http://x.test/s1.xml",) and index.items == ()
    with pytest.raises(InputError, match="links no feed, neither an RSS/Atom feed nor a sitemap"):
        read_listing(page("A page", "Site", BODY_TALKS), url="http://x.test/page.html")


def test_fetcher_sends_contact_and_bounds_the_response(site):
    site.routes["/big"] = static(b"x" * 5000)
    fetcher = Fetcher(contact="desk@example.test", delay=0, max_bytes=1000)
    response = fetcher.get(f"{site.url}/big")
    assert response.error and "over" in response.error
    assert site.log[-1][2]["From"] == "desk@example.test"


def test_a_home_page_names_its_feeds():
    home = (
        b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        b'<link rel="stylesheet" href="/s.css"></head><body><p>Home</p></body></html>'
    )
    assert read_listing(home, url="http://x.test/").follow == ("http://x.test/rss.xml",)


STORIES = {"fisheries": BODY_FISHERIES, "talks": BODY_TALKS, "moyale": BODY_MINISTERS, "harbour": BODY_HARBOUR}


def slow_feed(site, seconds: float) -> str:
    """A feed of the four stories, each page answered after ``seconds``; returns the feed's URL."""

    def slow(body):
        def answer(request):
            time.sleep(seconds)
            return static(body)(request)

        return answer

    for name, body in STORIES.items():
        site.routes[f"/s/{name}.html"] = slow(page(f"Story {name}", "Slow Times", body))
    site.routes["/s/rss.xml"] = static(
        rss("Slow Times", [(f"Story {n}", f"{site.url}/s/{n}.html") for n in STORIES]), kind="application/rss+xml"
    )
    return f"{site.url}/s/rss.xml"


def start_watch(run, *args):
    """`dyads watch` as a process of its own, with the `run` fixture's environment."""
    import os
    import subprocess
    import sys
    from conftest import SRC

    return subprocess.Popen(
        [sys.executable, "-m", "dyads", *args],
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH", "")]))},
    )


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def page_requests(site) -> list[str]:
    return [p for p in site.paths() if p.startswith("/s/") and p.endswith(".html")]


def test_sigterm_stops_after_the_current_page_and_a_rerun_fetches_only_the_rest(site, run, db, monkeypatch):
    monkeypatch.setenv("DYADS_ARTICLE_TIMEOUT", "0")
    feed = slow_feed(site, 0.5)
    process = start_watch(run, "--db", str(db), "watch", "--every", "0.5", "--delay", "0", feed)
    wait_for(lambda: len(page_requests(site)) >= 2)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert "stopped; rerun" in err.decode()
    fetched = page_requests(site)
    assert 2 <= len(fetched) < 4  # the page in flight is finished, no other is started
    assert rows(db, "SELECT count(*) FROM articles") == [(len(fetched),)]
    run("watch", "--once", "--delay", "0", feed)
    again = page_requests(site)
    assert sorted(again) == sorted(f"/s/{n}.html" for n in STORIES)  # each page once over both runs
    assert rows(db, "SELECT count(*) FROM articles") == [(4,)]


def test_a_watch_killed_mid_poll_reruns_to_what_a_clean_run_stores(site, run, db, tmp_path):
    feed = slow_feed(site, 0.3)
    process = start_watch(run, "--db", str(db), "watch", "--once", "--delay", "0", feed)
    wait_for(lambda: len(page_requests(site)) >= 2)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    run("watch", "--once", "--delay", "0", feed)
    clean = tmp_path / "clean.duckdb"
    run("--db", str(clean), "watch", "--once", "--delay", "0", feed)
    query = "SELECT id, headline FROM articles ORDER BY id"
    assert rows(db, query) == rows(clean, query) and len(rows(db, query)) == 4
    items = "SELECT url, article_id FROM watch_items ORDER BY url"
    assert rows(db, items) == rows(clean, items)


def test_a_long_retry_after_is_kept_for_a_later_poll(site, tmp_path):
    from dyads.config import Settings
    from dyads.store.live import StoreFile
    from dyads.watch import poll

    site.routes["/busy.xml"] = lambda request: (503, {"Retry-After": "3600"}, b"later")
    url = f"{site.url}/busy.xml"
    with StoreFile(tmp_path / "w.duckdb") as store:
        first = poll([url], store=store, settings=Settings(), fetcher=Fetcher(delay=0))
        second = poll([url], store=store, settings=Settings(), fetcher=Fetcher(delay=0))
    assert first.results[0].status == "failed" and "ask again after 3600 s" in first.results[0].reason
    assert second.results[0].status == "waiting"
    assert site.paths().count("/busy.xml") == 1  # not asked again before the hour is up


def test_robots_txt_that_cannot_be_read_forbids_the_host(site):
    site.routes["/robots.txt"] = lambda request: (500, {}, b"oops")
    site.routes["/page.html"] = static(page("A page", "Site", BODY_TALKS))
    response = Fetcher(delay=0).get(f"{site.url}/page.html")
    assert "robots.txt could not be read (HTTP 500" in response.error
    assert "/page.html" not in site.paths()


def test_a_page_that_timed_out_is_retried_at_the_next_poll(site, tmp_path):
    from dyads.config import Settings
    from dyads.store.live import StoreFile
    from dyads.watch import poll

    calls = []

    def late_once(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            time.sleep(1.5)
        return static(page("Portugal and Morocco sign ferry deal", "Busy Post", BODY_HARBOUR))(request)

    site.routes["/r/rss.xml"] = static(
        rss("Busy Post", [("Ferry deal", f"{site.url}/r/harbour.html")]), kind="application/rss+xml", etag='"r1"'
    )
    site.routes["/r/harbour.html"] = late_once
    settings = Settings(db=str(tmp_path / "r.duckdb"), article_timeout=0)
    with StoreFile(settings.db) as store:
        first = poll([f"{site.url}/r/rss.xml"], store=store, settings=settings, fetcher=Fetcher(delay=0, timeout=0.5))
        second = poll([f"{site.url}/r/rss.xml"], store=store, settings=settings, fetcher=Fetcher(delay=0, timeout=0.5))
    assert (first.results[0].failed, first.results[0].stored) == (1, 0)
    assert (second.results[0].new, second.results[0].stored) == (1, 1)
    feed_asks = [h.get("If-None-Match") for _, p, h in site.log if p == "/r/rss.xml"]
    assert feed_asks == [None, None]  # no validators kept while a page waits for a retry
    assert rows(tmp_path / "r.duckdb", "SELECT status FROM watch_items") == [("stored",)]


def test_a_sitemap_index_and_a_home_page_lead_to_their_pages(site, tmp_path):
    from dyads.config import Settings
    from dyads.store.live import StoreFile
    from dyads.watch import poll

    u = site.url
    site.routes.update(
        {
            "/": static(
                b'<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" href="/feed.xml">'
                b"</head><body><p>Front page</p></body></html>"
            ),
            "/feed.xml": static(
                atom("Front Wire", [("Austria and Slovenia open trade talks", f"{u}/talks.html")]),
                kind="application/atom+xml",
            ),
            "/talks.html": static(page("Austria and Slovenia open trade talks", "Front Wire", BODY_TALKS)),
            "/sitemap-index.xml": static(
                f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{u}/news-sitemap.xml</loc></sitemap></sitemapindex>".encode(),
                kind="application/xml",
            ),
            "/news-sitemap.xml": static(
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>{u}/moyale.html</loc>'
                f"<news:news><news:title>Moyale crossing reopens</news:title></news:news></url></urlset>".encode(),
                kind="application/xml",
            ),
            "/moyale.html": static(page("Kenya and Ethiopia reopen Moyale crossing", "Map Post", BODY_MINISTERS)),
        }
    )
    settings = Settings(db=str(tmp_path / "m.duckdb"), article_timeout=0)
    with StoreFile(settings.db) as store:
        summary = poll([f"{u}/", f"{u}/sitemap-index.xml"], store=store, settings=settings, fetcher=Fetcher(delay=0))
    assert {r.url: r.stored for r in summary.results} == {
        f"{u}/": 0,
        f"{u}/sitemap-index.xml": 0,
        f"{u}/feed.xml": 1,
        f"{u}/news-sitemap.xml": 1,
    }
    assert rows(tmp_path / "m.duckdb", "SELECT url, title FROM watch_items ORDER BY url") == [
        (f"{u}/moyale.html", "Moyale crossing reopens"),
        (f"{u}/talks.html", "Austria and Slovenia open trade talks"),
    ]
    assert dict(rows(tmp_path / "m.duckdb", "SELECT url, kind FROM watch_sources")) == {
        f"{u}/": "page",
        f"{u}/sitemap-index.xml": "sitemapindex",
        f"{u}/feed.xml": "atom10",
        f"{u}/news-sitemap.xml": "sitemap",
    }


def test_a_redirect_into_a_disallowed_path_is_not_read(site):
    site.routes["/go"] = lambda request: (302, {"Location": f"{site.url}/private/memo.html"}, b"")
    site.routes["/private/memo.html"] = static(page("Leaked memo", "Site", BODY_HARBOUR))
    response = Fetcher(delay=0).get(f"{site.url}/go")
    assert response.error.startswith(f"redirected to {site.url}/private/memo.html: robots.txt disallows")
    assert "/private/memo.html" not in site.paths()
