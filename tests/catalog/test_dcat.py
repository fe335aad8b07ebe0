"""DCAT-AP 3 export and import: SHACL conformance, round trip, and the public sample catalogs."""

import pytest
from rdflib import Graph, URIRef

from portal.catalog import dcat, services
from portal.rdf import new_graph, parse_graph
from tests.feeds.sample import build_catalog
from tests.feeds.shacl import RECOMMENDED_3_0_1, SHAPES_3_0_0, SHAPES_3_0_1, validate

pytestmark = pytest.mark.usefixtures("ctx")
BASE = "https://datos.gob.bo"


def catalog_graph() -> Graph:
    graph = new_graph()
    datasets = list(services.datasets_with_resources(services.public_datasets_query()))
    dcat.catalog_to_rdf(graph, BASE, title="Datos Abiertos de Bolivia", datasets=datasets)
    return graph


def test_catalog_conforms_to_dcat_ap_3_0_1():
    build_catalog()
    outcome = validate(catalog_graph(), SHAPES_3_0_1 + RECOMMENDED_3_0_1)
    print(f"\nDCAT-AP 3.0.1: {len(outcome.violations)} violations, "
          f"{len(outcome.warnings)} recommended-property warnings")
    print("\n".join(outcome.violations + outcome.warnings))
    assert outcome.violations == []


def test_catalog_conforms_to_dcat_ap_3_0_0_as_used_by_ckanext_dcat():
    build_catalog()
    outcome = validate(catalog_graph(), SHAPES_3_0_0)
    print(f"\nDCAT-AP 3.0.0: {len(outcome.violations)} violations, "
          f"{len(outcome.warnings)} warnings")
    print("\n".join(outcome.violations + outcome.warnings))
    assert outcome.violations == []


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "xml"])
def test_serialised_catalog_still_conforms(fmt):
    build_catalog()
    text = catalog_graph().serialize(format=fmt)
    parsed = parse_graph(text, fmt)
    assert validate(parsed, SHAPES_3_0_1).violations == []


def test_streaming_turtle_writer_gives_the_same_graph():
    from portal.rdf import add_triples, turtle_document

    build_catalog()
    datasets = list(services.datasets_with_resources(services.public_datasets_query()))
    refs = dcat.References()
    triples = list(dcat.catalog_triples(BASE, title="Datos", refs=refs))
    for dataset in datasets:
        triples += list(dcat.dataset_triples(dataset, BASE, refs))
    triples += list(dcat.references_triples(refs, BASE))
    written = Graph().parse(data=turtle_document(triples), format="turtle")
    expected = Graph()
    add_triples(expected, triples)
    from rdflib.compare import isomorphic

    assert len(written) == len(expected)
    assert isomorphic(written, expected)
    assert validate(written, SHAPES_3_0_1).violations == []


def _expected_input(dataset) -> dict:
    values = services.dataset_input(dataset)
    values.pop("state"), values.pop("private"), values.pop("extras")
    for key in ("keywords", "themes", "language"):
        values[key] = sorted(values[key])
    values["resources"] = [  # in the dataset's order (schema:position)
        {"name": r.name, "description": r.description, "name_translated": r.name_translated,
         "description_translated": r.description_translated,
         "url": dcat.download_url(dataset.name, r, BASE) if r.is_upload else r.url,
         "format": r.format, "media_type": r.media_type, "license_id": r.license_id,
         "rights": r.rights, "schema": dcat.schema_uri(r, dataset.name, BASE) or None,
         "size": r.size,
         "hash": r.hash or r.sha256, "sha256": r.sha256,
         "last_modified": r.last_modified.isoformat() if r.last_modified else None,
         "uri": str(dcat.distribution_uri(dataset.name, r.id, BASE)), "position": position}
        for position, r in enumerate(dataset.resources)]
    return values


def _round_trip(dataset) -> dict:
    graph = new_graph()
    node = dcat.dataset_to_rdf(dataset, graph, BASE)
    # Through Turtle text, as a harvester would read it.
    parsed = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    values = dcat.dataset_from_rdf(parsed, node)
    values.pop("extras")
    return values


def test_round_trip_gives_back_the_same_metadata():
    build_catalog()
    datasets = list(services.datasets_with_resources(services.public_datasets_query()))
    assert len(datasets) == 4
    for dataset in datasets:
        assert _round_trip(dataset) == _expected_input(dataset), dataset.name


