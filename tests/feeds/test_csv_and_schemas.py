"""``catalog.csv`` as a download for spreadsheets (file name, UTF-8 with a byte order mark on
request); the stable address of a resource's Table Schema; the recommended DCAT-AP properties
of generated datasets (the PIGE registry) and of resources made without a description."""

from __future__ import annotations

import csv
import io

import pytest

from portal.auth.permissions import SYSTEM
from portal.catalog import dcat, services
from portal.pige import registry
from portal.rdf import new_graph
from tests import factories
from tests.feeds.sample import INLINE_SCHEMA, build_catalog, build_harvested
from tests.feeds.shacl import RECOMMENDED_3_0_1, SHAPES_3_0_1, validate


@pytest.fixture
def catalog(app):
    with app.app_context():
        build_catalog()
        build_harvested()


def test_catalog_csv_is_a_named_download_with_a_bom_for_excel(client, catalog):
    plain = client.get("/catalog.csv")
    assert plain.headers["Content-Disposition"] == 'attachment; filename="catalog.csv"'
    assert not plain.data.startswith(b"\xef\xbb\xbf")
    excel = client.get("/catalog.csv?bom=1")
    assert excel.status_code == 200 and excel.mimetype == "text/csv"
    assert excel.headers["Content-Disposition"] == 'attachment; filename="catalog.csv"'
    assert excel.data.startswith(b"\xef\xbb\xbf") and excel.data[3:] == plain.data
    # Read as Excel reads a file with a BOM: UTF-8, accents intact, the first column named.
    rows = list(csv.DictReader(io.StringIO(excel.data.decode("utf-8-sig"))))
    assert "dataset_name" in rows[0]
    assert "Instituto Nacional de Estadística" in {row["entity_title"] for row in rows}
    response = client.get("/catalog.csv?bom=si")
    assert response.status_code == 400 and "bom" in response.get_json()["error"]["message"]


def test_the_footer_and_the_api_page_offer_the_catalog_for_excel(client, catalog):
    for page in ("/", "/api"):
        html = client.get(page).get_data(as_text=True)
        assert 'href="/catalog.csv?bom=1"' in html and "para Excel" in html, page


def test_a_resource_schema_has_a_stable_address(client, catalog, app):
    with app.app_context():
        harvested = services.get_dataset("encuesta-hogares")
        inline = harvested.resources[1].id
        censo = services.get_dataset("censo-2024")
        by_url, without = censo.resources[0].id, censo.resources[1].id
        private = factories.dataset("privado", entity_name="ine", private=True)
        hidden = factories.resource(private, schema=INLINE_SCHEMA).id
    response = client.get(f"/dataset/encuesta-hogares/resource/{inline}/schema.json")
    assert response.status_code == 200 and response.get_json() == INLINE_SCHEMA
    response = client.get(f"/dataset/censo-2024/resource/{by_url}/schema.json")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://example.org/esquemas/censo.json"
    for address in (f"/dataset/censo-2024/resource/{without}/schema.json",
                    f"/dataset/privado/resource/{hidden}/schema.json",
                    f"/dataset/censo-2024/resource/{inline}/schema.json",
                    "/dataset/no-existe/resource/x/schema.json"):
        assert client.get(address).status_code == 404, address


def test_a_registered_schema_points_to_the_registry(ctx):
    build_catalog()
    dataset = services.get_dataset("censo-2024")
    resource = factories.resource(dataset, schema="ejecucion-presupuestaria")
    assert dcat.schema_uri(resource, dataset.name, "https://datos.gob.bo") == \
        "https://datos.gob.bo/schemas/ejecucion-presupuestaria?format=json"


def _warnings_about(graph, nodes) -> list[str]:
    outcome = validate(graph, SHAPES_3_0_1 + RECOMMENDED_3_0_1)
    assert outcome.violations == []
    return [line for line in outcome.warnings if line.split(" ")[1] in nodes]


def test_the_pige_registry_has_every_recommended_property(ctx):
    factories.entity("agetic", title="Agencia de Gobierno Electrónico", kind="agencia",
                     email="contacto@agetic.gob.bo")
    factories.theme("gobierno", title="Gobierno y sector público", eu_theme="GOVE")
    factories.theme("salud", title="Salud", eu_theme="HEAL")
    dataset = registry.refresh()
    assert dataset.spatial == ["BO"] and [t.name for t in dataset.themes] == ["gobierno"]
    assert dataset.contact_email == "contacto@agetic.gob.bo"
    graph = new_graph()
    node = dcat.dataset_to_rdf(dataset, graph, "https://datos.gob.bo")
    nodes = {str(node), *(str(d) for d in graph.objects(node, dcat.DCAT.distribution))}
    assert _warnings_about(graph, nodes) == []


def test_a_resource_made_without_description_is_described_by_name_and_format(ctx):
    build_catalog()
    dataset = services.get_dataset("tramites")
    resource = services.create_resource(dataset, {"url": "https://agetic.gob.bo/t.json",
                                                  "format": "JSON"}, SYSTEM)
    assert resource.description == ""  # nothing invented in the catalog itself
    graph = new_graph()
    node = dcat.distribution_to_rdf(resource, graph, "https://datos.gob.bo")
    assert str(graph.value(node, dcat.DCT.description)) == "«t.json», en formato JSON."
    assert _warnings_about(graph, {str(node)}) == []
