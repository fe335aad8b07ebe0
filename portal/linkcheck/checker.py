"""Checking URLs: one check (``check_url``) and many at once, politely (``check_many``).

Knows nothing of the app or the database: URLs in, ``Outcome`` out. Every request goes through
``portal.outbound.Fetcher`` (addresses checked on every hop, redirects followed by hand, the
watchdog bounding each request), so a check never reads an internal address and never hangs.

A check sends ``HEAD``; when the server refuses it (an error status, 405 and 501 included, or a
connection it drops) it sends ``GET`` with ``Range: bytes=0-0`` and reads no body at all: the
status line and the headers say what we record (media type, size from ``Content-Length`` or the
total of ``Content-Range``, ``Last-Modified``).

``check_many`` runs a bounded thread pool over a stream of URLs (at most ``window`` of them in
memory), never more than ``per_host`` requests at a time to one host and never two starts to one
host closer than ``host_delay`` seconds, while other hosts go on: a slow or silent server holds
its own URLs back, not everybody's.
"""

from __future__ import annotations

import heapq
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from urllib3.util import parse_url

from portal.outbound import Fetched, Fetcher, FetchError, FetchPolicy

log = logging.getLogger(__name__)

#: The fetcher's error types, as link statuses.
ERROR_STATUSES = {
    "timeout": "timeout",
    "job-deadline": "timeout",
    "forbidden-address": "forbidden-address",
    "too-many-redirects": "too-many-redirects",
    "unresolvable-host": "dns-error",
    "forbidden-scheme": "invalid-url",
    "invalid-url": "invalid-url",
}
#: Failures after which the GET is not worth trying: it would fail the same way.
FINAL_ERRORS = ("timeout", "job-deadline", "forbidden-address", "too-many-redirects",
                "unresolvable-host", "forbidden-scheme", "invalid-url")


@dataclass(frozen=True)
class Outcome:
    status: str
    http_status: int | None = None
    message: str = ""
    final_url: str = ""
    media_type: str = ""
    size: int | None = None
    remote_modified: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _size(response: Fetched) -> int | None:
    headers = response.headers
    if response.status == 206:  # "bytes 0-0/12345": the total, when the server knows it
        total = headers.get("Content-Range", "").rpartition("/")[2].strip()
        return int(total) if total.isdigit() else None
    declared = headers.get("Content-Length", "").strip()
    return int(declared) if declared.isdigit() else None


def _modified(response: Fetched) -> datetime | None:
    value = response.headers.get("Last-Modified", "")
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _answered(response: Fetched) -> Outcome:
    if response.status >= 400:
        return Outcome("broken", response.status, str(_l(
            "El servidor respondió con el error HTTP {status}.")).format(status=response.status),
            response.url)
    return Outcome("ok", response.status, "", response.url, response.media_type,
                   _size(response), _modified(response))


def _failed(exc: FetchError) -> Outcome:
    status = ERROR_STATUSES.get(exc.type) or ("tls-error" if exc.tls else "connection-error")
    return Outcome(status, None, exc.message, exc.url)


def check_url(fetcher: Fetcher, url: str) -> Outcome:
    """HEAD ``url``, then a ranged GET if the HEAD was refused; never raises for the URL's sake."""
    try:
        response = fetcher.probe(url, method="HEAD")
    except FetchError as exc:
        if exc.type in FINAL_ERRORS:
            return _failed(exc)
    else:
        if response.status < 400:
            return _answered(response)
    try:
        return _answered(fetcher.probe(url, method="GET", headers={"Range": "bytes=0-0"}))
    except FetchError as exc:
        return _failed(exc)


def host_of(url: str) -> str:
    """The politeness key: the host name, lower-cased ("" for a URL without one)."""
    try:
        return (parse_url(url).host or "").strip("[]").lower()
    except ValueError:
        return ""


@dataclass
class Politeness:
    threads: int = 16
    per_host: int = 2
    host_delay: float = 1.0
    window: int = 2000  # URLs read ahead of the pool at most


