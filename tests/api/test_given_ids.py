"""A sysadmin's ``*_create`` keeps the ids it is sent, as CKAN's does (``ckanapi load`` copies a
catalog with its ids: owner_org, groups and resource ids keep pointing at the right rows);
other users' ids are ignored; a bad or taken id is a clear 409."""

from __future__ import annotations

import pytest

from tests.api.conftest import failed, ok

DATASET_ID = "0d1a7c2e-5b1f-4c59-9a55-1f0e6b7f3a10"
RESOURCE_ID = "6c4f2a8e-9b3d-4e71-8a26-2d5c0b9e7f41"


def test_a_sysadmin_keeps_the_ids_it_sends(api, world):
    token = world.tokens["sysadmin"]
    entity = ok(api("organization_create", {"id": "org-1", "name": "copia"}, token=token))
    theme = ok(api("group_create", {"id": "grp-1", "name": "salud"}, token=token))
    assert (entity["id"], theme["id"]) == ("org-1", "grp-1")
    dataset = ok(api("package_create", {
        "id": DATASET_ID, "name": "copiado", "owner_org": "org-1", "license_id": "cc-by",
        "groups": [{"id": "grp-1"}],
        "resources": [{"id": RESOURCE_ID, "url": "https://example.org/a.csv"}]}, token=token))
    assert dataset["id"] == DATASET_ID and dataset["owner_org"] == "org-1"
    assert [r["id"] for r in dataset["resources"]] == [RESOURCE_ID]
    assert [g["id"] for g in dataset["groups"]] == ["grp-1"]
    assert ok(api("resource_show", {"id": RESOURCE_ID}))["package_id"] == DATASET_ID


def test_other_users_ids_are_ignored(api, world):
    dataset = ok(api("package_create", {
        "id": DATASET_ID, "name": "mio", "owner_org": "ine", "license_id": "cc-by",
        "resources": [{"id": RESOURCE_ID, "url": "https://example.org/a.csv"}]},
        token=world.tokens["editor"]))
    assert dataset["id"] != DATASET_ID and dataset["resources"][0]["id"] != RESOURCE_ID


@pytest.mark.parametrize("bad", ["con espacios", "x" * 37, "ñandú"])
def test_a_malformed_id_is_refused(api, world, bad):
    error = failed(api("package_create", {"id": bad, "name": "malo", "owner_org": "ine"},
                       token=world.tokens["sysadmin"]), 409, "Validation Error")
    assert "id" in error


def test_a_taken_id_is_refused(api, world):
    token = world.tokens["sysadmin"]
    error = failed(api("package_create", {"id": world.public_id, "name": "otro",
                                          "owner_org": "ine"}, token=token),
                   409, "Validation Error")
    assert world.public_id in error["id"][0]
    error = failed(api("package_create", {"name": "otro", "owner_org": "ine",
                                          "license_id": "cc-by", "resources": [
        {"id": world.link_id, "url": "https://example.org/b.csv"}]}, token=token),
        409, "Validation Error")
    assert "id" in error["resources"][0]
    assert ok(api("package_list")) == [world.public]  # nothing half-written
