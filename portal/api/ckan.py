"""CKAN's names for the catalog's things, in both directions.

The catalog speaks DCAT (``description``, ``entity``, ``keywords``, ``themes``); CKAN clients speak
``notes``, ``owner_org``, ``tags``, ``groups``. DCAT fields CKAN has no name for travel as
``extras`` (``[{"key": ..., "value": ...}]``), as ckanext-dcat does, and are also accepted as
top-level keys, as ckanext-scheming sends them.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, has_request_context, request, url_for

from portal.catalog.models import Dataset, Resource

#: DCAT fields without a CKAN name, carried in ``extras``. CKAN's ``url`` is the landing page
#: (ckanext-dcat maps it to ``dcat:landingPage``), so ``landing_page`` is not repeated here.
DCAT_EXTRAS = (
    "contact_name", "contact_email", "access_rights", "temporal_start", "temporal_end",
    "spatial", "frequency", "language", "identifier", "issued", "modified",
)
#: Multi-valued ones: a JSON array in the extra's value, as ckanext-dcat writes them.
LIST_EXTRAS = ("spatial", "language")

#: Catalog field -> CKAN key, to name the CKAN key in a validation error.
DATASET_ERROR_NAMES = {
    "description": "notes",
    "description_translated": "notes_translated",
    "keywords_translated": "tags_translated",
    "entity": "owner_org",
    "keywords": "tags",
    "themes": "groups",
    "landing_page": "url",
}
RESOURCE_ERROR_NAMES = {"media_type": "mimetype"}
ORGANIZATION_ERROR_NAMES = {"logo_url": "image_url"}

#: Keys a free extra may not use: they are dataset fields.
RESERVED_EXTRA_KEYS = frozenset({
    "id", "name", "title", "notes", "owner_org", "license_id", "private", "state", "url",
    "version", "tags", "groups", "resources", "extras", "type", "organization",
    "landing_page", "title_translated", "notes_translated", "tags_translated", *DCAT_EXTRAS,
})


def extras_out(dataset: Dataset) -> list[dict[str, str]]:
    """DCAT fields with a value, then the dataset's free extras, as CKAN's extras list."""
    out = []
    for key in DCAT_EXTRAS:
        value = getattr(dataset, key)
        if value in (None, "", []):
            continue
        if key in LIST_EXTRAS:
            value = json.dumps(value, ensure_ascii=False)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out.append({"key": key, "value": str(value)})
    for key, value in sorted((dataset.extras or {}).items()):
        out.append({"key": key, "value": value if isinstance(value, str)
                    else json.dumps(value, ensure_ascii=False)})
    return out


def site_root() -> str:
    if has_request_context():
        return request.url_root.rstrip("/")
    return current_app.config["PORTAL_SITE_URL"].rstrip("/")


def download_url(resource: Resource) -> str:
    """Where an uploaded file is downloaded: the dataset pages' download route."""
    return url_for("dataset.resource_download", name=resource.dataset.name,
                   resource_id=resource.id, filename=resource.url or "archivo", _external=True)


def resource_url(resource: Resource) -> str:
    return download_url(resource) if resource.is_upload else resource.url


def rename_errors(fields: dict[str, list[str]], names: dict[str, str]) -> dict[str, list[str]]:
    """A service's error fields under CKAN's names."""
    renamed: dict[str, list[str]] = {}
    for key, messages in fields.items():
        renamed.setdefault(names.get(key, key), []).extend(messages)
    return renamed


def without_own_download_url(resource: Resource, data: dict[str, Any]) -> dict[str, Any]:
    """A client that sends back the ``url`` it read (``resource_show`` then ``resource_update``)
    keeps the uploaded file instead of replacing it by a link to itself; the ``hash`` it read,
    when it is the portal's own checksum, is not taken for a declared one."""
    echoes = set()
    if resource.is_upload and data.get("url") in (download_url(resource), resource.url):
        echoes.add("url")
    if not resource.hash and resource.sha256 and data.get("hash") == resource.sha256:
        echoes.add("hash")
    return {key: value for key, value in data.items() if key not in echoes}
