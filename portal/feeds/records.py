"""Plain (non-RDF) views of a public dataset: one JSON record (the JSON Lines dump) and one CSV
row per resource (``/catalog.csv``)."""

from __future__ import annotations

from typing import Any

from portal.catalog import dcat
from portal.catalog.licenses import get_license


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def resource_url(dataset: Any, resource: Any, base_url: str) -> str:
    return dcat.download_url(dataset.name, resource, base_url) if resource.is_upload \
        else resource.url


def dataset_record(dataset: Any, base_url: str) -> dict[str, Any]:
    licence = get_license(dataset.license_id)
    return {
        "id": dataset.id,
        "name": dataset.name,
        "uri": str(dcat.dataset_uri(dataset.name, base_url)),
        "url": f"{base_url.rstrip('/')}/dataset/{dataset.name}",
        "title": dataset.title,
        "description": dataset.description,
        "entity": {"name": dataset.entity.name, "title": dataset.entity.title},
        "license_id": dataset.license_id,
        "license_title": licence.title if licence else "",
        "license_url": licence.url if licence else "",
        "keywords": list(dataset.keywords),
        "themes": [theme.name for theme in dataset.themes],
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "access_rights": dataset.access_rights,
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "spatial": list(dataset.spatial or []),
        "frequency": dataset.frequency,
        "language": list(dataset.language or []),
        "landing_page": dataset.landing_page,
        "version": dataset.version,
        "identifier": dataset.identifier,
        "issued": _iso(dataset.issued),
        "modified": _iso(dataset.modified),
        "metadata_created": _iso(dataset.metadata_created),
        "metadata_modified": _iso(dataset.metadata_modified),
        "resources": [
            {
                "id": resource.id,
                "name": resource.name,
                "description": resource.description,
                "url": resource_url(dataset, resource, base_url),
                "format": resource.format,
                "media_type": resource.media_type,
                "size": resource.size,
                "sha256": resource.sha256,
                "license_id": resource.license_id or dataset.license_id,
                "created": _iso(resource.created),
                "modified": _iso(resource.modified),
            }
            for resource in dataset.resources
        ],
    }


CSV_COLUMNS = (
    "dataset_name", "dataset_title", "dataset_url", "entity", "entity_title", "license_id",
    "license_url", "keywords", "themes", "frequency", "spatial", "language", "temporal_start",
    "temporal_end", "issued", "modified", "metadata_modified", "resource_id", "resource_name",
    "resource_format", "resource_media_type", "resource_url", "resource_size",
    "resource_license_id",
)


def csv_rows(dataset: Any, base_url: str) -> list[list[Any]]:
    """One row per resource; a dataset without resources gets one row with empty resource
    columns, so every public dataset is listed."""
    record = dataset_record(dataset, base_url)
    head = [
        record["name"], record["title"], record["url"], record["entity"]["name"],
        record["entity"]["title"], record["license_id"], record["license_url"],
        ";".join(record["keywords"]), ";".join(record["themes"]), record["frequency"],
        ";".join(record["spatial"]), ";".join(record["language"]),
        record["temporal_start"] or "", record["temporal_end"] or "", record["issued"] or "",
        record["modified"] or "", record["metadata_modified"] or "",
    ]
    rows = [[*head, r["id"], r["name"], r["format"], r["media_type"], r["url"],
             "" if r["size"] is None else r["size"], r["license_id"]]
            for r in record["resources"]]
    return rows or [head + [""] * 7]
