"""Loading of the versioned data files kept in ``standards/`` and ``schemas/``.

Imports no domain code. Files are read once and cached: they change only with a new release.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STANDARDS_DIR = ROOT / "standards"
SCHEMAS_DIR = ROOT / "schemas"


@cache
def load_standard(relative: str) -> Any:
    """Parsed JSON of ``standards/<relative>``."""
    with (STANDARDS_DIR / relative).open(encoding="utf-8") as fh:
        return json.load(fh)
