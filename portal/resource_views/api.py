"""The ``resource_view_*`` actions in CKAN's shapes: a view is ``{id, resource_id, package_id,
view_type, title, description, ...config}`` (CKAN puts a view's settings beside its own fields),
listed in order, the first one the resource's default view.

``resource_view_list`` also lists the built-in table preview of an uploaded CSV or TSV file
first (it is not stored: its id is derived from the resource). Loaded by
``portal.api.actions.load`` through ``MODULES`` (entry ``portal.resource_views.api``).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.api.fields import Boolean, String, StringOrList
from portal.api.params import IdParams, Params
from portal.api.registry import action
from portal.catalog.preview import TABULAR_FORMATS
from portal.resource_views import services
from portal.resource_views.services import CHART_TYPES, CONFIG, MAP_LEVELS

_COLUMN = {"type": "string", "nullable": True}
VIEW = {"type": "object", "description": "A view of a resource (CKAN's resource_view).",
        "required": ["id", "resource_id", "package_id", "view_type", "title"], "properties": {
            "id": {"type": "string"}, "resource_id": {"type": "string"},
            "package_id": {"type": "string"},
            "view_type": {"type": "string", "description":
                          '"table_preview" (built in), "chart" or "map".'},
            "title": {"type": "string"}, "description": {"type": "string"},
            "url": {"type": "string", "description": "The page that shows it."},
            "chart_type": {"type": "string", "enum": list(CHART_TYPES)},
            "x_field": _COLUMN, "y_fields": {"type": "array", "items": {"type": "string"}},
            "lat_field": _COLUMN, "lon_field": _COLUMN, "code_field": _COLUMN,
            "value_field": _COLUMN, "level": {"type": "string", "enum": list(MAP_LEVELS)}}}


def _doc(text: str) -> dict[str, Any]:
    return {"metadata": {"description": text}}


class _ConfigParams(Params):
    title = String(**_doc("Title shown above the view (required)."))
    description = String(**_doc("Text shown below the title."))
    chart_type = String(**_doc('chart: "bar", "line" or "pie".'))
    x_field = String(**_doc("chart: the column of the categories (x axis, pie slices)."))
    y_fields = StringOrList(**_doc("chart: the column(s) of the values (one for a pie)."))
    lat_field = String(**_doc("map: the latitude column (points)."))
    lon_field = String(**_doc("map: the longitude column (points)."))
    code_field = String(**_doc("map: the column of INE codes (choropleth)."))
    value_field = String(**_doc("map: the column whose values colour the areas."))
    level = String(**_doc('map: "departamento" or "municipio", what the INE codes name.'))


class ResourceViewCreateParams(_ConfigParams):
    resource_id = String(required=True, **_doc("The resource."))
    view_type = String(required=True, **_doc('"chart" or "map".'))
    default = Boolean(**_doc("Make it the resource's default view (first)."))


class ResourceViewUpdateParams(_ConfigParams):
    id = String(required=True, **_doc("The view."))
    default = Boolean(**_doc("Make it the resource's default view (first)."))


def view_dict(view, dataset) -> dict[str, Any]:
    return {"id": view.id, "resource_id": view.resource_id, "package_id": dataset.id,
            "view_type": view.view_type, "title": view.title,
            "description": view.description, **view.config,
            "url": url_for("dataset.resource_read", name=dataset.name,
                           resource_id=view.resource_id, vista=view.id, _external=True)}


def _config(values: dict[str, Any]) -> dict[str, Any]:
    keys = {"title", "description"} | {key for keys in CONFIG.values() for key in keys}
    return {key: value for key, value in values.items() if key in keys}


def table_preview(resource, dataset) -> dict[str, Any] | None:
    if not (resource.is_upload and (resource.format or "").upper() in TABULAR_FORMATS):
        return None
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{resource.id}/table_preview")),
        "resource_id": resource.id, "package_id": dataset.id, "view_type": "table_preview",
        "title": str(_l("Vista previa")), "description": str(_l(
            "Las primeras filas del archivo.")),
        "url": url_for("dataset.resource_read", name=dataset.name, resource_id=resource.id,
                       _external=True),
    }


@action("resource_view_list", params=IdParams, result={"type": "array", "items": VIEW},
        tag="resources")
def resource_view_list(values, actor):
    """Return the views of a resource, as CKAN's resource views: the table preview that the
    resource page shows for an uploaded CSV or TSV file (built in), then the charts and maps
    saved on it, the default view first among those."""
    resource, dataset = services.read_resource(values["id"], actor)
    preview = table_preview(resource, dataset)
    return ([preview] if preview else []) + [view_dict(view, dataset)
                                             for view in services.views_of(resource)]


@action("resource_view_show", params=IdParams, result=VIEW, tag="resources")
def resource_view_show(values, actor):
    """Return a saved view of a resource (a chart or a map) by id."""
    view = services.get_view(values["id"])
    _resource, dataset = services.read_resource(view.resource_id, actor)
    return view_dict(view, dataset)


@action("resource_view_create", params=ResourceViewCreateParams, result=VIEW, write=True,
        tag="resources")
def resource_view_create(values, actor):
    """Save a chart or a map on a resource (editors of its entity); return it.

    The settings are given beside the view's fields, as CKAN does: a chart needs
    ``chart_type``, ``x_field`` and ``y_fields``; a map ``lat_field`` and ``lon_field``
    (points) or ``code_field``, ``value_field`` and ``level`` (areas by INE code), or nothing
    for a GeoJSON resource. Columns must exist in the resource's loaded table. The new view goes
    last, or first with ``default``.
    """
    resource, dataset = services.read_resource(values["resource_id"], actor)
    view = services.create_view(resource, values["view_type"], _config(values), actor,
                                default=bool(values.get("default")))
    return view_dict(view, dataset)


@action("resource_view_update", params=ResourceViewUpdateParams, result=VIEW, write=True,
        tag="resources")
def resource_view_update(values, actor):
    """Replace a view's title, description and settings (those left out are removed); with
    ``default`` make it the resource's default view. Return it."""
    view = services.get_view(values["id"])
    _resource, dataset = services.read_resource(view.resource_id, actor)
    services.update_view(view, _config(values), actor, default=bool(values.get("default")))
    return view_dict(view, dataset)


@action("resource_view_delete", params=IdParams, result=None, write=True, tag="resources")
def resource_view_delete(values, actor):
    """Delete a saved view."""
    view = services.get_view(values["id"])
    services.read_resource(view.resource_id, actor)
    services.delete_view(view, actor)
