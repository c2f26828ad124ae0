"""Answers cached by store version, with ETags: a page asked again before the next write is
served from memory, and a client that has it already gets a 304.

The server's data changes only when its read-only connection is given up to a writer and
taken back (``LiveConnection.version``), so that count is the store's version: an answer
kept under (version, URL) stays right until it changes. The version is read before the
request runs, so a kept answer is never older than its key says (it can only be newer,
when a write came while the request waited for the connection); while a writer has the
file or waits for it there is no version, and requests go to the database.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from fastapi import FastAPI, Request
from fastapi.responses import Response

# Answers kept, least recently used dropped first; and the largest one kept (a full CSV export
# is read once and would push out many pages).
CACHE_ENTRIES = 512
CACHE_ENTRY_BYTES = 2_000_000
# Headers a kept answer carries over (the security headers are added outside, on every answer).
KEPT_HEADERS = ("content-type", "content-disposition")


class AnswerCache:
    """(version, URL) -> (status, headers, body, etag), thread-safe, least recently used out first."""

    def __init__(self, *, entries: int = CACHE_ENTRIES) -> None:
        self.entries = entries
        self._kept: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> tuple | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, answer: tuple) -> None:
        with self._lock:
            self._kept[key] = answer
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)


def install(app: FastAPI) -> None:
    """Serve GET answers from the cache, with an ETag, and 304 to a client that has the answer."""
    cache = app.state.answers = AnswerCache()

    @app.middleware("http")
    async def cached(request: Request, call_next):
        if request.method != "GET" or request.url.path.startswith("/static"):
            return await call_next(request)
        version = request.app.state.live.version
        key = (version, request.url.path, request.url.query)
        kept = cache.get(key) if version is not None else None
        if kept is None:
            response = await call_next(request)
            if response.status_code != 200:
                return response
            body = b"".join([chunk async for chunk in response.body_iterator])
            headers = {k: v for k, v in response.headers.items() if k in KEPT_HEADERS}
            etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            kept = (headers, body, etag)
            if version is not None and len(body) <= CACHE_ENTRY_BYTES:
                cache.put(key, kept)
        headers, body, etag = kept
        # no-cache: a browser may keep the answer but asks again, with If-None-Match, every time
        validators = {"ETag": etag, "Cache-Control": "no-cache"}
        if etag in (request.headers.get("if-none-match") or "").replace("W/", "").split(", "):
            return Response(status_code=304, headers=validators)
        return Response(body, status_code=200, headers={**headers, **validators})
