"""The PostgreSQL backend (procrastinate), with a real ``portal worker`` process. Runs when the
suite runs on PostgreSQL (``PORTAL_TEST_DATABASE_URL``), in a database of its own so that
procrastinate's tables never meet the other tests' schema checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from portal import create_app, db, jobs, migrations
from portal.cli import init_command
from portal.validation.models import ValidationReport
from tests import factories
from tests.validation.flow.helpers import CSV_OK

URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"),
                                reason="the procrastinate backend needs PostgreSQL")


@pytest.fixture(scope="module")
def database(worker_id):
    base = make_url(URL)
    name = f"{base.database}_{worker_id}_procrastinate"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def papp(database, tmp_path):
    settings = {"PORTAL_DATABASE_URL": database, "PORTAL_INSTANCE_PATH": str(tmp_path / "i"),
                "PORTAL_SECRET_KEY": "test", "PORTAL_JOBS_BACKEND": "procrastinate",
                "PORTAL_VALIDATION_MODE": "background", "TESTING": True}
    app = create_app(settings)
    app.config["settings"] = settings
    migrations.upgrade(app)
    yield app
    with app.extensions["db_engine"].begin() as connection:
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar():
            connection.execute(text("TRUNCATE procrastinate_jobs, procrastinate_workers "
                                    "CASCADE"))
    from tests.conftest import _empty_tables

    _empty_tables(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


def _count(app, where: str = "TRUE") -> int:
    with app.app_context():
        try:
            return db.session.execute(text(
                f"SELECT count(*) FROM procrastinate_jobs WHERE {where}")).scalar()
        finally:
            db.session.remove()


def test_init_creates_the_queue_once_and_jobs_leave_only_with_the_write(papp):
    runner = papp.test_cli_runner()
    first = runner.invoke(init_command)
    assert first.exit_code == 0, first.output
    assert "Job queue created (procrastinate's tables)." in first.output
    second = runner.invoke(init_command)
    assert second.exit_code == 0 and "Job queue created" not in second.output

    with papp.app_context():
        with pytest.raises(RuntimeError), db.unit_of_work():
            jobs.enqueue("search.index_entity", entity_id="rolled-back")
            raise RuntimeError("the write fails")
        assert _count(papp) == 0
        with db.unit_of_work():
            jobs.enqueue("search.index_entity", entity_id="kept")
        for _ in range(3):
            jobs.enqueue("search.sync")
    assert _count(papp, "task_name = 'search.index_entity'") == 1
    assert _count(papp, "task_name = 'search.sync' AND status = 'todo'") == 1  # queueing lock
    health = jobs.health(papp)
    assert health["ok"] and health["backend"] == "procrastinate"
    assert (health["queued"], health["running"]) == (2, 0)


def test_quality_scores_wait_as_one_job_and_a_change_during_the_run_queues_one_more(papp):
    """Changes ask for ``quality.score_pending`` under a queueing lock: one job waits (``todo``)
    however many changes come; once it runs (``doing``) the next change queues one more."""
    assert papp.test_cli_runner().invoke(init_command).exit_code == 0
    waiting = "task_name = 'quality.score_pending' AND status = 'todo'"
    with papp.app_context():
        factories.entity("ine")
        created = [factories.dataset(f"cambio-{i}") for i in range(4)]
        assert _count(papp, waiting) == 1
        assert db.session.execute(text("SELECT count(*) FROM quality_pending")).scalar() == 4
        with db.unit_of_work() as session:  # a worker has taken it
            session.execute(text(f"UPDATE procrastinate_jobs SET status = 'doing' "
                                 f"WHERE {waiting}"))
        factories.dataset("otro-cambio")
        factories.dataset("y-otro")
        assert _count(papp, waiting) == 1
        assert _count(papp, "task_name = 'quality.score_pending'") == 2
        assert _count(papp, "task_name = 'quality.score_datasets'") == 0
        jobs.run_now("quality.score_pending")  # what either job does: drain the set
        assert db.session.execute(text("SELECT count(*) FROM quality_pending")).scalar() == 0
        assert db.session.execute(text("SELECT count(DISTINCT dataset_id) FROM quality_score"))\
            .scalar() == len(created) + 2
        db.session.remove()


def test_a_real_worker_runs_the_jobs_and_the_schedule(papp, tmp_path):
    assert papp.test_cli_runner().invoke(init_command).exit_code == 0
    env = {**os.environ, **{k: str(v) for k, v in papp.config["settings"].items()
                            if k.startswith("PORTAL_")}, "PORTAL_JOBS_WORKERS": "2"}
    log = tmp_path / "worker.log"
    with log.open("wb") as sink:
        worker = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=sink)
    try:
        with papp.app_context():
            factories.entity("ine")
            dataset = factories.dataset("gastos")
            resource_id = factories.resource(dataset, content=CSV_OK, filename="a.csv").id
        # The schedule's tick runs on the worker and enqueues from inside a job.
        deadline = time.monotonic() + 60
        while not _count(papp, "task_name = 'harvest.enqueue_due' AND status = 'succeeded'"):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert jobs.join(papp, timeout=60), log.read_text()
        assert _count(papp, "status = 'failed'") == 0, log.read_text()
        with papp.app_context():
            report = db.session.scalar(select(ValidationReport).where(
                ValidationReport.resource_id == resource_id))
            db.session.remove()
        assert report.status == "success"
    finally:
        worker.terminate()
        worker.wait(20)


def test_jobs_of_a_worker_without_heartbeat_come_back_with_the_domain_told(papp):
    assert papp.test_cli_runner().invoke(init_command).exit_code == 0
    with papp.app_context():
        factories.entity("ine")
        dataset = factories.dataset("gastos")
        resource_id = factories.resource(dataset, content=CSV_OK, filename="a.csv").id
        with db.unit_of_work() as session:  # as a worker killed mid-validation leaves them
            session.execute(text("UPDATE validation_report SET status = 'running', "
                                 "started = :now WHERE resource_id = :r"),
                            {"now": db.utcnow(), "r": resource_id})
            dead = session.execute(text(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES "
                "(NOW() - INTERVAL '10 minutes') RETURNING id")).scalar()
            session.execute(text("DELETE FROM procrastinate_jobs WHERE task_name <> "
                                 "'validation.validate_resource'"))
            session.execute(text("UPDATE procrastinate_jobs SET status = 'doing', "
                                 "worker_id = :w"), {"w": dead})
        assert len(jobs.backend().recover()) == 1
        assert db.session.execute(text("SELECT status FROM procrastinate_jobs")).scalar() \
            == "todo"  # validation has a retry left
        assert db.session.execute(text("SELECT status FROM validation_report")).scalar() \
            == "pending"
        db.session.remove()


def test_health_names_a_queue_that_cannot_be_reached(tmp_path):
    down = make_url(URL).set(port=1, host="127.0.0.1").render_as_string(hide_password=False)
    app = create_app({"PORTAL_DATABASE_URL": down, "PORTAL_INSTANCE_PATH": str(tmp_path),
                      "PORTAL_SECRET_KEY": "t", "PORTAL_JOBS_BACKEND": "procrastinate",
                      "TESTING": True})
    health = jobs.health(app)
    assert health["ok"] is False and "cannot be reached" in health["detail"]
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0 and "the job queue (procrastinate) cannot be used" in \
        result.output
    app.extensions["db_engine"].dispose()
    started = time.monotonic()
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        create_app({"PORTAL_DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TESTING": True,
                    "PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_JOBS_BACKEND":
                    "procrastinate"})
    assert time.monotonic() - started < 30
