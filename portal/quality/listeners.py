"""A dataset's score follows its changes: after the catalog's write has committed, the listener
asks the queue to score it (``quality.score_datasets``). During a bulk write (a harvest) the ids
wait in the batch and are scored together. A failure to queue is logged and never breaks the
write; the nightly ``quality.recompute`` catches up."""

from __future__ import annotations

import logging

from flask import has_app_context

from portal import jobs, signals

log = logging.getLogger(__name__)


def _ask(dataset_ids: list[str]) -> None:
    if not has_app_context() or not dataset_ids:
        return
    try:
        jobs.enqueue("quality.score_datasets", dataset_ids=list(dataset_ids))
    except Exception:  # the catalog write has committed already: report, never break it
        log.exception("could not queue the score of %d datasets", len(dataset_ids))


def on_dataset_changed(dataset_id: str, **_: object) -> None:
    from portal.catalog import services as catalog

    batch = catalog.current_batch()
    if batch is not None:
        batch.defer(_ask, dataset_id)
    else:
        _ask([dataset_id])


def connect() -> None:
    signals.dataset_changed.connect(on_dataset_changed, weak=False)
    signals.dataset_deleted.connect(on_dataset_changed, weak=False)