class _Host:
    __slots__ = ("active", "gate", "last_start", "next_start", "queued", "waiting")

    def __init__(self) -> None:
        self.queued: deque[tuple[Any, str]] = deque()
        self.active = 0
        self.next_start = 0.0
        self.waiting = False  # in the heap of hosts that may start a request
        # The scheduler spaces submissions; a pool thread may still start late and its successor
        # on time, so the thread itself waits for the delay since the last real start, under
        # the gate (at most ``per_host`` threads ever wait on one host).
        self.gate = threading.Lock()
        self.last_start = -math.inf

    def begin(self, delay: float) -> None:
        """In the pool thread, just before the request: keep real starts ``delay`` apart."""
        with self.gate:
            pause = self.last_start + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self.last_start = time.monotonic()


def check_many(items: Iterable[tuple[Any, str]], policy: FetchPolicy, politeness: Politeness,
               *, deadline: float | None = None,
               check: Callable[[Fetcher, str], Outcome] = check_url
               ) -> Iterator[tuple[Any, Outcome]]:
    """Check ``(key, url)`` pairs; yield ``(key, outcome)`` as checks end, in any order.

    Stops starting checks at ``deadline`` (a ``time.monotonic()`` value): the keys not started
    are not yielded (they stay due). Each request is bounded by the policy's limits; a check
    still running ``policy.download_seconds`` past the deadline (a resolver that never answers)
    is left to end on its own, unreported."""
    source = iter(items)
    hosts: dict[str, _Host] = {}
    ready: list[tuple[float, int, str]] = []  # (next start, tie-breaker, host)
    running: dict[Future, tuple[Any, str]] = {}
    buffered = 0
    exhausted = False
    counter = 0
    threads = max(1, politeness.threads)
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="linkcheck")

    def offer(name: str, host: _Host) -> None:
        nonlocal counter
        if host.queued and not host.waiting and host.active < politeness.per_host:
            counter += 1
            host.waiting = True
            heapq.heappush(ready, (host.next_start, counter, name))

    def refill() -> None:
        nonlocal buffered, exhausted
        while not exhausted and buffered < politeness.window:
            try:
                key, url = next(source)
            except StopIteration:
                exhausted = True
                return
            name = host_of(url)
            host = hosts.setdefault(name, _Host())
            host.queued.append((key, url))
            buffered += 1
            offer(name, host)

    def run(host: _Host, url: str) -> Outcome:
        try:
            host.begin(politeness.host_delay)
            return check(Fetcher(policy), url)
        except Exception as exc:  # a bug must cost one URL, not the run
            log.exception("link check of %s failed", url)
            return Outcome("connection-error", None, f"{type(exc).__name__}: {exc}", url)

    try:
        while True:
            now = time.monotonic()
            stopping = deadline is not None and now >= deadline
            if not stopping:
                refill()
            while not stopping and ready and ready[0][0] <= now and len(running) < threads:
                _start, _n, name = heapq.heappop(ready)
                host = hosts[name]
                host.waiting = False
                key, url = host.queued.popleft()
                buffered -= 1
                host.active += 1
                host.next_start = now + politeness.host_delay
                running[pool.submit(run, host, url)] = (key, name)
                offer(name, host)
            if not running and (stopping or (exhausted and not buffered)):
                return
            if stopping:
                timeout = max(0.0, deadline + policy.download_seconds - now)
            elif ready and len(running) < threads:
                timeout = max(0.0, ready[0][0] - now)
            else:
                timeout = None
            done, _pending = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            if stopping and not done:
                return  # checks stuck past every limit: left to end on their own
            for future in done:
                key, name = running.pop(future)
                host = hosts[name]
                host.active -= 1
                offer(name, host)
                if (not host.queued and not host.active
                        and max(host.next_start, host.last_start + politeness.host_delay)
                        <= time.monotonic()):
                    del hosts[name]  # idle and past its delay: nothing to remember
                yield key, future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
