"""A dataset's score follows its changes: after the catalog's write has committed, the listener
adds the dataset to the ones waiting for a score (``services.ask``, table ``quality_pending``,
one short transaction) and asks the queue for ``quality.score_pending``, which waits there at
most once (its queueing lock): a burst of changes is one job that scores each dataset once.
During a bulk write (a harvest) the ids wait in the batch and are asked for together. Link
checks whose outcome changes what the score reads (``signals.links_checked``) ask likewise.

A failure never breaks the write: if the ids cannot be recorded, the nightly
``quality.recompute`` catches up; if the job cannot be queued, the ids stay waiting and the
schedule's sweep (``quality.score_pending`` every ``tasks.PENDING_SWEEP`` seconds) scores them."""

from __future__ import annotations

import logging

from flask import has_app_context

from portal import jobs, signals

log = logging.getLogger(__name__)


def _ask(dataset_ids: list[str]) -> None:
    from portal.quality import services, tasks

    if not has_app_context() or not dataset_ids:
        return
    for attempt in (1, 2):  # once more after a failure (a deadlock, a busy database)
        try:
            services.ask(dataset_ids)
            break
        except Exception:  # the catalog write has committed already: report, never break it
            if attempt == 2:
                log.exception("could not record that %d datasets wait for their score",
                              len(dataset_ids))
                return
    try:
        jobs.enqueue(tasks.score_pending)
    except Exception:  # the ids wait in quality_pending: the schedule's sweep scores them
        log.exception("could not queue the score of %d datasets (they wait for the next "
                      "sweep)", len(dataset_ids))


def on_dataset_changed(dataset_id: str, **_: object) -> None:
    from portal.catalog import services as catalog

    batch = catalog.current_batch()
    if batch is not None:
        batch.defer(_ask, dataset_id)
    else:
        _ask([dataset_id])


def on_links_checked(dataset_ids: tuple[str, ...], **_: object) -> None:
    _ask(list(dataset_ids))


def connect() -> None:
    signals.dataset_changed.connect(on_dataset_changed, weak=False)
    signals.dataset_deleted.connect(on_dataset_changed, weak=False)
    signals.links_checked.connect(on_links_checked, weak=False)
