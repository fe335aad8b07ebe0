"""Where the tests find the public conformance files (never copied into the project).

Order: ``PORTAL_CONFORMANCE_DIR``, then ``../shared/conformance`` beside the checkout, then
``.conformance/`` filled by ``scripts/fetch_conformance.py`` from the upstream repositories.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def conformance_dir() -> Path | None:
    candidates = [
        os.environ.get("PORTAL_CONFORMANCE_DIR"),
        ROOT.parent / "shared" / "conformance",
        ROOT / ".conformance",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def conformance_file(relative: str) -> Path:
    """Return the path of a conformance file, or skip the test that needs a missing one."""
    base = conformance_dir()
    if base is None or not (base / relative).exists():
        pytest.skip(f"conformance file {relative} is not available "
                    "(see scripts/fetch_conformance.py)")
    return base / relative
