"""Settings: defaults < ``DYADS_*`` environment variables < command-line flags.

>>> Settings.load(env={"DYADS_BATCH_SIZE": "8"}).batch_size
8
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path

from dyads.errors import SettingsError

DEFAULT_DB = "dyads.duckdb"
QUOTE_MODES = ("rules", "tagged")


@dataclass(frozen=True)
class Settings:
    """Every tunable of dyads, with its default.

    Attributes:
        db: the DuckDB file to read and write.
        batch_size: articles per ``nlp.pipe`` batch (and per task of a worker process).
        commit_every: articles an ingest writes per transaction at least, in whole
            batches, while no reader waits for the database (then each batch commits as
            it is done). Each INSERT costs DuckDB 5-9 ms whatever its rows, so a commit per
            32 articles cost ~4.7 ms an article (~7% of the NLP) and one per 128 ~2.6; a
            run killed meanwhile loses the NLP of at most this many, which a rerun redoes.
        max_file_mb: largest single-article file (text, HTML) read; larger files are
            skipped with a reason. JSONL and CSV files stream and have no file limit.
        max_article_chars: longest article text processed; longer ones are skipped.
        max_sentences: most sentences per article; a longer one is skipped, since
            such a "story" is nearly always a dump of many pages.
        workers: processes that run the NLP of ``dyads ingest`` (1: in the main process).
        lock_timeout: seconds any command (and each dashboard request) waits while another
            process holds the database, e.g. an ingest writing a batch, before it gives up.
        article_timeout: seconds a worker process may spend on one article (a batch's parse
            counts once for all its articles) before it is killed and replaced and the article
            recorded as a failure; 0 runs the NLP of one worker in the ingest's own process,
            unbounded. Real news takes ~0.03 s an article and a 60,000-word story 15-20 s, run-on
            or not (benchmarks/runon.py: ~0.3 s per 1,000 words), so 60 s stops only what is
            several times the longest story.
        article_memory_mb: resident memory a worker process may hold while it analyzes; one
            over it is killed and replaced and its article recorded as a failure. A worker
            holds ~500 MB with the model loaded (benchmarks/throughput.py), so 2,000 MB leaves
            room for stories several times the longest.
        quotes: how the quotes stage runs: "rules" (its cues and attribution model) or
            "tagged" (beside the quote tagger, ``dyads[tagger]``: more quotes found, at
            several times the NLP's cost; see ``dyads.tagger``).
    """

    db: str = DEFAULT_DB
    batch_size: int = 32
    commit_every: int = 128
    max_file_mb: float = 10.0
    max_article_chars: int = 500_000
    max_sentences: int = 5_000
    workers: int = 1
    lock_timeout: float = 60.0
    article_timeout: float = 60.0
    article_memory_mb: float = 2000.0
    quotes: str = "rules"

    @classmethod
    def load(cls, env: dict[str, str] | None = None, **flags) -> "Settings":
        """Defaults, overridden by ``DYADS_<NAME>`` variables, overridden by non-None flags."""
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(f"DYADS_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _convert(f"DYADS_{f.name.upper()}", raw, type(getattr(cls, f.name)))
        values.update({k: v for k, v in flags.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        for name in (
            "batch_size",
            "commit_every",
            "max_file_mb",
            "max_article_chars",
            "max_sentences",
            "workers",
            "lock_timeout",
            "article_memory_mb",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive, got {getattr(self, name)}")
        if self.article_timeout < 0:
            raise SettingsError(
                f"article_timeout must be 0 (no budget) or positive, got {self.article_timeout} "
                "(--article-timeout or DYADS_ARTICLE_TIMEOUT)"
            )
        if self.quotes not in QUOTE_MODES:
            raise SettingsError(
                f"quotes must be one of {', '.join(QUOTE_MODES)}, got {self.quotes!r} (--quotes or DYADS_QUOTES)"
            )

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def db_path(self) -> Path:
        return Path(self.db)

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)


def _convert(name: str, raw: str, kind: type):
    try:
        return kind(raw)
    except ValueError as e:
        raise SettingsError(f"{name}={raw!r} is not a valid {kind.__name__}") from e
