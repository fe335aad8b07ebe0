"""The licence registry: Open Definition ids and their conformance, from standards/licenses.json."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from portal.standards import load_standard


@dataclass(frozen=True)
class License:
    id: str
    title: str
    url: str
    od_conformance: str
    osd_conformance: str
    domain_content: bool
    domain_data: bool
    domain_software: bool
    family: str
    maintainer: str
    status: str
    is_generic: bool = False

    @property
    def is_open(self) -> bool:
        """Conformant with the Open Definition (CKAN's ``isopen``)."""
        return self.od_conformance == "approved"


@cache
def licenses() -> dict[str, License]:
    return {item["id"]: License(**item) for item in load_standard("licenses.json")["licenses"]}


def get_license(license_id: str) -> License | None:
    return licenses().get(license_id)
