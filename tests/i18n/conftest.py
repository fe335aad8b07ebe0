"""A small public catalog for the interface-language tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests import factories


@pytest.fixture
def catalog(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.theme("economia", title="Economía y finanzas")
        public = factories.dataset("censo-2024", title="Censo de Población 2024",
                                   themes=["economia"], keywords=["censo"],
                                   temporal_start="2024-01-01", temporal_end="2024-12-31")
        csv = factories.resource(public, content="año,casos\n2024,10\n".encode(),
                                 filename="casos.csv", name="Casos")
        return SimpleNamespace(dataset=public.name, resource=csv.id)
