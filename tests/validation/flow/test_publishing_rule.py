"""One publishing rule (PORTAL_PUBLISH_WITH_ERRORS) for the resource form, the API and Data
Package publishing: by default data with errors is published (and marked); when off, a save whose
new file or link has validation errors is refused whole, on every path."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import db
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Resource
from portal.validation.models import ValidationReport
from tests import factories
from tests.validation.flow.helpers import CSV_BAD, CSV_OK, SCHEMA

STRICT = pytest.mark.parametrize("vapp_settings", [{"PORTAL_PUBLISH_WITH_ERRORS": False}])


def _post_upload(client, dataset, content, **fields):
    data = {"name": "montos", "schema": json.dumps(SCHEMA), **fields,
            "upload": (io.BytesIO(content), "montos.csv")}
    return client.post(f"/dataset/{dataset}/resource/new", data=data,
                       content_type="multipart/form-data")


def _resources(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Resource))


def _stored_files(app) -> list[Path]:
    return [p for p in (Path(app.instance_path) / "storage").rglob("*") if p.is_file()]


def _api(app, name, token, data):
    return app.test_client().post(f"/api/3/action/{name}", data=data,
                                  headers={"Authorization": token},
                                  content_type="multipart/form-data")


def _token(app):
    with app.app_context():
        user = factories.user("api-editora", member_of="ine", role="editor")
        return tokens.create_token(user, SYSTEM, name="t")[1]


@STRICT
def test_the_form_states_the_rule_and_refuses_data_with_errors(vapp, world, login):
    client = login("editora")
    form = client.get(f"/dataset/{world.dataset}/resource/new").get_data(as_text=True)
    assert "no se publican" in form
    response = _post_upload(client, world.dataset, CSV_BAD)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "este portal no publica datos con errores" in html
    assert "[type-error] (fila 3, monto)" in html
    assert _resources(vapp) == 0
    assert _stored_files(vapp) == []  # the stored file went with the rolled-back save


@STRICT
def test_clean_data_is_published_with_its_report_computed_once(vapp, world, login):
    response = _post_upload(login("editora"), world.dataset, CSV_OK)
    assert response.status_code == 302
    with vapp.app_context():
        report = db.session.scalar(select(ValidationReport))
        assert report.status == "success"
        # Stored by the rule's check inside the save; the listener found it current.
        assert report.created == report.started == report.finished


@STRICT
def test_the_api_refuses_an_upload_or_a_link_with_errors(vapp, world, http_folder):
    folder, base, _ = http_folder
    (folder / "malo.csv").write_bytes(CSV_BAD)
    token = _token(vapp)
    response = _api(vapp, "resource_create", token, {
        "package_id": world.dataset, "name": "montos", "schema": json.dumps(SCHEMA),
        "upload": (io.BytesIO(CSV_BAD), "montos.csv")})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["__type"] == "Validation Error"
    assert any(line.startswith("[type-error] (fila 3, monto)") for line in error["upload"])
    created = _api(vapp, "resource_create", token, {
        "package_id": world.dataset, "name": "montos", "schema": json.dumps(SCHEMA),
        "upload": (io.BytesIO(CSV_OK), "montos.csv")})
    assert created.status_code == 200, created.get_json()
    resource_id = created.get_json()["result"]["id"]
    # A new link with errors is refused too, and the resource keeps its file.
    changed = _api(vapp, "resource_patch", token, {"id": resource_id,
                                                   "url": f"{base}/malo.csv"})
    assert changed.status_code == 409
    assert "url" in changed.get_json()["error"]
    with vapp.app_context():
        assert catalog.get_resource(resource_id).url_type == "upload"
    # Metadata edits are not checked again.
    renamed = _api(vapp, "resource_patch", token, {"id": resource_id, "name": "otro"})
    assert renamed.status_code == 200


@STRICT
def test_system_writes_such_as_harvests_are_not_held_by_the_rule(vapp, world):
    with vapp.app_context():
        dataset = catalog.get_dataset(world.dataset)
        catalog.create_resource(dataset, {"name": "h", "schema": SCHEMA}, SYSTEM,
                                upload=io.BytesIO(CSV_BAD), filename="h.csv")
    assert _resources(vapp) == 1


def test_by_default_data_with_errors_is_published_and_marked(vapp, world, login):
    client = login("editora")
    form = client.get(f"/dataset/{world.dataset}/resource/new").get_data(as_text=True)
    assert "se publican igualmente" in form
    assert _post_upload(client, world.dataset, CSV_BAD).status_code == 302
    page = client.get(f"/dataset/{world.dataset}").get_data(as_text=True)
    assert 'data-validation="failure"' in page


@STRICT
def test_a_link_that_cannot_be_read_is_not_refused_by_the_rule(vapp, world):
    token = _token(vapp)
    response = _api(vapp, "resource_create", token, {
        "package_id": world.dataset, "name": "caido", "format": "CSV",
        "url": "http://127.0.0.1:9/no-responde.csv"})
    assert response.status_code == 200, response.get_json()
    with vapp.app_context():
        report = db.session.scalar(select(ValidationReport))
        assert report.status == "error"  # could not validate: not an error of the data


@pytest.mark.parametrize("vapp_settings, stated", [
    ({}, "se puede publicar igualmente"),
    ({"PORTAL_PUBLISH_WITH_ERRORS": False}, "no se publica"),
])
def test_the_data_package_form_states_the_rule(vapp, world, login, stated):
    html = login("editora").get("/dataset/new/datapackage").get_data(as_text=True)
    assert stated in html.split('id="publishing-rule"')[1].split("</p>")[0]
