"""Loading of the versioned data files kept in ``standards/`` and ``schemas/``.

Imports no domain code. Files are read once and cached: they change only with a new release.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from portal.datafiles import SCHEMAS_DIR, STANDARDS_DIR

__all__ = ["SCHEMAS_DIR", "STANDARDS_DIR", "load_standard"]


@cache
def load_standard(relative: str) -> Any:
    """Parsed JSON of ``standards/<relative>``."""
    with (STANDARDS_DIR / relative).open(encoding="utf-8") as fh:
        return json.load(fh)
