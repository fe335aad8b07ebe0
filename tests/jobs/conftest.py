"""Fixtures of the job-queue tests: apps on the test database with the settings a test asks for,
stopped and emptied afterwards."""

from __future__ import annotations

import pytest

from portal import create_app, jobs
from tests.conftest import _empty_tables


@pytest.fixture
def make_app(migrated, tmp_path):
    apps = []

    def make(**overrides):
        app = create_app({
            "PORTAL_DATABASE_URL": migrated,
            "PORTAL_INSTANCE_PATH": str(tmp_path / f"instance{len(apps)}"),
            "PORTAL_SECRET_KEY": "test",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            **overrides,
        })
        apps.append(app)
        return app

    yield make
    for app in apps:
        jobs.backend(app).stop()
        _empty_tables(app.extensions["db_engine"])
        app.extensions["db_engine"].dispose()
