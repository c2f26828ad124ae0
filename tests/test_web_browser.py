"""The dashboard in a real headless Chromium against a real `dyads serve` on 127.0.0.1.

Needs Debian's chromium (scripts/install-test-deps.sh installs it) and playwright's Python
package (the test extra); playwright's own browser download is never used. Screenshots go
to artifacts/screenshots/ for a person to look at.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SRC

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
# Longest wait for the server to listen and for a page or chart to finish.
START_TIMEOUT_S = 30
PAGE_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def server(relations_db, tmp_path_factory):
    """`dyads serve` on a free port, as a person would start it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "dyads", "--db", str(relations_db), "serve", "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"dyads serve did not start; see {log.name}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install 'dyads[test]'")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed; run scripts/install-test-deps.sh")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        yield context
        context.close()


@pytest.fixture
def page(browser):
    """A tab that records console errors, uncaught exceptions and failed requests in ``page.problems``."""
    page = browser.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: page.problems.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: page.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield page
    page.close()


def open_page(page, url: str, shot: str) -> None:
    page.goto(url, wait_until="networkidle")
    for chart in page.locator(".chart").all():
        chart.locator("svg").first.wait_for()
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


def sample_article_id(page, server) -> str:
    page.goto(f"{server}/api/articles?q=Indonesia")
    return page.evaluate("() => JSON.parse(document.body.innerText).rows[0].id")


@pytest.mark.parametrize("path, shot", [
    ("/", "overview"), ("/articles", "articles"), ("/events", "events"), ("/quotes?q=energy", "quotes"),
    ("/actors", "actors"), ("/actors/person:ingrid-solberg", "actor-solberg"), ("/dyads", "dyads"),
    ("/dyads/JPN/RUS", "dyad-jpn-rus"), ("/rankings?target=RUS&among=G7&per=month", "ranking-g7-rus"),
    ("/rankings?target=NOR&among=ASEAN", "ranking-asean-nor"), ("/network", "network"),
])
def test_pages_load_without_console_errors(page, server, path, shot):
    open_page(page, server + path, shot)
    assert page.locator("h1").first.inner_text()
    assert page.problems == []


def test_a_chart_renders(page, server):
    open_page(page, f"{server}/dyads/JPN/RUS?by=month", "dyad-chart")
    chart = page.locator("#chart-series")
    chart.locator("svg").first.wait_for()
    assert chart.get_attribute("data-rendered") == "true"
    assert page.locator("#chart-series svg .mark-rect path").count() >= 2  # bars of January and March
    assert page.problems == []


def test_the_network_draws_its_nodes(page, server):
    open_page(page, f"{server}/network", "network-graph")
    assert page.locator("#chart-network svg .mark-symbol path").count() >= 4
    assert page.problems == []


def test_a_filter_changes_the_table(page, server):
    open_page(page, f"{server}/events", "events-all")
    every = page.locator("table.events tbody tr").count()
    page.locator('.facet[data-facet="type"] a', has_text="ACCUSE").click()
    page.wait_for_url("**type=ACCUSE**")
    types = page.locator("table.events tbody tr .badge").all_inner_texts()
    assert 0 < len(types) < every and set(types) == {"ACCUSE"}
    page.select_option("#event-filters select[name=type]", "SANCTION")
    page.locator("#event-filters button").click()
    page.wait_for_url("**type=SANCTION**")
    assert page.locator("table.events tbody tr .badge").all_inner_texts() == ["SANCTION"]
    page.screenshot(path=str(SHOTS / "events-filtered.png"), full_page=True)
    assert page.problems == []


def test_evidence_leads_to_its_sentence(page, server):
    open_page(page, f"{server}/rankings?target=RUS&among=G7", "ranking-evidence")
    page.locator("table.ranking tbody tr").first.locator("summary").click()
    link = page.locator("table.ranking li.evidence blockquote a").first
    sentence = link.inner_text()
    link.click()
    page.wait_for_url("**/articles/**#s-*")
    lit = "".join(page.locator("span.s.target").all_text_contents())
    assert lit == sentence.strip()
    page.screenshot(path=str(SHOTS / "article-sentence.png"), full_page=True)
    assert page.problems == []


def test_the_sample_article_leads_to_the_lawmaker(page, server):
    article = sample_article_id(page, server)
    open_page(page, f"{server}/articles/{article}", "article-sample")
    page.locator("a.mention", has_text="Ingrid Solberg").first.click()
    page.wait_for_url("**/actors/person:ingrid-solberg")
    assert page.locator("h1").inner_text() == "Ingrid Solberg"
    assert "Storting Foreign Affairs Committee Chair" in page.locator("main").inner_text()
    assert page.problems == []


def test_the_sample_article_highlights_the_lawmakers_quotes(page, server):
    """Needs the quotes stage: runs once the database holds quotes."""
    article = sample_article_id(page, server)
    page.goto(f"{server}/api/articles/{article}")
    if not page.evaluate("() => JSON.parse(document.body.innerText).quotes.length"):
        pytest.skip("no quotes in this database: the quotes stage has not landed")
    open_page(page, f"{server}/articles/{article}", "article-sample-quotes")
    quoted = " ".join("".join(page.locator("mark.quote").all_text_contents()).split())
    assert "Indonesia is taking bold steps on clean energy" in quoted
    speaker = page.locator("ol.quotes a.speaker-name", has_text="Ingrid Solberg").first
    speaker.click()
    page.wait_for_url("**/actors/person:ingrid-solberg")
    assert "Indonesia is taking bold steps" in page.locator("ol.quotes").inner_text()
    assert page.problems == []
