"""Data Package publishing: stage, validate, preview, then publish (or discard).

A publisher sends a ``datapackage.json`` with its files, or a zip of them. ``stage_package`` keeps
them in a staging folder under the instance folder, keyed by a random token
(``<instance>/validation/staging/<token>/``), extracts a zip safely and validates the package
whole. Nothing reaches the catalog at this point: the publisher sees the full report first.
``publish_staged`` then creates the dataset and its resources in one unit of work through the
catalog's services; a package with errors is published only when the publishing rule
(``PORTAL_PUBLISH_WITH_ERRORS``, on by default) allows it, and the dataset's extras then say
``published_with_errors``. ``check_publishable`` enforces the same rule on every resource saved
by the forms and the API. Staged packages are
removed once published or discarded, and after ``STAGING_MAX_AGE`` in any case.

``dataset_datapackage(dataset)`` is the reverse: any dataset as a Data Package descriptor.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import bounded_json, db
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.licenses import get_license
from portal.catalog.models import Dataset, Resource
from portal.catalog.schemas import SLUG
from portal.db import unit_of_work, utcnow
from portal.errors import NotFound, ValidationError
from portal.validation.datapackage import (
    DESCRIPTOR_NAME,
    datapackage_to_dataset,
    dataset_to_datapackage,
    find_descriptor,
    max_unzipped_bytes,
    safe_extract,
    validate_datapackage,
)
from portal.validation.messages import make_error
from portal.validation.report import Report
from portal.validation.schemas_registry import SchemaReferenceError, resolve_schema
from portal.validation.tabular import VALIDATOR_VERSION

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
STAGING_MAX_AGE = timedelta(hours=24)
META_NAME = "meta.json"
PACKAGE_DIR = "package"
COPY_CHUNK = 1024 * 1024
#: Extra marking a dataset published although its package did not validate.
INVALID_MARK = "published_with_errors"
#: Licence ids of Data Package descriptors that the catalog spells differently.
LICENSE_IDS = {"ODC-ODbL-1.0": "ODbL-1.0", "ODC-PDDL-1.0": "PDDL-1.0"}
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$")


@dataclass
class StagedPackage:
    token: str
    folder: Path
    owner_id: str
    created: datetime
    descriptor_path: str | None  # relative to the package folder
    report: Report

    @property
    def package_dir(self) -> Path:
        return self.folder / PACKAGE_DIR

    @property
    def valid(self) -> bool:
        return self.report.valid

    def descriptor(self) -> dict[str, Any] | None:
        """The package's descriptor, or ``None`` when there is none or it is not JSON."""
        if self.descriptor_path is None:
            return None
        try:
            data = bounded_json.loads((self.package_dir / self.descriptor_path).read_bytes())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None


def allow_invalid() -> bool:
    """The publishing rule (``PORTAL_PUBLISH_WITH_ERRORS``): may data with validation errors be
    published? Yes by default (marked as such); when off, it is refused on every path."""
    return bool(current_app.config.get("PORTAL_PUBLISH_WITH_ERRORS", True))


def check_publishable(resource: Resource, *, actor=None, **_extra) -> None:
    """Receiver of ``portal.signals.resource_saving``: the one place where the publishing rule
    is enforced for the forms, the API and Data Package publishing (they all save resources
    through ``catalog.services``). When data with errors may not be published, the resource's
    new file or link is validated now, inside the save's unit of work; errors refuse the save
    (nothing is written, the stored file is removed) and a clean outcome is stored as its
    report, so it is not validated again after the commit. Harvests and other system writes
    mirror what others published and are left to the usual validation."""
    if allow_invalid() or isinstance(actor, permissions.SystemActor):
        return
    from portal.validation import services

    # Nothing of the save is written while the file is read (no autoflush): no write lock
    # is held meanwhile (SQLite has one for the whole database).
    with db.session.no_autoflush:
        if not services.is_candidate(resource):
            return
        outcome = services.check_resource(resource)
    status = services.status_of(outcome) if outcome is not None else None
    if status == "failure":
        field = "upload" if resource.url_type == "upload" else "url"
        raise ValidationError({field: error_lines(outcome, _l(
            "Los datos tienen errores de validación y este portal no publica datos con "
            "errores: corríjalos y súbalos de nuevo."))})
    if status == "success":  # "could not validate" is left to the background run and its retry
        services.record_outcome(resource, outcome)


