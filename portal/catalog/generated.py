"""Datasets the portal writes from its own records (the PIGE registry, the quality observatory):
their files go through the catalog's services like any upload, and a file is replaced only when
its bytes changed, so an unchanged regeneration changes nothing."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass

from portal.catalog import services as catalog
from portal.catalog.models import Dataset


@dataclass(frozen=True)
class GeneratedFile:
    name: str
    format: str
    media_type: str
    content: bytes
    description: str
    license_id: str = "CC-BY-4.0"


def put_files(dataset: Dataset, files: Iterable[GeneratedFile], actor) -> None:
    """Add each file as a resource of ``dataset`` (by name), or replace the one whose bytes
    differ."""
    by_name = {resource.name: resource for resource in dataset.resources}
    for file in files:
        data = {"name": file.name, "format": file.format, "media_type": file.media_type,
                "description": file.description, "license_id": file.license_id}
        resource = by_name.get(file.name)
        if resource is None:
            catalog.create_resource(dataset, data, actor, upload=io.BytesIO(file.content),
                                    filename=file.name)
        elif resource.sha256 != hashlib.sha256(file.content).hexdigest():
            catalog.update_resource(resource, data, actor, upload=io.BytesIO(file.content),
                                    filename=file.name)
