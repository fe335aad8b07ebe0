"""Validation of the catalog's resources, and their stored reports.

Which validator a resource needs is decided by its format (and, for JSON, by its content):
CSV, TSV, XLSX, XLS and ODS go to ``validate_table`` with the resource's Table Schema; OCDS, and
JSON or JSON Lines that hold OCDS data, go to ``validate_ocds``; anything else is not validated.
An uploaded file is read from storage; a linked file is downloaded first through the harvest's
safe fetcher (public addresses only, size and time limits), into a temporary file.

Each resource has one ``ValidationReport`` row, stamped with what it was computed for: the file's
sha256 and URL, and a digest of the format and schema. ``validate_resource`` runs only when that
fingerprint has changed (or when forced), so an unchanged resource is not validated again.

Runs are claimed with a conditional update (pending -> running), so two workers never validate
the same version twice, and a result is stored only if its run is still the current one.
Validation happens outside any transaction: no lock is held while a file is read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portal import db, signals
from portal.catalog.models import Dataset, Resource
from portal.db import unit_of_work, utcnow
from portal.storage import storage
from portal.validation.messages import make_error
from portal.validation.models import ValidationReport
from portal.validation.ocds import looks_like_ocds, validate_ocds
from portal.validation.report import Report, ReportError
from portal.validation.tabular import validate_table

log = logging.getLogger(__name__)

TABLE_FORMATS = frozenset({"CSV", "TSV", "XLSX", "XLS", "ODS"})
JSON_FORMATS = frozenset({"JSON", "JSONL", "JSONLINES", "NDJSON"})
OCDS_FORMATS = frozenset({"OCDS"})
#: Errors that mean "could not validate" (status error) rather than "the data is wrong".
INFRASTRUCTURE_ERRORS = frozenset({"ocds-standard-missing", "scheme-error"})
#: A run that has said nothing for this long is taken over by the next request.
STALE_RUNNING = timedelta(hours=1)
PEEK_BYTES = 64 * 1024


# -- what a resource needs -----------------------------------------------------------------------

def resource_format(resource: Resource) -> str:
    """The resource's format in upper case, or the extension of its file name or URL."""
    declared = (resource.format or "").strip().lstrip(".").upper()
    if declared:
        return declared
    suffix = PurePosixPath(urlsplit(resource.url or "").path).suffix
    return suffix.lstrip(".").upper()


def is_candidate(resource: Resource) -> bool:
    """Whether the resource may need validation (JSON is confirmed by its content later)."""
    if not (resource.url or resource.storage_key):
        return False
    fmt = resource_format(resource)
    if fmt in TABLE_FORMATS or fmt in OCDS_FORMATS:
        return True
    if fmt in JSON_FORMATS:
        if resource.is_upload:
            return bool(resource.storage_key) and _holds_ocds(
                lambda: storage().open(resource.storage_key))
        return True
    return False


def schema_reference(resource: Resource) -> Any:
    """The resource's Table Schema as the validator takes it: a dict, a URL or a registry name
    (the catalog also stores ``{"url": ...}`` and ``{"name": ...}``)."""
    schema = resource.schema
    if isinstance(schema, dict) and "fields" not in schema:
        reference = schema.get("url") or schema.get("name")
        if isinstance(reference, str) and reference.strip():
            return reference.strip()
    return schema or None


