"""portal.mail: one way to build and send the portal's e-mail, through the job queue."""

from __future__ import annotations

import pytest

from portal import db, mail


def test_a_queued_message_is_sent_by_the_mail_job(app, smtp):
    app.config["PORTAL_MAIL_FROM"] = "datos@portal.example"
    with app.app_context(), db.unit_of_work():
        assert mail.queue(["ana@example.org", ""], "Asunto ñandú", "Cuerpo con tildes: á é.")
    [(rcpt, message)] = smtp.messages
    assert rcpt == ["ana@example.org"]
    assert message["From"] == "datos@portal.example" and message["Subject"] == "Asunto ñandú"
    assert smtp.body(message).strip() == "Cuerpo con tildes: á é."


def test_a_rolled_back_change_sends_nothing(app, smtp):
    with app.app_context(), pytest.raises(RuntimeError), db.unit_of_work():
        mail.queue(["ana@example.org"], "Asunto", "Cuerpo")
        raise RuntimeError("the change fails")
    assert smtp.messages == []


def test_without_a_server_or_a_recipient_nothing_is_queued(app):
    app.config["PORTAL_SMTP_URL"] = None
    with app.app_context():
        assert mail.queue(["ana@example.org"], "Asunto", "Cuerpo") is False
    app.config["PORTAL_SMTP_URL"] = "smtp://127.0.0.1:1"
    with app.app_context():
        assert mail.queue(["", ""], "Asunto", "Cuerpo") is False


def test_an_unknown_scheme_is_named(app):
    app.config["PORTAL_SMTP_URL"] = "http://127.0.0.1:25"
    with app.app_context(), pytest.raises(ValueError, match="PORTAL_SMTP_URL must start"):
        mail.send(mail.build(["ana@example.org"], "Asunto", "Cuerpo"))
