"""The job queue's embedded backend: jobs leave only with a committed write, wait in the queue
once, never run twice at once under one lock, are retried, and come back (or fail with the
reason) when the process running them died; after-commit work never waits for a second
connection."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import Session

from portal import db, jobs
from portal.jobs import schedule
from portal.jobs.models import QueuedJob
from portal.jobs.registry import JOBS

calls: list[tuple[str, dict]] = []
active = {"now": 0, "most": 0}
guard = threading.Lock()


@jobs.job("test.record")
def record(**kwargs) -> None:
    calls.append(("record", kwargs))


@jobs.job("test.exclusive", lock=lambda **_: "one-at-a-time")
def exclusive(n: int) -> None:
    with guard:
        active["now"] += 1
        active["most"] = max(active["most"], active["now"])
    time.sleep(0.05)
    with guard:
        active["now"] -= 1
    calls.append(("exclusive", {"n": n}))


@jobs.job("test.flaky", retries=1)
def flaky(fail_times: int) -> None:
    calls.append(("flaky", {}))
    if len([c for c in calls if c[0] == "flaky"]) <= fail_times:
        raise RuntimeError("boom")


abandoned: list[tuple[str, bool, dict]] = []


@jobs.job("test.abandonable", retries=1,
          abandoned=lambda reason, final, **kw: abandoned.append((reason, final, kw)))
def abandonable(item: str) -> None:
    calls.append(("abandonable", {"item": item}))


@pytest.fixture(autouse=True)
def _reset():
    calls.clear()
    abandoned.clear()
    active.update(now=0, most=0)
    yield


def _rows(app, **where):
    with app.app_context():
        query = select(QueuedJob)
        for key, value in where.items():
            query = query.where(getattr(QueuedJob, key) == value)
        found = list(db.session.scalars(query))
        db.session.remove()
        return found


def test_a_job_leaves_only_with_a_committed_write(make_app):
    app = make_app(PORTAL_JOBS_MODE="sync")
    with app.app_context():
        with pytest.raises(RuntimeError), db.unit_of_work():
            jobs.enqueue(record, what="rolled back")
            raise RuntimeError("the write fails")
        assert calls == []
        with db.unit_of_work():
            jobs.enqueue("test.record", what="committed")
            assert calls == []  # not before the commit
        assert calls == [("record", {"what": "committed"})]


def test_background_jobs_wait_in_the_table_with_the_write(make_app):
    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=2)
    with app.app_context():
        with pytest.raises(RuntimeError), db.unit_of_work():
            jobs.enqueue(record, what="rolled back")
            raise RuntimeError("the write fails")
        with db.unit_of_work():
            jobs.enqueue(record, what="kept")
    assert [row.args for row in _rows(app)] == [{"what": "kept"}]
    assert jobs.health(app) | {"detail": ""} == {
        "backend": "inprocess", "ok": True, "detail": "", "queued": 1, "running": 0,
        "failed_recent": 0}
    jobs.backend(app).start()
    assert jobs.join(app, timeout=20)
    assert calls == [("record", {"what": "kept"})]
    assert _rows(app) == []  # done jobs leave nothing behind


def test_bad_arguments_and_unknown_jobs_are_refused_with_their_name(make_app):
    app = make_app(PORTAL_JOBS_MODE="sync")
    with app.app_context():
        with pytest.raises(jobs.JobError, match=r"argument 'when' .* not datetime"):
            import datetime

            jobs.enqueue(record, when=datetime.datetime.now())
        with pytest.raises(jobs.JobError, match=r"unknown job 'test\.nothing'"):
            jobs.enqueue("test.nothing")
    with pytest.raises(ValueError, match="PORTAL_JOBS_BACKEND must be one of"):
        make_app(PORTAL_JOBS_BACKEND="redis")
    with pytest.raises(ValueError, match="PORTAL_JOBS_MODE must be one of"):
        make_app(PORTAL_JOBS_MODE="later")


def test_queueing_lock_keeps_one_waiting_copy_and_lock_keeps_runs_apart(make_app):
    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=4)
    with app.app_context():
        for _ in range(3):
            jobs.enqueue("search.sync")
        for n in range(6):
            jobs.enqueue(exclusive, n=n)
    assert len(_rows(app, name="search.sync")) == 1
    assert len(_rows(app, name="test.exclusive")) == 6
    jobs.backend(app).start()
    assert jobs.join(app, timeout=30)
    assert sorted(c[1]["n"] for c in calls if c[0] == "exclusive") == list(range(6))
    assert active["most"] == 1


def test_two_senders_of_one_queueing_key_at_the_same_moment_leave_one_waiting_job(make_app):
    """Both look for a waiting copy at the same moment (a barrier holds each sender's lookup
    until the other's arrives, for up to 2 s): without the senders taking turns, both find none
    and both insert."""
    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    barrier = threading.Barrier(2, timeout=2)
    senders = set()

    def hold_the_lookup(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() in senders and statement.lstrip().startswith("SELECT") \
                and "queued_job" in statement:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    def send() -> None:
        senders.add(threading.get_ident())
        with app.app_context():
            jobs.enqueue("search.sync")

    with app.app_context():
        engine = db.engine()
    event.listen(engine, "before_cursor_execute", hold_the_lookup)
    try:
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        event.remove(engine, "before_cursor_execute", hold_the_lookup)
    assert len(_rows(app, name="search.sync")) == 1


def test_a_failing_job_is_retried_then_marked_failed_with_its_error(make_app):
    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    with app.app_context():
        jobs.enqueue(flaky, fail_times=1)
    jobs.backend(app).start()
    assert jobs.join(app, timeout=20)
    assert len(calls) == 2 and _rows(app) == []  # failed once, done the second time

    calls.clear()
    with app.app_context():
        jobs.enqueue(flaky, fail_times=5)
    jobs.join(app, timeout=20)
    deadline = time.monotonic() + 20
    while not _rows(app, status="failed") and time.monotonic() < deadline:
        time.sleep(0.1)
    [failed] = _rows(app, status="failed")
    assert failed.attempts == 2 and failed.error == "RuntimeError: boom"
    assert jobs.health(app)["failed_recent"] == 1


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_jobs_of_a_dead_process_come_back_or_fail_with_the_reason(make_app):
    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    carrier = jobs.backend(app)
    host = socket.gethostname()
    assert carrier.owner.startswith(f"{host}:{os.getpid()}:")
    dead = f"{host}:{_dead_pid()}"
    with app.app_context(), db.unit_of_work() as session:
        now = db.utcnow()
        session.add_all([
            QueuedJob(id="first-try", name="test.abandonable", args={"item": "a"},
                      status="running", attempts=1, max_attempts=2, owner=dead,
                      started=now, heartbeat=now),
            QueuedJob(id="last-try", name="test.abandonable", args={"item": "b"},
                      status="running", attempts=2, max_attempts=2, owner=dead,
                      started=now, heartbeat=now),
            # alive (this process) and beating: left alone
            QueuedJob(id="alive", name="test.abandonable", args={"item": "c"},
                      status="running", attempts=1, max_attempts=2,
                      owner=f"{host}:{_alive_pid}", started=now, heartbeat=now),
            # another machine, silent for too long
            QueuedJob(id="silent", name="test.abandonable", args={"item": "d"},
                      status="running", attempts=1, max_attempts=2, owner="elsewhere:1",
                      started=now, heartbeat=now.replace(year=2000)),
        ])
    with app.app_context():
        assert sorted(carrier.recover()) == ["first-try", "last-try", "silent"]
    assert _rows(app, id="first-try")[0].status == "queued"
    [last] = _rows(app, id="last-try")
    assert last.status == "failed" and "stopped while running it" in last.error
    assert _rows(app, id="alive")[0].status == "running"
    assert sorted((kw["item"], final) for _reason, final, kw in abandoned) == [
        ("a", False), ("b", True), ("d", False)]


def test_two_apps_in_one_process_never_take_each_others_running_jobs(make_app):
    """Each backend has an owner of its own: another app's job running in this process is
    alive, not the leftover of a dead worker."""
    one = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    other = jobs.backend(make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1))
    assert other.owner != jobs.backend(one).owner
    with one.app_context(), db.unit_of_work() as session:
        now = db.utcnow()
        session.add(QueuedJob(id="the-other-apps", name="test.abandonable", args={"item": "o"},
                              status="running", attempts=1, max_attempts=2,
                              owner=other.owner, started=now, heartbeat=now))
    other._running.add("the-other-apps")
    with one.app_context():
        assert jobs.backend(one).recover() == []
    assert _rows(one, id="the-other-apps")[0].status == "running"
    assert abandoned == []


_alive_pid = subprocess.os.getppid()


def test_a_job_just_claimed_is_not_taken_for_one_whose_thread_died(make_app, monkeypatch):
    """jobs.recover runs on a pool thread while the dispatcher claims rows: right after a claim
    commits, the row (this process's, running) must already count as running here."""
    from portal.jobs import inprocess

    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    carrier = jobs.backend(app)
    with app.app_context(), db.unit_of_work():
        jobs.enqueue(record, what="claimed")
    real_unit_of_work = inprocess.unit_of_work
    recovered: list[list[str]] = []

    @contextlib.contextmanager
    def then_recover():
        with real_unit_of_work() as session:
            yield session
        if not recovered:  # the claim's commit: now recover runs, as on another thread
            recovered.append([])
            recovered[0] = carrier.recover()

    submitted = []
    monkeypatch.setattr(inprocess, "unit_of_work", then_recover)
    monkeypatch.setattr(carrier, "_pool", SimpleNamespace(
        submit=lambda *args: submitted.append(args), shutdown=lambda **_: None))
    with app.app_context():
        carrier._dispatch()
    assert recovered == [[]]
    [row] = _rows(app)
    assert row.status == "running" and row.attempts == 1 and len(submitted) == 1


def test_a_dispatcher_that_outlives_stop_gives_back_what_it_claimed(make_app, monkeypatch):
    """stop() waits 10 s for the dispatcher; one still claiming a row after that (a slow
    database under load) finds the pool shut down: the row goes back to the queue as it was,
    not left running under this process with nothing running it."""
    from concurrent.futures import ThreadPoolExecutor

    from portal.jobs import inprocess

    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    carrier = jobs.backend(app)
    with app.app_context(), db.unit_of_work():
        jobs.enqueue(record, what="late")
    real_unit_of_work = inprocess.unit_of_work

    @contextlib.contextmanager
    def stopped_meanwhile():
        with real_unit_of_work() as session:
            yield session
        carrier.stop()  # the claim has committed: now stop() shuts the pool down

    monkeypatch.setattr(carrier, "_pool", ThreadPoolExecutor(1))
    monkeypatch.setattr(inprocess, "unit_of_work", stopped_meanwhile)
    with app.app_context():
        carrier._dispatch()
    [row] = _rows(app)
    assert (row.status, row.attempts, row.owner) == ("queued", 0, "")
    assert carrier._running == set() and calls == []


def test_after_commit_work_does_not_wait_for_a_second_connection(make_app, migrated):
    """Issue 19 item 4: with one connection in the pool, an after-commit callback that opens
    a session of its own still gets one (the committing session has given its back)."""
    app = make_app(PORTAL_JOBS_MODE="off")
    app.extensions["db_engine"] = create_engine(migrated, pool_size=1, max_overflow=0,
                                                pool_timeout=2)
    seen = []

    def read_apart() -> None:
        with Session(db.engine()) as other:
            seen.append(other.execute(text("SELECT 2")).scalar())

    with app.app_context(), db.unit_of_work() as session:
        session.execute(text("SELECT 1"))
        db.on_commit(read_apart)
    assert seen == [2]
    app.extensions["db_engine"].dispose()


def test_the_schedule_enqueues_each_periodic_job_once_per_interval(make_app):
    app = make_app(PORTAL_JOBS_MODE="background")
    periodic = sorted(name for name, found in JOBS.items() if found.every)
    assert {"jobs.recover", "search.sync", "search.reconcile", "harvest.enqueue_due",
            "validation.recover", "feeds.build_dumps"} <= set(periodic)
    assert schedule.tick(app, now=1000.0) == periodic
    assert schedule.tick(app, now=1030.0) == []
    assert schedule.tick(app, now=1061.0) == ["harvest.enqueue_due", "jobs.recover",
                                              "search.sync"]
    # Waiting copies are not piled up: one row per periodic job.
    assert sorted(row.name for row in _rows(app)) == periodic


def test_the_server_refuses_to_start_without_its_queue(tmp_path):
    """``portal serve`` checks the queue at start-up: a database never initialised has none."""
    from portal import create_app, server

    app = create_app({"PORTAL_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db",
                      "PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_SECRET_KEY": "t",
                      "TESTING": True})
    problems = server.check(app)
    assert [p for p in problems if p.startswith(
        "PORTAL_JOBS_BACKEND: the job queue cannot be reached")], problems
    health = jobs.health(app)
    assert health["ok"] is False and health["queued"] is None
    app.extensions["db_engine"].dispose()


def test_jobs_running_when_their_process_shuts_down_go_back_to_the_queue(make_app):
    """A gunicorn worker recycled mid-job: the job is queued again with its attempt given back,
    after its domain has ended what the interrupted run left behind."""
    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    carrier = jobs.backend(app)
    with app.app_context(), db.unit_of_work() as session:
        now = db.utcnow()
        session.add(QueuedJob(id="mid-run", name="test.abandonable", args={"item": "x"},
                              status="running", attempts=1, max_attempts=2,
                              owner=carrier.owner, started=now, heartbeat=now))
    carrier._running.add("mid-run")
    assert carrier.release() == ["mid-run"]
    [row] = _rows(app, id="mid-run")
    assert (row.status, row.attempts, row.owner) == ("queued", 0, "")
    assert "shut down" in row.error
    assert [(kw["item"], final) for _reason, final, kw in abandoned] == [("x", False)]
