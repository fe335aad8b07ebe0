"""Every feed endpoint through the HTTP stack, on the sample catalog; bad input never a 500."""

import csv
import gzip
import io
import json
from xml.etree import ElementTree as ET

import pytest
from rdflib import URIRef

from portal.auth.permissions import SYSTEM
from portal.catalog import services
from portal.rdf import DCAT, HYDRA, RDF, parse_graph
from tests.feeds.sample import HIDDEN, PUBLIC, build_catalog
from tests.feeds.shacl import SHAPES_3_0_1, validate

SITE = "http://127.0.0.1:5000"
FORMATS = {"ttl": ("text/turtle", "turtle"), "rdf": ("application/rdf+xml", "xml"),
           "xml": ("application/rdf+xml", "xml"), "jsonld": ("application/ld+json", "json-ld")}


@pytest.fixture
def catalog(app):
    with app.app_context():
        build_catalog()


def dataset_names(graph) -> set[str]:
    return {str(node).rsplit("/", 1)[-1] for node in graph.subjects(RDF.type, DCAT.Dataset)}


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_catalog_documents_list_public_datasets_only_and_conform(client, catalog, ext):
    response = client.get(f"/catalog.{ext}")
    assert response.status_code == 200
    assert response.mimetype == FORMATS[ext][0]
    graph = parse_graph(response.data, FORMATS[ext][1])
    assert dataset_names(graph) == set(PUBLIC)
    assert validate(graph, SHAPES_3_0_1).violations == []


def test_catalog_pages_with_hydra(client, catalog, monkeypatch):
    monkeypatch.setattr("portal.feeds.queries.PAGE_SIZE", 3)
    monkeypatch.setattr("portal.feeds.views.fetch_page.__defaults__", (3,))
    graph = parse_graph(client.get("/catalog.ttl?page=1").data, "turtle")
    view = URIRef(f"{SITE}/catalog.ttl?page=1")
    assert (view, RDF.type, HYDRA.PartialCollectionView) in graph
    assert graph.value(view, HYDRA.next) == URIRef(f"{SITE}/catalog.ttl?page=2")
    assert graph.value(view, HYDRA.last) == URIRef(f"{SITE}/catalog.ttl?page=2")
    assert graph.value(view, HYDRA.previous) is None
    assert int(graph.value(URIRef(f"{SITE}/catalog"), HYDRA.totalItems)) == 4
    assert len(dataset_names(graph)) == 3
    second = parse_graph(client.get("/catalog.ttl?page=2").data, "turtle")
    view2 = URIRef(f"{SITE}/catalog.ttl?page=2")
    assert second.value(view2, HYDRA.previous) == view
    assert second.value(view2, HYDRA.next) is None
    assert dataset_names(graph) | dataset_names(second) == set(PUBLIC)


def test_filters_keep_their_arguments_in_paging_links(client, catalog):
    graph = parse_graph(client.get("/catalog.ttl?fq=organization:ine&q=censo").data, "turtle")
    assert dataset_names(graph) == {"censo-2024"}
    view = graph.value(URIRef(f"{SITE}/catalog"), HYDRA.view)
    assert "q=censo" in str(view) and "fq=organization%3Aine" in str(view)


@pytest.mark.parametrize(("args", "expected"), [
    ("q=presupuesto", {"presupuesto-municipal"}),
    ("q=PRESUPUESTO+partida", {"presupuesto-municipal"}),
    ("q=inexistente", set()),
    ("fq=tags:censo", {"censo-2024"}),
    ("fq=groups:poblacion", {"censo-2024", "matricula-universitaria"}),
    ("fq=groups:poblacion+organization:umsa", {"matricula-universitaria"}),
    ("fq=res_format:csv", {"censo-2024"}),
    ("fq=license_id:CC0-1.0", {"presupuesto-municipal"}),
    ('fq=tags:"educación superior"', {"matricula-universitaria"}),
    ("modified_since=2000-01-01", set(PUBLIC)),
    ("modified_since=2999-01-01T00:00:00Z", set()),
])
def test_catalog_filters(client, catalog, args, expected):
    response = client.get(f"/catalog.ttl?{args}")
    assert response.status_code == 200
    assert dataset_names(parse_graph(response.data, "turtle")) == expected


