"""A small catalog for the API tests, built through the real services; users with every role
and an API token each; a helper that calls an action through the Flask test client."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from portal import db
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from tests import factories
from tests.loopback import serving

CSV = "año,departamento,casos\n2024,La Paz,10\n2024,Oruro,3\n".encode()
#: Every role of the authorization matrix; "anonymous" has no token.
ROLES = ("anonymous", "member", "editor", "admin", "other_editor", "sysadmin")


def pytest_configure(config):
    config.addinivalue_line("markers", "schemathesis: generated requests against every API "
                                       "operation (tests/api/test_schemathesis.py)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Passwords are not under test here: hash them in microseconds, not scrypt's 0.4 s."""
    from portal.auth import services

    monkeypatch.setattr(services, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture
def world(app):
    """Entities ``ine`` and ``mefp``, a theme, a public dataset with an uploaded CSV and a link,
    a private dataset, and a user per role with a token: ``world.tokens[role]``."""
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia")
        factories.entity("mefp", title="Ministerio de Economía", kind="ministerio")
        factories.theme("economia", title="Economía")
        public = factories.dataset(
            "censo-2024", title="Censo 2024", description="Resultados del censo.",
            keywords=["censo", "población"], themes=["economia"], spatial=["BO", "BO-L"],
            temporal_start="2024-01-01", contact_name="Unidad de Datos",
            landing_page="https://www.ine.gob.bo/censo", version="1.0",
            extras={"fuente": "INE"})
        upload = factories.resource(public, content=CSV, filename="casos.csv", name="Casos")
        link = factories.resource(public, name="Portal", url="https://example.org/censo.xlsx",
                                  format="XLSX")
        private = factories.dataset("registro-interno", title="Registro interno", private=True,
                                    license_id="other-closed")
        factories.user("miembro", member_of="ine", role="member")
        factories.user("editora", member_of="ine", role="editor")
        factories.user("jefa", member_of="ine", role="admin")
        factories.user("ajeno", member_of="mefp", role="editor")
        factories.user("root", sysadmin=True)
        users = {"member": "miembro", "editor": "editora", "admin": "jefa",
                 "other_editor": "ajeno", "sysadmin": "root"}
        issued = {role: tokens.create_token(get_user(name), SYSTEM, name="test")[1]
                  for role, name in users.items()}
        return SimpleNamespace(public=public.name, public_id=public.id, private=private.name,
                               upload_id=upload.id, link_id=link.id, users=users,
                               tokens={"anonymous": None, **issued})


class Api:
    """Calls ``/api/3/action/<name>`` and returns the response with its JSON body."""

    def __init__(self, client):
        self.client = client

    def __call__(self, name: str, data: Any = None, *, token: str | None = None,
                 method: str = "POST", **kwargs):
        headers = {"Authorization": token} if token else {}
        headers.update(kwargs.pop("headers", {}))
        if method == "GET":
            response = self.client.get(f"/api/3/action/{name}", query_string=data or {},
                                       headers=headers)
        elif "content_type" in kwargs or isinstance(data, str | bytes):
            response = self.client.post(f"/api/3/action/{name}", data=data, headers=headers,
                                        **kwargs)
        else:
            response = self.client.post(f"/api/3/action/{name}", json=data or {},
                                        headers=headers)
        response.body = response.get_json()
        return response


@pytest.fixture
def api(client):
    return Api(client)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def ok(response) -> Any:
    assert response.status_code == 200, response.body
    assert response.body["success"] is True
    return response.body["result"]


def failed(response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.body
    assert response.body["success"] is False
    assert response.body["error"]["__type"] == kind
    assert "help_show" in response.body["help"]
    return response.body["error"]


@pytest.fixture
def server(app, world):
    with serving(app) as address:
        yield address


CKANAPI = Path(sys.executable).parent / "ckanapi"


def run_ckanapi(*args: str, stdin: str | None = None, timeout: int = 120):
    """The stock ``ckanapi`` command line; its dump and load start workers named ``ckanapi``,
    found on the PATH."""
    env = {**os.environ, "PATH": f"{CKANAPI.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(CKANAPI), *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, check=False, env=env)
