"""The Table Schemas that entities register, beside the site's files of ``schemas/``.

An editor of an entity registers a Table Schema (uploaded or pasted) under a name; it is then
``<entity>/<name>``, and registering the name again adds version 2, 3... (a version is never
replaced). Resources name ``ine/montos`` (the latest version) or ``ine/montos@2`` (that one) as
their schema; ``resolve`` turns such a reference into its descriptor for the validators, through
``schemas_registry.RESOLVERS``. These functions are the registry's services (the only writers).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import bounded_json, db
from portal.auth import permissions
from portal.catalog.models import Entity
from portal.db import unit_of_work
from portal.errors import ValidationError
from portal.validation import schemas_registry
from portal.validation.models import RegisteredSchema
from portal.validation.tabular import load_table_schema

REFERENCE_RE = re.compile(
    r"^([a-z0-9][a-z0-9_-]{0,99})/([a-z0-9][a-z0-9_-]{0,99})(?:@([0-9]{1,6}))?$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


def parse_reference(reference: str) -> tuple[str, str, int | None] | None:
    match = REFERENCE_RE.match(reference.strip()) if isinstance(reference, str) else None
    if match is None:
        return None
    entity, name, version = match.groups()
    return entity, name, int(version) if version else None


def find(entity_name: str, name: str, version: int | None = None) -> RegisteredSchema | None:
    """A registered schema (its latest version unless one is given), or ``None``."""
    query = (select(RegisteredSchema).join(Entity, Entity.id == RegisteredSchema.entity_id)
             .where(Entity.name == entity_name, Entity.state == "active",
                    RegisteredSchema.name == name))
    if version is not None:
        query = query.where(RegisteredSchema.version == version)
    return db.session.scalars(query.order_by(RegisteredSchema.version.desc()).limit(1)).first()


def resolve(reference: str) -> dict[str, Any] | None:
    """The descriptor ``<entity>/<name>[@version]`` names, or ``None`` (not such a reference,
    not registered, or no app to ask)."""
    parsed = parse_reference(reference)
    if parsed is None or not has_app_context():
        return None
    found = find(*parsed)
    return found.descriptor if found is not None else None


def versions(entity_name: str, name: str) -> list[RegisteredSchema]:
    query = (select(RegisteredSchema).join(Entity, Entity.id == RegisteredSchema.entity_id)
             .where(Entity.name == entity_name, RegisteredSchema.name == name)
             .order_by(RegisteredSchema.version.desc()))
    return list(db.session.scalars(query))


def latest_versions(entity: Entity | None = None) -> list[RegisteredSchema]:
    """The latest version of every registered schema (of active entities), by reference."""
    newest = (select(RegisteredSchema.entity_id, RegisteredSchema.name,
                     func.max(RegisteredSchema.version).label("version"))
              .group_by(RegisteredSchema.entity_id, RegisteredSchema.name).subquery())
    query = (select(RegisteredSchema)
             .join(newest, (newest.c.entity_id == RegisteredSchema.entity_id)
                   & (newest.c.name == RegisteredSchema.name)
                   & (newest.c.version == RegisteredSchema.version))
             .join(Entity, Entity.id == RegisteredSchema.entity_id)
             .where(Entity.state == "active"))
    if entity is not None:
        query = query.where(RegisteredSchema.entity_id == entity.id)
    return sorted(db.session.scalars(query), key=reference_of)


def reference_of(row: RegisteredSchema, *, versioned: bool = False) -> str:
    base = f"{row.entity.name}/{row.name}" if row.entity is not None else row.name
    return f"{base}@{row.version}" if versioned else base


def read_descriptor(text: str | bytes) -> dict[str, Any]:
    """A pasted or uploaded Table Schema, checked as one; a ``ValidationError`` names the
    problem (field ``descriptor``)."""
    if len(text) > schemas_registry.MAX_SCHEMA_BYTES:
        raise ValidationError({"descriptor": [str(_l(
            "El esquema supera %(mb)s MB.", mb=schemas_registry.MAX_SCHEMA_BYTES // 2**20))]})
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"descriptor": [str(_l(
                "El archivo no es texto UTF-8: suba el Table Schema en JSON."))]}) from None
    if not text.strip():
        raise ValidationError({"descriptor": [str(_l(
            "Pegue el Table Schema en JSON o suba su archivo."))]})
    try:
        descriptor = bounded_json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError({"descriptor": [str(_l(
            "JSON no válido (línea %(line)s): %(msg)s.", line=exc.lineno, msg=exc.msg))]}) from None
    except ValueError as exc:  # nested deeper than the portal reads
        raise ValidationError({"descriptor": [str(exc)]}) from None
    if not isinstance(descriptor, dict) or not descriptor.get("fields"):
        raise ValidationError({"descriptor": [str(_l(
            "Un Table Schema es un objeto JSON con una lista «fields» de campos."))]})
    _schema, problem = load_table_schema(descriptor)
    if problem is not None:
        raise ValidationError({"descriptor": [problem.message]})
    return descriptor


def register(entity: Entity, name: str, descriptor: dict[str, Any], actor, *,
             title: str = "", description: str = "") -> RegisteredSchema:
    """Register ``descriptor`` (checked by ``read_descriptor``) as the next version of
    ``<entity>/<name>``; an editor of the entity may. The same content as the latest version
    is refused (nothing would change)."""
    permissions.require(permissions.can_publish_in(actor, entity.id), str(_l(
        "Solo los editores de «%(entity)s» registran sus esquemas.", entity=entity.title)))
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise ValidationError({"name": [str(_l(
            "Use minúsculas, cifras, «-» o «_» (hasta 100), p. ej. «ejecucion-mensual»."))]})
    with unit_of_work():
        latest = find(entity.name, name)
        if latest is not None and latest.descriptor == descriptor:
            raise ValidationError({"descriptor": [str(_l(
                "Es igual a la versión %(version)s de %(ref)s: no se registró nada.",
                version=latest.version, ref=f"{entity.name}/{name}"))]})
        row = RegisteredSchema(
            entity_id=entity.id, entity=entity, name=name,
            version=latest.version + 1 if latest is not None else 1,
            title=(title or str(descriptor.get("title") or "") or name).strip()[:300],
            description=(description or str(descriptor.get("description") or "")).strip(),
            descriptor=descriptor, creator_user_id=getattr(actor, "id", None))
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            raise ValidationError({"name": [str(_l(
                "Otra persona registró una versión de este esquema al mismo tiempo: intente "
                "de nuevo."))]}) from None
    return row


def fields_of(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of a Table Schema as rows for pages and the chooser's preview."""
    rows = []
    for field in descriptor.get("fields") or []:
        if not isinstance(field, dict):
            continue
        constraints = field.get("constraints") if isinstance(field.get("constraints"),
                                                              dict) else {}
        rows.append({
            "name": str(field.get("name", "")), "title": str(field.get("title") or ""),
            "type": str(field.get("type") or "string"), "format": str(field.get("format") or ""),
            "description": str(field.get("description") or ""),
            "required": bool(constraints.get("required")),
            "constraints": {k: v for k, v in constraints.items() if k != "required"},
        })
    return rows


def init_app() -> None:
    if resolve not in schemas_registry.RESOLVERS:
        schemas_registry.RESOLVERS.append(resolve)
