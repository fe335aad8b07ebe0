"""What CKAN clients send is kept: licence ids by any registered spelling, and the size, hash,
last modification, media type, url_type and rights statement a client declares for a
resource."""

from __future__ import annotations

import hashlib
import io

import pytest
import requests
from frictionless import Package

from tests.api.conftest import CSV, failed, ok

LINK = "https://example.org/serie.csv"


@pytest.mark.parametrize(("sent", "expected"), [
    ("cc-by", "CC-BY-4.0"), ("CC-BY-4.0", "CC-BY-4.0"), ("Cc-By-4.0", "CC-BY-4.0"),
    (" odc-by ", "ODC-BY-1.0"), ("ODC-By-1.0", "ODC-BY-1.0"), ("ODbL-1.0", "ODC-ODbL-1.0"),
    ("cc0", "CC0-1.0"), ("PDDL-1.0", "ODC-PDDL-1.0"),
])
def test_package_create_stores_the_canonical_licence_id(api, world, sent, expected):
    """CKAN's own ids (what every CKAN script sends), the registry's aliases and SPDX ids."""
    created = ok(api("package_create", {"name": "licencias", "owner_org": "ine",
                                        "license_id": sent}, token=world.tokens["editor"]))
    assert created["license_id"] == expected and created["isopen"] is True
    assert ok(api("package_show", {"id": "licencias"}))["license_id"] == expected


def test_every_write_path_canonicalises_the_licence(api, world):
    token = world.tokens["editor"]
    patched = ok(api("package_patch", {"id": world.public, "license_id": "cc-by-sa"},
                     token=token))
    assert patched["license_id"] == "CC-BY-SA-4.0"
    shown = ok(api("package_show", {"id": world.public}))
    updated = ok(api("package_update", {**shown, "license_id": "odc-odbl"}, token=token))
    assert updated["license_id"] == "ODC-ODbL-1.0"
    resource = ok(api("resource_patch", {"id": world.link_id, "license_id": "cc-zero"},
                      token=token))
    assert resource["license_id"] == "CC0-1.0"
    inline = ok(api("package_patch", {"id": world.public, "resources": [
        {"url": LINK, "license_id": "uk-ogl"}]}, token=token))
    assert inline["resources"][0]["license_id"] == "OGL-UK-3.0"


def test_an_unknown_licence_is_still_refused(api, world):
    error = failed(api("package_create", {"name": "sin-licencia", "owner_org": "ine",
                                          "license_id": "cc-by-99"},
                       token=world.tokens["editor"]), 409, "Validation Error")
    assert "cc-by-99" in error["license_id"][0]
    error = failed(api("resource_patch", {"id": world.link_id, "license_id": "nada"},
                       token=world.tokens["editor"]), 409, "Validation Error")
    assert "nada" in error["license_id"][0]


def test_declared_resource_fields_are_stored_and_returned(api, world):
    declared = {"size": 123456, "hash": "md5:0cc175b9c0f1b6a831c399e269772661",
                "last_modified": "2026-01-02T03:04:05.123456", "mimetype": "text/csv",
                "url_type": "datastore"}
    created = ok(api("resource_create", {"package_id": world.public, "url": LINK,
                                         **declared}, token=world.tokens["editor"]))
    shown = ok(api("resource_show", {"id": created["id"]}))
    for resource in (created, shown):
        assert {key: resource[key] for key in declared} == declared
        assert resource["sha256"] == ""  # the portal computed nothing for a link
    listed = ok(api("package_show", {"id": world.public}))["resources"][-1]
    assert listed["hash"] == declared["hash"] and listed["size"] == 123456


def test_a_patch_keeps_what_it_does_not_name_and_offsets_become_utc(api, world):
    token = world.tokens["editor"]
    ok(api("resource_patch", {"id": world.link_id, "size": 10, "hash": "abc123"}, token=token))
    patched = ok(api("resource_patch", {"id": world.link_id,
                                        "last_modified": "2026-03-01T12:00:00-04:00"},
                     token=token))
    assert patched["size"] == 10 and patched["hash"] == "abc123"
    assert patched["last_modified"] == "2026-03-01T16:00:00"
    cleared = ok(api("resource_patch", {"id": world.link_id, "size": None, "hash": None,
                                        "last_modified": None}, token=token))
    assert cleared["size"] is None and cleared["hash"] == "" and cleared["last_modified"] is None


@pytest.mark.parametrize(("field", "value"), [("size", -1), ("size", "grande"),
                                              ("last_modified", "ayer"),
                                              ("hash", "x" * 201), ("url_type", "x" * 21),
                                              ("rights", "x" * 2001)])
def test_bad_declared_values_are_refused_by_name(api, world, field, value):
    error = failed(api("resource_patch", {"id": world.link_id, field: value},
                       token=world.tokens["editor"]), 409, "Validation Error")
    assert field in error, error


RIGHTS = "Uso libre citando «INE»; \"sin\" garantía.\nVer https://www.ine.gob.bo/condiciones"


