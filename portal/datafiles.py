"""Where the data folders the portal reads at run time are: ``standards/``, ``schemas/`` and
``static/``.

In the source tree they sit at the top level, beside ``portal/`` (where the developers keep
them). A wheel carries them inside the package, as ``portal/_data/<name>`` (``setup.py`` maps
them there), so an installed portal reads nothing from a clone. The copy inside the package wins
when it exists; a clone or an editable install has none and reads the top-level folders.

The translations (``portal/translations``), templates and migrations are inside the package in
both layouts and need no lookup. Imports nothing: any module may use it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Where the wheel puts the top-level folders (``setup.py``, ``DATA_FOLDERS``).
SHIPPED_DIR = PACKAGE_DIR / "_data"
SOURCE_DIR = PACKAGE_DIR.parent


def folder(name: str) -> Path:
    """The folder ``name`` (``standards``, ``schemas`` or ``static``): the installed copy, or
    the source tree's."""
    shipped = SHIPPED_DIR / name
    return shipped if shipped.is_dir() else SOURCE_DIR / name


STANDARDS_DIR = folder("standards")
SCHEMAS_DIR = folder("schemas")
STATIC_DIR = folder("static")
