"""Link-check results for the score's accessibility indicators.

The link checker (``portal.linkcheck``) records the last check of every remote resource URL. This
module is the one place the quality domain reads it: ``statuses(session, resource_ids)`` gives a
``LinkStatus`` per resource that has been checked. Without the link checker (or before its first
run) nothing is known and the indicators say "not checked yet"; nothing is guessed.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from sqlalchemy.orm import Session

from portal.quality.facts import LinkStatus


def _checker():
    try:
        return importlib.import_module("portal.linkcheck.services")
    except ImportError:
        return None


def statuses(session: Session, resource_ids: Sequence[str]) -> dict[str, LinkStatus]:
    checker = _checker()
    if checker is None or not resource_ids or not hasattr(checker, "link_statuses"):
        return {}
    found = checker.link_statuses(session, list(resource_ids))
    return {resource_id: LinkStatus(ok) for resource_id, ok in found.items()}
