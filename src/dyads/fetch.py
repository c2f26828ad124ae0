"""Polite HTTP for ``dyads watch``: robots.txt, a delay per host, conditional GET, backoff.

    >>> Fetcher(user_agent="dyads-test").headers()["User-Agent"]
    'dyads-test'

Every request has a timeout and a size bound, follows at most ``MAX_REDIRECTS``
redirects, and waits ``delay`` seconds after the last request to the same host.
robots.txt is read once per host per run (``urllib.robotparser`` rules; a robots.txt
that is missing allows all, one that answers 401/403 forbids all). A 429 or 5xx
answer is retried after its Retry-After (or an exponential backoff) up to
``MAX_ATTEMPTS`` times; a wait longer than ``MAX_RETRY_WAIT_S`` is not slept here:
the answer says when to ask again, and the caller stores it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "dyads/0.1 (+news event coder; https://pypi.org/project/dyads/)"
# Seconds a request may wait for a connection or for each read; a host that trickles bytes
# is also stopped by the whole-response deadline below.
TIMEOUT_S = 20.0
RESPONSE_DEADLINE_S = 60.0
# Most redirects followed for one request (urllib's own default is 10; news sites need 1-3).
MAX_REDIRECTS = 5
# Tries of one URL answered 429 or 5xx, the first included.
MAX_ATTEMPTS = 3
# A Retry-After longer than this is not waited for inside a poll: the source is asked again
# at the next poll after that time (a host asking for an hour should not stall the others).
MAX_RETRY_WAIT_S = 120.0
# Backoff without a Retry-After: this many seconds, doubled each try.
BACKOFF_S = 2.0
# Largest robots.txt read (Google reads 500 KiB).
MAX_ROBOTS_BYTES = 512 * 1024
# How long robots.txt rules are used before the file is read again (RFC 9309: at most 24 hours).
ROBOTS_TTL_S = 24 * 3600.0
CHUNK = 64 * 1024


@dataclass
class Response:
    """One answer: ``status`` 304 means unchanged (no body); ``error`` is set for a failure."""

    url: str
    status: int = 0
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    error: str | None = None
    retry_at: dt.datetime | None = None  # when the host said to ask again, for a 429/503 given up
    transient: bool = False  # a failure that may pass: 429, 5xx, no answer, a connection refused


@dataclass
class Fetcher:
    """One request at a time, ``delay`` seconds apart per host, robots.txt obeyed."""

    user_agent: str = DEFAULT_USER_AGENT
    contact: str | None = None
    delay: float = 1.0
    timeout: float = TIMEOUT_S
    max_bytes: int = 10 * 1024 * 1024
    stop: threading.Event = field(default_factory=threading.Event)
    _last: dict[str, float] = field(default_factory=dict)  # host -> monotonic time of last request
    # host -> (monotonic time read, rules, why all is forbidden when the file could not be read)
    _robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser, str | None]] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "identity"}
        if self.contact:
            headers["From"] = self.contact
        return headers

    def refusal(self, url: str) -> str | None:
        """Why the host's robots.txt forbids our User-Agent ``url``, or None if it allows it."""
        parts = urllib.parse.urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots or time.monotonic() - self._robots[host][0] > ROBOTS_TTL_S:
            self._robots[host] = (time.monotonic(), *self._read_robots(host))
        _, rules, unreadable = self._robots[host]
        if rules.can_fetch(self.user_agent, url):
            return None
        return unreadable or "robots.txt disallows this URL for dyads; it is not fetched"

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET ``url`` politely, with the validators given (conditional GET)."""
        refused = self.refusal(url)
        if refused:
            return Response(url, error=refused)
        headers = self.headers()
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 1
        while True:
            response, retryable, asked = self._request(url, headers, max_bytes=self.max_bytes)
            if not retryable:
                return response
            wait = asked if asked is not None else BACKOFF_S * 2 ** (attempt - 1)
            if attempt == MAX_ATTEMPTS or wait > MAX_RETRY_WAIT_S:
                response.retry_at = _utcnow() + dt.timedelta(seconds=wait)
                response.error = f"{response.error}; ask again after {wait:g} s"
                return response
            log.info("%s: %s, retrying in %g s", url, response.error, wait)
            if self.stop.wait(wait):
                return response
            attempt += 1

    def _request(self, url: str, headers: dict, *, max_bytes: int) -> tuple[Response, bool, float | None]:
        """One request: the response, whether to retry it (429, 5xx), and its Retry-After in seconds."""
        self._wait_turn(url)
        # robots.txt itself is read wherever it redirects; any other redirect only where allowed
        opener = urllib.request.build_opener(_BoundedRedirects(None if url.endswith("/robots.txt") else self.refusal))
        request = urllib.request.Request(url, headers=headers)
        try:
            with opener.open(request, timeout=self.timeout) as answer:
                body = _read_bounded(answer, max_bytes)
                if body is None:
                    return (
                        Response(
                            url, answer.status, error=f"response is over {max_bytes / 2**20:g} MB; raise --max-file-mb"
                        ),
                        False,
                        None,
                    )
                return (
                    Response(
                        url,
                        answer.status,
                        body,
                        answer.headers.get("ETag"),
                        answer.headers.get("Last-Modified"),
                        answer.headers.get("Content-Type", ""),
                    ),
                    False,
                    None,
                )
        except _Refused as e:
            return Response(url, error=f"redirected to {e.url}: {e.reason}"), False, None
        except urllib.error.HTTPError as e:
            if e.code == 304:
                return (
                    Response(
                        url,
                        304,
                        etag=e.headers.get("ETag") or headers.get("If-None-Match"),
                        last_modified=e.headers.get("Last-Modified") or headers.get("If-Modified-Since"),
                    ),
                    False,
                    None,
                )
            if 300 <= e.code < 400:  # urllib's loop check, or past MAX_REDIRECTS
                return (
                    Response(
                        url,
                        e.code,
                        error=f"redirect loop or over {MAX_REDIRECTS} redirects "
                        f"(HTTP {e.code}); give the final address",
                    ),
                    False,
                    None,
                )
            failed = Response(url, e.code, error=f"HTTP {e.code} {e.reason}", transient=e.code == 429 or e.code >= 500)
            if e.code == 429 or 500 <= e.code < 600:
                return failed, True, _retry_after(e.headers.get("Retry-After"))
            return failed, False, None
        except TimeoutError:
            return Response(url, error=f"no answer within {self.timeout:g} s (host hangs)", transient=True), False, None
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                return (
                    Response(url, error=f"no answer within {self.timeout:g} s (host hangs)", transient=True),
                    False,
                    None,
                )
            return Response(url, error=f"cannot fetch ({e.reason})", transient=True), False, None
        except OSError as e:
            return Response(url, error=f"cannot fetch ({e})", transient=True), False, None
        except ValueError as e:
            return Response(url, error=f"cannot fetch ({e})"), False, None
        finally:
            self._last[urllib.parse.urlsplit(url).netloc] = time.monotonic()

    def _wait_turn(self, url: str) -> None:
        last = self._last.get(urllib.parse.urlsplit(url).netloc)
        if last is not None:
            remaining = last + self.delay - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)  # not stop.wait: the current item finishes, then the loop stops

    def _read_robots(self, host: str) -> tuple[urllib.robotparser.RobotFileParser, str | None]:
        """The host's rules (RFC 9309): a file missing (4xx) allows all; 401/403 forbid all, as
        urllib.robotparser has it; a 429, 5xx or no answer forbids all until it is read again."""
        parser = urllib.robotparser.RobotFileParser(host + "/robots.txt")
        response, _, _ = self._request(host + "/robots.txt", self.headers(), max_bytes=MAX_ROBOTS_BYTES)
        if response.status == 200:
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
        elif response.status in (401, 403):
            parser.disallow_all = True
            return parser, f"robots.txt answers HTTP {response.status}: the site forbids crawling; not fetched"
        elif 400 <= response.status < 500 and response.status != 429:
            parser.allow_all = True
        else:
            parser.disallow_all = True
            return parser, (
                f"robots.txt could not be read ({response.error}); nothing on the host is fetched until it can be"
            )
        return parser, None


class _Refused(Exception):
    """A redirect to a URL robots.txt forbids: not followed."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


class _BoundedRedirects(urllib.request.HTTPRedirectHandler):
    """At most MAX_REDIRECTS redirects, none to a URL robots.txt forbids (checked before asking)."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def __init__(self, refusal) -> None:
        super().__init__()
        self.refusal = refusal

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        reason = self.refusal(newurl) if self.refusal else None
        if reason:
            fp.close()
            raise _Refused(newurl, reason)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_bounded(answer, max_bytes: int) -> bytes | None:
    """The body, or None once it passes ``max_bytes``; a trickle past the deadline raises."""
    deadline = time.monotonic() + RESPONSE_DEADLINE_S
    chunks, size = [], 0
    while chunk := answer.read(CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return None
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After asks for (delta-seconds or an HTTP date), or None without one."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
