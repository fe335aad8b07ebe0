"""The authorization matrix: every role against every write action and a private dataset.

A refused call answers 403 with CKAN's "Authorization Error" and leaves the database as it was.
"""

import pytest
from sqlalchemy import select

from portal import db
from portal.api import registry
from portal.auth.tokens import ApiToken
from portal.models import metadata
from tests.api.conftest import ROLES, failed, ok

PUBLISHERS = {"editor", "admin", "sysadmin"}
ADMINS = {"admin", "sysadmin"}
SYSADMIN = {"sysadmin"}
SELF = {"editor", "sysadmin"}  # the token requests below act on the editor's account

#: action -> (parameters built from the test world, roles allowed)
MATRIX = {
    "package_create": (lambda w: {"name": "nuevo", "owner_org": "ine",
                                  "license_id": "CC-BY-4.0"}, PUBLISHERS),
    "package_update": (lambda w: {"id": w.public, "name": w.public, "owner_org": "ine",
                                  "license_id": "CC-BY-4.0", "title": "Otro"}, PUBLISHERS),
    "package_patch": (lambda w: {"id": w.public, "title": "Otro"}, PUBLISHERS),
    "package_delete": (lambda w: {"id": w.public}, PUBLISHERS),
    "package_revise": (lambda w: {"match": {"name": w.public}, "update": {"title": "Otro"}},
                       PUBLISHERS),
    "dataset_purge": (lambda w: {"id": w.public}, SYSADMIN),
    "resource_create": (lambda w: {"package_id": w.public, "url": "https://e.org/x.csv"},
                        PUBLISHERS),
    "resource_update": (lambda w: {"id": w.link_id, "url": "https://e.org/y.csv"}, PUBLISHERS),
    "resource_patch": (lambda w: {"id": w.link_id, "name": "Otro"}, PUBLISHERS),
    "resource_delete": (lambda w: {"id": w.link_id}, PUBLISHERS),
    "organization_create": (lambda w: {"name": "nueva"}, SYSADMIN),
    "organization_update": (lambda w: {"id": "ine", "name": "ine", "title": "INE"}, ADMINS),
    "organization_patch": (lambda w: {"id": "ine", "title": "INE"}, ADMINS),
    "organization_member_create": (lambda w: {"id": "ine", "username": "ajeno",
                                              "role": "member"}, ADMINS),
    "organization_member_delete": (lambda w: {"id": "ine", "username": "miembro"}, ADMINS),
    "group_create": (lambda w: {"name": "salud"}, SYSADMIN),
    "user_create": (lambda w: {"name": "nuevo", "email": "nuevo@example.org",
                               "password": "secreto-123"}, SYSADMIN),
    "api_token_create": (lambda w: {"user": "editora", "name": "otro"}, SELF),
    "api_token_revoke": (lambda w: {"token": w.tokens["editor"]}, SELF),
}


def fingerprint(app) -> dict[str, list]:
    """Every row of every table; a token's last use is left out (reading records it)."""
    with app.app_context():
        rows = {}
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns
                       if not (table.name == ApiToken.__tablename__ and c.name == "last_used")]
            rows[table.name] = sorted(map(repr, db.session.execute(select(*columns)).all()))
        return rows


def test_matrix_covers_every_write_action(app):
    """Every write action of the API's own modules; the domains that register actions of their
    own (validation, harvest, PIGE) test their authorization with them."""
    own = {action.name for action in registry.actions()
           if action.write and action.func.__module__.startswith("portal.api.actions.")}
    assert set(MATRIX) == own


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_write_action(app, api, world, name, role):
    build, allowed = MATRIX[name]
    before = fingerprint(app)
    response = api(name, build(world), token=world.tokens[role])
    if role in allowed:
        ok(response)
        assert fingerprint(app) != before
    else:
        error = failed(response, 403, "Authorization Error")
        assert error["message"].startswith("Acceso denegado: ")
        assert fingerprint(app) == before


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_private_dataset(api, world, role):
    response = api("package_show", {"id": world.private}, token=world.tokens[role])
    if role in {"member", "editor", "admin", "sysadmin"}:
        assert ok(response)["private"] is True
    else:
        assert "privado" in failed(response, 403, "Authorization Error")["message"]
    names = {d["name"] for d in ok(api("current_package_list_with_resources",
                                       token=world.tokens[role]))}
    assert (world.private in names) == (role in {"member", "editor", "admin", "sysadmin"})


def test_editor_cannot_move_a_dataset_to_another_entity(app, api, world):
    before = fingerprint(app)
    error = failed(api("package_patch", {"id": world.public, "owner_org": "mefp"},
                       token=world.tokens["editor"]), 403, "Authorization Error")
    assert "Ministerio de Economía" in error["message"]
    assert fingerprint(app) == before


def test_session_writes_need_the_csrf_token(app, client, api, world):
    response = client.post("/user/login", data={"username": "editora",
                                                "password": "secreto-123"})
    assert response.status_code == 302
    assert ok(api("package_show", {"id": world.private}))["private"] is True  # the session
    app.config["WTF_CSRF_ENABLED"] = True
    before = fingerprint(app)
    error = failed(api("package_patch", {"id": world.public, "title": "Otro"}), 403,
                   "Authorization Error")
    assert "X-CSRFToken" in error["message"]
    assert fingerprint(app) == before
    ok(api("package_patch", {"id": world.public, "title": "Otro"},
           token=world.tokens["editor"]))
