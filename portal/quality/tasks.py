"""Quality's jobs: the scores of the datasets waiting for one (asked for by ``listeners`` after a
change), and every score each night. Both rewrite today's rows, so running twice is harmless."""

from __future__ import annotations

from portal import jobs

NIGHTLY = 24 * 3600
#: The schedule also queues the drain now and then: the datasets asked for when the queue could
#: not be reached, or left by a drain that died, are scored within this delay.
PENDING_SWEEP = 300


#: One writer of scores at a time: two runs rewriting the same dataset's row of the day would
#: collide on its key. During the nightly run the drain waits for it (the datasets changed
#: meanwhile stay in ``quality_pending`` and are scored after it).
LOCK = "quality-scores"


@jobs.job("quality.score_pending", queue="quality", lock=lambda **_: LOCK, every=PENDING_SWEEP)
def score_pending() -> int:
    """Score the datasets of ``quality_pending`` until none is left. At most one waits in the
    queue (its queueing lock): however many changes are asked for while it waits, it is the one
    run that scores them, each dataset once."""
    from portal.quality import services

    return services.score_pending()


@jobs.job("quality.score_datasets", queue="quality", lock=lambda **_: LOCK)
def score_datasets(dataset_ids: list[str]) -> int:
    """Score these datasets as the database has them now. No longer asked for by the listener
    (see ``score_pending``): kept for the jobs of this name a queue may still hold after an
    upgrade."""
    from portal.quality import services

    return services.score_datasets(dataset_ids)


@jobs.job("quality.recompute", queue="quality", lock=lambda **_: LOCK,
          every=NIGHTLY)
def recompute() -> int:
    """Score every dataset (the history keeps one row per dataset and day), then publish the
    observatory's figures as the catalog's dataset."""
    from portal.quality import publication, services

    count = services.recompute_all()
    publication.refresh()
    return count
