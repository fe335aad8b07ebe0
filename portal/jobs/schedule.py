"""Scheduling, in one place: a tick asks the queue to run what is due; it runs nothing itself.

Periodic jobs are declared with ``@job(name, every=SECONDS)`` beside the domain's other jobs
(harvest's "enqueue the due sources", search's reconcile, the queue's own recovery). With the
``procrastinate`` backend one periodic task runs ``tick`` every minute on some worker; with the
embedded backend a daemon thread of ``portal worker`` or of the web process does, every
``PORTAL_JOBS_TICK_SECONDS``. Each periodic job has a queueing lock, so ticks of several
processes never pile copies of it in the queue.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from portal import db
from portal.jobs.registry import JOBS

log = logging.getLogger(__name__)

_last: dict[tuple[int, str], float] = {}


def tick(app: Flask, now: float | None = None) -> list[str]:
    """Enqueue every periodic job whose interval has passed in this process (all of them on the
    first tick). Returns their names."""
    from portal.jobs import backend

    now = time.monotonic() if now is None else now
    sent = []
    with app.app_context():
        try:
            for name, found in sorted(JOBS.items()):
                if found.every is None:
                    continue
                last = _last.get((id(app), name))
                if last is not None and now - last < found.every:
                    continue
                backend(app).send(found, {})
                _last[(id(app), name)] = now
                sent.append(name)
        finally:
            db.session.remove()
    return sent


def start_ticker(app: Flask, stop: threading.Event) -> threading.Thread:
    """Tick every ``PORTAL_JOBS_TICK_SECONDS`` until ``stop`` is set (the backend stops it with
    its own threads, so no ticker outlives the app that started it)."""
    interval = float(app.config.get("PORTAL_JOBS_TICK_SECONDS") or 60)

    def loop() -> None:
        while not stop.is_set():
            try:
                tick(app)
            except Exception:  # the next tick tries again
                log.exception("job schedule: tick failed")
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="job-ticker", daemon=True)
    thread.start()
    return thread
