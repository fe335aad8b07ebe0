"""Password change (current password required) and password reset by e-mail: a signed link on
the site's own URL, mailed through the job queue to a local SMTP server, expiring and single-use;
the same answer whether the account exists or not; rate limited."""

from __future__ import annotations

import re
import time

from itsdangerous import TimestampSigner

from portal.audit.models import AuditEvent
from portal.auth import accounts
from tests.auth.conftest import login

NEW = "otra-clave-456"


def _reset_link(inbox, address: str) -> str:
    [message] = inbox.to(address)
    assert message["Subject"] == "Restablecer su contraseña"
    link = re.search(r"https?://\S+/user/reset/\S+", inbox.body(message)).group(0)
    return link


def test_changing_the_password_needs_the_current_one(client, world):
    login(client, "editor1")
    wrong = client.post("/user/password", data={
        "current_password": "no-es", "new_password": NEW, "confirm_password": NEW})
    assert wrong.status_code == 400
    html = wrong.get_data(as_text=True)
    assert 'id="error-current_password"' in html and "La contraseña actual no es correcta" in html

    short = client.post("/user/password", data={
        "current_password": "secreto-123", "new_password": "corta", "confirm_password": "corta"})
    assert short.status_code == 400 and 'id="error-new_password"' in short.get_data(as_text=True)
    mismatch = client.post("/user/password", data={
        "current_password": "secreto-123", "new_password": NEW, "confirm_password": NEW + "x"})
    assert 'id="error-confirm_password"' in mismatch.get_data(as_text=True)

    done = client.post("/user/password", data={
        "current_password": "secreto-123", "new_password": NEW, "confirm_password": NEW})
    assert done.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session goes on
    client.post("/user/logout")
    assert login(client, "editor1").status_code == 401
    assert login(client, "editor1", NEW).status_code == 302


def test_a_password_change_ends_the_other_sessions(app, world):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "editor1")
    login(phone, "editor1", remember=True)
    assert phone.get("/dashboard").status_code == 200
    laptop.post("/user/password", data={
        "current_password": "secreto-123", "new_password": NEW, "confirm_password": NEW})
    assert laptop.get("/dashboard").status_code == 200
    gone = phone.get("/dashboard")
    assert gone.status_code == 302 and "/user/login" in gone.headers["Location"]
    # Its "remember me" cookie does not bring the session back either.
    phone.delete_cookie("session")
    assert phone.get("/dashboard").status_code == 302


def test_reset_by_name_or_address_sends_a_single_use_link(app, client, world, smtp):
    other = app.test_client()
    login(other, "editor1")
    page = client.get("/user/login").get_data(as_text=True)
    assert "/user/reset" in page  # "¿Olvidó su contraseña?"

    response = client.post("/user/reset", data={"identifier": "EDITOR1@example.org"})
    assert response.status_code == 302
    link = _reset_link(smtp, "editor1@example.org")
    assert link.startswith(app.config["PORTAL_SITE_URL"])
    path = link[len(app.config["PORTAL_SITE_URL"]):]

    assert client.get(path).status_code == 200
    mismatch = client.post(path, data={"password": NEW, "confirm_password": "otra"})
    assert mismatch.status_code == 400
    done = client.post(path, data={"password": NEW, "confirm_password": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/user/login")
    assert login(client, "editor1", NEW).status_code == 302
    assert other.get("/dashboard").status_code == 302  # the other session ended

    # Used once: the link no longer works.
    client.post("/user/logout")
    again = client.get(path)
    assert again.status_code == 302 and again.headers["Location"].endswith("/user/reset")
    assert client.post(path, data={"password": "tercera-789",
                                   "confirm_password": "tercera-789"}).status_code == 302
    assert login(client, "editor1", "tercera-789").status_code == 401


def test_the_link_is_built_on_the_site_url_not_the_host_header(app, client, world, smtp):
    client.post("/user/reset", data={"identifier": "editor1"},
                headers={"Host": "atacante.example"})
    link = _reset_link(smtp, "editor1@example.org")
    assert "atacante.example" not in link
    assert link.startswith(app.config["PORTAL_SITE_URL"])


def test_an_expired_or_forged_link_is_refused(app, client, world, monkeypatch):
    with app.test_request_context():
        user = accounts.find_for_reset("editor1")
        made_at = int(time.time()) - (accounts.RESET_HOURS * 3600 + 60)
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: made_at)
        token = accounts._serializer("reset").dumps(
            {"u": user.id, "p": user.password_fingerprint})
        monkeypatch.undo()
    response = client.get(f"/user/reset/{token}", follow_redirects=True)
    assert "El enlace expiró" in response.get_data(as_text=True)
    forged = client.get(f"/user/reset/{token[:-2]}xx", follow_redirects=True)
    assert "no es válido" in forged.get_data(as_text=True)


def test_unknown_and_disabled_accounts_get_the_same_answer_and_no_mail(app, client, world,
                                                                      smtp):
    answers = []
    for identifier in ("editor1", "nadie", "nadie@example.org"):
        response = client.post("/user/reset", data={"identifier": identifier},
                               follow_redirects=True)
        answers.append((response.status_code,
                         re.search(r'<p class="flash[^>]*>([^<]*)<', response.get_data(
                             as_text=True)).group(1)))
    assert len(set(answers)) == 1 and "Si existe una cuenta" in answers[0][1]
    assert [rcpt for rcpt, _m in smtp.messages] == [["editor1@example.org"]]
    with app.app_context():
        from portal import db

        outcomes = [e.outcome for e in db.session.query(AuditEvent).filter_by(
            action="user.reset").order_by(AuditEvent.id)]
    assert outcomes == ["success", "failure", "failure"]


def test_reset_requests_are_rate_limited(app, client, world, smtp):
    app.config["PORTAL_RATELIMIT_PASSWORD_RESET"] = "3 per hour"
    app.extensions.pop("portal_limit_rules", None)
    for _ in range(3):
        assert client.post("/user/reset", data={"identifier": "nadie"}).status_code == 302
    refused = client.post("/user/reset", data={"identifier": "editor1"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Demasiados intentos" in refused.get_data(as_text=True)
    assert smtp.messages == []
