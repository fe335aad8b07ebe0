"""Membership requests: a logged-in user asks to join an entity, its admins are told by e-mail,
an admin approves (choosing the role) or rejects, and the requester is told."""

from __future__ import annotations

import re

import pytest

from portal import db
from portal.auth.models import MembershipRequest
from portal.auth.services import get_user
from portal.catalog.services import get_entity
from tests import factories
from tests.auth.conftest import login


def _ask(client, entity: str = "ine", role: str = "editor",
         message: str = "Soy analista de la unidad de estadística."):
    return client.post("/dashboard/membership", data={"entity": entity, "role": role,
                                                       "message": message})


def _request_id(app) -> str:
    with app.app_context():
        return db.session.query(MembershipRequest).one().id


def test_request_notify_approve_and_tell(app, client, world, smtp):
    login(client, "outsider")
    assert _ask(client).status_code == 302
    [notice] = smtp.to("admin1@example.org")
    assert "outsider pide unirse a Instituto Nacional de Estadística" in notice["Subject"]
    assert "Soy analista" in smtp.body(notice) and "/dashboard" in smtp.body(notice)
    assert smtp.to("editor1@example.org") == []  # editors do not manage members

    admin = app.test_client()
    login(admin, "admin1")
    page = admin.get("/dashboard").get_data(as_text=True)
    assert "pide unirse a Instituto Nacional de Estadística como editor" in page
    response = admin.post(f"/dashboard/membership/{_request_id(app)}",
                          data={"decision": "approve", "role": "member"})
    assert response.status_code == 302
    with app.app_context():
        assert get_user("outsider").role_in(get_entity("ine").id) == "member"
    [told] = smtp.to("outsider@example.org")
    assert "Ya es miembro de Instituto Nacional de Estadística" in told["Subject"]
    assert "Miembro" in client.get("/dashboard").get_data(as_text=True)
    # Answered once: a second decision is refused.
    again = admin.post(f"/dashboard/membership/{_request_id(app)}",
                       data={"decision": "reject"}, follow_redirects=True)
    assert "ya fue respondida" in again.get_data(as_text=True)


def test_a_rejected_requester_is_told_and_may_ask_again(app, client, world, smtp):
    login(client, "outsider")
    _ask(client)
    admin = app.test_client()
    login(admin, "admin1")
    admin.post(f"/dashboard/membership/{_request_id(app)}", data={"decision": "reject"})
    with app.app_context():
        assert get_user("outsider").role_in(get_entity("ine").id) is None
    [told] = smtp.to("outsider@example.org")
    assert "no fue aprobada" in smtp.body(told)
    assert _ask(client).status_code == 302  # the same row, reopened
    with app.app_context():
        assert db.session.query(MembershipRequest).one().state == "pending"


def test_without_admins_the_sysadmins_are_told(app, client, world, smtp):
    with app.app_context():
        factories.entity("mefp", title="Ministerio de Economía")
    login(client, "outsider")
    _ask(client, "mefp")
    assert len(smtp.to("root@example.org")) == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"entity": ""}, "entity", "Elija la entidad."),
    ({"entity": "no-existe"}, "entity", "No existe la entidad"),
    ({"role": "dueño"}, "role", "Elija un rol de la lista."),
    ({"message": "x" * 2001}, "message", "Use como máximo 2000 caracteres."),
])
def test_bad_requests_are_refused_next_to_the_field(app, client, world, smtp, data, field,
                                                    message):
    login(client, "outsider")
    response = client.post("/dashboard/membership",
                           data={"entity": "ine", "role": "member", "message": "", **data})
    assert response.status_code == 400
    error = re.search(rf'id="error-{field}">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert message in error.group(1)
    assert smtp.messages == []


def test_members_cannot_ask_and_pending_requests_are_not_repeated(client, world, smtp):
    login(client, "editor1")
    assert "Ya es miembro" in _ask(client).get_data(as_text=True)
    login(client, "outsider")
    _ask(client)
    repeated = _ask(client)
    assert repeated.status_code == 400 and "espere la respuesta" in repeated.get_data(
        as_text=True)
    assert len(smtp.to("admin1@example.org")) == 1


@pytest.mark.parametrize("name", ["editor1", "member1", "outsider"])
def test_only_the_entitys_admins_and_sysadmins_decide(app, client, world, name):
    asker = app.test_client()
    with app.app_context():
        factories.user("nuevo")
    login(asker, "nuevo")
    _ask(asker)
    login(client, name)
    assert client.post(f"/dashboard/membership/{_request_id(app)}",
                       data={"decision": "approve"}).status_code == 403
    assert "pide unirse" not in client.get("/dashboard").get_data(as_text=True)
    root = app.test_client()
    login(root, "root")
    assert root.post(f"/dashboard/membership/{_request_id(app)}",
                     data={"decision": "approve"}).status_code == 302
    with app.app_context():
        assert get_user("nuevo").role_in(get_entity("ine").id) == "editor"


def test_anonymous_visitors_cannot_ask(client, world):
    response = client.post("/dashboard/membership", data={"entity": "ine", "role": "member"})
    assert response.status_code == 302 and "/user/login" in response.headers["Location"]


def test_a_deleted_entity_cannot_be_asked(app, client, world):
    with app.app_context():
        from portal.catalog import services as catalog

        catalog.delete_entity(catalog.get_entity("ine"), factories.SYSTEM)
    login(client, "outsider")
    response = _ask(client)
    assert response.status_code == 400 and "No existe la entidad" in response.get_data(
        as_text=True)
