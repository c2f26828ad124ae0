"""Events through the real CLI and a real DuckDB file: listing, filters, show, exports, eval."""

import csv
import importlib.util
import json

import duckdb
import pytest

from conftest import FIXTURES

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("dyads.pipeline.actors") is None, reason="needs the actors stage"
)

STORY = str(FIXTURES / "fisheries-wire.txt")


@pytest.mark.parametrize(
    "command", ["events", "export", "export events", "export quotes", "export actors", "eval events"]
)
def test_commands_explain_themselves(run, command):
    assert "Example" in run(*command.split(), "-h").out


def test_events_listed_filtered_and_shown(run):
    run("ingest", "--date", "2025-03-08", STORY)
    events = json.loads(run("events", "--json").out)
    assert {"SUPPORT", "CONSULT", "REJECT"} <= {e["type"] for e in events}
    support = next(e for e in events if e["type"] == "SUPPORT")
    assert [p["code"] for p in support["actors"]] == ["CHL"] and [p["code"] for p in support["recipients"]] == ["PER"]
    assert support["evidence"]["sentence"].startswith("Chile praised Peru")
    assert support["evidence"]["trigger"]["text"] == "praised"
    assert support["cameo"] == "051" and support["cameo_root"] == "05"
    # the headline repeats the lead: one SUPPORT, from the body
    assert sum(e["type"] == "SUPPORT" for e in events) == 1
    consult = next(e for e in events if e["type"] == "CONSULT")
    assert consult["date"] == "2025-03-06" and consult["place"]["name"] == "Lima"
    reject = next(e for e in events if e["type"] == "REJECT")
    assert reject["historical"] and reject["date"] == "2016-05-01"

    assert {e["type"] for e in json.loads(run("events", "--actor", "BOL", "--json").out)} == {"REJECT"}
    assert json.loads(run("events", "--recipient", "PER", "--type", "support", "--json").out)[0]["type"] == "SUPPORT"
    assert json.loads(run("events", "--since", "2025-01-01", "--until", "2025-12-31", "--json").out)
    assert not any(e["type"] == "REJECT" for e in json.loads(run("events", "--since", "2025-01-01", "--json").out))
    dyads = json.loads(run("events", "--dyads", "--type", "CONSULT", "--json").out)
    assert {(d["source"], d["target"]) for d in dyads} == {("CHL", "PER"), ("PER", "CHL")}
    assert "SUPPORT" in run("events").out
    assert list(csv.DictReader(run("events", "--csv").out.splitlines()))[0]["type"]

    shown = json.loads(run("show", support["article_id"], "--json").out)
    assert {e["type"] for e in shown["events"]} == {e["type"] for e in events}


def test_exports(run, tmp_path):
    run("ingest", "--date", "2025-03-08", STORY)
    for fmt in ("plover", "gdelt", "csv", "parquet", "jsonl"):
        out = tmp_path / f"events.{fmt}"
        result = run("export", "events", "--format", fmt, str(out))
        assert "events written" in result.err and out.stat().st_size > 0
    plover = [json.loads(line) for line in (tmp_path / "events.plover").read_text().splitlines()]
    record = next(r for r in plover if r["event"] == ["SUPPORT"])
    assert record["actor"][0]["code"] == "CHL" and record["recipient"][0]["code"] == "PER"
    assert set(record) >= {"id", "date", "actor", "recipient", "event", "mode", "text", "text_info", "quad_code"}
    gdelt = list(csv.DictReader((tmp_path / "events.gdelt").read_text().splitlines(), delimiter="\t"))
    assert all(len(row["EventCode"]) >= 3 for row in gdelt)  # codes as strings: "051", not 51
    assert any(row["EventCode"] == "051" and row["Actor1CountryCode"] == "CHL" for row in gdelt)
    rows = duckdb.sql(f"SELECT type, actors FROM '{tmp_path / 'events.parquet'}'").fetchall()
    assert any(t == "SUPPORT" and a[0]["code"] == "CHL" for t, a in rows)


@pytest.mark.parametrize(
    "args, message, status",
    [
        (["events", "--type", "MEET"], "Invalid value for '--type': 'MEET' is not a PLOVER event type", 2),
        (["events", "--since", "last year"], "Invalid value for '--since': 'last year' is not a date", 2),
        (["export", "events", "--format", "xml", "out.xml"], "--format xml is not an export format", 1),
        (["export", "events", "missing-folder/out.jsonl"], "folder missing-folder does not exist", 1),
    ],
)
def test_bad_arguments_say_what_to_fix(run, args, message, status):
    run("ingest", STORY)
    result = run(*args, check=False)
    assert result.returncode == status  # a bad filter value is a usage error, as click reports them
    [line] = [line for line in result.err.strip().splitlines() if line.startswith("Error")]
    assert message in line


def test_eval_events_on_our_gold(run):
    scores = json.loads(run("eval", "events", "--gold", str(FIXTURES / "events-gold.jsonl"), "--json").out)
    assert scores["records"] == 18
    assert scores["detection_precision"] == 1.0  # the four no-event sentences stay empty
    assert scores["type_macro_f1"] >= 0.9 and scores["actor_country_accuracy"] >= 0.9


def test_eval_events_reads_plover_records(tmp_path, run):
    gold = tmp_path / "plover.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "x",
                "text": "Chile praised Japan for its help.",
                "event_v2": "SUPPORT",
                "actor": [{"code": "CHL"}],
                "recipient": [{"code": "JAP"}],
            }
        )
        + "\n"
    )
    scores = json.loads(run("eval", "events", "--gold", str(gold), "--json").out)
    assert scores["fully_right"] == 1.0  # JAP, the old CAMEO code, is JPN


def test_eval_events_bad_gold(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x", "events": [{"type": "MEET"}]}\n')
    result = run("eval", "events", "--gold", str(bad), check=False)
    assert result.returncode == 1 and "bad.jsonl:1" in result.err
