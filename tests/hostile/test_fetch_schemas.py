"""Schemas, profiles and remote tables never read a server file nor slip past the guarded
fetcher: refused at input (API and form), refused again at validation time (a row stored
before the rule), and frictionless never opens a connection of its own."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from portal import db
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from portal.catalog import services as catalog
from portal.catalog.models import Resource
from portal.validation import services as validation
from portal.validation.datapackage import validate_datapackage
from portal.validation.tabular import validate_table
from tests import factories
from tests.validation.flow.conftest import (  # noqa: F401 - fixtures
    login,
    make_app,
    vapp,
    vapp_settings,
    world,
)
from tests.validation.flow.helpers import CSV_OK, SCHEMA

REFUSED = "no es un esquema admitido"
SECRET = "MARCADOR-SECRETO-7f3a"


def local_references(app) -> list:
    secret = f"{app.instance_path}/secret.json"
    return ["/proc/self/environ", secret, f"file://{secret}", "FILE:///etc/passwd",
            "../instance/secret.json", "schemas/ejecucion-presupuestaria.json", "no-existe",
            {"url": secret}, {"name": "/proc/self/environ"}]


@pytest.fixture
def secret_file(vapp):  # noqa: F811 - the imported fixture
    """A JSON file beside the instance's secrets, with a marker no report may ever show."""
    path = Path(vapp.instance_path) / "secret.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fields": [{"name": SECRET, "type": "string"}]}), "utf-8")
    return path


def _resource_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Resource))


def test_the_api_refuses_a_local_path_as_a_schema(vapp, world, secret_file):  # noqa: F811
    with vapp.app_context():
        factories.user("editora", member_of="ine", role="editor")
        token = tokens.create_token(get_user("editora"), SYSTEM, name="test")[1]
    client = vapp.test_client()
    before = _resource_count(vapp)
    for reference in local_references(vapp):
        response = client.post("/api/3/action/resource_create", headers={
            "Authorization": token}, json={"package_id": world.dataset,
                                           "url": "https://example.org/datos.csv",
                                           "schema": reference})
        body = response.get_json()
        assert response.status_code == 409 and body["success"] is False, reference
        assert body["error"]["__type"] == "Validation Error"
        assert any("esquema" in message for message in body["error"]["schema"]), body
    assert _resource_count(vapp) == before
    for accepted in ("ejecucion-presupuestaria", "https://example.org/esquema.json",
                     "HTTP://example.org/esquema.json", SCHEMA):
        response = client.post("/api/3/action/resource_create", headers={
            "Authorization": token}, json={"package_id": world.dataset,
                                           "url": "https://example.org/datos.csv",
                                           "schema": accepted})
        assert response.status_code == 200, response.get_json()


