"""Data Package: one ``datapackage.json`` URL becomes one dataset; each resource a distribution.

The descriptor and every resource file (and any schema or dialect given as a URL) are read
through the safe fetcher into a temporary folder, the descriptor is rewritten to point at those
local copies, and the package is validated there with frictionless; frictionless itself never
reaches the network. The validation summary goes into the item's message; with
``require_valid`` an invalid package fails the item instead of being published.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from flask_babel import lazy_gettext as _l

from portal.harvest.base import Harvester, ListingError, RemoteItem
from portal.harvest.mapping import ItemInvalid
from portal.validation.datapackage import datapackage_to_dataset, validate_datapackage

MAX_ERRORS_IN_MESSAGE = 50


def summarize(report, *, label: str) -> list[str]:
    """Notes for an item's message from a validation report (every error up to a limit)."""
    if report.valid:
        return [str(_l("{label}: válido.")).format(label=label)]
    errors = report.flatten()
    notes = [str(_l("{label}: {n} errores de validación.")).format(label=label, n=len(errors))]
    for error in errors[:MAX_ERRORS_IN_MESSAGE]:
        where = f" ({error.path or ''}{'fila ' + str(error.row) if error.row else ''})" \
            if error.path or error.row else ""
        notes.append(f"[{error.type}]{where} {error.message}")
    if len(errors) > MAX_ERRORS_IN_MESSAGE:
        notes.append(str(_l("… y {n} más.")).format(n=len(errors) - MAX_ERRORS_IN_MESSAGE))
    return notes


class DataPackageHarvester(Harvester):
    type = "datapackage"
    label = _l("Data Package (datapackage.json)")
    defaults = {"require_valid": False}

    def list_items(self) -> Iterator[RemoteItem]:
        fetched = self.fetcher.get(self.source.url, accept="application/json")
        descriptor = fetched.json()
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
            raise ListingError("not-datapackage", str(_l(
                "{url} no es un Data Package: falta la lista «resources».")).format(
                    url=fetched.url), fetched.url)
        self.expected = 1
        remote_id = str(descriptor.get("id") or descriptor.get("name") or fetched.url)
        yield RemoteItem(remote_id=remote_id, url=fetched.url,
                         title=str(descriptor.get("title") or descriptor.get("name") or ""),
                         payload={"descriptor": descriptor}, partial=True)

    def fetch(self, item: RemoteItem) -> RemoteItem:
        """Download every file of the package, so it can be hashed and validated locally."""
        descriptor = copy.deepcopy(item.payload["descriptor"])
        folder = Path(tempfile.mkdtemp(prefix="harvest-dp-"))
        item.extra["folder"] = folder
        hashes: dict[str, str] = {}
        for index, resource in enumerate(descriptor["resources"]):
            if not isinstance(resource, dict):
                continue
            paths = resource.get("path")
            many = isinstance(paths, list)
            local = []
            for part, path in enumerate(paths if many else [paths] if paths else []):
                url = urljoin(item.url, str(path))
                name = f"r{index}-{part}{Path(str(path)).suffix[:10]}"
                content = self.fetcher.get(url).content
                (folder / name).write_bytes(content)
                hashes[url] = hashlib.sha256(content).hexdigest()
                local.append(name)
                resource.setdefault("_remote", []).append(url)
            if local:
                resource["path"] = local if many else local[0]
            for key in ("schema", "dialect"):
                if isinstance(resource.get(key), str):
                    resource[key] = self.get_json(urljoin(item.url, resource[key]))
        (folder / "datapackage.json").write_text(json.dumps(
            {**descriptor, "resources": [{k: v for k, v in r.items() if k != "_remote"}
                                         if isinstance(r, dict) else r
                                         for r in descriptor["resources"]]}))
        item.extra["local"] = descriptor
        item.payload = {"descriptor": item.payload["descriptor"], "files": hashes}
        item.partial = False
        return item

    def to_dataset(self, item: RemoteItem) -> dict[str, Any]:
        folder: Path = item.extra["folder"]
        report = validate_datapackage(folder / "datapackage.json")
        notes = summarize(report, label=str(_l("Validación del paquete")))
        if self.config["require_valid"] and not report.valid:
            raise ItemInvalid(" ".join(notes))
        item.extra["notes"] = notes
        descriptor = item.payload["descriptor"]
        data = datapackage_to_dataset(descriptor)
        data["title"] = data.get("title") or descriptor.get("name")
        data["identifier"] = str(descriptor.get("id") or "")
        data.pop("contributors", None)
        resources = []
        local = item.extra["local"]["resources"]
        for mapped, original in zip(data.get("resources") or [], local, strict=False):
            remote = original.get("_remote") if isinstance(original, dict) else None
            mapped["url"] = mapped.get("url") or (remote[0] if remote else "")
            suffix = Path(mapped["url"].split("?", 1)[0]).suffix.lstrip(".")
            mapped["format"] = mapped.get("format") or suffix.upper()
            resources.append({k: mapped.get(k) for k in ("name", "description", "url",
                                                         "format", "media_type", "schema")})
        data["resources"] = resources
        return data

    def release(self, item: RemoteItem) -> None:
        folder = item.extra.pop("folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
