"""Link-check results for the score's accessibility indicators.

The link checker (``portal.linkcheck``) records the last check of every remote resource URL.
This module is the one place the quality domain reads it: ``statuses(resources)`` gives a
``LinkStatus`` per resource whose current URL has been checked. Without the link checker (an
app built without it) or before a URL's first check nothing is known, and the indicators say
"not checked yet"; nothing is guessed.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from portal.quality.facts import LinkStatus


def _checker():
    try:
        return importlib.import_module("portal.linkcheck.services")
    except ImportError:
        return None


def statuses(resources: Sequence[Any]) -> dict[str, LinkStatus]:
    checker = _checker()
    if checker is None or not resources:
        return {}
    checks = checker.checks_for(r.id for r in resources)
    found = {}
    for resource in resources:
        check = checker.current(checks.get(resource.id), resource)
        if check is not None:
            found[resource.id] = LinkStatus(check.ok)
    return found
