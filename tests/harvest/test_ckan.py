"""The CKAN backend against a real local server: first run, nothing changed, a dataset edited,
one added and one removed; incremental listing; sources that misbehave."""

from __future__ import annotations

import json

from sqlalchemy import select

from harvesters.ckan import package_to_dataset
from portal import db
from portal.catalog.models import Dataset
from portal.harvest import services
from portal.harvest.models import HarvestItem, HarvestJob
from tests import factories
from tests.conformance import conformance_file
from tests.harvest.servers import FakeCkan, Reply, ckan_package


def _demo_packages() -> list[dict]:
    path = conformance_file("ckan-api/demo-ckan-2017/package_search.json")
    return json.loads(path.read_text())["result"]["results"]


def _statuses(job) -> dict[str, str]:
    items = db.session.scalars(select(HarvestItem).where(HarvestItem.job_id == job.id))
    return {item.remote_id: item.status for item in items}


def _datasets() -> dict[str, Dataset]:
    return {d.extras["harvest_remote_id"]: d for d in db.session.scalars(select(Dataset))}


def test_demo_ckan_first_run_maps_packages_and_provenance(site, add_source):
    packages = _demo_packages()
    FakeCkan(site, packages)
    source = add_source("demo", "ckan", site.base)
    job = services.run_source(source)
    assert job.status == "done", job.message
    assert job.counts["added"] == len(packages) == 3
    datasets = _datasets()
    first = datasets["62513382-3b26-4bc8-9096-40b6ce8383c0"]
    assert first.title == "100 Validated Species of Plants"
    assert first.license_id == "other-open"
    assert first.entity.name == "ine"
    assert first.keywords == ["flower", "image recognition", "machine learning"]
    assert first.resources[0].format == "CSV"
    assert first.identifier == "62513382-3b26-4bc8-9096-40b6ce8383c0"
    assert first.extras["harvest_source"] == "demo"
    assert first.extras["harvest_remote_url"] == \
        f"{site.base}/dataset/100-validated-species-of-plants"
    assert first.extras["harvest_last"].startswith("20")
    second = datasets["9c3036b8-f6ac-4a4e-9036-5a3cc90c3900"]
    assert second.license_id == "CC-BY-4.0"  # CKAN's cc-by
    assert second.landing_page.startswith("http://www.legco.gov.hk/")


def test_second_run_is_unchanged_and_writes_no_dataset(site, add_source):
    packages = [ckan_package(n) for n in range(1, 6)]
    FakeCkan(site, packages)
    source = add_source("sintetico", "ckan", site.base)
    assert services.run_source(source).counts["added"] == 5
    before = {d.id: d.metadata_modified for d in db.session.scalars(select(Dataset))}
    site.hits.clear()
    job = services.run_source(source)
    assert job.status == "done"
    assert job.counts == {"added": 0, "updated": 0, "unchanged": 5, "deleted": 0, "failed": 0,
                          "skipped": 0}
    db.session.expire_all()
    after = {d.id: d.metadata_modified for d in db.session.scalars(select(Dataset))}
    assert after == before
    # Incremental: a light listing (fl=...), and no full page or package_show at all.
    assert all("fl=" in hit for hit in site.hits), site.hits
    assert set(_statuses(job).values()) == {"unchanged"}


def test_edited_added_and_removed_datasets_follow_the_source(site, add_source):
    packages = [ckan_package(n) for n in range(1, 5)]
    FakeCkan(site, packages)
    source = add_source("cambios", "ckan", site.base)
    services.run_source(source)
    removed_id = packages[3]["id"]
    packages[0].update(title="Título corregido", metadata_modified="2024-03-01T10:00:00.000000")
    packages[1]["resources"].append({"name": "extra.json", "format": "JSON",
                                     "url": "https://example.org/extra.json"})
    packages[1]["metadata_modified"] = "2024-03-02T10:00:00.000000"
    del packages[3]
    packages.append(ckan_package(9, metadata_modified="2024-03-03T00:00:00.000000"))
    job = services.run_source(source)
    statuses = _statuses(job)
    assert statuses[packages[0]["id"]] == "updated"
    assert statuses[packages[1]["id"]] == "updated"
    assert statuses[packages[2]["id"]] == "unchanged"
    assert statuses[packages[3]["id"]] == "added"
    assert statuses[removed_id] == "deleted"
    assert job.status == "done"
    db.session.expire_all()
    datasets = _datasets()
    assert datasets[packages[0]["id"]].title == "Título corregido"
    assert [r.format for r in datasets[packages[1]["id"]].resources] == ["CSV", "JSON"]
    assert datasets[removed_id].state == "deleted"
    # The removed dataset comes back when the source publishes it again.
    packages.append(ckan_package(4, metadata_modified="2024-04-01T00:00:00.000000"))
    job = services.run_source(source)
    assert _statuses(job)[removed_id] == "updated"
    db.session.expire_all()
    assert _datasets()[removed_id].state == "active"