def test_modified_since_follows_changes(client, app, catalog):
    with app.app_context():
        dataset = services.get_dataset("tramites")
        since = dataset.metadata_modified.isoformat()
        services.update_dataset(services.get_dataset("matricula-universitaria"),
                                {"version": "2"}, SYSTEM, partial=True)
    graph = parse_graph(client.get(f"/catalog.ttl?modified_since={since}").data, "turtle")
    assert "matricula-universitaria" in dataset_names(graph)
    assert "censo-2024" not in dataset_names(graph)


@pytest.mark.parametrize(("url", "status"), [
    ("/catalog.ttl?page=0", 400),
    ("/catalog.ttl?page=-3", 400),
    ("/catalog.ttl?page=uno", 400),
    ("/catalog.ttl?page=2", 404),
    ("/catalog.ttl?modified_since=ayer", 400),
    ("/catalog.ttl?modified_since=2024-13-45", 400),
    ("/catalog.ttl?fq=color:rojo", 400),
    ("/catalog.ttl?fq=sin-dos-puntos", 400),
    ("/catalog.pdf", 404),
    ("/dataset/censo-2024.pdf", 404),
    ("/dataset/no-existe.ttl", 404),
    ("/dump/otro.zip", 404),
    ("/sitemap-9.xml", 404),
])
def test_bad_input_gets_a_clear_error(client, catalog, url, status):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]["status"] == status
    assert body["error"]["message"]


def test_catalog_content_negotiation(client, catalog):
    for accept, target in [("text/turtle", "/catalog.ttl"), ("application/ld+json",
                                                             "/catalog.jsonld"),
                           ("application/rdf+xml", "/catalog.rdf"), ("*/*", "/catalog.ttl"),
                           ("", "/catalog.ttl"), ("text/html", "/dataset")]:
        response = client.get("/catalog?q=censo", headers={"Accept": accept})
        assert response.status_code == 303, accept
        assert response.headers["Location"] == f"{target}?q=censo"
    refused = client.get("/catalog", headers={"Accept": "application/pdf"})
    assert refused.status_code == 406
    assert "application/pdf" in refused.get_json()["error"]["message"]


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_dataset_documents(client, catalog, ext):
    response = client.get(f"/dataset/censo-2024.{ext}")
    assert response.status_code == 200
    assert response.mimetype == FORMATS[ext][0]
    graph = parse_graph(response.data, FORMATS[ext][1])
    assert dataset_names(graph) == {"censo-2024"}
    assert validate(graph, SHAPES_3_0_1).violations == []


@pytest.mark.parametrize("name", HIDDEN)
def test_hidden_datasets_have_no_document(client, catalog, name):
    assert client.get(f"/dataset/{name}.ttl").status_code == 404


