"""The dashboard in a real headless Chromium against a real `dyads serve` on 127.0.0.1.

Needs Debian's chromium (scripts/install-test-deps.sh installs it) and playwright's Python
package (the test extra); playwright's own browser download is never used. Screenshots go
to artifacts/screenshots/ for a person to look at; those of the picture fixes (gaps, a network
that fits its frame at 500 nodes) also under pytest's tmp dir, printed with -s.
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
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
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
    process = subprocess.Popen(
        [sys.executable, "-m", "dyads", "--db", str(relations_db), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        yield context
        context.close()


@pytest.fixture
def page(browser):
    """A tab that records console errors, uncaught exceptions and failed requests in ``page.problems``."""
    page = browser.new_page()
    page.problems = []
    page.on(
        "console",
        lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
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


@pytest.mark.parametrize(
    "path, shot",
    [
        ("/", "overview"),
        ("/articles", "articles"),
        ("/events", "events"),
        ("/quotes?q=energy", "quotes"),
        ("/actors", "actors"),
        ("/actors/person:ingrid-solberg", "actor-solberg"),
        ("/dyads", "dyads"),
        ("/dyads/JPN/RUS", "dyad-jpn-rus"),
        ("/rankings?target=RUS&among=G7&per=month", "ranking-g7-rus"),
        ("/rankings?target=NOR&among=ASEAN", "ranking-asean-nor"),
        ("/network", "network"),
    ],
)
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


# -- the pictures: gaps, a network that fits its frame, groups with members --------------------


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Screenshots of the fixes, under pytest's tmp dir (the path is printed with -s)."""
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"screenshots in {folder}")
    return folder


def inside_frame(page, chart: str) -> dict:
    """How many node symbols the chart draws, and those whose box leaves its SVG's or the frame's box."""
    return page.evaluate(
        """chart => {
        const s = document.querySelector(chart + ' svg').getBoundingClientRect();
        const f = document.querySelector(chart).getBoundingClientRect();
        const svg = {left: Math.max(s.left, f.left), right: Math.min(s.right, f.right),
                     top: Math.max(s.top, f.top), bottom: Math.min(s.bottom, f.bottom)};
        const nodes = [...document.querySelectorAll(chart + ' svg .mark-symbol path')];
        const out = nodes.filter(n => { const b = n.getBoundingClientRect();
            return b.left < svg.left - 0.5 || b.right > svg.right + 0.5 || b.top < svg.top - 0.5 || b.bottom > svg.bottom + 0.5; });
        return {nodes: nodes.length, outside: out.length};
    }""",
        chart,
    )


def shown_labels(page, chart: str) -> list[tuple[str, list[float]]]:
    """The chart's visible text labels and their boxes (left, top, right, bottom)."""
    return page.evaluate(
        """chart => [...document.querySelectorAll(chart + ' svg .mark-text text')]
        .filter(t => t.textContent && getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
        .map(t => { const b = t.getBoundingClientRect(); return [t.textContent, [b.left, b.top, b.right, b.bottom]]; })""",
        chart,
    )


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_dyad_chart_breaks_its_line_at_empty_months(page, server, shots):
    page.goto(f"{server}/api/dyads/JPN/RUS?by=month")
    series = page.evaluate("() => JSON.parse(document.body.innerText).series")
    counts = [r["events"] for r in series]
    gaps = sum(1 for before, now in zip(counts, counts[1:]) if before and not now)
    assert gaps >= 1 and counts[0] and counts[-1]  # a month without events between two with
    open_page(page, f"{server}/dyads/JPN/RUS?by=month", "dyad-gaps")
    page.screenshot(path=str(shots / "dyad-gaps.png"), full_page=True)
    line = page.locator("#chart-series svg .mark-line path").first.get_attribute("d")
    # One subpath per run of months with events: the empty month is a gap, not a segment.
    assert line.count("M") == gaps + 1
    points = page.locator("#chart-series svg .mark-symbol.role-mark path").count()  # not the legend's
    assert points == sum(1 for n in counts if n)  # a point for each month with events, none at zero
    assert page.problems == []


def test_the_network_fits_its_frame(page, server, shots):
    for level in ("country", "actor"):
        open_page(page, f"{server}/network?level={level}", f"network-{level}")
        page.screenshot(path=str(shots / f"network-{level}.png"), full_page=True)
        placed = inside_frame(page, "#chart-network")
        assert placed["nodes"] >= 4 and placed["outside"] == 0, (level, placed)
        boxes = [box for _, box in shown_labels(page, "#chart-network")]
        assert len(boxes) == placed["nodes"]  # a few nodes: every one labelled, none on another
        assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert page.problems == []


