"""Harvest backends, looked up by name. The core never imports a backend module itself.

Built-in backends are declared here as ``name -> "module:Class"`` strings and imported only when
asked for; other packages may add backends with the ``portal.harvesters`` entry-point group, or
by calling ``register`` (tests do).
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.harvest.base import Harvester

BUILTIN: dict[str, str] = {
    "ckan": "harvesters.ckan:CkanHarvester",
    "dcat": "harvesters.dcat:DcatHarvester",
    "datapackage": "harvesters.datapackage:DataPackageHarvester",
    "ocds": "harvesters.ocds:OcdsHarvester",
}
ENTRY_POINT_GROUP = "portal.harvesters"

_registered: dict[str, type[Harvester]] = {}


class UnknownBackend(LookupError):
    pass


def register(name: str, harvester: type[Harvester]) -> None:
    _registered[name] = harvester


def unregister(name: str) -> None:
    _registered.pop(name, None)


@cache
def _entry_points() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def names() -> list[str]:
    return sorted({*BUILTIN, *_entry_points(), *_registered})


def get(name: str) -> type[Harvester]:
    """The backend class called ``name``; ``UnknownBackend`` when there is none."""
    if name in _registered:
        return _registered[name]
    target = BUILTIN.get(name) or _entry_points().get(name)
    if target is None:
        raise UnknownBackend(name)
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)
