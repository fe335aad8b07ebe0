"""API actions of harvesting, declared in the API's action registry: ``harvest_source_list``,
``harvest_source_show``, ``harvest_job_list``, ``harvest_job_show`` and ``harvest_job_report``.

They are for entity admins (and sysadmins): sources of other entities look missing. Loaded by
``portal.api.actions.load`` through its ``MODULES`` list (entry ``portal.harvest.api``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from portal.api.params import IdParams, Params, offset_field
from portal.api.registry import TAGS, action
from portal.errors import NotAuthorized, NotFound
from portal.harvest import services

TAG = "harvest"
TAGS.setdefault(TAG, "Harvesting")

_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"},
           "description": "added, updated, unchanged, deleted, failed, skipped."}
JOB = {"type": "object", "properties": {
    "id": {"type": "string"}, "source": {"type": "string"},
    "status": {"type": "string", "enum": ["running", "done", "errors", "failed", "timed_out"]},
    "trigger": {"type": "string"}, "started": {"type": "string", "format": "date-time"},
    "finished": {"type": "string", "format": "date-time", "nullable": True},
    "message": {"type": "string"}, "listing_complete": {"type": "boolean"}, "counts": _COUNTS}}
SOURCE = {"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "title": {"type": "string"},
    "type": {"type": "string"}, "url": {"type": "string"}, "entity": {"type": "string"},
    "config": {"type": "object"}, "schedule": {"type": "string"},
    "active": {"type": "boolean"},
    "next_run": {"type": "string", "format": "date-time", "nullable": True},
    "last_job": {**JOB, "nullable": True}}}
REPORT = {"type": "object", "properties": {
    **JOB["properties"],
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "type": {"type": "string"}, "message": {"type": "string"}, "url": {"type": "string"}}}},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        key: {"type": "string", "nullable": key == "dataset_id"} for key in (
            "remote_id", "remote_url", "title", "status", "message", "content_hash",
            "dataset_id")}}}}}


class SourceListParams(Params):
    organization = fields.String(metadata={"description": "Only sources of this entity."})


class JobListParams(Params):
    id = fields.String(required=True, metadata={"description": "Name or id of the source."})
    limit = fields.Integer(validate=validate.Range(min=1, max=500),
                           metadata={"description": "Jobs to return, newest first (at most "
                                                    "500, default 20)."})
    offset = offset_field()


def _source(ref: str, actor):
    try:
        return services.read_source(ref, actor)
    except NotAuthorized:  # other entities' sources look missing, as private datasets do
        raise NotFound(str(_l("No existe la fuente de cosecha «{ref}».")).format(
            ref=ref)) from None


def _job(job_id: str, actor):
    try:
        return services.read_job(job_id, actor)
    except NotAuthorized:
        raise NotFound(str(_l("No existe el trabajo de cosecha «{ref}».")).format(
            ref=job_id)) from None


@action("harvest_source_list", params=SourceListParams,
        result={"type": "array", "items": SOURCE}, tag=TAG)
def harvest_source_list(values, actor):
    """Return the harvest sources the caller administers, with their last job."""
    entity_id = None
    if values.get("organization"):
        from portal.catalog import services as catalog

        entity_id = catalog.get_entity(values["organization"]).id
    return [services.source_dict(s) for s in services.list_sources(actor, entity_id)]


@action("harvest_source_show", params=IdParams, result=SOURCE, tag=TAG)
def harvest_source_show(values, actor):
    """Return one harvest source: type, URL, configuration, schedule and last job."""
    return services.source_dict(_source(values["id"], actor))


@action("harvest_job_list", params=JobListParams, result={"type": "array", "items": JOB},
        tag=TAG)
def harvest_job_list(values, actor):
    """Return the jobs of a harvest source, newest first, with their status and counts."""
    source = _source(values["id"], actor)
    return [services.job_dict(job) for job in services.list_jobs(
        source, limit=values.get("limit", 20), offset=values.get("offset", 0))]


@action("harvest_job_show", params=IdParams, result=JOB, tag=TAG)
def harvest_job_show(values, actor):
    """Return one harvest job: status, start, end, message and counts."""
    return services.job_dict(_job(values["id"], actor))


@action("harvest_job_report", params=IdParams, result=REPORT, tag=TAG)
def harvest_job_report(values, actor):
    """Return a job's full report: every item with its status and message, and every error."""
    return services.report_dict(_job(values["id"], actor))
