"""The PostgreSQL backend: procrastinate 3 on the database the portal already uses.

Jobs are rows of ``procrastinate_jobs``, written on the caller's own connection inside its
transaction (a rolled-back write queues nothing, a committed one cannot lose its job); any
number of ``portal worker`` processes on any machine run them. A job's ``lock`` is
procrastinate's lock (one harvest per source at a time across machines) and its queueing lock
procrastinate's queueing lock. Workers send heartbeats; ``recover`` (the ``jobs.recover`` job,
every minute) gives jobs of workers without heartbeat to the domain's ``abandoned`` hook and
then retries them or marks them failed. One periodic task runs the schedule's tick every minute.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from portal import db
from portal.jobs.registry import JOBS, Job, abandon

log = logging.getLogger(__name__)

STALLED_SECONDS = 30
#: How often an idle worker looks for jobs besides being told of new ones. Jobs sharing a lock
#: (quality scores) wait while one of them runs, and nothing tells the worker when it ends:
#: procrastinate's default (5 s) made each of them wait up to 5 s once the queue went quiet.
FETCH_POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 10


def conninfo(url: str) -> str:
    """The libpq address of a SQLAlchemy PostgreSQL URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateBackend:
    name = "procrastinate"
    mode = "background"

    def __init__(self, app: Flask):
        url = app.config["PORTAL_DATABASE_URL"]
        if not url.startswith("postgresql"):
            raise ValueError("PORTAL_JOBS_BACKEND=procrastinate needs PostgreSQL, but "
                             f"PORTAL_DATABASE_URL is {make_url(url).drivername!r}")
        self.app = app
        self.conninfo = conninfo(url)
        self.workers = max(1, int(app.config.get("PORTAL_JOBS_WORKERS") or 1))
        self._procrastinate = None
        self._manager = None

    # -- the procrastinate app -------------------------------------------------------------

    def procrastinate(self):
        """The procrastinate ``App`` with every registered job as a task (built on first use,
        once every domain has registered its jobs)."""
        if self._procrastinate is None:
            import procrastinate

            proc = procrastinate.App(connector=procrastinate.PsycopgConnector(
                conninfo=self.conninfo, min_size=1, max_size=max(4, self.workers + 2)))
            for found in JOBS.values():
                proc.task(name=found.name, queue=found.queue,
                          retry=procrastinate.RetryStrategy(max_attempts=found.retries + 1)
                          if found.retries else False)(self._runner(found))

            @proc.periodic(cron="* * * * *")
            @proc.task(name="jobs.tick", queue="default", queueing_lock="jobs.tick")
            def tick(timestamp: int) -> None:
                from portal.jobs import schedule

                schedule.tick(self.app)

            self._procrastinate = proc
        return self._procrastinate

    def _runner(self, found: Job):
        app = self.app

        def run(**kwargs: Any) -> None:
            from portal.jobs.inprocess import run_now

            run_now(app, found, kwargs)

        run.__name__ = found.name.replace(".", "_")
        return run

    # -- sending -----------------------------------------------------------------------------

    def send(self, job: Job, kwargs: dict[str, Any]) -> None:
        """Insert the job on the session's own connection, in its transaction."""
        from procrastinate.exceptions import AlreadyEnqueued

        task = self.procrastinate().tasks[job.name]
        made = task.configure(lock=job.lock_key(kwargs),
                              queueing_lock=job.queueing_key(kwargs)).make_new_job(**kwargs)
        session = db.session()
        with db.unit_of_work():  # joins the caller's transaction, if any
            raw = session.connection().connection.driver_connection
            try:
                with session.begin_nested():  # a queueing-lock clash must not abort the rest
                    self._deferrer().defer_job(made, connection=raw)
            except AlreadyEnqueued:
                pass  # the same work already waits in the queue

    def _deferrer(self):
        """A job manager on a synchronous connector that only ever writes on the connection it
        is given: inside a worker, procrastinate's own connector is asynchronous and cannot use
        the session's (synchronous) connection."""
        if self._manager is None:
            from procrastinate import SyncPsycopgConnector
            from procrastinate.manager import JobManager

            self._manager = JobManager(SyncPsycopgConnector(conninfo=self.conninfo))
        return self._manager

    # -- the worker, recovery and health -------------------------------------------------------

    def run_worker(self, *, schedule: bool = True) -> None:
        proc = self.procrastinate()
        if not schedule:
            proc.periodic_registry.periodic_tasks.clear()
        proc.run_worker(concurrency=self.workers, update_heartbeat_interval=HEARTBEAT_SECONDS,
                        stalled_worker_timeout=STALLED_SECONDS, install_signal_handlers=True,
                        fetch_job_polling_interval=FETCH_POLL_SECONDS)

    def recover(self) -> list[int]:
        """Jobs left "doing" by workers without a heartbeat run again or fail, with a reason."""
        rows = db.session.execute(text(
            "SELECT job.id, job.task_name, job.args, job.attempts, job.worker_id "
            "FROM procrastinate_jobs job LEFT JOIN procrastinate_workers w "
            "ON w.id = job.worker_id WHERE job.status = 'doing' AND (job.worker_id IS NULL "
            "OR w.id IS NULL OR w.last_heartbeat < NOW() - make_interval(secs => :secs))"),
            {"secs": STALLED_SECONDS}).all()
        db.session.rollback()
        recovered = []
        for job_id, task_name, args, attempts, worker_id in rows:
            found = JOBS.get(task_name)
            retry = found is not None and attempts < found.retries
            reason = f"the worker {worker_id} stopped sending heartbeats (killed or crashed)"
            if found is not None:
                abandon(found, args or {}, reason, final=not retry)
            with db.unit_of_work() as session:
                if retry:
                    session.execute(text("SELECT procrastinate_retry_job_v2(:id, NOW(), "
                                         "NULL, NULL, NULL)"), {"id": job_id})
                else:
                    session.execute(text("SELECT procrastinate_finish_job_v1(:id, 'failed', "
                                         "false)"), {"id": job_id})
            log.warning("job %s (%s): %s; %s", task_name, job_id, reason,
                        "queued again" if retry else "marked failed")
            recovered.append(job_id)
        return recovered

    def counts(self) -> dict[str, int]:
        row = db.session.execute(text(
            "SELECT count(*) FILTER (WHERE status = 'todo'), "
            "count(*) FILTER (WHERE status = 'doing'), "
            "count(*) FILTER (WHERE status = 'failed' AND id IN (SELECT job_id FROM "
            "procrastinate_events WHERE type = 'failed' AND at > NOW() - INTERVAL '1 day')) "
            "FROM procrastinate_jobs")).one()
        return {"queued": row[0], "running": row[1], "failed_recent": row[2]}

    def describe(self) -> str:
        return f"PostgreSQL, {self.workers} job(s) at a time per worker"

    def check(self) -> None:
        """Raise when the database is down or procrastinate's schema is missing."""
        db.session.execute(text("SELECT 1 FROM procrastinate_jobs LIMIT 1"))
        db.session.rollback()

    def apply_schema(self) -> bool:
        """Create procrastinate's tables unless they exist (``portal init``); True if created."""
        with db.engine().connect() as connection:
            present = connection.execute(
                text("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")).scalar()
        if present:
            return False
        proc = self.procrastinate()
        with proc.open():
            proc.schema_manager.apply_schema()
        return True

    def join(self, timeout: float = 30.0) -> bool:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.app.app_context():
                try:
                    left = db.session.execute(text(
                        "SELECT count(*) FROM procrastinate_jobs WHERE status IN "
                        "('todo', 'doing') AND task_name <> 'jobs.tick'")).scalar()
                finally:
                    db.session.remove()
            if not left:
                return True
            time.sleep(0.2)
        return False

    started = False

    def start(self, *, schedule: bool = False) -> None:
        """Jobs run in ``portal worker`` processes, never in the web process."""

    def stop(self, wait: bool = True) -> None:
        if self._procrastinate is not None:
            self._procrastinate = None
