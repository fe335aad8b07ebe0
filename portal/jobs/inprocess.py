"""The embedded backend: the queue is a table of the portal's own database (SQLite by default)
and a pool of threads in the process runs it. No server to install.

``PORTAL_JOBS_MODE`` says what ``enqueue`` does:

* ``background`` (default): a row in the ``job`` table, written in the caller's transaction (a
  rolled-back write queues nothing); after the commit a dispatcher thread hands it to one of
  ``PORTAL_JOBS_WORKERS`` threads of this process or of any ``portal worker``;
* ``sync`` (the default under ``TESTING``): run at once after the commit, in a fresh app context;
* ``off``: nothing runs (jobs can still be run by hand).

A row names the process that runs it (``host:pid``) and that process refreshes its heartbeat.
``recover()`` (at start-up and on every tick) finds rows whose process is gone (pid dead on this
host, or no heartbeat for ``STALLED_SECONDS``): they run again if retries are left, or are marked
failed with the reason. Jobs are idempotent, so running one twice is safe.
"""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import and_, delete, exists, false, func, select, update
from sqlalchemy.orm import aliased

from portal import config, db
from portal.db import on_commit, unit_of_work, utcnow
from portal.jobs.models import QueuedJob
from portal.jobs.registry import JOBS, Job, abandon

log = logging.getLogger(__name__)

MODES = ("background", "sync", "off")
HEARTBEAT_SECONDS = 10
STALLED_SECONDS = 60
POLL_SECONDS = 2.0
KEEP_FAILED = timedelta(days=7)


