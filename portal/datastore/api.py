"""CKAN's DataStore actions: ``datastore_search`` and ``datastore_info`` (read-only). There is
no ``datastore_search_sql``: the dispatcher answers it as CKAN does for an action a site has
not enabled. Loaded through ``portal.api.actions.MODULES`` (``portal.datastore.api``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import fields as mfields
from marshmallow import validate

from portal.api.fields import Boolean, Integer, String
from portal.api.params import Params
from portal.api.registry import TAGS, action
from portal.datastore import query, services

TAG = "datastore"
TAGS.setdefault(TAG, "DataStore (rows of tabular resources)")

_ANY = {"oneOf": [{"type": "string"}, {"type": "object"}]}
_FIELD = {"type": "object", "properties": {
    "id": {"type": "string"},
    "type": {"type": "string", "enum": ["text", "numeric", "int", "timestamp", "date", "bool"]},
    "info": {"type": "object", "properties": {"label": {"type": "string"},
                                              "notes": {"type": "string"}}},
    "schema": {"type": "object", "description": "The Table Schema field."}}}


class _ResourceParams(Params):
    resource_id = String(metadata={"description": "Id of the resource."})
    id = String(metadata={"description": "Same as resource_id (as CKAN accepts)."})


class SearchParams(_ResourceParams):
    filters = mfields.Raw(metadata={**_ANY, "description": 'Equality filters: {"col": value} '
                                    'or {"col": [v1, v2]} (JSON text in a GET).'})
    q = mfields.Raw(metadata={**_ANY, "description": "Full-text: every word in the row "
                              '(accents and case ignored), or {"col": "text"}.'})
    fields = mfields.Raw(metadata={"oneOf": [{"type": "string"}, {"type": "array", "items": {
        "type": "string"}}], "description": "Columns to return: a list or names separated by "
                                            "commas."})
    sort = String(metadata={"description": 'Order: "col desc, col2" (default "_id").'})
    limit = Integer(validate=validate.Range(min=0, max=query.MAX_LIMIT, error=_l(
        "Debe estar entre {min} y {max}.")), metadata={
        "description": f"Rows to return (default {query.DEFAULT_LIMIT}, at most "
                       f"{query.MAX_LIMIT}).", "minimum": 0, "maximum": query.MAX_LIMIT})
    offset = Integer(validate=validate.Range(min=0, max=query.MAX_OFFSET, error=_l(
        "Debe estar entre {min} y {max}.")), metadata={
        "description": f"Rows to skip (at most {query.MAX_OFFSET}).", "minimum": 0,
        "maximum": query.MAX_OFFSET})
    distinct = Boolean(metadata={"description": "Distinct rows of the chosen fields."})
    include_total = Boolean(metadata={"description": "Count the matching rows (default "
                                                     "true)."})
    records_format = String(validate=validate.OneOf(query.RECORDS_FORMATS, error=_l(
        "Debe ser uno de: {choices}.")), metadata={
        "description": "objects (default), lists, csv or tsv.",
        "enum": list(query.RECORDS_FORMATS)})


SEARCH_RESULT = {"type": "object", "required": ["resource_id", "fields", "records"],
                 "properties": {
                     "resource_id": {"type": "string"},
                     "fields": {"type": "array", "items": _FIELD},
                     "records": {"oneOf": [{"type": "array"}, {"type": "string"}]},
                     "total": {"type": "integer", "nullable": True},
                     "total_was_estimated": {"type": "boolean"},
                     "limit": {"type": "integer"}, "offset": {"type": "integer"},
                     "sort": {"type": "string"}, "filters": {"type": "object"},
                     "q": {}, "distinct": {"type": "boolean"},
                     "records_format": {"type": "string"},
                     "_links": {"type": "object", "properties": {
                         "start": {"type": "string"}, "next": {"type": "string"}}}}}
INFO_RESULT = {"type": "object", "required": ["meta", "fields"], "properties": {
    "meta": {"type": "object", "properties": {
        "count": {"type": "integer"}, "status": {"type": "string"},
        "message": {"type": "string"}, "ingested": {"type": "string", "nullable": True},
        "format": {"type": "string"}}},
    "fields": {"type": "array", "items": _FIELD}}}


def _resource_id(values: dict[str, Any]) -> Any:
    return values.get("resource_id") or values.get("id")


def public_fields(table_fields: list[dict[str, Any]], columns: list[str] | None = None
                  ) -> list[dict[str, Any]]:
    by_id = {item["id"]: item for item in table_fields}
    return [by_id[name] for name in (columns or list(by_id))]


def search_view(resource_id: Any, values: dict[str, Any], actor) -> dict[str, Any]:
    """``datastore_search`` for a caller: the API action and the explorer share it."""
    _resource, _state, table = services.readable(resource_id, actor)
    checked = query.parse(table, values)
    include_total = values.get("include_total", True)
    rows, total = query.search(table, checked, include_total=include_total)
    records_format = values.get("records_format") or "objects"
    result: dict[str, Any] = {
        "resource_id": _resource.id,
        "fields": public_fields(table.fields, checked.columns),
        "records": query.records(rows, checked.columns, records_format),
        "limit": checked.limit, "offset": checked.offset,
        "sort": ", ".join(f"{name} {way.lower()}" for name, way in checked.order),
        "filters": query.json_param("filters", values.get("filters") or {}, (dict,)),
        "q": values.get("q") or "",
        "distinct": checked.distinct,
        "records_format": records_format,
        "total_was_estimated": False,
        "_links": _links(_resource.id, values, checked),
    }
    if include_total:
        result["total"] = total
    return result


def _links(resource_id: str, values: dict[str, Any], checked: query.Query) -> dict[str, str]:
    base = url_for("api.action", logic_function="datastore_search")
    kept = {key: value for key, value in values.items()
            if key not in ("resource_id", "id", "offset") and value not in (None, "")}
    for key, value in list(kept.items()):
        if isinstance(value, dict | list):
            kept[key] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            kept[key] = "true" if value else "false"
    start = {"resource_id": resource_id, **kept}
    following = {**start, "offset": checked.offset + (checked.limit or 0)}
    return {"start": f"{base}?{urlencode(start)}", "next": f"{base}?{urlencode(following)}"}


@action("datastore_search", params=SearchParams, result=SEARCH_RESULT, tag=TAG)
def datastore_search(values, actor):
    """Search the rows of a tabular resource: filters, full-text ``q``, fields, sort, paging,
    distinct; records as objects, lists, CSV or TSV (as CKAN's DataStore)."""
    return search_view(_resource_id(values), values, actor)


@action("datastore_info", params=_ResourceParams, result=INFO_RESULT, tag=TAG)
def datastore_info(values, actor):
    """The columns of a tabular resource's data (CKAN types, the schema's titles and
    descriptions as label and notes) and its number of rows."""
    resource, state, table = services.readable(_resource_id(values), actor)
    from portal.validation.services import resource_format

    return {"meta": {"count": table.row_count, "status": state.status,
                     "message": state.message, "format": resource_format(resource),
                     "ingested": state.ingested.isoformat() if state.ingested else None},
            "fields": public_fields(table.fields)}