def test_removal_can_be_switched_off(site, add_source):
    packages = [ckan_package(n) for n in range(1, 3)]
    FakeCkan(site, packages)
    source = add_source("sin-bajas", "ckan", site.base, config={"remove_missing": False})
    services.run_source(source)
    del packages[0]
    job = services.run_source(source)
    assert job.counts["deleted"] == 0
    assert all(d.state == "active" for d in db.session.scalars(select(Dataset)))


def test_bad_item_fails_alone(site, add_source):
    packages = [ckan_package(1), ckan_package(2, title=""), ckan_package(3, license_id="xyz")]
    FakeCkan(site, packages)
    job = services.run_source(add_source("malos", "ckan", site.base))
    assert job.status == "errors"
    assert job.counts["added"] == 1 and job.counts["failed"] == 2
    messages = {i.remote_id: i.message for i in db.session.scalars(
        select(HarvestItem).where(HarvestItem.status == "failed"))}
    assert "no tiene título" in messages[packages[1]["id"]]
    assert "Licencia desconocida: «xyz»" in messages[packages[2]["id"]]


def test_dkan_and_brazilian_ckan_dictionaries(site, add_source):
    dkan = json.loads(conformance_file("ckan-api/dkan/dkan-french-w-license.json")
                      .read_text())["result"][0]
    brazil = json.loads(conformance_file(
        "ckan-api/dados-gov-br/package_show_bolsa-familia-pagamentos.json").read_text())["result"]
    FakeCkan(site, [dkan, brazil])
    source = add_source("mixto", "ckan", site.base)
    job = services.run_source(source)
    assert job.counts["added"] == 1 and job.counts["failed"] == 1
    failed = db.session.scalar(select(HarvestItem).where(HarvestItem.status == "failed"))
    assert "etalab" in failed.message and "license_map" in failed.message
    added = _datasets()[brazil["id"]]
    # One of its 59 resources has a tab-mangled URL: left out, with a note; the rest go in.
    assert len(added.resources) == 58 and added.license_id == "CC-BY-4.0"
    note = db.session.scalar(select(HarvestItem.message).where(
        HarvestItem.remote_id == brazil["id"]))
    assert "Pagamentos - Outubro/2017" in note
    # With a licence mapping the DKAN dataset goes in (private at the source, private here).
    services.update_source(source, {"config": {"license_map": {
        dkan["license_title"]: "other-open"}}}, services.SYSTEM)
    job = services.run_source(source)
    assert job.counts["added"] == 1, job.message
    assert _datasets()[dkan["id"]].private is True


def _run_after_good_first(site, add_source, breaking):
    packages = [ckan_package(n) for n in range(1, 4)]
    FakeCkan(site, packages)
    source = add_source("fragil", "ckan", site.base)
    assert services.run_source(source).status == "done"
    breaking()
    job = services.run_source(source)
    db.session.expire_all()
    assert all(d.state == "active" for d in db.session.scalars(select(Dataset)))
    assert job.counts["deleted"] == 0
    return job, services.job_errors(job)


def test_html_instead_of_json_fails_the_job_and_deletes_nothing(site, add_source):
    def breaking():
        site.add("/api/3/action/package_search", Reply(b"<!DOCTYPE html><html>Mantenimiento",
                                                        content_type="text/html"))
    job, errors = _run_after_good_first(site, add_source, breaking)
    assert job.status == "failed"
    assert errors[0].type == "not-json" and "HTML" in errors[0].message


def test_truncated_json_fails_the_job(site, add_source):
    def breaking():
        site.add("/api/3/action/package_search",
                 Reply(b'{"success": true, "result": {"count": 3, "results": [{"id": '))
    job, errors = _run_after_good_first(site, add_source, breaking)
    assert job.status == "failed"
    assert errors[0].type == "invalid-json" and "truncado" in errors[0].message


def test_source_down_fails_the_job(site, add_source):
    def breaking():
        site.add("/api/3/action/package_search", Reply(b"Service Unavailable", status=503,
                                                        content_type="text/plain"))
    job, errors = _run_after_good_first(site, add_source, breaking)
    assert job.status == "failed" and errors[0].type == "http-error"
    assert "503" in job.message


def test_unreachable_source(add_source):
    source = add_source("caido", "ckan", "http://127.0.0.1:9")
    job = services.run_source(source)
    assert job.status == "failed"
    assert services.job_errors(job)[0].type == "connection-error"


def test_page_loop_stops_the_listing_without_deleting(site, add_source):
    packages = [ckan_package(n) for n in range(1, 6)]
    ckan = FakeCkan(site, packages)
    source = add_source("bucle", "ckan", site.base, config={"rows": 2, "incremental": False})
    assert services.run_source(source).counts["added"] == 5
    ckan.ignore_start = True  # every page is the first page again
    job = services.run_source(source)
    assert job.status == "errors"
    assert [e.type for e in services.job_errors(job)] == ["page-loop"]
    assert job.counts["deleted"] == 0 and not job.listing_complete


