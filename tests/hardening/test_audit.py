"""The audit log: an entry for each login, token and role change, read by sysadmins only."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal import db
from portal.audit.models import AuditEvent
from portal.auth import tokens
from tests import factories

ADDRESS = "192.0.2.44"


@pytest.fixture
def world(app):
    """The INE with its admin ``jefa``; ``ana``, a user of no entity; ``root``, a sysadmin; an
    API token for jefa and root. The log starts empty."""
    with app.app_context():
        factories.entity("ine")
        jefa = factories.user("jefa", member_of="ine", role="admin")
        factories.user("ana")
        root = factories.user("root", sysadmin=True)
        raw = {"jefa": tokens.create_token(jefa, jefa)[1],
               "root": tokens.create_token(root, root)[1]}
        db.session.execute(AuditEvent.__table__.delete())
        db.session.commit()
    return raw


def _events(app) -> list[dict[str, str]]:
    with app.app_context():
        return [{"actor": e.actor, "action": e.action, "target": e.target, "ip": e.ip,
                 "outcome": e.outcome, "detail": e.detail}
                for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _api(client, raw, action, **data):
    response = client.post(f"/api/3/action/{action}", json=data, headers={"Authorization": raw},
                           environ_base={"REMOTE_ADDR": ADDRESS})
    return response


def _login(client, name, password="secreto-123"):
    return client.post("/user/login", data={"username": name, "password": password},
                       environ_base={"REMOTE_ADDR": ADDRESS})


def test_logins_are_logged_failed_and_successful(app, client, world):
    assert _login(client, "nadie").status_code == 401
    assert _login(client, "ana", "mala").status_code == 401
    assert _login(client, "ana").status_code == 302
    assert _events(app) == [
        {"actor": "nadie", "action": "login", "target": "user:nadie", "ip": ADDRESS,
         "outcome": "failure", "detail": "unknown account"},
        {"actor": "ana", "action": "login", "target": "user:ana", "ip": ADDRESS,
         "outcome": "failure", "detail": "wrong password"},
        {"actor": "ana", "action": "login", "target": "user:ana", "ip": ADDRESS,
         "outcome": "success", "detail": ""},
    ]


def test_token_creation_and_revocation_are_logged(app, client, world):
    created = _api(client, world["jefa"], "api_token_create", user="jefa", name="cosecha")
    raw = created.get_json()["result"]["token"]
    with app.app_context():
        token_id = tokens.find_by_secret(raw).id
    assert _api(client, world["jefa"], "api_token_revoke", token=raw).status_code == 200
    assert _events(app) == [
        {"actor": "jefa", "action": "token.create", "target": f"user:jefa token:{token_id}",
         "ip": ADDRESS, "outcome": "success", "detail": "cosecha"},
        {"actor": "jefa", "action": "token.revoke", "target": f"user:jefa token:{token_id}",
         "ip": ADDRESS, "outcome": "success", "detail": "cosecha"},
    ]


def test_tokens_made_on_the_command_line_are_logged_without_address(app, runner, world):
    assert runner.invoke(args=["token", "create", "ana", "--name", "cron"]).exit_code == 0
    [event] = _events(app)
    assert event["actor"] == "system" and event["action"] == "token.create"
    assert event["ip"] == "" and event["target"].startswith("user:ana token:")


def test_role_and_membership_changes_are_logged(app, client, world):
    for role in ("editor", "admin"):
        response = _api(client, world["jefa"], "organization_member_create", id="ine",
                        username="ana", role=role)
        assert response.status_code == 200
    assert _api(client, world["jefa"], "organization_member_delete", id="ine",
                username="ana").status_code == 200
    target = "organization:ine user:ana"
    assert [(e["actor"], e["action"], e["target"], e["detail"]) for e in _events(app)] == [
        ("jefa", "membership.set", target, "role: - -> editor"),
        ("jefa", "membership.set", target, "role: editor -> admin"),
        ("jefa", "membership.remove", target, "role: admin -> -"),
    ]


def test_sysadmin_accounts_are_logged(app, client, world):
    response = _api(client, world["root"], "user_create", name="nueva", email="n@example.org",
                    password="secreto-123", sysadmin=True)
    assert response.status_code == 200
    assert _events(app) == [{"actor": "root", "action": "user.create", "target": "user:nueva",
                             "ip": ADDRESS, "outcome": "success", "detail": "sysadmin"}]


def test_refused_changes_leave_no_entry(app, client, world):
    bad_role = _api(client, world["jefa"], "organization_member_create", id="ine",
                    username="ana", role="duena")
    assert bad_role.status_code == 409
    stranger = _api(client, world["jefa"], "api_token_create", user="root", name="robado")
    assert stranger.status_code == 403
    assert _events(app) == []


def test_cli_lists_the_log_newest_first_with_filters(app, client, runner, world):
    _login(client, "ana", "mala")
    _login(client, "ana")
    listed = runner.invoke(args=["audit", "list"])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert len(lines) == 2 and "\tsuccess\t" in lines[0] and "\tfailure\t" in lines[1]
    failures = runner.invoke(args=["audit", "list", "--outcome", "failure", "--json"])
    [row] = [json.loads(line) for line in failures.output.splitlines()]
    assert row["actor"] == "ana" and row["detail"] == "wrong password" and row["ip"] == ADDRESS
    assert runner.invoke(args=["audit", "list", "--action", "token.create"]).output == ""


def test_only_sysadmins_read_the_page(app, client, world):
    _login(client, "ana", "mala")
    assert client.get("/ckan-admin/audit").status_code == 302  # to the login page
    assert _login(client, "jefa").status_code == 302
    assert client.get("/ckan-admin/audit").status_code == 403
    assert _login(client, "root").status_code == 302
    page = client.get("/ckan-admin/audit?outcome=failure").get_data(as_text=True)
    assert "Registro de auditoría" in page and "wrong password" in page
    assert ADDRESS in page and "user:jefa" not in page  # jefa's login succeeded: filtered out
    assert client.get("/ckan-admin/audit?page=99999999999999999999").status_code == 404
