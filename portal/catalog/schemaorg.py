"""schema.org ``Dataset`` JSON-LD for the dataset pages, as Google Dataset Search reads it.

Required: name, description (50 to 5000 characters). Recommended and given when known: url,
identifier, keywords, license, creator, publisher, temporalCoverage, spatialCoverage, version,
isAccessibleForFree, distribution (``DataDownload`` with contentUrl and encodingFormat),
includedInDataCatalog, dates and language.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from markupsafe import Markup

from portal.catalog import dcat
from portal.catalog.codelists import codes
from portal.catalog.licenses import get_license
from portal.catalog.models import Dataset

DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 5000


def _description(dataset: Dataset) -> str:
    text = (dataset.description or dataset.title).strip()
    if len(text) < DESCRIPTION_MIN:
        text = f"{text} — {dataset.title}. Publicado por {dataset.entity.title}."
    if len(text) > DESCRIPTION_MAX:
        text = text[:DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"
    return text


def _in_languages(spanish: str, translations: dict[str, str] | None) -> str | list[dict]:
    """A text, or with translations the JSON-LD language-tagged values, Spanish first."""
    if not translations:
        return spanish
    return [{"@value": spanish, "@language": dcat.LANG},
            *({"@value": text, "@language": lang} for lang, text in translations.items())]


def _organization(dataset: Dataset, base: str) -> dict[str, Any]:
    """The publisher: a harvested dataset's own (its ``publisher_*`` extras), else its entity."""
    remote = dcat.remote_publisher(dataset)
    if remote is not None:
        found = {"@type": "Organization", "name": remote.name}
        found.update({key: value for key, value in (("@id", remote.uri), ("url", remote.url),
                                                    ("email", remote.email)) if value})
        return found
    entity = dataset.entity
    found: dict[str, Any] = {
        "@type": "GovernmentOrganization",
        "@id": str(dcat.entity_uri(entity.name, base)),
        "name": _in_languages(entity.title, entity.title_translated),
        "url": entity.website or f"{base}/organization/{entity.name}",
    }
    if entity.email:
        found["email"] = entity.email
    return found


def _spatial(code: str) -> dict[str, Any]:
    place: dict[str, Any] = {"@type": "Place", "name": codes("spatial")[code]["label"]}
    box = dcat._spatial_boxes().get(code)
    if box:
        west, south, east, north = box
        place["geo"] = {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"}
    return place


def _temporal(dataset: Dataset) -> str | None:
    start, end = dataset.temporal_start, dataset.temporal_end
    if not (start or end):
        return None
    return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"


def dataset_jsonld(dataset: Dataset, base_url: str, *, catalog_title: str) -> dict[str, Any]:
    base = base_url.rstrip("/")
    page = f"{base}/dataset/{dataset.name}"
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(dcat.dataset_uri(dataset.name, base)),
        "name": _in_languages(dataset.title, dataset.title_translated),
        "description": _in_languages(_description(dataset), dataset.description_translated),
        "url": page,
        # The DCAT dataset this record describes, for crawlers that join the two graphs.
        "sameAs": str(dcat.dataset_uri(dataset.name, base)),
        "identifier": [value for value in (dataset.identifier, page) if value],
        "keywords": [tag.name for tag in dataset.tags] + [t.title for t in dataset.themes] + [
            {"@value": keyword, "@language": lang}
            for lang, words in (dataset.keywords_translated or {}).items() for keyword in words],
        "isAccessibleForFree": True,
        "creator": _organization(dataset, base),
        "publisher": _organization(dataset, base),
        "includedInDataCatalog": {"@type": "DataCatalog", "name": catalog_title,
                                  "url": f"{base}/"},
        "inLanguage": list(dataset.language or []),
        "dateModified": (dataset.modified or dataset.metadata_modified.date()).isoformat(),
    }
    licence = get_license(dataset.license_id)
    if licence is not None:
        data["license"] = licence.url or f"{base}/licenses"
    if dataset.issued:
        data["datePublished"] = dataset.issued.isoformat()
    temporal = _temporal(dataset)
    if temporal:
        data["temporalCoverage"] = temporal
    if dataset.spatial:
        data["spatialCoverage"] = [_spatial(code) for code in dataset.spatial
                                   if code in codes("spatial")]
    if dataset.version:
        data["version"] = dataset.version
    provenance = dcat.provenance_of(dataset)
    if provenance is not None and provenance.remote_url:
        data["isBasedOn"] = provenance.remote_url  # the remote dataset it was harvested from
    if dataset.contact_email:
        data["creator"]["contactPoint"] = {
            "@type": "ContactPoint", "email": dataset.contact_email,
            "name": dataset.contact_name or dataset.entity.title,
            "contactType": "consultas sobre los datos",
        }
    distributions = []
    for resource in dataset.resources:
        url = dcat.download_url(dataset.name, resource, base) if resource.is_upload \
            else resource.url
        download: dict[str, Any] = {"@type": "DataDownload", "contentUrl": url,
                                    "name": _in_languages(resource.name,
                                                          resource.name_translated)}
        file_type = dcat.file_types().get((resource.format or "").upper())
        encoding = resource.media_type or (file_type["media_type"] if file_type else "")
        if encoding or resource.format:
            download["encodingFormat"] = encoding or resource.format
        if resource.description:
            download["description"] = _in_languages(resource.description,
                                                    resource.description_translated)
        if resource.size is not None:
            download["contentSize"] = f"{resource.size} B"
        if resource.sha256:
            download["sha256"] = resource.sha256
        distributions.append(download)
    if distributions:
        data["distribution"] = distributions
    return data


def dataset_jsonld_script(dataset: Dataset) -> Markup:
    """The JSON-LD for a ``<script type="application/ld+json">`` element: ``<``, ``>`` and ``&``
    are escaped so the text can never close the element."""
    data = dataset_jsonld(dataset, current_app.config["PORTAL_SITE_URL"],
                          catalog_title=current_app.config["PORTAL_SITE_TITLE"])
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
