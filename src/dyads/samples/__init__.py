"""Sample stories written by the dyads authors, bundled for ``dyads demo`` and tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE = "indonesia-norway-energy.txt"


def sample_path(name: str = SAMPLE) -> Path:
    """Path of a bundled sample story."""
    return Path(str(resources.files("dyads.samples").joinpath(name)))
