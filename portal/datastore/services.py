"""The DataStore's rules and its only writer.

A resource is loaded when it is a table (CSV, TSV, XLSX, XLS, ODS) whose current validation
report says ``success``. ``ingest`` reads its file, writes a new Parquet file aside through
``portal.storage`` and then, in one transaction, points the resource's ``DatastoreTable`` row at
it; the previous file is deleted only after that commit. A failure records ``error`` and a
Spanish message and leaves the previous data in place. ``readable`` gives the API a loaded table
that the caller may read.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import db
from portal.catalog import services as catalog
from portal.catalog.models import Resource
from portal.datastore.ingest import IngestError, load_table
from portal.datastore.models import DatastoreTable
from portal.datastore.query import Table, warm
from portal.db import unit_of_work, utcnow
from portal.errors import ValidationError
from portal.storage import LocalStorage, storage

log = logging.getLogger(__name__)

TABLE_FORMATS = frozenset({"CSV", "TSV", "XLSX", "XLS", "ODS"})
PARQUET = "application/vnd.apache.parquet"


def get_state(resource_id: str) -> DatastoreTable | None:
    return db.session.scalar(select(DatastoreTable).where(DatastoreTable.resource_id
                                                          == resource_id))


def is_table(resource: Resource) -> bool:
    from portal.validation.services import resource_format

    return resource_format(resource) in TABLE_FORMATS and bool(resource.url
                                                                or resource.storage_key)


def _report(resource: Resource):
    from portal.validation.services import current_report

    return current_report(resource)


def wants_ingest(resource: Resource) -> bool:
    """A table whose current report is ``success`` and whose loaded data (or last failed
    attempt) is not of its current version."""
    from portal.validation.services import fingerprint

    if not is_table(resource):
        return False
    report = _report(resource)
    if report is None or report.status != "success":
        return False
    state = get_state(resource.id)
    return state is None or state.fingerprint != fingerprint(resource) or \
        state.status == "pending"


def note_invalid(resource: Resource) -> None:
    """The resource's current file did not validate: say so; any previous data stays."""
    report = _report(resource)
    state = get_state(resource.id)
    if report is None or report.status not in ("failure", "error") or state is None:
        return
    with unit_of_work():
        state.status = "error"
        state.message = str(_l("El archivo actual no pasó la validación, por eso no se "
                               "cargó; la tabla muestra los datos anteriores."))
        state.finished = utcnow()


def _claim(resource: Resource, force: bool) -> DatastoreTable | None:
    from portal.validation.services import fingerprint

    sha256, url, digest = fingerprint(resource)
    try:
        with unit_of_work():
            state = get_state(resource.id)
            if state is None:
                state = DatastoreTable(resource_id=resource.id, status="pending")
                db.session.add(state)
                db.session.flush()
            elif state.status == "running" and not force:
                return None
            state.status, state.started, state.message = "running", utcnow(), ""
            state.sha256, state.url, state.options_digest = sha256, url, digest
    except IntegrityError:  # another worker inserted the row first: it runs the ingest
        return None
    return state


def ingest(resource_id: str, *, force: bool = False) -> DatastoreTable | None:
    """Load the resource now, unless it does not need it (``force`` loads it again); the
    returned row tells the outcome."""
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        return None
    if not force and not wants_ingest(resource):
        return get_state(resource_id)
    if not is_table(resource):
        return None
    state = _claim(resource, force)
    if state is None:
        return get_state(resource_id)
    try:
        key, loaded = _load(resource)
    except IngestError as exc:
        _finish(state.id, status="error", message=exc.message)
    except Exception as exc:  # a bug must not leave the row running; the page says what
        log.exception("ingest of resource %s failed", resource_id)
        _finish(state.id, status="error", message=str(_l(
            "Error interno al cargar la tabla: %(error)s", error=type(exc).__name__)))
    else:
        previous = state.data_key
        _finish(state.id, status="active", message="", data_key=key, fields=loaded.fields,
                row_count=loaded.row_count, ingested=utcnow())
        if previous and previous != key:
            delete_quietly(previous)
    db.session.expire_all()
    return get_state(resource_id)


def _finish(state_id: str, **values: Any) -> None:
    """One transaction: the outcome, and for a success the pointer to the new data."""
    with unit_of_work() as session:
        session.execute(update(DatastoreTable).where(DatastoreTable.id == state_id)
                        .values(finished=utcnow(), **values)
                        .execution_options(synchronize_session=False))


def delete_quietly(key: str) -> None:
    try:
        storage().delete(key)
    except Exception:  # an orphan file costs space, not correctness
        log.exception("could not delete the old datastore file %s", key)


