"""Validation's jobs. ``PORTAL_VALIDATION_MODE`` says what a save asks for: ``background`` (the
job goes on the queue), ``sync`` (it runs before the request ends, in a fresh app context) or
``off`` (nothing after saves, the default under ``TESTING``; the CLI and the API still validate
on demand). Which queue runs the job is the business of ``portal.jobs`` only."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select, update

from portal import config, db, jobs
from portal.db import unit_of_work, utcnow

log = logging.getLogger(__name__)

MODES = ("background", "sync", "off")
#: A report pending this long without a job (the job was lost with its process) is queued again.
PENDING_GRACE = timedelta(minutes=2)


def resolve_mode(app) -> str:
    return config.mode(app.config, "PORTAL_VALIDATION_MODE", MODES, testing="off")


def _abandoned(reason: str, final: bool, resource_id: str, **_) -> None:
    """The worker died while validating: the report goes back to pending (it runs again), or,
    the last time, to error with the reason (a file that kills workers is not retried)."""
    from portal.validation.models import ValidationReport

    values = ({"status": "error", "finished": utcnow(), "message": reason} if final
              else {"status": "pending", "started": None})
    with unit_of_work() as session:
        session.execute(update(ValidationReport).where(
            ValidationReport.resource_id == resource_id, ValidationReport.status == "running")
            .values(**values).execution_options(synchronize_session=False))


@jobs.job("validation.validate_resource", queue="validation", retries=1, abandoned=_abandoned,
          lock=lambda resource_id, **_: f"validation:{resource_id}",
          queueing_lock=lambda resource_id, **_: f"validation:{resource_id}")
def validate_resource(resource_id: str, force: bool = False) -> str | None:
    """Validate one resource unless its report is current; the report row shows the outcome.
    Safe to run twice. A row left "running" by a killed worker is taken back: the queue's lock
    on this resource means no other job validates it now."""
    from portal.catalog.models import Resource
    from portal.validation import services

    resource = db.session.get(Resource, resource_id)
    if resource is None:
        return None
    stored = services.get_report(resource_id)
    stuck = stored is not None and stored.status == "running"
    report = services.validate_resource(resource, force=force or stuck)
    return report.status if report is not None else None


@jobs.job("validation.recover", queue="validation", every=300)
def recover() -> int:
    """Queue again the reports left pending without a job (their process was killed)."""
    from portal.validation.models import ValidationReport

    ids = list(db.session.scalars(select(ValidationReport.resource_id).where(
        ValidationReport.status == "pending", ValidationReport.created < utcnow() - PENDING_GRACE)))
    for resource_id in ids:
        jobs.enqueue(validate_resource, resource_id=resource_id)
    return len(ids)


def submit(resource_ids: Iterable[str], *, force: bool = False, app: Flask | None = None) -> None:
    """Validate these resources as ``PORTAL_VALIDATION_MODE`` says (see the module)."""
    app = app or current_app._get_current_object()
    ids = list(dict.fromkeys(resource_ids))
    mode = resolve_mode(app)
    if not ids or mode == "off":
        return
    for resource_id in ids:
        if mode == "sync":
            try:
                jobs.run_now(validate_resource, resource_id=resource_id, force=force)
            except Exception:  # a validator bug must not break the save that asked for it
                log.exception("validation of resource %s failed", resource_id)
        else:
            jobs.enqueue(validate_resource, resource_id=resource_id, force=force)
