"""The publisher's forms for datasets and resources: create, edit, delete, uploads, bad input and
who may use them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import db
from portal.activity.models import Activity
from portal.auth.permissions import SYSTEM
from portal.catalog import services
from portal.catalog.models import Dataset, Resource
from tests.pages.html_check import assert_valid_page

NEW_DATASET = {
    "title": "Matrícula escolar 2024",
    "name": "matricula-escolar-2024",
    "description": "Estudiantes inscritos por **departamento**.",
    "entity": "ine",
    "keywords": "educación, matrícula",
    "themes": ["economia", "salud"],
    "license_id": "CC-BY-4.0",
    "access_rights": "public",
    "state": "active",
    "temporal_start": "2024-01-01",
    "temporal_end": "2024-12-31",
    "spatial": ["BO-L", "BO-C"],
    "frequency": "ANNUAL",
    "language": ["es"],
    "contact_name": "Unidad de Datos",
    "contact_email": "datos@ine.gob.bo",
    "landing_page": "https://www.ine.gob.bo/matricula",
    "version": "2",
    "identifier": "INE-MAT-2024",
    "issued": "2024-03-01",
    "modified": "",
}



def text(response) -> str:
    return response.get_data(as_text=True)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def multipart_body(filename: str, content: bytes) -> bytes:
    """A multipart body with one file, built in memory: the test client would spool a large file
    given as a dict to a temporary file it never closes."""
    return (f'--limite\r\nContent-Disposition: form-data; name="upload"; filename="{filename}"'
            "\r\nContent-Type: text/csv\r\n\r\n").encode() + content + b"\r\n--limite--\r\n"


def stored_files(app) -> list[Path]:
    root = Path(app.instance_path) / "storage"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- who may reach the forms -----------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/dataset/new", "/dataset/edit/censo-2024", "/dataset/delete/censo-2024",
    "/dataset/censo-2024/resource/new", "/organization/new", "/organization/edit/ine",
    "/organization/members/ine",
])
def test_anonymous_visitors_are_sent_to_the_login_page(client, catalog, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/user/login?next=" in response.headers["Location"]


def test_anonymous_post_writes_nothing(app, client, catalog):
    before = count(app, Dataset)
    response = client.post("/dataset/new", data=NEW_DATASET)
    assert response.status_code == 302
    assert count(app, Dataset) == before


def test_editor_of_another_entity_gets_403_and_changes_nothing(app, catalog, login):
    client = login("ajeno")
    assert client.get("/dataset/edit/censo-2024").status_code == 403
    response = client.post("/dataset/edit/censo-2024", data={**NEW_DATASET, "name": "censo-2024",
                                                             "title": "Robado"})
    assert response.status_code == 403
    assert "Acceso no permitido" in text(response)
    assert client.get("/dataset/censo-2024/resource/new").status_code == 403
    assert client.post("/dataset/delete/censo-2024").status_code == 403
    with app.app_context():
        dataset = services.get_dataset("censo-2024")
        assert dataset.title == "Censo de Población 2024" and dataset.state == "active"


def test_editor_cannot_publish_in_an_entity_they_do_not_belong_to(app, catalog, login):
    client = login("editora")
    body = text(client.get("/dataset/new"))
    assert '<option value="ine"' in body and '<option value="mefp"' not in body
    response = client.post("/dataset/new", data={**NEW_DATASET, "entity": "mefp"})
    assert response.status_code == 403
    assert count(app, Dataset) == 4


def test_user_without_entity_is_told_how_to_get_one(catalog, login):
    response = login("suelto").get("/dataset/new")
    assert response.status_code == 403
    assert "Todavía no puede publicar" in text(response)


def test_private_dataset_is_404_for_others_and_visible_to_members(catalog, login, client):
    assert client.get("/dataset/registro-interno").status_code == 404
    login("ajeno")
    assert client.get("/dataset/registro-interno").status_code == 404
    assert client.get("/dataset/borrador-ine").status_code == 404
    login("lectora")
    response = client.get("/dataset/registro-interno")
    assert response.status_code == 200
    assert "Privado" in text(response)
    # a member who is not an editor sees no publisher actions
    assert "/dataset/edit/registro-interno" not in text(response)
    listing = text(client.get("/dataset"))
    assert "Registro interno" in listing


# --- creating and editing datasets -----------------------------------------------------------


def test_new_dataset_form_is_valid_html_with_labels_and_csrf(catalog, login):
    client = login("editora")
    response = client.get("/dataset/new?entity=ine")
    assert response.status_code == 200
    body = text(response)
    assert_valid_page(body)
    assert 'name="csrf_token"' in body
    assert '<option value="ine" selected>' in body
    assert 'value="CC-BY-4.0" selected' in body
    assert "Creative Commons Atribución-NoComercial 4.0</option>" in body


def test_editor_creates_a_dataset_through_the_form(app, catalog, login):
    client = login("editora")
    response = client.post("/dataset/new", data=NEW_DATASET)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dataset/matricula-escolar-2024/resource/new")
    with app.app_context():
        dataset = services.get_dataset("matricula-escolar-2024")
        assert dataset.title == "Matrícula escolar 2024"
        assert dataset.entity.name == "ine"
        assert dataset.keywords == ["educación", "matrícula"]
        assert [t.name for t in dataset.themes] == ["economia", "salud"]
        assert dataset.spatial == ["BO-L", "BO-C"]
        assert dataset.temporal_end.isoformat() == "2024-12-31"
        assert dataset.modified is None and dataset.private is False
        assert dataset.creator_user_id is not None
        activity = db.session.scalars(
            select(Activity).where(Activity.object_id == dataset.id)).one()
        assert activity.user_name == "editora"
    page = text(client.get("/dataset/matricula-escolar-2024"))
    assert "creado" in page  # the flash message
    assert "Cochabamba" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # marshmallow's own messages (length, date) are English until the schemas set Spanish
        # ones; the test checks that an error is shown next to the field.
        ({"title": ""}, "title", "</span> "),
        ({"name": "Con Espacios"}, "name", "minúsculas sin tildes"),
        ({"license_id": "CC-BY-NC-4.0"}, "license_id", "licencia abierta"),
        pytest.param({"contact_email": "no-es-correo"}, "contact_email",
                     "No es un correo electrónico válido"),
        pytest.param({"temporal_end": "2023-01-01"}, "temporal_end", "no puede ser anterior",),
        pytest.param({"landing_page": "ftp://x"}, "landing_page", "http://",),
        ({"issued": "ayer"}, "issued", "</span> "),
    ],
)
def test_bad_input_shows_the_error_next_to_the_field_keeps_input_and_writes_nothing(
        app, catalog, login, changes, field, message):
    client = login("editora")
    before = (count(app, Dataset), count(app, Activity))
    response = client.post("/dataset/new", data={**NEW_DATASET, **changes})
    assert response.status_code == 400
    body = text(response)
    error = body[body.index(f'id="error-{field}"'):]
    assert message in error[:400]
    assert f'href="#field-{field}"' in body  # the summary links to the field
    assert 'aria-invalid="true"' in body
    # the user's input is kept
    assert 'value="educación, matrícula"' in body
    assert "Estudiantes inscritos por **departamento**." in body
    assert 'value="BO-C" checked' in body
    assert_valid_page(body)
    assert (count(app, Dataset), count(app, Activity)) == before


def test_duplicate_name_is_refused_with_a_clear_message(app, catalog, login):
    client = login("editora")
    response = client.post("/dataset/new", data={**NEW_DATASET, "name": "censo-2024"})
    assert response.status_code == 400
    assert "Ya existe un conjunto de datos con ese nombre." in text(response)


def test_edit_form_shows_current_values_and_saves_changes(app, catalog, login):
    client = login("editora")
    with app.app_context():
        dataset = services.get_dataset("censo-2024")
        services.update_dataset(dataset, {"extras": {"fuente": "INE"}}, SYSTEM, partial=True)
    body = text(client.get("/dataset/edit/censo-2024"))
    assert 'value="Censo de Población 2024"' in body
    assert 'value="censo, población"' in body
    assert 'value="economia" checked' in body
    assert_valid_page(body)
    form = {**NEW_DATASET, "name": "censo-2024", "title": "Censo 2024 (revisado)",
            "themes": [], "spatial": ["BO"], "keywords": ""}
    response = client.post("/dataset/edit/censo-2024", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dataset/censo-2024")
    with app.app_context():
        dataset = services.get_dataset("censo-2024")
        assert dataset.title == "Censo 2024 (revisado)"
        assert dataset.themes == [] and dataset.keywords == []  # unticked boxes clear lists
        assert dataset.spatial == ["BO"]
        assert dataset.extras == {"fuente": "INE"}  # fields the form does not show are kept
    page = text(client.get("/dataset/censo-2024"))
    assert "Cambios guardados." in page
    assert "actualizó el conjunto de datos" in page


def test_bad_edit_keeps_the_stored_dataset_unchanged(app, catalog, login):
    client = login("editora")
    response = client.post("/dataset/edit/censo-2024",
                           data={**NEW_DATASET, "name": "censo-2024", "title": "Nuevo",
                                 "license_id": "no-existe"})
    assert response.status_code == 400
    assert "Licencia desconocida" in text(response)
    with app.app_context():
        assert services.get_dataset("censo-2024").title == "Censo de Población 2024"


def test_delete_asks_for_confirmation_then_hides_the_dataset(app, catalog, login, client):
    login("editora")
    confirm = client.get("/dataset/delete/censo-2024")
    assert confirm.status_code == 200
    assert "¿Eliminar el conjunto de datos «Censo de Población 2024»?" in text(confirm)
    assert_valid_page(text(confirm))
    response = client.post("/dataset/delete/censo-2024")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organization/ine")
    with app.app_context():
        assert services.get_dataset("censo-2024").state == "deleted"
    with client.session_transaction() as session:
        session.clear()
    assert client.get("/dataset/censo-2024").status_code == 404


# --- resources -------------------------------------------------------------------------------


def test_resource_form_is_valid_multipart_html(catalog, login):
    body = text(login("editora").get("/dataset/censo-2024/resource/new"))
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file"' in body and "Hasta 2 MB" in body
    assert_valid_page(body)


def test_add_resource_by_url(app, catalog, login):
    client = login("editora")
    response = client.post("/dataset/censo-2024/resource/new", data={
        "url": "https://www.ine.gob.bo/datos/censo.json", "name": "API del censo",
        "format": "json", "description": "Servicio JSON.", "license_id": "", "schema": "",
    })
    assert response.status_code == 302
    with app.app_context():
        resource = services.get_dataset("censo-2024").resources[-1]
        assert (resource.name, resource.format, resource.is_upload) == ("API del censo", "JSON",
                                                                        False)
        assert resource.schema is None


def test_a_resource_s_rights_are_entered_shown_and_edited(app, catalog, login):
    client = login("editora")
    rights = "Uso libre citando «INE».\nSin garantía."
    response = client.post("/dataset/censo-2024/resource/new", data={
        "url": "https://www.ine.gob.bo/datos/censo.json", "name": "Con derechos",
        "rights": rights})
    assert response.status_code == 302
    with app.app_context():
        resource = services.get_dataset("censo-2024").resources[-1]
        assert resource.rights == rights
        resource_id = resource.id
    page = text(client.get(f"/dataset/censo-2024/resource/{resource_id}"))
    shown = page[page.index(">Derechos</th>"):]
    assert "Uso libre citando «INE».<br>Sin garantía." in shown[:300]
    edit = f"/dataset/censo-2024/resource/{resource_id}/edit"
    form = text(client.get(edit))
    assert 'name="rights"' in form and "Sin garantía.</textarea>" in form
    assert_valid_page(form)
    too_long = client.post(edit, data={"url": "https://www.ine.gob.bo/datos/censo.json",
                                       "rights": "x" * 2001})
    assert too_long.status_code == 400
    assert 'id="error-rights"' in text(too_long)
    assert client.post(edit, data={"url": "https://www.ine.gob.bo/datos/censo.json",
                                   "rights": ""}).status_code == 302
    with app.app_context():
        assert services.get_dataset("censo-2024").resources[-1].rights == ""
    assert ">Derechos</th>" not in text(client.get(f"/dataset/censo-2024/resource/{resource_id}"))


def test_add_resource_by_upload_then_download_it(app, catalog, login):
    client = login("editora")
    content = b"municipio,poblacion\nSucre,300000\n"
    response = client.post("/dataset/censo-2024/resource/new", data={
        "upload": (io.BytesIO(content), "Población municipal.csv"), "name": "", "url": "",
    }, content_type="multipart/form-data")
    assert response.status_code == 302, text(response)[:2000]
    with app.app_context():
        resource = services.get_dataset("censo-2024").resources[-1]
        assert resource.is_upload and resource.url == "poblacion-municipal.csv"
        assert resource.name == "poblacion-municipal.csv"
        assert resource.format == "CSV" and resource.size == len(content)
        resource_id = resource.id
    download = client.get(
        f"/dataset/censo-2024/resource/{resource_id}/download/poblacion-municipal.csv")
    assert download.status_code == 200 and download.data == content
    download.close()
    page = text(client.get(f"/dataset/censo-2024/resource/{resource_id}"))
    assert "<td>Sucre</td>" in page


def test_resource_needs_a_url_or_a_file(app, catalog, login):
    client = login("editora")
    before = count(app, Resource)
    response = client.post("/dataset/censo-2024/resource/new", data={"name": "Nada", "url": ""})
    assert response.status_code == 400
    body = text(response)
    assert "Indique una URL o suba un archivo." in body[body.index('id="error-url"'):]
    assert 'value="Nada"' in body
    assert count(app, Resource) == before


def test_forbidden_upload_is_refused_next_to_the_file_field_and_leaves_no_file(
        app, catalog, login):
    client = login("editora")
    before_files = stored_files(app)
    before = count(app, Resource)
    response = client.post("/dataset/censo-2024/resource/new", data={
        "upload": (io.BytesIO(b"MZ\x90\x00binary"), "instalador.exe"), "name": "Programa",
    }, content_type="multipart/form-data")
    assert response.status_code == 400
    body = text(response)
    assert "No se permiten archivos .exe" in body[body.index('id="error-upload"'):]
    assert 'value="Programa"' in body
    assert count(app, Resource) == before
    assert stored_files(app) == before_files


def test_upload_over_the_limit_is_refused_and_leaves_no_file(app, catalog, login):
    client = login("editora")
    before_files = stored_files(app)
    big = b"a,b\n" + b"1,2\n" * (int(2.5 * 1024 * 1024) // 4)  # 2.5 MB, limit is 2 MB
    response = client.post("/dataset/censo-2024/resource/new",
                           data=multipart_body("grande.csv", big),
                           content_type="multipart/form-data; boundary=limite")
    assert response.status_code == 400
    assert "supera el tamaño máximo permitido de 2 MB" in text(response)
    assert count(app, Resource) == 2
    assert stored_files(app) == before_files


def test_request_far_over_the_limit_gets_the_413_page(app, catalog, login):
    client = login("editora")
    response = client.post("/dataset/censo-2024/resource/new",
                           data=multipart_body("enorme.csv", b"x" * (4 * 1024 * 1024)),
                           content_type="multipart/form-data; boundary=limite")
    assert response.status_code == 413
    assert "supera el tamaño máximo permitido de 2 MB" in text(response)
    assert count(app, Resource) == 2


def test_bad_schema_json_is_shown_next_to_the_schema_field(app, catalog, login):
    client = login("editora")
    response = client.post("/dataset/censo-2024/resource/new", data={
        "url": "https://example.org/a.csv", "schema": '{"fields": [}'})
    assert response.status_code == 400
    body = text(response)
    assert "JSON no válido" in body[body.index('id="error-schema"'):]
    assert count(app, Resource) == 2


def test_edit_and_delete_a_resource(app, catalog, login):
    client = login("editora")
    url = f"/dataset/censo-2024/resource/{catalog.link_id}"
    form = text(client.get(url + "/edit"))
    assert 'value="https://www.ine.gob.bo/datos/censo.xlsx"' in form
    assert_valid_page(form)
    response = client.post(url + "/edit", data={
        "name": "Libro Excel", "url": "https://www.ine.gob.bo/datos/censo-v2.xlsx",
        "format": "xlsx", "description": "", "media_type": "", "license_id": "CC0-1.0",
        "schema": '{"fields": [{"name": "año", "type": "integer"}]}',
    })
    assert response.status_code == 302
    with app.app_context():
        resource = services.get_resource(catalog.link_id)
        assert resource.name == "Libro Excel" and resource.license_id == "CC0-1.0"
        assert resource.schema == {"fields": [{"name": "año", "type": "integer"}]}
    page = text(client.get(url))
    assert "Table Schema con 1 campos" in page and "Creative Commons CC0 1.0" in page
    assert client.get(url + "/delete").status_code == 200
    response = client.post(url + "/delete")
    assert response.status_code == 302
    with app.app_context():
        assert [r.id for r in services.get_dataset("censo-2024").resources] == [catalog.csv_id]
    assert client.get(url).status_code == 404


def test_replacing_an_upload_by_the_edit_form_keeps_one_file(app, catalog, login):
    client = login("editora")
    url = f"/dataset/censo-2024/resource/{catalog.csv_id}/edit"
    body = text(client.get(url))
    assert "Archivo actual:" in body
    response = client.post(url, data={
        "upload": (io.BytesIO(b"x,y\n1,2\n"), "nuevo.csv"), "name": "Nuevo", "url": "",
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    assert [p.name for p in stored_files(app)] == ["nuevo.csv"]
