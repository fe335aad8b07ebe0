"""The whole demo catalog, exported as Turtle and as JSON-LD, against the DCAT-AP SHACL shapes
(no violation, no recommended-property warning); the pages of ``/catalog.ttl`` merged as a
harvester merges them; and the round trip of every demo dataset."""

from collections import Counter

import pytest

from portal.catalog import dcat, services
from portal.rdf import HYDRA, add_triples, new_graph, parse_graph, turtle_document
from tests.feeds.graphs import same_graph
from tests.feeds.shacl import RECOMMENDED_3_0_1, SHAPES_3_0_0, SHAPES_3_0_1, validate

load = pytest.importorskip("portal.demo.load")
BASE = "https://datos.gob.bo"


def _summary(lines: list[str]) -> str:
    kinds = Counter(line.split(" ")[2].rstrip(":") for line in lines)  # the result path
    return ", ".join(f"{path} x{count}" for path, count in kinds.most_common())


def _fast_path_graph(datasets):
    from portal import db
    from portal.catalog.dcat_turtle import dataset_turtle
    from portal.feeds.rows import RowLoader
    from portal.rdf import turtle_block, turtle_prefixes

    refs = dcat.References()
    head = turtle_block(dcat.catalog_triples(
        BASE, title="Datos Abiertos de Bolivia", refs=refs,
        issued=min(d.metadata_created for d in datasets),
        modified=max(d.metadata_modified for d in datasets)))
    rows = RowLoader(db.session).load([d.id for d in datasets])
    assert len(rows) == len(datasets)
    body = "".join(dataset_turtle(row, BASE, refs, in_catalog=True) for row in rows)
    tail = turtle_block(dcat.references_triples(refs, BASE))
    return parse_graph(turtle_prefixes() + head + body + tail, "turtle")


def test_whole_demo_catalog_conforms_and_round_trips(ctx):
    load.load_demo()
    datasets = list(services.datasets_with_resources(services.public_datasets_query()))
    assert datasets
    refs = dcat.References()
    triples = list(dcat.catalog_triples(
        BASE, title="Datos Abiertos de Bolivia", refs=refs,
        issued=min(d.metadata_created for d in datasets),
        modified=max(d.metadata_modified for d in datasets)))
    for dataset in datasets:
        triples.append((dcat.catalog_uri(BASE), dcat.DCAT.dataset,
                        dcat.dataset_uri(dataset.name, BASE)))
        triples += dcat.dataset_triples(dataset, BASE, refs)
    triples += dcat.references_triples(refs, BASE)
    turtle = parse_graph(turtle_document(triples), "turtle")
    graph = new_graph()
    add_triples(graph, triples)
    jsonld = parse_graph(graph.serialize(format="json-ld"), "json-ld")

    current = validate(turtle, SHAPES_3_0_1 + RECOMMENDED_3_0_1)
    older = validate(turtle, SHAPES_3_0_0)
    print(f"\ndemo catalog ({len(datasets)} datasets) as Turtle: DCAT-AP 3.0.1 "
          f"{len(current.violations)} violations, {len(current.warnings)} recommended-"
          f"property warnings ({_summary(current.warnings)}); DCAT-AP 3.0.0 "
          f"{len(older.violations)} violations")
    print("\n".join(current.warnings))
    assert current.violations == [], current.violations[:5]
    assert current.warnings == [], current.warnings[:5]
    assert older.violations == [], older.violations[:5]
    # JSON-LD carries the same graph; checked with the 3.0.1 shapes.
    assert len(jsonld) == len(turtle)
    assert validate(jsonld, SHAPES_3_0_1).violations == []
    # The feeds' hot path (rows, Turtle written as text) gives that same, conforming graph.
    assert same_graph(_fast_path_graph(datasets), turtle)

    for dataset in datasets:
        single = new_graph()
        node = dcat.dataset_to_rdf(dataset, single, BASE)
        values = dcat.dataset_from_rdf(parse_graph(single.serialize(format="turtle"),
                                                   "turtle"), node)
        expected = services.dataset_input(dataset)
        for key in ("name", "title", "license_id", "frequency", "identifier", "version",
                    "issued", "modified", "temporal_start", "temporal_end", "contact_email",
                    "contact_name", "landing_page", "access_rights", "entity"):
            assert values[key] == expected[key], (dataset.name, key)
        assert values["description"] == dataset.description
        for key in ("keywords", "themes", "language", "spatial"):
            assert sorted(values[key]) == sorted(expected[key]), (dataset.name, key)
        assert sorted((r["name"], r["format"], r["sha256"]) for r in values["resources"]) == \
            sorted((r.name, r.format, r.sha256) for r in dataset.resources), dataset.name


def test_catalog_pages_merged_as_harvesters_do_conform_without_warnings(app, client):
    """Every page of ``/catalog.ttl``, followed through ``hydra:next`` as ckanext-dcat's and
    uData's harvesters follow it, merged into one graph: DCAT-AP 3.0.1 with its recommended
    shapes, 0 violations and 0 warnings (as the catalog grows, this keeps it so)."""
    with app.app_context():
        load.load_demo()
        public = services.count_public_datasets()
    merged, url, pages = new_graph(), "/catalog.ttl", []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        page = parse_graph(response.data, "turtle")
        merged += page
        pages.append(url)
        following = list(page.objects(None, HYDRA.next))
        assert len(following) <= 1
        url = str(following[0]).removeprefix(app.config["PORTAL_SITE_URL"]) if following \
            else None
        assert url not in pages
    assert len(pages) == -(-public // 100) > 1
    assert len(dcat.find_datasets(merged)) == public
    outcome = validate(merged, SHAPES_3_0_1 + RECOMMENDED_3_0_1)
    assert outcome.violations == [], outcome.violations[:5]
    assert outcome.warnings == [], outcome.warnings[:5]
