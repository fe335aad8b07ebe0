"""Municipal boundaries of Bolivia, from the file ``PORTAL_MUNICIPAL_BOUNDARIES`` names.

No package reachable from here carries them under an open licence, so they are not shipped:
an operator downloads them (GeoBolivia / INE, see docs/datastore.md) and names the file. It is
read once per process (again when the file or the settings change) and turned into the shape
of the departments' file: one feature per municipality with ``codigo_ine`` (6 digits, leading
zeros) and ``nombre``, geometry as it was, every other property dropped. A file the portal
cannot use (missing, not GeoJSON, no feature with a well-formed code) is a ``SettingError``;
malformed codes in a usable file are listed by ``check`` (``portal maps check``) and left out.

While the portal runs, requests ask ``current``: a file replaced by one it cannot use (broken,
removed, unreadable) makes the municipal maps ``Unavailable`` instead of failing the request;
the reason is logged once, with the path, and the file is read again as soon as it changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from portal.config import SettingError

log = logging.getLogger(__name__)

SETTING = "PORTAL_MUNICIPAL_BOUNDARIES"
EXTENSION = "municipal_boundaries"
#: The app extension holding the ``Unavailable`` of a file that cannot be used.
FAILURE = "municipal_boundaries_failure"
_failure_lock = threading.Lock()
POLYGONS = frozenset({"Polygon", "MultiPolygon"})
DIGITS = re.compile(r"^\d{5,6}$")
#: Bolivia with a wide margin, in longitude/latitude: a vertex outside it means the file is in
#: another coordinate system (GeoBolivia also publishes in UTM) or is not of Bolivia.
BOLIVIA = (-75.0, -25.0, -55.0, -5.0)


def municipal_code(value: Any) -> str | None:
    """An INE municipal code as 6 digits with leading zeros (``20101``, ``"20101"`` and
    ``"020101"`` are ``"020101"``), its first two digits a department ("01".."09"); ``None``
    for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    if not DIGITS.match(text):
        return None
    text = text.zfill(6)
    return text if "01" <= text[:2] <= "09" else None


@dataclass
class Municipalities:
    """The file read: its municipalities in the departments' shape, and what was wrong."""

    path: str
    code_property: str
    features: int = 0
    #: Normalised code -> the municipality's name.
    names: dict[str, str] = field(default_factory=dict)
    #: (feature number from 1, the property's value) of codes that are not 6-digit INE codes.
    malformed: list[tuple[int, Any]] = field(default_factory=list)
    #: Feature numbers without the code property.
    missing: list[int] = field(default_factory=list)
    #: Feature numbers whose geometry is not a polygon (they are left out).
    not_polygons: list[int] = field(default_factory=list)
    #: Feature numbers whose first vertex is not a longitude/latitude in Bolivia (left out).
    outside: list[int] = field(default_factory=list)
    #: Codes held by more than one feature (their parts are drawn alike).
    repeated: list[str] = field(default_factory=list)
    body: bytes = b""
    etag: str = ""
    modified: float = 0.0
    key: tuple = ()

    @property
    def problems(self) -> bool:
        return bool(self.malformed or self.missing or self.not_polygons or self.outside)


