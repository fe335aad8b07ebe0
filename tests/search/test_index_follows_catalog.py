"""The index follows every kind of catalog write, and the CLI rebuilds and checks it."""

from __future__ import annotations

import pytest

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.search import close_backend, get_backend, init_app
from portal.search.backend import SearchQuery
from portal.search.documents import dataset_document
from tests import factories


@pytest.fixture
def search_app(app):
    if "search" not in app.extensions:  # until the app factory lists portal.search
        init_app(app)
    with app.app_context():
        yield app
    close_backend(app)


def found(q="", **options) -> list[str]:
    return get_backend().search(SearchQuery(q=q, rows=100, **options)).ids


def facet(field: str, q="") -> dict[str, int]:
    result = get_backend().search(SearchQuery(q=q, facet_fields=(field,)))
    return {f.value: f.count for f in result.facets[field]}


@pytest.fixture
def catalog_data(search_app):
    factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia")
    factories.theme("salud", title="Salud")
    dataset = factories.dataset("hospitales", title="Establecimientos de salud",
                                description="Hospitales y postas sanitarias del país.",
                                keywords=["salud", "hospitales"], themes=["salud"])
    return dataset


def test_create_and_update(catalog_data):
    dataset = catalog_data
    assert found("hospitales") == [dataset.id]
    assert facet("groups") == {"salud": 1}
    catalog.update_dataset(dataset, {"title": "Red de servicios de salud"}, SYSTEM, partial=True)
    assert found("establecimientos") == []
    assert found("red servicios") == [dataset.id]


def test_resources_feed_formats_and_names(catalog_data):
    factories.resource(catalog_data, name="Listado georreferenciado", format="csv")
    assert facet("res_format") == {"CSV": 1}
    assert found("georreferenciado") == [catalog_data.id]


def test_private_flag(catalog_data, search_app):
    dataset = catalog_data
    catalog.update_dataset(dataset, {"private": True}, SYSTEM, partial=True)
    assert found("hospitales") == []
    entity_id = dataset.entity_id
    assert found("hospitales", include_private=True,
                 user_entity_ids=frozenset({entity_id})) == [dataset.id]
    catalog.update_dataset(dataset, {"private": False}, SYSTEM, partial=True)
    assert found("hospitales") == [dataset.id]


def test_delete_and_drafts(catalog_data):
    draft = factories.dataset("borrador", title="Hospitales en borrador", state="draft")
    assert draft.id not in found("hospitales")
    catalog.delete_dataset(catalog_data, SYSTEM)
    assert found("hospitales") == []


def test_entity_rename_reaches_its_datasets(catalog_data):
    entity = catalog.get_entity("ine")
    catalog.update_entity(entity, {"name": "ine-bolivia", "title": "Instituto de Censos"},
                          SYSTEM, partial=True)
    assert found("censos") == [catalog_data.id]
    assert facet("organization") == {"ine-bolivia": 1}


def test_theme_rename_reaches_its_datasets(catalog_data):
    theme = catalog.get_theme("salud")
    catalog.update_theme(theme, {"name": "salud-publica"}, SYSTEM, partial=True)
    assert facet("groups") == {"salud-publica": 1}


def test_rebuild_and_check(catalog_data, search_app):
    runner = search_app.test_cli_runner()
    second = factories.dataset("censo", title="Censo de población")
    get_backend().clear()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "In the database but not in the index: 2" in result.output

    result = runner.invoke(args=["search", "rebuild", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 datasets" in result.output
    assert sorted(found()) == sorted([catalog_data.id, second.id])
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "The index agrees with the database." in result.output

    stale = dataset_document(catalog.get_dataset("censo"))
    stale["metadata_modified"] = stale["metadata_modified"].replace(year=2001)
    get_backend().index([stale, {**stale, "id": "fantasma", "name": "fantasma"}])
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "In the index but not in the database: 1\n  fantasma" in result.output
    assert f"Stale in the index (metadata_modified differs): 1\n  {second.id}" in result.output
