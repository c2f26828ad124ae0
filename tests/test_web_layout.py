"""The web package's layout: no import circle among its modules, and no SQL outside ``store/``."""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "dyads"
SQL = re.compile(r"\bSELECT\b[^\n]*\bFROM\b|\bWHERE\b [^\n]*= \?|\b[a-z]\.\w+ (?:>=|<=|=) \?|information_schema")


def _imports(path: Path) -> set[str]:
    """The dyads modules ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dyads"):
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("dyads")}
    return found


def test_no_import_circle_in_the_web_package():
    modules = {f"dyads.web.{p.stem}": p for p in (SRC / "web").glob("*.py") if p.stem != "__init__"}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start])

    circles = [name for name in graph if reaches(name, name, {name})]
    assert not circles, f"import circle through {circles}"
    assert graph["dyads.web.app"], "the factory imports the routes; nothing imports it back"
    assert not any("dyads.web.app" in deps for deps in graph.values())


def test_no_sql_outside_the_store():
    for path in SRC.rglob("*.py"):
        if "store" in path.relative_to(SRC).parts or path.name == "sql.py":
            continue  # store/ owns the SQL; `dyads sql` passes the user's own query through
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL.search(node.value), f"SQL in {path.relative_to(SRC)}: {node.value[:60]!r}"