def test_dataset_page_negotiates_to_rdf(client, catalog):
    response = client.get("/dataset/censo-2024", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/dataset/censo-2024.ttl")


def test_catalog_csv_has_one_row_per_resource(client, catalog):
    response = client.get("/catalog.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    per_dataset = {}
    for row in rows:
        per_dataset.setdefault(row["dataset_name"], []).append(row)
    assert set(per_dataset) == set(PUBLIC)
    assert len(per_dataset["censo-2024"]) == 3
    assert [r["resource_id"] for r in per_dataset["tramites"]] == [""]
    upload = next(r for r in per_dataset["censo-2024"] if r["resource_name"] == "Viviendas")
    assert "/download/viviendas.csv" in upload["resource_url"]
    assert upload["resource_size"] == str(len(b"departamento,viviendas\nLa Paz,1000\n"))
    assert per_dataset["censo-2024"][0]["entity_title"] == "Instituto Nacional de Estadística"


def test_catalog_csv_takes_the_same_filters(client, catalog):
    rows = list(csv.DictReader(io.StringIO(
        client.get("/catalog.csv?fq=organization:umsa").get_data(as_text=True))))
    assert {r["dataset_name"] for r in rows} == {"matricula-universitaria"}
    assert client.get("/catalog.csv?page=0").status_code == 400


def _jsonl(client) -> dict[str, dict]:
    with client.get("/dump/catalog.jsonl.gz") as response:  # a file response: close it
        assert response.status_code == 200
        lines = gzip.decompress(response.data).decode().splitlines()
    return {record["name"]: record for record in map(json.loads, lines)}


def _ttl(client):
    with client.get("/dump/catalog.ttl.gz") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/gzip"
        return parse_graph(gzip.decompress(response.data), "turtle")


def test_dumps_hold_public_datasets_and_conform(client, catalog):
    assert set(_jsonl(client)) == set(PUBLIC)
    graph = _ttl(client)
    assert dataset_names(graph) == set(PUBLIC)
    assert validate(graph, SHAPES_3_0_1).violations == []


def test_dumps_follow_changes_incrementally(client, app, catalog):
    assert set(_jsonl(client)) == set(PUBLIC)
    with app.app_context():
        services.update_dataset(services.get_dataset("censo-2024"), {"private": True}, SYSTEM,
                                partial=True)
        services.update_dataset(services.get_dataset("tramites"), {"title": "Trámites 2"},
                                SYSTEM, partial=True)
        services.delete_dataset(services.get_dataset("presupuesto-municipal"), SYSTEM)
        services.update_entity(services.get_entity("umsa"), {"title": "UMSA"}, SYSTEM,
                               partial=True)
    records = _jsonl(client)
    assert set(records) == {"matricula-universitaria", "tramites"}
    assert records["tramites"]["title"] == "Trámites 2"
    assert records["matricula-universitaria"]["entity"]["title"] == "UMSA"
    graph = _ttl(client)
    assert dataset_names(graph) == {"matricula-universitaria", "tramites"}


def test_dump_build_command(runner, app, catalog):
    result = runner.invoke(args=["dump", "build"])
    assert result.exit_code == 0, result.output
    assert "4 public datasets" in result.output
    from portal.storage import storage

    with app.app_context(), storage().open("dumps/catalog.jsonl.gz") as raw, \
            gzip.open(raw, "rt") as fh:
        assert {json.loads(line)["name"] for line in fh} == set(PUBLIC)


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("path", ["/feeds/datasets.atom", "/feeds/dataset.atom"])
def test_atom_feed(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert {e.find(f"{ATOM}link").get("href").rsplit("/", 1)[-1] for e in entries} == set(PUBLIC)
    assert feed.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text
    assert all(e.find(f"{ATOM}author/{ATOM}name").text for e in entries)


def test_sitemap_lists_public_dataset_pages(client, catalog):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [loc.text for loc in ET.fromstring(response.data).iter(f"{ns}loc")]
    assert sorted(locs) == sorted([f"{SITE}/"] + [f"{SITE}/dataset/{n}" for n in PUBLIC])


def test_large_sitemap_becomes_an_index(client, catalog, monkeypatch):
    monkeypatch.setattr("portal.feeds.sitemap.PART_SIZE", 3)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{ns}sitemapindex"
    parts = [loc.text.removeprefix(SITE) for loc in index.iter(f"{ns}loc")]
    assert parts == ["/sitemap-1.xml", "/sitemap-2.xml"]
    pages = []
    for part in parts:
        pages += [loc.text for loc in ET.fromstring(client.get(part).data).iter(f"{ns}loc")]
    assert sorted(p.rsplit("/", 1)[-1] for p in pages if "/dataset/" in p) == sorted(PUBLIC)


def test_empty_catalog_is_a_valid_first_page(client):
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    assert dataset_names(parse_graph(response.data, "turtle")) == set()
    assert client.get("/catalog.ttl?page=2").status_code == 404


def test_dump_is_reassembled_from_changed_fragments_only(client, app, catalog, monkeypatch):
    _jsonl(client)  # first dump: full build

    def no_full_rebuild():
        raise AssertionError("a change must not rebuild every fragment")

    monkeypatch.setattr("portal.feeds.dumps.rebuild_fragments", no_full_rebuild)
    with app.app_context():
        services.update_dataset(services.get_dataset("tramites"), {"title": "Nuevo"}, SYSTEM,
                                partial=True)
    assert _jsonl(client)["tramites"]["title"] == "Nuevo"


def test_dump_url_is_stable_and_cacheable(client, catalog):
    with client.get("/dump/catalog.ttl.gz") as first:
        etag = first.headers["ETag"]
    with client.get("/dump/catalog.ttl.gz", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


def _page_names(client, page: int) -> set[str]:
    graph = parse_graph(client.get(f"/catalog.ttl?page={page}").data, "turtle")
    return {str(o).rsplit("/", 1)[-1] for o in graph.objects(URIRef(f"{SITE}/catalog"),
                                                             DCAT.dataset)}


def test_whole_catalog_pages_follow_every_change(app, client, catalog, monkeypatch):
    """The ordering of the whole catalog is kept between requests (from the second one at the
    same catalog version): a change must show at once all the same."""
    from portal.rdf import DCT

    monkeypatch.setattr("portal.feeds.views.fetch_page.__defaults__", (3,))
    for _ in range(3):  # the first request notes the version, the second keeps the ordering
        first, second = _page_names(client, 1), _page_names(client, 2)
        assert len(first) == 3 and first | second == set(PUBLIC)
    [oldest] = second
    with app.app_context():
        services.update_dataset(services.get_dataset(oldest), {"title": "Nuevo título"},
                                SYSTEM, partial=True)
        modified = services.get_dataset(oldest).metadata_modified
    assert oldest in _page_names(client, 1) and oldest not in _page_names(client, 2)
    graph = parse_graph(client.get("/catalog.ttl?page=1").data, "turtle")
    assert str(graph.value(URIRef(f"{SITE}/catalog"), DCT.modified)).startswith(
        modified.replace(microsecond=0).isoformat())
    with app.app_context():
        services.delete_dataset(services.get_dataset(oldest), SYSTEM)
    assert _page_names(client, 1) == set(PUBLIC) - {oldest}  # one page of 3 now
    graph = parse_graph(client.get("/catalog.ttl").data, "turtle")
    assert int(graph.value(URIRef(f"{SITE}/catalog"), HYDRA.totalItems)) == len(PUBLIC) - 1


def test_harvested_dataset_in_the_catalog_feed_conforms(app, client, catalog):
    from portal.catalog import dcat
    from tests.feeds.sample import HARVESTED_EXTRAS, build_harvested

    with app.app_context():
        build_harvested()
    graph = parse_graph(client.get("/catalog.ttl").data, "turtle")
    assert validate(graph, SHAPES_3_0_1).violations == []
    found = {str(node).rsplit("/", 1)[-1] for node in dcat.find_datasets(graph)}
    assert found == {*PUBLIC, "encuesta-hogares"}
    assert (URIRef(f"{SITE}/dataset/encuesta-hogares"), dcat.DCT.source,
            URIRef(HARVESTED_EXTRAS["harvest_remote_url"])) in graph


def test_full_dump_is_the_graph_of_the_catalog(app, client, catalog):
    """The dump, written as text from rows fragment by fragment, is the graph the rdflib export
    of the same catalog gives (with a harvested dataset), and passes both sets of shapes."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from portal.catalog import dcat
    from portal.feeds import documents
    from portal.rdf import add_triples
    from tests.feeds.sample import build_harvested
    from tests.feeds.shacl import SHAPES_3_0_0

    with app.app_context():
        build_harvested()
    graph = _ttl(client)
    with app.test_request_context():
        base, refs = documents.base_url(), dcat.References()
        triples = list(documents.catalog_head_triples(refs))
        for dataset in services.datasets_with_resources(services.public_datasets_query()):
            triples.append((dcat.catalog_uri(base), DCAT.dataset,
                            dcat.dataset_uri(dataset.name, base)))
            triples += dcat.dataset_triples(dataset, base, refs)
        triples += dcat.references_triples(refs, base)
    expected = Graph()
    add_triples(expected, triples)
    assert len(graph) == len(expected)
    assert isomorphic(graph, expected)
    assert validate(graph, SHAPES_3_0_1).violations == []
    assert validate(graph, SHAPES_3_0_0).violations == []


def test_a_new_fragment_store_reassembles_the_dump_files(client, app, catalog):
    """A store made again (removed, or of a newer layout) counts generations from 1 again: the
    files assembled from the old one must not pass for current."""
    from sqlalchemy import update

    from portal import db
    from portal.catalog.models import Dataset
    from portal.feeds import dumps

    assert _jsonl(client)["tramites"]["title"] == "Trámites en línea"
    with app.app_context():
        with db.engine().begin() as connection:  # behind the services' back: no signal
            connection.execute(update(Dataset).where(Dataset.name == "tramites")
                               .values(title="Cambiado sin aviso"))
        for suffix in ("", "-wal", "-shm"):
            (dumps.dump_dir() / f"{dumps.STORE}{suffix}").unlink(missing_ok=True)
        # As left by an old store whose first full build made generation 1, which the new
        # store's first build reaches again.
        (dumps.dump_dir() / "catalog.jsonl.gz.generation").write_text("1")
    assert _jsonl(client)["tramites"]["title"] == "Cambiado sin aviso"
