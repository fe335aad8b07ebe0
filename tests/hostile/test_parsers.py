"""Every parser of uploaded or harvested data is bounded: depth, columns, cells, expanded size and
time. Each hostile file ends in a clear error (a report error with its stable type, or a failed
harvest item that says why) within generous bounds of time and memory, never a hang, an
out-of-memory kill or a 500."""

from __future__ import annotations

import io
import json
import resource
import time
import zipfile
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from portal import db
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.bounded_json import JsonTooDeep, loads
from portal.catalog import services as catalog
from portal.harvest import services as harvest
from portal.harvest.models import HarvestError, HarvestItem
from portal.validation.models import ValidationReport
from tests import factories
from tests.conformance import conformance_file

SECONDS = 20
MEGABYTES = 300
DEPTH = 100_000


def deep_object(depth: int = DEPTH) -> bytes:
    return b'{"a": ' * depth + b"1" + b"}" * depth


@contextmanager
def bounded(seconds: float = SECONDS, megabytes: int = MEGABYTES):
    """Fail when the block takes longer than ``seconds`` or raises the process's peak memory by
    more than ``megabytes`` (a parser that builds what it reads would blow far past both)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert grown < megabytes, f"peak memory grew by {grown:.0f} MB"


@pytest.fixture
def make_app(make_app):
    """The suite's app factory with a small catalog, synchronous validation, the OCDS standard and
    an editor's logged-in client (``app.editor``) and API token (``app.token``)."""

    def make(**overrides):
        app = make_app(**{
            "PORTAL_MAX_UPLOAD_MB": 20,
            "PORTAL_VALIDATION_MODE": "sync",
            "PORTAL_OCDS_STANDARD": str(conformance_file("ocds/standard-1__1__5-schema.zip")),
            **overrides,
        })
        with app.app_context():
            factories.entity("ine", title="Instituto Nacional de Estadística")
            factories.dataset("gastos", title="Gastos 2024")
            user = factories.user("editora", member_of="ine", role="editor")
            app.token = tokens.create_token(user, SYSTEM, name="test")[1]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.id
            session["_fresh"] = True
        app.editor = client
        return app

    return make


def error_types(report: dict) -> list[str]:
    found = [error["type"] for error in report.get("errors", [])]
    for task in report.get("tasks", []):
        found.extend(error["type"] for error in task.get("errors", []))
    return found


