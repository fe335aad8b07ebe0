"""What the portal's DCAT-AP export says of a dataset, as the MQA's ``DatasetFacts``.

Each fact follows what ``portal.catalog.dcat.dataset_triples`` writes for the field, so the score
is the score of the published description, without serialising it (100,000 datasets a night).
Link checks come in as ``LinkStatus`` per resource id (``portal.quality.links``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from portal.catalog.dcat import file_types
from portal.catalog.licenses import get_license
from portal.quality.mqa import DatasetFacts, DistributionFacts
from portal.standards import load_standard

#: Formats the MQA counts as machine-readable and as non-proprietary (the EU Publications
#: Office's file-type lists that piveau-mqa reads), restricted to the portal's formats.
MACHINE_READABLE = frozenset({
    "CSV", "TSV", "XLSX", "XLS", "ODS", "JSON", "GEOJSON", "JSON-LD", "XML", "RDF", "TTL",
    "SHP", "KML", "KMZ", "GPKG", "PARQUET",
})
NON_PROPRIETARY = frozenset({
    "CSV", "TSV", "ODS", "ODT", "JSON", "GEOJSON", "JSON-LD", "XML", "RDF", "TTL", "TXT",
    "HTML", "KML", "GPKG", "PARQUET", "PNG", "TIFF", "GZIP", "ZIP",
})


@dataclass(frozen=True)
class LinkStatus:
    """The last check of a resource's URL: True answered, False broken, None never checked."""

    ok: bool | None


@cache
def _eu_licences() -> frozenset[str]:
    return frozenset(load_standard("dcat/vocabularies.json")["eu_licences"]["by_license"])


@cache
def _access_rights() -> Mapping[str, Any]:
    return load_standard("dcat/vocabularies.json")["access_rights"]["items"]


def distribution_facts(resource: Any, dataset: Any, link: LinkStatus | None) -> DistributionFacts:
    fmt = (resource.format or "").upper()
    known = file_types().get(fmt)
    licence_id = resource.license_id or dataset.license_id
    if resource.is_upload:
        # Served by the portal itself: its download URL is the access URL; a link check of it,
        # when there is one, decides, else the stored file is taken as reachable.
        ok = link.ok if link is not None and link.ok is not None else True
        access_ok, download_ok = ok, ok
    else:
        access_ok = link.ok if link is not None else None
        download_ok = None
    return DistributionFacts(
        resource_id=resource.id,
        access_url=bool(resource.is_upload or resource.url),
        download_url=resource.is_upload,
        access_ok=access_ok,
        download_ok=download_ok,
        format=bool(fmt),
        media_type=bool(resource.media_type),
        format_in_vocabulary=known is not None,
        non_proprietary=fmt in NON_PROPRIETARY,
        machine_readable=fmt in MACHINE_READABLE,
        licence=get_license(licence_id) is not None,
        licence_in_vocabulary=licence_id in _eu_licences(),
        rights=bool(resource.rights),  # the export writes it as a dct:RightsStatement
        byte_size=resource.size is not None and resource.size >= 0,
    )


def dataset_facts(dataset: Any, links: Mapping[str, LinkStatus], *,
                  dcat_ap_compliant: bool) -> DatasetFacts:
    rights = dataset.access_rights in _access_rights()
    return DatasetFacts(
        keywords=bool(dataset.keywords),
        themes=bool(dataset.themes),
        spatial=bool(dataset.spatial),
        temporal=bool(dataset.temporal_start or dataset.temporal_end),
        access_rights=rights,
        access_rights_in_vocabulary=rights,  # always the EU access-right authority table
        contact_point=bool(dataset.contact_name or dataset.contact_email),
        publisher=dataset.entity is not None,
        issued=dataset.issued is not None,
        modified=dataset.modified is not None,
        dcat_ap_compliant=dcat_ap_compliant,
        distributions=tuple(distribution_facts(r, dataset, links.get(r.id))
                            for r in dataset.resources),
    )
