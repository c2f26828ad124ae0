from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def test_quickstart_has_two_commands_and_ci_runs_the_test_one():
    install_and_demo, test = quickstart()
    assert install_and_demo.endswith("dyads demo")
    assert test in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
