"""Small builders for test data, going through the real services."""

from __future__ import annotations

import io
from typing import Any

from portal.auth import services as auth
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog


def entity(name: str = "ine", **fields: Any):
    data = {"name": name, "title": fields.pop("title", f"Entidad {name}"), **fields}
    return catalog.create_entity(data, SYSTEM)


def theme(name: str = "economia", **fields: Any):
    data = {"name": name, "title": fields.pop("title", name.capitalize()),
            "eu_theme": fields.pop("eu_theme", "ECON"), **fields}
    return catalog.create_theme(data, SYSTEM)


def dataset(name: str = "presupuesto-2024", entity_name: str = "ine", actor=SYSTEM,
            **fields: Any):
    data = {
        "name": name,
        "title": fields.pop("title", f"Conjunto {name}"),
        "entity": fields.pop("entity", entity_name),
        "license_id": fields.pop("license_id", "CC-BY-4.0"),
        **fields,
    }
    return catalog.create_dataset(data, actor)


def resource(ds, actor=SYSTEM, content: bytes | None = None, filename: str = "datos.csv",
             **fields: Any):
    if content is None:
        return catalog.create_resource(ds, {"url": "https://example.org/datos.csv", **fields},
                                       actor)
    return catalog.create_resource(ds, fields, actor, upload=io.BytesIO(content),
                                   filename=filename)


def user(name: str = "ana", *, sysadmin: bool = False, member_of: str | None = None,
         role: str = "editor"):
    created = auth.create_user({"name": name, "email": f"{name}@example.org",
                                "password": "secreto-123", "sysadmin": sysadmin}, SYSTEM)
    if member_of:
        auth.set_membership(catalog.get_entity(member_of), {"username": name, "role": role},
                            SYSTEM)
    return created
