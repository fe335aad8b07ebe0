"""The rules of resource views and their only writer.

Views are saved by those who may publish in the dataset's entity and read by whoever may read
the dataset. Each view type declares its settings (``CONFIG``); a setting that names a column
must name a column of the resource's loaded table (the DataStore's fields) once it is loaded.
A new view goes last; ``default`` puts one first (the resource page opens with it).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import db
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.models import Dataset, Resource
from portal.datastore.models import DatastoreTable
from portal.db import unit_of_work
from portal.errors import NotFound, ValidationError
from portal.resource_views.models import ResourceView

CHART_TYPES = ("bar", "line", "pie")
MAP_LEVELS = ("departamento", "municipio")
#: view type -> setting -> kind: "column" (one column), "columns" (one or more), or the
#: allowed values.
CONFIG: dict[str, dict[str, Any]] = {
    "chart": {"chart_type": CHART_TYPES, "x_field": "column", "y_fields": "columns"},
    "map": {"lat_field": "column", "lon_field": "column", "code_field": "column",
            "value_field": "column", "level": MAP_LEVELS},
}
REQUIRED = {"chart": ("chart_type", "x_field", "y_fields")}
TITLE_MAX = 200


def get_view(view_id: str) -> ResourceView:
    view = db.session.get(ResourceView, view_id) if view_id else None
    if view is None:
        raise NotFound(str(_l("No existe la vista «{ref}».")).format(ref=view_id))
    return view


def read_resource(resource_id: str, actor) -> tuple[Resource, Dataset]:
    resource = catalog.get_resource(resource_id)
    return resource, catalog.read_dataset(resource.dataset_id, actor)


def views_of(resource: Resource) -> list[ResourceView]:
    return list(db.session.scalars(
        select(ResourceView).where(ResourceView.resource_id == resource.id)
        .order_by(ResourceView.position, ResourceView.created)))


def _require_editor(resource: Resource, actor) -> None:
    dataset = db.session.get(Dataset, resource.dataset_id)
    permissions.require(permissions.can_publish_in(actor, dataset.entity_id), str(_l(
        "Solo quien publica en la entidad del conjunto de datos puede cambiar sus vistas.")))


def _columns(resource: Resource) -> list[str] | None:
    """The loaded table's columns, or ``None`` while the resource is not loaded."""
    fields = db.session.scalar(
        select(DatastoreTable.fields).where(DatastoreTable.resource_id == resource.id))
    return None if not fields else [field["id"] for field in fields]


def clean(resource: Resource, view_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """The view's title, description and config from ``values``; a ``ValidationError`` naming
    every problem."""
    errors: dict[str, list[str]] = {}
    if view_type not in CONFIG:
        raise ValidationError({"view_type": [str(_l(
            "Tipo de vista desconocido: «{value}». Tipos: {types}.")).format(
                value=view_type, types=", ".join(CONFIG))]})
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [str(_l("Falta el título de la vista."))]
    elif len(title) > TITLE_MAX:
        errors["title"] = [str(_l("El título tiene más de {n} caracteres.")).format(n=TITLE_MAX)]
    columns = _columns(resource)
    config: dict[str, Any] = {}
    for key, kind in CONFIG[view_type].items():
        value = values.get(key)
        if value in (None, "", []):
            if key in REQUIRED.get(view_type, ()):
                errors[key] = [str(_l("Falta «{key}».")).format(key=key)]
            continue
        problem = _check(kind, value, columns)
        if problem:
            errors[key] = [problem]
        else:
            config[key] = value
    if view_type == "map" and not errors:
        errors.update(_map_problems(config))
    if view_type == "chart" and config.get("chart_type") == "pie" \
            and len(config.get("y_fields") or []) > 1:
        errors["y_fields"] = [str(_l("Un gráfico circular muestra una sola columna de valores."))]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "description": (values.get("description") or "").strip(),
            "config": config}


def _check(kind, value, columns: list[str] | None) -> str | None:
    if kind in ("column", "columns"):
        names = value if kind == "columns" else [value]
        if (kind == "columns" and not isinstance(value, list)) or \
                not all(isinstance(name, str) for name in names):
            return str(_l("Se esperaba el nombre de una columna."))
        unknown = [name for name in names if columns is not None and name not in columns]
        if unknown:
            return str(_l("La tabla no tiene la columna «{name}». Columnas: {columns}.")).format(
                name=unknown[0], columns=", ".join(columns or []))
        return None
    if value not in kind:
        return str(_l("Valor no admitido: «{value}». Valores: {values}.")).format(
            value=value, values=", ".join(kind))
    return None


def _map_problems(config: dict[str, Any]) -> dict[str, list[str]]:
    if bool(config.get("lat_field")) != bool(config.get("lon_field")):
        key = "lon_field" if config.get("lat_field") else "lat_field"
        return {key: [str(_l("Un mapa de puntos necesita latitud y longitud."))]}
    if config.get("code_field") and not config.get("level"):
        return {"level": [str(_l("Indique si los códigos son de departamento o municipio."))]}
    return {}


def create_view(resource: Resource, view_type: str, values: dict[str, Any], actor, *,
                default: bool = False) -> ResourceView:
    """Save a new view, last among the resource's views (first with ``default``)."""
    _require_editor(resource, actor)
    cleaned = clean(resource, view_type, values)
    with unit_of_work() as session:
        last = session.scalar(select(func.max(ResourceView.position))
                              .where(ResourceView.resource_id == resource.id))
        view = ResourceView(resource_id=resource.id, view_type=view_type,
                            position=(last + 1) if last is not None else 0, **cleaned)
        session.add(view)
        session.flush()
        if default:
            _put_first(resource, view)
    return view


def update_view(view: ResourceView, values: dict[str, Any], actor, *,
                default: bool = False) -> ResourceView:
    """Replace a view's title, description and config (first among its resource's views with
    ``default``)."""
    resource = catalog.get_resource(view.resource_id)
    _require_editor(resource, actor)
    cleaned = clean(resource, view.view_type, values)
    with unit_of_work():
        view.title, view.description = cleaned["title"], cleaned["description"]
        view.config = cleaned["config"]
        if default:
            _put_first(resource, view)
    return view


def _put_first(resource: Resource, view: ResourceView) -> None:
    others = [other for other in views_of(resource) if other.id != view.id]
    for position, other in enumerate([view, *others]):
        other.position = position


def delete_view(view: ResourceView, actor) -> None:
    _require_editor(catalog.get_resource(view.resource_id), actor)
    with unit_of_work() as session:
        session.delete(view)