def error_lines(report: Report, lead: Any, limit: int = 50) -> list[str]:
    """A refusal's messages: ``lead``, then ``[type] (location) message`` per error."""
    lines = [str(lead)]
    for error in report.flatten()[:limit]:
        where = ", ".join(str(part) for part in (
            _l("fila %(n)s", n=error.row) if error.row is not None else None, error.field,
            error.path) if part)
        lines.append(f"[{error.type}]{f' ({where})' if where else ''} {error.message}")
    return lines


def staging_root() -> Path:
    return Path(current_app.instance_path) / "validation" / "staging"


# -- staging ---------------------------------------------------------------------------------------

def stage_package(files: list[tuple[str, BinaryIO]], actor) -> StagedPackage:
    """Keep the uploaded package (a zip, or a ``datapackage.json`` and its files) under a new
    token and validate it whole. Writes nothing to the catalog."""
    permissions.require_user(actor)
    if not files:
        raise ValidationError({"upload": [str(_l(
            "Suba un archivo ZIP del paquete, o su datapackage.json con sus archivos."))]})
    cleanup_staging()
    token = secrets.token_hex(16)
    folder = staging_root() / token
    package = folder / PACKAGE_DIR
    package.mkdir(parents=True)
    report = Report(validator="datapackage", validator_version=VALIDATOR_VERSION)
    descriptor: Path | None = None
    try:
        saved = [_save(folder if len(files) == 1 else package, name, stream)
                 for name, stream in files]
        if len(saved) == 1 and _is_zip(saved[0]):
            problems = safe_extract(saved[0], package, max_unzipped_bytes())
            saved[0].unlink()
            if problems:
                report.errors.extend(problems)
            else:
                descriptor = find_descriptor(package)
                if descriptor is None:
                    report.errors.append(make_error("datapackage-missing", _l(
                        "El ZIP no contiene un archivo datapackage.json.")))
        else:
            if len(saved) == 1:
                saved = [shutil.move(saved[0], package / saved[0].name)]
            descriptor = next((Path(p) for p in saved if Path(p).name == DESCRIPTOR_NAME), None)
            if descriptor is None:
                report.errors.append(make_error("datapackage-missing", _l(
                    "Entre los archivos subidos falta el datapackage.json del paquete.")))
            else:
                _place_files(package, descriptor)
        if descriptor is not None:
            refused = _refused_urls(descriptor)
            if refused:
                report.errors.extend(refused)
            else:
                report = validate_datapackage(descriptor)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    staged = StagedPackage(
        token=token, folder=folder, owner_id=str(getattr(actor, "id", "")), created=utcnow(),
        descriptor_path=descriptor.relative_to(package).as_posix() if descriptor else None,
        report=report)
    _write_meta(staged)
    return staged


