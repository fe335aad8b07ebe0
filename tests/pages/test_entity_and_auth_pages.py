"""Entity administration (create, edit, members), login and logout, and CSRF protection."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.auth import services as auth
from portal.catalog import services
from tests import factories
from tests.pages.html_check import assert_valid_page

NEW_ENTITY = {
    "title": "Agencia de Gobierno Electrónico",
    "name": "agetic",
    "description": "Gobierno electrónico y tecnologías de información.",
    "kind": "agencia",
    "level": "central",
    "website": "https://www.agetic.gob.bo",
    "email": "contacto@agetic.gob.bo",
    "logo_url": "",
}


def text(response) -> str:
    return response.get_data(as_text=True)


# --- entities --------------------------------------------------------------------------------


def test_only_a_sysadmin_may_create_an_entity(app, catalog, login, client):
    login("jefa")
    assert client.get("/organization/new").status_code == 403
    assert client.post("/organization/new", data=NEW_ENTITY).status_code == 403
    login("root")
    form = client.get("/organization/new")
    assert form.status_code == 200
    assert_valid_page(text(form))
    response = client.post("/organization/new", data=NEW_ENTITY)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organization/agetic")
    page = text(client.get("/organization/agetic"))
    assert "Agencia de Gobierno Electrónico" in page
    assert "Agencia o institución descentralizada · Nivel central" in page
    assert "creó la entidad" in page


def test_bad_entity_input_is_shown_next_to_the_field(app, catalog, login):
    client = login("root")
    response = client.post("/organization/new", data={**NEW_ENTITY, "name": "ine"})
    assert response.status_code == 400
    body = text(response)
    assert "Ya existe una entidad con ese nombre." in body[body.index('id="error-name"'):]
    assert 'value="Agencia de Gobierno Electrónico"' in body
    assert_valid_page(body)
    with app.app_context():
        assert len(services.list_entities()) == 2


def test_entity_admin_edits_their_entity_but_an_editor_cannot(app, catalog, login, client):
    login("editora")
    assert client.get("/organization/edit/ine").status_code == 403
    login("jefa")
    form = text(client.get("/organization/edit/ine"))
    assert 'value="Instituto Nacional de Estadística"' in form
    assert '<option value="agencia" selected>' in form
    assert_valid_page(form)
    response = client.post("/organization/edit/ine", data={
        **NEW_ENTITY, "name": "ine", "title": "Instituto Nacional de Estadística (INE)"})
    assert response.status_code == 302
    with app.app_context():
        assert services.get_entity("ine").title == "Instituto Nacional de Estadística (INE)"


def test_entity_admin_manages_members(app, catalog, login, client):
    login("jefa")
    with app.app_context():
        factories.user("nuevo")
    page = client.get("/organization/members/ine")
    assert page.status_code == 200
    assert_valid_page(text(page))
    assert "jefa" in text(page)

    response = client.post("/organization/members/ine", data={"username": "nuevo",
                                                               "role": "editor"})
    assert response.status_code == 302
    with app.app_context():
        assert auth.get_user("nuevo").role_in(services.get_entity("ine").id) == "editor"
    assert "«nuevo» es ahora editor de la entidad." in text(client.get("/organization/members/ine"))

    client.post("/organization/members/ine", data={"username": "nuevo", "role": "member"})
    with app.app_context():
        assert auth.get_user("nuevo").role_in(services.get_entity("ine").id) == "member"

    response = client.post("/organization/member_delete/ine", data={"username": "nuevo"})
    assert response.status_code == 302
    with app.app_context():
        assert auth.get_user("nuevo").role_in(services.get_entity("ine").id) is None


def test_adding_an_unknown_user_shows_the_error_next_to_the_field(catalog, login):
    client = login("jefa")
    response = client.post("/organization/members/ine", data={"username": "fantasma",
                                                               "role": "editor"})
    assert response.status_code == 400
    body = text(response)
    assert "No existe el usuario «fantasma»." in body[body.index('id="error-username"'):]
    assert 'value="fantasma"' in body


def test_an_editor_cannot_manage_members(catalog, login):
    client = login("editora")
    assert client.get("/organization/members/ine").status_code == 403
    assert client.post("/organization/members/ine",
                       data={"username": "editora", "role": "admin"}).status_code == 403


def test_entity_page_shows_publisher_actions_by_role(catalog, login, client):
    assert "Añadir conjunto de datos" not in text(client.get("/organization/ine"))
    login("editora")
    body = text(client.get("/organization/ine"))
    assert 'href="/dataset/new?entity=ine"' in body and "/organization/members/ine" not in body
    assert "Registro interno" in body  # members see their entity's private datasets
    login("jefa")
    assert "/organization/members/ine" in text(client.get("/organization/ine"))


# --- login and logout ------------------------------------------------------------------------


def test_login_with_wrong_password_says_so(app, catalog, client):
    with app.app_context():
        factories.user("ana")
    response = client.post("/user/login", data={"username": "ana", "password": "incorrecta"})
    assert response.status_code == 401
    body = text(response)
    assert "Usuario o contraseña incorrectos." in body
    assert 'value="ana"' in body
    assert_valid_page(body)


def test_login_redirects_to_the_page_asked_for_and_logout_needs_post(app, catalog, client):
    with app.app_context():
        factories.user("ana", member_of="ine")
    response = client.post("/user/login?next=/dataset/new",
                           data={"username": "ana", "password": "secreto-123"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dataset/new"
    home = text(client.get("/"))
    assert "Bienvenido, ana." in home and "Cerrar sesión" in home and "Publicar datos" in home
    assert client.get("/user/logout").status_code == 405
    response = client.post("/user/logout")
    assert response.status_code == 302
    assert "Sesión cerrada." in text(client.get("/"))
    assert client.get("/dataset/new").status_code == 302


def test_login_never_redirects_to_another_site(app, catalog, client):
    with app.app_context():
        factories.user("ana")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example/x",
                   "/%5C%5Cevil.example/x"):
        response = client.post(f"/user/login?next={target}",
                               data={"username": "ana", "password": "secreto-123"})
        assert response.headers["Location"] == "/"


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(migrated, tmp_path):
    """The app as deployed: CSRF protection on."""
    app = create_app({"PORTAL_DATABASE_URL": migrated, "PORTAL_SECRET_KEY": "test",
                      "PORTAL_INSTANCE_PATH": str(tmp_path / "csrf"), "TESTING": True})
    yield app.test_client()
    app.extensions["db_engine"].dispose()


def test_forms_without_the_csrf_token_are_refused(csrf_client):
    response = csrf_client.post("/user/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400
    assert "Solicitud incorrecta" in text(response)
    form = text(csrf_client.get("/user/login"))
    assert 'name="csrf_token" value="' in form