def test_round_trip_extras_name_the_node_and_the_publisher():
    build_catalog()
    dataset = services.get_dataset("censo-2024")
    graph = new_graph()
    node = dcat.dataset_to_rdf(dataset, graph, BASE)
    extras = dcat.dataset_from_rdf(graph, node)["extras"]
    assert extras["uri"] == f"{BASE}/dataset/censo-2024"
    # The EU theme SOCI is the closeMatch of the dataset's own theme: nothing to keep.
    assert "eu_themes" not in extras
    assert extras["publisher"] == {
        "type": "http://purl.org/adms/publishertype/NationalAuthority",
        "name": "ine", "title": "Instituto Nacional de Estadística", "kind": "otra",
        "level": "central", "website": "https://www.ine.gob.bo", "email": "info@ine.gob.bo",
        "uri": f"{BASE}/organization/ine",
    }


def test_publisher_types_follow_the_adms_vocabulary():
    build_catalog()
    graph = new_graph()
    node = dcat.publisher_to_rdf(services.get_entity("gam-la-paz"), graph, BASE)
    from portal.rdf import DCT

    assert str(graph.value(node, DCT.type)) == "http://purl.org/adms/publishertype/LocalAuthority"
    entity = dcat.publisher_from_rdf(graph, node)
    assert (entity["kind"], entity["level"]) == ("gobierno-municipal", "territorial")


def test_exported_dataset_uses_the_controlled_vocabularies():
    build_catalog()
    graph = new_graph()
    node = dcat.dataset_to_rdf(services.get_dataset("censo-2024"), graph, BASE)
    from portal.rdf import DCAT, DCT

    objects = {str(o) for o in graph.objects(node, None)}
    authority = "http://publications.europa.eu/resource/authority/"
    assert {authority + "frequency/IRREG", authority + "language/SPA",
            authority + "language/QUE", authority + "country/BOL",
            authority + "data-theme/SOCI", authority + "access-right/PUBLIC",
            f"{BASE}/spatial/BO-L", f"{BASE}/group/poblacion",
            "https://creativecommons.org/licenses/by/4.0/"} <= objects
    formats = {str(o) for o in graph.objects(None, DCT["format"])}
    assert authority + "file-type/CSV" in formats
    media = {str(o) for o in graph.objects(None, DCAT.mediaType)}
    assert "https://www.iana.org/assignments/media-types/text/csv" in media
    sizes = [o for o in graph.objects(None, DCAT.byteSize)]
    assert [str(s.datatype) for s in sizes] == ["http://www.w3.org/2001/XMLSchema#nonNegativeInteger"]


def _sample(relative: str, fmt: str) -> tuple[Graph, list]:
    from tests.conformance import conformance_file

    graph = parse_graph(conformance_file(f"dcat-samples/{relative}").read_bytes(), fmt)
    return graph, dcat.find_datasets(graph)


def test_ckanext_dcat_dataset_sample_gives_every_field_it_carries():
    graph, nodes = _sample("ckanext-dcat/dataset.rdf", "xml")
    assert len(nodes) == 1
    values = dcat.dataset_from_rdf(graph, nodes[0])
    assert values["title"] == "Zimbabwe Regional Geochemical Survey."
    assert values["keywords"] == ["exploration", "geochemistry", "geology"]
    assert (values["issued"], values["modified"]) == ("2012-05-10", "2012-05-10")
    assert (values["temporal_start"], values["temporal_end"]) == ("1905-03-01", "2013-01-05")
    assert values["frequency"] == "DAILY"  # the old purl.org/cld vocabulary
    assert values["language"] == ["es", "en"]  # in the code list's order
    assert values["extras"]["language"] == ["ca"]
    assert values["version"] == "2.3"
    assert values["landing_page"] == "http://dataset.info.org"
    assert (values["contact_name"], values["contact_email"]) == ("Point of Contact",
                                                                 "contact@some.org")
    assert values["entity"] == "some-org"
    assert values["extras"]["publisher"]["title"] == "Publishing Organization for dataset 1"
    assert values["extras"]["license"] == "https://data.some.org/link/to/license"
    [resource] = values["resources"]
    assert resource["url"] == "http://www.bgs.ac.uk/gbase/geochemcd/home.html"
    assert (resource["format"], resource["media_type"], resource["size"]) == (
        "HTML", "text/html", 12323)


