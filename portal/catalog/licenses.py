"""The licence registry: Open Definition ids and their conformance, from standards/licenses.json."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    aliases: tuple[str, ...] = field(default=(), compare=False)
    alternate_urls: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_open(self) -> bool:
        """Conformant with the Open Definition (CKAN's ``isopen``)."""
        return self.od_conformance == "approved"


@cache
def licenses() -> dict[str, License]:
    return {
        item["id"]: License(**{**item, "aliases": tuple(item.get("aliases", ())),
                               "alternate_urls": tuple(item.get("alternate_urls", ()))})
        for item in load_standard("licenses.json")["licenses"]
    }


def get_license(license_id: str) -> License | None:
    return licenses().get(license_id)


@cache
def _ids() -> dict[str, str]:
    """Ids and aliases (lower-cased) -> licence id. The aliases include CKAN's short ids
    (``cc-by``) and the SPDX ids (``ODbL-1.0``)."""
    return {key.lower(): licence.id for licence in licenses().values()
            for key in (licence.id, *licence.aliases)}


def canonical_license_id(value: str) -> str | None:
    """The registry's id for an id, an alias or an SPDX id, in any case (``cc-by`` →
    ``CC-BY-4.0``); ``None`` when none matches. Every write stores this canonical id."""
    return _ids().get((value or "").strip().lower())


def _url_key(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")


@cache
def _index() -> dict[str, str]:
    """Every known spelling, URL and title (lower-cased) -> licence id."""
    index: dict[str, str] = {}
    for licence in licenses().values():
        for key in (licence.id, *licence.aliases, licence.title):
            index.setdefault(key.lower(), licence.id)
        for url in (licence.url, *licence.alternate_urls):
            if url:
                index.setdefault("url:" + _url_key(url), licence.id)
    return index


def find_license(value: str) -> License | None:
    """The licence a remote catalog means by an id, a short CKAN id, an SPDX id, a URL or a title
    (``odc-odbl``, ``https://opendatacommons.org/licenses/odbl/1.0/`` → ``ODC-ODbL-1.0``)."""
    raw = (value or "").strip()
    if not raw:
        return None
    index = _index()
    found = index.get(raw.lower()) or index.get("url:" + _url_key(raw))
    return licenses()[found] if found else None
