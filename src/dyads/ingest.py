"""Read inputs, run the pipeline and store the results: the main job of dyads.

    >>> import tempfile, os
    >>> from dyads.config import Settings
    >>> from dyads.store import Store
    >>> from dyads.samples import sample_path
    >>> db = os.path.join(tempfile.mkdtemp(), "t.duckdb")
    >>> with Store.open(db) as store:
    ...     ingest([str(sample_path())], store=store, settings=Settings()).line()
    '1 ingested, 0 duplicates, 0 skipped'

Inputs stream through in batches: reading, duplicate checks and writing
happen here, in the one process that writes the database; the NLP runs in
``settings.workers`` worker processes, each article within its budget
(``settings.article_timeout``, ``settings.article_memory_mb``): one over it is a
failure with the reason, and the ingest goes on (see ``dyads.workers``). With
``article_timeout`` 0 and one worker, the NLP runs here, unbounded.

Analyzed batches are written together, in one transaction, once they hold
``settings.commit_every`` articles; while a reader waits for the database
(``dyads serve``, ``dyads articles`` ...), each batch is written as soon as it
is analyzed, so the reader sees the articles come in.

Given a ``StoreFile`` (as ``dyads ingest`` does), the database is used in
sessions: one for the duplicate check of the next ``CHECK_AHEAD_ARTICLES``
inputs, one per write. The file stays open between them unless a reader waits
for it; then, while the NLP runs, ``dyads serve`` and other readers have it
(see ``dyads.store.live``). Given an open ``Store``, every session uses it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from dyads import dedup
from dyads import nlp as nlp_module
from dyads import tagger as tagger_module
from dyads.config import Settings
from dyads.pipeline import COMPONENTS, linking
from dyads.readers import read_inputs
from dyads.records import Analysis, Article, Failure, IngestSummary, Notice, Unread
from dyads.store import Store
from dyads.store.live import OpenStore, StoreFile, sessions
from dyads.workers import Budget, analyze_batches

log = logging.getLogger(__name__)

# Articles whose duplicate check shares one read-only session. A session (open and close)
# costs 50-100 ms on a busy 2-core machine, flat from 20,000 to 400,000 stored articles
# (benchmarks/sessions.py); one per 256 articles is a few ms a batch of 32. The articles
# read ahead wait in memory meanwhile: a few hundred kB of typical news.
CHECK_AHEAD_ARTICLES = 256


@dataclass
class Batch:
    """One batch of inputs: the articles to analyze and the inputs that failed.

    ``size`` counts the inputs it covers (for progress), ``ids`` the article
    ids handed out for analysis and not yet stored.
    """

    size: int
    articles: list[Article]
    failures: list[Failure] = field(default_factory=list)
    # (stored or pending article id, fields) a later copy of its story fills in
    fills: list[tuple[str, dict]] = field(default_factory=list)
    # (key, kind, stored or pending article id): a later copy's keys (``dyads.dedup``), so a
    # third copy is found through whichever copy it is most like
    keys: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ids(self) -> set[str]:
        return {a.id for a in self.articles}


def ingest(
    specs: Iterable[str],
    *,
    store: Store | StoreFile,
    settings: Settings,
    reference: dt.date | None = None,
    on_progress: Callable[[int], None] | None = None,
    command: str = "ingest",
    collect_ids: bool = True,
    items: Iterable[Article | Failure] | None = None,
    check_ahead: int = CHECK_AHEAD_ARTICLES,
) -> IngestSummary:
    """Store every article the inputs hold; skip those already stored.

    Each batch of ``settings.batch_size`` articles commits in one transaction
    with its failures, so an interrupted run keeps every finished batch and a
    rerun picks up where it stopped.

    Args:
        specs: files, folders, globs, URLs, or ``-`` for stdin.
        store: an open Store, or a StoreFile to open for a short session per batch.
        reference: date that tells the year of datelines without one (``--date``).
        on_progress: called with the number of inputs done after each batch.
        collect_ids: list every article id in the summary (memory grows with the input).
        items: articles (and failures) read already, ingested instead of ``specs``
            (``dyads watch`` reads the pages it fetched itself).
        check_ahead: inputs read ahead for one duplicate check; the NLP of one group waits for
            the reading of all of it (``dyads watch`` reads a batch ahead: its reading is a
            fetch a page, slower than a file's, and overlaps the NLP of the batch before).
    """
    summary = IngestSummary()
    model = model_description(settings.quotes)  # fails here, before any write, without dyads[tagger]
    db = sessions(store)
    with db.writing() as session:
        run_id = session.start_run(command, model=model)
    summary.run_id = run_id
    pending = dedup.StoryIndex()  # stories handed to the NLP and not yet stored
    batches = plan_batches(
        specs,
        store=db,
        settings=settings,
        reference=reference,
        summary=summary,
        pending=pending,
        size=settings.batch_size,
        collect_ids=collect_ids,
        items=items,
        check_ahead=check_ahead,
    )
    done = analyze_batches(
        ((b, b.articles) for b in batches),
        workers=settings.workers,
        batch_size=settings.batch_size,
        quotes=settings.quotes,
        budget=Budget.of(settings),
    )
    group: list[tuple[Batch, list[Analysis]]] = []  # analyzed, not yet written
    for batch, analyses, over_budget in done:
        batch.failures += over_budget
        group.append((batch, analyses))
        if on_progress:
            on_progress(batch.size)
        if sum(len(b.articles) for b, _ in group) >= settings.commit_every or db.readers_waiting():
            batch, analyses = joined(group)
            write_batch(batch, analyses, store=db, settings=settings, run_id=run_id, summary=summary)
            pending -= batch.ids
            group = []
    if group:
        write_batch(*joined(group), store=db, settings=settings, run_id=run_id, summary=summary)
    with db.writing() as session:
        session.finish_run(run_id, summary)
    return summary


def model_description(quotes: str = "rules") -> str:
    """The model and the components the stages use, and the quote tagger if it runs, for
    the ``runs`` table."""
    components = sorted(set(itertools.chain.from_iterable(COMPONENTS.values())))
    described = f"{nlp_module.model_version()} [{', '.join(components)}]"
    return described + (f" + {tagger_module.version()}" if quotes == "tagged" else "")


def plan_batches(
    specs: Iterable[str],
    *,
    store: StoreFile | OpenStore | None,
    settings: Settings,
    reference: dt.date | None,
    summary: IngestSummary,
    pending: dedup.StoryIndex,
    size: int,
    collect_ids: bool = True,
    items: Iterable | None = None,
    check_ahead: int = CHECK_AHEAD_ARTICLES,
) -> Iterator[Batch]:
    """Read the inputs lazily into batches of new articles, each with its failures.

    A story stored already (in ``store``, if given), in ``pending`` or earlier in this
    batch, in any format (``dyads.dedup``), counts as a duplicate, and fills in the fields
    the first copy lacks; the new ones are added to ``pending``. The stored ones are looked
    up for ``CHECK_AHEAD_ARTICLES`` at a time, in one read-only session, so the inputs are
    read that far ahead.
    """
    if items is None:
        items = read_inputs(specs, settings=settings, reference=reference)
    items = _noting_aside(items, summary)
    for group in batched(batched(items, size), max(1, check_ahead // size)):
        split = [_split(chunk, settings) for chunk in group]
        stored = _stored_repeats([a for articles, _ in split for a in articles], store)
        # All of the group at once: once a batch is written its ids leave ``pending``, and
        # ``stored`` predates the write, so a later check would miss a repeat of them.
        planned = []
        for chunk, (articles, failures) in zip(group, split):
            batch = Batch(len(chunk), [], failures)
            batch.articles = _new_articles(articles, stored, summary, pending, batch, collect_ids=collect_ids)
            planned.append(batch)
        yield from planned


def write_batch(
    batch: Batch,
    analyses: list[Analysis],
    *,
    store: StoreFile | OpenStore,
    settings: Settings,
    run_id: str,
    summary: IngestSummary,
) -> None:
    """Store a batch's analyses in one transaction, and its failures, in one session; count both."""
    kept, too_long = within_sentence_limit(analyses, settings)
    failures = batch.failures + too_long
    if not kept and not failures and not batch.fills:  # all duplicates (a rerun): no session
        count_batch(0, [], store=None, run_id=run_id, summary=summary)
        return
    with store.writing() as session:
        stored = session.write(_link_people(kept, session), run_id=run_id)
        # After the inserts: a fill may be for one of them.
        summary.updated += session.fill_articles(batch.fills, keys=batch.keys)
        count_batch(stored, failures, store=session, run_id=run_id, summary=summary)


def joined(group: list[tuple[Batch, list[Analysis]]]) -> tuple[Batch, list[Analysis]]:
    """Analyzed batches as one, to write in one transaction."""
    batches = [batch for batch, _ in group]
    return (
        Batch(
            sum(b.size for b in batches),
            [a for b in batches for a in b.articles],
            [f for b in batches for f in b.failures],
            [f for b in batches for f in b.fills],
            [k for b in batches for k in b.keys],
        ),
        [analysis for _, analyses in group for analysis in analyses],
    )


def within_sentence_limit(analyses: list[Analysis], settings: Settings) -> tuple[list[Analysis], list[Failure]]:
    """The analyses within ``settings.max_sentences``, and a Failure for each other one."""
    kept, failures = [], []
    for analysis in analyses:
        if len(analysis.sentences) > settings.max_sentences:
            failures.append(
                Failure(
                    analysis.article.origin,
                    f"{len(analysis.sentences):,} sentences, over the "
                    f"{settings.max_sentences:,} limit; raise --max-sentences",
                )
            )
        else:
            kept.append(analysis)
    return kept, failures


def count_batch(
    stored: int, failures: list[Failure], *, store: Store | None, run_id: str | None, summary: IngestSummary
) -> None:
    """Record a stored batch's failures (in the database too, given one) and count both."""
    summary.ingested += stored
    if store is not None:
        store.record_failures(run_id, failures)
    for failure in failures:
        log.info("skipped %s: %s", failure.origin, failure.reason)  # the CLI prints each one
    summary.failures += failures
    summary.skipped += len(failures)
    log.info("committed %d new articles, %d skipped", stored, len(failures))


def _noting_aside(items: Iterable, summary: IngestSummary) -> Iterator:
    """The inputs' articles and failures; the files no reader takes go to ``summary.unread``,
    the warnings about records read to ``summary.notices``."""
    for item in items:
        if isinstance(item, Unread):
            summary.unread.append(item)
            log.debug("not read %s: %s", item.origin, item.reason)
        elif isinstance(item, Notice):
            summary.notices.append(item)
            log.debug("note %s: %s", item.origin, item.reason)
        else:
            yield item


def batched(items: Iterable, size: int) -> Iterator[list]:
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
            failures.append(
                Failure(
                    article.origin,
                    f"article is {size:,} characters, over the "
                    f"{settings.max_article_chars:,} limit; raise --max-article-chars",
                )
            )
        else:
            kept.append(article)
    return kept


def _split(chunk: list, settings: Settings) -> tuple[list[Article], list[Failure]]:
    """A chunk's articles within the limits, and its failures (those too long included)."""
    failures = [item for item in chunk if isinstance(item, Failure)]
    return _within_limits([a for a in chunk if isinstance(a, Article)], settings, failures), failures


def _stored_repeats(articles: list[Article], store: StoreFile | OpenStore | None) -> dict[str, tuple[str, dict]]:
    """Those articles whose story is stored already, looked up in one read-only session:
    article id -> (stored id, the stored row's fillable fields)."""
    if store is None or not articles:
        return {}
    with store.reading() as session:
        found = dedup.repeats(articles, session)
        fields = session.article_fields(found.values(), dedup.FILLABLE_FIELDS)
    return {articles[i].id: (stored_id, fields.get(stored_id, {})) for i, stored_id in found.items()}


def _new_articles(
    articles: list[Article],
    stored: dict[str, tuple[str, dict]],
    summary: IngestSummary,
    pending: dedup.StoryIndex,
    batch: Batch,
    *,
    collect_ids: bool,
) -> list[Article]:
    """Articles whose story is neither stored, pending nor earlier in the batch; counts the
    rest as duplicates, and adds to the batch's ``fills`` what each repeat gives that the
    first copy lacks, and to its ``keys`` the repeat's keys."""
    fresh = []
    for article in articles:
        match = stored.get(article.id)
        if match is None:
            found = dedup.repeats([article], pending)
            if found:
                match = (found[0], pending.article_fields([found[0]])[found[0]])
        if collect_ids:
            summary.article_ids.append(match[0] if match else article.id)
        if match is None:
            pending.add(article)
            fresh.append(article)
            continue
        summary.duplicates += 1
        stored_id, fields = match
        rows = dedup.key_rows(article)
        known = pending.articles_by_key(key for key, _ in rows)
        batch.keys += [
            (key, kind, stored_id) for key, kind in rows if stored_id not in known.get(key, ())
        ]  # a stored story's: the store drops known ones
        pending.add_keys(stored_id, article)
        filled = dedup.fills(fields, article)
        if filled:
            batch.fills.append((stored_id, filled))
            fields.update(filled)  # a third copy fills only what is still missing
            pending.note_fills(stored_id, filled)
    return fresh
