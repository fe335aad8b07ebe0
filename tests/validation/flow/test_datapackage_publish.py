"""Data Package publishing through the page and the API: the package is validated whole, the
publisher sees the report before anything is published, only a valid package is published (or an
invalid one, marked, when the sysadmin option allows it), its metadata maps onto the dataset; and
every dataset downloads as a Data Package."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from frictionless import Package
from sqlalchemy import func, select

from portal import db
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from tests.conformance import conformance_file
from tests.pages.html_check import check_page
from tests.validation.flow.helpers import CSV_BAD, write_package, zip_of

TOKEN_IN_URL = re.compile(r"/dataset/new/datapackage/([0-9a-f]{32})$")


def _datasets(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Dataset))


def _staged(app):
    root = app.instance_path + "/validation/staging"
    import os

    return sorted(os.listdir(root)) if os.path.isdir(root) else []


def _send(client, files):
    return client.post("/dataset/new/datapackage", data={
        "files": [(io.BytesIO(content), name) for name, content in files]},
        content_type="multipart/form-data")


def _preview(client, files):
    response = _send(client, files)
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    token = TOKEN_IN_URL.search(location).group(1)
    return token, client.get(location)


def test_the_new_dataset_page_links_to_data_package_publishing(vapp, world, login):
    client = login("editora")
    html = client.get("/dataset/new").get_data(as_text=True)
    assert "/dataset/new/datapackage" in html
    page = client.get("/dataset/new/datapackage")
    assert page.status_code == 200
    assert check_page(page.get_data(as_text=True)).problems == []


def test_a_valid_zip_is_previewed_then_published_with_its_metadata(vapp, world, login,
                                                                   tmp_path):
    client = login("editora")
    package = write_package(tmp_path / "pkg")
    token, preview = _preview(client, [("montos.zip", zip_of(package, prefix="pkg/"))])
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and check_page(html).problems == []
    assert "Válido" in html and "Montos municipales" in html
    assert _datasets(vapp) == 1  # the preview published nothing
    assert _staged(vapp) == [token]

    response = client.post(f"/dataset/new/datapackage/{token}", data={
        "action": "publish", "entity": "ine", "name": "montos-municipales",
        "title": "Montos municipales", "license_id": "CC-BY-4.0"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dataset/montos-municipales")
    assert _staged(vapp) == []
    with vapp.app_context():
        dataset = catalog.get_dataset("montos-municipales")
        assert (dataset.title, dataset.description, dataset.version, dataset.license_id) == (
            "Montos municipales", "Montos por municipio.", "1.2", "CC-BY-4.0")
        assert dataset.keywords == ["montos", "municipios"]
        assert (dataset.contact_name, dataset.contact_email) == ("Unidad de Datos",
                                                                 "datos@ine.gob.bo")
        assert "published_with_errors" not in dataset.extras
        [resource] = dataset.resources
        assert (resource.name, resource.format, resource.url) == ("montos", "CSV", "montos.csv")
        assert resource.schema["fields"][2]["name"] == "monto"
        resource_id = resource.id
    page = client.get("/dataset/montos-municipales").get_data(as_text=True)
    assert 'data-validation="success"' in page  # its resource was validated after publishing
    assert resource_id in page


def test_a_descriptor_with_its_files_is_placed_where_it_says(vapp, world, login, tmp_path):
    client = login("editora")
    package = write_package(tmp_path / "pkg")
    token, preview = _preview(client, [
        ("datapackage.json", (package / "datapackage.json").read_bytes()),
        ("montos.csv", (package / "data" / "montos.csv").read_bytes())])
    assert "Válido" in preview.get_data(as_text=True)
    response = client.post(f"/dataset/new/datapackage/{token}", data={
        "action": "publish", "entity": "ine"})
    assert response.status_code == 302
    with vapp.app_context():
        assert catalog.get_dataset("montos-municipales").resources[0].size == len(
            (package / "data" / "montos.csv").read_bytes())


STRICT = pytest.mark.parametrize("vapp_settings", [{"PORTAL_PUBLISH_WITH_ERRORS": False}])


@STRICT
def test_an_invalid_package_shows_its_full_report_and_cannot_be_published(
        vapp, world, login):
    client = login("editora")
    folder = conformance_file("frictionless/invalid")
    files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
    token, preview = _preview(client, files)
    html = preview.get_data(as_text=True)
    assert check_page(html).problems == []
    expected = Package(str(folder / "datapackage.json")).validate()
    for ftask in expected.tasks:  # every error of every resource is shown
        for error in ftask.errors:
            assert error.title in html or error.type in html
    assert "no se puede publicar" in html
    assert "Publicar el conjunto de datos" not in html
    response = client.post(f"/dataset/new/datapackage/{token}", data={
        "action": "publish", "entity": "ine", "name": "invalido", "title": "Inválido",
        "license_id": "CC-BY-4.0"})
    assert response.status_code == 400
    assert _datasets(vapp) == 1
    # Discarding removes the staged files.
    response = client.post(f"/dataset/new/datapackage/{token}", data={"action": "discard"})
    assert response.status_code == 302 and _staged(vapp) == []
    assert client.get(f"/dataset/new/datapackage/{token}").status_code == 404


def test_by_default_an_invalid_package_is_published_marked_as_such(make_app, tmp_path):
    app = make_app()
    with app.app_context():
        factories_entity(app)
    client = _client_for(app, "editora")
    package = write_package(tmp_path / "pkg", rows=CSV_BAD)
    token, preview = _preview(client, [("p.zip", zip_of(package))])
    html = preview.get_data(as_text=True)
    assert "No válido" in html and "publicado con errores" in html
    response = client.post(f"/dataset/new/datapackage/{token}", data={
        "action": "publish", "entity": "ine"})
    assert response.status_code == 302
    with app.app_context():
        assert catalog.get_dataset("montos-municipales").extras["published_with_errors"] \
            == "true"
    page = client.get("/dataset/montos-municipales").get_data(as_text=True)
    assert 'data-validation="published-with-errors"' in page
    assert 'data-validation="failure"' in page


def factories_entity(app):
    from tests import factories

    factories.entity("ine")


def _client_for(app, name):
    from tests import factories

    with app.app_context():
        user_id = factories.user(name, member_of="ine", role="editor").get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def test_staged_packages_belong_to_their_uploader(vapp, world, login, tmp_path):
    token, _preview_page = _preview(login("editora"),
                                    [("p.zip", zip_of(write_package(tmp_path / "p")))])
    other = login("ajeno")
    assert other.get(f"/dataset/new/datapackage/{token}").status_code == 404
    assert other.post(f"/dataset/new/datapackage/{token}", data={
        "action": "publish", "entity": "mefp"}).status_code == 404
    assert vapp.test_client().get(f"/dataset/new/datapackage/{token}").status_code == 302


# -- bad input: a report with a clear error, never a crash, nothing published -------------------

def _zip(members: dict[str, bytes]) -> bytes:
    """A deflated zip: a large member stays a small upload (as in a zip bomb)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("datos.csv")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
        archive.writestr("datapackage.json", '{"resources": []}')
    return buffer.getvalue()