def read(path: str, code_property: str, name_property: str) -> Municipalities:
    """Read and normalise the file; a ``SettingError`` naming ``PORTAL_MUNICIPAL_BOUNDARIES``
    when it cannot be used at all."""
    try:
        stat = os.stat(path)
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise SettingError(SETTING, f"cannot read {path!r} ({exc.strerror or exc})") from exc
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise SettingError(SETTING, f"{path!r} is not GeoJSON (not JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise SettingError(SETTING, f"{path!r} is not a GeoJSON FeatureCollection")
    found = Municipalities(path=path, code_property=code_property,
                           features=len(data["features"]))
    features, counts = [], {}
    for number, feature in enumerate(data["features"], start=1):
        properties = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        if not isinstance(properties, dict) or code_property not in properties:
            found.missing.append(number)
            continue
        code = municipal_code(properties[code_property])
        if code is None:
            found.malformed.append((number, properties[code_property]))
            continue
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONS:
            found.not_polygons.append(number)
            continue
        if not _in_bolivia(geometry):
            found.outside.append(number)
            continue
        name = properties.get(name_property)
        name = str(name).strip() if name not in (None, "") else code
        found.names.setdefault(code, name)
        counts[code] = counts.get(code, 0) + 1
        features.append({"type": "Feature", "id": code,
                         "properties": {"codigo_ine": code, "nombre": found.names[code]},
                         "geometry": geometry})
    if not features:
        raise SettingError(SETTING, f"{path!r} has no polygon feature whose property "
                                    f"{code_property!r} holds a 6-digit INE municipal code "
                                    "(see PORTAL_MUNICIPAL_CODE_PROPERTY) with longitudes and "
                                    "latitudes (WGS 84) in Bolivia")
    found.repeated = sorted(code for code, count in counts.items() if count > 1)
    features.sort(key=lambda feature: feature["id"])
    found.body = json.dumps({"type": "FeatureCollection", "features": features},
                            ensure_ascii=False, separators=(",", ":")).encode()
    found.etag = hashlib.sha256(found.body).hexdigest()[:32]
    found.modified = stat.st_mtime
    found.key = (path, code_property, name_property, stat.st_mtime_ns, stat.st_size)
    return found


def _in_bolivia(geometry: dict[str, Any]) -> bool:
    """Whether the polygon's first vertex is a longitude/latitude in Bolivia."""
    vertex = geometry.get("coordinates")
    while isinstance(vertex, list) and vertex and isinstance(vertex[0], list):
        vertex = vertex[0]
    if not isinstance(vertex, list) or len(vertex) < 2 \
            or not all(isinstance(value, (int, float)) for value in vertex[:2]):
        return False
    west, south, east, north = BOLIVIA
    return west <= vertex[0] <= east and south <= vertex[1] <= north


def municipalities(app: Flask) -> Municipalities | None:
    """The configured municipalities (``None`` when the setting is empty), read again when the
    file or the settings changed; a ``SettingError`` when the file cannot be used."""
    path = app.config.get(SETTING) or ""
    if not path:
        return None
    code_property = app.config["PORTAL_MUNICIPAL_CODE_PROPERTY"]
    name_property = app.config["PORTAL_MUNICIPAL_NAME_PROPERTY"]
    cached = app.extensions.get(EXTENSION)
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise SettingError(SETTING, f"cannot read {path!r} ({exc.strerror or exc})") from exc
    if cached is None or cached.key != (path, code_property, name_property, stat.st_mtime_ns,
                                        stat.st_size):
        cached = app.extensions[EXTENSION] = read(path, code_property, name_property)
    return cached


@dataclass(frozen=True)
class Unavailable:
    """The configured file cannot be used now: ``reason`` (for the log, it names the path)."""

    path: str
    reason: str
    #: The file's state when it failed (or the reason it has none): a change means read again.
    state: tuple = ()


def _state(app: Flask, path: str) -> tuple:
    """What identifies this version of the file: a new file (renamed over it), new content or new
    permissions (``chmod`` changes ``ctime``) or other settings are a new state."""
    try:
        found = os.stat(path)
    except OSError as exc:
        return (path, "stat", exc.errno)
    return (path, app.config["PORTAL_MUNICIPAL_CODE_PROPERTY"],
            app.config["PORTAL_MUNICIPAL_NAME_PROPERTY"], found.st_ino, found.st_mtime_ns,
            found.st_ctime_ns, found.st_size)


def current(app: Flask) -> Municipalities | Unavailable | None:
    """What a request may use: the municipalities, ``None`` when the setting is empty, or
    ``Unavailable`` when the file became unusable after start-up. The failure is logged once per
    state of the file (with its path and why) and not read again until the file changes."""
    path = app.config.get(SETTING) or ""
    if not path:
        return None
    state = _state(app, path)
    failed = app.extensions.get(FAILURE)
    if failed is not None and failed.state == state:
        return failed
    try:
        found = municipalities(app)
    except SettingError as exc:
        with _failure_lock:
            failed = app.extensions.get(FAILURE)
            if failed is None or failed.state != state:
                log.error("municipal maps unavailable (they are drawn by department until the "
                          "file is fixed): %s", exc)
                failed = app.extensions[FAILURE] = Unavailable(path, str(exc), state)
        return failed
    if app.extensions.pop(FAILURE, None) is not None:
        log.warning("municipal maps available again: %s read (%d municipalities)", path,
                    len(found.names))
    return found
