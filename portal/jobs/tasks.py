"""The queue's own periodic job: give back the jobs of workers that died."""

from __future__ import annotations

from portal.jobs.registry import job


@job("jobs.recover", every=60)
def recover() -> None:
    """Jobs whose worker was killed (-9) or stopped sending heartbeats run again (retries
    left) or are marked failed with the reason; never stuck "running"."""
    from portal.jobs import backend

    backend().recover()
