"""Read inputs, run the pipeline and store the results: the main job of dyads.

    >>> import tempfile, os
    >>> from dyads.config import Settings
    >>> from dyads.store import Store
    >>> from dyads.samples import sample_path
    >>> db = os.path.join(tempfile.mkdtemp(), "t.duckdb")
    >>> with Store.open(db) as store:
    ...     ingest([str(sample_path())], store=store, settings=Settings()).line()
    '1 ingested, 0 duplicates, 0 skipped'
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable

from dyads import nlp as nlp_module
from dyads.config import Settings
from dyads.pipeline import analyze_all, linking
from dyads.readers import read_inputs
from dyads.records import Article, Failure, IngestSummary
from dyads.store import Store

log = logging.getLogger(__name__)


def ingest(
    specs: Iterable[str],
    *,
    store: Store,
    settings: Settings,
    reference: dt.date | None = None,
    on_progress: Callable[[int], None] | None = None,
    command: str = "ingest",
) -> IngestSummary:
    """Store every article the inputs hold; skip those already stored.

    Each batch of ``settings.batch_size`` articles commits in one transaction
    with its failures, so an interrupted run keeps every finished batch and a
    rerun picks up where it stopped.

    Args:
        specs: files, folders, globs, URLs, or ``-`` for stdin.
        reference: date that tells the year of datelines without one (``--date``).
        on_progress: called with the number of inputs done after each batch.
    """
    nlp = nlp_module.load()
    summary = IngestSummary()
    run_id = store.start_run(command, model=nlp_module.model_version())
    items = read_inputs(specs, settings=settings, reference=reference)
    for batch in batched(items, settings.batch_size):
        failures = [item for item in batch if isinstance(item, Failure)]
        articles = _within_limits([a for a in batch if isinstance(a, Article)], settings, failures)
        fresh = _new_articles(articles, store, summary)
        analyses = []
        for analysis in analyze_all(fresh, nlp=nlp, batch_size=settings.batch_size):
            if len(analysis.sentences) > settings.max_sentences:
                failures.append(Failure(analysis.article.origin,
                                        f"{len(analysis.sentences):,} sentences, over the "
                                        f"{settings.max_sentences:,} limit; raise --max-sentences"))
            else:
                analyses.append(analysis)
        analyses = _link_people(analyses, store)
        summary.ingested += store.write(analyses, run_id=run_id)
        store.record_failures(run_id, failures)
        for failure in failures:
            log.warning("skipped %s: %s", failure.origin, failure.reason)
        summary.failures += failures
        summary.skipped += len(failures)
        if on_progress:
            on_progress(len(batch))
    store.finish_run(run_id, summary)
    return summary


def batched(items: Iterable, size: int) -> Iterable[list]:
    """Lists of ``size`` items (the last may be shorter); itertools.batched is Python 3.12+."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _link_people(analyses: list, store: Store) -> list:
    """One-name people join the full-name person of that surname in this batch or the store."""
    known = store.people_by_surname(linking.surnames(analyses))
    for surname, people in linking.full_names(analyses).items():
        known.setdefault(surname, {}).update(people)
    return linking.link_people(analyses, known=known)


def _within_limits(articles: list[Article], settings: Settings, failures: list[Failure]) -> list[Article]:
    kept = []
    for article in articles:
        size = len(article.text)
        if size > settings.max_article_chars:
            failures.append(Failure(article.origin, f"article is {size:,} characters, over the "
                                    f"{settings.max_article_chars:,} limit; raise --max-article-chars"))
        else:
            kept.append(article)
    return kept


def _new_articles(articles: list[Article], store: Store, summary: IngestSummary) -> list[Article]:
    """Articles neither stored nor repeated earlier in the batch; counts the rest as duplicates."""
    seen = store.known_ids(a.id for a in articles)
    fresh = []
    for article in articles:
        summary.article_ids.append(article.id)
        if article.id in seen:
            summary.duplicates += 1
        else:
            seen.add(article.id)
            fresh.append(article)
    return fresh
