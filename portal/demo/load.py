"""Loading of the demo catalog through the catalog's services (the only writers).

Idempotent: entities, themes and datasets that already exist (by name) are kept as they are, and a
dataset only gets the demo resources it lacks (by name), so an interrupted load can be resumed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from portal.auth import services as auth
from portal.auth.permissions import SYSTEM
from portal.catalog import services
from portal.demo.catalog import (
    demo_entities,
    demo_themes,
    entity_input,
    iter_demo_datasets,
    theme_input,
)
from portal.errors import NotFound

RESOURCE_INPUT = ("name", "description", "format", "schema")

#: Accounts to try the publisher side of the demo; the README lists them. A real deployment
#: creates its own with ``portal user create`` and never runs ``portal demo load``.
DEMO_PASSWORD = "demo-datos-2026"
DEMO_USERS = (
    {"name": "admin", "fullname": "Administración del portal", "sysadmin": True},
    {"name": "editor-ine", "fullname": "Editora del INE", "entity": "ine", "role": "editor"},
    {"name": "revisor-agetic", "fullname": "Revisor de AGETIC", "entity": "agetic",
     "role": "editor"},
)


def load_demo(user=None, *, datasets: Iterable[dict[str, Any]] | None = None) -> dict[str, int]:
    """Create what is missing of the demo catalog, acting as ``user`` (default: the system).

    ``datasets`` defaults to ``iter_demo_datasets()``; the CLI passes it wrapped in a progress
    bar. Returns the number of demo entities, themes, datasets and resources now in the catalog
    (the same after every load) and how many of each this call created (``created_*``).
    """
    actor = user or SYSTEM
    counts = dict.fromkeys(
        ("entities", "themes", "datasets", "resources", "created_entities", "created_themes",
         "created_datasets", "created_resources"), 0)

    for record in demo_entities():
        if _missing(services.get_entity, record["name"]):
            services.create_entity(entity_input(record), actor)
            counts["created_entities"] += 1
        counts["entities"] += 1

    for record in demo_themes():
        if _missing(services.get_theme, record["name"]):
            services.create_theme(theme_input(record), actor)
            counts["created_themes"] += 1
        counts["themes"] += 1

    _load_users(actor)

    for item in iter_demo_datasets() if datasets is None else datasets:
        data = {key: value for key, value in item.items() if key != "resources"}
        try:
            dataset = services.get_dataset(item["name"])
        except NotFound:
            dataset = services.create_dataset(data, actor)
            counts["created_datasets"] += 1
        counts["datasets"] += 1
        present = {resource.name for resource in dataset.resources}
        for resource in item["resources"]:
            if resource["name"] not in present:
                services.create_resource(
                    dataset, {key: resource[key] for key in RESOURCE_INPUT}, actor,
                    upload=io.BytesIO(resource["content"]), filename=resource["filename"],
                )
                counts["created_resources"] += 1
            counts["resources"] += 1
    return counts


def _load_users(actor) -> None:
    for record in DEMO_USERS:
        if not _missing(auth.get_user, record["name"]):
            continue
        auth.create_user({"name": record["name"], "fullname": record["fullname"],
                          "email": f"{record['name']}@example.org", "password": DEMO_PASSWORD,
                          "sysadmin": record.get("sysadmin", False)}, actor)
        if "entity" in record:
            auth.set_membership(services.get_entity(record["entity"]),
                                {"username": record["name"], "role": record["role"]}, actor)


def _missing(lookup, name: str) -> bool:
    try:
        lookup(name)
    except NotFound:
        return True
    return False
