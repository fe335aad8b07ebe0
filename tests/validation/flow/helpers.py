"""Data and builders shared by the validation-in-the-flow tests."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

CSV_OK = b"id,nombre,monto\n1,La Paz,10.5\n2,Oruro,3\n"
CSV_BAD = b"id,nombre,monto\n1,La Paz,10.5\n2,Oruro,tres\n"
SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "nombre", "type": "string"},
                     {"name": "monto", "type": "number"}]}


def zip_of(folder: Path, *, prefix: str = "") -> bytes:
    """The files of ``folder`` as a zip (under ``prefix/`` when given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{prefix}{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def write_package(folder: Path, *, rows: bytes = CSV_OK, **descriptor) -> Path:
    """A small package with metadata: ``datapackage.json`` and ``data/montos.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "montos.csv").write_bytes(rows)
    described = {
        "name": "montos-municipales",
        "title": "Montos municipales",
        "description": "Montos por municipio.",
        "version": "1.2",
        "keywords": ["montos", "municipios"],
        "licenses": [{"name": "CC-BY-4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "contributors": [{"title": "Unidad de Datos", "email": "datos@ine.gob.bo",
                          "roles": ["contact"]}],
        "resources": [{"name": "montos", "path": "data/montos.csv", "format": "csv",
                       "mediatype": "text/csv", "schema": SCHEMA}],
        **descriptor,
    }
    (folder / "datapackage.json").write_text(json.dumps(described), "utf-8")
    return folder
