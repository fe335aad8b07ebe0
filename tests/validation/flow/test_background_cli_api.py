"""Background validation as jobs on the queue's threads, ``portal validate``, the API actions,
the function harvesters call, and bad files through the upload path: a report with a clear
error, never a crash, and the dataset as it was."""

from __future__ import annotations

import io
import json
import threading

import pytest
from sqlalchemy import select

from portal import db, jobs
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.validation import services
from portal.validation.models import ValidationReport
from portal.validation.tasks import resolve_mode
from tests import factories
from tests.conformance import conformance_file
from tests.validation.flow.helpers import CSV_BAD, CSV_OK, SCHEMA


def _report(app, resource_id):
    with app.app_context():
        return db.session.scalar(select(ValidationReport)
                                 .where(ValidationReport.resource_id == resource_id))


def test_uploads_are_validated_in_the_background_after_the_request_returns(make_app,
                                                                         monkeypatch):
    app = make_app(PORTAL_VALIDATION_MODE="background", PORTAL_JOBS_MODE="background",
                   PORTAL_JOBS_WORKERS=2)
    jobs.backend(app).start()
    release = threading.Event()
    real_check = services.check_resource
    threads = []

    def held_check(resource):
        threads.append(threading.current_thread().name)
        assert release.wait(10)
        return real_check(resource)

    monkeypatch.setattr(services, "check_resource", held_check)
    with app.app_context():
        factories.entity("ine")
        dataset = factories.dataset("gastos")
        ids = [factories.resource(dataset, content=CSV_OK, filename="a.csv").id,
               factories.resource(dataset, content=CSV_BAD, filename="b.csv",
                                  schema=SCHEMA).id]
    # The saves returned while the workers wait: the reports say so.
    assert {_report(app, rid).status for rid in ids} <= {"pending", "running"}
    page = app.test_client().get("/dataset/gastos").get_data(as_text=True)
    assert 'data-validation="pending"' in page or 'data-validation="running"' in page
    release.set()
    assert jobs.join(app, timeout=30)
    reports = [_report(app, rid) for rid in ids]
    assert [report.status for report in reports] == ["success", "failure"], \
        [(report.message, str(report.report)[:2000]) for report in reports]
    assert threads and all(name.startswith("job") for name in threads)


def test_mode_defaults_and_misspellings(make_app):
    assert resolve_mode(make_app(PORTAL_VALIDATION_MODE=None)) == "off"  # under TESTING
    assert resolve_mode(make_app(PORTAL_VALIDATION_MODE=None, TESTING=False)) == "background"
    with pytest.raises(ValueError, match="PORTAL_VALIDATION_MODE"):
        make_app(PORTAL_VALIDATION_MODE="sometimes")


def test_validate_resource_is_what_harvesters_call(make_app):
    app = make_app(PORTAL_VALIDATION_MODE="off")  # nothing after saves: only explicit calls
    with app.app_context():
        factories.entity("ine")
        dataset = factories.dataset("gastos")
        resource = factories.resource(dataset, content=CSV_BAD, filename="b.csv",
                                      schema=SCHEMA)
        assert services.get_report(resource.id) is None
        first = services.validate_resource(resource)
        assert first.status == "failure" and first.error_count == 1
        finished = first.finished
        again = services.validate_resource(resource)  # unchanged: not validated again
        assert again.finished == finished
        forced = services.validate_resource(resource, force=True)
        assert forced.finished > finished


def test_portal_validate_runs_a_dataset_or_everything_with_a_progress_bar(make_app):
    app = make_app(PORTAL_VALIDATION_MODE="off")
    with app.app_context():
        factories.entity("ine")
        one = factories.dataset("uno")
        good = factories.resource(one, content=CSV_OK, filename="a.csv").id
        factories.resource(one, content=b"%PDF-1.4", filename="informe.pdf")
        two = factories.dataset("dos")
        bad = factories.resource(two, content=CSV_BAD, filename="b.csv", schema=SCHEMA).id
    cli = app.test_cli_runner()
    result = cli.invoke(args=["validate", "uno"])
    assert result.exit_code == 0, result.output
    assert "Validating" in result.output
    assert "2 resources. not validated: 1, success: 1." in result.output
    assert _report(app, good).status == "success" and _report(app, bad) is None

    result = cli.invoke(args=["validate", "--all", "--changed"])
    assert result.exit_code == 1  # a resource has errors
    assert "3 resources. failure: 1, not validated: 1, success: 1." in result.output
    assert _report(app, bad).status == "failure"

    assert cli.invoke(args=["validate"]).exit_code == 2
    assert "No existe" in cli.invoke(args=["validate", "nada"]).output


# -- the API --------------------------------------------------------------------------------

def _token(app, name, **membership):
    with app.app_context():
        return tokens.create_token(factories.user(name, **membership), SYSTEM, name="t")[1]


