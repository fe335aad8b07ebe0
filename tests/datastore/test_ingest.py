"""Ingest: valid tables are loaded after validation (CSV, XLSX, ODS, a Data Package's CSV),
with the schema's types or validation's inferred ones; a new file replaces the data atomically;
a failed ingest keeps the previous data and says why on the resource page."""

from __future__ import annotations

import datetime as dt
import io
import json

import ezodf
import openpyxl
import pytest

from portal import jobs
from portal.catalog import services as catalog
from portal.datastore.models import DatastoreTable
from portal.storage import storage
from tests.datastore.conftest import SCHEMA, add_table, replace_file, state
from tests.validation.flow.helpers import write_package, zip_of


def _rows(client, resource_id, **params):
    response = client.post("/api/3/action/datastore_search",
                           json={"resource_id": resource_id, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]["records"]


def test_a_valid_csv_is_loaded_with_inferred_types(app, world, client):
    resource_id = add_table(app, world.public)
    loaded = state(app, resource_id)
    assert loaded.status == "active" and loaded.row_count == 5
    types = {field["id"]: field["type"] for field in loaded.fields}
    assert types == {"_id": "int", "año": "int", "departamento": "text", "casos": "int",
                     "fecha": "date", "nota": "text"}
    assert _rows(client, resource_id, limit=1) == [
        {"_id": 1, "año": 2024, "departamento": "La Paz", "casos": 10, "fecha": "2024-01-02",
         "nota": "primera"}]


def test_declared_formats_are_read_as_the_schema_says(app, world, client):
    content = "monto;activo;día\n1.234,5;sí;31/12/2024\n7,25;no;01/02/2023\n".encode()
    schema = {"fields": [
        {"name": "monto", "type": "number", "decimalChar": ",", "groupChar": "."},
        {"name": "activo", "type": "boolean", "trueValues": ["sí"], "falseValues": ["no"]},
        {"name": "día", "type": "date", "format": "%d/%m/%Y"}]}
    resource_id = add_table(app, world.public, content=content, schema=schema)
    assert state(app, resource_id).status == "active"
    assert _rows(client, resource_id) == [
        {"_id": 1, "monto": 1234.5, "activo": True, "día": "2024-12-31"},
        {"_id": 2, "monto": 7.25, "activo": False, "día": "2023-02-01"}]


def test_an_xlsx_is_loaded(app, world, client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["municipio", "poblacion", "censo"])
    sheet.append(["Sucre", 360544, dt.datetime(2024, 3, 23)])
    sheet.append(["Tarija", 268000, dt.datetime(2024, 3, 23)])
    buffer = io.BytesIO()
    book.save(buffer)
    resource_id = add_table(app, world.public, content=buffer.getvalue(),
                            filename="municipios.xlsx", format="XLSX", schema={"fields": [
                                {"name": "municipio", "type": "string"},
                                {"name": "poblacion", "type": "integer"},
                                {"name": "censo", "type": "date"}]})
    assert state(app, resource_id).status == "active"
    assert _rows(client, resource_id, sort="poblacion") == [
        {"_id": 2, "municipio": "Tarija", "poblacion": 268000, "censo": "2024-03-23"},
        {"_id": 1, "municipio": "Sucre", "poblacion": 360544, "censo": "2024-03-23"}]


def test_an_ods_is_loaded(app, world, client, tmp_path):
    path = tmp_path / "ventas.ods"
    document = ezodf.newdoc(doctype="ods", filename=str(path))
    sheet = ezodf.Sheet("ventas", size=(3, 2))
    document.sheets += sheet
    for row, (name, amount) in enumerate([("producto", "monto"), ("quinua", 12.5),
                                          ("café", 7.0)]):
        sheet[row, 0].set_value(name)
        sheet[row, 1].set_value(amount)
    document.save()
    resource_id = add_table(app, world.public, content=path.read_bytes(),
                            filename="ventas.ods", format="ODS", schema={"fields": [
                                {"name": "producto", "type": "string"},
                                {"name": "monto", "type": "number"}]})
    assert state(app, resource_id).status == "active", state(app, resource_id)
    assert _rows(client, resource_id, q="cafe") == [{"_id": 2, "producto": "café",
                                                     "monto": 7.0}]


def test_the_csv_of_a_published_data_package_is_loaded(app, world, client, tmp_path):
    from portal.auth import tokens
    from portal.auth.permissions import SYSTEM
    from portal.auth.services import get_user
    from tests import factories

    with app.app_context():
        factories.user("editora", member_of="ine", role="editor")
        token = tokens.create_token(get_user("editora"), SYSTEM, name="t")[1]
    content = zip_of(write_package(tmp_path / "pkg"))
    done = client.post("/api/3/action/package_create_from_datapackage", data={
        "owner_org": "ine", "name": "montos", "upload": (io.BytesIO(content), "p.zip")},
        headers={"Authorization": token}, content_type="multipart/form-data")
    assert done.status_code == 200, done.get_json()
    resource_id = done.get_json()["result"]["dataset"]["resources"][0]["id"]
    loaded = state(app, resource_id)
    assert loaded.status == "active"
    assert {f["id"]: f["type"] for f in loaded.fields}["monto"] == "numeric"
    assert _rows(client, resource_id, filters={"id": 2}) == [
        {"_id": 2, "id": 2, "nombre": "Oruro", "monto": 3.0}]


def test_a_new_file_replaces_the_data_atomically(app, world, client):
    resource_id = add_table(app, world.public, schema=SCHEMA)
    before = state(app, resource_id)
    replace_file(app, resource_id, "año,departamento,casos,fecha,nota\n"
                 "2025,Beni,4,2025-01-01,nueva\n".encode())
    after = state(app, resource_id)
    assert after.status == "active" and after.row_count == 1
    assert after.data_key != before.data_key
    assert _rows(client, resource_id) == [{"_id": 1, "año": 2025, "departamento": "Beni",
                                           "casos": 4, "fecha": "2025-01-01", "nota": "nueva"}]
    with app.app_context():  # the old file is deleted once nothing points at it
        assert not storage().exists(before.data_key) and storage().exists(after.data_key)


def test_a_failed_ingest_keeps_the_previous_data_and_says_why(app, world, client, runner):
    resource_id = add_table(app, world.public)
    before = state(app, resource_id)
    with app.app_context():
        storage().delete(catalog.get_resource(resource_id).storage_key)
    result = runner.invoke(args=["datastore", "ingest", "--force", resource_id])
    assert result.exit_code == 1 and "error" in result.output
    after = state(app, resource_id)
    assert after.status == "error" and "no se encuentra" in after.message
    assert after.data_key == before.data_key and after.row_count == 5
    assert len(_rows(client, resource_id)) == 5
    page = client.get(_resource_url(app, resource_id))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-datastore-status="error"' in text and "no se encuentra" in text
    assert "Se muestran los datos cargados" in text


def test_an_invalid_new_file_keeps_the_previous_data(app, world, client):
    resource_id = add_table(app, world.public, schema=SCHEMA)
    replace_file(app, resource_id, "año,departamento,casos,fecha,nota\n"
                 "dos mil,Beni,4,2025-01-01,x\n".encode())
    after = state(app, resource_id)
    assert after.status == "error" and "no pasó la validación" in after.message
    assert after.row_count == 5 and len(_rows(client, resource_id)) == 5


def test_a_cell_that_breaks_a_declared_type_fails_with_its_value(app, world, runner):
    """Validation and the loader disagree only if the file changed behind validation's back:
    the loader still refuses to guess."""
    resource_id = add_table(app, world.public, schema=SCHEMA)
    with app.app_context():
        key = catalog.get_resource(resource_id).storage_key
        path = storage().root / key
    path.write_bytes(b"a\xc3\xb1o,departamento,casos,fecha,nota\n2024,Beni,cuatro,2024-01-01,x\n")
    result = runner.invoke(args=["datastore", "ingest", "--force", resource_id])
    assert result.exit_code == 1
    after = state(app, resource_id)
    assert after.status == "error" and "cuatro" in after.message and after.row_count == 5


def test_recover_loads_what_was_missed(app, world, client):
    resource_id = add_table(app, world.public)
    with app.app_context():
        from portal.db import unit_of_work

        with unit_of_work() as session:
            session.query(DatastoreTable).delete()
        jobs.run_now("datastore.recover")
    assert state(app, resource_id).status == "active"
    assert len(_rows(client, resource_id)) == 5


def test_status_command(app, world, runner):
    resource_id = add_table(app, world.public)
    result = runner.invoke(args=["datastore", "status", resource_id])
    assert result.exit_code == 0
    assert json.loads(result.output)["row_count"] == 5
    listing = runner.invoke(args=["datastore", "status"])
    assert f"{resource_id}\tactive\t5" in listing.output


@pytest.mark.parametrize("name", ["_id", "_full_text"])
def test_reserved_column_names_are_refused(app, world, name):
    resource_id = add_table(app, world.public, content=f"{name},b\n1,2\n".encode())
    found = state(app, resource_id)
    assert found.status == "error" and name in found.message


def _resource_url(app, resource_id):
    from flask import url_for

    with app.test_request_context():
        resource = catalog.get_resource(resource_id)
        return url_for("dataset.resource_read", name=resource.dataset.name,
                       resource_id=resource_id)


def test_deleting_the_resource_deletes_its_data_file(app, world, system):
    resource_id = add_table(app, world.public)
    key = state(app, resource_id).data_key
    with app.app_context():
        assert storage().exists(key)
        catalog.delete_resource(catalog.get_resource(resource_id), system)
        assert not storage().exists(key)


def test_purging_the_dataset_deletes_its_data_files(app, world, system):
    resource_id = add_table(app, world.public)
    key = state(app, resource_id).data_key
    with app.app_context():
        catalog.purge_dataset(catalog.get_dataset(world.public), system)
        assert not storage().exists(key)
