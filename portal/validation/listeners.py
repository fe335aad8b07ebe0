"""Validation follows the catalog: after a dataset's write has committed, its resources whose file
(sha256 or URL), format or schema changed are marked pending and handed to the runner; unchanged
ones are left alone.
"""

from __future__ import annotations

import logging

from flask import current_app

from portal import db, signals

log = logging.getLogger(__name__)


def on_dataset_changed(dataset_id: str, **_extra) -> None:
    """Receiver of ``portal.signals.dataset_changed``; never lets an error reach the catalog."""
    from portal.catalog.models import Dataset
    from portal.validation import services
    from portal.validation.runner import runner

    app = current_app._get_current_object()
    work = runner(app)
    if work.mode == "off":
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
    work.submit(changed)


def connect() -> None:
    signals.dataset_changed.connect(on_dataset_changed)