def test_resource_validation_show_and_run(vapp, world):
    with vapp.app_context():
        dataset = catalog.get_dataset(world.dataset)
        resource_id = factories.resource(dataset, content=CSV_BAD, filename="b.csv",
                                         schema=SCHEMA).id
        private = factories.dataset("privado", private=True, license_id="other-closed")
        hidden_id = factories.resource(private, content=CSV_OK, filename="a.csv").id
        link_id = factories.resource(dataset, url="https://example.org/informe.pdf").id
    client = vapp.test_client()
    shown = client.get(f"/api/3/action/resource_validation_show?id={resource_id}").get_json()
    assert shown["success"] is True
    result = shown["result"]
    assert (result["status"], result["error_count"], result["validator"]) == (
        "failure", 1, "tabular")
    assert result["report"]["tasks"][0]["errors"][0]["type"] == "type-error"
    assert client.get(f"/api/3/action/resource_validation_show?id={hidden_id}").status_code \
        in (403, 404)
    assert client.get(f"/api/3/action/resource_validation_show?id={link_id}").status_code \
        == 404

    editor = _token(vapp, "editora", member_of="ine", role="editor")
    other = _token(vapp, "ajeno")
    run = client.post("/api/3/action/resource_validation_run",
                      json={"id": resource_id, "async": False},
                      headers={"Authorization": editor})
    assert run.status_code == 200, run.get_json()
    assert run.get_json()["result"]["finished"] > result["finished"]
    assert client.post("/api/3/action/resource_validation_run", json={"id": resource_id},
                       headers={"Authorization": other}).status_code == 403
    refused = client.post("/api/3/action/resource_validation_run", json={"id": link_id},
                          headers={"Authorization": editor})
    assert refused.status_code == 409


def test_resource_validation_run_queues_in_background_mode(make_app):
    app = make_app(PORTAL_VALIDATION_MODE="background", PORTAL_JOBS_MODE="background")
    jobs.backend(app).start()
    with app.app_context():
        factories.entity("ine")
        dataset = factories.dataset("gastos")
        resource_id = factories.resource(dataset, content=CSV_OK, filename="a.csv").id
    assert jobs.join(app, timeout=30)
    before = _report(app, resource_id)
    token = _token(app, "root", sysadmin=True)
    answer = app.test_client().post("/api/3/action/resource_validation_run",
                                    json={"id": resource_id},
                                    headers={"Authorization": token}).get_json()
    assert answer["result"]["status"] == "pending"
    assert jobs.join(app, timeout=30)
    after = _report(app, resource_id)
    assert after.status == "success" and after.finished > before.finished


# -- bad files through the upload path ---------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BAD_UPLOADS = {
    "png-named-csv": ("datos.csv", PNG, {}, "format-error"),
    "zip-named-csv": ("datos.csv", b"PK\x03\x04" + b"\x00" * 40, {}, "format-error"),
    "text-named-xlsx": ("datos.xlsx", CSV_OK, {}, "format-error"),
    "invalid-schema": ("datos.csv", CSV_OK,
                       {"schema": json.dumps({"fields": [{"name": "id", "type": "entero"}]})},
                       "schema-error"),
    "ocds-not-json": ("entregas.json", b"esto no es json", {"format": "OCDS"}, "json-error"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_uploads_give_a_clear_error_and_leave_the_dataset_as_it_was(
        vapp, world, login, case):
    filename, content, fields, expected = BAD_UPLOADS[case]
    client = login("editora")
    with vapp.app_context():
        before = catalog.dataset_snapshot(catalog.get_dataset(world.dataset))
    response = client.post(f"/dataset/{world.dataset}/resource/new", data={
        "name": "Datos", **fields, "upload": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with vapp.app_context():
        dataset = catalog.get_dataset(world.dataset)
        [resource] = dataset.resources
        after = catalog.dataset_snapshot(dataset)
        report = services.get_report(resource.id)
    after.pop("resources"), before.pop("resources")
    assert after == before  # only the new resource, nothing else touched
    assert report.status in ("failure", "error")
    errors = [e for task in report.report["tasks"] for e in task["errors"]] \
        + report.report["errors"]
    assert expected in {error["type"] for error in errors}
    assert all(error["message"] for error in errors)
    page = client.get(f"/dataset/{world.dataset}/resource/{resource.id}/validation")
    assert page.status_code == 200


def test_a_table_not_in_utf8_is_read_with_a_warning(vapp, world, login):
    client = login("editora")
    latin = "año,región\n2024,Potosí\n".encode("latin-1")
    client.post(f"/dataset/{world.dataset}/resource/new", data={
        "upload": (io.BytesIO(latin), "regiones.csv")}, content_type="multipart/form-data")
    with vapp.app_context():
        report = services.get_report(catalog.get_dataset(world.dataset).resources[0].id)
    assert report.status == "success" and report.warning_count >= 1
    assert "encoding-not-utf8" in {w["type"] for w in report.report["tasks"][0]["warnings"]}


def test_a_validator_crash_is_stored_as_an_error_not_raised(vapp, world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("falla interna")

    monkeypatch.setattr(services, "validate_table", broken)
    with vapp.app_context():
        dataset = catalog.get_dataset(world.dataset)
        resource_id = factories.resource(dataset, content=CSV_OK, filename="a.csv").id
    stored = _report(vapp, resource_id)
    assert stored.status == "error" and "falla interna" in stored.message
    page = vapp.test_client().get(f"/dataset/{world.dataset}/resource/{resource_id}/validation")
    assert "falla interna" in page.get_data(as_text=True)


def test_the_ocds_fixture_through_the_upload_path_matches_the_direct_validation(vapp, world):
    from portal.validation.ocds import validate_ocds

    path = conformance_file("ocds/invalid/records_invalid_releases.json")
    with vapp.app_context():
        dataset = catalog.get_dataset(world.dataset)
        resource_id = factories.resource(dataset, content=path.read_bytes(),
                                         filename="registros.json").id
        direct = validate_ocds(path)
    stored = _report(vapp, resource_id)
    located = {(e["type"], e.get("path")) for e in stored.report["tasks"][0]["errors"]}
    assert located == {(e.type, e.path) for e in direct.tasks[0].errors}
