"""schema.org Dataset JSON-LD and the machine-readable head of the dataset page."""

import json
import re

import pytest

from portal.catalog import services
from portal.catalog.schemaorg import dataset_jsonld, dataset_jsonld_script
from tests.feeds.sample import build_catalog

BASE = "https://datos.gob.bo"


def test_google_dataset_required_and_recommended_fields(ctx):
    build_catalog()
    data = dataset_jsonld(services.get_dataset("censo-2024"), BASE, catalog_title="Datos")
    assert data["@type"] == "Dataset" and data["@context"] == "https://schema.org/"
    assert data["name"] == "Censo de Población y Vivienda 2024"
    assert 50 <= len(data["description"]) <= 5000
    assert data["url"] == f"{BASE}/dataset/censo-2024"
    assert data["sameAs"] == f"{BASE}/dataset/censo-2024"  # the DCAT dataset's URI
    assert data["identifier"] == ["INE-CENSO-2024", f"{BASE}/dataset/censo-2024"]
    assert {"censo", "población", "vivienda"} <= set(data["keywords"])
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["creator"]["name"] == "Instituto Nacional de Estadística"
    assert data["publisher"]["@type"] == "GovernmentOrganization"
    assert data["temporalCoverage"] == "2024-01-01/2024-12-31"
    assert [p["name"] for p in data["spatialCoverage"]] == ["Bolivia (nacional)", "La Paz",
                                                            "Santa Cruz"]
    assert data["spatialCoverage"][1]["geo"]["box"] == "-18.1 -69.7 -11.8 -66.7"
    assert data["includedInDataCatalog"] == {"@type": "DataCatalog", "name": "Datos",
                                             "url": f"{BASE}/"}
    downloads = {d["name"]: d for d in data["distribution"]}
    assert all(d["@type"] == "DataDownload" for d in downloads.values())
    assert downloads["Población por departamento"]["encodingFormat"] == "text/csv"
    assert downloads["Viviendas"]["contentUrl"].startswith(f"{BASE}/dataset/censo-2024/resource/")
    assert downloads["Boletín"]["encodingFormat"] == "application/pdf"


def test_short_description_is_completed(ctx):
    build_catalog()
    data = dataset_jsonld(services.get_dataset("tramites"), BASE, catalog_title="Datos")
    assert len(data["description"]) >= 50
    assert "Agencia de Gobierno Electrónico" in data["description"]
    assert "distribution" not in data


def test_script_text_cannot_close_the_element(app):
    with app.app_context():
        build_catalog()
        dataset = services.get_dataset("censo-2024")
        dataset.description = "</script><script>alert(1)</script> & más"
        text = str(dataset_jsonld_script(dataset))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["description"].startswith("</script>")


def _head(html: str) -> str:
    return html.split("</head>", 1)[0]


def test_dataset_page_links_its_alternates_and_embeds_json_ld(client, app):
    with app.app_context():
        build_catalog()
    response = client.get("/dataset/censo-2024")
    assert response.status_code == 200
    head = _head(response.get_data(as_text=True))
    for kind, ext in [("text/turtle", "ttl"), ("application/rdf+xml", "rdf"),
                      ("application/ld+json", "jsonld")]:
        assert f'type="{kind}"' in head and f'/dataset/censo-2024.{ext}"' in head
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    assert json.loads(script)["name"] == "Censo de Población y Vivienda 2024"


@pytest.mark.parametrize("name", ["datos-privados", "borrador-secreto"])
def test_hidden_datasets_get_no_feed_links(app, name):
    with app.app_context():
        build_catalog()
        dataset = services.get_dataset(name)
        template = app.jinja_env.get_template("feeds/dataset_head.html")
        with app.test_request_context():
            assert template.render(dataset=dataset).strip() == ""


def test_a_harvested_dataset_is_based_on_the_remote_one(ctx):
    from tests.feeds.sample import HARVESTED_EXTRAS, build_harvested

    build_catalog()
    harvested = dataset_jsonld(build_harvested(), BASE, catalog_title="Datos")
    assert harvested["isBasedOn"] == HARVESTED_EXTRAS["harvest_remote_url"]
    made_here = dataset_jsonld(services.get_dataset("censo-2024"), BASE, catalog_title="Datos")
    assert "isBasedOn" not in made_here


def test_a_harvested_dataset_names_its_own_publisher(ctx):
    from tests.feeds.sample import REMOTE_EXTRAS, build_harvested

    data = dataset_jsonld(build_harvested(), BASE, catalog_title="Datos")
    assert data["publisher"] == {"@type": "Organization", "@id": REMOTE_EXTRAS["publisher_uri"],
                                 "name": REMOTE_EXTRAS["publisher_name"],
                                 "email": REMOTE_EXTRAS["publisher_email"]}
