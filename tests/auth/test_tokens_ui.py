"""API tokens in the web: created (shown once), listed, used with the API, revoked."""

from __future__ import annotations

import re

from tests.auth.conftest import login

ACTION = "/api/3/action/organization_list_for_user?permission=create_dataset"


def _create(client, name: str = "robot-ine", expires_in: str = "30"):
    return client.post("/user/tokens", data={"name": name, "expires_in": expires_in})


def test_a_token_is_shown_once_works_and_stops_working_when_revoked(client, world):
    login(client, "editor1")
    created = _create(client)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    raw = re.search(r'id="new-token" class="token-value" value="(dab_[^"]+)"',
                    created.get_data(as_text=True)).group(1)

    listing = client.get("/user/tokens").get_data(as_text=True)
    assert "robot-ine" in listing and raw not in listing  # never shown again

    api = client.application.test_client()
    answer = api.get(ACTION, headers={"Authorization": raw}).get_json()
    assert answer["success"] is True
    assert [o["name"] for o in answer["result"]] == ["ine"]

    token_id = re.search(r'/user/tokens/([^/]+)/revoke', listing).group(1)
    revoked = client.post(f"/user/tokens/{token_id}/revoke", follow_redirects=True)
    assert "revocado" in revoked.get_data(as_text=True)
    assert "robot-ine" not in client.get("/user/tokens").get_data(as_text=True)
    refused = api.get(ACTION, headers={"Authorization": raw})
    assert refused.status_code == 403 and "revocado" in refused.get_json()["error"]["message"]


def test_a_token_without_expiry_and_bad_lifetimes(client, world):
    login(client, "editor1")
    html = _create(client, "sin fin", "0").get_data(as_text=True)
    assert "sin fin" in html and "Nunca" in html
    for bad in ("7", "-1", "abc", ""):
        response = _create(client, "x", bad)
        assert response.status_code == 400
        assert 'id="error-expires_in"' in response.get_data(as_text=True)
    long_name = _create(client, "x" * 201, "30")
    assert long_name.status_code == 400 and 'id="error-name"' in long_name.get_data(as_text=True)


def test_nobody_revokes_another_users_token(app, client, world):
    login(client, "editor1")
    _create(client)
    token_id = re.search(r'/user/tokens/([^/]+)/revoke',
                         client.get("/user/tokens").get_data(as_text=True)).group(1)
    for name in ("admin1", "outsider"):
        other = app.test_client()
        login(other, name)
        assert other.post(f"/user/tokens/{token_id}/revoke").status_code == 403
        assert "robot-ine" not in other.get("/user/tokens").get_data(as_text=True)
    assert "robot-ine" in client.get("/user/tokens").get_data(as_text=True)
    root = app.test_client()
    login(root, "root")
    assert root.post(f"/user/tokens/{token_id}/revoke").status_code == 302  # a sysadmin may
    assert client.post("/user/tokens/nope/revoke").status_code == 404


def test_token_creation_is_rate_limited(app, client, world):
    app.config["PORTAL_RATELIMIT_TOKEN_CREATE"] = "2 per hour"
    app.extensions.pop("portal_limit_rules", None)
    login(client, "editor1")
    assert _create(client).status_code == 200 and _create(client).status_code == 200
    refused = _create(client)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Demasiados intentos" in refused.get_data(as_text=True)
