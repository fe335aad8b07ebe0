"""API actions of validation, declared in the API's action registry: ``resource_validation_show``,
``resource_validation_run`` (as ckanext-validation names them) and
``package_create_from_datapackage``. Loaded by ``portal.api.actions.load`` through its
``MODULES`` list (entry ``portal.validation.api``).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import db, jobs
from portal.api import results
from portal.api.fields import Boolean, String, Upload
from portal.api.params import IdParams, Params
from portal.api.registry import TAGS, action, ref
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.errors import NotFound, ValidationError
from portal.validation import publish, services, tasks
from portal.validation.models import STATUSES

TAG = "validation"
TAGS.setdefault(TAG, "Validation")

_ERROR = {"type": "object", "properties": {
    key: {"type": "string"} for key in ("type", "title", "message", "field", "path", "note")}}
_TASK = {"type": "object", "properties": {
    "name": {"type": "string"}, "type": {"type": "string"}, "place": {"type": "string"},
    "valid": {"type": "boolean"}, "stats": {"type": "object"},
    "errors": {"type": "array", "items": _ERROR},
    "warnings": {"type": "array", "items": _ERROR}}}
REPORT = {"type": "object", "description": "The validation report (one task per table, "
          "resource of a package or OCDS file).", "properties": {
              "format": {"type": "integer"}, "valid": {"type": "boolean"},
              "validator": {"type": "string"}, "validator_version": {"type": "string"},
              "stats": {"type": "object"}, "errors": {"type": "array", "items": _ERROR},
              "warnings": {"type": "array", "items": _ERROR},
              "tasks": {"type": "array", "items": _TASK}}}
VALIDATION = {"type": "object", "description": "A resource's stored validation.", "properties": {
    "resource_id": {"type": "string"},
    "status": {"type": "string", "enum": list(STATUSES)},
    "validator": {"type": "string"}, "validator_version": {"type": "string"},
    "sha256": {"type": "string"}, "url": {"type": "string"},
    "error_count": {"type": "integer"}, "warning_count": {"type": "integer"},
    "message": {"type": "string"},
    **{key: {"type": "string", "format": "date-time", "nullable": True}
       for key in ("created", "started", "finished")},
    "report": {**REPORT, "nullable": True}}}
PUBLISHED = {"type": "object", "description": "The package's report, and the dataset when it "
             "was published.", "properties": {
                 "published": {"type": "boolean"},
                 "report": REPORT,
                 "dataset": ref(results.PackageOut)}}


class ValidationRunParams(IdParams):
    id = String(required=True, metadata={"description": "Id of the resource."})
    async_ = Boolean(data_key="async", metadata={
        "description": "Queue the validation and return at once (default true); false "
                       "validates before answering."})


class PackageFromDatapackageParams(Params):
    upload = Upload(required=True, metadata={
        "description": "A zip of the package, or its datapackage.json (whose resources are "
                       "URLs or inline data)."})
    owner_org = String(required=True, metadata={"description": "Name or id of the entity "
                                                               "that publishes."})
    name = String(metadata={"description": "Dataset name (default: the package's name)."})
    title = String(metadata={"description": "Title (default: the package's title)."})
    license_id = String(metadata={"description": "Licence (default: the package's)."})
    private = Boolean(metadata={"description": "Publish as private (default false)."})
    dry_run = Boolean(metadata={"description": "Only validate and return the report; publish "
                                               "nothing (default false)."})


def _readable_resource(resource_id: str, actor):
    resource = catalog.get_resource(resource_id)
    catalog.read_dataset(resource.dataset_id, actor)
    return resource


@action("resource_validation_show", params=IdParams, result=VALIDATION, tag=TAG)
def resource_validation_show(values, actor):
    """Return the stored validation of a resource: status, validator, when, and the report."""
    resource = _readable_resource(values["id"], actor)
    stored = services.get_report(resource.id)
    if stored is None:
        raise NotFound(str(_l("El recurso «{ref}» no tiene validación.")).format(
            ref=resource.id))
    return services.report_as_dict(stored)


@action("resource_validation_run", params=ValidationRunParams, result=VALIDATION, write=True,
        tag=TAG)
def resource_validation_run(values, actor):
    """Validate a resource again (its publishers only); return its validation, pending when
    queued."""
    resource = _readable_resource(values["id"], actor)
    permissions.require(permissions.can_publish_in(actor, resource.dataset.entity_id))
    if not services.is_candidate(resource):
        raise ValidationError({"id": [str(_l(
            "Solo se validan tablas (CSV, TSV, XLSX, XLS, ODS) y datos OCDS."))]})
    resource_id = resource.id
    if values.get("async_", True) and tasks.resolve_mode(current_app) == "background":
        # Pending now; the job is queued with this action's transaction.
        services.request_validation(resource, force=True)
        tasks.submit([resource_id])
    else:
        jobs.run_now(tasks.validate_resource, resource_id=resource_id, force=True)
        db.session.expire_all()
    return services.report_as_dict(services.get_report(resource_id))


@action("package_create_from_datapackage", params=PackageFromDatapackageParams,
        result=PUBLISHED, write=True, multipart=True, tag=TAG)
def package_create_from_datapackage(values, actor):
    """Create a dataset from a Data Package (zip or datapackage.json), validated whole first.

    An invalid package is refused with its errors (unless the portal allows publishing
    invalid packages: the dataset is then marked published_with_errors); with dry_run the
    report is returned and nothing is created.
    """
    entity = catalog.get_entity(values["owner_org"])
    permissions.require(permissions.can_publish_in(actor, entity.id))
    upload = values["upload"]
    staged = publish.stage_package([(upload.filename or "", upload.stream)], actor)
    try:
        report = staged.report.to_dict()
        if values.get("dry_run"):
            return {"published": False, "report": report}
        if not staged.valid and not publish.allow_invalid():
            raise ValidationError({"upload": publish.error_lines(staged.report, _l(
                "El paquete de datos no es válido: corríjalo y envíelo de nuevo."))})
        choices = {key: values[key] for key in ("name", "title", "license_id", "private")
                   if key in values}
        dataset = publish.publish_staged(staged, {**choices, "entity": entity.name}, actor)
    finally:
        publish.discard(staged)
    return {"published": True, "report": report,
            "dataset": results.PackageOut().dump(dataset)}