def test_a_rights_statement_goes_through_every_write_path_unchanged(api, world):
    """ckanext-dcat's resource field ``rights`` (dct:rights): sent, stored and returned as
    written by resource_create/patch/update, package_create/update and package_revise."""
    token = world.tokens["editor"]
    created = ok(api("resource_create", {"package_id": world.public, "url": LINK,
                                         "rights": RIGHTS}, token=token))
    assert created["rights"] == RIGHTS
    assert ok(api("resource_show", {"id": created["id"]}))["rights"] == RIGHTS
    shown = ok(api("package_show", {"id": world.public}))
    assert [r["rights"] for r in shown["resources"]] == ["", "", RIGHTS]
    # What package_show gave, sent back unchanged, keeps it (the CKAN client's round trip).
    updated = ok(api("package_update", shown, token=token))
    assert [r["rights"] for r in updated["resources"]] == ["", "", RIGHTS]
    resource = ok(api("resource_show", {"id": created["id"]}))
    assert ok(api("resource_update", resource, token=token))["rights"] == RIGHTS
    # A patch that names something else keeps it; one that sends null clears it.
    assert ok(api("resource_patch", {"id": created["id"], "name": "Otro"},
                  token=token))["rights"] == RIGHTS
    assert ok(api("resource_patch", {"id": created["id"], "rights": None},
                  token=token))["rights"] == ""
    new = ok(api("package_create", {"name": "con-derechos", "owner_org": "ine",
                                    "license_id": "CC-BY-4.0",
                                    "resources": [{"url": LINK, "rights": RIGHTS}]},
                 token=token))
    assert new["resources"][0]["rights"] == RIGHTS
    revised = ok(api("package_revise", {"match": {"name": "con-derechos"},
                                        "update__resources__0": {"rights": "Otros derechos"}},
                     token=token))
    assert revised["package"]["resources"][0]["rights"] == "Otros derechos"


def test_an_upload_measures_its_own_size_and_keeps_a_declared_hash_beside_its_sha256(
        api, world):
    sent = {"package_id": world.public, "name": "Subido", "size": "999",
            "hash": "md5:declarado", "upload": (io.BytesIO(CSV), "subido.csv")}
    created = ok(api("resource_create", sent, token=world.tokens["editor"],
                     content_type="multipart/form-data"))
    assert created["url_type"] == "upload" and created["size"] == len(CSV)
    assert created["hash"] == "md5:declarado" and len(created["sha256"]) == 64
    assert created["last_modified"] is not None
    replaced = ok(api("resource_patch", {"id": created["id"],
                                         "upload": (io.BytesIO(b"a\n1\n"), "otro.csv")},
                      token=world.tokens["editor"], content_type="multipart/form-data"))
    # A new file: the old declaration no longer describes it; the portal's checksum does.
    assert replaced["hash"] == replaced["sha256"] != created["sha256"]
    assert replaced["last_modified"] >= created["last_modified"]


def test_a_link_declared_as_an_upload_stays_a_link(api, world):
    """A resource copied from another CKAN says url_type "upload" but brings no file."""
    created = ok(api("resource_create", {"package_id": world.public, "url": LINK,
                                         "url_type": "upload", "size": 5},
                     token=world.tokens["editor"]))
    assert created["url"] == LINK and created["url_type"] is None and created["size"] == 5


def test_the_data_package_export_gives_every_hash_its_algorithm(api, world, server,
                                                                monkeypatch):
    """``frictionless validate`` of the dataset's datapackage.json: an upload (the portal's
    SHA-256), links with a declared MD5 (written, or bare hex) and a bare SHA-256: no
    ``hash-count``; a wrong declared digest is still caught, so the check runs."""
    token = world.tokens["editor"]
    upload = ok(api("resource_show", {"id": world.upload_id}))
    own_url = upload["url"].replace("http://localhost", server)
    md5, sha256 = hashlib.md5(CSV).hexdigest(), hashlib.sha256(CSV).hexdigest()
    links = [("md5", f"md5:{md5}"), ("hex-md5", md5.upper()), ("hex-sha256", sha256),
             ("wrong", "sha256:" + "0" * 64)]
    resources = [upload]
    resources += [{"name": name, "url": own_url, "hash": digest, "format": "CSV"}
                  for name, digest in links]
    ok(api("package_patch", {"id": world.public, "resources": resources}, token=token))
    descriptor = requests.get(f"{server}/dataset/{world.public}/datapackage.json",
                              timeout=30).json()
    hashes = {r["name"]: r["hash"] for r in descriptor["resources"]}
    assert hashes == {"casos": f"sha256:{sha256}", "md5": f"md5:{md5}",
                      "hex-md5": f"md5:{md5}", "hex-sha256": f"sha256:{sha256}",
                      "wrong": "sha256:" + "0" * 64}
    for resource in descriptor["resources"]:
        resource["path"] = resource["path"].replace("http://localhost", server)
    # frictionless reads through the portal's guarded fetcher: allow this loopback server
    monkeypatch.setenv("PORTAL_HARVEST_ALLOWED_NETWORKS", "127.0.0.1/32")
    report = Package(descriptor).validate()
    errors = {task.name: [e.type for e in task.errors] for task in report.tasks}
    assert errors == {"casos": [], "md5": [], "hex-md5": [], "hex-sha256": [],
                      "wrong": ["hash-count"]}


def test_the_service_every_write_path_uses_canonicalises(app, world):
    """Forms, Data Package publishing and harvesters write through the same service."""
    from portal.auth.permissions import SYSTEM
    from portal.catalog import services as catalog

    with app.app_context():
        dataset = catalog.create_dataset({"name": "por-servicio", "title": "Por servicio",
                                          "entity": "ine", "license_id": "ODC-ODBL"}, SYSTEM)
        assert dataset.license_id == "ODC-ODbL-1.0"
        resource = catalog.create_resource(dataset, {"url": LINK, "license_id": "Cc-By-Sa"},
                                           SYSTEM)
        assert resource.license_id == "CC-BY-SA-4.0"
