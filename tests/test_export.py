"""``dyads export events|quotes|actors`` through the real CLI and a real DuckDB file: every format
carries the ids the listings show, ``-`` is standard output, a wrong format says which fit."""

import csv
import json
import os
import subprocess
import sys

import duckdb
import pytest

from dyads.samples import sample_path

from conftest import FIXTURES, SRC

STORY = str(FIXTURES / "fisheries-wire.txt")


@pytest.fixture
def stored(run):
    run("ingest", "--date", "2025-03-08", STORY)
    return run


def _ids(fmt: str, text: str, column: str = "id") -> set[str]:
    if fmt in ("jsonl", "plover"):
        return {json.loads(line)["id"] for line in text.splitlines()}
    return {row[column] for row in csv.DictReader(text.splitlines(), delimiter="\t" if fmt == "gdelt" else ",")}


@pytest.mark.parametrize("fmt", ["plover", "gdelt", "csv", "jsonl"])
def test_every_event_format_has_the_event_ids_to_stdout(stored, tmp_path, fmt):
    listed = {e["id"] for e in json.loads(stored("events", "--json").out)}
    assert listed and all(":" in i for i in listed)
    result = stored("export", "events", "--format", fmt, "-")
    assert not (tmp_path / "-").exists()
    assert result.err.strip() == f"{len(listed)} events written to standard output"
    assert _ids(fmt, result.out, "EventId" if fmt == "gdelt" else "id") == listed
    to_file = tmp_path / f"events.{fmt}"
    stored("export", "events", "--format", fmt, str(to_file))
    assert to_file.read_text(encoding="utf-8") == result.out


def test_parquet_events_have_ids_and_go_to_stdout_when_redirected(stored, db, tmp_path):
    listed = {e["id"] for e in json.loads(stored("events", "--json").out)}
    env = {**os.environ, "DYADS_DB": str(db), "PYTHONPATH": str(SRC)}
    with (tmp_path / "piped.parquet").open("wb") as out:  # bytes, which the ``run`` fixture would decode
        subprocess.run(
            [sys.executable, "-m", "dyads", "export", "events", "--format", "parquet", "-"],
            stdout=out,
            env=env,
            cwd=tmp_path,
            check=True,
            timeout=300,
        )
    stored("export", "events", "--format", "parquet", str(tmp_path / "file.parquet"))
    for name in ("piped", "file"):
        rows = duckdb.sql(f"SELECT id, article_id, idx, type FROM '{tmp_path / name}.parquet'").fetchall()
        assert {r[0] for r in rows} == listed
        assert all(r[0] == f"{r[1]}:{r[2]}" for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_quotes_export_with_their_ids(stored, tmp_path, fmt):
    listed = json.loads(stored("quotes", "--json").out)
    assert listed and all(":q" in q["id"] for q in listed)
    out = tmp_path / f"quotes.{fmt}"
    assert stored("export", "quotes", "--format", fmt, str(out)).err.strip() == f"{len(listed)} quotes written to {out}"
    if fmt == "parquet":
        rows = duckdb.sql(f"SELECT id, speaker, text FROM '{out}'").fetchall()
        assert [r[0] for r in rows] == [q["id"] for q in listed]
        assert [r[2] for r in rows] == [q["text"] for q in listed]
    elif fmt == "jsonl":
        assert [json.loads(line) for line in out.read_text().splitlines()] == listed
    else:
        rows = list(csv.DictReader(out.read_text().splitlines()))
        assert [r["id"] for r in rows] == [q["id"] for q in listed]
        assert rows == list(csv.DictReader(stored("quotes", "--csv").out.splitlines()))


def test_quotes_export_takes_the_listing_filters(stored):
    everything = json.loads(stored("quotes", "--json").out)
    speaker = next(q["speaker"]["actor"]["name"] for q in everything if q["speaker"]["actor"])
    wanted = [q["id"] for q in json.loads(stored("quotes", "--speaker", speaker, "--json").out)]
    out = stored("export", "quotes", "--speaker", speaker, "-").out
    assert [json.loads(line)["id"] for line in out.splitlines()] == wanted
    assert 0 < len(wanted) < len(everything)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_actors_export_with_their_ids(stored, tmp_path, fmt):
    stored("ingest", str(sample_path()))  # its lawmaker has a title
    listed = json.loads(stored("actors", "--json").out)
    out = tmp_path / f"actors.{fmt}"
    stored("export", "actors", "--format", fmt, str(out))
    if fmt == "parquet":
        rows = [
            dict(zip(("id", "label", "titles", "mentions"), r))
            for r in duckdb.sql(f"SELECT id, label, titles, mentions FROM '{out}'").fetchall()
        ]
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    else:
        rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [r["id"] for r in rows] == [a["id"] for a in listed]
    assert [r["label"] for r in rows] == [a["label"] for a in listed]
    person = next(a for a in listed if a["titles"])
    exported = next(r for r in rows if r["id"] == person["id"])
    assert exported["titles"] == ("; ".join(person["titles"]) if fmt == "csv" else person["titles"])
    people = stored("export", "actors", "--kind", "person", "--format", "csv", "-").out
    assert {r["kind"] for r in csv.DictReader(people.splitlines())} == {"person"}


@pytest.mark.parametrize(
    "args, message, status",
    [
        (
            ["export", "quotes", "--format", "plover", "-"],
            "--format plover is for events only; export quotes as csv, jsonl or parquet",
            1,
        ),
        (
            ["export", "actors", "--format", "gdelt", "a.tsv"],
            "--format gdelt is for events only; export actors as csv, jsonl or parquet",
            1,
        ),
        (
            ["export", "quotes", "--format", "xml", "q.xml"],
            "--format xml is not an export format; choose one of csv, jsonl, parquet",
            1,
        ),
        (
            ["export", "events", "--format", "xml", "e.xml"],
            "--format xml is not an export format; choose one of plover, gdelt",
            1,
        ),
        (
            ["export", "actors", "--country", "Russia", "-"],
            "Invalid value for '--country': 'Russia' is not an ISO 3166 alpha-3 country code",
            2,
        ),  # a usage error
        (["export", "quotes", "missing-folder/q.csv"], "folder missing-folder does not exist", 1),
    ],
)
def test_bad_exports_say_what_to_fix(stored, args, message, status):
    result = stored(*args, check=False)
    assert result.returncode == status and result.out == ""
    [line] = [line for line in result.err.strip().splitlines() if line.startswith("Error: ")]
    assert message in line
    if status == 1:
        assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["events", "quotes", "actors"])
def test_export_commands_explain_themselves(run, kind):
    text = run("export", kind, "-h").out
    assert "Example" in text and "- for stdout" in text
