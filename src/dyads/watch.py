"""Follow feeds and sitemaps: fetch each new item's page once and ingest it (``dyads watch``).

A poll takes each source in turn: it asks with the validators stored from its last
answer (a 304 is "unchanged"), reads the answer as an RSS/Atom feed (feedparser) or a
sitemap (``urlset``; a ``sitemapindex`` adds its sitemaps to the poll), and hands
the items it has not seen to the usual ingest (``dyads.ingest``), which stores each
story once, however many feeds carry it. Pages are fetched politely (``dyads.fetch``).

The state lives in the store (migration 0012): a source's validators are saved only
once its new items are stored and recorded in ``watch_items``, so a poll stopped
midway asks for the whole feed again and fetches only the items it had not reached.
An item stored but not yet recorded (a kill between the two writes) is fetched again
on the rerun and found a duplicate by the ingest: stored once still.

Every bad source or page is a ``failures`` row with its reason; the poll goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import feedparser
from lxml import etree

from dyads import dedup
from dyads.config import Settings
from dyads.errors import InputError
from dyads.fetch import Fetcher
from dyads.records import Article, Failure, IngestSummary
from dyads.store.live import StoreFile

log = logging.getLogger(__name__)

# Most items taken from one answer of a source, the first listed (newest, in feeds): a feed
# or sitemap of 10,000 items should not make one poll fetch for hours at a polite delay; the
# rest are taken at later polls, as they are still unseen.
MAX_ITEMS_PER_POLL = 200
# Pages fetched, then analyzed and stored, at a time, across the poll's sources: a killed
# watch fetches at most this many again (and stores none twice). Each chunk is an ingest run
# with its own worker process, so fewer, larger chunks cost less: watching 50 local feeds of
# 20 pages took beyond `dyads ingest` of the same pages (benchmarks/watch.py, 2 busy cores)
# 100% more at 20 a run (one per feed), 18-21% at 128, 14.5% at 256.
ITEMS_PER_INGEST = 256
# Most sitemaps a sitemap index (or feeds a home page) adds to one poll.
MAX_CHILD_SITEMAPS = 50
# Types of the feeds a home page's <link rel="alternate"> tags announce.
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+xml", "application/xml", "text/xml")
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass(frozen=True)
class Item:
    """One entry of a source: the page to fetch."""

    url: str
    title: str | None = None


@dataclass(frozen=True)
class Listing:
    """A source's answer read: its kind (rss, atom, sitemap, sitemapindex), outlet and items."""

    kind: str
    outlet: str | None
    items: tuple[Item, ...]
    follow: tuple[str, ...] = ()  # sources to poll next: a sitemap index's sitemaps, a page's feeds


@dataclass
class SourceResult:
    """What one source gave in a poll."""

    url: str
    status: str  # new, unchanged, failed, waiting, stopped
    new: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    reason: str | None = None

    def line(self) -> str:
        if self.status == "unchanged":
            return f"{self.url}: unchanged"
        if self.status in ("failed", "waiting"):
            return f"{self.url}: {self.status}: {self.reason}"
        text = (
            f"{self.url}: {self.new} new ({self.stored} stored, {self.duplicates} already stored), {self.failed} failed"
        )
        return text + (" (stopped)" if self.status == "stopped" else "")


@dataclass
class PollSummary:
    results: list[SourceResult] = field(default_factory=list)

    def line(self) -> str:
        count = {s: sum(r.status == s for r in self.results) for s in ("unchanged", "failed", "waiting")}
        return (
            f"{sum(r.new for r in self.results)} new items, {sum(r.stored for r in self.results)} stored, "
            f"{sum(r.failed for r in self.results)} items failed; sources: {count['unchanged']} unchanged, "
            f"{count['failed']} failed, {count['waiting']} waiting"
        )


