"""Feeds' job: bring the full-catalog dumps up to date (only the fragments that changed are
rewritten, see ``dumps.build``), so no visitor waits for it."""

from __future__ import annotations

from portal import jobs


@jobs.job("feeds.build_dumps", queue="feeds", every=3600)
def build_dumps() -> None:
    from portal.feeds import dumps

    dumps.build()
