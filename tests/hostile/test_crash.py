"""Crash test (issue 19 item 6): kill -9 of a real server process mid-writes, of a worker
mid-validation and of a worker mid-harvest, then a restart. Afterwards the database is
consistent (every write answered with success is there, nothing half-written), the search index
catches up with the database by itself within seconds, and no job is left running.

Runs on SQLite, or on the PostgreSQL server of ``PORTAL_TEST_DATABASE_URL`` (a database of its
own), with the embedded job backend: jobs in the portal's database, run by the server's job
threads or by ``portal worker`` processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from functools import partial
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.load import PORTAL, ROOT, environment, free_port, seed, start_server
from portal import create_app, db, jobs
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.harvest import services as harvest
from portal.harvest.models import HarvestJob, HarvestLock
from portal.jobs.models import QueuedJob
from portal.validation.models import ValidationReport
from tests.harvest.servers import FakeCkan, Reply, Site, ckan_package, serve
from tests.harvest.servers import held as hold_reply

CSV = b"departamento,poblacion\nLa Paz,3023791\nOruro,570194\n"


@pytest.fixture
def database(tmp_path, worker_id):
    url = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path}/crash.db"
        return
    base = make_url(url)
    name = f"{base.database}_{worker_id}_crash"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def portal_env(database, tmp_path):
    env = environment(database, tmp_path / "instance")
    env.update(PORTAL_JOBS_TICK_SECONDS="1", PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.0/8",
               PORTAL_VALIDATION_MODE="background", PORTAL_SERVE_WORKERS="2",
               PORTAL_SERVE_THREADS="8")
    token = seed(env, datasets=3)
    app = create_app({**{k: v for k, v in env.items() if k.startswith("PORTAL_")},
                      "TESTING": True})  # enqueues (background) but runs nothing itself
    yield env, token, app
    jobs.backend(app).stop()
    app.extensions["db_engine"].dispose()


def _kill(process: subprocess.Popen) -> None:
    """kill -9 of the process and of every process it started (gunicorn's workers)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def _until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def _worker(env, log: Path) -> subprocess.Popen:
    with log.open("ab") as sink:
        return subprocess.Popen([*PORTAL, "worker", "--no-schedule"], env=env, cwd=ROOT,
                                stdout=sink, stderr=sink, start_new_session=True)


def _scalar(app, query):
    with app.app_context():
        try:
            return db.session.scalar(query)
        finally:
            db.session.remove()


def _no_job_left(app) -> bool:
    return not _scalar(app, select(func.count()).select_from(QueuedJob).where(
        QueuedJob.status.in_(("queued", "running"))))


def test_server_killed_mid_writes_loses_nothing_and_the_index_catches_up(portal_env, tmp_path):
    env, token, app = portal_env
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, tmp_path / "server.log")
    confirmed: list[str] = []
    stop = threading.Event()

    def write(number: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = token
        count = 0
        while not stop.is_set():
            count += 1
            name = f"choque-{number}-{count}"
            try:
                answer = session.post(f"{base}/api/3/action/package_create", timeout=10, json={
                    "name": name, "title": f"Choque {number} {count}", "owner_org": "ine",
                    "license_id": "CC-BY-4.0"})
            except requests.RequestException:
                return  # the server is gone
            if answer.status_code == 200 and answer.json()["success"]:
                confirmed.append(name)

    writers = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in writers:
        thread.start()
    _until(lambda: len(confirmed) >= 20, 30, "20 confirmed writes")
    _kill(server)  # mid-writes: requests in flight, jobs queued or running
    stop.set()
    for thread in writers:
        thread.join(15)

    # Committed while no server ran, and never indexed: only the index's own catch-up finds it.
    with app.app_context():
        for number in range(3):
            catalog.create_dataset({"name": f"a-oscuras-{number}", "title": "A oscuras",
                                    "entity": "ine", "license_id": "CC-BY-4.0"}, SYSTEM)
        db.session.remove()

    server = start_server(env, port, tmp_path / "server.log")
    try:
        with app.app_context():
            names = set(db.session.scalars(select(Dataset.name)))
            db.session.remove()
        assert set(confirmed) <= names  # no lost write
        public = len(names)

        def index_count() -> bool:
            answer = requests.get(f"{base}/api/3/action/package_search", timeout=10,
                                  params={"rows": 0}).json()
            return answer["result"]["count"] == public

        _until(index_count, 30, "the index to count every dataset of the database")
        _until(lambda: _no_job_left(app), 30, "the queue to drain")
    finally:
        server.terminate()
        server.wait(30)
    check = subprocess.run([*PORTAL, "search", "check"], env=env, cwd=ROOT, capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout
    assert not _scalar(app, select(func.count()).select_from(QueuedJob).where(
        QueuedJob.status == "running"))


def test_worker_killed_mid_validation_and_mid_harvest(portal_env, tmp_path):
    env, _token, app = portal_env
    hold = threading.Event()
    hold.set()

    held = partial(hold_reply, hold=hold, seconds=30)

    site = Site()
    site.add("/files/lento.csv", held(Reply(CSV, content_type="text/csv")))
    ckan = FakeCkan(site, [])
    slow_search = site.routes["/api/3/action/package_search"]
    site.add("/api/3/action/package_search",
             lambda query: held(slow_search(query))(query))
    log = tmp_path / "worker.log"
    with serve(site) as base:
        ckan.packages.extend(ckan_package(n) for n in range(1, 7))
        with app.app_context():
            dataset = catalog.create_dataset({"name": "lento", "title": "Lento",
                                              "entity": "ine", "license_id": "CC-BY-4.0"},
                                             SYSTEM)
            resource_id = catalog.create_resource(dataset, {
                "url": f"{base}/files/lento.csv", "name": "lento.csv", "format": "CSV"},
                SYSTEM).id
            source = harvest.create_source({"name": "remota", "type": "ckan", "url": base,
                                            "entity": "ine"}, SYSTEM)
            source_id = source.id
            jobs.enqueue("harvest.run_source", source_id=source_id)
            db.session.remove()

        worker = _worker(env, log)
        try:
            _until(lambda: _scalar(app, select(ValidationReport.status).where(
                ValidationReport.resource_id == resource_id)) == "running", 30,
                "the validation to start")
            _until(lambda: _scalar(app, select(HarvestJob.status).where(
                HarvestJob.source_id == source_id)) == "running", 30, "the harvest to start")
        finally:
            _kill(worker)  # mid-validation and mid-harvest
        hold.clear()

        worker = _worker(env, log)
        try:
            # The validation runs again (it had a retry left) and ends.
            _until(lambda: _scalar(app, select(ValidationReport.status).where(
                ValidationReport.resource_id == resource_id)) == "success", 30,
                "the validation to be retried and succeed")
            # The harvest is ended with the reason and its source freed.
            ended = _until(lambda: _scalar(app, select(HarvestJob).where(
                HarvestJob.source_id == source_id, HarvestJob.status != "running")), 30,
                "the dead harvest to be ended")
            assert ended.status == "failed" and "stopped while running it" in ended.message
            assert _scalar(app, select(HarvestLock).where(
                HarvestLock.source_id == source_id)) is None
            [failed] = list(_rows_failed(app))
            assert failed.name == "harvest.run_source" and "stopped" in failed.error
            with app.app_context():
                jobs.enqueue("harvest.run_source", source_id=source_id)  # run it again
                db.session.remove()
            _until(lambda: _scalar(app, select(func.count()).select_from(HarvestJob).where(
                HarvestJob.source_id == source_id, HarvestJob.status == "done")), 30,
                "the new harvest to finish")
            _until(lambda: _no_job_left(app), 30, "the queue to drain")
        finally:
            worker.terminate()
            worker.wait(30)
    harvested = _scalar(app, select(func.count()).select_from(Dataset).where(
        Dataset.name.like("conjunto-%")))
    assert harvested == 6  # each remote dataset once: nothing doubled by the dead run
    assert not _scalar(app, select(func.count()).select_from(HarvestJob).where(
        HarvestJob.status == "running"))


def _rows_failed(app):
    with app.app_context():
        try:
            return list(db.session.scalars(select(QueuedJob).where(
                QueuedJob.status == "failed")))
        finally:
            db.session.remove()