def test_ckanext_dcat_catalog_sample_gives_its_datasets_and_distributions():
    graph, nodes = _sample("ckanext-dcat/catalog.rdf", "xml")
    by_title = {v["title"]: v for v in (dcat.dataset_from_rdf(graph, n) for n in nodes)}
    assert sorted(by_title) == ["Example dataset 1", "Example dataset 2"]
    first = by_title["Example dataset 1"]
    assert first["keywords"] == ["pollution", "stats"]
    assert first["entity"] == "publishing-organization-for-dataset-1"
    formats = {r["name"]: (r["format"], r["media_type"]) for r in first["resources"]}
    assert formats["A distribution for this dataset in CSV format"] == ("CSV", "text/csv")
    assert formats["A distribution for this dataset in PDF format"][0] == "PDF"
    catalog = next(iter(graph.subjects(
        predicate=None, object=URIRef("http://www.w3.org/ns/dcat#Catalog"))))
    assert dcat.catalog_from_rdf(graph, catalog)["title"] == "An example catalog"


def test_ckanext_dcat_json_ld_sample_with_graph():
    graph, nodes = _sample("ckanext-dcat/catalog_with_at_graph.jsonld", "json-ld")
    [values] = [dcat.dataset_from_rdf(graph, n) for n in nodes]
    assert values["title"] == "Title dataset"
    assert (values["contact_name"], values["contact_email"]) == ("Jane Doe",
                                                                 "jane.doe@agency.gov")
    [resource] = values["resources"]
    assert resource["url"] == "http://example2.org/files/download.zip"  # downloadURL first


def test_semic_hvd_sample_maps_the_eu_licence_and_frequency():
    graph, nodes = _sample("semic/example-ms_catalogue.ttl", "turtle")
    [values] = [dcat.dataset_from_rdf(graph, n) for n in nodes]
    assert values["title"] == "The population of bees"
    assert values["frequency"] == "BIENNIAL"
    assert values["identifier"] == "https://data.exampleMS.gov/id/dataset/1T2p3o4B"
    assert values["entity"] == "ms-environmental-agency"
    # The distribution's licence is a local document matching the EU licence CC0.
    assert values["license_id"] == "CC0-1.0"
    shp = next(r for r in values["resources"] if r["format"] == "SHP")
    assert shp["url"] == "https://orgea.exampleMS.gov/files/1T2p3o4B.shp"
    assert shp["schema"] == "https://orgea.exampleMS.gov/dataset/1T2p3o4B/schema/shp"


@pytest.mark.parametrize("page", ["paged-collection-1.jsonld", "paged-collection-2.jsonld"])
def test_udata_paged_collection_samples(page):
    graph, nodes = _sample(f"udata/{page}", "json-ld")
    values = [dcat.dataset_from_rdf(graph, n) for n in nodes]
    assert values and all(v["title"].startswith("Dataset ") for v in values)
    assert all(v["description"] for v in values)
    first = min(values, key=lambda v: v["title"])
    if first["title"] == "Dataset 1":
        assert first["keywords"] == ["Tag 1", "Tag 2", "Tag 3", "Tag 4"]
        assert first["contact_email"] == "hello@its.me"
        assert first["extras"]["themes"] == ["Theme 1", "Theme 2"]


def _written_and_expected(dataset, refs_written, refs_expected) -> tuple[Graph, Graph]:
    from portal.catalog.dcat_turtle import dataset_turtle
    from portal.rdf import DCAT, add_triples, turtle_prefixes

    text = turtle_prefixes() + dataset_turtle(dataset, BASE, refs_written, in_catalog=True)
    written = parse_graph(text, "turtle")
    expected = Graph()
    add_triples(expected, [(dcat.catalog_uri(BASE), DCAT.dataset,
                            dcat.dataset_uri(dataset.name, BASE))])
    add_triples(expected, dcat.dataset_triples(dataset, BASE, refs_expected))
    return written, expected


def test_direct_turtle_writer_gives_the_graph_of_the_triples_for_objects_and_rows():
    from rdflib.compare import graph_diff, isomorphic

    from portal import db
    from portal.feeds.rows import RowLoader
    from tests.feeds.sample import build_harvested

    build_catalog()
    build_harvested()
    datasets = list(services.datasets_with_resources(services.public_datasets_query()))
    rows = RowLoader(db.session).load([d.id for d in datasets])
    assert [r.name for r in rows] == [d.name for d in datasets]
    for dataset in [*datasets, *rows]:
        refs_written, refs_expected = dcat.References(), dcat.References()
        written, expected = _written_and_expected(dataset, refs_written, refs_expected)
        _both, only_written, only_expected = graph_diff(written, expected)
        assert isomorphic(written, expected), (dataset.name, sorted(only_written),
                                               sorted(only_expected))
        assert refs_written.iris == refs_expected.iris, dataset.name
        assert set(refs_written.entities) == set(refs_expected.entities)
        assert set(refs_written.themes) == set(refs_expected.themes)


