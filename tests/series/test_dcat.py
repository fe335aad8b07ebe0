"""Series in every DCAT serialisation: the catalog and a dataset's own document, as Turtle
(fast writer), RDF/XML and JSON-LD; the same graph from the fast writer and from rdflib's
triples; 0 violations of the DCAT-AP 3 shapes."""

from __future__ import annotations

import gzip

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from portal import db
from portal.catalog import dcat
from portal.catalog import services as catalog
from portal.catalog.dcat_turtle import dataset_turtle
from portal.feeds.rows import RowLoader
from portal.rdf import DCAT, DCT, RDF, add_triples, parse_graph, turtle_prefixes
from tests.feeds.shacl import SHAPES_3_0_1, validate

SITE = "http://127.0.0.1:5000"  # PORTAL_SITE_URL in the tests
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def uri(name: str) -> URIRef:
    return URIRef(f"{SITE}/dataset/{name}")


def check_links(graph: Graph) -> None:
    series = uri("ejecucion-presupuestaria")
    assert (series, RDF.type, DCAT.DatasetSeries) in graph
    assert graph.value(series, DCAT["first"]) == uri("ejecucion-2023")
    assert graph.value(series, DCAT["last"]) == uri("ejecucion-2025")
    middle = uri("ejecucion-2024")
    assert graph.value(middle, DCAT.inSeries) == series
    assert graph.value(middle, DCAT["prev"]) == uri("ejecucion-2023")
    assert graph.value(middle, DCAT["next"]) == uri("ejecucion-2025")
    assert graph.value(uri("ejecucion-2023"), DCAT["prev"]) is None
    # The private member is in no public document.
    assert not list(graph.triples((uri("ejecucion-2026"), None, None)))
    assert not list(graph.triples((None, None, uri("ejecucion-2026"))))


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_catalog_documents_carry_the_series_and_conform(client, world, ext):
    response = client.get(f"/catalog.{ext}")
    assert response.status_code == 200
    graph = parse_graph(response.data, FORMATS[ext])
    check_links(graph)
    assert (URIRef(f"{SITE}/catalog"), DCAT.dataset, uri("ejecucion-presupuestaria")) in graph
    assert validate(graph, SHAPES_3_0_1).violations == []


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_a_member_document_describes_its_series_and_conforms(client, world, ext):
    response = client.get(f"/dataset/ejecucion-2024.{ext}")
    assert response.status_code == 200
    graph = parse_graph(response.data, FORMATS[ext])
    series = uri("ejecucion-presupuestaria")
    assert graph.value(uri("ejecucion-2024"), DCAT.inSeries) == series
    assert str(graph.value(series, DCT.title)) == "Ejecución presupuestaria"
    assert validate(graph, SHAPES_3_0_1).violations == []


def test_fast_turtle_writer_and_rdflib_triples_agree(app, world):
    with app.app_context():
        datasets = list(catalog.datasets_with_resources(catalog.public_datasets_query()))
        rows = RowLoader(db.session).load([d.id for d in datasets])
        for dataset in [*datasets, *rows]:
            written = parse_graph(turtle_prefixes() + dataset_turtle(dataset, SITE), "turtle")
            expected = Graph()
            add_triples(expected, dcat.dataset_triples(dataset, SITE))
            assert isomorphic(written, expected), dataset.name


def test_the_dump_carries_the_series(client, world):
    with client.get("/dump/catalog.ttl.gz") as response:  # a file response: close it
        assert response.status_code == 200
        graph = parse_graph(gzip.decompress(response.data), "turtle")
    check_links(graph)
    assert validate(graph, SHAPES_3_0_1).violations == []
