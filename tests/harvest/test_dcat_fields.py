"""What the DCAT export writes and the DCAT harvester reads back, field by field: the remote
publisher, free extras, checksums (computed and declared), the data's last change, Table Schemas
(inline ones fetched from their own address), the order of distributions, JSON language lists
and names of 100 characters."""

from __future__ import annotations

from datetime import datetime

from rdflib import URIRef
from sqlalchemy import select

from portal import db
from portal.auth.permissions import SYSTEM
from portal.catalog import dcat
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.harvest import services
from portal.rdf import DCAT, DCT, FOAF, SPDX, new_graph, parse_graph
from tests.feeds.sample import INLINE_SCHEMA, REMOTE_EXTRAS, build_harvested
from tests.harvest.servers import Reply

BASE = "https://datos.gob.bo"


def _read_back(dataset) -> dict:
    graph = new_graph()
    node = dcat.dataset_to_rdf(dataset, graph, BASE)
    return dcat.dataset_from_rdf(parse_graph(graph.serialize(format="turtle"), "turtle"), node)


def test_a_harvested_dataset_exports_its_remote_publisher_and_extras(ctx):
    dataset = build_harvested()
    graph = new_graph()
    node = dcat.dataset_to_rdf(dataset, graph, BASE)
    publisher = graph.value(node, DCT.publisher)
    assert publisher == URIRef(REMOTE_EXTRAS["publisher_uri"])  # not the entity "ine"
    assert str(graph.value(publisher, FOAF.name)) == REMOTE_EXTRAS["publisher_name"]
    assert str(graph.value(publisher, DCT.type)) == REMOTE_EXTRAS["publisher_type"]
    values = _read_back(dataset)
    extras = values["extras"]
    assert extras["fuente"] == "Encuesta de Hogares"
    assert extras["cobertura_muestral"] == REMOTE_EXTRAS["cobertura_muestral"]  # JSON kept
    assert not any(key.startswith("harvest_") or key.startswith("publisher_") for key in extras)
    assert extras["publisher"]["uri"] == REMOTE_EXTRAS["publisher_uri"]
    assert dcat.publisher_extras(extras["publisher"]) == {
        key: value for key, value in REMOTE_EXTRAS.items() if key.startswith("publisher_")}


def test_distributions_keep_order_checksums_dates_and_schema(ctx):
    dataset = build_harvested()
    catalog.update_resource(dataset.resources[0], {"name": "Zeta: primero"}, SYSTEM,
                            partial=True)
    values = _read_back(dataset)
    assert [r["name"] for r in values["resources"]] == ["Zeta: primero",
                                                        "Hogares por departamento"]
    second = values["resources"][1]
    assert second["description"] == ""  # the generated description is read back as none
    assert second["size"] == 2048
    assert second["hash"] == "0123456789abcdef0123456789abcdef"  # md5, named by its length
    assert second["last_modified"] == "2025-05-01T10:20:30.123456"
    resource = dataset.resources[1]
    assert second["schema"] == f"{BASE}/dataset/encuesta-hogares/resource/{resource.id}" \
                               "/schema.json"
    graph = new_graph()
    node = dcat.distribution_to_rdf(resource, graph, BASE)
    assert "formato CSV" in str(graph.value(node, DCT.description))
    checksum = graph.value(node, SPDX.checksum)
    assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_md5


def test_declared_hashes_name_their_algorithm():
    md5 = "0123456789abcdef0123456789abcdef"
    assert dcat.declared_checksum(md5) == (SPDX.checksumAlgorithm_md5, md5)
    assert dcat.declared_checksum("SHA1:" + "AB" * 20) == (SPDX.checksumAlgorithm_sha1,
                                                            "ab" * 20)
    assert dcat.declared_checksum("sha-256:" + "0f" * 32)[0] == SPDX.checksumAlgorithm_sha256
    for unknown in ("crc32:0a0b0c0d", "not a hash", "md5:xyz", "abc"):
        assert dcat.declared_checksum(unknown) is None


LONG_NAME = "conjunto-" + "x" * 91  # 100 characters, the longest name the portal allows


def _remote_catalog(base: str, schema_status: int = 200) -> bytes:
    dist = f"{base}/dataset/{LONG_NAME}/resource/r1"
    return f"""
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{base}/catalog> a dcat:Catalog ; dcat:dataset <{base}/dataset/{LONG_NAME}> .
<{base}/dataset/{LONG_NAME}> a dcat:Dataset ; dct:title "Un conjunto remoto" ;
  dct:description "Con idiomas en JSON." ; dct:language "[\\"es\\", \\"en\\"]" ;
  dct:license <https://creativecommons.org/licenses/by/4.0/> ;
  dct:publisher <{base}/organization/remota> ; dcat:distribution <{dist}> .
<{base}/organization/remota> a foaf:Agent ; foaf:name "Entidad remota" ;
  dct:type <http://purl.org/adms/publishertype/LocalAuthority> .
<{dist}> a dcat:Distribution ; dct:title "Tabla" ; dcat:accessURL <{base}/tabla.csv> ;
  dcat:byteSize 10 ; dct:conformsTo <{dist}/schema.json> .
""".encode()


