"""The DCAT backend against a local server: Turtle, RDF/XML and JSON-LD catalogs, the two-page
Hydra catalog, a Hydra page loop, invalid RDF and a billion-laughs catalog."""

from __future__ import annotations

from sqlalchemy import select

from portal import db
from portal.catalog.models import Dataset
from portal.harvest import services
from tests.conformance import conformance_file
from tests.harvest.servers import Reply
from tests.harvest.test_rdf import BILLION_LAUGHS

UDATA_BASE = "http://data.test.org/catalog.jsonld"


def _serve_file(site, path: str, relative: str, content_type: str, rewrite: bool = False):
    content = conformance_file(relative).read_bytes()
    if rewrite:  # the fixture's Hydra links name its original host: point them here
        content = content.replace(UDATA_BASE.encode(), f"{site.base}/catalog.jsonld".encode())
    site.add(path, Reply(content, content_type=content_type))


def _hydra(site, *, loop: bool = False):
    pages = {}
    for page in (1, 2):
        content = conformance_file(f"dcat-samples/udata/paged-collection-{page}.jsonld") \
            .read_bytes().replace(UDATA_BASE.encode(), f"{site.base}/catalog.jsonld".encode())
        if loop and page == 2:  # page 2 says its next page is page 1 (older nextPage form)
            content = content.replace(
                b'"http://www.w3.org/ns/hydra/core#lastPage"',
                b'"http://www.w3.org/ns/hydra/core#nextPage": [{"@value": "'
                + f"{site.base}/catalog.jsonld?page=1".encode() + b'"}],'
                b' "http://www.w3.org/ns/hydra/core#lastPage"')
        pages[str(page)] = Reply(content, content_type="application/ld+json")
    site.add("/catalog.jsonld", lambda query: pages[query.get("page", ["1"])[0]])


def _titles() -> set[str]:
    return {d.title for d in db.session.scalars(select(Dataset).where(Dataset.state == "active"))}


def test_turtle_catalog(site, add_source):
    _serve_file(site, "/catalog.ttl", "dcat-samples/semic/example-ms_catalogue.ttl",
                "text/turtle")
    source = add_source("semic", "dcat", f"{site.base}/catalog.ttl",
                        config={"default_license": "CC-BY-4.0"})
    job = services.run_source(source)
    assert job.counts["added"] >= 1 and job.counts["failed"] == 0, services.report_dict(job)
    dataset = db.session.scalars(select(Dataset)).first()
    assert dataset.extras["harvest_source"] == "semic"
    assert dataset.extras["harvest_remote_url"].startswith("http")


def test_rdf_xml_catalog(site, add_source):
    _serve_file(site, "/catalog.rdf", "dcat-samples/ckanext-dcat/catalog.rdf",
                "application/rdf+xml")
    job = services.run_source(add_source("ckanext", "dcat", f"{site.base}/catalog.rdf",
                                         config={"default_license": "CC-BY-4.0"}))
    assert job.status == "done", services.report_dict(job)
    assert job.counts["added"] >= 2


def test_hydra_paged_jsonld_catalog_is_read_whole(site, add_source):
    _hydra(site)
    source = add_source("udata", "dcat", f"{site.base}/catalog.jsonld",
                        config={"default_license": "CC-BY-4.0"})
    job = services.run_source(source)
    report = services.report_dict(job)
    assert job.status == "done", report
    assert job.counts["added"] == 4, report
    assert any("page=2" in hit for hit in site.hits)
    again = services.run_source(source)
    assert again.counts["unchanged"] == 4


def test_hydra_page_loop_stops_and_deletes_nothing(site, add_source):
    _hydra(site)
    source = add_source("bucle", "dcat", f"{site.base}/catalog.jsonld",
                        config={"default_license": "CC-BY-4.0"})
    assert services.run_source(source).counts["added"] == 4
    _hydra(site, loop=True)
    job = services.run_source(source)
    assert job.status == "errors"
    assert [e.type for e in services.job_errors(job)] == ["page-loop"]
    assert job.counts["deleted"] == 0 and job.counts["unchanged"] == 4


def test_invalid_rdf_and_billion_laughs_fail_the_job_cleanly(site, add_source):
    _serve_file(site, "/catalog.ttl", "dcat-samples/semic/example-ms_catalogue.ttl",
                "text/turtle")
    source = add_source("rota", "dcat", f"{site.base}/catalog.ttl",
                        config={"default_license": "CC-BY-4.0"})
    assert services.run_source(source).counts["added"] >= 1
    before = _titles()
    site.add("/catalog.ttl", Reply(b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:",
                                   content_type="text/turtle"))
    job = services.run_source(source)
    assert job.status == "failed"
    assert services.job_errors(job)[0].type == "invalid-rdf"
    site.add("/catalog.ttl", Reply(BILLION_LAUGHS, content_type="application/rdf+xml"))
    job = services.run_source(source)
    assert job.status == "failed"
    assert services.job_errors(job)[0].type == "unsafe-xml"
    db.session.expire_all()
    assert _titles() == before
