"""One event, many reports, and alerts: `dyads watch` over two local feeds whose stories overlap,
a rule fired to a local webhook (both real HTTP servers on 127.0.0.1 serving text we wrote)."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import re
import threading

import pytest

from dyads import alerts
from dyads.errors import SettingsError
from test_watch import BODY_FISHERIES, Site, atom, rows, rss, static

TODAY = dt.datetime.now(dt.timezone.utc).date()
MEETING_A = (
    "LIMA (Reuters) - Chilean Foreign Minister Alberto van Klaveren met Peruvian Foreign Minister Elmer "
    "Schialer in Lima to discuss the maritime border and a new rail link, the Peruvian foreign ministry said.",
    "Trade between the two neighbours has doubled in ten years, according to figures from both governments.",
)
MEETING_B = (
    "SANTIAGO (AP) - Peru's Foreign Minister Elmer Schialer held talks with Chile's Foreign Minister Alberto "
    "van Klaveren in Lima, covering the maritime border and the rail link, Chilean officials said.",
    "The copper price rose for a third week, traders in Santiago said.",
)
EXPULSION = (
    "LIMA (AFP) - Peru expelled a Chilean diplomat and accused Chile of spying on its navy, the Peruvian "
    "foreign ministry said.",
    "The diplomat has 72 hours to leave the country, the ministry said.",
)


def page(title: str, site: str, paragraphs: tuple[str, ...]) -> bytes:
    """A news page published today (the alert windows end today)."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
        f'<meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{TODAY.isoformat()}T09:30:00Z">'
        f'<meta property="og:site_name" content="{site}"></head><body>'
        f'<nav><a href="/">Home</a></nav><article><h1>{title}</h1>\n{body}</article>'
        f"<footer>Copyright {site}.</footer></body></html>"
    ).encode()


