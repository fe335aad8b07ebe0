"""Quality's jobs: one dataset's score after its change (asked by ``listeners``), and every
score each night. Both rewrite today's rows, so running twice is harmless."""

from __future__ import annotations

from portal import jobs

NIGHTLY = 24 * 3600


#: One writer of scores at a time: two runs rewriting the same dataset's row of the day would
#: collide on its key. Scoring one dataset takes milliseconds; during the nightly run a change
#: waits for it (and is scored by it when the run reaches the dataset after the change).
LOCK = "quality-scores"


@jobs.job("quality.score_datasets", queue="quality", lock=lambda **_: LOCK)
def score_datasets(dataset_ids: list[str]) -> int:
    """Score these datasets as the database has them now."""
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
