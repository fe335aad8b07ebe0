"""The registry of Table Schemas kept in ``schemas/`` and the resolution of schema references.

A schema reference is what a resource or a user gives: an inline dict, a URL, a path to a JSON
file, or the name of a schema of the registry (``ejecucion-presupuestaria`` is
``schemas/ejecucion-presupuestaria.json``). Problems raise ``SchemaReferenceError`` with a
message meant for the user; the validators turn it into a ``schema-error``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import requests
from flask_babel import lazy_gettext as _l

REGISTRY_DIR = Path(__file__).resolve().parents[2] / "schemas"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FETCH_TIMEOUT_S = 30
MAX_SCHEMA_BYTES = 5 * 1024 * 1024


class SchemaReferenceError(Exception):
    """A schema reference that cannot be turned into a schema descriptor."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


def list_schemas(directory: Path | None = None) -> list[dict[str, str]]:
    """Name, title and description of every schema of the registry, sorted by name."""
    found = []
    for path in sorted((directory or REGISTRY_DIR).glob("*.json")):
        descriptor = _read_json_file(path)
        found.append({
            "name": path.stem,
            "title": descriptor.get("title", path.stem),
            "description": descriptor.get("description", ""),
        })
    return found


def load_schema(name: str, directory: Path | None = None) -> dict[str, Any]:
    """The descriptor of the registry schema called ``name``."""
    if not NAME_RE.match(name):
        raise SchemaReferenceError(_l("«%(name)s» no es un nombre de esquema válido.", name=name))
    path = (directory or REGISTRY_DIR) / f"{name}.json"
    if not path.is_file():
        raise SchemaReferenceError(
            _l("No existe el esquema «%(name)s» en el registro de esquemas.", name=name))
    return _read_json_file(path)


def resolve_schema(reference: Any, directory: Path | None = None) -> dict[str, Any]:
    """Turn a schema reference (dict, URL, JSON file path or registry name) into a descriptor."""
    if isinstance(reference, dict):
        return reference
    if isinstance(reference, Path):
        return _read_json_file(reference)
    if not isinstance(reference, str) or not reference.strip():
        raise SchemaReferenceError(_l("La referencia al esquema está vacía o no es texto."))
    reference = reference.strip()
    if reference.startswith(("http://", "https://")):
        return _fetch_json(reference)
    if NAME_RE.match(reference) and not Path(reference).suffix:
        return load_schema(reference, directory)
    path = Path(reference)
    if path.is_file():
        return _read_json_file(path)
    raise SchemaReferenceError(
        _l("No se encontró el esquema «%(ref)s» (ni archivo, ni URL, ni nombre del registro).",
           ref=reference))


def _read_json_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaReferenceError(
            _l("No se pudo leer el esquema %(path)s: %(error)s", path=str(path), error=exc)
        ) from exc
    return _parse(text, str(path))


def _fetch_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_S)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise SchemaReferenceError(
            _l("No se pudo descargar el esquema %(url)s: %(error)s", url=url, error=exc)
        ) from exc
    if len(response.content) > MAX_SCHEMA_BYTES:
        raise SchemaReferenceError(_l("El esquema %(url)s es demasiado grande.", url=url))
    return _parse(response.text, url)


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaReferenceError(
            _l("El esquema %(where)s no es JSON válido: %(error)s", where=where, error=exc)
        ) from exc
    if not isinstance(descriptor, dict):
        raise SchemaReferenceError(
            _l("El esquema %(where)s debe ser un objeto JSON.", where=where))
    return descriptor
