"""Background validation: a small in-process pool of worker threads, each run in its own app
context (its own database session).

``PORTAL_VALIDATION_MODE`` chooses how work submitted after a save is done:

* ``background`` (default): queued to ``PORTAL_VALIDATION_WORKERS`` threads; the request that
  saved the file returns at once and the report goes from pending to running to its outcome;
* ``sync``: done before ``submit`` returns, in a fresh app context (tests use it, so they stay
  deterministic);
* ``off``: nothing is validated after saves (the default under ``TESTING``); ``portal validate``
  and the API still validate on demand.

Queued work survives nothing: if the process ends, rows stay ``pending`` and the next save, the
API's ``resource_validation_run`` or ``portal validate`` picks them up. Python waits for the pool's
threads at exit, so a CLI command that saved files finishes their validation before it ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Flask, current_app

from portal import db

log = logging.getLogger(__name__)

MODES = ("background", "sync", "off")


def resolve_mode(app: Flask) -> str:
    mode = (app.config.get("PORTAL_VALIDATION_MODE") or "").strip().lower()
    if not mode:
        return "off" if app.testing else "background"
    if mode not in MODES:
        raise ValueError(f"PORTAL_VALIDATION_MODE must be one of {', '.join(MODES)}, "
                         f"not {mode!r}")
    return mode


class ValidationRunner:
    """Runs ``services.validate_resource`` for resource ids, now or on worker threads."""

    def __init__(self, app: Flask):
        self.app = app
        self.mode = resolve_mode(app)
        self.workers = max(1, int(app.config.get("PORTAL_VALIDATION_WORKERS") or 1))
        self._pool: ThreadPoolExecutor | None = None
        self._futures: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, resource_ids: Iterable[str], *, force: bool = False) -> None:
        """Validate these resources according to the mode (see the module's docstring)."""
        ids = list(dict.fromkeys(resource_ids))
        if not ids or self.mode == "off":
            return
        if self.mode == "sync":
            for resource_id in ids:
                self.run(resource_id, force=force)
            return
        pool = self._executor()
        with self._lock:
            for resource_id in ids:
                future = pool.submit(self.run, resource_id, force=force)
                self._futures.add(future)
                future.add_done_callback(self._forget)

    def run(self, resource_id: str, *, force: bool = False) -> str | None:
        """Validate one resource now in a fresh app context; its report's status, or ``None``.
        Never raises: a failure is logged (the row is left for the next request)."""
        from portal.catalog.models import Resource
        from portal.validation import services

        with self.app.app_context():
            try:
                resource = db.session.get(Resource, resource_id)
                if resource is None:
                    return None
                report = services.validate_resource(resource, force=force)
                return report.status if report is not None else None
            except Exception:  # a worker must outlive one bad resource
                log.exception("background validation of resource %s failed", resource_id)
                return None

    def join(self, timeout: float | None = None) -> None:
        """Wait until the queued work is done (tests, and orderly shutdowns)."""
        with self._lock:
            pending = set(self._futures)
        wait(pending, timeout=timeout)

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers,
                                                thread_name_prefix="validation")
            return self._pool

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)


def runner(app: Flask | None = None) -> ValidationRunner:
    """The app's runner (created on first use)."""
    target = app or current_app._get_current_object()
    found = target.extensions.get("validation_runner")
    if found is None:
        found = target.extensions["validation_runner"] = ValidationRunner(target)
    return found
