"""Answers cached by store version: the same answer with its ETag, a 304 to a client that has
it, and a new answer once a write changed the database (a real write, a real read-only server)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'dyads[web]'")

from fastapi.testclient import TestClient  # noqa: E402

from dyads.web import create_app  # noqa: E402


SRC = Path(__file__).resolve().parents[1] / "src"
WRITE = """
import sys
from dyads.records import Analysis, Article
from dyads.store import Store
with Store.open(sys.argv[1]) as store:
    store.write([Analysis(Article(headline=sys.argv[2], paragraphs=(sys.argv[2] + " body.",), origin="t"))])
"""


def _write(path, headline: str) -> None:
    """Store one article from another process, as `dyads ingest` beside the server would."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, "-c", WRITE, str(path), headline], env=env, check=True, timeout=120)


def test_answers_are_kept_until_a_write(tmp_path):
    path = tmp_path / "t.duckdb"
    _write(path, "First")
    with TestClient(create_app(str(path), lock_timeout=30)) as client:
        first = client.get("/api/articles")
        again = client.get("/api/articles")
        assert first.json()["count"] == 1 and again.content == first.content
        assert first.headers["etag"] == again.headers["etag"] and first.headers["cache-control"] == "no-cache"
        assert client.app.state.answers.hits == 1
        unchanged = client.get("/api/articles", headers={"If-None-Match": first.headers["etag"]})
        assert unchanged.status_code == 304 and not unchanged.content
        assert "script-src 'self'" in unchanged.headers["content-security-policy"]
        _write(path, "Second")
        changed = client.get("/api/articles", headers={"If-None-Match": first.headers["etag"]})
        assert changed.status_code == 200 and changed.json()["count"] == 2
        assert changed.headers["etag"] != first.headers["etag"]
        assert client.get("/api/articles?_size=x").status_code == 400  # errors are not kept
        assert client.get("/api/articles?_size=x").status_code == 400
