"""Fixtures of the account tests: a local SMTP server (aiosmtpd on 127.0.0.1) and logging in."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from werkzeug.security import generate_password_hash

from portal.auth import accounts
from portal.auth import services as auth
from tests import factories


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, _server, _session, envelope):  # aiosmtpd calls it by name
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    def body(self, message) -> str:
        return message.get_body().get_content()


@pytest.fixture
def smtp(app):
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's readiness check cannot use 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["PORTAL_SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


def _quick_hash(password: str) -> str:
    """A cheap hash: these tests make accounts and log in with them, never attack them."""
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def world(app, monkeypatch):
    """An entity with an admin, an editor and a member; a sysadmin; an outsider (no entity).
    Made in an app context of its own: requests must not share one (flask-login keeps the
    user in ``g``)."""
    monkeypatch.setattr(auth, "generate_password_hash", _quick_hash)
    monkeypatch.setattr(accounts, "generate_password_hash", _quick_hash)
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.user("admin1", member_of="ine", role="admin")
        factories.user("editor1", member_of="ine", role="editor")
        factories.user("member1", member_of="ine", role="member")
        factories.user("root", sysadmin=True)
        factories.user("outsider")


def login(client, name: str, password: str = "secreto-123", remember: bool = False):
    data = {"username": name, "password": password}
    if remember:
        data["remember"] = "1"
    return client.post("/user/login", data=data)
