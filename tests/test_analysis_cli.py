"""`dyads dyad`, `dyads rank`, `dyads network`, `dyads serve -h`: the real CLI on stories we wrote."""

import csv
import io
import json

import pytest


@pytest.mark.parametrize("command", ["dyad", "rank", "network", "sql", "serve"])
def test_every_new_command_explains_itself(run, command):
    assert "Example" in run(command, "-h").out


def test_rank_dyad_and_network_commands(run, relations_db, tmp_path):
    db = ("--db", str(relations_db))
    ranking = json.loads(run(*db, "rank", "--target", "RUS", "--among", "G7", "--json").out)
    assert ranking["ranking"][0]["country"] == "JPN" and ranking["ranking"][0]["evidence"]
    table = run(*db, "rank", "--target", "rus", "--among", "jpn,deu,usa").out.splitlines()
    assert table[0].split()[:3] == ["rank", "country", "name"] and table[2].split()[:2] == ["1", "JPN"]
    monthly = list(
        csv.DictReader(io.StringIO(run(*db, "rank", "--target", "RUS", "--among", "G7", "--per", "month", "--csv").out))
    )
    assert {r["period"] for r in monthly} == {"2018-01-01", "2018-02-01", "2018-03-01"}
    series = list(csv.DictReader(io.StringIO(run(*db, "dyad", "RUS", "JPN", "--by", "month", "--csv").out)))
    assert [int(r["events"]) for r in series] == [3, 0, 2]
    out = tmp_path / "net.graphml"
    written = run(*db, "network", "--out", str(out))
    assert out.read_text().startswith("<graphml") and "edges written to" in written.err
    edges = json.loads(run(*db, "network", "--type", "accuse", "--json").out)["edges"]
    assert {(e["source"], e["target"]) for e in edges} == {("DEU", "RUS"), ("FRA", "RUS"), ("IDN", "NOR")}


@pytest.mark.parametrize(
    "args, message, status",
    [
        (
            ("rank", "--target", "Russia", "--among", "G7"),
            "Invalid value for '--target': 'Russia' is not an ISO 3166 alpha-3 country code",
            2,
        ),
        (("rank", "--target", "RUS", "--among", "G77"), "Invalid value for '--among': 'G77' is neither a group", 2),
        (
            ("rank", "--target", "RUS", "--among", "G7", "--since", "spring"),
            "Invalid value for '--since': 'spring' is not a date",
            2,
        ),
        (("dyad", "RUS", "XX"), "not an ISO 3166 alpha-3 country code", 1),
        (("network", "--type", "MEET"), "Invalid value for '--type': 'MEET' is not a PLOVER event type", 2),
    ],
)
def test_bad_questions_are_one_line_errors(run, relations_db, args, message, status):
    """A bad filter value is a usage error naming the option (exit 2); a bad argument an error (exit 1)."""
    result = run("--db", str(relations_db), *args, check=False)
    [line] = [line for line in result.err.splitlines() if line.startswith("Error")]
    assert result.returncode == status and message in line
    if status == 1:
        assert len(result.err.strip().splitlines()) == 1


def test_a_meeting_between_two_countries_is_found_from_either_side_as_actor_and_recipient(run, relations_db):
    # "Tanaka met Orlov" is stored JPN;RUS -> - (both actors of one joint act)
    db = ("--db", str(relations_db))
    for actor, recipient in (("RUS", "JPN"), ("JPN", "RUS")):
        rows = json.loads(
            run(
                *db,
                "events",
                "--actor",
                actor,
                "--recipient",
                recipient,
                "--type",
                "CONSULT",
                "--since",
                "2018-01-01",
                "--json",
            ).out
        )
        assert rows and all(not e["recipients"] and len(e["actors"]) > 1 for e in rows)
    support = json.loads(run(*db, "events", "--actor", "RUS", "--recipient", "JPN", "--type", "SUPPORT", "--json").out)
    assert any(e["recipients"] for e in support)  # "We welcome Japan's readiness", RUS -> JPN
    assert all(e["recipients"] or len(e["actors"]) > 1 for e in support)  # else a joint act (signed an agreement)
    assert (
        json.loads(run(*db, "events", "--actor", "FRA", "--recipient", "JPN", "--type", "CONSULT", "--json").out) == []
    )
