"""A stock CKAN client against a real server: the ``ckanapi`` package, as a library
(``RemoteCKAN``) and as a command line, talking HTTP to the portal started in a thread."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest

from tests.api.conftest import CSV

CKANAPI = Path(sys.executable).parent / "ckanapi"


def test_remote_ckan_reads(server, world):
    with ckanapi.RemoteCKAN(server) as portal:
        assert portal.action.package_list() == [world.public]
        dataset = portal.action.package_show(id=world.public)
        assert dataset["organization"]["name"] == "ine"
        assert portal.action.organization_list(all_fields=True)[0]["package_count"] == 1
        assert portal.action.status_show()["api_version"] == 3
        with pytest.raises(ckanapi.NotFound, match="no-existe"):
            portal.action.package_show(id="no-existe")
        with pytest.raises(ckanapi.NotAuthorized):
            portal.action.package_show(id=world.private)
        with pytest.raises(ckanapi.CKANAPIError, match="package_shw"):
            portal.call_action("package_shw")
    with ckanapi.RemoteCKAN(server, get_only=True) as portal:
        assert portal.action.package_show(id=world.public)["name"] == world.public


def test_remote_ckan_writes_and_uploads(server, world, tmp_path):
    csv = tmp_path / "matricula.csv"
    csv.write_bytes(CSV)
    with ckanapi.RemoteCKAN(server, apikey=world.tokens["editor"]) as portal:
        created = portal.action.package_create(
            name="matricula-2024", title="Matrícula 2024", owner_org="ine",
            license_id="CC-BY-4.0", tags=[{"name": "educación"}],
            extras=[{"key": "frequency", "value": "ANNUAL"}])
        assert created["name"] == "matricula-2024"
        with csv.open("rb") as upload:
            resource = portal.action.resource_create(package_id=created["id"], name="Datos",
                                                     upload=upload)
        assert resource["url_type"] == "upload" and resource["size"] == len(CSV)
        with portal.session.get(resource["url"]) as download:
            assert download.content == CSV
        dataset = portal.action.package_show(id="matricula-2024")
        dataset["notes"] = "Matrícula escolar por departamento."
        updated = portal.action.package_update(**dataset)
        assert updated["notes"].startswith("Matrícula") and updated["num_resources"] == 1
        rights = "Uso libre citando a la fuente."
        portal.action.resource_patch(id=resource["id"], rights=rights)
        assert portal.action.package_show(id="matricula-2024")["resources"][0]["rights"] == \
            rights
        assert portal.action.package_patch(id="matricula-2024", version="2")["version"] == "2"
        with pytest.raises(ckanapi.ValidationError) as excinfo:
            portal.action.package_patch(id="matricula-2024", license_id="no-existe")
        assert "license_id" in excinfo.value.error_dict
        portal.action.package_delete(id="matricula-2024")
        assert portal.action.package_show(id="matricula-2024")["state"] == "deleted"
        with pytest.raises(ckanapi.NotAuthorized):
            portal.action.organization_patch(id="mefp", title="Otro")
    with ckanapi.RemoteCKAN(server, apikey="dab_inventado") as portal, \
            pytest.raises(ckanapi.NotAuthorized, match="no es válido"):
        portal.action.package_list()


def _cli(server, *args, token=None, stdin=None):
    command = [str(CKANAPI), "action", *args, "-r", server]
    if token:
        command += ["-a", token]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60,
                          check=False)


def test_ckanapi_command_line(server, world, tmp_path):
    listed = _cli(server, "package_list", "-j")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [world.public]

    shown = _cli(server, "package_show", f"id={world.public}", "-g")
    assert json.loads(shown.stdout)["title"] == "Censo 2024"

    token = world.tokens["editor"]
    created = _cli(server, "package_create", "name=desde-cli", "owner_org=ine",
                   "license_id=CC-BY-4.0", 'tags:[{"name": "cli"}]', "-j", token=token)
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["tags"][0]["name"] == "cli"

    csv = tmp_path / "datos.csv"
    csv.write_bytes(CSV)
    uploaded = _cli(server, "resource_create", "package_id=desde-cli", f"upload@{csv}", "-j",
                    token=token)
    assert uploaded.returncode == 0, uploaded.stderr
    assert json.loads(uploaded.stdout)["url"].endswith("/download/datos.csv")

    dataset = json.loads(_cli(server, "package_show", "id=desde-cli", "-j").stdout)
    dataset["title"] = "Desde la línea de órdenes"
    updated = _cli(server, "package_update", "-i", "-j", token=token, stdin=json.dumps(dataset))
    assert updated.returncode == 0, updated.stderr
    assert json.loads(updated.stdout)["title"] == "Desde la línea de órdenes"

    deleted = _cli(server, "package_delete", "id=desde-cli", token=token)
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(_cli(server, "package_list", "-j").stdout) == [world.public]

    refused = _cli(server, "package_delete", f"id={world.public}")
    assert refused.returncode != 0 and "NotAuthorized" in refused.stderr