def read_listing(body: bytes, *, url: str) -> Listing:
    """A feed's or sitemap's items.

    Raises:
        InputError: the answer is neither a feed nor a sitemap, or is malformed.

        >>> read_listing(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        ...              b'<url><loc>/a.html</loc></url></urlset>', url="http://x.test/s.xml").items
        (Item(url='http://x.test/a.html', title=None),)
    """
    head = body.lstrip()[:2048]
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _read_sitemap(body, url=url)
    if head.lower().startswith((b"<!doctype html", b"<html")):
        return _discover_feeds(body, url=url)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise InputError(
            url, f"malformed feed ({parsed.bozo_exception}); check the address gives RSS, Atom or a sitemap"
        )
    if not parsed.version and not parsed.entries:
        raise InputError(url, "neither an RSS/Atom feed nor a sitemap; give a feed's or sitemap's address")
    items = tuple(Item(urllib.parse.urljoin(url, e.link), e.get("title")) for e in parsed.entries if e.get("link"))
    return Listing(parsed.version or "feed", parsed.feed.get("title") or None, items)


def _discover_feeds(body: bytes, *, url: str) -> Listing:
    """A site's page: the feeds its ``<link rel="alternate">`` tags name, polled next."""
    from lxml import html

    try:
        doc = html.document_fromstring(body)
    except (etree.ParserError, ValueError) as e:
        raise InputError(url, f"an HTML page that cannot be parsed ({e}); give a feed's or sitemap's address") from e
    feeds = [
        urllib.parse.urljoin(url, link.get("href"))
        for link in doc.iter("link")
        if "alternate" in (link.get("rel") or "").lower().split()
        and link.get("href")
        and (link.get("type") or "").lower() in FEED_TYPES
    ]
    if not feeds:
        raise InputError(
            url,
            "an HTML page that links no feed, neither an RSS/Atom feed nor a sitemap; "
            "give a feed's or sitemap's address",
        )
    return Listing("page", None, (), tuple(dict.fromkeys(feeds))[:MAX_CHILD_SITEMAPS])


def _read_sitemap(body: bytes, *, url: str) -> Listing:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as e:
        raise InputError(url, f"malformed sitemap ({e}); check the address gives a sitemap") from e
    locs = [
        (urllib.parse.urljoin(url, (loc.text or "").strip()), node)
        for node in root
        for loc in node.iter(f"{_SITEMAP_NS}loc", "loc")
        if (loc.text or "").strip()
    ]
    if etree.QName(root).localname == "sitemapindex":
        return Listing("sitemapindex", None, (), tuple(u for u, _ in locs[:MAX_CHILD_SITEMAPS]))
    items = []
    for loc, node in locs:
        title = node.findtext(f"{_NEWS_NS}news/{_NEWS_NS}title")
        items.append(Item(loc, title.strip() if title else None))
    return Listing("sitemap", None, tuple(items))


@dataclass
class _Planned:
    """A source read in this poll, with the unseen items to fetch."""

    url: str
    listing: Listing
    etag: str | None
    last_modified: str | None
    fresh: list[Item]
    result: SourceResult
    left: int = 0  # of ``fresh``, not yet recorded
    # pages whose fetch failed in a way that may pass (5xx, 429, no answer): not recorded as
    # seen, and the source's validators not saved, so the next poll reads it whole and retries them
    retry: set[str] = field(default_factory=set)


