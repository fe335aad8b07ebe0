"""Fixtures of the validation-in-the-flow tests: an app that validates synchronously (or in the
background, on demand), a small catalog and logged-in clients."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests import factories
from tests.conformance import conformance_file

USERS = {"editora": ("ine", "editor"), "ajeno": ("mefp", "editor"), "root": "sysadmin"}


@pytest.fixture
def make_app(make_app):
    """``make_app(**settings)``: the suite's app factory, validating synchronously unless
    ``PORTAL_VALIDATION_MODE`` says otherwise; loopback is allowed for the local servers."""

    def make(**overrides):
        return make_app(**{"PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.0.0/8",
                           "PORTAL_VALIDATION_MODE": "sync", **overrides})

    return make


@pytest.fixture
def vapp_settings():
    """More settings of ``vapp``: a test overrides them with
    ``@pytest.mark.parametrize("vapp_settings", [{...}])``."""
    return {}


@pytest.fixture
def vapp(make_app, vapp_settings):
    return make_app(PORTAL_OCDS_STANDARD=str(
        conformance_file("ocds/standard-1__1__5-schema.zip")), **vapp_settings)


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
            user_id = user.get_id()  # the id and its password fingerprint
        client = vapp.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        return client

    return _login
