"""The Data Package and OCDS backends against a local server serving the conformance files."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal import db
from portal.catalog.models import Dataset
from portal.harvest import services
from portal.harvest.models import HarvestItem
from tests.conformance import conformance_file
from tests.harvest.servers import Reply


def _message(job) -> str:
    return db.session.scalar(select(HarvestItem.message).where(HarvestItem.job_id == job.id))


def _serve_package(site, folder: str):
    for name in ("datapackage.json", "data.csv", "data2.csv"):
        content = conformance_file(f"frictionless/{folder}/{name}").read_bytes()
        kind = "application/json" if name.endswith(".json") else "text/csv"
        site.add(f"/{folder}/{name}", Reply(content, content_type=kind))


def test_data_package_becomes_a_dataset_with_its_resources(site, add_source):
    _serve_package(site, "package")
    source = add_source("paquete", "datapackage", f"{site.base}/package/datapackage.json",
                        config={"default_license": "CC-BY-4.0"})
    job = services.run_source(source)
    assert job.status == "done" and job.counts["added"] == 1, _message(job)
    dataset = db.session.scalars(select(Dataset)).one()
    assert dataset.title == "testing"
    assert [(r.name, r.url, r.format) for r in dataset.resources] == [
        ("data", f"{site.base}/package/data.csv", "CSV"),
        ("data2", f"{site.base}/package/data2.csv", "CSV")]
    assert dataset.resources[0].schema["primaryKey"] == "id"
    assert "válido" in _message(job)
    assert services.run_source(source).counts["unchanged"] == 1
    # The data changes at the source: the dataset is written again.
    site.add("/package/data2.csv", Reply(b"parent,comment\n1,otro\n", content_type="text/csv"))
    assert services.run_source(source).counts["updated"] == 1


def test_invalid_data_package_is_reported_or_refused(site, add_source):
    _serve_package(site, "invalid")
    url = f"{site.base}/invalid/datapackage.json"
    job = services.run_source(add_source("invalido", "datapackage", url,
                                         config={"default_license": "CC-BY-4.0"}))
    assert job.counts["added"] == 1
    assert "errores de validación" in _message(job)
    strict = services.run_source(add_source("estricto", "datapackage", url, entity="mefp",
                                            config={"default_license": "CC-BY-4.0",
                                                    "require_valid": True}))
    assert strict.counts["failed"] == 1 and "errores de validación" in _message(strict)


@pytest.fixture
def ocds_standard(monkeypatch):
    monkeypatch.setenv("PORTAL_OCDS_STANDARD",
                       str(conformance_file("ocds/standard-1__1__5-schema.zip")))


def test_ocds_release_package(site, add_source, ocds_standard):
    site.add("/releases.json", Reply(
        conformance_file("ocds/valid/basic_1.json").read_bytes()))
    source = add_source("ocds", "ocds", f"{site.base}/releases.json")
    job = services.run_source(source)
    assert job.counts["added"] == 1, _message(job)
    dataset = db.session.scalars(select(Dataset)).one()
    assert dataset.title.startswith("Contrataciones públicas de Open Data Services")
    assert dataset.license_id == "ODC-PDDL-1.0"
    assert [r.format for r in dataset.resources] == ["JSON"]
    assert "Validación OCDS, archivo 1: válido" in _message(job)
    assert services.run_source(source).counts["unchanged"] == 1


def _page(relative: str, next_url: str | None) -> bytes:
    data = json.loads(conformance_file(relative).read_text())
    if next_url:
        data["links"] = {"next": next_url}
    return json.dumps(data).encode()


def test_ocds_paged_api_follows_links_next_and_stops_on_a_loop(site, add_source,
                                                              ocds_standard):
    site.add("/api/1", Reply(_page("ocds/valid/release-package_minimal.json", "/api/2")))
    site.add("/api/2", Reply(_page("ocds/invalid/tenders_releases_2_releases_invalid.json",
                                   None)))
    source = add_source("api-ocds", "ocds", f"{site.base}/api/1",
                        config={"title": "Compras del INE", "default_license": "CC-BY-4.0"})
    job = services.run_source(source)
    assert job.counts["added"] == 1, _message(job)
    dataset = db.session.scalars(select(Dataset)).one()
    assert [r.url for r in dataset.resources] == [f"{site.base}/api/1", f"{site.base}/api/2"]
    assert "archivo 2:" in _message(job) and "errores de validación" in _message(job)
    site.add("/api/2", Reply(_page("ocds/valid/release-package_minimal.json", "/api/1")))
    looped = services.run_source(source)
    assert [e.type for e in services.job_errors(looped)] == ["page-loop"]
    assert looped.status == "errors" and looped.counts["deleted"] == 0
