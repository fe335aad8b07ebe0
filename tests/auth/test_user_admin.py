"""Sysadmins manage accounts: list and search, make or unmake sysadmin, disable or enable; each
change is audited; every other role is refused on the server."""

from __future__ import annotations

import pytest

from portal import db
from portal.audit.models import AuditEvent
from portal.auth.services import get_user
from tests.auth.conftest import login


def _events(app, action: str) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.actor, e.target, e.detail) for e in db.session.query(AuditEvent)
                .filter_by(action=action).order_by(AuditEvent.id)]


def test_a_sysadmin_lists_and_searches_accounts(client, world):
    login(client, "root")
    html = client.get("/user").get_data(as_text=True)
    assert "5 usuarios" in html
    assert all(f"/user/{name}" in html for name in ("admin1", "editor1", "outsider"))
    found = client.get("/user?q=EDITOR").get_data(as_text=True)
    assert "1 usuario" in found and "/user/editor1" in found and "/user/admin1" not in found
    by_mail = client.get("/user?q=outsider@example").get_data(as_text=True)
    assert "/user/outsider" in by_mail
    # LIKE wildcards are searched for literally.
    assert "0 usuarios" in client.get("/user?q=%25").get_data(as_text=True)


def test_making_and_unmaking_a_sysadmin_is_audited(app, client, world):
    login(client, "root")
    assert client.post("/user/editor1/sysadmin", data={"sysadmin": "1"}).status_code == 302
    with app.app_context():
        assert get_user("editor1").sysadmin is True
    client.post("/user/editor1/sysadmin", data={"sysadmin": "0"})
    with app.app_context():
        assert get_user("editor1").sysadmin is False
    assert _events(app, "user.sysadmin") == [
        ("root", "user:editor1", "sysadmin: False -> True"),
        ("root", "user:editor1", "sysadmin: True -> False")]


def test_a_sysadmin_cannot_demote_or_disable_themselves(app, client, world):
    login(client, "root")
    response = client.post("/user/root/sysadmin", data={"sysadmin": "0"},
                           follow_redirects=True)
    assert "No puede quitarse a sí mismo" in response.get_data(as_text=True)
    client.post("/user/root/state", data={"state": "disabled"})
    with app.app_context():
        root = get_user("root")
        assert root.sysadmin and root.state == "active"
    assert _events(app, "user.sysadmin") == [] and _events(app, "user.state") == []


def test_disabling_is_audited_and_an_unknown_state_refused(app, client, world):
    login(client, "root")
    client.post("/user/outsider/state", data={"state": "disabled"})
    bad = client.post("/user/outsider/state", data={"state": "borrado"}, follow_redirects=True)
    assert "Estado desconocido" in bad.get_data(as_text=True)
    assert _events(app, "user.state") == [("root", "user:outsider", "active -> disabled")]
    assert "Desactivada" in client.get("/user?q=outsider").get_data(as_text=True)
    assert client.get("/user/outsider").status_code == 404  # no public profile any more


@pytest.mark.parametrize("name", ["admin1", "editor1", "member1", "outsider"])
def test_other_roles_are_refused(app, client, world, name):
    login(client, name)
    assert client.get("/user").status_code == 403
    assert client.post("/user", data={"name": "intruso", "email": "i@example.org",
                                      "password": "secreto-123", "sysadmin": "1"}
                       ).status_code == 403
    assert client.post("/user/outsider/sysadmin", data={"sysadmin": "1"}).status_code == 403
    assert client.post("/user/editor1/state", data={"state": "disabled"}).status_code == 403
    with app.app_context():
        assert not get_user("outsider").sysadmin and get_user("editor1").state == "active"


def test_anonymous_visitors_are_sent_to_login(client, world):
    assert client.get("/user").status_code == 302
    assert client.post("/user/outsider/sysadmin", data={"sysadmin": "1"}).status_code == 302


def test_a_sysadmin_creates_an_account_with_errors_next_to_the_fields(app, client, world):
    login(client, "root")
    bad = client.post("/user", data={"name": "Con Espacios", "email": "no-es-correo",
                                     "password": "corta"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert all(f'id="error-{field}"' in html for field in ("name", "email", "password"))
    taken = client.post("/user", data={"name": "editor1", "email": "e@example.org",
                                       "password": "secreto-123"})
    assert "Ya existe un usuario con ese nombre" in taken.get_data(as_text=True)

    created = client.post("/user", data={"name": "nueva", "fullname": "Nueva Persona",
                                         "email": "nueva@example.org",
                                         "password": "secreto-456"})
    assert created.status_code == 302
    with app.app_context():
        user = get_user("nueva")
        assert user.fullname == "Nueva Persona" and not user.sysadmin
    assert login(app.test_client(), "nueva", "secreto-456").status_code == 302
    assert _events(app, "user.create")[-1][:2] == ("root", "user:nueva")


@pytest.mark.parametrize(("name", "status"), [("admin1", 200), ("root", 200),
                                              ("editor1", 403), ("member1", 403),
                                              ("outsider", 403)])
def test_only_the_entitys_admins_and_sysadmins_manage_its_members(app, client, world, name,
                                                                 status):
    login(client, name)
    assert client.get("/organization/members/ine").status_code == status
    response = client.post("/organization/members/ine", data={"username": "outsider",
                                                              "role": "admin"})
    assert response.status_code == (302 if status == 200 else 403)
    with app.app_context():
        from portal.catalog.services import get_entity

        role = get_user("outsider").role_in(get_entity("ine").id)
    assert role == ("admin" if status == 200 else None)