def options_digest(resource: Resource) -> str:
    """A digest of what besides the file changes the outcome: its format and its schema."""
    options = {"format": resource_format(resource), "schema": resource.schema}
    text = json.dumps(options, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(resource: Resource) -> tuple[str, str, str]:
    """(sha256, url, options digest): what a report is computed for."""
    return (resource.sha256 or "", resource.url or "", options_digest(resource))


# -- reading reports -------------------------------------------------------------------------------

def get_report(resource_id: str) -> ValidationReport | None:
    return db.session.scalar(
        select(ValidationReport).where(ValidationReport.resource_id == resource_id))


def reports_for(resources: Iterable[Resource]) -> dict[str, ValidationReport]:
    """The current report of each resource (stale ones left out), by resource id."""
    by_id = {resource.id: resource for resource in resources}
    if not by_id:
        return {}
    rows = db.session.scalars(
        select(ValidationReport).where(ValidationReport.resource_id.in_(list(by_id))))
    return {row.resource_id: row for row in rows
            if row.fingerprint == fingerprint(by_id[row.resource_id])}


def current_report(resource: Resource) -> ValidationReport | None:
    """The resource's report if it was computed for the resource as it is now."""
    return reports_for([resource]).get(resource.id)


def dataset_summary(reports: Iterable[ValidationReport]) -> str | None:
    """One status for a dataset: failure or error if any, else pending/running, else success."""
    statuses = {report.status for report in reports}
    for status in ("failure", "error", "running", "pending", "success"):
        if status in statuses:
            return status
    return None


def report_as_dict(report: ValidationReport) -> dict[str, Any]:
    """The stored report as the API serves it and the JSON download holds it."""
    return {
        "resource_id": report.resource_id,
        "status": report.status,
        "validator": report.validator,
        "validator_version": report.validator_version,
        "sha256": report.sha256,
        "url": report.url,
        "error_count": report.error_count,
        "warning_count": report.warning_count,
        "message": report.message,
        "created": report.created.isoformat() if report.created else None,
        "started": report.started.isoformat() if report.started else None,
        "finished": report.finished.isoformat() if report.finished else None,
        "report": report.report,
    }


# -- running ---------------------------------------------------------------------------------------

def request_validation(resource: Resource, *, force: bool = False) -> ValidationReport | None:
    """Mark the resource as waiting for validation, unless its report is current (or a current
    run is under way, or the resource has nothing to validate). Returns the pending row."""
    if not is_candidate(resource):
        return None
    wanted = fingerprint(resource)
    try:
        with unit_of_work():
            report = get_report(resource.id)
            if report is not None and report.fingerprint == wanted and not force:
                if report.done:
                    return None
                if report.status == "running" and report.started is not None \
                        and utcnow() - report.started < STALE_RUNNING:
                    return None
                if report.status == "pending":
                    return report
            if report is None:
                report = ValidationReport(resource_id=resource.id)
                db.session.add(report)
            report.sha256, report.url, report.options_digest = wanted
            report.status = "pending"
            report.created = utcnow()
            report.started = report.finished = None
            db.session.flush()
    except IntegrityError:
        # Another thread inserted the row first: theirs is the pending one.
        return get_report(resource.id)
    return report


def validate_resource(resource: Resource, *, force: bool = False) -> ValidationReport | None:
    """Validate a resource now, in this thread, unless its report is current; return its
    report (``None`` when the resource has nothing to validate).

    For harvesters (call it for each resource written), the CLI and the background workers.
    Never raises on bad data: problems are in the report.
    """
    report = request_validation(resource, force=force)
    if report is None:
        return get_report(resource.id)
    started = _claim(report)
    if started is None:  # another worker holds this version
        db.session.refresh(report)
        return report
    outcome: Report | None = None
    message = ""
    try:
        outcome = check_resource(resource)
    except Exception as exc:  # a validator bug must not leave the row running
        log.exception("validation of resource %s failed", resource.id)
        message = f"{type(exc).__name__}: {exc}"
    if outcome is None and not message:
        _discard(report, started)  # JSON that is not OCDS: nothing to validate
        return None
    _store(report, started, outcome, message)
    db.session.refresh(report)
    signals.resource_validated.send(resource.id, status=report.status)
    return report


def validate_dataset(dataset: Dataset, *, force: bool = False
                     ) -> Iterator[tuple[Resource, ValidationReport | None]]:
    """Validate each resource of a dataset in turn (for the CLI's progress bar)."""
    for resource in list(dataset.resources):
        yield resource, validate_resource(resource, force=force)


def resources_to_validate(dataset: Dataset) -> list[str]:
    """Ids of the dataset's resources whose report is missing or stale, now marked pending."""
    return [resource.id for resource in dataset.resources
            if request_validation(resource) is not None]


def status_of(report: Report | None) -> str:
    if report is None:
        return "error"
    if report.valid:
        return "success"
    if all(error.type in INFRASTRUCTURE_ERRORS for error in report.flatten()):
        return "error"
    return "failure"


def _claim(report: ValidationReport):
    started = utcnow()
    sha256, url, digest = report.fingerprint
    with unit_of_work() as session:
        claimed = session.execute(
            update(ValidationReport)
            .where(ValidationReport.id == report.id, ValidationReport.status == "pending",
                   ValidationReport.sha256 == sha256, ValidationReport.url == url,
                   ValidationReport.options_digest == digest)
            .values(status="running", started=started)
            .execution_options(synchronize_session=False)
        ).rowcount
    return started if claimed == 1 else None


def _this_run(report: ValidationReport, started):
    return (ValidationReport.id == report.id, ValidationReport.status == "running",
            ValidationReport.started == started)


def _store(report: ValidationReport, started, outcome: Report | None, message: str) -> None:
    values: dict[str, Any] = {"status": status_of(outcome), "finished": utcnow(),
                              "message": message}
    if outcome is not None:
        stats = outcome.stats
        values.update(validator=outcome.validator, validator_version=outcome.validator_version,
                      error_count=stats["errors"], warning_count=stats["warnings"],
                      report=outcome.to_dict())
    else:
        values.update(error_count=0, warning_count=0, report=None)
    with unit_of_work() as session:
        session.execute(update(ValidationReport).where(*_this_run(report, started))
                        .values(**values).execution_options(synchronize_session=False))


def record_outcome(resource: Resource, outcome: Report | None) -> None:
    """Store an outcome computed inside the caller's unit of work (the publishing rule checks a
    resource before its save commits): its report is then current and not run again."""
    if outcome is None:
        return
    report = get_report(resource.id)
    if report is None:
        report = ValidationReport(resource_id=resource.id)
        db.session.add(report)
    report.sha256, report.url, report.options_digest = fingerprint(resource)
    stats = outcome.stats
    now = utcnow()
    report.status, report.message = status_of(outcome), ""
    report.created = report.started = report.finished = now
    report.validator, report.validator_version = outcome.validator, outcome.validator_version
    report.error_count, report.warning_count = stats["errors"], stats["warnings"]
    report.report = outcome.to_dict()


def _discard(report: ValidationReport, started) -> None:
    with unit_of_work() as session:
        session.execute(delete(ValidationReport).where(*_this_run(report, started))
                        .execution_options(synchronize_session=False))
    db.session.expunge(report)


# -- one resource through the validators ---------------------------------------------------------

def check_resource(resource: Resource) -> Report | None:
    """The report of the resource's file as it is now; ``None`` when there is nothing to
    validate (JSON that is not OCDS)."""
    fmt = resource_format(resource)
    name = resource.name or resource.url or resource.id
    with local_copy(resource, fmt) as (path, problem):
        if problem is not None:
            validator = "ocds" if fmt in OCDS_FORMATS | JSON_FORMATS else "tabular"
            return Report(validator=validator, validator_version="", errors=[problem])
        kind = route(fmt, path)
        schema = schema_reference(resource) if kind == "table" else None
        refused = refused_url(schema, "schema-error") if isinstance(schema, str) else None
        if refused is not None:
            return Report(validator="tabular", validator_version="", errors=[refused])
        if kind == "ocds":
            report = validate_ocds(path, name=name)
        elif kind == "table":
            report = validate_table(path, schema=schema, format=fmt.lower(), name=name)
        else:
            return None
    for task in report.tasks:  # never show where the server keeps its files
        task.place = resource.url
    return report


def route(fmt: str, path: Path) -> str | None:
    """``table``, ``ocds`` or ``None`` for a file of the given format."""
    if fmt in TABLE_FORMATS:
        return "table"
    if fmt in OCDS_FORMATS:
        return "ocds"
    if fmt in JSON_FORMATS and _holds_ocds(lambda: path.open("rb")):
        return "ocds"
    return None


def _holds_ocds(open_binary: Callable[[], BinaryIO]) -> bool:
    try:
        with open_binary() as handle:
            head = handle.read(PEEK_BYTES)
    except OSError:
        return False
    return looks_like_ocds(head.lstrip(b"\xef\xbb\xbf \t\r\n"))


def refused_url(url: str, error_type: str = "scheme-error") -> ReportError | None:
    """An error when ``url`` is http(s) but points at a private or local address (the same
    rule as harvesting, ``PORTAL_HARVEST_ALLOWED_NETWORKS``); ``None`` when it may be read."""
    if not url.startswith(("http://", "https://")):
        return None
    from portal.outbound import Fetcher, FetchError, FetchPolicy

    try:
        with Fetcher(FetchPolicy.from_config(current_app.config)) as fetcher:
            fetcher.check_url(url)
    except FetchError as exc:
        return make_error(error_type, _l("No se puede leer %(url)s: %(error)s", url=url,
                                         error=exc.message), note=exc.type)
    return None


@contextmanager
def local_copy(resource: Resource, fmt: str) -> Iterator[tuple[Path, ReportError | None]]:
    """The resource's file on local disk: the stored upload, or a temporary download of its
    URL (removed afterwards). A file that cannot be had gives a ``scheme-error``."""
    if resource.is_upload:
        with ExitStack() as stack:  # a stored file elsewhere (S3) is fetched to a temporary one
            try:
                path = (stack.enter_context(storage().local_file(resource.storage_key))
                        if resource.storage_key else None)
            except FileNotFoundError:
                path = None
            if path is None:
                yield Path(), make_error("scheme-error", _l(
                    "El archivo del recurso no se encuentra en el almacenamiento."))
            else:
                yield path, None
        return
    from portal.outbound import Fetcher, FetchError, FetchPolicy

    folder = Path(current_app.instance_path) / "validation" / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f".{fmt.lower()}" if fmt.isalnum() else ""
    with tempfile.NamedTemporaryFile(dir=folder, suffix=suffix, delete=False) as target:
        local = Path(target.name)
        try:
            with Fetcher(FetchPolicy.from_config(current_app.config)) as fetcher:
                _fetched, handle = fetcher.download(resource.url)
                with handle:
                    shutil.copyfileobj(handle, target)
        except FetchError as exc:
            problem = make_error("scheme-error", _l(
                "No se pudo descargar el archivo para validarlo: %(error)s",
                error=exc.message), note=exc.type)
        else:
            problem = None
    try:
        yield local, problem
    finally:
        local.unlink(missing_ok=True)
