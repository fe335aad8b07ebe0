"""The API tests' catalog, users and server (tests/api/conftest.py), and a bilingual dataset."""

from __future__ import annotations

import pytest

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.errors import NotFound
from tests import factories
from tests.api.conftest import _fast_password_hashing, api, server, world  # noqa: F401

BUDGET = {
    "title": "Ejecución presupuestaria 2024",
    "title_translated": {"en": "Budget execution 2024", "qu": "Qullqi rakiy 2024"},
    "description": "Gasto devengado por entidad y partida.",
    "description_translated": {"en": "Accrued spending by entity and budget line."},
    "keywords": ["presupuesto", "gasto"],
    "keywords_translated": {"en": ["budget", "spending"]},
}


def add_bilingual() -> str:
    """A public dataset with English (and some Quechua) metadata and a translated resource;
    the entity ``mefp`` and theme ``economia`` (created when missing) get English titles."""
    entity = {"title": "Ministerio de Economía y Finanzas Públicas",
              "title_translated": {"en": "Ministry of Economy and Public Finance"}}
    theme = {"title": "Economía", "title_translated": {"en": "Economy"},
             "description": "Finanzas públicas.",
             "description_translated": {"en": "Public finance."}}
    try:
        catalog.update_entity(catalog.get_entity("mefp"), entity, SYSTEM, partial=True)
    except NotFound:
        factories.entity("mefp", **entity)
    try:
        catalog.update_theme(catalog.get_theme("economia"), theme, SYSTEM, partial=True)
    except NotFound:
        factories.theme("economia", **theme)
    dataset = factories.dataset("ejecucion-2024", entity_name="mefp", themes=["economia"],
                                **BUDGET)
    factories.resource(dataset, name="Datos", name_translated={"en": "Data"},
                       description="Tabla mensual.",
                       description_translated={"en": "Monthly table."})
    return dataset.name


@pytest.fixture
def bilingual(app, world):  # noqa: F811 (the fixture imported above, requested by name)
    with app.app_context():
        return add_bilingual()


@pytest.fixture
def translated(app):
    """The bilingual dataset alone (no users)."""
    with app.app_context():
        return add_bilingual()
