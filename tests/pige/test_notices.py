"""E-mail notices through a local SMTP server: a step that waits on its party, one due within 5
business days, one overdue (6.1 num. 4: AGETIC's "treinta (30) días hábiles"; num. 5: the
entity's "quince (15) días hábiles"), each sent once, to the party that must act."""

from __future__ import annotations

import smtplib

import pytest

from portal import db
from portal.pige import notices
from portal.pige.models import Notice
from tests.pige.builders import D, advance, draft
from tests.pige.smtp_server import SMTPServer


@pytest.fixture
def smtp(app):
    with SMTPServer() as server:
        app.config["PORTAL_SMTP_URL"] = server.url
        app.config["PORTAL_MAIL_FROM"] = "pige@portal.example"
        yield server


def _sent(server):
    return [(sorted(to), mail["Subject"], mail.get_content()) for to, mail in server.messages]


def test_agetic_is_told_when_a_plan_waits_on_it_is_due_and_is_overdue(app, smtp, world):
    with app.app_context():
        advance(draft(), "registrar")  # 10 February: AGETIC's review is due 26 March
        counts = notices.send_due(D(2026, 3, 20))  # 4 business days left
        assert counts["waiting"] == 1 and counts["due_soon"] == 1
        assert notices.send_due(D(2026, 3, 20))["due_soon"] == 0  # sent once
        assert notices.send_due(D(2026, 3, 27))["overdue"] == 1
    sent = _sent(smtp)
    assert [to for to, _s, _b in sent] == [["reviewer@example.org"]] * 3
    subjects = [s for _to, s, _b in sent]
    assert "espera su acción" in subjects[0] and "vence el 2026-03-26" in subjects[1]
    assert "venció el plazo" in subjects[2]
    assert "30 días hábiles" in sent[1][2] and "Retraso: 1 días hábiles" in sent[2][2]
    assert "/pige/plan/mpd/v1" in sent[0][2]


def test_the_entity_is_told_through_its_designated_responsible(app, smtp, world):
    with app.app_context():
        advance(draft(), "observar")  # observed 20 March: the entity's 15 business days
        notices.send_due(D(2026, 3, 23))
    assert [to for to, _s, _b in _sent(smtp)] == [["officer@example.org"]]


def test_a_refused_mail_is_tried_again(app, smtp, world):
    smtp.refuse = True
    with app.app_context():
        advance(draft(), "registrar")
        with pytest.raises(smtplib.SMTPDataError, match="refused"):
            notices.send_due(D(2026, 2, 11))
        assert db.session.query(Notice).count() == 0
        smtp.refuse = False
        assert notices.send_due(D(2026, 2, 11))["waiting"] == 1
        assert db.session.query(Notice).count() == 1


def test_no_mail_without_a_server(app, world):
    app.config["PORTAL_SMTP_URL"] = None
    with app.app_context():
        advance(draft(), "registrar")
        assert notices.send_due(D(2026, 3, 27)) == {"waiting": 0, "due_soon": 0,
                                                    "overdue": 0, "skipped": 0}


def test_the_notices_command(app, runner, smtp, world):
    with app.app_context():
        advance(draft(), "registrar")
    result = runner.invoke(args=["pige", "notices", "--date", "2026-03-27"])
    assert result.exit_code == 0, result.output
    assert "waiting 1" in result.output and "overdue 1" in result.output
    assert len(smtp.messages) == 2