def poll(
    sources: list[str],
    *,
    store: StoreFile,
    settings: Settings,
    fetcher: Fetcher,
    on_result: Callable[[SourceResult], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> PollSummary:
    """Poll each source once, then ingest the new items of all (see the module docstring).

    The sources are read first; their unseen items are then fetched, analyzed and stored
    ``ITEMS_PER_INGEST`` at a time, each chunk one ingest run, and recorded. A source's
    validators are saved once all its items are recorded. ``on_progress`` is called with the
    items done in the last batch and the new items of the poll.
    """
    summary = PollSummary()
    with store.writing() as session:
        run_id = session.start_run("watch", model=None)
    planned = _read_sources(sources, store=store, fetcher=fetcher, run_id=run_id, summary=summary, on_result=on_result)
    _ingest_planned(planned, store=store, settings=settings, fetcher=fetcher, on_progress=on_progress)
    for plan in planned:
        if plan.left:
            plan.result.status = "stopped"
        summary.results.append(plan.result)
        if on_result:
            on_result(plan.result)
    with store.writing() as session:
        session.finish_run(
            run_id,
            IngestSummary(
                ingested=sum(r.stored for r in summary.results), skipped=sum(r.failed for r in summary.results)
            ),
        )
    return summary


def _read_sources(
    sources: list[str], *, store: StoreFile, fetcher: Fetcher, run_id: str, summary: PollSummary, on_result
) -> list[_Planned]:
    """Each source asked and read (with the sources a sitemap index or page adds); those that
    failed, wait or are unchanged go to ``summary``, the others come back with their new items."""
    queue, done, planned, claimed = list(dict.fromkeys(sources)), set(), [], set()
    while queue and not fetcher.stop.is_set():
        url = queue.pop(0)
        if url in done:
            continue
        done.add(url)
        read = _read_source(url, store=store, fetcher=fetcher, run_id=run_id)
        if isinstance(read, SourceResult):
            summary.results.append(read)
            if on_result:
                on_result(read)
            continue
        listing, response = read
        queue += list(listing.follow)
        items = list({i.url: i for i in reversed(listing.items[:MAX_ITEMS_PER_POLL])}.values())[::-1]
        with store.reading() as session:
            seen = session.seen_item_urls(i.url for i in items)
        fresh = [i for i in items if i.url not in seen and i.url not in claimed]  # one fetch per poll
        claimed.update(i.url for i in fresh)
        plan = _Planned(
            url,
            listing,
            response.etag,
            response.last_modified,
            fresh,
            SourceResult(url, "new", new=len(fresh)),
            left=len(fresh),
        )
        planned.append(plan)
        if not fresh:
            _save_read(plan, store=store)
    return planned


def _read_source(url: str, *, store: StoreFile, fetcher: Fetcher, run_id: str):
    """(listing, response) of a source, or the SourceResult of one unchanged, failed or waiting."""
    with store.reading() as session:
        state = session.watch_source(url) or {}
    if state.get("retry_at") and state["retry_at"] > _utcnow():
        return SourceResult(
            url, "waiting", reason=f"the host asked to wait until {state['retry_at']:%Y-%m-%d %H:%M:%S} UTC"
        )
    response = fetcher.get(url, etag=state.get("etag"), last_modified=state.get("last_modified"))
    if response.status == 304:
        with store.writing() as session:
            session.save_watch_source(
                url, _utcnow(), polled_at=_utcnow(), status="unchanged", error=None, retry_at=None
            )
        return SourceResult(url, "unchanged")
    try:
        if response.error:
            raise InputError(url, response.error)
        return read_listing(response.body, url=url), response
    except InputError as e:
        with store.writing() as session:
            session.record_failures(run_id, [Failure(url, e.reason)])
            session.save_watch_source(
                url, _utcnow(), polled_at=_utcnow(), status="failed", error=e.reason, retry_at=response.retry_at
            )
        return SourceResult(url, "failed", reason=e.reason)


def _save_read(plan: _Planned, *, store: StoreFile) -> None:
    """A source's validators, once every new item it listed is recorded."""
    with store.writing() as session:
        session.save_watch_source(
            plan.url,
            _utcnow(),
            kind=plan.listing.kind,
            outlet=plan.listing.outlet,
            etag=plan.etag,
            last_modified=plan.last_modified,
            polled_at=_utcnow(),
            status="ok",
            error=None,
            retry_at=None,
        )


def _ingest_planned(
    planned: list[_Planned],
    *,
    store: StoreFile,
    settings: Settings,
    fetcher: Fetcher,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Fetch the planned items, ingest them a chunk at a time, record them in ``watch_items``."""
    queued = [(plan, item) for plan in planned for item in plan.fresh]
    if not queued:
        return
    from dyads.ingest import batched, ingest  # loads spaCy: only once there is something new

    for chunk in batched(queued, ITEMS_PER_INGEST):
        if fetcher.stop.is_set():  # asked to stop while the sources were read: no empty run
            return
        fetched: list[tuple[_Planned, Item, Article | Failure]] = []
        summary = ingest(
            [],
            store=store,
            settings=settings,
            command="watch",
            collect_ids=False,
            items=_fetch_pages(chunk, fetcher=fetcher, out=fetched),
            check_ahead=settings.batch_size,
            on_progress=on_progress and (lambda done: on_progress(done, len(queued))),
        )
        rows = _item_rows(fetched, summary, store=store)
        with store.writing() as session:
            session.record_watch_items(row for (plan, item, _), row in zip(fetched, rows) if item.url not in plan.retry)
        with store.reading() as session:
            stored_now = session.articles_of_run(summary.run_id)
        for (plan, _, _), row in zip(fetched, rows):
            plan.left -= 1
            if row[5] == "failed":
                plan.result.failed += 1
            elif row[7] in stored_now:
                plan.result.stored += 1
                stored_now.discard(row[7])  # a second copy in this chunk is a duplicate
            else:
                plan.result.duplicates += 1
            if not plan.left and not plan.retry:
                _save_read(plan, store=store)
        if len(fetched) < len(chunk):
            return


def _fetch_pages(queued: list[tuple[_Planned, Item]], *, fetcher: Fetcher, out: list) -> Iterator[Article | Failure]:
    """Each item's page read as an article (or a Failure); stops before an item once asked to."""
    from dyads.readers.html import read_html

    for plan, item in queued:
        if fetcher.stop.is_set():
            return
        response = fetcher.get(item.url)
        if response.error:
            read: Article | Failure = Failure(item.url, response.error)
            if response.transient:
                plan.retry.add(item.url)
        else:
            try:
                read = read_html(response.body, origin=item.url, url=item.url)
            except InputError as e:
                read = Failure(item.url, e.reason)
        out.append((plan, item, read))
        yield read


def _item_rows(
    fetched: list[tuple[_Planned, Item, Article | Failure]], summary: IngestSummary, *, store: StoreFile
) -> list[tuple]:
    """``watch_items`` rows: each article with the id of the story it is stored as."""
    articles = [read for _, _, read in fetched if isinstance(read, Article)]
    with store.reading() as session:
        # most pages are new stories stored under their own id: only the others need the
        # duplicate check's keys (5-gram hashes), which cost as much again as the ingest's check
        exact = session.known_ids(a.id for a in articles)
        others = [a for a in articles if a.id not in exact]
        found = dedup.repeats(others, session)
    story = {id(a): a.id for a in articles if a.id in exact}
    story.update({id(others[i]): stored_id for i, stored_id in found.items()})
    reasons = {f.origin: f.reason for f in summary.failures}
    now, rows = _utcnow(), []
    for plan, item, read in fetched:
        site = plan.listing.outlet or urllib.parse.urlsplit(item.url).netloc
        stored_id = story.get(id(read)) if isinstance(read, Article) else None
        reason = read.reason if isinstance(read, Failure) else reasons.get(item.url)
        rows.append(
            (
                item.url,
                plan.url,
                site,
                item.title,
                now,
                "stored" if stored_id else "failed",
                None if stored_id else (reason or "not stored"),
                stored_id,
            )
        )
    return rows


def watch(
    sources: list[str],
    *,
    store: StoreFile,
    settings: Settings,
    fetcher: Fetcher,
    once: bool,
    every: float,
    on_result: Callable[[SourceResult], None] | None = None,
    on_poll: Callable[[PollSummary], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Poll until ``fetcher.stop`` is set (or once); the file is let go between polls.
    Returns the number of polls."""
    polls = 0
    while not fetcher.stop.is_set():
        summary = poll(
            sources, store=store, settings=settings, fetcher=fetcher, on_result=on_result, on_progress=on_progress
        )
        store.close()  # `dyads serve` and other readers have the file until the next poll
        polls += 1
        if on_poll:
            on_poll(summary)
        if once or fetcher.stop.wait(every):
            break
    return polls


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
