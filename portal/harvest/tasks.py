"""Harvest's jobs: run one source, and (every minute) queue the sources whose schedule is due.
A source is harvested by one job at a time on every machine (the queue's lock), and a due
source waits in the queue once (its queueing lock); the harvest job row shows progress as it
always has."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from portal import db, jobs
from portal.db import unit_of_work, utcnow

log = logging.getLogger(__name__)


def _source_key(source_id: str, **_) -> str:
    return f"harvest:{source_id}"


def _abandoned(reason: str, _final: bool, source_id: str, **_) -> None:
    """The worker died mid-harvest: end its job row as failed, with the reason, and free the
    source. Nothing is deleted; the next run compares with what the dead one wrote."""
    from portal.harvest.models import HarvestJob, HarvestLock

    with unit_of_work() as session:
        for job in session.scalars(select(HarvestJob).where(
                HarvestJob.source_id == source_id, HarvestJob.status == "running")):
            job.status = "failed"
            job.finished = utcnow()
            job.message = str(_l("El trabajo se interrumpió: {error}")).format(error=reason)
        session.execute(delete(HarvestLock).where(HarvestLock.source_id == source_id))


@jobs.job("harvest.run_source", queue="harvest", lock=_source_key, queueing_lock=_source_key,
          abandoned=_abandoned)
def run_source(source_id: str, trigger: str = "manual") -> str | None:
    """Harvest one source now; the id of its harvest job (``None`` if it was busy or gone)."""
    from portal.errors import PortalError
    from portal.harvest import services
    from portal.harvest.models import HarvestSource

    source = db.session.get(HarvestSource, source_id)
    if source is None:
        return None
    try:
        return services.run_source(source, trigger=trigger).id
    except PortalError as exc:  # busy (a CLI run holds it) or a source that cannot run
        log.warning("harvest of %s not run: %s", source.name, exc)
        return None


@jobs.job("harvest.enqueue_due", queue="harvest", every=60)
def enqueue_due() -> list[str]:
    """Queue a run of every active source whose schedule is due (and that is not running)."""
    from portal.harvest import services

    services.reap_hung_jobs()
    due = services.due_sources()
    for source in due:
        jobs.enqueue(run_source, source_id=source.id, trigger="schedule")
    return [source.name for source in due]
