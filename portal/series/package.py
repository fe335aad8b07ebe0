"""What package_show says of series: CKAN's ``type`` ("series" for a series), ``in_series``
and ``series_navigation`` (used by ``portal.api.results.PackageOut``)."""

from __future__ import annotations

from typing import Any

from portal.series import services

REF = {"type": "object", "nullable": True, "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "title": {"type": "string"}}}
NAVIGATION = {"type": "array", "description": "For each series the dataset is in: the series, "
              "and the previous and next member (dcat:prev, dcat:next; null at the ends).",
              "items": {"type": "object", "properties": {
                  "series": REF, "prev": REF, "next": REF}}}


def ref(found) -> dict[str, str] | None:
    return None if found is None else {"id": found.id, "name": found.name, "title": found.title}


def package_type(dataset) -> str:
    return services.SERIES_TYPE if services.is_series(dataset.id) else services.DATASET_TYPE


def in_series(dataset) -> list[str]:
    return services.series_names(dataset.id)


def series_navigation(dataset) -> list[dict[str, Any]]:
    return [{key: ref(value) for key, value in item.items()}
            for item in services.links().navigation(dataset.id)]
