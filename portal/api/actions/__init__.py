"""The actions, one module per area. Each module registers its functions with ``@action`` when
imported; ``load`` imports them all. A new module of actions is added to ``MODULES``."""

from __future__ import annotations

import importlib

MODULES = ("site", "datasets", "search", "resources", "organizations", "groups", "users",
           "activity", "portal.pige.api", "portal.harvest.api", "portal.validation.api",
           "portal.quality.api", "portal.resource_views.api",
           "portal.datastore.api", "portal.series.api",
           "portal.series.version_api")


def load() -> None:
    for module in MODULES:
        importlib.import_module(module if "." in module else f"{__name__}.{module}")
