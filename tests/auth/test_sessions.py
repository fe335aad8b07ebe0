"""Login hardening: one answer for unknown account, wrong password and disabled account;
sessions that end when idle, at their absolute lifetime, and when the account is disabled."""

from __future__ import annotations

import re

from portal.auth import sessions
from tests.auth.conftest import login


def _error(response) -> str:
    return re.search(r'<div class="error-summary" role="alert"><p>([^<]*)</p>',
                     response.get_data(as_text=True)).group(1)


def test_login_says_the_same_for_unknown_wrong_and_disabled_accounts(app, client, world):
    root = app.test_client()
    login(root, "root")
    root.post("/user/outsider/state", data={"state": "disabled"})
    answers = {(r.status_code, _error(r)) for r in (
        login(client, "nadie"), login(client, "editor1", "equivocada"),
        login(client, "outsider"))}
    assert answers == {(401, "Usuario o contraseña incorrectos.")}


def _age(client, **seconds_ago: int) -> None:
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = session[key] - ago


def test_an_idle_session_ends(app, client, world):
    app.config["PORTAL_SESSION_IDLE_MINUTES"] = 30
    login(client, "editor1")
    _age(client, **{sessions.SEEN: 29 * 60})
    assert client.get("/dashboard").status_code == 200
    _age(client, **{sessions.SEEN: 31 * 60})
    response = client.get("/dashboard", follow_redirects=True)
    assert "Su sesión expiró" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_a_remembered_session_is_not_idle_but_ends_at_its_lifetime(app, client, world):
    app.config["PORTAL_SESSION_IDLE_MINUTES"] = 30
    app.config["PORTAL_SESSION_MAX_HOURS"] = 24
    login(client, "editor1", remember=True)
    _age(client, **{sessions.SEEN: 5 * 3600, sessions.STARTED: 5 * 3600})
    assert client.get("/dashboard").status_code == 200
    _age(client, **{sessions.STARTED: 20 * 3600})
    assert client.get("/dashboard").status_code == 302
    # Ending the session also dropped the "remember me" cookie: it does not log back in.
    assert client.get("/dashboard").status_code == 302


def test_every_session_ends_at_the_absolute_lifetime(app, client, world):
    app.config["PORTAL_SESSION_MAX_HOURS"] = 8
    login(client, "editor1")
    _age(client, **{sessions.STARTED: 8 * 3600 + 1})
    assert client.get("/dashboard").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, client, world):
    login(client, "editor1")
    root = app.test_client()
    login(root, "root")
    assert root.post("/user/editor1/state", data={"state": "disabled"}).status_code == 302
    assert client.get("/dashboard").status_code == 302
    assert root.post("/user/editor1/state", data={"state": "active"}).status_code == 302
    assert login(client, "editor1").status_code == 302


def test_session_settings_are_checked_at_start(app):
    import pytest

    from portal.app import create_app

    with pytest.raises(ValueError, match="PORTAL_SESSION_MAX_HOURS"):
        create_app({**{k: app.config[k] for k in ("PORTAL_DATABASE_URL",
                                                  "PORTAL_INSTANCE_PATH")},
                    "PORTAL_SECRET_KEY": "x", "PORTAL_SESSION_MAX_HOURS": 0})


def test_a_session_id_with_a_stale_fingerprint_is_refused_a_bare_one_kept(app, client, world):
    with app.app_context():
        from portal.auth.services import get_user

        user_id = get_user("editor1").id
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}.0000000000000000"
    assert client.get("/dashboard").status_code == 302
    with client.session_transaction() as session:  # signed before fingerprints existed
        session["_user_id"] = user_id
    assert client.get("/dashboard").status_code == 200
