"""Data Packages: validation of a ``datapackage.json`` or of a zip of a package, and the mapping
between a package descriptor and our dataset fields (both directions, side by side).

A zip is extracted safely into a temporary folder: a member whose path escapes the folder
(``zip-path-escape``), a symbolic link (``zip-symlink``) or an archive that expands beyond the
size limit (``zip-too-large``) is refused before anything is written. The package is validated
whole by frictionless: one task per resource, so the publisher sees the full report.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from flask_babel import lazy_gettext as _l
from frictionless import FrictionlessException, Package

from portal.bounded_json import JsonTooDeep
from portal.bounded_json import loads as bounded_loads
from portal.catalog.licenses import find_license, get_license
from portal.validation import limits
from portal.validation.messages import make_error
from portal.validation.report import Report, ReportError, ReportTask
from portal.validation.settings import setting
from portal.validation.tabular import (
    DEFAULT_LIMIT_ERRORS,
    TABLE_FORMATS,
    VALIDATOR_VERSION,
    bounded_checklist,
    bounds_problem,
    error_from_frictionless,
    merge_frictionless_task,
)
from portal.validation.tabular import _check_content as check_content

MAX_UNZIPPED_ENV = "PORTAL_DATAPACKAGE_MAX_UNZIPPED_MB"
DEFAULT_MAX_UNZIPPED_MB = 500
DESCRIPTOR_NAME = "datapackage.json"
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
COPY_CHUNK = 1024 * 1024
#: A descriptor is metadata: far below this even with inline schemas.
MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024


def max_unzipped_bytes() -> int:
    """The size limit of an extracted archive (``PORTAL_DATAPACKAGE_MAX_UNZIPPED_MB``)."""
    try:
        megabytes = int(setting(MAX_UNZIPPED_ENV, DEFAULT_MAX_UNZIPPED_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_UNZIPPED_MB
    return megabytes * 1024 * 1024


def validate_datapackage(
    source: str | os.PathLike,
    *,
    max_bytes: int | None = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
) -> Report:
    """Validate a ``datapackage.json`` (its files beside it) or a zip holding a package."""
    started = time.perf_counter()
    report = Report(validator="datapackage", validator_version=VALIDATOR_VERSION)
    path = Path(os.fspath(source))
    if zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="portal-datapackage-") as folder:
            problems = safe_extract(path, Path(folder), max_bytes or max_unzipped_bytes())
            if problems:
                report.errors.extend(problems)
            else:
                descriptor = find_descriptor(Path(folder))
                if descriptor is None:
                    report.errors.append(make_error("datapackage-missing", _l(
                        "El ZIP no contiene un archivo datapackage.json.")))
                else:
                    _validate_descriptor(descriptor, report, limit_errors)
    elif path.suffix.lower() == ".zip" or _starts_like_zip(path):
        report.errors.append(make_error("zip-error", _l(
            "%(name)s no es un archivo ZIP legible.", name=path.name)))
    elif path.is_file():
        _validate_descriptor(path, report, limit_errors)
    else:
        report.errors.append(make_error("scheme-error", _l(
            "No existe el archivo %(path)s.", path=str(path))))
    report.seconds = time.perf_counter() - started
    return report


def _starts_like_zip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _validate_descriptor(descriptor: Path, report: Report, limit_errors: int) -> None:
    problem = _bounds_problem(descriptor)
    if problem is not None:
        report.errors.append(problem)
        return
    limits.bound_csv_cells()
    try:
        package = Package(descriptor.name, basepath=str(descriptor.parent))
        freport = package.validate(limit_errors=limit_errors,
                                   checklist=bounded_checklist(limits.Deadline()))
    except FrictionlessException as exc:
        report.errors.append(error_from_frictionless(exc.error))
        return
    except limits.OverBound as exc:
        report.errors.append(exc.error)
        return
    report.errors.extend(error_from_frictionless(e) for e in freport.errors)
    for ftask in freport.tasks:
        task = ReportTask(name=ftask.name, type="table", place=ftask.place)
        problem = _content_problem(descriptor.parent, ftask.place)
        if problem is not None:  # say what the file is, not what decoding it as text gave
            task.errors.append(problem)
            report.tasks.append(task)
            continue
        report.tasks.append(merge_frictionless_task(task, ftask))


def _bounds_problem(descriptor: Path) -> ReportError | None:
    """The bounds of ``limits`` before frictionless reads anything: the descriptor's size and
    depth, then each local table's header width or expanded size."""
    size = descriptor.stat().st_size
    if size > MAX_DESCRIPTOR_BYTES:
        return make_error("package-error", _l(
            "El descriptor datapackage.json pesa %(size)s bytes; el límite es %(limit)s.",
            size=size, limit=MAX_DESCRIPTOR_BYTES))
    try:
        data = bounded_loads(descriptor.read_bytes())
    except JsonTooDeep as exc:
        return limits.json_too_deep(exc.limit)
    except ValueError:
        return None  # not JSON: frictionless says so in its own words
    resources = data.get("resources") if isinstance(data, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        paths = resource.get("path") if isinstance(resource, dict) else None
        for place in paths if isinstance(paths, list) else [paths]:
            if not isinstance(place, str) or "://" in place:
                continue
            path = descriptor.parent / place
            fmt = path.suffix.lower().lstrip(".")
            if fmt in TABLE_FORMATS and path.is_file() and _is_inside(place):
                problem = bounds_problem(path, fmt)
                if problem is not None:
                    problem.path = place
                    return problem
    return None


def _content_problem(base: Path, place: str) -> ReportError | None:
    """A ``format-error`` when a local table of the package is not what its extension says."""
    if not isinstance(place, str) or "://" in place:
        return None
    path = base / place
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in TABLE_FORMATS or not path.is_file():
        return None
    problem, _fmt = check_content(path, fmt)
    return problem if problem is not None and problem.type == "format-error" else None


def find_descriptor(folder: Path) -> Path | None:
    """``datapackage.json`` at the root of ``folder`` or of its only sub-folder."""
    direct = folder / DESCRIPTOR_NAME
    if direct.is_file():
        return direct
    children = [p for p in folder.iterdir() if p.is_dir()]
    if len(children) == 1 and (children[0] / DESCRIPTOR_NAME).is_file():
        return children[0] / DESCRIPTOR_NAME
    return None


def safe_extract(archive_path: Path, dest: Path, max_bytes: int) -> list[ReportError]:
    """Extract a zip into ``dest`` unless a member is unsafe; return the problems found.

    Every member is checked before anything is written; sizes are checked on the declared
    sizes and again on the bytes actually written (a forged header cannot get past the limit).
    """
    problems: list[ReportError] = []
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [make_error("zip-error", _l("No se pudo abrir el ZIP: %(error)s", error=exc))]
    with archive:
        members = archive.infolist()
        declared = 0
        for member in members:
            name = member.filename
            if stat.S_ISLNK(member.external_attr >> 16):
                problems.append(make_error("zip-symlink", _l(
                    "El ZIP contiene el enlace simbólico «%(name)s»; no se aceptan enlaces.",
                    name=name), path=name))
            if not _is_inside(name):
                problems.append(make_error("zip-path-escape", _l(
                    "La ruta «%(name)s» del ZIP sale de la carpeta del paquete.", name=name),
                    path=name))
            declared += member.file_size
        if declared > max_bytes:
            problems.append(make_error("zip-too-large", _l(
                "El ZIP se expande a %(size)s bytes, más que el límite de %(limit)s.",
                size=declared, limit=max_bytes)))
        if problems:
            return problems
        written = 0
        root = dest.resolve()
        for member in members:
            target = (root / member.filename).resolve()
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, target.open("wb") as output:
                    while chunk := source.read(COPY_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            return [make_error("zip-too-large", _l(
                                "El ZIP se expande a más de %(limit)s bytes.", limit=max_bytes))]
                        output.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                shutil.rmtree(root, ignore_errors=True)
                return [make_error("zip-error", _l(
                    "No se pudo extraer «%(name)s»: %(error)s", name=member.filename,
                    error=exc))]
    return []


def _is_inside(name: str) -> bool:
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized):
        return False
    depth = 0
    for part in PurePosixPath(normalized).parts:
        if part == "..":
            depth -= 1
            if depth < 0:
                return False
        elif part not in (".", ""):
            depth += 1
    return True


# -- descriptor <-> dataset ---------------------------------------------------------------------

def license_id_of(licence: dict[str, Any]) -> str | None:
    """The Open Definition id of a descriptor licence (by name, then by URL), from the
    portal's licence registry; an unknown name is returned as it is, for the caller to refuse."""
    name = str(licence.get("name") or "").strip()
    found = find_license(name) or find_license(str(licence.get("path") or ""))
    return found.id if found else (name or None)


def datapackage_to_dataset(descriptor: dict[str, Any]) -> dict[str, Any]:
    """Our dataset fields from a Data Package descriptor (v1 or v2)."""
    licenses = descriptor.get("licenses") or []
    license_id = next((license_id_of(lic) for lic in licenses if isinstance(lic, dict)), None)
    return {
        "name": descriptor.get("name"),
        "title": descriptor.get("title"),
        "description": descriptor.get("description"),
        "license_id": license_id,
        "keywords": [str(k) for k in descriptor.get("keywords") or []],
        "version": descriptor.get("version"),
        "contributors": [_contributor_in(c) for c in descriptor.get("contributors") or []
                         if isinstance(c, dict)],
        "resources": [_resource_in(r) for r in descriptor.get("resources") or []
                      if isinstance(r, dict)],
    }


def dataset_to_datapackage(dataset: dict[str, Any]) -> dict[str, Any]:
    """A Frictionless Data Package v2 descriptor from our dataset fields."""
    descriptor: dict[str, Any] = {"$schema": DATAPACKAGE_PROFILE, "name": _slug(dataset["name"])}
    for key in ("title", "description", "version"):
        if dataset.get(key):
            descriptor[key] = dataset[key]
    if dataset.get("keywords"):
        descriptor["keywords"] = list(dataset["keywords"])
    if dataset.get("license_id"):
        licence = {"name": dataset["license_id"]}
        known = get_license(dataset["license_id"])
        if known is not None and known.url:
            licence["path"] = known.url
        descriptor["licenses"] = [licence]
    if dataset.get("contributors"):
        descriptor["contributors"] = [_contributor_out(c) for c in dataset["contributors"]]
    descriptor["resources"] = [_resource_out(r, i)
                               for i, r in enumerate(dataset.get("resources") or [])]
    return descriptor


def _contributor_in(contributor: dict[str, Any]) -> dict[str, Any]:
    roles = contributor.get("roles")
    if roles is None and contributor.get("role"):
        roles = [contributor["role"]]
    found = {"title": contributor.get("title"), "email": contributor.get("email"),
             "path": contributor.get("path"), "organization": contributor.get("organization"),
             "roles": list(roles or [])}
    return {k: v for k, v in found.items() if v not in (None, "")}


def _contributor_out(contributor: dict[str, Any]) -> dict[str, Any]:
    return {k: contributor[k] for k in ("title", "email", "path", "organization", "roles")
            if contributor.get(k)}


def _resource_in(resource: dict[str, Any]) -> dict[str, Any]:
    location = resource.get("path")
    if isinstance(location, list):
        location = location[0] if location else None
    found: dict[str, Any] = {
        "name": resource.get("name"),
        "description": resource.get("description"),
        "format": resource.get("format"),
        "media_type": resource.get("mediatype") or resource.get("mediaType"),
        "size": resource.get("bytes"),
        "sha256": None,
        "schema": resource.get("schema") if isinstance(resource.get("schema"), dict) else None,
    }
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        found["url"] = location
    else:
        found["path"] = location
    digest = resource.get("hash")
    if isinstance(digest, str) and digest.lower().startswith("sha256:"):
        found["sha256"] = digest.split(":", 1)[1].lower()
    return found


def _resource_out(resource: dict[str, Any], index: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": _slug(resource.get("name") or f"resource-{index + 1}"),
        "path": resource.get("url") or resource.get("path"),
    }
    if resource.get("description"):
        out["description"] = resource["description"]
    if resource.get("format"):
        out["format"] = resource["format"]
    if resource.get("media_type"):
        out["mediatype"] = resource["media_type"]
    if resource.get("size") is not None:
        out["bytes"] = resource["size"]
    digest = _hash_out(resource)
    if digest:
        out["hash"] = digest
    if resource.get("schema"):
        out["schema"] = resource["schema"]
    return out


#: The algorithm of a bare hexadecimal digest, by its length.
HEX_ALGORITHMS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}


def _hash_out(resource: dict[str, Any]) -> str | None:
    """The resource's checksum with its algorithm (``sha256:...``): a bare digest means MD5 to
    frictionless, which would then report ``hash-count`` on a SHA-256. The portal's own
    SHA-256 of a stored file first; else what the publisher declared, when its algorithm is
    written or can be told from its length."""
    if resource.get("sha256"):
        return f"sha256:{resource['sha256']}"
    declared = str(resource.get("hash") or "").strip()
    algorithm, _, digest = declared.rpartition(":")
    if not re.fullmatch(r"[0-9a-fA-F]+", digest):
        return None
    algorithm = algorithm.lower() or HEX_ALGORITHMS.get(len(digest), "")
    return f"{algorithm}:{digest.lower()}" if algorithm else None


def _slug(name: str) -> str:
    """A Data Package name: lower case letters, digits and ``-._``."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", str(name).lower()).strip("-")
    return slug or "dataset"
