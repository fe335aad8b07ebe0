"""Fixtures of the hardening tests."""

from __future__ import annotations

from functools import partial

import pytest
from werkzeug.security import generate_password_hash


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Passwords are not under test here: hash them in microseconds, not scrypt's 0.4 s."""
    from portal.auth import services

    monkeypatch.setattr(services, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))
