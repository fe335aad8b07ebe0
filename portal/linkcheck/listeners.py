"""The link checker follows the catalog: after a dataset's write has committed, if one of its
links was never checked or its URL changed, ``linkcheck.check_dataset`` goes on the queue.
During a bulk write (a harvest) nothing is asked for: the schedule's run finds those links due."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select

from portal import db, signals

log = logging.getLogger(__name__)


def on_dataset_changed(dataset_id: str, **_extra) -> None:
    """Receiver of ``portal.signals.dataset_changed``; never lets an error reach the catalog."""
    from portal import jobs
    from portal.catalog import services as catalog
    from portal.catalog.models import Resource
    from portal.linkcheck import services, tasks

    app = current_app._get_current_object()
    if catalog.current_batch() is not None or services.resolve_mode(app) == "off":
        return
    try:
        with app.app_context():  # a fresh session: the catalog's has just committed
            due = db.session.scalar(select(func.count()).select_from(
                services.due_query().where(Resource.dataset_id == dataset_id).subquery()))
            if due:
                jobs.enqueue(tasks.check_dataset, dataset_id=dataset_id)
    except Exception:  # listeners must not break the write that announced itself
        log.exception("could not queue the link check of dataset %s", dataset_id)


def connect() -> None:
    signals.dataset_changed.connect(on_dataset_changed)