def synthetic_network(n_nodes: int, n_edges: int, *, seed: int = 3) -> tuple[list[dict], list[dict]]:
    """A network of made-up actors, skewed as news is: a few heavy nodes, a long tail."""
    import random

    rng = random.Random(seed)
    ids = [f"person:actor-{i:03d}" for i in range(n_nodes)]
    edges, seen = [], set()
    while len(edges) < n_edges:
        source = ids[min(int(rng.paretovariate(1.2)) - 1, n_nodes - 1)] if rng.random() < 0.5 else rng.choice(ids)
        target = rng.choice(ids)
        if source != target and (source, target) not in seen:
            seen.add((source, target))
            edges.append(
                {
                    "source": source,
                    "target": target,
                    "events": rng.randint(1, 9),
                    "mean_goldstein": rng.uniform(-10, 10),
                }
            )
    for i, node in enumerate(ids):  # every node on some edge
        if not any(node in (e["source"], e["target"]) for e in edges[-n_nodes:]):
            edges.append({"source": node, "target": ids[(i + 1) % n_nodes], "events": 1, "mean_goldstein": 0.0})
    nodes = [
        {
            "id": node,
            "name": f"Actor {i}",
            "events_out": sum(e["events"] for e in edges if e["source"] == node),
            "events_in": sum(e["events"] for e in edges if e["target"] == node),
        }
        for i, node in enumerate(ids)
    ]
    return nodes, edges


def test_a_500_node_network_stays_in_its_frame_with_labels_for_the_heaviest(page, server, shots):
    from dyads.web.charts import LABELED_NODES, network_chart

    nodes, edges = synthetic_network(500, 900)
    spec = network_chart(nodes, edges)
    open_page(page, f"{server}/network", "network-before-500")  # the page's scripts and frame
    page.evaluate(
        """spec => vegaEmbed('#chart-network', spec, {renderer: 'svg', actions: false, ast: true,
                                        expr: vegaInterpreter.expressionInterpreter})""",
        spec,
    )
    page.wait_for_function("() => document.querySelectorAll('#chart-network svg .mark-symbol path').length === 500")
    page.screenshot(path=str(shots / "network-500.png"), full_page=True)
    placed = inside_frame(page, "#chart-network")
    assert placed == {"nodes": 500, "outside": 0}
    labels = shown_labels(page, "#chart-network")
    heaviest = sorted(nodes, key=lambda n: (-(n["events_out"] + n["events_in"]), n["id"]))[:LABELED_NODES]
    assert len(labels) >= 10 and {t for t, _ in labels} <= {n["name"] for n in heaviest}
    assert heaviest[0]["name"] in {t for t, _ in labels}
    boxes = [box for _, box in labels]
    clashes = [
        (labels[i][0], labels[j][0], a, b)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes)
        if i < j and overlap(a, b)
    ]
    assert not clashes, clashes
    # An unlabeled node names itself on hover.
    quiet = next(n for n in reversed(nodes) if n not in heaviest)  # drawn in the order of weight
    ranked = sorted(nodes, key=lambda n: (-(n["events_out"] + n["events_in"]), n["id"]))
    page.locator("#chart-network svg .mark-symbol path").nth(ranked.index(quiet)).hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    assert quiet["id"] in tooltip.inner_text()
    page.screenshot(path=str(shots / "network-500-hover.png"))
    assert page.problems == []


def test_group_selectors_offer_only_groups_with_members(page, server):
    from dyads import lexicons

    groups = lexicons.load().groups
    empty = {code for code, group in groups.items() if not group.memberships}
    assert {"AMNESTY", "RED_CROSS", "UN"} <= empty
    open_page(page, f"{server}/", "overview-groups")
    offered = page.locator("select[name=among] option").all_inner_texts()
    assert "G7" in offered and "ASEAN" in offered and not empty & set(offered)
    open_page(page, f"{server}/rankings", "rankings-groups")
    listed = page.evaluate("() => [...document.querySelectorAll('#groups option')].map(o => o.value)")
    assert listed == offered
    assert page.problems == []


def test_the_ranking_lines_break_at_a_members_empty_months(page, server, shots):
    page.goto(f"{server}/api/rankings?target=RUS&among=G7&per=month")
    by_period = page.evaluate("() => JSON.parse(document.body.innerText).by_period")
    periods = sorted({r["period"] for r in by_period})
    runs = 0  # runs of consecutive months with events, over all members: one subpath each
    for country in {r["country"] for r in by_period}:
        active = [p in {r["period"] for r in by_period if r["country"] == country} for p in periods]
        runs += sum(1 for i, on in enumerate(active) if on and (i == 0 or not active[i - 1]))
    assert runs > len({r["country"] for r in by_period})  # some member has a gap
    open_page(page, f"{server}/rankings?target=RUS&among=G7&per=month", "ranking-gaps")
    page.screenshot(path=str(shots / "ranking-gaps.png"), full_page=True)
    lines = page.locator("#chart-periods svg .mark-line path")
    assert sum(d.count("M") for d in (lines.nth(i).get_attribute("d") for i in range(lines.count()))) == runs
    assert page.problems == []
