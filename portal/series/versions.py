"""Dataset versions: the rules and the only writer.

An editor of the dataset's entity makes a version with a label (``1.0``, ``2024-06``): the
dataset's metadata and resources as they are now (``catalog.dataset_snapshot``) are kept, and
each uploaded file is copied under a key of its own (``versions/<version id>/...``): the
catalog replaces or deletes a resource's file when it changes. The version is citable at
``/dataset/<name>/version/<version>`` and keeps showing and serving what it held. A label is
unique per dataset and never reused; a version is never changed. Purging the dataset deletes its
versions (``ON DELETE CASCADE``) and, once that has committed, their copies (``forget_files``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, or_, select

from portal import db
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.db import new_id, on_rollback, unit_of_work, utcnow
from portal.errors import NotFound, ValidationError
from portal.series import services
from portal.series.diff import DEFAULT_LIMIT, TableDiff, diff_tables
from portal.series.models import DatasetVersion
from portal.storage import discard, storage

LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
NOTES_MAX = 5000


def versions_of(dataset: Dataset) -> list[DatasetVersion]:
    return list(db.session.scalars(select(DatasetVersion)
                                   .where(DatasetVersion.dataset_id == dataset.id)
                                   .order_by(DatasetVersion.created, DatasetVersion.version)))


def get_version(dataset: Dataset, label: str) -> DatasetVersion:
    found = db.session.scalar(select(DatasetVersion).where(
        DatasetVersion.dataset_id == dataset.id, DatasetVersion.version == label))
    if found is None:
        raise NotFound(str(_l("El conjunto «{name}» no tiene la versión «{version}».")).format(
            name=dataset.name, version=label))
    return found


def version_resource(version: DatasetVersion, resource_id: str) -> dict[str, Any]:
    for resource in version.snapshot.get("resources", []):
        if resource.get("id") == resource_id:
            return resource
    raise NotFound(str(_l("La versión «{version}» no tiene el recurso «{id}».")).format(
        version=version.version, id=resource_id))


def _check(dataset: Dataset, label: str, notes: str) -> None:
    errors: dict[str, list[str]] = {}
    if not LABEL.match(label or ""):
        errors["version"] = [str(_l(
            "La versión debe tener de 1 a 50 letras sin tildes, cifras, puntos, guiones o "
            "guiones bajos, y empezar por una letra o cifra (por ejemplo 1.0 o 2024-06)."))]
    elif db.session.scalar(select(DatasetVersion.id).where(
            DatasetVersion.dataset_id == dataset.id, DatasetVersion.version == label)):
        errors["version"] = [str(_l("Ya existe la versión «{version}» de este conjunto."))
                             .format(version=label)]
    if len(notes) > NOTES_MAX:
        errors["notes"] = [str(_l("Las notas tienen como máximo {n} caracteres.")).format(
            n=NOTES_MAX)]
    if errors:
        raise ValidationError(errors)


def create_version(dataset: Dataset, label: str, notes: str, actor) -> DatasetVersion:
    """Keep what ``dataset`` holds now as version ``label``, in one transaction; the copied
    files are deleted again if it rolls back."""
    permissions.require(permissions.can_publish_in(actor, dataset.entity_id), str(_l(
        "Solo quien publica en la entidad del conjunto de datos puede crear sus versiones.")))
    label, notes = (label or "").strip(), (notes or "").strip()
    _check(dataset, label, notes)
    snapshot = json.loads(json.dumps(catalog.dataset_snapshot(dataset), default=str))
    by_id = {resource.id: resource for resource in dataset.resources}
    version_id = new_id()
    with unit_of_work() as session:
        for item in snapshot["resources"]:
            resource = by_id[item["id"]]
            item.update(name=resource.name, format=resource.format, url=resource.url,
                        url_type=resource.url_type, schema=resource.schema)
            if resource.is_upload and resource.storage_key:
                with storage().open(resource.storage_key) as source:
                    stored = storage().save(source, resource.url or "datos",
                                            f"versions/{version_id}/{resource.id}")
                on_rollback(lambda key=stored.key: storage().delete(key))
                item.update(storage_key=stored.key, size=stored.size, sha256=stored.sha256,
                            media_type=stored.media_type)
        version = DatasetVersion(id=version_id, dataset_id=dataset.id, version=label, notes=notes,
                                 snapshot=snapshot, created=utcnow())
        session.add(version)
        session.flush()
        g.pop("dataset_versions", None)
        services.touch([dataset.id])  # the feeds' caches follow its new dcat:hasVersion
    return version


def _snapshot_keys(snapshot: dict[str, Any]) -> list[str]:
    return [item["storage_key"] for item in (snapshot or {}).get("resources", [])
            if isinstance(item, dict) and item.get("storage_key")]


def forget_files(_mapper, connection, dataset) -> None:
    """A dataset is being deleted (purged; its versions go with it, ``ON DELETE CASCADE``):
    the files its versions copied are discarded once the deletion commits."""
    keys = [key for snapshot in connection.execute(
        select(DatasetVersion.snapshot).where(DatasetVersion.dataset_id == dataset.id)).scalars()
        for key in _snapshot_keys(snapshot)]
    if keys:
        db.on_commit(lambda: discard(keys))


def stored_keys_in_use(keys: list[str]) -> set[str]:
    """The storage keys among ``keys`` that a version still holds (``storage.discard``). The
    snapshots are JSON: the rows whose text names a key are read, and their keys compared."""
    wanted = set(keys)
    text = cast(DatasetVersion.snapshot, Text)
    found: set[str] = set()
    for start in range(0, len(keys), 50):
        clause = or_(*(text.contains(key, autoescape=True) for key in keys[start:start + 50]))
        for snapshot in db.session.scalars(select(DatasetVersion.snapshot).where(clause)):
            found.update(key for key in _snapshot_keys(snapshot) if key in wanted)
    return found


@dataclass(frozen=True)
class VersionRef:
    version: str
    notes: str
    created: datetime
    title: str
    description: str


def catalog_versions() -> dict[str, list[VersionRef]]:
    """Dataset id -> its versions (oldest first), from one query, once per application context
    (the DCAT statements of a whole catalog)."""
    found = g.get("dataset_versions")
    if found is None:
        found = {}
        rows = db.session.execute(select(
            DatasetVersion.dataset_id, DatasetVersion.version, DatasetVersion.notes,
            DatasetVersion.created, DatasetVersion.snapshot,
        ).order_by(DatasetVersion.created, DatasetVersion.version))
        for row in rows:
            found.setdefault(row.dataset_id, []).append(VersionRef(
                row.version, row.notes, row.created, str(row.snapshot.get("title") or ""),
                str(row.snapshot.get("description") or "")))
        g.dataset_versions = found
    return found


def table_key(resource: dict[str, Any], chosen: str = "") -> list[str]:
    """The key that matches rows: the column(s) the user chose, else the Table Schema's
    ``primaryKey``."""
    if chosen.strip():
        return [name.strip() for name in chosen.split(",") if name.strip()]
    schema = resource.get("schema")
    primary = schema.get("primaryKey") if isinstance(schema, dict) else None
    return [primary] if isinstance(primary, str) else list(primary or [])


def diff_versions(dataset: Dataset, resource_id: str, old_label: str, new_label: str, *,
                  key: str = "", limit: int = DEFAULT_LIMIT) -> TableDiff:
    """The rows added, removed and changed in a resource's table from one version to another."""
    old = version_resource(get_version(dataset, old_label), resource_id)
    new = version_resource(get_version(dataset, new_label), resource_id)
    for item in (old, new):
        if not item.get("storage_key") or (item.get("format") or "").upper() != "CSV":
            raise ValidationError({"resource_id": [str(_l(
                "Solo se comparan tablas CSV subidas al portal en las dos versiones."))]})
    with storage().open(old["storage_key"]) as before, storage().open(new["storage_key"]) as after:
        return diff_tables(before, after, table_key(new, key), limit=limit)