BAD_PACKAGES = {
    "zip-path-escape": [("p.zip", _zip({"../fuera.csv": b"a\n1\n",
                                        "datapackage.json": b'{"resources": []}'}))],
    "zip-symlink": [("p.zip", _symlink_zip())],
    "zip-too-large": [("p.zip", _zip({"datapackage.json": b'{"resources": []}',
                                      "grande.csv": b"x" * (2 * 1024 * 1024)}))],
    "datapackage-missing": [("p.zip", _zip({"datos.csv": b"a\n1\n"}))],
    "format-error": [("datapackage.json", json.dumps({"name": "p", "resources": [
        {"name": "datos", "path": "datos.csv", "format": "csv"}]}).encode()),
        ("datos.csv", _zip({"x.txt": b"no es csv"}))],
    "schema-error": [("datapackage.json", json.dumps({"name": "p", "resources": [
        {"name": "datos", "path": "datos.csv",
         "schema": {"fields": [{"name": "a", "type": "no-such-type"}]}}]}).encode()),
        ("datos.csv", b"a\n1\n")],
    "encoding": [("datapackage.json", json.dumps({"name": "p", "resources": [
        {"name": "datos", "path": "datos.csv", "encoding": "utf-8"}]}).encode()),
        ("datos.csv", "año,región\n2024,Potosí\n".encode("latin-1"))],
    "not-json": [("datapackage.json", b"{esto no es json")],
}


@pytest.mark.parametrize("case", sorted(BAD_PACKAGES))
def test_bad_packages_give_a_report_with_a_clear_error_through_the_page(
        make_app, tmp_path, case):
    app = make_app(PORTAL_DATAPACKAGE_MAX_UNZIPPED_MB=1, PORTAL_PUBLISH_WITH_ERRORS=False)
    with app.app_context():
        factories_entity(app)
    client = _client_for(app, "editora")
    token, preview = _preview(client, BAD_PACKAGES[case])
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert check_page(html).problems == []
    assert "No válido" in html and "no se puede publicar" in html
    with app.app_context():
        from portal.validation.publish import load_staged

        staged = load_staged(token, get_user("editora"))
        types = staged.report.error_types()
    expected = {"encoding": {"encoding-error", "type-error", "source-error"},
                "not-json": {"package-error", "resource-error"},
                "schema-error": {"schema-error", "field-error"}}.get(case, {case})
    assert types & expected, types
    assert _datasets(app) == 0
    assert not (tmp_path / "fuera.csv").exists()