def resolve_mode(app) -> str:
    return config.mode(app.config, "PORTAL_JOBS_MODE", MODES, testing="sync")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _serialize_senders(session, key: str) -> None:
    """Until this transaction ends, no other one sending ``key`` gets past this point, so "is a
    copy already waiting?" and the insert that follows stay one step: two processes queueing
    the same key at once leave one waiting job, not two. PostgreSQL: a transaction-level
    advisory lock on the key. SQLite has one writer at a time: take its write lock now (a
    write that changes nothing) rather than at the insert, after the read."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))
    else:
        session.execute(update(QueuedJob).where(false()).values(id=QueuedJob.id),
                        execution_options={"synchronize_session": False})


def run_now(app: Flask, job: Job, kwargs: dict[str, Any]) -> None:
    """Run one job in a fresh app context (its own session); exceptions go to the caller."""
    with app.app_context():
        try:
            job.function(**kwargs)
        finally:
            db.session.remove()


class InProcessBackend:
    name = "inprocess"

    def __init__(self, app: Flask):
        self.app = app
        self.mode = resolve_mode(app)
        self.workers = max(0, int(app.config.get("PORTAL_JOBS_WORKERS") or 0))
        # host:pid:instance: a process may hold several apps (tests, tools), each its own
        # backend; one must never take the other's running jobs for those of a dead worker.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._running: set[str] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._dispatcher: threading.Thread | None = None

    # -- sending ---------------------------------------------------------------------------

    def send(self, job: Job, kwargs: dict[str, Any]) -> None:
        if self.mode == "off":
            return
        if self.mode == "sync":
            app = self.app
            on_commit_or_now(lambda: self._run_sync(app, job, kwargs))
            return
        waiting = job.queueing_key(kwargs)
        with unit_of_work() as session:  # joins the caller's transaction, if any
            if waiting is not None:
                _serialize_senders(session, waiting)
                if session.scalar(select(QueuedJob.id).where(
                        QueuedJob.queueing_key == waiting, QueuedJob.status == "queued")
                        .limit(1)):
                    return  # the same work already waits in the queue
            session.add(QueuedJob(name=job.name, queue=job.queue, args=kwargs,
                                  lock_key=job.lock_key(kwargs), queueing_key=waiting,
                                  max_attempts=job.retries + 1))
            on_commit(self.wake, key=("jobs.wake", id(self)))

    def _run_sync(self, app: Flask, job: Job, kwargs: dict[str, Any]) -> None:
        try:
            run_now(app, job, kwargs)
        except Exception:  # the write that queued it has committed: log, never undo it
            log.exception("job %s failed", job.name)

    def wake(self) -> None:
        self._wake.set()

    # -- running -----------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._dispatcher is not None

    def start(self, *, schedule: bool = False) -> None:
        """Start the dispatcher and the pool in this process (``portal worker``, the web), and
        with ``schedule`` the schedule's ticker. Idempotent."""
        with self._lock:
            if self._dispatcher is not None or self.mode != "background" or not self.workers:
                return
            self._stop.clear()
            if schedule:
                from portal.jobs.schedule import start_ticker

                self._ticker = start_ticker(self.app, self._stop)
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="job")
            atexit.register(self.release)
            self._dispatcher = threading.Thread(target=self._loop, name="job-dispatcher",
                                                daemon=True)
            self._dispatcher.start()

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        self._wake.set()
        if self._dispatcher is not None:
            self._dispatcher.join(10)
        if self._ticker is not None:
            self._ticker.join(10)
            self._ticker = None
        if self._pool is not None:
            self._pool.shutdown(wait=wait)
        self._dispatcher = self._pool = None

    def _loop(self) -> None:
        last_beat = 0.0
        with self.app.app_context():
            self._safely(self.recover)
        while not self._stop.is_set():
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                return
            with self.app.app_context():
                if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                    self._safely(self._heartbeat)
                    last_beat = time.monotonic()
                self._safely(self._dispatch)

    @staticmethod
    def _safely(work) -> None:
        try:
            work()
        except Exception:  # the dispatcher outlives a database that is down for a moment
            log.exception("job dispatcher: %s failed", getattr(work, "__name__", work))
        finally:
            db.session.remove()

    def _dispatch(self) -> None:
        pool = self._pool  # stop() lets it go: a dispatcher that outlived its join claims nothing
        free = self.workers - len(self._running)
        if free <= 0 or pool is None:
            return
        other = aliased(QueuedJob)
        busy = exists().where(other.lock_key == QueuedJob.lock_key, other.status == "running")
        candidates = db.session.execute(
            select(QueuedJob.id, QueuedJob.name, QueuedJob.args).where(
                QueuedJob.status == "queued", QueuedJob.name.in_(list(JOBS)))
            .order_by(QueuedJob.created).limit(free * 4)).all()
        db.session.rollback()
        for job_id, name, args in candidates:
            if free <= 0 or self._stop.is_set():
                break
            now = utcnow()
            # Named as running here before the claim is committed: recover(), run by the
            # jobs.recover job on a pool thread, takes a row of this process that is not in
            # _running for one whose thread died, and would queue it a second time.
            with self._lock:
                self._running.add(job_id)
            claimed = 0
            try:
                with unit_of_work() as session:
                    claimed = session.execute(
                        update(QueuedJob).where(
                            QueuedJob.id == job_id, QueuedJob.status == "queued",
                            (QueuedJob.lock_key.is_(None)) | ~busy)
                        .values(status="running", owner=self.owner, started=now, heartbeat=now,
                                attempts=QueuedJob.attempts + 1)
                        .execution_options(synchronize_session=False)).rowcount
            finally:
                if claimed != 1:
                    with self._lock:
                        self._running.discard(job_id)
            if claimed != 1:
                continue
            try:
                pool.submit(self._execute, job_id, name, args or {})
            except RuntimeError:  # stop() shut the pool down after the claim: give it back
                self._give_back(job_id)
                return
            free -= 1

    def _give_back(self, job_id: str) -> None:
        """A job claimed here that will not run here goes back to the queue as it was."""
        with unit_of_work() as session:
            session.execute(update(QueuedJob).where(
                QueuedJob.id == job_id, QueuedJob.status == "running",
                QueuedJob.owner == self.owner)
                .values(status="queued", owner="", attempts=QueuedJob.attempts - 1)
                .execution_options(synchronize_session=False))
        with self._lock:
            self._running.discard(job_id)

    def _execute(self, job_id: str, name: str, args: dict[str, Any]) -> None:
        error = ""
        try:
            run_now(self.app, JOBS[name], args)
        except Exception as exc:  # recorded on the row: a worker outlives a failing job
            log.exception("job %s (%s) failed", name, job_id)
            error = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                self._running.discard(job_id)
        with self.app.app_context():
            try:
                self._finish(job_id, error)
            finally:
                db.session.remove()
        self._wake.set()

    @staticmethod
    def _finish(job_id: str, error: str) -> None:
        with unit_of_work() as session:
            if not error:  # done: nothing to keep (the outcome is where the domain keeps it)
                session.execute(delete(QueuedJob).where(QueuedJob.id == job_id))
                return
            row = session.get(QueuedJob, job_id)
            if row is None:
                return
            retry = row.attempts < row.max_attempts
            row.status = "queued" if retry else "failed"
            row.error = error
            row.finished = None if retry else utcnow()

    def _heartbeat(self) -> None:
        with self._lock:
            ids = list(self._running)
        if ids:
            with unit_of_work() as session:
                session.execute(update(QueuedJob).where(QueuedJob.id.in_(ids))
                                .values(heartbeat=utcnow())
                                .execution_options(synchronize_session=False))

    def release(self) -> list[str]:
        """At exit (a gunicorn worker recycled after its quota of requests, a stopped worker):
        jobs still running here are given back to the queue without using up an attempt, after
        their domain ended what they leave "running". Returns their ids."""
        with self._lock:
            ids = list(self._running)
        if not ids:
            return []
        reason = f"the process {self.owner} stopped while running it (shut down)"
        with self.app.app_context():
            try:
                for row in db.session.scalars(select(QueuedJob).where(
                        QueuedJob.id.in_(ids), QueuedJob.status == "running",
                        QueuedJob.owner == self.owner)).all():
                    if row.name in JOBS:
                        abandon(JOBS[row.name], row.args or {}, reason, final=False)
                    with unit_of_work() as session:
                        session.execute(update(QueuedJob).where(QueuedJob.id == row.id).values(
                            status="queued", owner="", error=reason,
                            attempts=QueuedJob.attempts - 1)
                            .execution_options(synchronize_session=False))
            except Exception:  # at exit: whatever is left is found later by recover()
                log.exception("could not give back the running jobs at exit")
            finally:
                db.session.remove()
        return ids

    # -- recovery and health -------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Put back (or fail, with the reason) the jobs whose worker died; drop old failures.
        Returns the ids of the jobs recovered."""
        now = utcnow()
        host = socket.gethostname()
        cutoff = now - timedelta(seconds=STALLED_SECONDS)
        recovered = []
        rows = db.session.scalars(select(QueuedJob).where(QueuedJob.status == "running")).all()
        for row in rows:
            owner_host, _, pid = row.owner.partition(":")
            pid = pid.partition(":")[0]  # host:pid:instance (host:pid before)
            if row.owner == self.owner and row.id in self._running:
                continue
            dead = owner_host == host and pid.isdigit() and (
                not _pid_alive(int(pid)) or row.owner == self.owner)
            silent = row.heartbeat is None or row.heartbeat < cutoff
            if not (dead or silent):
                continue
            reason = (f"the worker {row.owner} stopped while running it (killed or crashed)"
                      if dead else f"the worker {row.owner} sent no heartbeat for "
                      f"{STALLED_SECONDS} s")
            with unit_of_work() as session:
                retry = row.attempts < row.max_attempts
                changed = session.execute(
                    update(QueuedJob).where(QueuedJob.id == row.id,
                                            QueuedJob.status == "running",
                                            QueuedJob.owner == row.owner)
                    .values(status="queued" if retry else "failed", error=reason,
                            finished=None if retry else now)
                    .execution_options(synchronize_session=False)).rowcount
            if changed and row.name in JOBS:
                abandon(JOBS[row.name], row.args or {}, reason, final=not retry)
            if changed:
                log.warning("job %s (%s): %s; %s", row.name, row.id, reason,
                            "queued again" if retry else "marked failed")
                recovered.append(row.id)
        with unit_of_work() as session:
            session.execute(delete(QueuedJob).where(QueuedJob.status == "failed",
                                                    QueuedJob.finished < now - KEEP_FAILED))
        if recovered:
            self._wake.set()
        return recovered

    def counts(self) -> dict[str, int]:
        since = utcnow() - timedelta(days=1)
        rows = db.session.execute(
            select(QueuedJob.status, func.count()).where(
                (QueuedJob.status != "failed") | and_(QueuedJob.finished >= since))
            .group_by(QueuedJob.status)).all()
        found = dict(rows)
        return {"queued": found.get("queued", 0), "running": found.get("running", 0),
                "failed_recent": found.get("failed", 0)}

    def describe(self) -> str:
        return f"mode {self.mode}, {self.workers} thread(s) per process"

    def check(self) -> None:
        """Raise if the queue cannot be used (its table is missing: run ``portal init``)."""
        db.session.execute(select(QueuedJob.id).limit(1))

    def join(self, timeout: float = 30.0) -> bool:
        """Wait until no job is queued or running (tests, benchmarks); True when drained."""
        if self.mode != "background":
            return True

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._wake.set()
            with self.app.app_context():
                try:
                    left = db.session.scalar(select(func.count()).select_from(QueuedJob).where(
                        QueuedJob.status.in_(("queued", "running"))))
                finally:
                    db.session.remove()
            if not left:
                return True
            time.sleep(0.1)
        return False


def on_commit_or_now(callback) -> None:
    """After the current unit of work commits, or now when none is open."""
    if db.session().info.get("uow_depth", 0) > 0:
        on_commit(callback)
    else:
        callback()
