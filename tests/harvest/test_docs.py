"""docs/harvest.md names every harvest setting, API action, command and backend option."""

from __future__ import annotations

from pathlib import Path

from portal.config import SETTINGS
from portal.harvest import api, registry
from portal.harvest.base import Harvester

DOC = (Path(__file__).resolve().parents[2] / "docs" / "harvest.md").read_text()


def test_settings_actions_and_backends_are_documented():
    names = [s.name for s in SETTINGS if s.name.startswith("PORTAL_HARVEST_")]
    assert len(names) == 5
    actions = [name for name in dir(api) if name.startswith("harvest_")]
    assert len(actions) == 5
    options = set(Harvester.common_defaults())
    for backend in registry.BUILTIN:
        options |= set(registry.get(backend).defaults)
    missing = [n for n in [*names, *actions, *registry.BUILTIN, *options] if f"`{n}`" not in DOC]
    assert missing == []
