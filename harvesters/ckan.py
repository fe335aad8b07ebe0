"""CKAN: pages through ``package_search`` and maps CKAN dictionaries (extras included).

Incremental on ``metadata_modified``: once a source has been harvested, a run first lists only
``id`` and ``metadata_modified`` of every dataset (cheap, and needed to notice removals), then
asks ``package_search`` for the full dictionaries modified since the newest one it holds
(``fq=metadata_modified:[SINCE TO *]``); a changed dataset missing from that answer is read with
``package_show``. Unchanged datasets are never downloaded whole. Datasets that disappeared at the
source are removed here too (``remove_missing``, on by default), which CKAN's own harvester
cannot do.

Configuration: ``rows`` (page size, 100), ``incremental`` (true), ``fq`` (an extra Solr filter,
e.g. ``organization:ine``), ``api_key`` is deliberately not supported: harvest public data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from portal.harvest.base import Harvester, ListingError, RemoteItem
from portal.outbound import FetchError
from portal.series.harvest import KEY as SERIES_LINKS
from portal.validation.schemas_registry import reference_problem

LIGHT_FIELDS = "id,name,title,metadata_modified"
CONSUMED_EXTRAS = {
    "identifier", "guid", "dct_identifier", "issued", "modified", "temporal_start",
    "temporal_end", "frequency", "accrual_periodicity", "language", "spatial_code",
    "access_rights", "theme",
}


class CkanHarvester(Harvester):
    type = "ckan"
    label = _l("CKAN (API de acciones)")
    defaults = {"rows": 100, "incremental": True, "fq": ""}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        base = self.source.url.rstrip("/")
        for suffix in ("/api/3/action", "/api/3", "/api"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
                break
        self.base = base
        self.api = f"{base}/api/3/action/"

    # -- listing -----------------------------------------------------------------------------

    def _call(self, action: str, **params: Any) -> Any:
        url = self.api + action + ("?" + urlencode(params) if params else "")
        body = self.get_json(url)
        if not isinstance(body, dict) or "result" not in body:
            raise ListingError("not-ckan", str(_l(
                "{url} no respondió como una API de CKAN (falta «result»).")).format(url=url),
                url)
        if body.get("success") is False:
            error = body.get("error") or {}
            raise ListingError("ckan-error", str(_l("CKAN respondió con un error en {url}: "
                                                    "{error}")).format(url=url, error=error),
                               url)
        return body["result"]

    def _pages(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Every package of a ``package_search``, page by page, stopping on a page loop."""
        rows = max(1, min(int(self.config["rows"]), 1000))
        seen_ids: set[str] = set()
        start = 0
        for _page in range(int(self.config["max_pages"])):
            query = {"q": "*:*", "rows": rows, "start": start, "sort": "id asc", **params}
            if self.config.get("fq"):
                query["fq"] = " ".join(filter(None, [self.config["fq"], query.get("fq", "")]))
            result = self._call("package_search", **query)
            if not isinstance(result, dict) or not isinstance(result.get("results"), list):
                raise ListingError("not-ckan", str(_l(
                    "La respuesta de package_search de {url} no tiene «results».")).format(
                        url=self.api), self.api)
            if "fq" not in params and isinstance(result.get("count"), int):
                self.expected = result["count"]
            packages = [p for p in result["results"] if isinstance(p, dict)]
            fresh = [p for p in packages if str(p.get("id")) not in seen_ids]
            if packages and not fresh:
                raise ListingError("page-loop", str(_l(
                    "package_search de {url} repite la misma página (start={start}); se detuvo "
                    "el listado.")).format(url=self.api, start=start), self.api)
            for package in fresh:
                seen_ids.add(str(package.get("id")))
                yield package
            start += len(packages)
            count = result.get("count")
            if not packages or len(packages) < rows or (isinstance(count, int)
                                                         and start >= count):
                return
        raise ListingError("too-many-pages", str(_l(
            "La fuente tiene más de {n} páginas; aumente «max_pages».")).format(
                n=self.config["max_pages"]), self.api)

    def _item(self, package: dict[str, Any], *, full: bool) -> RemoteItem:
        remote_id = str(package.get("id") or package.get("name") or "")
        return RemoteItem(
            remote_id=remote_id,
            url=f"{self.base}/dataset/{package.get('name') or remote_id}",
            title=str(package.get("title") or package.get("name") or ""),
            payload=package if full else None,
            modified=str(package.get("metadata_modified") or ""),
            partial=not full,
        )

    def list_items(self) -> Iterator[RemoteItem]:
        live = {rid: p for rid, p in self.previous.items() if p.live}
        if not self.config["incremental"] or not live:
            for package in self._pages():
                yield self._item(package, full=True)
            return
        light = list(self._pages(fl=LIGHT_FIELDS))
        changed = [p for p in light if (prev := live.get(str(p.get("id")))) is None
                   or prev.remote_modified != str(p.get("metadata_modified") or "")]
        full: dict[str, dict[str, Any]] = {}
        if any("resources" in p for p in light):
            full = {str(p.get("id")): p for p in light}  # the server ignored ``fl``
        elif changed:
            since = max(p.remote_modified for p in live.values())
            stamp = since[:23].rstrip("Z") + "Z" if since else "*"  # Solr: milliseconds, UTC
            for package in self._pages(fq=f"metadata_modified:[{stamp} TO *]"):
                full[str(package.get("id"))] = package
        for package in light:
            package_id = str(package.get("id"))
            if package_id in full:
                yield self._item(full[package_id], full=True)
            else:
                yield self._item(package, full=False)

    def fetch(self, item: RemoteItem) -> RemoteItem:
        try:
            package = self._call("package_show", id=item.remote_id)
        except ListingError as exc:  # here it concerns one item only
            raise FetchError(exc.type, exc.message, exc.url) from None
        return self._item(package, full=True)

    # -- mapping -----------------------------------------------------------------------------

    def to_dataset(self, item: RemoteItem) -> dict[str, Any]:
        item.extra[SERIES_LINKS] = {"type": item.payload.get("type"),
                                    "in_series": item.payload.get("in_series") or []}
        return package_to_dataset(item.payload)


