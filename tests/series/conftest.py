"""A series of yearly budget executions: three public members (2023 to 2025, created out of
order) whose uploaded CSV files share one Table Schema, and a private 2026 draft."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from portal.catalog import services as catalog
from portal.errors import NotFound
from portal.series import services
from tests import factories

SCHEMA = {"fields": [{"name": "partida", "type": "string"},
                     {"name": "monto", "type": "number"}], "primaryKey": ["partida"]}
YEARS = {2024: b"partida,monto\nsalud,100\neducacion,50\n",
         2023: b"partida,monto\nsalud,80\neducacion,40\n",
         2025: b"partida,monto\nsalud,120\neducacion,70.5\n"}


def build_series() -> SimpleNamespace:
    try:
        catalog.get_entity("mefp")
    except NotFound:
        factories.entity("mefp", title="Ministerio de Economía", kind="ministerio")
    series = factories.dataset("ejecucion-presupuestaria", "mefp",
                               title="Ejecución presupuestaria",
                               description="La ejecución del presupuesto, año por año.")
    services.mark_series(series, SYSTEM)
    names = {}
    for year, content in YEARS.items():
        member = factories.dataset(f"ejecucion-{year}", "mefp", title=f"Ejecución {year}",
                                   temporal_start=f"{year}-01-01", temporal_end=f"{year}-12-31")
        factories.resource(member, content=content, filename=f"ejecucion-{year}.csv",
                           name="Ejecución", format="CSV", schema=SCHEMA)
        services.add_member(series, member, SYSTEM)
        names[year] = member.name
    hidden = factories.dataset("ejecucion-2026", "mefp", title="Ejecución 2026", private=True,
                               temporal_start="2026-01-01")
    services.add_member(series, hidden, SYSTEM)
    return SimpleNamespace(series=series.name, series_id=series.id, members=names,
                           hidden=hidden.name)


@pytest.fixture
def world(app):
    with app.app_context():
        found = build_series()
        factories.user("editora", member_of="mefp", role="editor")
        factories.entity("ine", title="Instituto Nacional de Estadística")  # not the series'
        factories.user("ajeno", member_of="ine", role="editor")
        found.tokens = {name: tokens.create_token(get_user(name), SYSTEM, name="t")[1]
                        for name in ("editora", "ajeno")}
        return found
