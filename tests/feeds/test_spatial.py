"""The spatial concept URIs the feeds emit resolve: a page for people, SKOS in RDF for machines."""

import pytest
from rdflib import Literal, URIRef

from portal.rdf import DCT, RDF, SKOS, parse_graph
from tests.feeds.sample import build_catalog
from tests.pages.html_check import assert_valid_page

SITE = "http://127.0.0.1:5000"
EU_BOLIVIA = "http://publications.europa.eu/resource/authority/country/BOL"


def test_every_spatial_uri_in_the_catalog_feed_resolves(app, client):
    with app.app_context():
        build_catalog()
    graph = parse_graph(client.get("/catalog.ttl").data, "turtle")
    places = {str(o) for o in graph.objects(None, DCT.spatial)}
    ours = {place for place in places if place.startswith(f"{SITE}/spatial/")}
    assert ours == {f"{SITE}/spatial/BO-L", f"{SITE}/spatial/BO-S"}
    assert places - ours == {EU_BOLIVIA}
    for place in ours:
        path = place[len(SITE):]
        assert client.get(path).status_code == 200
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 303
        described = parse_graph(client.get(response.headers["Location"]).data, "turtle")
        assert (URIRef(place), RDF.type, SKOS.Concept) in described


def test_a_department_page_for_people(client):
    response = client.get("/spatial/BO-L", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert_valid_page(html)
    assert "<h1>La Paz</h1>" in html and "BO-L" in html
    assert 'type="text/turtle"' in html and "/spatial/BO-L.ttl" in html
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("ext", "syntax"), [("ttl", "turtle"), ("rdf", "xml"),
                                              ("jsonld", "json-ld")])
def test_a_department_in_rdf_with_its_spanish_label(client, ext, syntax):
    response = client.get(f"/spatial/BO-S.{ext}")
    assert response.status_code == 200
    graph = parse_graph(response.data, syntax)
    node = URIRef(f"{SITE}/spatial/BO-S")
    assert (node, RDF.type, SKOS.Concept) in graph and (node, RDF.type, DCT.Location) in graph
    assert graph.value(node, SKOS.prefLabel) == Literal("Santa Cruz", lang="es")
    assert graph.value(node, SKOS.notation) == Literal("BO-S")
    assert graph.value(node, SKOS.inScheme) == URIRef(f"{SITE}/spatial")
    assert (URIRef(f"{SITE}/spatial"), RDF.type, SKOS.ConceptScheme) in graph


def test_the_scheme_lists_the_nine_departments(client):
    page = client.get("/spatial").get_data(as_text=True)
    assert_valid_page(page)
    assert page.count('href="/spatial/BO-') == 9
    redirected = client.get("/spatial", headers={"Accept": "application/ld+json"})
    assert redirected.status_code == 303 and redirected.headers["Location"].endswith(
        "/spatial.jsonld")
    graph = parse_graph(client.get("/spatial.ttl").data, "turtle")
    top = set(graph.objects(URIRef(f"{SITE}/spatial"), SKOS.hasTopConcept))
    assert len(top) == 9 and URIRef(f"{SITE}/spatial/BO-N") in top
    assert all(graph.value(node, SKOS.prefLabel) is not None for node in top)


def test_bolivia_as_a_whole_is_the_eu_country(client):
    response = client.get("/spatial/BO")
    assert response.status_code == 303 and response.headers["Location"] == EU_BOLIVIA


@pytest.mark.parametrize(("path", "status"), [
    ("/spatial/XX", 404), ("/spatial/BO-Z.ttl", 404), ("/spatial/BO-L.pdf", 404),
    ("/spatial.pdf", 404), ("/spatial/bo-l", 301),
])
def test_bad_spatial_addresses(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if status == 404:
        assert response.get_json()["error"]["status"] == 404
    else:
        assert response.headers["Location"].endswith("/spatial/BO-L")
