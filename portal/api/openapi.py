"""The OpenAPI 3 document of the Action API, built from the registry's marshmallow schemas.

Each action is a path ``/api/3/action/<name>``: POST with a JSON body (also multipart for the
actions that take a file), and GET with URL parameters for the actions that only read.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from portal.api import actions as action_modules
from portal.api import fields, registry
from portal.config import portal_version

OPENAPI_VERSION = "3.0.3"
COMPONENTS = "#/components/schemas/"

ERRORS = {
    "400": ("BadRequest", "Bad request: unknown action, GET for a write action, malformed "
                          "JSON, data that is not an object.", "Bad request"),
    "403": ("NotAuthorized", "Not authorized: missing, wrong, revoked or expired token, or a "
                             "role that does not allow the action.", "Authorization Error"),
    "404": ("NotFound", "Not found: no object with that id or name.", "Not Found Error"),
    "409": ("ValidationFailed", "Validation error: each wrong field is a key of `error` with "
                                "its messages.", "Validation Error"),
    "429": ("RateLimited", "Too many requests: a rate limit (e.g. tokens created per hour) is "
                           "used up; `Retry-After` says when to try again.", "Rate Limit Error"),
}

DESCRIPTION = """\
CKAN-compatible Action API (version 3) of the portal: CKAN clients such as `ckanapi` work
unchanged. Every answer is an envelope `{"help", "success", "result"}`; a failure has
`success: false` and `error: {"__type", "message", <field>: [messages]}`.

Authenticate with an API token in the `Authorization` header (`portal token create USER`, or the
action `api_token_create`). Actions that change data need POST.
"""


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__


def _is_schema(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, Schema)


def _absolute_refs(node: Any) -> Any:
    """``{"$ref": "PackageOut"}`` (as raw results and field metadata write it) becomes a
    reference to the component."""
    if isinstance(node, dict):
        return {key: (COMPONENTS + value if key == "$ref" and isinstance(value, str)
                      and not value.startswith("#") else _absolute_refs(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(item) for item in node]
    return node


#: CKAN's timestamps: ISO 8601 in UTC without an offset (``2024-05-01T12:30:00.123456``),
#: which is not OpenAPI's ``date-time`` (RFC 3339 requires the offset).
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$"


def _ckan_timestamps(node: Any) -> Any:
    """Every ``date-time`` the schemas declare (marshmallow's ``DateTime`` fields, raw
    results) described as what the API writes: CKAN's timestamp without an offset."""
    if isinstance(node, dict):
        node = {key: _ckan_timestamps(value) for key, value in node.items()}
        if node.get("format") == "date-time":
            del node["format"]
            node["pattern"] = TIMESTAMP_PATTERN
            node.setdefault("description", "UTC, ISO 8601 without offset (as CKAN).")
        return node
    if isinstance(node, list):
        return [_ckan_timestamps(item) for item in node]
    return node


def result_schema(action: registry.Action) -> dict[str, Any]:
    if action.result is None:
        return {"type": "object", "nullable": True, "description": "Always null."}
    if _is_schema(action.result):
        one = {"$ref": COMPONENTS + action.result.__name__}
        return {"type": "array", "items": one} if action.many else one
    return dict(action.result)


def _envelope(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["help", "success", "result"],
        "properties": {
            "help": {"type": "string", "description": "URL of the action's help (help_show)."},
            "success": {"type": "boolean", "enum": [True]},
            "result": result,
        },
    }


def _error_component(kind: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["help", "success", "error"],
        "properties": {
            "help": {"type": "string"},
            "success": {"type": "boolean", "enum": [False]},
            "error": {
                "type": "object",
                "required": ["__type", "message"],
                "properties": {
                    "__type": {"type": "string", "enum": [kind]},
                    "message": {"type": "string"},
                },
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    }


def _operation(action: registry.Action, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": action.name if method == "post" else f"{action.name}_get",
        "summary": action.summary,
        "description": action.doc,
        "tags": [registry.TAGS[action.tag]],
        "responses": {
            "200": {"description": "Success.", "content": {"application/json": {
                "schema": _envelope(result_schema(action))}}},
            **{status: {"$ref": f"#/components/responses/{name}"}
               for status, (name, _text, _kind) in ERRORS.items()},
        },
        "security": [{"ApiToken": []}] if action.write else [{}, {"ApiToken": []}],
    }
    if method == "get":
        operation["parameters"] = [{"in": "query", "schema": action.params}]
    else:
        content = {"application/json": {"schema": action.params}}
        if action.multipart:
            content["multipart/form-data"] = {"schema": action.params}
        operation["requestBody"] = {"required": False, "content": content}
    return operation


def build() -> APISpec:
    action_modules.load()
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(
        title="Datos Abiertos de Bolivia — Action API",
        version=portal_version(),
        openapi_version=OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": DESCRIPTION},
        servers=[{"url": "/"}],
        tags=[{"name": title} for title in registry.TAGS.values()],
    )
    plugin.map_to_openapi_type(fields.Integer, "integer", "int64")  # its bound (fields.py)
    spec.components.security_scheme("ApiToken", {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "An API token, bare or as `Bearer <token>`.",
    })
    for name, text, kind in ERRORS.values():
        spec.components.schema(f"{name}Error", _error_component(kind))
        spec.components.response(name, {"description": text, "content": {
            "application/json": {"schema": {"$ref": f"{COMPONENTS}{name}Error"}}}})
    schemas = [*registry.OUTPUT_SCHEMAS.values()]
    for action in registry.actions():
        schemas.append(action.params)
        if _is_schema(action.result):
            schemas.append(action.result)
    for schema in schemas:
        if schema.__name__ not in spec.components.schemas:
            spec.components.schema(schema.__name__, schema=schema)
    for action in registry.actions():
        methods = ("post",) if action.write else ("get", "post")
        spec.path(path=f"/api/3/action/{action.name}",
                  operations={method: _operation(action, method) for method in methods})
    return spec


def document() -> dict[str, Any]:
    return _absolute_refs(_ckan_timestamps(build().to_dict()))
