"""The registry of Table Schemas kept in ``schemas/`` and the resolution of schema references.

A schema reference is what a resource or a user gives: an inline dict, the name of a schema of
the registry (``ejecucion-presupuestaria`` is ``schemas/ejecucion-presupuestaria.json``) or a
public http(s) URL, read through the guarded fetcher. Anything else, above all a path on the
server (``/proc/self/environ``, ``../instance/secret_key``, ``file://...``), is refused: the
catalog refuses it at input (``reference_problem``) and ``resolve_schema`` again at validation
time, so a row stored before that rule is never read either. Only a ``Path`` object, which the
operator's command line builds (``portal validate-file --schema FILE``), is read from disk.
Problems raise ``SchemaReferenceError`` with a message meant for the user; the validators turn
it into a ``schema-error``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from portal import bounded_json
from portal.datafiles import SCHEMAS_DIR
from portal.outbound import FetchError
from portal.validation import remote

REGISTRY_DIR = SCHEMAS_DIR
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_SCHEMA_BYTES = 5 * 1024 * 1024

#: Other registries, asked before the files: ``resolver(reference)`` gives a descriptor, or
#: ``None`` when the reference is not one of theirs (the app adds the entities' schemas,
#: ``portal.validation.entity_schemas``; the core knows nothing of the database).
RESOLVERS: list[Callable[[str], dict[str, Any] | None]] = []


def _from_resolvers(reference: str) -> dict[str, Any] | None:
    for resolver in RESOLVERS:
        found = resolver(reference)
        if found is not None:
            return found
    return None


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


def is_url(reference: str) -> bool:
    return reference.strip().lower().startswith(("http://", "https://"))


def reference_problem(reference: Any, directory: Path | None = None) -> Any:
    """Why ``reference`` may not be a resource's schema (a message), or ``None`` when it is an
    inline schema, a registered name or an http(s) URL. Nothing is read or fetched."""
    if reference is None or isinstance(reference, dict):
        return None
    if not isinstance(reference, str) or not reference.strip():
        return _l("La referencia al esquema está vacía o no es texto.")
    reference = reference.strip()
    if is_url(reference):
        return None
    if NAME_RE.match(reference) and (directory or REGISTRY_DIR).joinpath(
            f"{reference}.json").is_file():
        return None
    if _from_resolvers(reference) is not None:
        return None
    return _l("«%(ref)s» no es un esquema admitido: indique el nombre de un esquema del "
              "registro, una URL http(s) pública o un Table Schema en JSON.", ref=reference)


def resolve_schema(reference: Any, directory: Path | None = None) -> dict[str, Any]:
    """Turn a schema reference (dict, registry name or http(s) URL) into a descriptor; a
    ``Path`` (from the operator's command line only) is read from disk."""
    if isinstance(reference, dict):
        return reference
    if isinstance(reference, Path):
        return _read_json_file(reference)
    problem = reference_problem(reference, directory)
    if problem is not None:
        raise SchemaReferenceError(problem)
    reference = reference.strip()
    if is_url(reference):
        return _fetch_json(reference)
    return _from_resolvers(reference) or load_schema(reference, directory)


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
        with remote.fetcher(max_bytes=MAX_SCHEMA_BYTES) as fetcher:
            content = fetcher.get(url, accept="application/json").content
    except FetchError as exc:
        raise SchemaReferenceError(
            _l("No se pudo descargar el esquema %(url)s: %(error)s", url=url, error=exc.message)
        ) from None
    try:
        return _parse(content.decode("utf-8"), url)
    except UnicodeDecodeError as exc:
        raise SchemaReferenceError(
            _l("El esquema %(where)s no es JSON válido: %(error)s", where=url, error=exc)
        ) from None


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        descriptor = bounded_json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaReferenceError(
            _l("El esquema %(where)s no es JSON válido: %(error)s", where=where, error=exc)
        ) from exc
    if not isinstance(descriptor, dict):
        raise SchemaReferenceError(
            _l("El esquema %(where)s debe ser un objeto JSON.", where=where))
    return descriptor