class Hook:
    """A local webhook receiver: records every POSTed JSON body."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                hook.received.append(
                    {
                        "path": self.path,
                        "type": self.headers.get("Content-Type"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    site = Site({"/robots.txt": static(b"User-agent: *\nAllow: /\n", kind="text/plain")})
    yield site
    site.close()


@pytest.fixture
def hook():
    hook = Hook()
    yield hook
    hook.close()


def test_watch_stores_stories_once_clusters_the_meeting_and_fires_an_alert(site, hook, run, db, monkeypatch):
    monkeypatch.setenv("DYADS_ARTICLE_TIMEOUT", "0")  # the NLP in the watch's process: no worker to start
    u = site.url
    site.routes.update(
        {
            "/a/rss.xml": static(
                rss(
                    "Northern Courier",
                    [
                        ("Norway and Indonesia sign fisheries accord", f"{u}/a/fisheries.html"),
                        ("Chile and Peru ministers meet in Lima", f"{u}/a/lima.html"),
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
                        ("Santiago and Lima hold border talks", f"{u}/b/talks.html"),
                        ("Peru expels Chilean diplomat", f"{u}/b/expels.html"),
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
            # one meeting reported by two outlets in their own words
            "/a/lima.html": static(page("Chile and Peru ministers meet in Lima", "Northern Courier", MEETING_A)),
            "/b/talks.html": static(page("Santiago and Lima hold border talks", "Southern Wire", MEETING_B)),
            "/b/expels.html": static(page("Peru expels Chilean diplomat", "Southern Wire", EXPULSION)),
        }
    )
    # counted as clusters, CHL-PER has one meeting against an expulsion and an accusation: a
    # cooperation share of 1/3; counted as reports it would be 2/4, not below the threshold
    run(
        "alerts",
        "add",
        "chl-per",
        "--between",
        "CHL,PER",
        "--measure",
        "cooperation_share",
        "--window",
        "7",
        "--below",
        "0.5",
        "--webhook",
        f"{hook.url}/dyads",
    )
    first = run("watch", "--once", "--delay", "0.05", f"{u}/a/rss.xml", f"{u}/b/atom.xml")
    assert f"{u}/b/atom.xml: 3 new (2 stored, 1 already stored), 0 failed" in first.err
    assert rows(db, "SELECT count(*) FROM articles") == [(4,)]
    [(story, outlets)] = rows(
        db, "SELECT article_id, list(outlet ORDER BY outlet) FROM story_sources GROUP BY article_id HAVING count(*) > 1"
    )
    assert outlets == ["Northern Courier", "Southern Wire"]

    # the meeting: one event cluster of two reports from two sources
    [(cluster, sources, articles, mentions, headlines)] = rows(
        db,
        """
        SELECT c.cluster_id, c.sources, c.articles, c.mentions,
               (SELECT list(DISTINCT a.headline ORDER BY a.headline) FROM event_cluster_members m
                JOIN articles a ON a.id = m.article_id WHERE m.cluster_id = c.cluster_id)
        FROM event_cluster_counts c WHERE c.reports > 1""",
    )
    assert (sources, articles, mentions) == (2, 2, 2)
    assert headlines == ["Chile and Peru ministers meet in Lima", "Santiago and Lima hold border talks"]
    # the syndicated story is one article with two copies: its events count both
    assert rows(
        db,
        f"SELECT DISTINCT c.sources, c.articles FROM event_cluster_counts c JOIN event_cluster_members m "
        f"USING (cluster_id) WHERE m.article_id = '{story}'",
    ) == [(2, 2)]

    # the alert fired, was printed, stored with its events, and POSTed to the webhook
    assert "alert chl-per: cooperation_share of CHL-PER is 0.3333" in first.out
    [(status, events, value)] = rows(db, "SELECT webhook_status, event_ids, value FROM alerts")
    assert status == "HTTP 204" and len(events) == 3 and value == pytest.approx(1 / 3, abs=1e-3)
    [posted] = hook.received
    assert posted["path"] == "/dyads" and posted["type"] == "application/json"
    assert posted["body"]["rule"] == "chl-per" and posted["body"]["event_ids"] == events
    assert posted["body"]["rule_detail"]["measure"] == "cooperation_share"

    # a second poll fetches nothing new, stores nothing, and fires nothing again
    counts = (
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), "
        "(SELECT count(*) FROM event_clusters), (SELECT count(*) FROM watch_items), (SELECT count(*) FROM alerts)"
    )
    before, asked = rows(db, counts), len(site.log)
    second = run("watch", "--once", "--delay", "0.05", f"{u}/a/rss.xml", f"{u}/b/atom.xml")
    assert sorted(p for _, p, _ in site.log[asked:]) == ["/a/rss.xml", "/b/atom.xml", "/robots.txt"]
    assert "unchanged" in second.err and "alert" not in second.out
    assert rows(db, counts) == before and len(hook.received) == 1

    # rankings, dyads and the network count clusters by default, reports when asked
    ranked = {
        r["country"]: r
        for r in json.loads(run("rank", "--target", "PER", "--among", "CHL,ARG", "--json").out)["ranking"]
    }
    assert (ranked["CHL"]["events"], ranked["CHL"]["cooperation"], ranked["CHL"]["conflict"]) == (3, 1, 2)
    reports = json.loads(run("rank", "--target", "PER", "--among", "CHL,ARG", "--count", "reports", "--json").out)
    assert reports["count"] == "reports"
    assert {r["country"]: r["events"] for r in reports["ranking"]}["CHL"] == 4
    assert json.loads(run("dyad", "CHL", "PER", "--json").out)["totals"]["events"] == 3
    edges = json.loads(run("network", "--json", "--count", "reports").out)["edges"]
    assert sum(e["events"] for e in edges if {e["source"], e["target"]} == {"CHL", "PER"}) > sum(
        e["events"]
        for e in json.loads(run("network", "--json").out)["edges"]
        if {e["source"], e["target"]} == {"CHL", "PER"}
    )
    assert (
        "Invalid value for '--count'"
        in run("rank", "--target", "PER", "--among", "CHL", "--count", "events", check=False).err
    )

    # the GDELT export counts over the cluster; the dashboard's event page lists its reports
    gdelt = run("export", "events", "--format", "gdelt", "-").out.splitlines()
    header = gdelt[0].split("\t")
    meeting = [
        dict(zip(header, line.split("\t")))
        for line in gdelt[1:]
        if line.split("\t")[header.index("ClusterId")] == cluster
    ]
    assert meeting and {(r["NumSources"], r["NumArticles"], r["NumMentions"]) for r in meeting} == {("2", "2", "2")}
    shown = json.loads(run("show", cluster, "--json").out)["cluster"]
    assert shown["id"] == cluster and len(shown["reports"]) == 2
    _check_pages(db, cluster)


def _check_pages(db, cluster: str) -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'dyads[web]'")
    from fastapi.testclient import TestClient

    from dyads.web import create_app

    with TestClient(create_app(str(db)), raise_server_exceptions=False) as client:
        event = client.get(f"/api/events/{cluster}").json()
        assert event["cluster"]["sources"] == 2 and len(event["cluster"]["reports"]) == 2
        assert {tuple(r["outlets"]) for r in event["cluster"]["reports"]} == {("Northern Courier",), ("Southern Wire",)}
        html = client.get(f"/events/{cluster}").text
        assert "Reports of this event" in html and "Santiago and Lima hold border talks" in html
        fired = client.get("/api/alerts").json()
        assert [a["rule"] for a in fired["alerts"]] == ["chl-per"] and len(fired["alerts"][0]["events"]) == 3
        assert "cooperation_share of CHL-PER" in client.get("/alerts").text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"between": "CHL,PER", "measure": "cooperation_share", "window": 7, "below": 0.5},
            "rule: name None is not a rule name; give letters",
        ),
        (
            {"name": "x", "between": "CHL", "measure": "events", "window": 7, "below": 1},
            "between 'CHL' does not name two sides; give two",
        ),
        (
            {"name": "x", "between": "CHL,XYZ", "measure": "events", "window": 7, "below": 1},
            "b 'XYZ' is neither a group",
        ),
        (
            {"name": "x", "between": "CHL,PER", "measure": "tone", "window": 7, "below": 1},
            "measure 'tone' is not a measure; choose one of cooperation_share",
        ),
        ({"name": "x", "between": "CHL,PER", "measure": "events", "below": 1}, "window is missing"),
        ({"name": "x", "between": "CHL,PER", "measure": "events", "window": 7}, "no condition; give exactly one of"),
        (
            {"name": "x", "between": "CHL,PER", "measure": "events", "window": 7, "below": 1, "above": 2},
            "conditions below, above; give exactly one",
        ),
        ({"name": "x", "between": "CHL,PER", "measure": "events", "window": 7, "drop": -1}, "drop must be above 0"),
        (
            {"name": "x", "between": "CHL,PER", "measure": "events", "window": 7, "below": "low"},
            "below 'low' is not a number",
        ),
        (
            {"name": "x", "between": "CHL,PER", "measure": "events", "window": 7, "below": 1, "webhook": "ftp://h"},
            "webhook 'ftp://h' is not an http(s) address",
        ),
        (
            {"name": "x", "between": "CHL,PER", "measure": "events", "window": 7, "below": 1, "treshold": 1},
            "unknown field 'treshold'",
        ),
    ],
)
def test_bad_rules_get_one_line_errors(fields, message):
    with pytest.raises(SettingsError, match=re.escape(message)) as caught:
        alerts.parse_rule(fields)
    assert "\n" not in str(caught.value)


def test_a_bad_rules_file_is_named_with_the_rule(tmp_path, run, db):
    """A rules file names each bad rule by file and number, before the database is opened."""
    bad = tmp_path / "rules.toml"
    bad.write_text(
        '[[rule]]\nname = "a"\nbetween = "CHL,PER"\nmeasure = "events"\nwindow = 7\nbelow = 1\n'
        '[[rule]]\nname = "b"\nbetween = "CHL,PER"\nmeasure = "events"\nwindow = "week"\nbelow = 1\n'
    )
    result = run("alerts", "check", "--rules", str(bad), check=False)
    assert result.returncode == 1
    assert result.err.strip() == f"Error: {bad} rule 2: window 'week' is not an integer; give e.g. window = 7"
    assert (
        "not valid TOML"
        in run("alerts", "check", "--rules", str(_write(tmp_path / "x.toml", "[[rule]\n")), check=False).err
    )


def _write(path, text):
    path.write_text(text)
    return path


def test_webhook_failure_is_recorded_not_fatal(tmp_path):
    from dyads.store import Store

    # a port nothing listens on: refused at once, retried once, recorded
    with Store.open(tmp_path / "t.duckdb") as store:
        rule = alerts.parse_rule(
            {
                "name": "x",
                "between": "CHL,PER",
                "measure": "events",
                "window": 7,
                "below": 1,
                "webhook": "http://127.0.0.1:9/hook",
            }
        )
        status = alerts.post_alert(rule.webhook, {"rule": "x"}, timeout=1)
        assert status.startswith("failed: ")
        # no events in the window: 0 is below 1, the alert fires, its webhook fails, the check goes on
        [fired] = alerts.check(store, [rule])
        assert fired["events"] == 0 and fired["webhook_status"].startswith("failed: ")
        assert [a["webhook_status"] for a in store.fired_alerts()] == [fired["webhook_status"]]
        assert alerts.check(store, [rule]) == []  # the same window and events fire once
        share = alerts.parse_rule(
            {"name": "y", "between": "CHL,PER", "measure": "cooperation_share", "window": 7, "below": 0.5}
        )
        assert alerts.check(store, [share]) == []  # a share of no events has no value: nothing fires


def _records(path, stories):
    with path.open("w", encoding="utf-8") as f:
        for title, source, paragraphs in stories:
            f.write(
                json.dumps(
                    {"title": title, "source": source, "published": "2026-03-04", "text": "\n\n".join(paragraphs)}
                )
                + "\n"
            )
    return path


def test_clusters_are_the_same_in_one_run_or_several(tmp_path):
    """Assigned at ingest: a report stored in a later run joins the cluster of an earlier one, and
    the clusters do not depend on how the stories were split into runs."""
    from dyads.config import Settings
    from dyads.ingest import ingest
    from dyads.store import Store

    stories = [
        ("Chile and Peru ministers meet in Lima", "Northern Courier", MEETING_A),
        ("Peru expels Chilean diplomat", "Southern Wire", EXPULSION),
        ("Santiago and Lima hold border talks", "Southern Wire", MEETING_B),
    ]
    settings = Settings(article_timeout=0)
    query = (
        "SELECT m.article_id, m.event_idx, m.cluster_id FROM event_cluster_members m ORDER BY m.article_id, m.event_idx"
    )
    with Store.open(tmp_path / "one.duckdb") as store:
        ingest([str(_records(tmp_path / "all.jsonl", stories))], store=store, settings=settings)
        together = store.con.execute(query).fetchall()
    with Store.open(tmp_path / "two.duckdb") as store:
        ingest([str(_records(tmp_path / "first.jsonl", stories[:1]))], store=store, settings=settings)
        ingest([str(_records(tmp_path / "rest.jsonl", stories[1:]))], store=store, settings=settings)
        apart = store.con.execute(query).fetchall()
        [(reports, sources)] = store.con.execute(
            "SELECT reports, sources FROM event_cluster_counts WHERE reports > 1"
        ).fetchall()
    assert together == apart
    assert (reports, sources) == (2, 2)
    # every report is kept: as many members as stored events, and each cluster named after its first
    assert len(together) == len({(a, i) for a, i, _ in together})
    assert all(cluster.split(":")[0] in {a for a, _, _ in together} for _, _, cluster in together)


def test_a_copy_under_another_headline_and_furniture_is_one_story():
    """The duplicate check (dyads.dedup: bottom-k MinHash keys over word 5-grams, confirmed by their
    containment) finds a syndicated copy with another headline and a site's lines at both ends."""
    from dyads import dedup
    from dyads.records import Article

    first = Article(headline="Norway and Indonesia sign fisheries accord", paragraphs=BODY_FISHERIES, origin="a")
    copy = Article(
        headline="Oslo and Jakarta agree on tuna",
        paragraphs=(
            "Subscribe to our morning briefing for the news that matters.",
            *BODY_FISHERIES,
            "Also on Southern Wire: markets, weather and sport.",
        ),
        origin="b",
    )
    other = Article(headline="Austria and Slovenia open trade talks", paragraphs=MEETING_A, origin="c")
    index = dedup.StoryIndex()
    index.add(first)
    assert dedup.repeats([copy, other], index) == {0: first.id}


