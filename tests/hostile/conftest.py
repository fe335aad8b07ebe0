"""Hostile-input fixtures: ``hostile`` is a running ``HostileServer`` (see its docstring)."""

from __future__ import annotations

import pytest

from tests.hostile.server import HostileServer


@pytest.fixture
def hostile():
    with HostileServer() as server:
        yield server
