"""A small fixed catalog of search documents and an engine holding it.

``backend`` and ``make_backend`` run each test on both engines: whoosh on a temporary folder, and
PostgreSQL (the test database's search tables) when ``PORTAL_TEST_DATABASE_URL`` names a
PostgreSQL server; ``whoosh_backend`` is for tests of whoosh itself. ``add_census_and_enrolment``
starts the catalog of the tests that search through the app (the search page, PostgreSQL
behind the app).
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import create_engine

from portal.search.whoosh_backend import WhooshBackend
from tests import factories

ON_POSTGRESQL = os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql")
ENGINES = [
    "whoosh",
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not ON_POSTGRESQL, reason="PORTAL_TEST_DATABASE_URL is not a PostgreSQL URL")),
]


def add_census_and_enrolment(
        census_description: str = "Resultados definitivos del censo por departamento.") -> None:
    """The start of the catalog behind the app-level search tests (in an app context): INE
    (agency) and the ministry of economy (ministry), the economy theme, and at INE the census
    (with a CSV resource) and a school enrolment that mentions the census."""
    factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia")
    factories.entity("mefp", title="Ministerio de Economía y Finanzas Públicas",
                     kind="ministerio")
    factories.theme("economia", title="Economía y finanzas")
    census = factories.dataset(
        "censo-2024", title="Censo de Población 2024", description=census_description,
        keywords=["censo", "población"], themes=["economia"])
    factories.resource(census, name="Casos", url="https://example.org/censo.csv", format="CSV")
    factories.dataset(
        "matricula-escolar", title="Matrícula escolar por departamento",
        description="Estudiantes inscritos; proyecciones basadas en el censo.",
        keywords=["educación", "estudiantes"])


def doc(doc_id: str, **fields) -> dict:
    base = {
        "id": doc_id,
        "name": f"conjunto-{doc_id}",
        "title": f"Conjunto {doc_id}",
        "notes": "",
        "tags": [],
        "groups": [],
        "organization": "ine",
        "entity_title": "Instituto Nacional de Estadística",
        "entity_id": "e-ine",
        "entity_kind": "agencia",
        "license_id": "cc-by-4.0",
        "res_format": [],
        "res_name": [],
        "private": False,
        "metadata_created": datetime(2023, 1, 1),
        "metadata_modified": datetime(2024, 1, 1),
    }
    base.update(fields)
    return base


CATALOG = [
    doc("presupuesto", title="Presupuesto municipal de Cochabamba 2024",
        notes="Ejecución presupuestaria del gobierno municipal por partida de gasto.",
        tags=["presupuesto", "finanzas públicas"], groups=["economia"],
        organization="gamc", entity_title="Gobierno Autónomo Municipal de Cochabamba",
        entity_id="e-gamc", entity_kind="gobierno-municipal",
        res_format=["CSV", "PDF"], res_name=["Gasto por partida"],
        metadata_modified=datetime(2024, 6, 1)),
    doc("matricula", title="Matrícula escolar por departamento",
        notes="Estudiantes inscritos en unidades educativas fiscales y privadas. Incluye el "
              "presupuesto asignado a cada distrito educativo.",
        tags=["educación", "estudiantes"], groups=["educacion"],
        organization="minedu", entity_title="Ministerio de Educación", entity_id="e-minedu",
        entity_kind="ministerio", res_format=["XLSX"], res_name=["Matrícula 2023"],
        license_id="cc0-1.0", metadata_modified=datetime(2024, 3, 1)),
    doc("hospitales", title="Establecimientos de salud",
        notes="Hospitales, centros de salud y postas sanitarias con su nivel de atención.",
        tags=["salud", "hospitales"], groups=["salud"],
        organization="minsalud", entity_title="Ministerio de Salud y Deportes",
        entity_id="e-minsalud", entity_kind="ministerio", res_format=["CSV", "GeoJSON"],
        res_name=["Establecimientos georreferenciados"], metadata_modified=datetime(2023, 9, 1)),
    doc("censo", title="Censo de población y vivienda 2012",
        notes="Resultados del censo nacional: población por municipio, sexo y edad.",
        tags=["censo", "población"], groups=["poblacion"],
        res_format=["CSV", "XLSX"], res_name=["Población por municipio"],
        metadata_modified=datetime(2022, 5, 1)),
    doc("exportaciones", title="Exportaciones por producto",
        notes="Valor de las exportaciones de quinua, minerales e hidrocarburos.",
        tags=["comercio exterior", "quinua"], groups=["economia"],
        res_format=["JSON"], res_name=["Exportaciones mensuales"], license_id="odc-by",
        metadata_modified=datetime(2024, 8, 1)),
    doc("interno", title="Presupuesto interno de personal",
        notes="Planilla reservada del ministerio.", tags=["presupuesto"], groups=["economia"],
        organization="minedu", entity_title="Ministerio de Educación", entity_id="e-minedu",
        entity_kind="ministerio", res_format=["CSV"], private=True,
        metadata_modified=datetime(2024, 9, 1)),
]


@pytest.fixture
def whoosh_backend(tmp_path):
    engine = WhooshBackend(tmp_path / "index")
    engine.rebuild(CATALOG, procs=1)
    yield engine
    engine.close()


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def make_backend(request, tmp_path, engine_name):
    """``make_backend(documents)``: an engine of the test's kind holding just these documents.
    On PostgreSQL every engine is the same set of tables, emptied when the test ends."""
    opened = []
    sql_engines = []

    def make(documents):
        if engine_name == "postgresql":
            from portal.search.postgres_backend import PostgresBackend

            sql_engine = create_engine(request.getfixturevalue("migrated"))
            sql_engines.append(sql_engine)
            engine = PostgresBackend(sql_engine)
            engine.rebuild(documents)
        else:
            engine = WhooshBackend(tmp_path / f"index{len(opened)}")
            engine.rebuild(documents, procs=1)
        opened.append(engine)
        return engine

    yield make
    for engine in opened:
        if engine_name == "postgresql":
            engine.clear()
        engine.close()
    for sql_engine in sql_engines:
        sql_engine.dispose()


@pytest.fixture
def backend(make_backend):
    return make_backend(CATALOG)
