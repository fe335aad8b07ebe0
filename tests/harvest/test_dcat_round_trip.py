"""The whole demo catalog through DCAT, as one portal harvests another: instance A (the demo
catalog) serves ``/catalog.ttl`` on a real local server; instance B, a second app on its own
empty database, harvests it with the DCAT harvester; then every dataset's ``package_show`` of
the two is compared field by field.

What may differ, and why (everything else must be equal):

* ids (dataset, resources, tags, groups, ``owner_org``, ``package_id``): B's own rows. The
  DCAT identifier (``identifier``) and the name are kept and compared.
* ``organization``: in B the entity that harvests (the harvest source's owner). The remote
  publisher is kept beside it in the ``publisher_*`` extras, compared with A's organization.
* ``metadata_created``, ``metadata_modified``, ``creator_user_id``, and each resource's
  ``created`` and ``metadata_modified``: when and by whom B's copy was written.
* ``archiver``: B's own link checks (A's uploads are links in B, not yet checked).
* ``extras``: B adds the harvester's provenance (``harvest_*``) and the remote publisher
  (``publisher_*``); the rest must be equal.
* a file uploaded to A is a link in B (``url_type`` "upload" -> null) to A's download address
  (the same ``url``); the SHA-256 A measured of its stored file (``sha256``) is A's own
  measurement. The checksum travels as ``hash`` (compared).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import db, migrations
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Theme
from portal.harvest import services
from tests.loopback import serving

load = pytest.importorskip("portal.demo.load")

COPY_ONLY = {"id", "owner_org", "organization", "metadata_created", "metadata_modified",
             "creator_user_id", "archiver", "extras", "tags", "groups", "resources"}
RESOURCE_COPY_ONLY = {"id", "package_id", "created", "metadata_modified", "url_type", "sha256"}


@pytest.fixture
def demo_server(app):
    """Instance A with the demo catalog, served on 127.0.0.1 (its site URL is that address)."""
    with app.app_context():
        load.load_demo()

    def site_url(port):
        app.config["PORTAL_SITE_URL"] = f"http://127.0.0.1:{port}"

    with serving(app, on_port=site_url) as address:
        yield address


@pytest.fixture
def second_instance(make_app, tmp_path, app):
    """Instance B: an empty database with the themes A has (a portal sets up its own themes;
    a harvester does not create them) and an entity that harvests."""
    other = make_app(PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}",
                     PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.0/8",
                     PORTAL_HARVEST_TIMEOUT=10.0)
    migrations.upgrade(other)
    with app.app_context():
        themes = [{field: getattr(t, field)
                   for field in (*catalog.THEME_FIELDS, *catalog.GROUP_TRANSLATIONS)}
                  for t in db.session.scalars(select(Theme))]
    with other.app_context():
        catalog.create_entity({"name": "agetic", "title": "Agencia de Gobierno Electrónico",
                               "kind": "agencia"}, SYSTEM)
        for theme in themes:
            catalog.create_theme(theme, SYSTEM)
    return other


def _packages(app, base_url: str = "http://localhost") -> dict[str, dict]:
    client = app.test_client()
    names = client.get("/api/3/action/package_list", base_url=base_url).get_json()["result"]
    return {name: client.get(f"/api/3/action/package_show?id={name}",
                             base_url=base_url).get_json()["result"] for name in names}


def _differences(name: str, a: dict, b: dict) -> list[str]:
    found = [f"{name}.{key}: {a.get(key)!r} != {b.get(key)!r}"
             for key in sorted(set(a) | set(b) - COPY_ONLY) if key not in COPY_ONLY
             and a.get(key) != b.get(key)]
    if sorted(t["name"] for t in a["tags"]) != sorted(t["name"] for t in b["tags"]):
        found.append(f"{name}.tags")
    groups = [[{k: v for k, v in g.items() if k != "id"} for g in p["groups"]] for p in (a, b)]
    if groups[0] != groups[1]:
        found.append(f"{name}.groups: {groups[0]} != {groups[1]}")
    extras_a = {e["key"]: e["value"] for e in a["extras"]}
    extras_b = {e["key"]: e["value"] for e in b["extras"]
                if not e["key"].startswith(("harvest_", "publisher_"))}
    if extras_a != extras_b:
        found.append(f"{name}.extras: {extras_a} != {extras_b}")
    if len(a["resources"]) != len(b["resources"]):
        return [*found, f"{name}.resources: {len(a['resources'])} != {len(b['resources'])}"]
    for ra, rb in zip(a["resources"], b["resources"], strict=True):
        found += [f"{name}.resources[{ra['position']}].{key}: {ra.get(key)!r} != {rb.get(key)!r}"
                  for key in sorted(set(ra) | set(rb)) if key not in RESOURCE_COPY_ONLY
                  and ra.get(key) != rb.get(key)]
        if ra["url_type"] != "upload" and (ra["url_type"], ra["sha256"]) != (
                rb["url_type"], rb["sha256"]):
            found.append(f"{name}.resources[{ra['position']}]: url_type or sha256 of a link")
    return found


def test_demo_catalog_survives_a_dcat_round_trip(demo_server, second_instance, app):
    with second_instance.app_context():
        source = services.create_source({"name": "demo", "type": "dcat",
                                         "url": f"{demo_server}/catalog.ttl",
                                         "entity": "agetic"}, SYSTEM)
        job = services.run_source(source)
        report = services.report_dict(job)
    assert job.status == "done", report
    original, copy = _packages(app, demo_server), _packages(second_instance)
    assert sorted(copy) == sorted(original)
    assert job.counts["added"] == len(original) and job.counts["failed"] == 0, report
    differences = [line for name in sorted(original)
                   for line in _differences(name, original[name], copy[name])]
    assert differences == [], "\n".join(differences[:40])
    for name, package in copy.items():  # the remote publisher, beside the harvesting entity
        extras = {e["key"]: e["value"] for e in package["extras"]}
        organization = original[name]["organization"]
        assert package["organization"]["name"] == "agetic"
        assert extras["publisher_name"] == organization["title"], name
        assert extras["publisher_uri"] == f"{demo_server}/organization/{organization['name']}"
        assert extras["publisher_type"].startswith("http://purl.org/adms/publishertype/")
