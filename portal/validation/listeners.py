"""Validation follows the catalog: after a dataset's write has committed, its resources whose file
(sha256 or URL), format or schema changed are marked pending and handed to the job queue
(``tasks.submit``); unchanged ones are left alone.

During a bulk write (a harvest, see ``portal.catalog.services.announcements_in_batches``) the
datasets are only noted; when the bulk ends their resources go to the queue, whose job marks
each one pending as it takes it and skips those whose report is current. Downloading and
validating files then never competes with the harvest's writes.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from portal import db, signals

log = logging.getLogger(__name__)

CHUNK = 500


def on_dataset_changed(dataset_id: str, **_extra) -> None:
    """Receiver of ``portal.signals.dataset_changed``; never lets an error reach the catalog."""
    from portal.catalog import services as catalog
    from portal.catalog.models import Dataset
    from portal.validation import services, tasks

    batch = catalog.current_batch()
    if batch is not None:
        batch.defer(submit_datasets, dataset_id, until_end=True)
        return
    app = current_app._get_current_object()
    if tasks.resolve_mode(app) == "off":
        return
    try:
        # A fresh app context is a fresh session: the catalog's has just committed.
        with app.app_context():
            dataset = db.session.get(Dataset, dataset_id)
            if dataset is None or dataset.state == "deleted":
                return
            changed = services.resources_to_validate(dataset)
    except Exception:  # listeners must not break the write that announced itself
        log.exception("could not queue the validation of dataset %s", dataset_id)
        return
    tasks.submit(changed, app=app)


def submit_datasets(dataset_ids: list[str]) -> None:
    """Hand the resources of these datasets (deleted ones left out) to the queue."""
    from portal.catalog.models import Dataset, Resource
    from portal.validation import tasks

    app = current_app._get_current_object()
    if tasks.resolve_mode(app) == "off":
        return
    resource_ids: list[str] = []
    try:
        with app.app_context():
            for start in range(0, len(dataset_ids), CHUNK):
                resource_ids += db.session.scalars(
                    select(Resource.id).join(Dataset, Dataset.id == Resource.dataset_id)
                    .where(Dataset.id.in_(dataset_ids[start:start + CHUNK]),
                           Dataset.state != "deleted")
                    .order_by(Resource.dataset_id, Resource.position))
    except Exception:  # deferred listener work must not raise
        log.exception("could not queue the validation of %d datasets", len(dataset_ids))
    tasks.submit(resource_ids, app=app)


def connect() -> None:
    from portal.validation.publish import check_publishable

    signals.dataset_changed.connect(on_dataset_changed)
    signals.resource_saving.connect(check_publishable)