def _schema_and_types(resource: Resource) -> tuple[dict[str, Any] | None, dict[str, str]]:
    from portal.validation.schemas_registry import SchemaReferenceError, resolve_schema
    from portal.validation.services import schema_reference

    reference = schema_reference(resource)
    if reference:
        try:
            return resolve_schema(reference), {}
        except SchemaReferenceError as exc:
            raise IngestError(exc.message) from None
    report = _report(resource)
    tasks = ((report.report or {}).get("tasks") or []) if report is not None else []
    inferred = (tasks[0].get("stats") or {}).get("inferred_types", {}) if tasks else {}
    return None, dict(inferred)


def _load(resource: Resource):
    from portal.validation.services import local_copy, resource_format

    fmt = resource_format(resource)
    schema, inferred = _schema_and_types(resource)
    work = Path(current_app.instance_path) / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    config = current_app.config
    with local_copy(resource, fmt) as (path, problem):
        if problem is not None:
            raise IngestError(problem.message)
        fd, name = tempfile.mkstemp(dir=work, prefix=".datastore-", suffix=".parquet")
        os.close(fd)
        target = Path(name)
        try:
            loaded = load_table(path, fmt, target, schema=schema, inferred=inferred,
                                memory_mb=config["PORTAL_DATASTORE_MEMORY_MB"],
                                threads=config["PORTAL_DATASTORE_THREADS"])
            key = f"datastore/{resource.id}/{secrets.token_hex(8)}.parquet"
            storage().put(key, target, PARQUET)
        finally:
            target.unlink(missing_ok=True)
    return key, loaded


# -- reading -----------------------------------------------------------------------------------

def data_path(key: str) -> str:
    """A local path DuckDB reads: the file itself on local storage; on S3 a copy in the
    node's cache (keys are never reused, so a cached copy never goes stale)."""
    backend = storage()
    if isinstance(backend, LocalStorage):
        return str(backend.root / key)
    cached = Path(current_app.instance_path) / "datastore-cache" / key
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=cached.parent, prefix=".fetch-")
        with backend.open(key) as source, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        os.replace(partial, cached)
    return str(cached)


def readable(resource_id: Any, actor) -> tuple[Resource, DatastoreTable, Table]:
    """The loaded table of a resource the actor may read. ``NotFound`` for an unknown or
    hidden resource; ``ValidationError`` on ``resource_id`` saying why there is no table."""
    if not isinstance(resource_id, str) or not resource_id.strip():
        raise ValidationError({"resource_id": [str(_l("Falta este campo."))]})
    resource = catalog.get_resource(resource_id.strip())
    catalog.read_dataset(resource.dataset_id, actor)
    state = get_state(resource.id)
    if state is None or not state.data_key:
        raise ValidationError({"resource_id": [str(_why_not(resource, state))]})
    return resource, state, warm(Table(data_path(state.data_key), list(state.fields or []),
                                       state.row_count))


def _why_not(resource: Resource, state: DatastoreTable | None):
    if not is_table(resource):
        return _l("El recurso no es una tabla (CSV, TSV, XLSX, XLS u ODS): no tiene datos "
                  "en el DataStore.")
    report = _report(resource)
    if report is not None and report.status in ("failure", "error"):
        return _l("El recurso no pasó la validación; sus datos no se cargaron.")
    if state is not None and state.status == "error":
        return _l("No se pudieron cargar los datos: %(message)s", message=state.message)
    return _l("Los datos del recurso todavía no se cargaron; inténtelo en unos minutos.")


def is_active(resource: Resource) -> bool:
    """Whether the resource has loaded rows (CKAN's ``datastore_active``); the rows of a
    dataset's resources are read once per request (``prefetch_active`` reads those of a whole
    page of datasets at once)."""
    cache = g.setdefault("_datastore_active", {})
    if resource.id not in cache:
        ids = [item.id for item in resource.dataset.resources] if resource.dataset else []
        prefetch_active([*ids, resource.id])
    return cache[resource.id]


def prefetch_active(resource_ids: list[str]) -> None:
    """Read whether these resources have loaded rows, in one statement per 500."""
    cache = g.setdefault("_datastore_active", {})
    missing = [i for i in dict.fromkeys(resource_ids) if i not in cache]
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        loaded = set(db.session.scalars(select(DatastoreTable.resource_id).where(
            DatastoreTable.resource_id.in_(chunk), DatastoreTable.data_key.is_not(None))))
        cache.update({resource_id: resource_id in loaded for resource_id in chunk})


def status_dict(state: DatastoreTable | None) -> dict[str, Any]:
    if state is None:
        return {"status": None, "message": "", "row_count": 0, "ingested": None}
    return {"status": state.status, "message": state.message, "row_count": state.row_count,
            "ingested": state.ingested.isoformat() if state.ingested else None,
            "active": bool(state.data_key)}