def test_same_identifier_from_two_sources_is_not_duplicated(site, add_source):
    FakeCkan(site, [ckan_package(1, extras=[{"key": "identifier", "value": "ine-ipc-2024"}])])
    first = services.run_source(add_source("uno", "ckan", site.base))
    second = services.run_source(add_source("dos", "ckan", site.base, entity="mefp"))
    assert first.counts["added"] == 1
    assert second.counts == {"added": 0, "updated": 0, "unchanged": 0, "deleted": 0,
                             "failed": 0, "skipped": 1}
    item = db.session.scalar(select(HarvestItem).where(HarvestItem.job_id == second.id))
    assert "ine-ipc-2024" in item.message and "uno" in item.message
    assert len(list(db.session.scalars(select(Dataset)))) == 1


def test_a_taken_name_gets_a_free_variant(site, add_source):
    factories.dataset("conjunto-1", title="Publicado en el portal")
    factories.dataset("conjunto-2")
    factories.dataset("conjunto-2-nombres")
    FakeCkan(site, [ckan_package(n) for n in (1, 2, 3)])
    job = services.run_source(add_source("nombres", "ckan", site.base))
    assert job.counts["added"] == 3, job.message
    names = {d.extras.get("harvest_remote_id"): d.name for d in db.session.scalars(
        select(Dataset)) if d.extras.get("harvest_source") == "nombres"}
    assert names == {ckan_package(1)["id"]: "conjunto-1-nombres",
                     ckan_package(2)["id"]: "conjunto-2-2",  # both first choices are taken
                     ckan_package(3)["id"]: "conjunto-3"}
    portal_own = db.session.scalar(select(Dataset).where(Dataset.name == "conjunto-1"))
    assert portal_own.title == "Publicado en el portal" and not portal_own.extras


def test_jobs_keep_every_error(site, add_source):
    packages = [ckan_package(n, title="") for n in range(1, 31)]
    FakeCkan(site, packages)
    job = services.run_source(add_source("muchos", "ckan", site.base, config={"rows": 7}))
    assert job.counts["failed"] == 30
    report = services.report_dict(db.session.get(HarvestJob, job.id))
    assert len([i for i in report["items"] if i["status"] == "failed"]) == 30


def test_resource_fields_a_source_declares_are_kept_when_usable():
    """Size, hash, last change and schema as a CKAN source gives them; what this portal cannot
    store (a negative size, a date that is none, a schema name registered only there, the
    source's own ``upload``) is left out instead of failing the dataset."""
    package = ckan_package(1, resources=[
        {"name": "a", "url": "https://example.org/a.csv", "size": "2048", "hash": "md5:abc",
         "last_modified": "2024-05-01T10:00:00.123456", "url_type": "upload",
         "schema": "https://example.org/schema.json"},
        {"name": "b", "url": "https://example.org/b.csv", "size": -1,
         "last_modified": "ayer", "url_type": "datastore", "schema": "solo-en-la-fuente"},
        {"name": "c", "url": "https://example.org/c.csv", "size": True,
         "schema": {"fields": [{"name": "x"}]}},
    ])
    kept = [(r["size"], r["hash"], r["last_modified"], r["url_type"], r["schema"])
            for r in package_to_dataset(package)["resources"]]
    assert kept == [
        (2048, "md5:abc", "2024-05-01T10:00:00.123456", "", "https://example.org/schema.json"),
        (None, "", None, "datastore", None),
        (None, "", None, "", {"fields": [{"name": "x"}]}),
    ]


def test_a_resource_s_rights_statement_is_kept(site, add_source):
    """ckanext-dcat's resource field ``rights`` (its dct:rights) comes over as written."""
    package = ckan_package(1)
    package["resources"][0]["rights"] = "Uso libre citando al INE."
    package["resources"].append({"name": "b.csv", "format": "CSV", "url": "https://example.org/b",
                                 "rights": None})
    FakeCkan(site, [package])
    job = services.run_source(add_source("derechos", "ckan", site.base))
    assert _statuses(job)[package["id"]] == "added"
    resources = _datasets()[package["id"]].resources
    assert [r.rights for r in resources] == ["Uso libre citando al INE.", ""]


def test_a_dataset_edit_leaves_resources_whose_declared_moment_is_unchanged(site, add_source):
    """A resource's ``last_modified`` comes as text (naive or with an offset); the catalog holds
    a UTC moment. Compared as moments, an unchanged resource is not written again."""
    package = ckan_package(1)
    package["resources"][0]["last_modified"] = "2024-05-01T10:00:00.123456"
    package["resources"].append({"name": "b.csv", "format": "CSV", "url": "https://example.org/b",
                                 "last_modified": "2024-05-01T06:00:00-04:00"})
    FakeCkan(site, [package])
    source = add_source("momentos", "ckan", site.base)
    services.run_source(source)
    db.session.expire_all()
    before = {r.url: r.modified for r in _datasets()[package["id"]].resources}
    package.update(title="Otro título", metadata_modified="2024-06-01T00:00:00.000000")
    job = services.run_source(source)
    assert _statuses(job)[package["id"]] == "updated"
    db.session.expire_all()
    resources = _datasets()[package["id"]].resources
    assert {r.url: r.modified for r in resources} == before
    assert [r.last_modified.isoformat() for r in resources] == [
        "2024-05-01T10:00:00.123456", "2024-05-01T10:00:00"]
