"""Fixtures of the stored PIGE tests: the entities and a user for every role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from werkzeug.security import generate_password_hash

from portal.auth import services as auth
from portal.auth.permissions import SYSTEM
from portal.pige import documents
from tests import factories


def _quick_hash(password: str) -> str:
    """A cheap hash: these tests make many accounts and log in with them, never attack them."""
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def world(app, monkeypatch):
    """AGETIC, MPD and MEFP (central) and INE; users: ``officer`` (editor of MPD), ``chief``
    (admin of MPD), ``member`` (member of MPD: not an officer), ``reviewer`` (editor of AGETIC),
    ``outsider`` (editor of MEFP), ``root`` (sysadmin). ``officer`` and ``outsider`` are their
    entities' designated responsibles for e-government."""
    monkeypatch.setattr(auth, "generate_password_hash", _quick_hash)
    with app.app_context():
        factories.entity("agetic", title="AGETIC", kind="agencia")
        factories.entity("mpd", title="Ministerio de Planificación del Desarrollo",
                         kind="ministerio")
        factories.entity("mefp", title="Ministerio de Economía", kind="ministerio")
        factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia")
        factories.entity("gam-la-paz", title="GAM La Paz", kind="gobierno-municipal",
                         level="territorial")
        factories.user("officer", member_of="mpd", role="editor")
        factories.user("chief", member_of="mpd", role="admin")
        factories.user("member", member_of="mpd", role="member")
        factories.user("reviewer", member_of="agetic", role="editor")
        factories.user("outsider", member_of="mefp", role="editor")
        factories.user("root", sysadmin=True)
        # The entities' designated responsibles for e-government (6.1 num. 6).
        documents.designate("mpd", "officer", SYSTEM)
        documents.designate("mefp", "outsider", SYSTEM)
    return SimpleNamespace(users=("officer", "chief", "member", "reviewer", "outsider", "root"))