def test_a_drop_against_the_trailing_mean_fires(tmp_path):
    """mean_goldstein of CHL-PER: meetings in the two weeks before, an expulsion this week."""
    from dyads.config import Settings
    from dyads.ingest import ingest
    from dyads.store import Store

    path = tmp_path / "dated.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for title, published, paragraphs in [
            ("Chile and Peru ministers meet in Lima", "2026-03-02", MEETING_A),
            ("Santiago and Lima hold border talks", "2026-03-10", MEETING_B),
            ("Peru expels Chilean diplomat", "2026-03-20", EXPULSION),
        ]:
            f.write(json.dumps({"title": title, "published": published, "text": "\n\n".join(paragraphs)}) + "\n")
    rule = {"name": "chl-per-tone", "between": "CHL,PER", "measure": "mean_goldstein", "window": 7, "trailing": 2}
    with Store.open(tmp_path / "t.duckdb") as store:
        ingest([str(path)], store=store, settings=Settings(article_timeout=0))
        day = dt.date(2026, 3, 21)
        now = alerts.measure_of(store, alerts.parse_rule({**rule, "drop": 1}), until=day)
        before = [
            alerts.measure_of(store, alerts.parse_rule({**rule, "drop": 1}), until=day - dt.timedelta(days=7 * k))
            for k in (1, 2)
        ]
        assert now["value"] < 0 < min(b["value"] for b in before)
        fired = alerts.evaluate(store, alerts.parse_rule({**rule, "drop": 3}), today=day)
        assert fired["baseline"] == pytest.approx(sum(b["value"] for b in before) / 2, abs=1e-3)
        assert fired["event_ids"] == now["event_ids"] and "below the trailing mean" in fired["message"]
        assert alerts.evaluate(store, alerts.parse_rule({**rule, "rise": 3}), today=day) is None
        # no events in the trailing windows: no baseline, nothing fires
        assert (
            alerts.evaluate(store, alerts.parse_rule({**rule, "drop": 3, "trailing": 1}), today=dt.date(2026, 3, 4))
            is None
        )
