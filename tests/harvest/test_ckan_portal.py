"""One portal harvested by another with our CKAN harvester, both real: the source is a second
instance of the portal (its own SQLite database, search index and instance folder) served over
HTTP on loopback; the harvest runs in the test's app.

The first run brings every dataset with its fields; after changes at the source (an edit, a new
dataset, a deletion) the incremental run asks, as ckanext-harvest does, ``package_search`` with
``q=*:*``, ``sort=id asc``, ``rows``, ``start`` and ``fq=metadata_modified:[SINCE TO *]``, reads
only what changed, and applies only that.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
from sqlalchemy import select

from portal import create_app, db, migrations
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.harvest import services
from portal.harvest.models import HarvestItem
from portal.search import close_backend
from tests import factories
from tests.loopback import serving

CSV = b"departamento,casos\nLa Paz,10\nOruro,3\n"


@pytest.fixture(scope="module")
def source_template(tmp_path_factory) -> Path:
    """A migrated empty SQLite database, copied for each source portal."""
    folder = tmp_path_factory.mktemp("source-template")
    app = create_app({"PORTAL_DATABASE_URL": f"sqlite:///{folder / 'portal.db'}",
                      "PORTAL_INSTANCE_PATH": str(folder / "instance"),
                      "PORTAL_SECRET_KEY": "test", "TESTING": True})
    migrations.upgrade(app)
    app.extensions["db_engine"].dispose()
    return folder / "portal.db"


class SourcePortal:
    """A second portal instance; ``requests`` lists what it was asked over HTTP."""

    def __init__(self, app):
        self.app = app
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.url = ""

    def __call__(self, environ, start_response):
        self.requests.append((environ["PATH_INFO"], parse_qs(environ.get("QUERY_STRING", ""))))
        return self.app(environ, start_response)

    def actions(self, name: str) -> list[dict[str, list[str]]]:
        return [query for path, query in self.requests if path == f"/api/3/action/{name}"]


@pytest.fixture
def source(source_template, tmp_path):
    shutil.copy(source_template, tmp_path / "source.db")
    app = create_app({"PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'source.db'}",
                      "PORTAL_INSTANCE_PATH": str(tmp_path / "source-instance"),
                      "PORTAL_SECRET_KEY": "test", "TESTING": True})
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia")
        factories.entity("mefp", title="Ministerio de Economía", kind="ministerio")
        factories.theme("economia", title="Economía")
        census = factories.dataset(
            "censo-2024", title="Censo 2024", description="Resultados **definitivos**.",
            keywords=["censo", "población"], themes=["economia"], spatial=["BO", "BO-L"],
            temporal_start="2024-01-01", temporal_end="2024-12-31", frequency="ANNUAL_2",
            language=["es", "ay"], contact_name="Unidad de Datos",
            contact_email="datos@ine.gob.bo", landing_page="https://www.ine.gob.bo/censo",
            version="1.0", identifier="ine-censo-2024", issued="2024-03-01",
            modified="2024-06-30", extras={"fuente": "INE", "unidad": "personas"})
        factories.resource(census, content=CSV, filename="casos.csv", name="Casos",
                           description="Casos por departamento", schema={"fields": [
                               {"name": "departamento", "type": "string"},
                               {"name": "casos", "type": "integer"}]})
        factories.resource(census, name="Portal del censo", url="https://example.org/c.xlsx",
                           format="XLSX", license_id="CC0-1.0", size=2048,
                           hash="md5:0123456789abcdef0123456789abcdef",
                           last_modified="2024-07-01T12:00:00")
        budget = factories.dataset(
            "presupuesto-2024", entity_name="mefp", title="Presupuesto 2024",
            keywords=["presupuesto"], license_id="CC0-1.0")
        factories.resource(budget, name="Ley", url="https://example.org/ley.pdf", format="PDF")
        factories.dataset("padron", title="Padrón de unidades", keywords=["registro"])
        db.session.remove()
    portal = SourcePortal(app)
    with serving(portal) as portal.url:
        yield portal
    close_backend(app)


def _harvested() -> dict[str, Dataset]:
    db.session.expire_all()
    return {d.extras["ckan_name"]: d for d in db.session.scalars(select(Dataset))
            if d.extras.get("harvest_source") == "espejo"}


def _source_packages(source) -> dict[str, dict]:
    body = requests.get(f"{source.url}/api/3/action/package_search",
                        params={"q": "*:*", "rows": 1000}, timeout=10).json()
    return {p["name"]: p for p in body["result"]["results"]}


#: Keys that differ on purpose between a dataset and its harvested copy.
_OWN_KEYS = {"id", "owner_org", "organization", "metadata_created", "metadata_modified",
             "creator_user_id", "revision_id", "extras", "resources", "groups", "tags",
             "archiver"}  # link checks: a file stored at the source is a link here
_OWN_EXTRAS = {"harvest_source", "harvest_remote_id", "harvest_remote_url", "harvest_last",
               "ckan_name", "ckan_organization"}
_RESOURCE_KEYS = ("name", "description", "url", "format", "mimetype", "size", "hash",
                  "last_modified", "license_id", "position", "schema")


def _comparable(package: dict) -> dict:
    same = {k: v for k, v in package.items() if k not in _OWN_KEYS}
    same["tags"] = [t["name"] for t in package["tags"]]
    same["groups"] = [g["name"] for g in package["groups"]]
    same["extras"] = {e["key"]: e["value"] for e in package["extras"]
                      if e["key"] not in _OWN_EXTRAS}
    same["resources"] = [{k: r.get(k) for k in _RESOURCE_KEYS} for r in package["resources"]]
    return same


def test_a_portal_harvests_another_with_every_field(source, add_source, harvest_app):
    job = services.run_source(add_source("espejo", "ckan", source.url))
    assert job.status == "done", job.message
    assert job.counts["added"] == 3
    remote = _source_packages(source)
    harvested = _harvested()
    assert set(harvested) == set(remote) == {"censo-2024", "presupuesto-2024", "padron"}
    census, original = harvested["censo-2024"], remote["censo-2024"]
    assert census.name == "censo-2024" and census.title == "Censo 2024"
    assert census.description == "Resultados **definitivos**."
    assert census.license_id == "CC-BY-4.0" and harvested["presupuesto-2024"].license_id == \
        "CC0-1.0"
    assert census.keywords == ["censo", "población"]
    assert [t.name for t in census.themes] == ["economia"]
    assert census.entity.name == "ine"  # the source's entity owns what it harvests
    assert census.extras["ckan_organization"] == "Instituto Nacional de Estadística"
    assert harvested["presupuesto-2024"].extras["ckan_organization"] == "Ministerio de Economía"
    assert census.extras["fuente"] == "INE" and census.extras["unidad"] == "personas"
    assert census.extras["harvest_remote_id"] == original["id"]
    assert (census.spatial, census.language) == (["BO", "BO-L"], ["es", "ay"])
    assert (str(census.temporal_start), str(census.temporal_end)) == ("2024-01-01",
                                                                      "2024-12-31")
    assert census.frequency == "ANNUAL_2" and census.identifier == "ine-censo-2024"
    assert (census.contact_name, census.contact_email) == ("Unidad de Datos",
                                                           "datos@ine.gob.bo")
    assert census.landing_page == "https://www.ine.gob.bo/censo" and census.version == "1.0"
    assert (str(census.issued), str(census.modified)) == ("2024-03-01", "2024-06-30")
    resources = [(r.name, r.description, r.url, r.format, r.media_type, r.license_id)
                 for r in census.resources]
    remote_resources = original["resources"]
    assert resources == [
        ("Casos", "Casos por departamento", remote_resources[0]["url"], "CSV", "text/csv", ""),
        ("Portal del censo", "", "https://example.org/c.xlsx", "XLSX",
         remote_resources[1]["mimetype"] or "", "CC0-1.0"),
    ]
    assert remote_resources[0]["url"].startswith(source.url)  # the upload, downloadable there
    assert remote_resources[0]["schema"]["fields"][1] == {"name": "casos", "type": "integer"}
    assert census.resources[0].schema == remote_resources[0]["schema"]
    declared = [(r.size, r.hash, r.last_modified and r.last_modified.isoformat(), r.url_type)
                for r in census.resources]
    assert declared == [
        (len(CSV), remote_resources[0]["hash"], remote_resources[0]["last_modified"], ""),
        (2048, "md5:0123456789abcdef0123456789abcdef", "2024-07-01T12:00:00", ""),
    ]
    # Through the API, each harvested dataset says what the source says, but for what
    # harvesting changes on purpose (ids, owner, provenance, dates of this portal's records).
    client = harvest_app.test_client()
    for name, package in remote.items():
        local = _comparable(client.get(f"/api/3/action/package_show?id={name}")
                            .get_json()["result"])
        remote_fields = _comparable(package)
        # Filled in when the source has none: the remote id identifies, CKAN's record dates
        # date it (as ckanext-dcat exports them).
        filled = {"identifier": package["id"], "issued": package["metadata_created"][:10],
                  "modified": package["metadata_modified"][:10]}
        for key, value in filled.items():
            if key not in remote_fields["extras"]:
                assert local["extras"].pop(key) == value, (name, key)
        assert local == remote_fields, name
    # The listing is ckanext-harvest's request: q=*:*, sort=id asc, rows and start.
    listing = source.actions("package_search")[:-1]  # the last: _source_packages
    assert listing and all(q["q"] == ["*:*"] and q["sort"] == ["id asc"] and q["rows"] == ["100"]
                           and q["start"] == ["0"] for q in listing)


def test_the_incremental_path_fetches_and_applies_only_the_changes(source, add_source):
    harvest_source = add_source("espejo", "ckan", source.url)
    assert services.run_source(harvest_source).counts["added"] == 3
    first = {name: (d.id, d.metadata_modified) for name, d in _harvested().items()}
    since = max(p["metadata_modified"] for p in _source_packages(source).values())

    with source.app.app_context():
        census = catalog.get_dataset("censo-2024")
        catalog.update_dataset(census, {"title": "Censo 2024 (revisado)",
                                        "keywords": ["censo", "población", "vivienda"]}, SYSTEM,
                                partial=True)
        catalog.delete_dataset(catalog.get_dataset("padron"), SYSTEM)
        factories.dataset("importaciones", entity_name="mefp", title="Importaciones",
                          keywords=["comercio"])
        db.session.remove()
    remote = _source_packages(source)
    source.requests.clear()

    job = services.run_source(harvest_source)
    assert job.status == "done", job.message
    assert job.counts == {"added": 1, "updated": 1, "unchanged": 1, "deleted": 1, "failed": 0,
                          "skipped": 0}
    statuses = {item.remote_id: item.status for item in db.session.scalars(
        select(HarvestItem).where(HarvestItem.job_id == job.id))}
    assert statuses[remote["censo-2024"]["id"]] == "updated"
    assert statuses[remote["importaciones"]["id"]] == "added"
    assert statuses[remote["presupuesto-2024"]["id"]] == "unchanged"

    # What was asked: a light listing of everything, then the full dictionaries of what changed
    # since the newest change harvested before, by ckanext-harvest's fq; nothing else.
    searches = source.actions("package_search")
    light = [q for q in searches if "fl" in q]
    full = [q for q in searches if "fl" not in q]
    assert light and full and len(light) + len(full) == len(searches)
    assert light[0]["fl"] == ["id,name,title,metadata_modified"]
    assert full == [{"q": ["*:*"], "rows": ["100"], "start": ["0"], "sort": ["id asc"],
                     "fq": [f"metadata_modified:[{since[:23]}Z TO *]"]}]
    assert source.actions("package_show") == []
    fetched = source.app.test_client().get(
        "/api/3/action/package_search", query_string=full[0]).get_json()["result"]
    assert sorted(p["name"] for p in fetched["results"]) == ["censo-2024", "importaciones"]

    harvested = _harvested()
    assert harvested["censo-2024"].title == "Censo 2024 (revisado)"
    assert harvested["censo-2024"].keywords == ["censo", "población", "vivienda"]
    assert harvested["importaciones"].entity.name == "ine"
    assert harvested["padron"].state == "deleted"
    assert (harvested["presupuesto-2024"].id, harvested["presupuesto-2024"].metadata_modified) \
        == first["presupuesto-2024"]  # not written again

    # Nothing changed since: one light listing, no full page at all.
    source.requests.clear()
    job = services.run_source(harvest_source)
    assert job.counts["unchanged"] == 3 and job.counts["updated"] == job.counts["added"] == 0
    assert all("fl" in q for q in source.actions("package_search"))
