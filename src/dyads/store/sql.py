"""Read-only, bounded SQL for ``dyads sql``: one SELECT, a row limit, a time limit, no files.

Four locks, each enough alone for most abuse, together for all we know of:

1. the connection is opened ``read_only``, so nothing can be written;
2. DuckDB's own parser must see exactly one statement of type SELECT (which
   covers WITH, FROM-first, VALUES, SHOW, DESCRIBE and SUMMARIZE), so ATTACH,
   INSTALL, LOAD, COPY, EXPORT, PRAGMA, SET, CALL and the rest are refused by name;
3. file-reading table functions (read_csv, read_parquet, read_json, glob ...) and
   file paths in FROM are refused before running, with a message saying so;
4. the connection runs with ``enable_external_access`` off and its configuration
   locked, so whatever slips past 3 still cannot touch a file or the network.

    >>> import tempfile, os, duckdb
    >>> path = os.path.join(tempfile.mkdtemp(), "t.duckdb")
    >>> duckdb.connect(path).execute("CREATE TABLE t AS SELECT range AS n FROM range(5)").close()
    >>> run_sql(path, "SELECT n FROM t ORDER BY n", limit=2)["rows"]
    [[0], [1]]
    >>> run_sql(path, "ATTACH 'x.duckdb'")
    Traceback (most recent call last):
    ...
    dyads.errors.QueryError: ATTACH statements are not allowed in dyads sql: it runs one read-only SELECT
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import duckdb

from dyads.errors import QueryError, StoreError
from dyads.store import locks
from dyads.store.locks import LOCK_TIMEOUT_S

# Default bounds of one query: enough to look around, small enough not to hang a terminal.
DEFAULT_LIMIT = 1000
DEFAULT_TIMEOUT_S = 10.0
# Memory one query may take: a quarter of the 24 GiB CI machine leaves room for the rest.
MEMORY_LIMIT = "4GB"
# Table functions that read files or the network, refused by name (lock 3); DuckDB's
# configuration (lock 4) refuses any this list misses.
FILE_FUNCTIONS = (
    "read_csv",
    "read_csv_auto",
    "read_parquet",
    "parquet_scan",
    "parquet_metadata",
    "parquet_schema",
    "parquet_file_metadata",
    "parquet_kv_metadata",
    "read_json",
    "read_json_auto",
    "read_json_objects",
    "read_json_objects_auto",
    "read_ndjson",
    "read_ndjson_auto",
    "read_ndjson_objects",
    "json_scan",
    "read_text",
    "read_blob",
    "glob",
    "sniff_csv",
    "read_xlsx",
    "sqlite_scan",
    "sqlite_attach",
    "postgres_scan",
    "mysql_scan",
    "iceberg_scan",
    "delta_scan",
    "read_avro",
    "load_aws_credentials",
)
# Words of the statements refused; DuckDB's parser reports some under a broader type
# (INSTALL parses as LOAD), so the message names the word the user wrote.
REFUSED_WORDS = (
    "ATTACH",
    "DETACH",
    "INSTALL",
    "LOAD",
    "COPY",
    "EXPORT",
    "IMPORT",
    "PRAGMA",
    "SET",
    "RESET",
    "CALL",
    "CHECKPOINT",
    "VACUUM",
    "USE",
    "CREATE",
    "DROP",
    "ALTER",
    "INSERT",
    "UPDATE",
    "DELETE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "PREPARE",
    "EXECUTE",
)
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.S)
_FILE_IN_FROM = re.compile(r"\b(?:FROM|JOIN)\s+'", re.I)


def check_sql(sql: str, con: duckdb.DuckDBPyConnection) -> None:
    """Refuse anything but one SELECT that reads no file.

    Raises:
        QueryError: several statements, a statement that is not a SELECT, a
            file-reading function, or a file path in FROM.
    """
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(f"SQL does not parse: {_first_line(e)}") from e
    if len(statements) != 1:
        raise QueryError(f"give exactly one statement, got {len(statements)}; dyads sql runs one SELECT")
    code = _mask(sql, keep_strings=False)
    if statements[0].type != duckdb.StatementType.SELECT:
        first = (code.split() or ["?"])[0].upper()
        word = first if first in REFUSED_WORDS else statements[0].type.name
        raise QueryError(f"{word} statements are not allowed in dyads sql: it runs one read-only SELECT")
    for name in FILE_FUNCTIONS:
        if re.search(rf"\b{name}\s*\(", code, re.I):
            raise QueryError(f"{name}() reads files, which dyads sql does not allow; query the stored tables")
    if _FILE_IN_FROM.search(_mask(sql, keep_strings=True)):
        raise QueryError("a file path in FROM reads a file, which dyads sql does not allow; query the stored tables")


def connect_read_only(path: str | Path, *, timeout: float = LOCK_TIMEOUT_S) -> duckdb.DuckDBPyConnection:
    """A read-only connection that can touch no other file and cannot change that.

    Waits up to ``timeout`` seconds while a writer holds the file (``store/locks.py``).

    Raises:
        StoreError: no database at ``path``, it stays locked, or it cannot be opened.
    """
    path = str(path)
    if not Path(path).exists():
        raise StoreError(f"no database at {path}; run `dyads ingest FILE` first or pass --db")
    return locks.connect(
        path,
        read_only=True,
        deadline=time.monotonic() + timeout,
        what=" read-only",
        config={
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": MEMORY_LIMIT,
            "lock_configuration": True,
        },
    )


def run_sql(
    path: str | Path,
    sql: str,
    *,
    limit: int = DEFAULT_LIMIT,
    timeout: float = DEFAULT_TIMEOUT_S,
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> dict:
    """Run one read-only SELECT on the database at ``path``, at most ``limit`` rows and ``timeout`` seconds.

    Returns:
        {"columns": [...], "rows": [[...]], "truncated": bool, "seconds": float}

    Raises:
        QueryError: the statement is refused, fails, or runs past the time limit.
        StoreError: the database cannot be opened.
    """
    if limit < 1 or timeout <= 0:
        raise QueryError("the row limit and time limit must be positive")
    con = connect_read_only(path, timeout=lock_timeout)
    timer = threading.Timer(timeout, con.interrupt)
    started = time.perf_counter()
    try:
        check_sql(sql, con)
        timer.start()
        cursor = con.execute(sql)
        rows = cursor.fetchmany(limit + 1)
        columns = [d[0] for d in cursor.description]
    except duckdb.InterruptException as e:
        raise QueryError(
            f"query ran past the {timeout:g} s time limit and was stopped; narrow it or raise --timeout"
        ) from e
    except duckdb.Error as e:
        raise QueryError(f"query failed: {_first_line(e)}") from e
    finally:
        timer.cancel()
        con.close()
    return {
        "columns": columns,
        "rows": [list(r) for r in rows[:limit]],
        "truncated": len(rows) > limit,
        "seconds": round(time.perf_counter() - started, 3),
    }


def _mask(sql: str, *, keep_strings: bool) -> str:
    """``sql`` with comments and quoted identifiers blanked, and string literals too unless kept."""

    def blank(match: re.Match) -> str:
        text = match.group(0)
        if text.startswith("'"):
            return text if keep_strings else "''"
        return " "

    return _STRINGS_AND_COMMENTS.sub(blank, sql)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
