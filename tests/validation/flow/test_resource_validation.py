"""Validation in the flow: uploads and links are validated right after they are saved, reports
are stored per resource with their fingerprint, shown as badges and report pages, downloadable
as JSON; a changed file is validated again and an unchanged one is not."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from portal import db
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.validation import services
from portal.validation.models import ValidationReport
from tests import factories
from tests.conformance import conformance_file
from tests.pages.html_check import check_page
from tests.validation.flow.helpers import CSV_BAD, CSV_OK, SCHEMA


def _report(app, resource_id):
    with app.app_context():
        return db.session.scalar(select(ValidationReport)
                                 .where(ValidationReport.resource_id == resource_id))


def _upload(client, dataset, content, filename, **fields):
    data = {"name": fields.pop("name", filename), **fields,
            "upload": (io.BytesIO(content), filename)}
    response = client.post(f"/dataset/{dataset}/resource/new", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _only_resource(app, dataset):
    with app.app_context():
        return catalog.get_dataset(dataset).resources[-1].id


def test_an_upload_is_validated_after_it_is_saved(vapp, world, login):
    client = login("editora")
    _upload(client, world.dataset, CSV_OK, "montos.csv", schema=json.dumps(SCHEMA))
    resource_id = _only_resource(vapp, world.dataset)
    stored = _report(vapp, resource_id)
    assert stored.status == "success"
    assert stored.validator == "tabular"
    assert "frictionless" in stored.validator_version
    assert stored.started is not None and stored.finished >= stored.started
    with vapp.app_context():
        resource = catalog.get_resource(resource_id)
        assert stored.sha256 == resource.sha256
        assert stored.fingerprint == services.fingerprint(resource)
    assert stored.report["valid"] is True
    assert stored.report["tasks"][0]["stats"]["rows"] == 2
    assert stored.report["tasks"][0]["place"] == "montos.csv"  # never the server's path


def test_errors_show_as_badges_on_dataset_and_resource_pages_and_a_report_page(
        vapp, world, login):
    client = login("editora")
    _upload(client, world.dataset, CSV_BAD, "montos.csv", schema=json.dumps(SCHEMA))
    resource_id = _only_resource(vapp, world.dataset)
    assert _report(vapp, resource_id).status == "failure"

    anonymous = vapp.test_client()
    page = anonymous.get(f"/dataset/{world.dataset}").get_data(as_text=True)
    assert 'data-validation="failure"' in page
    assert f"/dataset/{world.dataset}/resource/{resource_id}/validation" in page
    page = anonymous.get(f"/dataset/{world.dataset}/resource/{resource_id}").get_data(
        as_text=True)
    assert "Datos con errores" in page

    response = anonymous.get(f"/dataset/{world.dataset}/resource/{resource_id}/validation")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert check_page(html).problems == []
    assert "Error de tipo" in html and "fila 3" in html and "«monto»" in html
    assert "Validar de nuevo" not in html  # only publishers may re-run

    download = anonymous.get(f"/dataset/{world.dataset}/resource/{resource_id}/validation.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    body = download.get_json()
    assert body["status"] == "failure" and body["error_count"] == 1
    error = body["report"]["tasks"][0]["errors"][0]
    assert (error["type"], error["row"], error["field"]) == ("type-error", 3, "monto")


def test_a_changed_file_is_validated_again_and_an_unchanged_one_is_not(vapp, world, login):
    client = login("editora")
    _upload(client, world.dataset, CSV_BAD, "montos.csv", schema=json.dumps(SCHEMA))
    resource_id = _only_resource(vapp, world.dataset)
    first = _report(vapp, resource_id)
    assert first.status == "failure"

    # Metadata edits of the dataset or the resource leave the report alone.
    response = client.post(f"/dataset/edit/{world.dataset}", data={
        "name": world.dataset, "title": "Gastos 2024 (revisado)", "entity": "ine",
        "license_id": "CC-BY-4.0", "state": "active", "access_rights": "public"})
    assert response.status_code == 302
    with vapp.app_context():
        resource = catalog.get_resource(resource_id)
        catalog.update_resource(resource, {"description": "Otra descripción"}, SYSTEM,
                                partial=True)
    again = _report(vapp, resource_id)
    assert (again.id, again.started, again.finished) == (first.id, first.started,
                                                         first.finished)

    # A new file (another sha256) is validated again.
    response = client.post(f"/dataset/{world.dataset}/resource/{resource_id}/edit", data={
        "name": "montos.csv", "schema": json.dumps(SCHEMA),
        "upload": (io.BytesIO(CSV_OK), "montos.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    fixed = _report(vapp, resource_id)
    assert fixed.status == "success" and fixed.finished > first.finished
    with vapp.app_context():
        assert fixed.sha256 == catalog.get_resource(resource_id).sha256 != first.sha256

    # A new schema changes the outcome too.
    with vapp.app_context():
        strict = {"fields": [{"name": "id", "type": "integer"}, {"name": "nombre",
                                                                 "type": "integer"},
                             {"name": "monto", "type": "number"}]}
        catalog.update_resource(catalog.get_resource(resource_id), {"schema": strict}, SYSTEM,
                                partial=True)
    assert _report(vapp, resource_id).status == "failure"
    with vapp.app_context():
        assert db.session.scalar(select(func.count()).select_from(ValidationReport)) == 1


def test_a_link_is_downloaded_and_validated_and_a_new_url_again(vapp, world, http_folder):
    folder, base, seen = http_folder
    (folder / "a.csv").write_bytes(CSV_OK)
    (folder / "b.csv").write_bytes(CSV_BAD)
    with vapp.app_context():
        dataset = catalog.get_dataset(world.dataset)
        link = factories.resource(dataset, url=f"{base}/a.csv", name="Enlace",
                                  schema=SCHEMA)
        link_id = link.id
    first = _report(vapp, link_id)
    assert first.status == "success" and first.url == f"{base}/a.csv"
    assert first.report["tasks"][0]["place"] == f"{base}/a.csv"
    # (other listeners, such as the DataStore's ingest, may read the link too)
    assert set(seen) == {"/a.csv"}
    before = len(seen)
    with vapp.app_context():
        catalog.update_resource(catalog.get_resource(link_id), {"url": f"{base}/b.csv"},
                                SYSTEM, partial=True)
    assert _report(vapp, link_id).status == "failure"
    assert set(seen[before:]) == {"/b.csv"}  # the new URL, and the old one not again


def test_a_link_to_a_private_address_is_not_fetched(make_app, http_folder):
    folder, base, seen = http_folder
    (folder / "a.csv").write_bytes(CSV_OK)
    app = make_app(PORTAL_HARVEST_ALLOWED_NETWORKS="")
    with app.app_context():
        factories.entity("ine")
        dataset = factories.dataset("gastos")
        link_id = factories.resource(dataset, url=f"{base}/a.csv").id
    stored = _report(app, link_id)
    assert stored.status == "error"
    assert stored.report["errors"][0]["type"] == "scheme-error"
    assert "privada" in stored.report["errors"][0]["message"]
    assert seen == []


def test_ocds_resources_go_to_the_ocds_validator(vapp, world, login):
    client = login("editora")
    valid = conformance_file("ocds/valid/release-package_minimal.json").read_bytes()
    invalid = conformance_file("ocds/invalid/badfile_all_validation_errors.json").read_bytes()
    _upload(client, world.dataset, valid, "entregas.json")
    good = _report(vapp, _only_resource(vapp, world.dataset))
    _upload(client, world.dataset, invalid, "malas.json", format="OCDS")
    bad = _report(vapp, _only_resource(vapp, world.dataset))
    assert (good.validator, good.status) == ("ocds", "success")
    assert (bad.validator, bad.status) == ("ocds", "failure")
    assert any(e["path"].startswith("/releases/") for e in bad.report["tasks"][0]["errors"])


def test_json_that_is_not_ocds_and_other_formats_are_not_validated(vapp, world, login):
    client = login("editora")
    _upload(client, world.dataset, b'{"hola": 1}', "otro.json")
    _upload(client, world.dataset, b"%PDF-1.4 nada", "informe.pdf")
    with vapp.app_context():
        assert db.session.scalar(select(func.count()).select_from(ValidationReport)) == 0
    page = vapp.test_client().get(f"/dataset/{world.dataset}").get_data(as_text=True)
    assert "data-validation" not in page


def test_the_ocds_standard_missing_is_an_error_status_not_a_crash(make_app, tmp_path):
    app = make_app(PORTAL_OCDS_STANDARD=str(tmp_path / "no-such-standard.zip"))
    valid = conformance_file("ocds/valid/release-package_minimal.json").read_bytes()
    with app.app_context():
        factories.entity("ine")
        dataset = factories.dataset("gastos")
        resource_id = factories.resource(dataset, content=valid, filename="ocds.json").id
    stored = _report(app, resource_id)
    assert stored.status == "error"
    assert stored.report["errors"][0]["type"] == "ocds-standard-missing"


def test_publishers_can_run_validation_again_from_the_report_page(vapp, world, login):
    client = login("editora")
    _upload(client, world.dataset, CSV_OK, "montos.csv")
    resource_id = _only_resource(vapp, world.dataset)
    first = _report(vapp, resource_id)
    url = f"/dataset/{world.dataset}/resource/{resource_id}/validation"
    assert "Validar de nuevo" in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 302
    assert _report(vapp, resource_id).finished > first.finished
    assert login("ajeno").post(url).status_code == 403


def test_deleting_a_resource_deletes_its_report(vapp, world, login):
    client = login("editora")
    _upload(client, world.dataset, CSV_OK, "montos.csv")
    resource_id = _only_resource(vapp, world.dataset)
    assert client.post(f"/dataset/{world.dataset}/resource/{resource_id}/delete").status_code \
        == 302
    assert _report(vapp, resource_id) is None