def load_staged(token: str, actor) -> StagedPackage:
    """The staged package of this token, if it is the actor's and has not expired."""
    missing = NotFound(str(_l("El paquete de datos ya no está disponible; súbalo de nuevo.")))
    if not TOKEN_RE.match(token or ""):
        raise missing
    folder = staging_root() / token
    try:
        meta = json.loads((folder / META_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        raise missing from None
    staged = StagedPackage(
        token=token, folder=folder, owner_id=meta["owner_id"],
        created=datetime.fromisoformat(meta["created"]), descriptor_path=meta["descriptor"],
        report=Report.from_dict(meta["report"]))
    if utcnow() - staged.created > STAGING_MAX_AGE:
        discard(staged)
        raise missing
    if staged.owner_id != str(getattr(actor, "id", "")):
        raise missing
    return staged


def discard(staged: StagedPackage) -> None:
    shutil.rmtree(staged.folder, ignore_errors=True)


def cleanup_staging(max_age: timedelta = STAGING_MAX_AGE) -> int:
    """Remove staged packages older than ``max_age``; how many were removed."""
    root = staging_root()
    if not root.is_dir():
        return 0
    limit = datetime.now().timestamp() - max_age.total_seconds()
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and TOKEN_RE.match(folder.name) and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _write_meta(staged: StagedPackage) -> None:
    meta = {"owner_id": staged.owner_id, "created": staged.created.isoformat(),
            "descriptor": staged.descriptor_path, "report": staged.report.to_dict()}
    (staged.folder / META_NAME).write_text(json.dumps(meta, ensure_ascii=False, default=str),
                                           "utf-8")


def _save(folder: Path, filename: str, stream: BinaryIO) -> Path:
    target = folder / _local_name(filename)
    with target.open("wb") as output:
        while chunk := stream.read(COPY_CHUNK):
            output.write(chunk)
    return target


def _local_name(filename: str) -> str:
    """The uploaded file's own name without any folder; a strange name becomes a safe one."""
    from portal.storage import safe_filename

    name = PurePosixPath((filename or "").replace("\\", "/")).name
    return name if _PLAIN_NAME.match(name) and name not in (".", "..") else safe_filename(name)


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _place_files(package: Path, descriptor: Path) -> None:
    """Move uploaded files to the relative paths the descriptor gives them (``data/x.csv``):
    a browser sends file names without their folders."""
    try:
        data = bounded_json.loads(descriptor.read_bytes())
    except (OSError, ValueError):
        return  # frictionless reports the broken descriptor
    if not isinstance(data, dict):
        return
    for resource in data.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        paths = resource.get("path")
        wanted = paths if isinstance(paths, list) else [paths, resource.get("schema")]
        for path in wanted:
            if not isinstance(path, str) or "://" in path or not _inside(path):
                continue
            target = package / path
            source = package / PurePosixPath(path).name
            if not target.exists() and source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(source, target)


def _refused_urls(descriptor: Path) -> list:
    """Errors for the remote files and schemas of the package that point at private or local
    addresses: frictionless would read them while validating."""
    from portal.validation.services import refused_url

    try:
        data = bounded_json.loads(descriptor.read_bytes())
    except (OSError, ValueError):
        return []  # frictionless reports the broken descriptor
    urls = []
    for resource in (data.get("resources") or []) if isinstance(data, dict) else []:
        if not isinstance(resource, dict):
            continue
        paths = resource.get("path")
        for value in [*(paths if isinstance(paths, list) else [paths]),
                      resource.get("schema"), resource.get("dialect")]:
            if isinstance(value, str) and "://" in value:
                urls.append(value)
    problems = [refused_url(url) for url in dict.fromkeys(urls)]
    return [problem for problem in problems if problem is not None]


def _inside(path: str) -> bool:
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts \
        and not re.match(r"^[A-Za-z]:", path)


# -- publishing ------------------------------------------------------------------------------------

def dataset_input(staged: StagedPackage, choices: dict[str, Any]) -> dict[str, Any]:
    """The catalog input for the staged package: the descriptor's metadata, then the
    publisher's choices (``entity``, and any of ``name``, ``title``, ``license_id``,
    ``private``)."""
    descriptor = staged.descriptor() or {}
    mapped = datapackage_to_dataset(descriptor)
    title = str(mapped.get("title") or mapped.get("name") or "").strip()
    license_id = mapped.get("license_id") or ""
    license_id = LICENSE_IDS.get(license_id, license_id)
    data: dict[str, Any] = {
        "name": dataset_name(mapped.get("name") or title),
        "title": title[:500],
        "description": str(mapped.get("description") or ""),
        "license_id": license_id if get_license(license_id) else "",
        "keywords": [k.strip()[:100] for k in mapped.get("keywords") or [] if k.strip()],
        "version": str(mapped.get("version") or "")[:50],
        "private": False,
        "extras": {},
    }
    contributors = mapped.get("contributors") or []
    if contributors:
        data["extras"]["contributors"] = json.dumps(contributors, ensure_ascii=False)
        contact = next((c for c in contributors if c.get("email")), None)
        if contact is not None:
            data["contact_name"] = str(contact.get("title") or "")[:200]
            data["contact_email"] = str(contact["email"])[:254]
    for key in ("entity", "name", "title", "license_id"):
        if choices.get(key):
            data[key] = choices[key]
    if "private" in choices:
        data["private"] = bool(choices["private"])
    return data


def dataset_name(text: str) -> str:
    """A catalog name (``[a-z0-9][a-z0-9_-]{1,99}``) from a package name or title."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", plain.lower()).strip("-_")[:100]
    return slug if SLUG.match(slug) else ""


def publish_staged(staged: StagedPackage, choices: dict[str, Any], actor) -> Dataset:
    """Create the dataset and its resources from a staged package, all or nothing; then remove
    the staged files. Refused while the package has errors, unless the sysadmin option allows
    it (the dataset is then marked ``published_with_errors``)."""
    if not staged.valid and not allow_invalid():
        raise ValidationError({"package": error_lines(staged.report, _l(
            "El paquete de datos tiene errores de validación: corríjalos y súbalo de nuevo."))})
    descriptor = staged.descriptor()
    if descriptor is None:
        raise ValidationError({"package": [str(_l(
            "El paquete no tiene un datapackage.json legible: no se puede publicar."))]})
    data = dataset_input(staged, choices)
    if not staged.valid:
        data["extras"][INVALID_MARK] = "true"
    base = (staged.package_dir / (staged.descriptor_path or DESCRIPTOR_NAME)).parent
    with ExitStack() as files, unit_of_work():
        dataset = catalog.create_dataset(data, actor)
        for index, resource in enumerate(r for r in descriptor.get("resources") or []
                                         if isinstance(r, dict)):
            fields, upload = _resource_input(resource, index, base, files)
            catalog.create_resource(dataset, fields, actor, **upload)
    discard(staged)
    return dataset


def _resource_input(resource: dict[str, Any], index: int, base: Path, files: ExitStack
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    mapped = datapackage_to_dataset({"resources": [resource]})["resources"][0]
    fields: dict[str, Any] = {
        "name": str(mapped.get("name") or f"recurso-{index + 1}")[:500],
        "description": str(mapped.get("description") or ""),
        "format": str(mapped.get("format") or "").upper()[:50],
        "media_type": str(mapped.get("media_type") or "")[:200],
        "schema": _schema_of(resource.get("schema"), base),
    }
    if mapped.get("url"):
        fields["url"] = mapped["url"]
        return fields, {}
    path = mapped.get("path")
    if isinstance(path, str) and _inside(path) and (base / path).is_file():
        handle = files.enter_context((base / path).open("rb"))
        return fields, {"upload": handle, "filename": PurePosixPath(path).name}
    if "data" in resource:  # inline data becomes a JSON file
        import io

        content = json.dumps(resource["data"], ensure_ascii=False, indent=2).encode()
        fields["format"] = fields["format"] or "JSON"
        return fields, {"upload": io.BytesIO(content), "filename": f"{fields['name']}.json"}
    raise ValidationError({"resources": [str(_l(
        "El recurso «%(name)s» no tiene un archivo ni una URL.", name=fields["name"]))]})


def _schema_of(schema: Any, base: Path) -> Any:
    """A resource's schema as the catalog stores it: inline dict, URL, or a schema file of the
    package read inline."""
    if isinstance(schema, dict) or schema is None:
        return schema
    if isinstance(schema, str) and schema.startswith(("http://", "https://")):
        return schema
    if isinstance(schema, str) and _inside(schema) and (base / schema).is_file():
        try:
            loaded = bounded_json.loads((base / schema).read_bytes())
        except (OSError, ValueError):
            return None
        return loaded if isinstance(loaded, dict) else None
    return None


# -- the reverse: a dataset as a Data Package ------------------------------------------------------

def dataset_datapackage(dataset: Dataset, download_url) -> dict[str, Any]:
    """The dataset as a Data Package v2 descriptor; ``download_url(resource)`` gives each
    resource's public address."""
    contributors: list[dict[str, Any]] = []
    stored = (dataset.extras or {}).get("contributors")
    if isinstance(stored, str):
        try:
            contributors = [c for c in json.loads(stored) if isinstance(c, dict)]
        except ValueError:
            contributors = []
    if not contributors and (dataset.contact_name or dataset.contact_email):
        contributors = [{"title": dataset.contact_name or dataset.contact_email,
                         "email": dataset.contact_email, "roles": ["contact"]}]
    names: set[str] = set()
    resources = []
    for resource in dataset.resources:
        resources.append({
            "name": _unique(resource.name or f"recurso-{resource.position + 1}", names),
            "url": download_url(resource),
            "description": resource.description,
            "format": (resource.format or "").lower(),
            "media_type": resource.media_type,
            "size": resource.size,
            "sha256": resource.sha256,
            "hash": resource.hash,  # declared by the publisher
            "schema": _schema_out(resource),
        })
    descriptor = dataset_to_datapackage({
        "name": dataset.name, "title": dataset.title, "description": dataset.description,
        "version": dataset.version, "keywords": dataset.keywords,
        "license_id": dataset.license_id, "contributors": contributors, "resources": resources,
    })
    licence = get_license(dataset.license_id) if dataset.license_id else None
    if licence is not None and descriptor.get("licenses"):
        descriptor["licenses"][0]["title"] = licence.title
        if licence.url:
            descriptor["licenses"][0].setdefault("path", licence.url)
    return descriptor


def _unique(name: str, taken: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-") or "recurso"
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _schema_out(resource: Resource) -> Any:
    schema = resource.schema
    if isinstance(schema, dict) and "fields" in schema:
        return schema
    reference = schema.get("url") or schema.get("name") if isinstance(schema, dict) else schema
    if not isinstance(reference, str) or not reference:
        return None
    if reference.startswith(("http://", "https://")):
        return reference
    try:
        return resolve_schema(reference)  # a registry name, of the site or of an entity
    except SchemaReferenceError:
        return None
