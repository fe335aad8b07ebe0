"""The link checker's jobs: the schedule's run over every due link, and the check of one
dataset's links after they changed. Both go through the one job queue (``portal.jobs``); one
run of ``linkcheck.run_due`` at a time (its lock), and the checks of one dataset wait in the
queue once (their queueing lock).

Why a bounded thread pool inside one job, not one job per URL: politeness per host needs one
place that knows which hosts are busy and when each was last asked, and 10,000 URLs would be
10,000 rows written and claimed in the queue's table; one job over the due links streams them
through ``checker.check_many`` (at most ``PORTAL_LINKCHECK_THREADS`` requests at a time, at most
``PORTAL_LINKCHECK_PER_HOST`` per host) and writes the outcomes in batches.
"""

from __future__ import annotations

import logging

from flask import current_app

from portal import jobs

log = logging.getLogger(__name__)

#: The schedule asks for a run every EVERY seconds; a run starts no check after BUDGET seconds
#: (what is left stays due for the next run), so a run never holds its worker for long.
EVERY = 600
BUDGET = 540.0


@jobs.job("linkcheck.run_due", queue="linkcheck", every=EVERY)
def run_due() -> dict | None:
    """Check the links due (never checked, URL changed, or checked too long ago)."""
    from portal.linkcheck import services

    if services.resolve_mode(current_app) == "off":
        return None
    summary = services.run(budget=BUDGET)
    log.info("link check: %s", summary.as_dict())
    return summary.as_dict()


def _dataset_key(dataset_id: str, **_) -> str:
    return f"linkcheck:{dataset_id}"


@jobs.job("linkcheck.check_dataset", queue="linkcheck", lock=_dataset_key,
          queueing_lock=_dataset_key)
def check_dataset(dataset_id: str) -> dict | None:
    """Check the links of one dataset that are due (new, or whose URL changed)."""
    from sqlalchemy import select

    from portal import db
    from portal.catalog.models import Resource
    from portal.linkcheck import services

    ids = list(db.session.scalars(select(Resource.id).where(Resource.dataset_id == dataset_id)))
    return services.run(resource_ids=ids).as_dict() if ids else None
