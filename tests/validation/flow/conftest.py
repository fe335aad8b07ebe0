"""Fixtures of the validation-in-the-flow tests: an app that validates synchronously (or in the
background, on demand), a small catalog and logged-in clients."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal import create_app
from tests import factories
from tests.conformance import conformance_file
from tests.conftest import _empty_tables

USERS = {"editora": ("ine", "editor"), "ajeno": ("mefp", "editor"), "root": "sysadmin"}


@pytest.fixture
def make_app(migrated, tmp_path):
    """``make_app(**settings)``: an app on the test database; validation is synchronous unless
    ``PORTAL_VALIDATION_MODE`` says otherwise. Loopback is allowed for the local servers."""
    apps = []

    def make(**overrides):
        settings = {
            "PORTAL_DATABASE_URL": migrated,
            "PORTAL_INSTANCE_PATH": str(tmp_path / f"instance{len(apps)}"),
            "PORTAL_SECRET_KEY": "test",
            "PORTAL_MAX_UPLOAD_MB": 2,
            "PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.0.0/8",
            "PORTAL_VALIDATION_MODE": "sync",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            **overrides,
        }
        app = create_app(settings)
        apps.append(app)
        return app

    yield make
    for app in apps:
        found = app.extensions.get("jobs")
        if found is not None:
            found.stop()
        _empty_tables(app.extensions["db_engine"])
        app.extensions["db_engine"].dispose()


@pytest.fixture
def vapp(make_app):
    return make_app(PORTAL_OCDS_STANDARD=str(
        conformance_file("ocds/standard-1__1__5-schema.zip")))


@pytest.fixture
def world(vapp):
    """Entities ``ine`` and ``mefp`` and an empty public dataset ``gastos`` of ``ine``."""
    with vapp.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.entity("mefp", title="Ministerio de Economía")
        dataset = factories.dataset("gastos", title="Gastos 2024")
        return SimpleNamespace(dataset=dataset.name, dataset_id=dataset.id)


@pytest.fixture
def login(vapp):
    """``login(name)``: a client with a session for that user of ``USERS``."""

    def _login(name: str):
        spec = USERS[name]
        with vapp.app_context():
            if spec == "sysadmin":
                user = factories.user(name, sysadmin=True)
            else:
                user = factories.user(name, member_of=spec[0], role=spec[1])
            user_id = user.id
        client = vapp.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        return client

    return _login
