"""The registry of API actions: each action is one function declared with ``@action``.

The declaration carries everything the rest of the API reads: the name CKAN clients call, whether
it writes (write actions need POST and run in one transaction), the marshmallow schema of its
parameters and the shape of its result. The dispatcher, the OpenAPI document, the human page and
the reference in docs/api.md are all built from it, so an action cannot exist without them.

Adding an action (``package_search`` for instance) is one decorated function in a module listed in
``portal.api.actions.MODULES``::

    @action("package_search", params=PackageSearchParams, result=PackageSearchOut,
            tag="datasets")
    def package_search(params, actor):
        '''Search datasets ...'''
        return search_service(params, actor)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

#: Result declared as a raw OpenAPI schema (the action returns JSON-ready data); a
#: ``{"$ref": "Name"}`` inside it names an output schema registered with ``output_schema``.
RawResult = Mapping[str, Any]


@dataclass(frozen=True)
class Action:
    name: str
    func: Callable[[dict[str, Any], Any], Any]
    params: type[Schema]
    #: A marshmallow schema the dispatcher dumps the return value with, a raw OpenAPI schema
    #: (``RawResult``), or ``None`` when the action returns ``null``.
    result: type[Schema] | RawResult | None
    many: bool = False
    write: bool = False
    tag: str = ""
    #: Accepts a ``multipart/form-data`` request with a file (the ``upload`` part).
    multipart: bool = False
    #: Catalog field name -> CKAN name, applied to the fields of a ``ValidationError``.
    error_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]

    @property
    def methods(self) -> tuple[str, ...]:
        return ("POST",) if self.write else ("GET", "POST")


ACTIONS: dict[str, Action] = {}
#: Output schemas named in raw results (``{"$ref": "Name"}``), registered for the OpenAPI document.
OUTPUT_SCHEMAS: dict[str, type[Schema]] = {}

#: Sections of the reference, in the order the docs and the human page show them.
TAGS: dict[str, str] = {
    "site": "Site and licences",
    "datasets": "Datasets",
    "resources": "Resources",
    "organizations": "Organizations (entities)",
    "groups": "Groups (themes) and tags",
    "users": "Users and API tokens",
    "activity": "Activity streams",
    "pige": "E-government plans (PIGE)",
}


def action(name: str, *, params: type[Schema], result: type[Schema] | RawResult | None,
           many: bool = False, write: bool = False, tag: str, multipart: bool = False,
           error_names: Mapping[str, str] | None = None):
    """Register the decorated function ``func(params, actor)`` as the action ``name``."""
    if tag not in TAGS:
        raise ValueError(f"unknown tag {tag!r} for action {name!r}")

    def register(func):
        if name in ACTIONS:
            raise ValueError(f"action {name!r} is registered twice")
        if not (func.__doc__ or "").strip():
            raise ValueError(f"action {name!r} needs a docstring: it is its help text")
        ACTIONS[name] = Action(name, func, params, result, many, write, tag, multipart,
                               dict(error_names or {}))
        return func

    return register


def output_schema(schema: type[Schema]) -> type[Schema]:
    """Class decorator: make ``schema`` referable by name from a raw result."""
    OUTPUT_SCHEMAS[schema.__name__] = schema
    return schema


def ref(schema: type[Schema]) -> dict[str, str]:
    output_schema(schema)
    return {"$ref": schema.__name__}


def get_action(name: str) -> Action | None:
    return ACTIONS.get(name)


def actions() -> list[Action]:
    """Every action, grouped by section then by name."""
    order = list(TAGS)
    return sorted(ACTIONS.values(), key=lambda a: (order.index(a.tag), a.name))