def upload(app, content: bytes, filename: str) -> dict:
    """Upload a file as a resource of ``gastos`` through the form; its stored report."""
    response = app.editor.post("/dataset/gastos/resource/new", data={
        "name": filename, "upload": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # the test client's body, spooled to disk
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        resource_id = catalog.get_dataset("gastos").resources[-1].id
        stored = db.session.scalar(select(ValidationReport)
                                   .where(ValidationReport.resource_id == resource_id))
        return stored.report


# -- OCDS ---------------------------------------------------------------------------------------

def test_deep_ocds_upload_is_refused_before_it_is_built(make_app):
    app = make_app()
    content = b'{"uri": "https://example.org", "releases": [' + deep_object() + b"]}"
    with bounded():
        report = upload(app, content, "ocds.json")
    assert report["valid"] is False
    assert error_types(report) == ["json-too-deep"]
    message = report["tasks"][0]["errors"][0]["message"]
    assert "64 niveles" in message and "PORTAL_MAX_JSON_DEPTH" in message


def test_deep_json_lines_release_is_a_line_error(make_app):
    app = make_app(PORTAL_MAX_JSON_DEPTH=8)
    release = {"ocid": "ocds-213czf-1", "id": "1", "date": "2024-01-01T00:00:00Z",
               "tag": ["planning"], "initiationType": "tender"}
    deep = {"ocid": "ocds-213czf-2", "x": json.loads("[" * 20 + "]" * 20)}
    content = (json.dumps(release) + "\n" + json.dumps(deep) + "\n").encode()
    report = upload(app, content, "entregas.jsonl")
    assert error_types(report) == ["json-too-deep"]


def test_deep_ocds_source_fails_its_harvest_item(make_app, hostile):
    app = make_app(PORTAL_HARVEST_ALLOWED_NETWORKS=hostile.ALLOWED,
                   PORTAL_HARVEST_TIMEOUT=5.0, PORTAL_HARVEST_DOWNLOAD_SECONDS=15.0)
    with app.app_context():
        source = harvest.create_source({
            "name": "ocds-hostil", "type": "ocds", "entity": "ine",
            "url": hostile.url("/deep.json", depth=DEPTH, kind="object")}, SYSTEM)
        with bounded():
            job = harvest.run_source(source)
        assert job.counts["failed"] == 1 and job.counts["added"] == 0
        message = db.session.scalar(select(HarvestItem.message)
                                    .where(HarvestItem.job_id == job.id))
    assert "64 niveles de anidamiento" in message


def test_deep_ckan_answer_is_a_clear_harvest_error(make_app, hostile):
    app = make_app(PORTAL_HARVEST_ALLOWED_NETWORKS=hostile.ALLOWED,
                   PORTAL_HARVEST_TIMEOUT=5.0, PORTAL_HARVEST_DOWNLOAD_SECONDS=15.0)
    hostile.add("/api/3/action/package_search", deep_object(2000))
    hostile.add("/api/3/action/package_list", deep_object(2000))
    with app.app_context():
        source = harvest.create_source({
            "name": "ckan-hostil", "type": "ckan", "entity": "ine", "url": hostile.base},
            SYSTEM)
        with bounded():
            job = harvest.run_source(source)
        assert job.counts["added"] == 0
        errors = list(db.session.scalars(select(HarvestError.message)
                                         .where(HarvestError.job_id == job.id)))
    assert any("niveles de anidamiento" in message for message in errors), errors


# -- tables -------------------------------------------------------------------------------------

def test_wide_csv_upload_is_refused_on_its_header(make_app):
    app = make_app()
    header = ",".join(f"c{i}" for i in range(1_000_000)).encode()
    with bounded():
        report = upload(app, header + b"\n" + b"1,2\n", "ancha.csv")
    assert error_types(report) == ["too-many-columns"]
    assert "1000" in report["tasks"][0]["errors"][0]["message"]


def test_csv_with_a_huge_cell_stops_with_cell_too_large(make_app):
    app = make_app(PORTAL_VALIDATION_MAX_CELL_KB=64)
    content = b"id,texto\n1,corto\n2," + b"x" * (1024 * 1024) + b"\n3,corto\n"
    with bounded():
        report = upload(app, content, "celda.csv")
    assert "cell-too-large" in error_types(report)
    assert report["valid"] is False


def test_a_table_past_its_time_budget_ends_with_timeout(make_app):
    app = make_app(PORTAL_VALIDATION_SECONDS=0.2)
    content = b"id,monto\n" + b"".join(b"%d,%d.5\n" % (i, i) for i in range(200_000))
    started = time.monotonic()
    report = upload(app, content, "larga.csv")
    assert time.monotonic() - started < SECONDS
    assert error_types(report) == ["timeout"]
    assert "PORTAL_VALIDATION_SECONDS" in report["tasks"][0]["errors"][0]["message"]


def test_spreadsheet_that_expands_too_far_is_refused_before_it_is_read(make_app):
    app = make_app(PORTAL_VALIDATION_MAX_SHEET_MB=5)
    from openpyxl import Workbook

    book = io.BytesIO()
    sheet = Workbook()
    sheet.active.append(["id", "monto"])
    sheet.save(book)
    with zipfile.ZipFile(book, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/relleno.bin", bytes(50 * 1024 * 1024))
    with bounded():
        report = upload(app, book.getvalue(), "hoja.xlsx")
    assert error_types(report) == ["sheet-too-large"]


def test_ods_whose_mimetype_member_inflates_to_400_mb_is_not_read_whole(make_app):
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=1) as archive, \
            archive.open("mimetype", "w", force_zip64=True) as member:
        member.write(b"application/vnd.oasis.opendocument.spreadsheet")
        zeros = bytes(1024 * 1024)
        for _ in range(400):
            member.write(zeros)
    app = make_app()
    with bounded():
        report = upload(app, book.getvalue(), "hoja.ods")
    assert error_types(report) == ["sheet-too-large"]


def test_ods_read_whole_into_memory_gets_a_smaller_bound(make_app):
    row = "<table:table-row>" + '<table:table-cell office:value-type="string"><text:p>valor' \
        "</text:p></table:table-cell>" * 5 + "</table:table-row>"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="Hoja1">' + row * 70_000
        + "</table:table></office:spreadsheet></office:body></office:document-content>")
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    del content
    app = make_app()  # 200 MB for an XLSX; this ODS expands to 33 MB, over its 25 MB
    with bounded():
        report = upload(app, book.getvalue(), "hoja.ods")
    assert error_types(report) == ["sheet-too-large"]


# -- Data Packages ------------------------------------------------------------------------------

def _dry_run(app, files: list[tuple[bytes, str]]):
    response = app.test_client().post("/api/3/action/package_create_from_datapackage", data={
        "owner_org": "ine", "dry_run": "true",
        "upload": [(io.BytesIO(content), name) for content, name in files]},
        headers={"Authorization": app.token}, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # the test client's body, spooled to disk
    return response


def test_deep_data_package_descriptor_is_a_report_error(make_app):
    app = make_app()
    descriptor = b'{"name": "hondo", "resources": [], "x": ' + deep_object() + b"}"
    with bounded():
        response = _dry_run(app, [(descriptor, "datapackage.json")])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    report = response.get_json()["result"]["report"]
    assert error_types(report) == ["json-too-deep"]


def test_data_package_with_a_wide_csv_is_refused_on_its_header(make_app):
    app = make_app()
    descriptor = json.dumps({"name": "ancho", "resources": [
        {"name": "ancha", "path": "ancha.csv", "format": "csv"}]}).encode()
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", descriptor)
        archive.writestr("ancha.csv", ",".join(f"c{i}" for i in range(1_000_000)) + "\n")
    with bounded():
        response = _dry_run(app, [(package.getvalue(), "paquete.zip")])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    report = response.get_json()["result"]["report"]
    assert error_types(report) == ["too-many-columns"]


def test_bounded_loads_refuses_depth_past_the_limit_and_past_python_recursion():
    assert loads("[[[]]]", limit=3) == [[[]]]
    with pytest.raises(JsonTooDeep):
        loads("[[[[]]]]", limit=3)
    with pytest.raises(JsonTooDeep):
        loads(b"[" * 100_000 + b"]" * 100_000)
