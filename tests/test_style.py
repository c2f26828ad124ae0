"""The code is formatted and linted as pyproject.toml says ([tool.ruff]): CI runs this with the suite."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "tests", "benchmarks", "scripts", "fuzz"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is a test dependency: pip install -e '.[test]'"
    return subprocess.run([ruff, *args, *CHECKED], cwd=ROOT, capture_output=True, text=True)


def test_the_code_is_formatted():
    result = _ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr + "\nrun: ruff format " + " ".join(CHECKED)


def test_the_code_passes_the_linter():
    result = _ruff("check")
    assert result.returncode == 0, result.stdout + result.stderr
