"""The closed-loop HTTP client the serving and cluster benchmarks drive servers with.

``threads`` clients each hold a keep-alive connection and send their next request as soon as the
last one answered, for ``seconds``. A benchmark runs several of these in client processes so the
client is not one GIL. What to ask comes from ``pick(rng, sent)``, a picklable callable (a
module-level function or a ``functools.partial`` of one) returning ``(label, path, headers)``.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

Pick = Callable[[random.Random, int], tuple[str, str, dict[str, str]]]


def closed_loop(urls: list[str], pick: Pick, seconds: float, threads: int,
                seed: int) -> list[tuple[str, float, int]]:
    """(label, ms, status) per request; client ``n`` talks to ``urls[(seed + n) % len(urls)]``.
    A request that fails on the wire counts with status 0 and the connection is opened anew."""
    until = time.monotonic() + seconds
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()

    def loop(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        target = urlsplit(urls[(seed + number) % len(urls)])

        def connect() -> http.client.HTTPConnection:
            return http.client.HTTPConnection(target.hostname, target.port, timeout=60)

        connection = connect()
        mine: list[tuple[str, float, int]] = []
        while time.monotonic() < until:
            label, path, headers = pick(rng, len(mine))
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = connect()
            mine.append((label, (time.perf_counter() - started) * 1000, status))
        connection.close()
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0
