"""Harvest test fixtures: the app allowed to reach 127.0.0.1 (and nothing else private), an
entity to harvest into, a local HTTP site, and a helper that adds a source."""

from __future__ import annotations

import pytest

from portal.auth.permissions import SYSTEM
from portal.harvest import services
from tests import factories
from tests.harvest.servers import Site, serve


@pytest.fixture
def harvest_app(app):
    app.config.update({
        "PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.0.0/8",
        "PORTAL_HARVEST_TIMEOUT": 2.0,
        "PORTAL_HARVEST_DOWNLOAD_SECONDS": 10.0,
        "PORTAL_HARVEST_HANG_SECONDS": 30,
    })
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.entity("mefp", title="Ministerio de Economía")
        factories.theme("economia")
        yield app


@pytest.fixture
def site():
    site = Site()
    with serve(site):
        yield site


@pytest.fixture
def add_source(harvest_app):
    def _add(name: str, kind: str, url: str, entity: str = "ine", **fields):
        return services.create_source({"name": name, "type": kind, "url": url,
                                       "entity": entity, **fields}, SYSTEM)

    return _add
