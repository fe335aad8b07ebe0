"""What ``resource_show`` and ``package_show`` (and every dataset dictionary of the API) add
about links, freshness and openness, under the keys CKAN's extensions use:

* ``archiver`` (ckanext-archiver): per resource ``is_broken``, ``status``, ``reason``,
  ``failure_count``, ``first_failure``, ``last_success``, ``updated``, ``url_redirected_to``,
  ``mimetype``, ``size``, plus this portal's ``status_id`` slug and ``http_status``; ``null``
  for an upload or a link never checked. Per dataset ``is_broken`` (every checked link
  broken), ``broken_resources``, ``checked_resources``, ``links``.
* ``qa`` (ckanext-qa): ``openness_score`` (0-5) and ``openness_score_reason`` per resource and
  per dataset (its best resource), plus ``openness_score_earned`` (what each star was given
  for).
* ``freshness`` (this portal's): ``status``, ``frequency``, ``last_data_change``,
  ``expected_update``, ``days_overdue``, ``overdue``.

Checks are read once per dump (``prefetch``, from the output schema's pre-dump hook), not once
per resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g

from portal.linkcheck import services
from portal.quality import freshness, openness

_CACHE = "_linkcheck_checks"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def prefetch(datasets: Iterable[Any]) -> None:
    """Load the link checks of these datasets' resources in one statement per 500."""
    resources = [resource for dataset in datasets if hasattr(dataset, "resources")
                 for resource in dataset.resources]
    cache = g.setdefault(_CACHE, {})
    missing = [resource.id for resource in resources if resource.id not in cache]
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        found = services.checks_for(chunk)
        cache.update({resource_id: found.get(resource_id) for resource_id in chunk})


def _checks(dataset) -> dict[str, Any]:
    cache = g.setdefault(_CACHE, {})
    if any(resource.id not in cache for resource in dataset.resources):
        prefetch([dataset])
    return {resource.id: check for resource in dataset.resources
            if (check := services.current(cache.get(resource.id), resource)) is not None}


def resource_archiver(resource) -> dict[str, Any] | None:
    check = _checks(resource.dataset).get(resource.id)
    if check is None:
        return None
    return {"is_broken": services.is_broken(check), "status": check.status,
            "status_id": check.status, "http_status": check.http_status,
            "reason": check.message, "failure_count": check.failures,
            "first_failure": _iso(check.first_failure), "last_success": _iso(check.last_success),
            "updated": _iso(check.checked_at),
            "url_redirected_to": check.final_url if check.final_url != check.url else "",
            "mimetype": check.media_type or None, "size": check.size}


def package_archiver(dataset) -> dict[str, Any]:
    checks = _checks(dataset)
    links = sum(1 for resource in dataset.resources if not resource.is_upload and resource.url)
    broken = sum(1 for check in checks.values() if services.is_broken(check))
    return {"is_broken": bool(checks) and broken == len(checks), "broken_resources": broken,
            "checked_resources": len(checks), "links": links}


def _qa(rating) -> dict[str, Any]:
    if rating is None:
        return {"openness_score": None, "openness_score_reason": "",
                "openness_score_earned": []}
    return {"openness_score": rating.stars, "openness_score_reason": rating.reason,
            "openness_score_earned": list(rating.earned)}


def resource_qa(resource) -> dict[str, Any]:
    dataset = resource.dataset
    check = _checks(dataset).get(resource.id)
    return _qa(openness.rate(openness.facts_of(resource, dataset, check)))


def package_qa(dataset) -> dict[str, Any]:
    return _qa(openness.rate_dataset(dataset, _checks(dataset))[1])


def package_freshness(dataset) -> dict[str, Any]:
    return freshness.of_dataset(dataset, _checks(dataset)).as_dict()