def _extras(package: dict[str, Any]) -> dict[str, Any]:
    extras = package.get("extras") or []
    if isinstance(extras, dict):
        return {str(k): v for k, v in extras.items()}
    return {str(e.get("key")): e.get("value") for e in extras
            if isinstance(e, dict) and e.get("key")}


def _codes(value: Any) -> list[str]:
    """Geographic codes of a ``spatial`` extra written as a JSON list (this portal's, and
    ckanext-dcat's for codes); a GeoJSON geometry (ckanext-spatial's) is not a list of codes."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return []


def package_to_dataset(package: dict[str, Any]) -> dict[str, Any]:
    """Catalog input from a CKAN package dictionary (``package_show``'s ``result``)."""
    extras = _extras(package)
    identifier = extras.get("identifier") or extras.get("guid") or \
        extras.get("dct_identifier") or package.get("id") or ""
    license_ref = package.get("license_id") or package.get("license_url") or \
        package.get("license_title") or ""
    tags = [t.get("name") if isinstance(t, dict) else t for t in package.get("tags") or []]
    groups = [g.get("name") if isinstance(g, dict) else g for g in package.get("groups") or []]
    remaining = {k: v for k, v in extras.items() if k not in CONSUMED_EXTRAS
                 and not (k == "spatial" and _codes(v))}
    organization = package.get("organization")
    if isinstance(organization, dict) and organization.get("title"):
        remaining["ckan_organization"] = organization["title"]
    remaining["ckan_name"] = package.get("name") or ""
    return {
        "name": package.get("name"),
        "title": package.get("title"),
        "description": package.get("notes") or "",
        "license_id": license_ref,
        "keywords": [t for t in tags if t],
        "themes": [g for g in groups if g],
        "contact_name": package.get("maintainer") or package.get("author") or "",
        "contact_email": package.get("maintainer_email") or package.get("author_email") or "",
        "landing_page": package.get("url") or "",
        "version": package.get("version") or "",
        "identifier": str(identifier),
        "issued": extras.get("issued") or package.get("metadata_created"),
        "modified": extras.get("modified") or package.get("metadata_modified"),
        "temporal_start": extras.get("temporal_start"),
        "temporal_end": extras.get("temporal_end"),
        "frequency": extras.get("frequency") or extras.get("accrual_periodicity") or "",
        "language": extras.get("language") or [],
        "spatial": extras.get("spatial_code") or _codes(extras.get("spatial")) or [],
        "access_rights": extras.get("access_rights") or "public",
        "private": bool(package.get("private")),
        "extras": remaining,
        "resources": [_resource(r) for r in package.get("resources") or []
                      if isinstance(r, dict)],
    }


def _size(value: Any) -> int | None:
    """Bytes as a CKAN source gives them (older CKANs: a string); None when not a count."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    return None


def _moment(value: Any) -> str | None:
    """An ISO 8601 date and time, or None for anything a source wrote that is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return value.strip()


def _schema(value: Any) -> Any:
    """The resource's Table Schema when it is one this portal can use (inline, an http(s) URL or
    a name registered here too); a name only the source knows is left out."""
    if value in (None, "", {}) or reference_problem(value) is not None:
        return None
    return value


def _resource(resource: dict[str, Any]) -> dict[str, Any]:
    """Catalog input of a CKAN resource. What the source declared or measured (size, hash, last
    change) is kept as declared here; a file stored at the source is a link here, so its
    ``url_type`` "upload" is dropped (as ckanext-harvest does), any other kept."""
    url_type = resource.get("url_type") or ""
    return {
        "name": resource.get("name") or "",
        "description": resource.get("description") or "",
        "url": resource.get("url") or "",
        "format": resource.get("format") or "",
        "media_type": resource.get("mimetype") or "",
        "license_id": resource.get("license_id") or "",
        "rights": str(resource.get("rights") or "")[:2000],  # ckanext-dcat's, dct:rights
        "size": _size(resource.get("size")),
        "hash": str(resource.get("hash") or "")[:200],
        "last_modified": _moment(resource.get("last_modified")),
        "url_type": "" if url_type == "upload" else str(url_type),
        "schema": _schema(resource.get("schema")),
    }
