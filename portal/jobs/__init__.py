"""Background work: ONE place every domain uses. Imports no domain code.

Domains declare jobs in their own ``tasks.py`` with ``@job(name, ...)`` and ask for one with
``enqueue(name_or_function, **plain_kwargs)``; the job is sent after the current unit of work
commits, so a rolled-back write never sends one. ``PORTAL_JOBS_BACKEND`` chooses what carries
them: ``inprocess`` (the embedded default: a table of the portal's database and threads in the
process) or ``procrastinate`` (PostgreSQL, any number of ``portal worker`` processes on any
machine). ``schedule.tick()`` enqueues the periodic jobs; ``health()`` tells the status page how
the queue is. See docs/jobs.md.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from portal.jobs.registry import JOBS, Job, JobError, job, lookup, plain

__all__ = [
    "JOBS",
    "Job",
    "JobError",
    "backend",
    "enqueue",
    "health",
    "init_app",
    "job",
    "join",
    "run_now",
]

EXTENSION = "jobs"
BACKENDS = ("inprocess", "procrastinate")


def backend(app: Flask | None = None):
    return (app or current_app).extensions[EXTENSION]


def enqueue(name_or_function, **kwargs: Any) -> None:
    """Run the job with these plain arguments in the background, once the current unit of work
    has committed (at once when none is open). ``JobError`` for an unknown job or arguments a
    queue cannot carry."""
    found = lookup(name_or_function)
    backend().send(found, plain(kwargs))


def run_now(name_or_function, **kwargs: Any) -> None:
    """Run the job here and now, in a fresh app context (CLI commands, ``sync`` settings)."""
    from portal.jobs.inprocess import run_now as run

    run(current_app._get_current_object(), lookup(name_or_function), plain(kwargs))


def health(app: Flask | None = None) -> dict[str, Any]:
    """``{backend, ok, detail, queued, running, failed_recent}`` for the status page."""
    from portal import db

    target = app or current_app._get_current_object()
    carrier = backend(target)
    result: dict[str, Any] = {"backend": carrier.name, "ok": False, "detail": "",
                              "queued": None, "running": None, "failed_recent": None}
    with target.app_context():
        try:
            result.update(carrier.counts())
            result["ok"] = True
            result["detail"] = carrier.describe()
        except Exception as exc:  # reported, never raised: the status page must answer
            result["detail"] = f"the job queue cannot be reached: {type(exc).__name__}: {exc}"
        finally:
            db.session.remove()
    return result


def join(app: Flask | None = None, timeout: float = 30.0) -> bool:
    """Wait until the queue is empty (tests, benchmarks); True when it drained in time."""
    return backend(app).join(timeout)


def _make_backend(app: Flask):
    name = (app.config.get("PORTAL_JOBS_BACKEND") or "inprocess").strip().lower()
    if name not in BACKENDS:
        raise ValueError(f"PORTAL_JOBS_BACKEND must be one of {', '.join(BACKENDS)}, "
                         f"not {name!r}")
    if name == "procrastinate":
        from portal.jobs.procrastinate_backend import ProcrastinateBackend

        return ProcrastinateBackend(app)
    from portal.jobs.inprocess import InProcessBackend

    return InProcessBackend(app)


def init_app(app: Flask) -> None:
    """Choose the backend (a misspelt setting fails here, at start-up), register ``portal
    worker`` and, in the web process of the embedded backend, start its threads with the first
    request."""
    from portal.jobs import cli, tasks  # noqa: F401 - tasks registers the queue's own jobs

    carrier = app.extensions[EXTENSION] = _make_backend(app)
    app.cli.add_command(cli.worker_command)
    if carrier.name == "inprocess" and carrier.mode == "background" and carrier.workers:
        @app.before_request
        def _start_jobs() -> None:
            if not carrier.started:
                carrier.start(schedule=True)