def test_the_harvester_keeps_long_names_json_languages_publisher_and_inline_schema(
        site, add_source):
    site.add("/catalog.ttl", Reply(_remote_catalog(site.base), content_type="text/turtle"))
    site.json(f"/dataset/{LONG_NAME}/resource/r1/schema.json", INLINE_SCHEMA)
    job = services.run_source(add_source("remota", "dcat", f"{site.base}/catalog.ttl"))
    assert job.counts["added"] == 1, services.report_dict(job)
    dataset = db.session.scalars(select(Dataset)).one()
    assert dataset.name == LONG_NAME and len(dataset.name) == 100
    assert dataset.language == ["es", "en"]
    assert dataset.entity.name == "ine"  # the harvesting entity owns it
    assert dataset.extras["publisher_name"] == "Entidad remota"
    assert dataset.extras["publisher_uri"] == f"{site.base}/organization/remota"
    assert "uri" not in dataset.extras and "publisher" not in dataset.extras
    [resource] = dataset.resources
    assert resource.schema == INLINE_SCHEMA and resource.size == 10
    graph = new_graph()
    node = dcat.dataset_to_rdf(dataset, graph, BASE)
    assert graph.value(node, DCT.publisher) == URIRef(f"{site.base}/organization/remota")
    assert (node, DCAT.distribution, None) in graph


def test_an_inline_schema_that_cannot_be_read_stays_a_url_with_a_note(site, add_source):
    site.add("/catalog.ttl", Reply(_remote_catalog(site.base), content_type="text/turtle"))
    job = services.run_source(add_source("remota", "dcat", f"{site.base}/catalog.ttl"))
    assert job.counts["added"] == 1, services.report_dict(job)
    [item] = services.job_items(job)
    assert "schema.json" in item.message
    resource = db.session.scalars(select(Dataset)).one().resources[0]
    assert resource.schema == f"{site.base}/dataset/{LONG_NAME}/resource/r1/schema.json"


def test_dates_of_other_portals_are_read_as_utc():
    graph = parse_graph("""
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<http://x/d> a dcat:Distribution ; dcat:accessURL <http://x/f.csv> ;
  dct:modified "2025-05-01T10:00:00-04:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
""", "turtle")
    values = dcat.distribution_from_rdf(graph, URIRef("http://x/d"))
    assert datetime.fromisoformat(values["last_modified"]) == datetime(2025, 5, 1, 14, 0)


def test_a_new_declared_size_alone_is_taken_on_the_next_run(site, add_source):
    site.add("/catalog.ttl", Reply(_remote_catalog(site.base), content_type="text/turtle"))
    site.json(f"/dataset/{LONG_NAME}/resource/r1/schema.json", INLINE_SCHEMA)
    source = add_source("remota", "dcat", f"{site.base}/catalog.ttl")
    assert services.run_source(source).counts["added"] == 1
    changed = _remote_catalog(site.base).replace(b"dcat:byteSize 10", b"dcat:byteSize 12")
    site.add("/catalog.ttl", Reply(changed, content_type="text/turtle"))
    job = services.run_source(source)
    assert job.counts["updated"] == 1, services.report_dict(job)
    db.session.expire_all()
    assert db.session.scalars(select(Dataset)).one().resources[0].size == 12


def test_the_harvester_reads_a_distribution_s_rights_statement(site, add_source):
    """ckanext-dcat's ``dct:rights [ a dct:RightsStatement ; rdfs:label ... ]`` becomes the
    resource's ``rights``; a new label is taken on the next run."""
    statement = (b'dcat:byteSize 10 ; dct:rights [ a dct:RightsStatement ; '
                 b'<http://www.w3.org/2000/01/rdf-schema#label> "Uso libre citando la fuente"@es ]')
    remote = _remote_catalog(site.base).replace(b"dcat:byteSize 10", statement)
    site.add("/catalog.ttl", Reply(remote, content_type="text/turtle"))
    site.json(f"/dataset/{LONG_NAME}/resource/r1/schema.json", INLINE_SCHEMA)
    source = add_source("remota", "dcat", f"{site.base}/catalog.ttl")
    assert services.run_source(source).counts["added"] == 1
    [resource] = db.session.scalars(select(Dataset)).one().resources
    assert resource.rights == "Uso libre citando la fuente"
    changed = remote.replace(b"citando la fuente", b"sin fines comerciales")
    site.add("/catalog.ttl", Reply(changed, content_type="text/turtle"))
    job = services.run_source(source)
    assert job.counts["updated"] == 1, services.report_dict(job)
    db.session.expire_all()
    assert db.session.scalars(select(Dataset)).one().resources[0].rights == \
        "Uso libre sin fines comerciales"
