"""``portal worker``: run queued jobs (and the schedule's tick) until stopped."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker", help="Run background jobs (validation, harvests, dumps, search) until "
               "stopped. Any number may run, on any machine that reaches the database.")
@click.option("--concurrency", type=int, default=None,
              help="Jobs run at the same time (default: PORTAL_JOBS_WORKERS).")
@click.option("--no-schedule", is_flag=True, help="Do not run the periodic tick here.")
@with_appcontext
def worker_command(concurrency: int | None, no_schedule: bool) -> None:
    from portal.jobs import backend

    app = current_app._get_current_object()
    carrier = backend(app)
    try:
        carrier.check()
    except Exception as exc:
        raise click.ClickException(
            f"the job queue ({carrier.name}) cannot be used: {type(exc).__name__}: {exc}. "
            "Is the database up, and did `portal init` run?") from None
    if concurrency is not None:
        carrier.workers = max(1, concurrency)
    click.echo(f"portal worker: {carrier.name} backend, {carrier.describe()}", err=True)
    if carrier.name == "procrastinate":
        carrier.run_worker(schedule=not no_schedule)
        return
    if carrier.mode != "background":
        raise click.ClickException(
            f"PORTAL_JOBS_MODE is {carrier.mode!r}: a worker needs 'background'.")
    carrier.workers = carrier.workers or 1
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    carrier.start(schedule=not no_schedule)
    stop.wait()
    click.echo("portal worker: stopping, waiting for running jobs", err=True)
    carrier.stop(wait=True)
