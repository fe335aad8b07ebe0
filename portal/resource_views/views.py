"""What the resource page needs from resource views: ``default_view(resource, kind)`` (the
first saved view of that type, as the API shows it) and ``map_setup(resource)`` (how the map
can draw it), as template globals; the boundaries of Bolivia for choropleths at
``/mapas/bolivia/departamentos.geojson`` (shipped) and ``/mapas/bolivia/municipios.geojson``
(from the file ``PORTAL_MUNICIPAL_BOUNDARIES`` names, when it is set). A municipal file that
became unusable while running draws municipal maps by department, says so on the page, and
answers its address with a 503 in the feeds' JSON error shape, never a 500."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Blueprint, Flask, abort, current_app, jsonify, send_file, url_for
from flask_babel import lazy_gettext as _l

from portal.resource_views import boundaries as municipal
from portal.resource_views import services
from portal.standards import STANDARDS_DIR

bp = Blueprint("resource_views", __name__)
BOUNDARIES = {"departamentos": STANDARDS_DIR / "bolivia" / "departamentos.geojson"}

LATITUDE = re.compile(r"^(lat|latitud|latitude|y)$", re.IGNORECASE)
LONGITUDE = re.compile(r"^(lon|lng|long|longitud|longitude|x)$", re.IGNORECASE)
GEOJSON_FORMATS = frozenset({"GEOJSON", "JSON-GEO"})
#: A column of INE codes, by name: cod_dep, codigo_departamento, cod_mun, codigo_municipio,
#: cod_ine, codigo_ine ...
INE_CODES = re.compile(r"^(cod|codigo|código)[_ ]?(ine|dep|depto|departamento|mun|municipio)"
                       r"([_ ]?ine)?$", re.IGNORECASE)
YEARS = re.compile(r"^(a[ñn]o|year|gesti[oó]n)$", re.IGNORECASE)


def default_view(resource, view_type: str) -> dict[str, Any] | None:
    """The resource's first saved view of ``view_type`` (title and config), if any."""
    for view in services.views_of(resource):
        if view.view_type == view_type:
            return {"id": view.id, "title": view.title, **view.config}
    return None


def coordinates(fields: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The latitude and longitude columns of a table, found by name and numeric type."""
    numeric = [field["id"] for field in fields if field.get("type") in ("numeric", "int")]
    lat = next((name for name in numeric if LATITUDE.match(name)), None)
    lon = next((name for name in numeric if LONGITUDE.match(name)), None)
    return (lat, lon) if lat and lon else None


def ine_codes(fields: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A choropleth's settings from a column of INE codes (found by name) and the first
    numeric column that is neither the codes nor a year; ``None`` when there is none."""
    code = next((field for field in fields if INE_CODES.match(field["id"])), None)
    if code is None:
        return None
    value = next((field for field in fields if field is not code and field["id"] != "_id"
                  and field.get("type") in ("numeric", "int")
                  and not YEARS.match(field["id"])), None)
    if value is None:
        return None
    level = "municipio" if re.search(r"mun", code["id"], re.IGNORECASE) else "departamento"
    label = (value.get("info") or {}).get("label") or value["id"]
    title = _l("{label} por municipio") if level == "municipio" and _municipal() \
        else _l("{label} por departamento")
    return {"title": str(title).format(label=label),
            "code_field": code["id"],
            "value_field": value["id"], "level": level}


def map_setup(resource, table) -> dict[str, Any] | None:
    """How the map draws this resource: a GeoJSON file; areas from a saved map view; points
    from a loaded table's latitude/longitude columns (saved or found by name); areas from a
    column of INE codes found by name; ``"none"`` for a loaded table with nothing found (its
    publishers may choose); ``None`` for no map."""
    tiles = {"tile_url": current_app.config["PORTAL_MAP_TILE_URL"],
             "tile_attribution": current_app.config["PORTAL_MAP_TILE_ATTRIBUTION"]}
    if (resource.format or "").upper() in GEOJSON_FORMATS:
        # An uploaded file only: the page may fetch from its own origin alone (CSP).
        return {"kind": "geojson", **tiles} if resource.is_upload else None
    if table is None or not table.data_key or not table.fields:
        return None
    saved = default_view(resource, "map")
    if saved and saved.get("code_field"):
        return {"kind": "areas", "view": saved, **_areas(saved), **tiles}
    found = coordinates(table.fields)
    if saved and saved.get("lat_field"):
        found = (saved["lat_field"], saved["lon_field"])
    if found is not None:
        return {"kind": "points", "lat_field": found[0], "lon_field": found[1], **tiles}
    areas = ine_codes(table.fields)
    # "none": nothing to draw yet; the page offers its publishers to choose the columns.
    return {"kind": "areas", "view": areas, **_areas(areas), **tiles} if areas \
        else {"kind": "none", **tiles}


def _municipal() -> bool:
    """Whether municipal maps can be drawn now: the file is configured and usable."""
    return isinstance(municipal.current(current_app), municipal.Municipalities)


def _areas(view: dict[str, Any]) -> dict[str, Any]:
    """Which boundaries a choropleth draws: municipalities for municipal codes when their file
    is configured and usable; else departments (``fallback``: municipal codes counted by
    department; ``unavailable``: the configured file cannot be read now)."""
    wanted = view.get("level") == "municipio"
    found = municipal.current(current_app) if wanted else None
    level = "municipio" if isinstance(found, municipal.Municipalities) else "departamento"
    return {"level": level, "fallback": wanted and level != "municipio",
            "unavailable": isinstance(found, municipal.Unavailable),
            "boundaries": url_for("resource_views.boundaries",
                                  level="municipios" if level == "municipio"
                                  else "departamentos")}


def unavailable_message() -> str:
    return str(_l("El mapa de municipios no está disponible en este momento: cada código "
                  "municipal se suma en su departamento."))


@bp.route("/mapas/bolivia/<level>.geojson")
def boundaries(level: str):
    """The boundaries shipped in standards/bolivia and the configured municipalities
    (choropleths), cached for a day."""
    if level == "municipios":
        found = municipal.current(current_app)
        if found is None:
            abort(404)
        if isinstance(found, municipal.Unavailable):  # the reason (a path) is in the log only
            response = jsonify({"error": {"status": 503, "message": unavailable_message()}})
            response.status_code = 503
            response.headers["Cache-Control"] = "no-store"
            response.headers["Retry-After"] = "300"
            return response
        return send_file(io.BytesIO(found.body), mimetype="application/geo+json",
                         max_age=86400, etag=found.etag, last_modified=found.modified)
    path = BOUNDARIES.get(level)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/geo+json", max_age=86400)


def init_app(app: Flask) -> None:
    from portal.resource_views import cli

    # A file the portal cannot use stops it now, naming the setting, not at the first map.
    municipal.municipalities(app)
    app.cli.add_command(cli.maps_group)
    app.register_blueprint(bp)
    app.add_template_global(default_view)
    app.add_template_global(map_setup)