def test_a_resource_s_rights_are_a_labelled_rights_statement_or_its_iri():
    """As ckanext-dcat writes its resource field ``rights``: a text as
    ``[ a dct:RightsStatement ; rdfs:label "..." ]``, an address as the statement's IRI."""
    from portal.rdf import DCT, RDF, RDFS

    build_catalog()
    dataset = services.get_dataset("censo-2024")
    graph = new_graph()
    dcat.dataset_to_rdf(dataset, graph, BASE)
    nodes = {r.name: dcat.distribution_uri(dataset.name, r.id, BASE) for r in dataset.resources}
    statement = graph.value(nodes["Población por departamento"], DCT.rights)
    assert (statement, RDF.type, DCT.RightsStatement) in graph
    assert str(graph.value(statement, RDFS.label)) == \
        'Uso libre citando «INE, "Censo 2024"».\nSin garantía.'
    iri = URIRef("https://www.ine.gob.bo/condiciones-de-uso")
    assert graph.value(nodes["Boletín"], DCT.rights) == iri
    assert (iri, RDF.type, DCT.RightsStatement) in graph
    assert graph.value(nodes["Viviendas"], DCT.rights) is None
    for shapes in (SHAPES_3_0_1, SHAPES_3_0_0):
        assert validate(graph, shapes).violations == []


def test_rights_are_read_from_a_literal_a_statement_s_label_or_its_iri():
    from portal.rdf import turtle_prefixes

    graph = parse_graph(turtle_prefixes() + """
        <http://x.org/d1> a dcat:Distribution ; dct:rights "  Texto libre " .
        <http://x.org/d2> a dcat:Distribution ; dct:rights [ a dct:RightsStatement ;
            rdfs:label "Free to use"@en, "Uso libre"@es ] .
        <http://x.org/d3> a dcat:Distribution ; dct:rights <https://example.org/derechos> .
        <http://x.org/d4> a dcat:Distribution ; dct:rights [ a dct:RightsStatement ] .
        <http://x.org/d5> a dcat:Distribution .
    """, "turtle")
    read = {n: dcat.distribution_from_rdf(graph, URIRef(f"http://x.org/d{n}"))["rights"]
            for n in range(1, 6)}
    assert read == {1: "Texto libre", 2: "Uso libre", 3: "https://example.org/derechos",
                    4: "", 5: ""}


def test_harvested_dataset_exports_its_provenance_and_conforms():
    from portal.rdf import ADMS, DCAT, DCT, RDF, SKOS
    from tests.feeds.sample import HARVESTED_EXTRAS, build_harvested

    dataset = build_harvested()
    graph = new_graph()
    node = dcat.dataset_to_rdf(dataset, graph, BASE)
    remote = URIRef(HARVESTED_EXTRAS["harvest_remote_url"])
    assert graph.value(node, DCT.source) == remote
    assert (remote, RDF.type, DCAT.Dataset) in graph
    identifier = graph.value(node, ADMS.identifier)
    assert (identifier, RDF.type, ADMS.Identifier) in graph
    assert str(graph.value(identifier, SKOS.notation)) == HARVESTED_EXTRAS["harvest_remote_id"]
    assert str(graph.value(identifier, ADMS.schemaAgency)) == "ine-ckan"
    for shapes in (SHAPES_3_0_1, SHAPES_3_0_0):
        assert validate(graph, shapes).violations == []
    # Read back (as a harvester of our feed would), the remote dataset is not a second dataset.
    parsed = parse_graph(graph.serialize(format="turtle"), "turtle")
    assert dcat.find_datasets(parsed) == [node]
    values = dcat.dataset_from_rdf(parsed, node)
    assert values["extras"]["source"] == [str(remote)]
    assert values["extras"]["alternate_identifier"] == [HARVESTED_EXTRAS["harvest_remote_id"]]
    assert (values["title"], values["description"]) == (dataset.title, dataset.description)
    assert values["keywords"] == sorted(dataset.keywords)


def test_a_dataset_made_here_has_no_provenance():
    build_catalog()
    graph = new_graph()
    node = dcat.dataset_to_rdf(services.get_dataset("censo-2024"), graph, BASE)
    from portal.rdf import ADMS, DCT

    assert dcat.provenance_of(services.get_dataset("censo-2024")) is None
    assert graph.value(node, DCT.source) is None and graph.value(node, ADMS.identifier) is None
