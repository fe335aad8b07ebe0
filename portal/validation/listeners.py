"""Validation follows the catalog: after a dataset's write has committed, its resources whose file
(sha256 or URL), format or schema changed are marked pending and handed to the runner; unchanged
ones are left alone.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import db, signals

log = logging.getLogger(__name__)


def on_dataset_changed(dataset_id: str, **_extra) -> None:
    """Receiver of ``portal.signals.dataset_changed``; never lets an error reach the catalog.
    During a bulk write (a harvest) the datasets are looked at once per batch."""
    from portal.catalog import services as catalog

    batch = catalog.current_batch()
    if batch is not None:
        batch.defer(queue_datasets, dataset_id)
    else:
        queue_datasets([dataset_id])


def queue_datasets(dataset_ids: list[str]) -> None:
    """Mark pending, and hand to the runner, the resources of these datasets whose file,
    format or schema changed since their last report. During a bulk write the rows are marked
    pending as it goes, in one transaction per batch, but the runner gets them when the bulk
    ends: downloading and validating files does not compete with the bulk write."""
    from portal.catalog import services as catalog
    from portal.catalog.models import Dataset
    from portal.validation import services
    from portal.validation.runner import runner

    app = current_app._get_current_object()
    work = runner(app)
    if work.mode == "off":
        return
    def mark(ids: list[str]) -> list[str]:
        found = []
        for dataset in db.session.scalars(select(Dataset).where(Dataset.id.in_(ids))
                                          .options(selectinload(Dataset.resources))):
            if dataset.state != "deleted":
                found += services.resources_to_validate(dataset)
        return found

    batch = catalog.current_batch()
    changed: list[str] = []
    # A fresh app context is a fresh session: the catalog's has just committed.
    with app.app_context():
        try:
            with db.unit_of_work():  # one commit for the whole batch (each mark joins it)
                changed = mark(dataset_ids)
        except Exception:  # e.g. a worker inserted a report meanwhile: one dataset at a time
            db.session.rollback()
            for dataset_id in dataset_ids:
                try:
                    changed += mark([dataset_id])
                except Exception:  # listeners must not break the write that announced itself
                    log.exception("could not queue the validation of dataset %s", dataset_id)
                    db.session.rollback()
    if batch is not None:
        for resource_id in changed:
            batch.defer(work.submit, resource_id, until_end=True)
    else:
        work.submit(changed)


def connect() -> None:
    signals.dataset_changed.connect(on_dataset_changed)
