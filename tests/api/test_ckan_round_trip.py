"""The demo catalog through the stock CKAN client, as a site migration is done: ``ckanapi dump``
organizations, groups and datasets from instance A (real HTTP server), ``ckanapi load`` them into
instance B (a second, empty portal, also over HTTP) with a sysadmin's token and
``--upload-resources``; then every dataset's ``package_show`` of the two is compared.

What may differ, and why (CKAN itself regenerates each of these; everything else must be equal,
ids included, since a sysadmin's ``*_create`` keeps the ids it is sent, as CKAN's does):

* ``metadata_created``, ``metadata_modified``, ``creator_user_id``: when and by whom B's copy was
  created (``package_create`` sets them; a client cannot send them).
* ``organization.created``: when B's entity was created (``organization_create`` sets it).
* ``tags[].id``: tags are created by name in B, as CKAN does.
* each resource's ``created`` and ``metadata_modified``: when B wrote it.
* an uploaded file's ``url`` is B's own download address (same path, B's host) and its
  ``last_modified`` the time of its upload to B (CKAN sets both on every upload).
* ``archiver``: B's own link checks, not A's observations.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from portal import migrations
from portal.auth import services as auth
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from tests.api.conftest import run_ckanapi
from tests.loopback import serving

load = pytest.importorskip("portal.demo.load")

REGENERATED = {"metadata_created", "metadata_modified", "creator_user_id"}
RESOURCE_REGENERATED = {"created", "metadata_modified", "archiver"}
UPLOAD_REGENERATED = {"url", "last_modified"}


@pytest.fixture
def instance_a(app):
    """A: the demo catalog, served on 127.0.0.1 (its site URL is that address)."""
    with app.app_context():
        load.load_demo()
    with serving(app) as address:
        app.config["PORTAL_SITE_URL"] = address
        yield address


@pytest.fixture
def instance_b(make_app, tmp_path):
    """B: an empty portal on its own database, with a sysadmin who loads."""
    other = make_app(PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    migrations.upgrade(other)
    with other.app_context():
        user = auth.create_user({"name": "migrador", "email": "m@example.org",
                                 "password": "una-clave-larga", "sysadmin": True}, SYSTEM)
        _token, raw = tokens.create_token(user, SYSTEM, name="carga")
    with serving(other) as address:
        yield address, raw, other


def _copy(thing: str, source: str, target: str, token: str, folder, *extra: str) -> None:
    dump = folder / f"{thing}.jsonl"
    dumped = run_ckanapi("dump", thing, "--all", "-q", "-r", source, "-O", str(dump))
    assert dumped.returncode == 0, dumped.stderr
    loaded = run_ckanapi("load", thing, "-r", target, "-a", token, "-I", str(dump), *extra,
                         timeout=600)
    # ckanapi reports each record ("... create None name"); it exits 3 when one failed
    failures = [line for line in loaded.stderr.splitlines() if " None " not in line]
    assert loaded.returncode == 0, "\n".join(failures[:20])


def _comparable(package: dict) -> dict:
    package = {key: value for key, value in package.items() if key not in REGENERATED}
    package["organization"] = {key: value for key, value in package["organization"].items()
                               if key != "created"}
    package["tags"] = [{key: value for key, value in tag.items() if key != "id"}
                       for tag in package["tags"]]
    resources = []
    for resource in package["resources"]:
        dropped = RESOURCE_REGENERATED | (UPLOAD_REGENERATED if resource["url_type"] == "upload"
                                          else set())
        kept = {key: value for key, value in resource.items() if key not in dropped}
        if resource["url_type"] == "upload":
            kept["path"] = urlsplit(resource["url"]).path
        resources.append(kept)
    package["resources"] = resources
    return package


def test_ckanapi_dump_then_load_changes_no_field(app, instance_a, instance_b, tmp_path):
    target, token, other = instance_b
    for thing in ("organizations", "groups"):
        _copy(thing, instance_a, target, token, tmp_path)
    _copy("datasets", instance_a, target, token, tmp_path, "--upload-resources")

    source_client, target_client = app.test_client(), other.test_client()
    names = source_client.get("/api/3/action/package_list").get_json()["result"]
    assert len(names) > 20
    assert target_client.get("/api/3/action/package_list").get_json()["result"] == names
    uploads = 0
    for name in names:
        a = source_client.get(f"/api/3/action/package_show?id={name}").get_json()["result"]
        b = target_client.get(f"/api/3/action/package_show?id={name}").get_json()["result"]
        uploads += sum(resource["url_type"] == "upload" for resource in a["resources"])
        assert json.dumps(_comparable(b), sort_keys=True, indent=1) == json.dumps(
            _comparable(a), sort_keys=True, indent=1), name
    assert uploads > 0  # the files travelled too
