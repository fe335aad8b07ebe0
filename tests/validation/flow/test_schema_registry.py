"""The schema registry: /schemas lists the site's and the entities' Table Schemas with their
fields; an entity's editor registers one (versioned, never silently replaced); the resource form
offers them in a chooser, and a resource naming one is validated against it."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from portal import db
from portal.catalog import services as catalog
from portal.validation.models import RegisteredSchema, ValidationReport
from portal.validation.schemas_registry import reference_problem, resolve_schema
from tests.pages.html_check import check_page
from tests.validation.flow.helpers import CSV_BAD, CSV_OK, SCHEMA

SCHEMA_V2 = {**SCHEMA, "title": "Montos municipales", "primaryKey": "id"}


def _register(client, **fields):
    data = {"entity": "ine", "name": "montos", "descriptor": json.dumps(SCHEMA), **fields}
    return client.post("/schemas/new", data=data, content_type="multipart/form-data")


def test_the_site_schemas_are_listed_with_their_fields(vapp, world):
    client = vapp.test_client()
    page = client.get("/schemas")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert check_page(html).problems == []
    assert "/schemas/ejecucion-presupuestaria" in html
    detail = client.get("/schemas/ejecucion-presupuestaria").get_data(as_text=True)
    assert check_page(detail).problems == []
    descriptor = client.get("/schemas/ejecucion-presupuestaria?format=json").get_json()
    assert descriptor["fields"] and all(f"<code>{f['name']}</code>" in detail
                                        for f in descriptor["fields"])
    assert client.get("/schemas/no-existe").status_code == 404
    assert client.get("/schemas/ine/no-existe").status_code == 404
    assert client.get("/schemas/..%2Fsecret").status_code == 404


def test_an_editor_registers_versions_of_an_entity_schema(vapp, world, login):
    client = login("editora")
    form = client.get("/schemas/new").get_data(as_text=True)
    assert check_page(form).problems == []
    assert '<option value="ine" selected>' in form
    created = _register(client)
    assert created.status_code == 302
    assert created.headers["Location"].endswith("/schemas/ine/montos")
    page = client.get("/schemas/ine/montos").get_data(as_text=True)
    assert check_page(page).problems == []
    assert "<code>monto</code>" in page and "versión 1" in page
    # The same content again changes nothing; new content is version 2, version 1 is kept.
    same = _register(client)
    assert same.status_code == 400 and "Es igual a la versión 1" in same.get_data(as_text=True)
    upload = client.post("/schemas/new", data={
        "entity": "ine", "name": "montos", "descriptor": "",
        "upload": (io.BytesIO(json.dumps(SCHEMA_V2).encode()), "montos.json")},
        content_type="multipart/form-data")
    assert upload.status_code == 302
    with vapp.app_context():
        assert resolve_schema("ine/montos") == SCHEMA_V2
        assert resolve_schema("ine/montos@1") == SCHEMA
        assert [row.version for row in db.session.scalars(
            select(RegisteredSchema).order_by(RegisteredSchema.version))] == [1, 2]
    history = client.get("/schemas/ine/montos").get_data(as_text=True)
    assert "ine/montos@1" in history and "Montos municipales" in history
    assert client.get("/schemas/ine/montos?version=1&format=json").get_json() == SCHEMA
    assert client.get("/schemas/ine/montos@1?format=json").get_json() == SCHEMA
    assert client.get("/schemas/ine/montos@9").status_code == 404
    listing = client.get("/schemas").get_data(as_text=True)
    assert "/schemas/ine/montos" in listing and "versión 2" in listing


def test_what_is_not_a_table_schema_is_refused_with_the_reason(vapp, world, login):
    client = login("editora")
    cases = {
        "{no es json": "JSON no válido (línea 1)",
        "[1, 2]": "lista «fields»",
        json.dumps({"fields": [{"name": "a", "type": "entero"}]}): "no es válido",
    }
    for text, message in cases.items():
        response = _register(client, descriptor=text)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True), text
    bad_name = _register(client, name="Mis Montos")
    assert bad_name.status_code == 400 and "minúsculas" in bad_name.get_data(as_text=True)
    no_entity = _register(client, entity="")
    assert "Elija la entidad." in no_entity.get_data(as_text=True)
    with vapp.app_context():
        assert db.session.scalars(select(RegisteredSchema)).first() is None


def test_only_the_entity_editors_register_its_schemas(vapp, world, login):
    assert _register(login("ajeno")).status_code == 403
    assert _register(vapp.test_client()).status_code == 302  # to the login page
    with vapp.app_context():
        assert db.session.scalars(select(RegisteredSchema)).first() is None


def test_the_resource_form_chooses_a_registered_schema_and_validates_with_it(
        vapp, world, login):
    client = login("editora")
    assert _register(client).status_code == 302
    form = client.get(f"/dataset/{world.dataset}/resource/new").get_data(as_text=True)
    assert check_page(form).problems == []
    assert '<optgroup label="Esquemas de las entidades">' in form
    assert '<option value="ine/montos">' in form
    assert "/static/js/schema-chooser.js" in form
    # Without JavaScript the chooser's value is used when the schema box is empty.
    response = client.post(f"/dataset/{world.dataset}/resource/new", data={
        "name": "montos", "schema_choice": "ine/montos", "schema": "",
        "upload": (io.BytesIO(CSV_BAD), "montos.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    with vapp.app_context():
        resource = catalog.get_dataset(world.dataset).resources[0]
        assert resource.schema == "ine/montos"
        report = db.session.scalar(select(ValidationReport))
        assert report.status == "failure"
        assert {e["type"] for e in report.report["tasks"][0]["errors"]} == {"type-error"}
        resource_id = resource.id
    edit = client.get(f"/dataset/{world.dataset}/resource/{resource_id}/edit")
    assert '<option value="ine/montos" selected>' in edit.get_data(as_text=True)
    # The box wins over the chooser.
    client.post(f"/dataset/{world.dataset}/resource/{resource_id}/edit", data={
        "name": "montos", "schema_choice": "ine/montos", "schema": "ejecucion-presupuestaria",
        "upload": (io.BytesIO(CSV_OK), "montos.csv")}, content_type="multipart/form-data")
    with vapp.app_context():
        assert catalog.get_resource(resource_id).schema == "ejecucion-presupuestaria"


def test_unregistered_entity_schemas_are_refused_as_references(vapp, world):
    with vapp.app_context():
        assert reference_problem("ine/nada") is not None
        assert reference_problem("ine/nada@3") is not None


def test_a_data_package_export_carries_an_entity_schema_inline(vapp, world, login):
    client = login("editora")
    assert _register(client).status_code == 302
    with vapp.app_context():
        from portal.auth.permissions import SYSTEM

        catalog.create_resource(catalog.get_dataset(world.dataset),
                                {"name": "m", "schema": "ine/montos"}, SYSTEM,
                                upload=io.BytesIO(CSV_OK), filename="m.csv")
    descriptor = client.get(f"/dataset/{world.dataset}/datapackage.json").get_json()
    assert descriptor["resources"][0]["schema"] == SCHEMA
