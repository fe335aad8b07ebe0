"""The DataStore's jobs, on the one job queue: load one resource (``datastore.ingest_resource``,
one at a time per resource, waiting in the queue once), and every 5 minutes queue the loads that
were lost (``datastore.recover``: a validated table whose data is missing or of another
version, e.g. its job died with a killed process)."""

from __future__ import annotations

from sqlalchemy import and_, or_, select, update

from portal import db, jobs
from portal.db import unit_of_work


def _key(resource_id: str, **_) -> str:
    return f"datastore:{resource_id}"


def _abandoned(reason: str, final: bool, resource_id: str, **_) -> None:
    """The worker died while loading: back to pending, or the last time error with why."""
    from portal.datastore.models import DatastoreTable

    values = {"status": "error", "message": reason} if final else {"status": "pending"}
    with unit_of_work() as session:
        session.execute(update(DatastoreTable).where(
            DatastoreTable.resource_id == resource_id, DatastoreTable.status == "running")
            .values(**values).execution_options(synchronize_session=False))


@jobs.job("datastore.ingest_resource", queue="datastore", retries=1, abandoned=_abandoned,
          lock=_key, queueing_lock=_key)
def ingest_resource(resource_id: str, force: bool = False) -> str | None:
    """Load one resource's table unless its data is current; the row says the outcome."""
    from portal.datastore import services

    state = services.ingest(resource_id, force=force)
    return state.status if state is not None else None


@jobs.job("datastore.recover", queue="datastore", every=300)
def recover() -> int:
    """Queue the loads of validated tables whose data is missing or of another version."""
    from portal.catalog.models import Resource
    from portal.datastore import services
    from portal.datastore.models import DatastoreTable
    from portal.validation.models import ValidationReport

    ids = list(db.session.scalars(
        select(ValidationReport.resource_id)
        .outerjoin(DatastoreTable, DatastoreTable.resource_id == ValidationReport.resource_id)
        .where(ValidationReport.status == "success", or_(
            DatastoreTable.id.is_(None), DatastoreTable.status == "pending",
            ~and_(DatastoreTable.sha256 == ValidationReport.sha256,
                  DatastoreTable.url == ValidationReport.url,
                  DatastoreTable.options_digest == ValidationReport.options_digest)))))
    queued = 0
    for resource_id in ids:
        resource = db.session.get(Resource, resource_id)
        if resource is not None and services.wants_ingest(resource):
            jobs.enqueue(ingest_resource, resource_id=resource_id)
            queued += 1
    return queued
