"""Rate limits on failed logins and on API token creation: refused after N, not before."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import create_app, db
from portal.api.openapi import document
from portal.auth import tokens
from portal.auth.tokens import ApiToken
from tests import factories


def _settings(app, **extra):
    return {"PORTAL_DATABASE_URL": app.config["PORTAL_DATABASE_URL"],
            "PORTAL_INSTANCE_PATH": app.instance_path, "PORTAL_SECRET_KEY": "test",
            "TESTING": True, "WTF_CSRF_ENABLED": False, **extra}


@pytest.fixture
def users(app):
    with app.app_context():
        factories.user("ana")
        factories.user("beto")


def _login(client, name="ana", password="secreto-123", address="192.0.2.1"):
    return client.post("/user/login", data={"username": name, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_login_is_refused_after_five_failures_not_before(client, users):
    for _attempt in range(5):
        assert _login(client, password="mala").status_code == 401
    refused = _login(client, password="mala")
    assert refused.status_code == 429
    assert "Demasiados intentos. Vuelva a intentarlo en 1 minuto(s)." in refused.get_data(
        as_text=True)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _login(client).status_code == 429  # the right password waits too


def test_failures_count_per_address_and_per_account(client, users):
    for attempt in range(5):
        assert _login(client, password="mala", address=f"192.0.2.{attempt}").status_code == 401
    # ana's account is locked for the minute from any address; beto's is not
    assert _login(client, address="198.51.100.9").status_code == 429
    assert _login(client, "beto", address="192.0.2.1").status_code == 302


def test_successful_logins_cost_nothing(client, users):
    for _attempt in range(12):
        assert _login(client).status_code == 302
    assert _login(client, password="mala").status_code == 401


def test_the_limit_is_a_setting(app, users):
    strict = create_app(_settings(app, PORTAL_RATELIMIT_LOGIN="2 per hour"))
    client = strict.test_client()
    assert [_login(client, password="mala").status_code for _ in range(3)] == [401, 401, 429]
    refused = _login(client)
    assert refused.status_code == 429 and "60 minuto(s)" in refused.get_data(as_text=True)
    strict.extensions["db_engine"].dispose()


def test_a_wrong_limit_stops_the_start_naming_the_setting(app):
    with pytest.raises(ValueError, match="PORTAL_RATELIMIT_TOKEN_CREATE"):
        create_app(_settings(app, PORTAL_RATELIMIT_TOKEN_CREATE="muchos"))


def test_each_app_counts_on_its_own(app, client, users):
    for _attempt in range(6):
        _login(client, password="mala")
    assert _login(client).status_code == 429
    fresh = create_app(_settings(app))
    assert _login(fresh.test_client()).status_code == 302
    fresh.extensions["db_engine"].dispose()


@pytest.mark.parametrize(("proxies", "second_client"), [(0, 429), (1, 302)])
def test_forwarded_addresses_count_only_behind_a_declared_proxy(app, users, proxies,
                                                                second_client):
    proxied = create_app(_settings(app, PORTAL_RATELIMIT_LOGIN="1 per minute",
                                   PORTAL_TRUSTED_PROXIES=proxies))
    client = proxied.test_client()

    def login(name, password, forwarded):
        return client.post("/user/login", data={"username": name, "password": password},
                           headers={"X-Forwarded-For": forwarded})

    assert login("ana", "mala", "203.0.113.1").status_code == 401
    assert login("beto", "secreto-123", "203.0.113.2").status_code == second_client
    proxied.extensions["db_engine"].dispose()


@pytest.fixture
def token_of(app):
    def _token(name):
        with app.app_context():
            user = factories.user(name)
            return tokens.create_token(user, user)[1]

    return _token


def _create_token(client, raw, user):
    return client.post("/api/3/action/api_token_create", headers={"Authorization": raw},
                       json={"user": user, "name": "script"})


def test_api_token_creation_is_refused_after_ten_an_hour(app, client, token_of):
    raw = token_of("ana")
    for _created in range(10):
        assert _create_token(client, raw, "ana").status_code == 200
    refused = _create_token(client, raw, "ana")
    body = refused.get_json()
    assert refused.status_code == 429 and body["success"] is False
    assert body["error"]["__type"] == "Rate Limit Error"
    assert body["error"]["message"].startswith("Demasiados intentos. Vuelva a intentarlo en")
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert _create_token(client, token_of("beto"), "beto").status_code == 200
    with app.app_context():
        made = db.session.scalar(select(func.count()).select_from(ApiToken))
    assert made == 1 + 10 + 1 + 1  # the refused one made nothing


def test_the_command_line_is_not_limited(app, runner):
    with app.app_context():
        factories.user("ana")
    for _created in range(12):
        result = runner.invoke(args=["token", "create", "ana"])
        assert result.exit_code == 0 and result.output.startswith("dab_")


def test_openapi_declares_the_429(app):
    with app.test_request_context():
        operation = document()["paths"]["/api/3/action/api_token_create"]["post"]
    assert operation["responses"]["429"] == {"$ref": "#/components/responses/RateLimited"}
