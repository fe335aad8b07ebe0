"""docs/pige.md is tested: every state, action, role and refusal code must be documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.pige.frame import default_frame

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "pige.md").read_text(encoding="utf-8")


def _codes(module: str, error: str) -> set[str]:
    source = (ROOT / "portal" / "pige" / f"{module}.py").read_text(encoding="utf-8")
    codes = set(re.findall(error + r'\(\s*"([a-z_]+)"', source))
    codes |= set(re.findall(r'code="([a-z_]+)"', source))
    return codes


def test_states_actions_and_roles_are_documented():
    proc = default_frame().procedure
    names = ([s.id for s in proc.states] + [t.action for t in proc.transitions]
             + list(proc.role_ids) + [k.id for k in proc.plan_kinds])
    assert [n for n in names if f"`{n}`" not in DOC] == []


@pytest.mark.parametrize(("module", "error"), [
    ("procedure", "TransitionError"), ("progress", "ProgressError")])
def test_refusal_codes_are_documented(module, error):
    codes = _codes(module, error)
    assert len(codes) > 5
    assert sorted(c for c in codes if f"`{c}`" not in DOC) == []


def test_frame_problem_codes_are_documented():
    source = (ROOT / "portal" / "pige" / "frame.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'problem\(\s*"([a-z-]+)"', source))
    assert len(codes) > 20
    assert sorted(c for c in codes if f"`{c}`" not in DOC) == []
