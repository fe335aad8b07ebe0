"""Users, API tokens (stored hashed, shown once, revocable, expiring) and the token CLI."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import db
from portal.auth import tokens
from portal.auth.tokens import ApiToken
from portal.db import utcnow
from tests.api.conftest import count, failed, ok


def test_user_show_hides_the_email_from_others(api, world):
    shown = ok(api("user_show", {"id": "editora"}))
    assert shown["name"] == "editora" and shown["email"] is None and "password" not in shown
    assert ok(api("user_show", {"id": "editora"}, token=world.tokens["editor"]))["email"] \
        == "editora@example.org"
    assert ok(api("user_show", {"id": "editora"}, token=world.tokens["sysadmin"]))["email"]


def test_user_show_counts_and_lists_created_datasets(api, world):
    ok(api("package_create", {"name": "de-editora", "owner_org": "ine",
                              "license_id": "CC-BY-4.0"}, token=world.tokens["editor"]))
    shown = ok(api("user_show", {"id": "editora", "include_datasets": True}))
    assert shown["number_created_packages"] == 1
    assert [d["name"] for d in shown["datasets"]] == ["de-editora"]


def test_user_create(api, world):
    created = ok(api("user_create", {"name": "nuevo", "email": "nuevo@example.org",
                                     "password": "secreto-123"}, token=world.tokens["sysadmin"]))
    assert created["name"] == "nuevo" and created["sysadmin"] is False
    error = failed(api("user_create", {"name": "otro", "email": "otro@example.org",
                                       "password": "corta"}, token=world.tokens["sysadmin"]),
                   409, "Validation Error")
    assert "8" in error["password"][0]


def test_token_is_shown_once_and_stored_hashed(app, api, world):
    token = ok(api("api_token_create", {"user": "editora", "name": "script"},
                   token=world.tokens["editor"]))["token"]
    listed = ok(api("api_token_list", {"user_id": "editora"}, token=world.tokens["editor"]))
    assert {t["name"] for t in listed} == {"test", "script"}
    assert all("token" not in t for t in listed)
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.digest)).all()
    assert token not in stored and tokens.digest(token) in stored
    assert ok(api("user_show", {"id": "editora"}, token=token))["email"]


def test_revoked_token_is_refused_with_a_message(api, world):
    token = ok(api("api_token_create", {"user": "editora", "name": "temporal"},
                   token=world.tokens["editor"]))["token"]
    assert ok(api("api_token_revoke", {"token": token}, token=world.tokens["editor"])) is None
    error = failed(api("package_show", {"id": world.public}, token=token), 403,
                   "Authorization Error")
    assert "revocado" in error["message"]
    listed = ok(api("api_token_list", token=world.tokens["editor"]))
    assert [t["name"] for t in listed] == ["test"]


def test_revoke_by_id(api, world):
    listed = ok(api("api_token_list", token=world.tokens["editor"]))
    ok(api("api_token_revoke", {"jti": listed[0]["id"]}, token=world.tokens["sysadmin"]))
    failed(api("package_show", {"id": world.public}, token=world.tokens["editor"]), 403,
           "Authorization Error")


def test_expired_and_wrong_tokens_are_refused(app, api, world):
    token = ok(api("api_token_create", {"user": "editora", "name": "corto", "expires_in": 1,
                                        "unit": 60}, token=world.tokens["editor"]))["token"]
    assert ok(api("api_token_list", token=token))
    with app.app_context():
        row = tokens.find_by_secret(token)
        assert row.expires - utcnow() <= timedelta(minutes=1)
        row.expires = utcnow() - timedelta(seconds=1)
        db.session.commit()
    error = failed(api("package_show", {"id": world.public}, token=token), 403,
                   "Authorization Error")
    assert "expiró" in error["message"]
    error = failed(api("package_show", {"id": world.public}, token="dab_inventado"), 403,
                   "Authorization Error")
    assert "no es válido" in error["message"]


def test_last_used_is_recorded(app, api, world):
    with app.app_context():
        assert tokens.find_by_secret(world.tokens["member"]).last_used is None
    ok(api("package_show", {"id": world.private}, token=world.tokens["member"]))
    with app.app_context():
        assert tokens.find_by_secret(world.tokens["member"]).last_used is not None


def test_tokens_of_others_are_out_of_reach(app, api, world):
    before = count(app, ApiToken)
    failed(api("api_token_create", {"user": "jefa", "name": "robado"},
               token=world.tokens["editor"]), 403, "Authorization Error")
    failed(api("api_token_list", {"user_id": "jefa"}, token=world.tokens["editor"]), 403,
           "Authorization Error")
    failed(api("api_token_revoke", {"token": world.tokens["admin"]},
               token=world.tokens["editor"]), 403, "Authorization Error")
    failed(api("api_token_list"), 403, "Authorization Error")
    assert count(app, ApiToken) == before
    ok(api("api_token_list", {"user_id": "jefa"}, token=world.tokens["admin"]))


@pytest.mark.parametrize("data", [{"user": "editora", "name": "x", "expires_in": 0},
                                  {"user": "editora", "name": "x", "expires_in": "mucho"},
                                  {"user": "editora"}])
def test_bad_token_requests(app, api, world, data):
    before = count(app, ApiToken)
    failed(api("api_token_create", data, token=world.tokens["editor"]), 409, "Validation Error")
    assert count(app, ApiToken) == before


def test_token_cli_prints_a_working_token(app, runner, api, world):
    result = runner.invoke(args=["token", "create", "editora", "--name", "cron",
                                 "--expires-in-days", "30"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("dab_")
    assert ok(api("user_show", {"id": "editora"}, token=token))["email"]
    listed = runner.invoke(args=["token", "list", "editora"])
    assert "cron" in listed.output and "expires 20" in listed.output
    token_id = next(line.split("\t")[0] for line in listed.output.splitlines() if "cron" in line)
    assert runner.invoke(args=["token", "revoke", token_id]).exit_code == 0
    failed(api("user_show", {"id": "editora"}, token=token), 403, "Authorization Error")
    missing = runner.invoke(args=["token", "create", "nadie"])
    assert missing.exit_code != 0 and "nadie" in missing.output


def test_token_logs_in_on_pages_too(client, world):
    """flask-login's request loader: a script may read a private dataset's page with its
    token."""
    page = client.get(f"/dataset/{world.private}",
                      headers={"Authorization": world.tokens["member"]})
    assert page.status_code == 200
    assert client.get(f"/dataset/{world.private}").status_code in (403, 404)
