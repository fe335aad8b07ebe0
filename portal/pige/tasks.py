"""PIGE's jobs: the e-mail notices of the procedure, every hour (``portal.pige.notices``)."""

from __future__ import annotations

from portal import jobs


@jobs.job("pige.send_notices", queue="default", every=3600)
def send_notices() -> dict[str, int]:
    """Send the notices due today that were not sent yet (nothing without an SMTP server)."""
    from portal.pige import notices

    return notices.send_due()
