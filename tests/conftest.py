"""Fixtures shared by the whole suite: a real app on a real database, a client and a CLI runner.

The database is SQLite in a temporary folder, or the PostgreSQL server named by
``PORTAL_TEST_DATABASE_URL``. Its schema is built once per run by the real migrations; after each
test every table is emptied, so tests stay independent and fast.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from portal import create_app, db
from portal.auth.permissions import SYSTEM
from portal.models import metadata


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if url:
        return _worker_database(url, worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"


def _worker_database(url: str, worker_id: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (``portal_test_gw0``...),
    created on first use next to the one named by the URL."""
    if worker_id == "master" or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": name}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    from portal import migrations

    app = create_app({
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(tmp_path_factory.mktemp("migrate-instance")),
        "PORTAL_SECRET_KEY": "test",
        "TESTING": True,
    })
    if database_url.startswith("postgresql"):
        with app.app_context(), db.engine().begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrations.upgrade(app)
    app.extensions["db_engine"].dispose()
    return database_url


def _empty_tables(engine) -> None:
    """Empty every table. On PostgreSQL a job thread of the test's app may still be finishing a
    query while TRUNCATE takes its exclusive locks: the server then ends one of the two as a
    deadlock, and the emptying is tried again."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    for attempt in range(5):
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                    connection.execute(text(
                        "TRUNCATE " + ", ".join(f'"{name}"' for name in tables) + " CASCADE"
                    ))
                else:
                    for name in tables:
                        connection.execute(text(f'DELETE FROM "{name}"'))
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture(autouse=True)
def _dispose_engines(monkeypatch):
    """Every engine the test's apps opened is disposed when the test ends. An app a test leaves
    behind keeps pooled PostgreSQL connections that the garbage collector closes later, inside
    another test, where psycopg's ResourceWarning (warnings are errors) fails that test."""
    created = []
    make_engine = db.make_engine

    def recording(*args, **kwargs):
        engine = make_engine(*args, **kwargs)
        created.append(engine)
        return engine

    monkeypatch.setattr(db, "make_engine", recording)
    yield
    for engine in created:
        engine.dispose()


@pytest.fixture(autouse=True)
def _stop_job_threads(monkeypatch):
    """No job thread outlives its test. An app that is not ``TESTING`` runs its jobs in the
    background and starts its threads with its first request; one a test made without
    ``make_app`` kept polling the worker's database in later tests and claimed their jobs with
    its own storage folder (a valid upload "not found": report status ``error``). Every
    embedded backend started during the test is stopped when it ends, by ``make_app`` before it
    empties the tables, else here."""
    from portal.jobs.inprocess import InProcessBackend

    started: list[InProcessBackend] = []
    start = InProcessBackend.start

    def recording(self, *args, **kwargs):
        started.append(self)
        start(self, *args, **kwargs)

    monkeypatch.setattr(InProcessBackend, "start", recording)
    yield started
    for backend in started:
        backend.stop()


@pytest.fixture
def make_app(migrated, tmp_path: Path, _stop_job_threads):
    """``make_app(**settings)``: an app on the test database (unless the settings name another),
    with its own instance folder. When the test ends, the job threads started in the test are
    stopped, the test database is emptied and every engine is disposed."""
    apps = []

    def make(**overrides):
        app = create_app({
            "PORTAL_DATABASE_URL": migrated,
            "PORTAL_INSTANCE_PATH": str(tmp_path / f"instance{len(apps)}"),
            "PORTAL_SECRET_KEY": "test",
            "PORTAL_MAX_UPLOAD_MB": 2,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            **overrides,
        })
        apps.append(app)
        return app

    yield make
    for app in apps:
        running = app.extensions.get("jobs")
        if running is not None:
            running.stop()
    for backend in _stop_job_threads:  # those of apps made without make_app
        backend.stop()
    on_test_database = [app for app in apps if app.config["PORTAL_DATABASE_URL"] == migrated]
    if on_test_database:
        _empty_tables(on_test_database[0].extensions["db_engine"])
    for app in apps:
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(make_app, tmp_path: Path):
    return make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "instance"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield


@pytest.fixture
def system():
    return SYSTEM
