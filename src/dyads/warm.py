"""Imported by the fork server of ``dyads.workers``: the pipeline, loaded and run once.

Every worker process forks from that server, so it starts with the model, the
lexicon matcher and the gazetteer in place (shared, copy-on-write) rather than
importing and building them again.
"""

from dyads.pipeline import analyze_batch, load_nlp
from dyads.records import Article

analyze_batch(
    [
        Article(
            headline="Envoys meet",
            paragraphs=("Kenya's foreign minister met Peru's envoy in Lima, officials said.",),
            origin="warm-up",
        )
    ],
    nlp=load_nlp(),
)

import gc  # noqa: E402

# What the server holds now (the model, lexicons, matchers) lives as long as every worker: out
# of the collector's sight, a worker's collections do not walk it, nor copy its pages.
gc.freeze()
