"""Convert the reference tables in ../shared/ref into the versioned data files dyads loads.

Run once when the references change; the outputs are committed:

    python scripts/build_ref_tables.py ../shared/ref src/dyads/data

Writes ``plover-types.tsv``, ``plover-modes.tsv`` (PLOVER manual draft 2.0),
``cameo-codes.tsv`` (CAMEO codes, GDELT Goldstein values and quad classes) and
``cameo-plover.tsv`` (the CAMEO2PLOVER 2021 crosswalk).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

QUADS = {"V-coop": 1, "M-coop": 2, "V-conf": 3, "M-conf": 4}
# The manual's score table prints ACCUSE as "3": a typo for -3 (the earlier
# weighted-average table gives -2.0 and every other verbal-conflict type is negative).
TYPE_SCORE_FIXES = {"ACCUSE": -3.0}
# SANCTION's quad is M-conf in its own section and V-conf in the quad table; the
# section (material reductions of relations) is taken.
QUAD_FIXES = {"SANCTION": 4}


def number(text: str) -> float:
    return float(text.replace("−", "-").replace("+", "").strip())


def plover_rows(md: str) -> tuple[list[str], list[str]]:
    types, modes = [], []
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not re.fullmatch(r"[A-Z]+", cells[0]):
            continue
        name, definition, quad, required, mode_text, score = cells
        quad_class = QUAD_FIXES.get(name) or next(v for k, v in QUADS.items() if quad.startswith(k))
        type_score = TYPE_SCORE_FIXES.get(name)
        if type_score is None:
            type_score = number(re.search(r"[−+\-]?\d+(?:\.\d+)?", score).group())
        required_flag = "yes" if required.lower().lstrip("*").startswith("yes") else "no"
        types.append(f"{name}\t{quad_class}\t{required_flag}\t{type_score}\t{definition}")
        for mode, value in re.findall(r"([a-z][a-z\-]*) \(([^)]*)\)", mode_text):
            modes.append(f"{name}\t{mode}\t{'' if value == '—' else number(value)}")
    return types, modes


def cameo_rows(md: str) -> list[str]:
    rows = []
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not re.fullmatch(r"\d{2,4}", cells[0]):
            continue
        code, name, goldstein, quad = cells[0], cells[1], cells[2], cells[4]
        name = name.replace("Ã", "'").replace("  ", " ")
        rows.append(f"{code}\t{code[:2]}\t{number(goldstein)}\t{int(quad)}\t{name}")
    return rows


def crosswalk_rows(txt: str) -> list[str]:
    rows, seen = [], set()
    for line in txt.splitlines():
        match = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*))?(?:,([^#]*))?", line)
        if not match:
            continue
        code, plover, mode, contexts = match.groups()
        if code in seen:  # "08" appears as CONCEDE and RETREAT, 175 twice: the first stays
            continue
        seen.add(code)
        mode = (mode or "").strip()
        contexts = ";".join(c.strip() for c in (contexts or "").split(";") if c.strip())
        rows.append(f"{code}\t{plover}\t{mode}\t{contexts}")
    return rows


def main(ref: Path, out: Path) -> None:
    source = "# source: ../shared/ref (openeventdata/PLOVER manual draft 2.0 @5e0c24f; GDELT CAMEO lookups; CAMEO2PLOVER 2021)\n"
    types, modes = plover_rows((ref / "plover-types.md").read_text("utf-8"))
    (out / "plover-types.tsv").write_text(
        "# PLOVER event types, version 2.0-draft\n"
        + source
        + "type\tquad_class\trecipient_required\tscore\tdefinition\n"
        + "\n".join(types)
        + "\n",
        "utf-8",
    )
    (out / "plover-modes.tsv").write_text(
        "# PLOVER modes and their scores, version 2.0-draft\n"
        + source
        + "type\tmode\tscore\n"
        + "\n".join(modes)
        + "\n",
        "utf-8",
    )
    (out / "cameo-codes.tsv").write_text(
        "# CAMEO event codes with GDELT Goldstein values and quad classes, version 1.1b3\n"
        + source
        + "code\troot\tgoldstein\tquad_class\tname\n"
        + "\n".join(cameo_rows((ref / "cameo-codes.md").read_text("utf-8")))
        + "\n",
        "utf-8",
    )
    (out / "cameo-plover.tsv").write_text(
        "# CAMEO to PLOVER crosswalk, CAMEO2PLOVER 2021-09-17\n"
        + source
        + "code\ttype\tmode\tcontexts\n"
        + "\n".join(crosswalk_rows((ref / "cameo-to-plover-2021.txt").read_text("utf-8")))
        + "\n",
        "utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
