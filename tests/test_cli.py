import json

import pytest

from conftest import FIXTURES

COMMANDS = [
    "ingest",
    "articles",
    "show",
    "demo",
    "actors",
    "actor",
    "eval",
    "eval html",
    "eval readers",
    "eval actors",
    "eval gate",
    "quotes",
    "eval quotes",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(run, command):
    result = run(*command.split(), "-h")
    assert "Example" in result.out


def test_ingest_then_list_and_show(run):
    result = run("ingest", str(FIXTURES / "envoys-wire.txt"), str(FIXTURES / "summit-page.html"))
    assert result.err.strip().endswith("2 ingested, 0 duplicates, 0 skipped")
    assert result.out == ""
    listed = json.loads(run("articles", "--json").out)
    assert {a["headline"] for a in listed} == {
        "Chile and New Zealand pledge closer Pacific fisheries work",
        "Leaders open border trade talks",
    }
    assert set(listed[0]) >= {"id", "headline", "dek", "dateline", "published", "source", "url"}
    wire = next(a for a in listed if a["dateline"]["agency"] == "Xinhua")
    shown = json.loads(run("show", wire["id"][:8], "--json").out)
    assert shown["dateline"] == {"place": "SANTIAGO", "date_text": "Sept. 9", "agency": "Xinhua"}
    assert shown["published"] is None  # no year anywhere: never invented
    assert shown["paragraphs"][0].startswith("Chile and New Zealand agreed")
    for sentence in shown["sentences"]:
        assert shown["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    for entity in shown["entities"]:
        assert shown["text"][entity["start"] : entity["end"]] == entity["text"]
    assert {"Chile", "New Zealand"} <= {e["text"] for e in shown["entities"]}
    assert "SANTIAGO" in run("show", wire["id"]).out


def test_reingest_adds_nothing(run):
    run("ingest", str(FIXTURES / "envoys-wire.txt"))
    again = run("ingest", str(FIXTURES / "envoys-wire.txt"), "--json")
    assert json.loads(again.out)["duplicates"] == 1 and json.loads(again.out)["ingested"] == 0
    assert len(json.loads(run("articles", "--json").out)) == 1


def test_date_flag_gives_the_year(run):
    run("ingest", "--date", "2025-09-10", str(FIXTURES / "envoys-wire.txt"))
    [article] = json.loads(run("articles", "--json").out)
    assert article["published"] == "2025-09-09"


def test_stdin(run):
    story = (FIXTURES / "envoys-wire.txt").read_bytes()
    run("ingest", "-", input=story)
    assert len(json.loads(run("articles", "--json").out)) == 1


def test_bad_inputs_are_reported_and_good_ones_stored(run, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.html").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "latin1.txt").write_bytes("Head\n\nCaf\xe9.".encode("latin-1"))
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.write(b"Head\n\n" + b"x" * (50 * 2**20))
    result = run(
        "ingest",
        str(FIXTURES / "feed.jsonl"),
        str(tmp_path / "empty.txt"),
        str(tmp_path / "binary.html"),
        str(tmp_path / "latin1.txt"),
        str(big),
        str(tmp_path / "missing.txt"),
    )
    assert result.returncode == 0
    assert result.err.strip().splitlines()[-1] == "2 ingested, 0 duplicates, 7 skipped"
    for name in ("feed.jsonl:3", "feed.jsonl:4", "empty.txt", "binary.html", "latin1.txt", "big.txt", "missing.txt"):
        [line] = [x for x in result.err.splitlines() if x.startswith("skipped") and name in x]
        assert ": " in line
    strict = run("ingest", "--strict", str(FIXTURES / "feed.jsonl"), check=False)
    assert strict.returncode == 1 and "Error:" in strict.err
    assert len(json.loads(run("articles", "--json").out)) == 2


def test_nothing_stored_exits_nonzero(run, tmp_path):
    result = run("ingest", str(tmp_path / "missing.txt"), check=False)
    assert result.returncode == 1
    assert result.err.strip().splitlines()[-1].startswith("Error:")


def test_errors_are_one_line(run):
    result = run("show", "abc", check=False)
    assert result.returncode == 1
    assert result.err.strip().startswith("Error: no database at ")
    assert len(result.err.strip().splitlines()) == 1
    run("ingest", str(FIXTURES / "envoys-wire.txt"))
    result = run("show", "zzzz", check=False)
    assert result.returncode == 1 and len(result.err.strip().splitlines()) == 1
    usage = run("ingest", "--batch-size", "0", "x", check=False)
    assert usage.returncode == 2
    bad_date = run("ingest", "--date", "yesterday", "x", check=False)
    assert bad_date.returncode == 1 and "YYYY-MM-DD" in bad_date.err


def test_demo_runs_on_bundled_sample(run):
    result = run("demo")
    assert "Indonesia outpaces ASEAN" in result.out and "JAKARTA" in result.out
    assert "1 ingested" in result.err
    assert "0 ingested, 1 duplicates" in run("demo").err


def test_actors_commands(run):
    run("ingest", str(FIXTURES / "envoys-wire.txt"))
    run("demo")
    listed = json.loads(run("actors", "--json").out)
    ids = {a["id"] for a in listed}
    assert {"person:ingrid-solberg", "person:marta-rojas", "CHL"} <= ids
    solberg = next(a for a in listed if a["id"] == "person:ingrid-solberg")
    assert solberg["sector"] == "LEG" and solberg["titles"] == ["Storting Foreign Affairs Committee Chair"]
    chileans = json.loads(run("actors", "--country", "CHL", "--json").out)
    assert chileans and all(a["country"] == "CHL" for a in chileans)
    detail = json.loads(run("actor", "Solberg", "--json").out)
    assert detail["id"] == "person:ingrid-solberg"
    kinds = {m["kind"] for a in detail["appearances"] for m in a["mentions"]}
    assert {"name", "surname", "nominal", "pronoun"} <= kinds
    assert "Storting Foreign Affairs Committee Chair" in run("actor", "person:ingrid-solberg").out
    bad = run("actors", "--country", "Russia", check=False)
    assert bad.returncode == 2 and "Invalid value for '--country': 'Russia' is not an ISO 3166 alpha-3" in bad.err
    missing = run("actor", "Nobody", check=False)
    assert missing.returncode == 1 and "no actor matches" in missing.err


def test_show_json_has_actors_and_chains(run):
    run("demo")
    [article] = json.loads(run("articles", "--json").out)
    shown = json.loads(run("show", article["id"], "--json").out)
    solberg = next(c for c in shown["chains"] if c["actor_id"] == "person:ingrid-solberg")
    assert [m["text"] for m in solberg["mentions"]][:2] == [
        "lawmaker",
        "Storting Foreign Affairs Committee Chair Ingrid Solberg",
    ]
    for chain in shown["chains"]:
        for m in chain["mentions"]:
            assert shown["text"][m["start"] : m["end"]] == m["text"]
    assert any(a["id"] == "NORGOV" for a in shown["actors"])


def test_same_person_across_articles_is_one_actor(run, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Envoys meet\n\nOSLO, May 2 (Dyads Wire) - Finnish Foreign Minister Aino Virtanen met her "
        "Norwegian counterpart on Monday.\n",
        "utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "Talks continue\n\nHELSINKI, May 9 (Dyads Wire) - Virtanen said the talks would continue "
        "next month, her office said.\n",
        "utf-8",
    )
    run("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    detail = json.loads(run("actor", "Virtanen", "--json").out)
    assert detail["id"] == "person:aino-virtanen" and detail["articles"] == 2
    assert detail["titles"] == ["Finnish Foreign Minister"]


def test_a_table_shows_the_first_rows_and_says_so(run, tmp_path):
    feed = tmp_path / "feed.jsonl"
    port = ["Oslo", "Lima", "Quito", "Riga", "Sofia", "Accra", "Hanoi"]
    feed.write_text(
        "".join(
            json.dumps(
                {
                    "headline": f"Talks number {i}",
                    "text": f"Envoys met in {port[i % 7]} on day {i} of the border talks.",
                }
            )
            + "\n"
            for i in range(53)
        )
    )
    run("ingest", str(feed))
    table = run("articles")
    assert len(table.out.splitlines()) == 2 + 50  # header, rule, rows
    assert "first 50 articles; --limit N for more, --csv or --json for all" in table.err
    more = run("articles", "--limit", "52")
    assert len(more.out.splitlines()) == 2 + 52 and "first 50" not in more.err
    assert len(json.loads(run("articles", "--json").out)) == 53
    assert len(run("articles", "--csv").out.splitlines()) == 1 + 53


def test_date_warnings_of_one_file_are_one_line(run, tmp_path):
    feed = tmp_path / "crawl.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps(
                {
                    "title": f"Envoys meet in {place}",
                    "date": "2019-11 (crawl period)",
                    "text": f"{place.upper()} (AP) - The envoys of Norway and Peru met in {place} on trade.",
                }
            )
            for place in ("Oslo", "Lima", "Riga")
        )
        + "\n"
    )
    quiet = run("ingest", str(feed))
    notes = [x for x in quiet.err.splitlines() if x.startswith("note")]
    assert notes == [
        f"note: 3 records in {feed} had a date field that is no full date; their publication "
        f"dates were left to the dateline; give dates as YYYY-MM-DD (first {feed}:1; -v lists each)"
    ]
    assert quiet.err.strip().splitlines()[-1] == "3 ingested, 0 duplicates, 0 skipped"
    verbose = run("-v", "ingest", "--json", str(feed))
    assert [n["input"] for n in json.loads(verbose.out)["notes"]] == [f"{feed}:{n}" for n in (1, 2, 3)]
    listed = run("-v", "ingest", str(feed))
    assert [x.split(": ")[0] for x in listed.err.splitlines() if x.startswith("note")] == [
        f"note {feed}:{n}" for n in (1, 2, 3)
    ]
