"""The registry of jobs: a decorator turns a function into a named job. Imports no domain code.

A job takes ids and plain values (JSON: strings, numbers, booleans, lists, dicts), never ORM
objects; it opens its own unit of work and is safe to run twice. Domains declare their jobs in
their own ``tasks.py``; nothing else in a domain knows which queue runs them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[..., Any]
    queue: str = "default"
    #: ``lock(**kwargs) -> str | None``: jobs with the same key never run at the same time.
    lock: Callable[..., str | None] | None = None
    #: ``queueing_lock(**kwargs) -> str | None``: a job whose key is already waiting in the
    #: queue is not added again (the waiting one will do the same work).
    queueing_lock: Callable[..., str | None] | None = None
    #: Runs after the first one that failed, or whose worker died (kill -9).
    retries: int = 0
    #: ``every=N``: the schedule's tick enqueues it every N seconds (no arguments).
    every: int | None = None
    #: ``abandoned(reason, final, **kwargs)``: called when the worker running the job died
    #: (kill -9), before it runs again (``final`` false) or is marked failed (``final`` true):
    #: the domain ends what the dead run left "running" (a harvest job, a validation report).
    abandoned: Callable[..., None] | None = None

    def lock_key(self, kwargs: dict[str, Any]) -> str | None:
        return self.lock(**kwargs) if self.lock is not None else None

    def queueing_key(self, kwargs: dict[str, Any]) -> str | None:
        return self.queueing_lock(**kwargs) if self.queueing_lock is not None else None


JOBS: dict[str, Job] = {}


class JobError(ValueError):
    """A job asked for that does not exist, or arguments a queue cannot carry."""


def job(name: str, *, queue: str = "default", lock: Callable[..., str | None] | None = None,
        queueing_lock: Callable[..., str | None] | None = None, retries: int = 0,
        every: int | None = None, abandoned: Callable[..., None] | None = None
        ) -> Callable[[Callable], Callable]:
    """Register the decorated function as the job ``name`` (re-registering replaces it)."""
    if every is not None:  # a periodic job runs once at a time and waits in the queue once
        lock = lock or (lambda **_: name)
        queueing_lock = queueing_lock or (lambda **_: name)

    def register(function: Callable) -> Callable:
        JOBS[name] = Job(name, function, queue, lock, queueing_lock, retries, every, abandoned)
        function.job_name = name
        return function

    return register


def abandon(found: Job, kwargs: dict[str, Any], reason: str, final: bool) -> None:
    """Let the job's domain clean up after a dead run; a failure here is logged only."""
    if found.abandoned is None:
        return
    try:
        found.abandoned(reason, final, **kwargs)
    except Exception:  # recovery goes on with the other jobs
        log.exception("cleaning up after the dead run of %s failed", found.name)


def lookup(name_or_function: str | Callable) -> Job:
    name = name_or_function if isinstance(name_or_function, str) else \
        getattr(name_or_function, "job_name", None)
    found = JOBS.get(name) if name else None
    if found is None:
        raise JobError(f"unknown job {name_or_function!r}; registered: {', '.join(sorted(JOBS))}")
    return found


def plain(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The arguments as JSON would give them back, or ``JobError`` naming the bad one."""
    for key, value in kwargs.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise JobError(f"argument {key!r} of a job must be a plain JSON value, "
                           f"not {type(value).__name__}") from exc
    return json.loads(json.dumps(kwargs))