def test_an_upload_without_files_is_refused_on_the_form(vapp, world, login):
    response = _send(login("editora"), [])
    assert response.status_code == 400
    assert "datapackage.json" in response.get_data(as_text=True)


# -- the API ----------------------------------------------------------------------------------

@pytest.fixture
def token_of(vapp, world):
    def make(name, **membership):
        from tests import factories

        with vapp.app_context():
            user = factories.user(name, **membership)
            return tokens.create_token(user, SYSTEM, name="t")[1]

    return make


def _api(app, name, token, data):
    return app.test_client().post(f"/api/3/action/{name}", data=data,
                                  headers={"Authorization": token},
                                  content_type="multipart/form-data")


def test_the_api_validates_then_publishes_a_zip(vapp, token_of, tmp_path):
    token = token_of("editora", member_of="ine", role="editor")
    content = zip_of(write_package(tmp_path / "pkg"))
    dry = _api(vapp, "package_create_from_datapackage", token, {
        "owner_org": "ine", "dry_run": "true", "upload": (io.BytesIO(content), "p.zip")})
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json()["result"] == {"published": False,
                                        "report": dry.get_json()["result"]["report"]}
    assert dry.get_json()["result"]["report"]["valid"] is True
    assert _datasets(vapp) == 1 and _staged(vapp) == []

    done = _api(vapp, "package_create_from_datapackage", token, {
        "owner_org": "ine", "name": "montos", "upload": (io.BytesIO(content), "p.zip")})
    assert done.status_code == 200, done.get_json()
    result = done.get_json()["result"]
    assert result["published"] is True
    assert result["dataset"]["name"] == "montos"
    assert result["dataset"]["title"] == "Montos municipales"
    assert [r["name"] for r in result["dataset"]["resources"]] == ["montos"]
    assert _staged(vapp) == []


@STRICT
def test_the_api_refuses_an_invalid_package_with_its_errors(vapp, token_of, tmp_path):
    token = token_of("editora", member_of="ine", role="editor")
    content = zip_of(write_package(tmp_path / "pkg", rows=CSV_BAD))
    response = _api(vapp, "package_create_from_datapackage", token, {
        "owner_org": "ine", "upload": (io.BytesIO(content), "p.zip")})
    assert response.status_code == 409
    lines = response.get_json()["error"]["upload"]
    assert any(line.startswith("[type-error] (fila 3, monto)") for line in lines)
    assert _datasets(vapp) == 1 and _staged(vapp) == []


def test_the_api_checks_who_publishes(vapp, token_of, tmp_path):
    token = token_of("ajeno", member_of="mefp", role="editor")
    content = zip_of(write_package(tmp_path / "pkg"))
    response = _api(vapp, "package_create_from_datapackage", token, {
        "owner_org": "ine", "upload": (io.BytesIO(content), "p.zip")})
    assert response.status_code == 403
    assert _staged(vapp) == []


# -- every dataset as a Data Package ------------------------------------------------------------

def test_every_dataset_downloads_as_a_data_package(vapp, world, login, tmp_path):
    client = login("editora")
    package = write_package(tmp_path / "pkg")
    token, _page = _preview(client, [("p.zip", zip_of(package))])
    client.post(f"/dataset/new/datapackage/{token}", data={"action": "publish",
                                                           "entity": "ine"})
    response = vapp.test_client().get("/dataset/montos-municipales/datapackage.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    descriptor = response.get_json()
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert (descriptor["name"], descriptor["title"], descriptor["version"]) == (
        "montos-municipales", "Montos municipales", "1.2")
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["keywords"] == ["montos", "municipios"]
    assert descriptor["contributors"][0]["email"] == "datos@ine.gob.bo"
    [resource] = descriptor["resources"]
    assert resource["path"].startswith("http://localhost/dataset/montos-municipales/resource/")
    assert resource["hash"].startswith("sha256:")
    assert resource["schema"]["fields"][0]["name"] == "id"
    assert Package.validate_descriptor(descriptor).valid
    page = vapp.test_client().get("/dataset/gastos").get_data(as_text=True)
    assert "/dataset/gastos/datapackage.json" in page
    assert vapp.test_client().get("/dataset/no-existe/datapackage.json").status_code == 404
