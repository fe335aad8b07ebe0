"""Profile edit: full name and "about" at once; a new e-mail address only once confirmed from
a link mailed to it. Forms carry CSRF tokens; errors sit next to their field."""

from __future__ import annotations

import re

import pytest

from portal.auth.services import get_user
from tests.auth.conftest import login


def _user(app, name: str):
    with app.app_context():
        user = get_user(name)
        return {"fullname": user.fullname, "email": user.email, "about": user.about}


def test_name_and_about_are_saved_and_shown_on_the_public_profile(app, client, world):
    login(client, "editor1")
    response = client.post("/user/edit", data={"fullname": "Ana Quispe", "email":
                                               "editor1@example.org",
                                               "about": "Responsable de **estadísticas**."})
    assert response.status_code == 302
    assert _user(app, "editor1")["fullname"] == "Ana Quispe"
    html = client.get("/user/editor1").get_data(as_text=True)
    assert "Ana Quispe" in html and "<strong>estadísticas</strong>" in html


def test_a_new_address_applies_only_once_confirmed(app, client, world, smtp):
    login(client, "editor1")
    response = client.post("/user/edit", data={"fullname": "", "email": "ana@nuevo.example",
                                               "about": ""}, follow_redirects=True)
    assert "para confirmar la nueva dirección" in response.get_data(as_text=True)
    assert _user(app, "editor1")["email"] == "editor1@example.org"
    [message] = smtp.to("ana@nuevo.example")
    link = re.search(r"https?://\S+/user/email/\S+", smtp.body(message)).group(0)
    path = link[len(app.config["PORTAL_SITE_URL"]):]
    assert client.get(path).status_code == 302
    assert _user(app, "editor1")["email"] == "ana@nuevo.example"
    # A tampered link changes nothing.
    assert client.get(path[:-3] + "abc").status_code == 302
    assert _user(app, "editor1")["email"] == "ana@nuevo.example"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "no-es-correo", "No es un correo electrónico válido."),
    ("email", "", "Indique un correo electrónico."),
    ("fullname", "x" * 201, "Use como máximo 200 caracteres."),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(app, client, world, field,
                                                                   value, message):
    login(client, "editor1")
    data = {"fullname": "Nuevo nombre", "email": "editor1@example.org", "about": ""}
    data[field] = value
    response = client.post("/user/edit", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="error-{field}">(.*?)</p>', html, re.S)
    assert message in error.group(1)
    assert _user(app, "editor1")["fullname"] == ""


def test_account_pages_need_a_login(client, world):
    for path in ("/user/edit", "/user/password", "/user/tokens", "/dashboard/membership"):
        response = client.get(path)
        assert response.status_code == 302 and "/user/login" in response.headers["Location"]


def test_forms_refuse_a_post_without_the_csrf_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/user/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/user/login", data={"username": "editor1", "password": "secreto-123",
                                            "csrf_token": token}).status_code == 302
    for path, data in (("/user/edit", {"fullname": "X", "email": "x@example.org"}),
                       ("/user/password", {"current_password": "secreto-123"}),
                       ("/user/tokens", {"name": "t", "expires_in": "30"}),
                       ("/user/reset", {"identifier": "editor1"})):
        assert client.post(path, data=data).status_code == 400, path
    for path in ("/user/edit", "/user/password", "/user/tokens", "/dashboard/membership"):
        assert 'name="csrf_token"' in client.get(path).get_data(as_text=True), path
