"""OCDS: a source of procurement data becomes one dataset whose files are its distributions.

The URL may give a release package, a record package, JSON Lines, or the first page of an API
that pages with ``links.next``; every page is downloaded (size-capped) to a temporary file and
validated against OCDS 1.1 with ``portal.validation.ocds`` (streamed, never loaded whole). A page
seen twice (a loop) or more than ``max_pages`` pages stop the paging with a job error; the pages
read so far still make the dataset. The content hash is that of the files, so an unchanged
source costs one download and no write.

Configuration: ``title`` and ``description`` of the dataset, ``identifier`` (default: the URL),
``require_valid`` (an invalid file fails the item instead of being published).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import urljoin

import ijson
from flask_babel import lazy_gettext as _l

from harvesters.datapackage import summarize
from portal.bounded_json import JsonTooDeep, check_depth
from portal.harvest.base import Harvester, RemoteItem
from portal.harvest.mapping import ItemInvalid
from portal.validation.ocds import validate_ocds

META_KEYS = ("uri", "publishedDate", "version", "license", "publicationPolicy")
NESTED_KEYS = ("publisher.name", "publisher.uri", "links.next")


def package_meta(handle: IO[bytes], url: str = "") -> dict[str, Any]:
    """Top-level metadata of a package (publisher, license, links...) without building its
    releases or records; ``{}`` for JSON Lines or anything that is not one JSON object.

    A file nested deeper than ``PORTAL_MAX_JSON_DEPTH`` fails the item (``ItemInvalid``) before
    ijson builds its prefixes, which grow with depth (100,000 levels took a harvest to 21 GB)."""
    try:
        check_depth(handle)
    except JsonTooDeep as exc:
        raise ItemInvalid(str(_l(
            "El archivo OCDS {url} tiene más de {limit} niveles de anidamiento "
            "(PORTAL_MAX_JSON_DEPTH): no se leyó.")).format(url=url, limit=exc.limit)) from None
    meta: dict[str, Any] = {}
    try:
        events = ijson.parse(handle, multiple_values=True)
        for prefix, event, value in events:
            if prefix == "" and event == "end_map":
                break
            wanted = prefix in META_KEYS or prefix in NESTED_KEYS
            if wanted and event in ("string", "number"):
                meta[prefix] = value
    except ijson.JSONError:
        pass
    finally:
        handle.seek(0)
    return meta


class OcdsHarvester(Harvester):
    type = "ocds"
    label = _l("OCDS (paquetes, JSON Lines, API paginada)")
    defaults = {"title": "", "description": "", "identifier": "", "require_valid": False}

    def list_items(self) -> Iterator[RemoteItem]:
        self.expected = 1
        yield RemoteItem(remote_id=str(self.config["identifier"] or self.source.url),
                         url=self.source.url, title=str(self.config["title"]), partial=True)

    def fetch(self, item: RemoteItem) -> RemoteItem:
        files: list[dict[str, Any]] = []
        handles: list[IO[bytes]] = []
        item.extra["handles"] = handles
        url: str | None = self.source.url
        visited: set[str] = set()
        meta: dict[str, Any] = {}
        while url:
            if url in visited:
                self.problem("page-loop", str(_l(
                    "La paginación OCDS («links.next») vuelve a {url}; se detuvo.")).format(
                        url=url), url)
                break
            if len(visited) >= int(self.config["max_pages"]):
                self.problem("too-many-pages", str(_l(
                    "La fuente OCDS tiene más de {n} páginas; aumente «max_pages».")).format(
                        n=self.config["max_pages"]), url)
                break
            visited.add(url)
            fetched, handle = self.fetcher.download(url, accept="application/json")
            handles.append(handle)
            digest = hashlib.sha256()
            size = 0
            for chunk in iter(lambda h=handle: h.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
            handle.seek(0)
            page_meta = package_meta(handle, fetched.url)
            meta = meta or page_meta
            lines = not page_meta and fetched.url.lower().split("?")[0].endswith(
                (".jsonl", ".jsonlines"))
            files.append({"url": fetched.url, "sha256": digest.hexdigest(), "size": size,
                          "format": "JSONL" if lines else "JSON"})
            next_url = page_meta.get("links.next")
            url = urljoin(fetched.url, next_url) if next_url else None
        item.payload = {"files": files, "meta": {k: v for k, v in meta.items()
                                                 if k not in ("publishedDate", "links.next")}}
        item.extra["published"] = meta.get("publishedDate")
        item.partial = False
        return item

    def to_dataset(self, item: RemoteItem) -> dict[str, Any]:
        notes: list[str] = []
        valid = True
        for number, (handle, described) in enumerate(
                zip(item.extra["handles"], item.payload["files"], strict=True), start=1):
            handle.seek(0)
            report = validate_ocds(handle.read(), name=described["url"])
            valid = valid and report.valid
            notes.extend(summarize(report, label=str(_l("Validación OCDS, archivo {n}")).format(
                n=number)))
        if self.config["require_valid"] and not valid:
            raise ItemInvalid(" ".join(notes))
        item.extra["notes"] = notes
        meta = item.payload["meta"]
        publisher = meta.get("publisher.name") or ""
        title = self.config["title"] or (str(_l("Contrataciones públicas de {who} (OCDS)"))
                                         .format(who=publisher) if publisher else "")
        files = item.payload["files"]
        return {
            "title": title,
            "description": self.config["description"] or str(_l(
                "Datos de contrataciones públicas en el Estándar de Datos para las "
                "Contrataciones Abiertas (OCDS) 1.1, cosechados de {url}.")).format(
                    url=self.source.url),
            "license_id": meta.get("license") or "",
            "identifier": str(self.config["identifier"] or self.source.url),
            "keywords": ["ocds", "contrataciones"],
            "modified": item.extra.get("published"),
            "landing_page": meta.get("uri") or "",
            "extras": {"ocds_publisher": publisher} if publisher else {},
            "resources": [{
                "name": str(_l("Datos OCDS")) if len(files) == 1 else str(_l(
                    "Datos OCDS, página {n}")).format(n=number),
                "url": described["url"], "format": described["format"],
                "media_type": "application/json",
            } for number, described in enumerate(files, start=1)],
        }

    def release(self, item: RemoteItem) -> None:
        for handle in item.extra.pop("handles", []):
            handle.close()