def test_the_form_refuses_a_local_path_as_a_schema(vapp, world, login):  # noqa: F811
    client = login("editora")
    before = _resource_count(vapp)
    response = client.post(f"/dataset/{world.dataset}/resource/new", data={
        "name": "Datos", "url": "https://example.org/datos.csv",
        "schema": "/proc/self/environ"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert REFUSED in page and "/proc/self/environ" in page
    assert _resource_count(vapp) == before


def test_a_row_stored_before_the_rule_is_not_read_at_validation(vapp, world, secret_file):  # noqa: F811
    with vapp.app_context():
        dataset = catalog.get_dataset(world.dataset)
        resource_id = factories.resource(dataset, content=CSV_OK, filename="datos.csv").id
    for reference in local_references(vapp):
        with vapp.app_context():  # as an old row would hold it: no input check on the way
            db.session.execute(update(Resource).where(Resource.id == resource_id)
                               .values(schema=reference))
            db.session.commit()
            resource = db.session.get(Resource, resource_id)
            validation.validate_resource(resource, force=True)
            stored = validation.get_report(resource_id)
            text = json.dumps(validation.report_as_dict(stored), ensure_ascii=False)
        assert stored.status == "failure" and REFUSED in text, (reference, text)
        assert "schema-error" in text and SECRET not in text, reference
        assert "HOME=" not in text and "PATH=" not in text


@pytest.mark.parametrize("reference", ["/proc/self/environ", "FILE:///etc/passwd",
                                       "schemas/ejecucion-presupuestaria.json",
                                       "./schemas/ejecucion-presupuestaria.json"])
def test_the_validator_refuses_a_path_given_as_text(tmp_path, reference):
    table = tmp_path / "t.csv"
    table.write_bytes(CSV_OK)
    report = validate_table(table, schema=reference)
    errors = report.flatten()
    assert [e.type for e in errors] == ["schema-error"] and REFUSED in errors[0].message


# -- schema URLs, profiles and remote tables against the hostile server ---------------------------

@pytest.fixture
def guarded(hostile, monkeypatch, tmp_path):
    """The validators may read the hostile server (127.0.0.1) and nothing else private."""
    monkeypatch.setenv("PORTAL_HARVEST_ALLOWED_NETWORKS", hostile.ALLOWED)
    monkeypatch.setenv("PORTAL_HARVEST_DOWNLOAD_SECONDS", "2")
    table = tmp_path / "t.csv"
    table.write_bytes(CSV_OK)
    return table


def _schema_error(table, reference) -> str:
    started = time.monotonic()
    report = validate_table(table, schema=reference)
    assert time.monotonic() - started < 2 + 1
    errors = report.flatten()
    assert [e.type for e in errors] == ["schema-error"], errors
    return errors[0].message


def test_a_schema_url_to_a_forbidden_address_is_refused_whatever_its_case(hostile, guarded):
    for url in (hostile.internal_url("/s.json"), hostile.internal_url("/s.json").upper(),
                hostile.url("/redirect", to=hostile.internal_url("/s.json"))):
        assert "privada" in _schema_error(guarded, url)
    assert hostile.internal_hits == []


def test_a_huge_or_dripping_schema_is_cut_off(hostile, guarded):
    assert "tamaño máximo de 5 MB" in _schema_error(
        guarded, hostile.url("/huge", size=1024 ** 3, declared=0))
    assert "tiempo máximo" in _schema_error(guarded, hostile.url("/drip", interval=0.5))


def test_a_public_schema_url_is_read_through_the_fetcher(hostile, guarded):
    hostile.add("/schema.json", json.dumps(SCHEMA).encode())
    assert validate_table(guarded, schema=hostile.url("/schema.json")).valid
    assert hostile.headers[-1]["User-Agent"].startswith("DatosAbiertosBolivia")


def _package(tmp_path, **descriptor):
    folder = tmp_path / "pkg"
    folder.mkdir(parents=True)
    (folder / "t.csv").write_bytes(CSV_OK)
    described = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "format": "csv",
                                             "schema": SCHEMA}], **descriptor}
    (folder / "datapackage.json").write_text(json.dumps(described), "utf-8")
    return folder / "datapackage.json"


@pytest.mark.parametrize("key", ["$schema", "profile"])
def test_a_package_profile_on_a_forbidden_address_is_never_fetched(hostile, guarded,
                                                                    tmp_path, key):
    for number, url in enumerate((
            hostile.internal_url("/profile.json"),
            hostile.internal_url("/profile.json").replace("http", "HTTP"),
            hostile.url("/redirect", to=hostile.internal_url("/profile.json")))):
        report = validate_datapackage(_package(tmp_path / str(number), **{key: url}))
        if key == "profile":  # frictionless 5 reads a custom v1 profile; it ignores "$schema"
            assert not report.valid
            assert "privada" in json.dumps(report.to_dict(), ensure_ascii=False)
    assert hostile.internal_hits == []


def test_remote_tables_of_a_package_go_through_the_fetcher(hostile, guarded, tmp_path):
    hostile.add("/t.csv", CSV_OK, "text/csv")
    internal = hostile.internal_url("/t.csv").replace("http", "HTTP")
    report = validate_datapackage(_package(tmp_path, resources=[
        {"name": "ok", "path": hostile.url("/t.csv"), "format": "csv", "schema": SCHEMA},
        {"name": "interna", "path": internal, "format": "csv", "schema": SCHEMA}]))
    tasks = {task.name: task for task in report.tasks}
    assert tasks["ok"].valid
    assert "privada" in json.dumps(tasks["interna"].to_dict(), ensure_ascii=False)
    assert hostile.internal_hits == []
    assert hostile.headers[-1]["User-Agent"].startswith("DatosAbiertosBolivia")


def test_a_remote_table_on_a_forbidden_address_is_refused(hostile, guarded):
    report = validate_table(hostile.internal_url("/t.csv"))
    assert not report.valid and "privada" in json.dumps(report.to_dict(), ensure_ascii=False)
    assert not validate_table(hostile.internal_url("/t.csv").replace("http", "Http")).valid
    assert hostile.internal_hits == []
