"""`dyads sql`: one read-only SELECT, bounded in rows and time; every way out is refused."""

import json

import duckdb
import pytest

from dyads.errors import QueryError
from dyads.store.sql import run_sql


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sql")
    (folder / "secret.csv").write_text("a,b\n1,2\n")
    path = folder / "t.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE events AS SELECT range AS n, 'CONSULT' AS type FROM range(50)")
    con.close()
    return path


def test_select_runs_and_is_bounded_in_rows(db):
    result = run_sql(db, "SELECT n, type FROM events ORDER BY n", limit=10)
    assert result["columns"] == ["n", "type"] and result["rows"][:2] == [[0, "CONSULT"], [1, "CONSULT"]]
    assert len(result["rows"]) == 10 and result["truncated"]
    assert run_sql(db, "WITH x AS (SELECT count(*) AS c FROM events) SELECT c FROM x")["rows"] == [[50]]
    assert not run_sql(db, "FROM events LIMIT 3")["truncated"]


def test_a_slow_query_is_stopped_at_the_time_limit(db):
    with pytest.raises(QueryError, match="time limit"):
        run_sql(db, "SELECT count(*) FROM range(10000000000000) a, range(1000) b", timeout=0.3)


@pytest.mark.parametrize(
    "sql, word",
    [
        ("ATTACH 'other.duckdb' AS other", "ATTACH"),
        ("INSTALL fts", "INSTALL"),
        ("LOAD fts", "LOAD"),
        ("COPY events TO 'out.csv'", "COPY"),
        ("COPY (SELECT 1) TO 'out.parquet' (FORMAT PARQUET)", "COPY"),
        ("EXPORT DATABASE 'dump'", "EXPORT"),
        ("PRAGMA database_list", "PRAGMA"),
        ("SET enable_external_access = true", "SET"),
        ("SET threads = 1", "SET"),
        ("INSERT INTO events VALUES (1, 'x')", "INSERT"),
        ("CREATE TABLE x AS SELECT 1", "CREATE"),
        ("DROP TABLE events", "DROP"),
        ("SELECT 1; DROP TABLE events", "exactly one statement"),
    ],
)
def test_statements_that_are_not_one_select_are_refused(db, sql, word):
    with pytest.raises(QueryError, match=word):
        run_sql(db, sql)


@pytest.mark.parametrize(
    "function",
    [
        "read_csv",
        "read_csv_auto",
        "read_parquet",
        "read_json",
        "read_json_auto",
        "read_ndjson",
        "glob",
        "read_text",
        "read_blob",
        "parquet_scan",
    ],
)
def test_file_reading_table_functions_are_refused(db, function):
    with pytest.raises(QueryError, match=f"{function}\\(\\) reads files"):
        run_sql(db, f"SELECT * FROM {function}('{db.parent / 'secret.csv'}')")


def test_file_paths_are_refused_even_past_the_name_check(db):
    with pytest.raises(QueryError, match="file path in FROM"):
        run_sql(db, f"SELECT * FROM '{db.parent / 'secret.csv'}'")
    # A function the name list misses still meets DuckDB's own lock: file access is off.
    with pytest.raises(QueryError, match="(?i)permission|disabled|does not exist"):
        run_sql(db, f'SELECT * FROM "{db.parent / "secret.csv"}"')


def test_strings_and_comments_do_not_trip_the_checks(db):
    assert run_sql(db, "SELECT 'read_csv(x) ATTACH' AS s -- COPY\n")["rows"] == [["read_csv(x) ATTACH"]]


def test_cli_sql(run, db):
    ok = run("--db", str(db), "sql", "SELECT type, count(*) AS n FROM events GROUP BY type", "--json")
    assert json.loads(ok.out) == [{"type": "CONSULT", "n": 50}]
    capped = run("--db", str(db), "sql", "SELECT n FROM events", "--limit", "5", "--csv")
    assert capped.out.splitlines() == ["n", "0", "1", "2", "3", "4"] and "raise --limit" in capped.err
    refused = run("--db", str(db), "sql", "ATTACH 'x.duckdb'", check=False)
    assert refused.returncode == 1 and refused.err.strip() == (
        "Error: ATTACH statements are not allowed in dyads sql: it runs one read-only SELECT"
    )
