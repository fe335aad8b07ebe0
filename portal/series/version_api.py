"""The ``dataset_version_*`` actions: make, list and show a dataset's versions, and the rows
that changed in a resource's table between two of them. Loaded through ``MODULES`` (entry
``portal.series.version_api``)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from portal.api.fields import String
from portal.api.params import IdParams, Params, limit_field
from portal.api.registry import action
from portal.catalog import services as catalog
from portal.series import versions

_STR = {"type": "string"}
VERSION = {"type": "object", "description": "A version of a dataset (dcat:hasVersion).",
           "properties": {
               "id": _STR, "package_id": _STR, "version": _STR, "notes": _STR,
               "created": {"type": "string", "format": "date-time"},
               "url": {"type": "string", "description": "Its stable page."},
               "metadata": {"type": "object", "description": "The dataset's metadata then."},
               "resources": {"type": "array", "items": {"type": "object"}}}}
DIFF = {"type": "object", "description": "Rows added, removed and changed (at most ``limit`` "
        "of each; ``counts`` has the totals).", "properties": {
            "key": {"type": "array", "items": _STR}, "columns": {"type": "array", "items": _STR},
            "counts": {"type": "object"}, "added": {"type": "array", "items": {"type": "object"}},
            "removed": {"type": "array", "items": {"type": "object"}},
            "changed": {"type": "array", "items": {"type": "object"}}}}


def _doc(text: str) -> dict[str, Any]:
    return {"metadata": {"description": text}}


class VersionCreateParams(Params):
    id = String(required=True, **_doc("The dataset (id or name)."))
    version = String(required=True, **_doc("The version's label, e.g. 1.0 or 2024-06 (in its "
                                           "URL; unique in the dataset)."))
    notes = String(**_doc("What changed (adms:versionNotes)."))


class VersionShowParams(Params):
    id = String(required=True, **_doc("The dataset (id or name)."))
    version = String(required=True, **_doc("The version's label."))


class VersionDiffParams(Params):
    id = String(required=True, **_doc("The dataset (id or name)."))
    resource_id = String(required=True, **_doc("The resource (its id, kept in the versions)."))
    old = String(data_key="from", required=True, **_doc("The earlier version's label."))
    new = String(data_key="to", required=True, **_doc("The later version's label."))
    key = String(**_doc("Key column(s), separated by commas, when the Table Schema has no "
                        "primaryKey."))
    limit = limit_field("At most this many rows of each kind (default 100)", 1000)


def version_dict(dataset, version) -> dict[str, Any]:
    snapshot = dict(version.snapshot)
    resources = snapshot.pop("resources", [])
    return {
        "id": version.id, "package_id": dataset.id, "version": version.version,
        "notes": version.notes, "created": version.created.isoformat(),
        "url": url_for("series.version_read", name=dataset.name, version=version.version,
                       _external=True),
        "metadata": snapshot,
        "resources": [{key: value for key, value in {
            **item, "download_url": url_for(
                "series.version_download", name=dataset.name, version=version.version,
                resource_id=item["id"], _external=True) if item.get("storage_key") else None,
        }.items() if key != "storage_key"} for item in resources],
    }


@action("dataset_version_create", params=VersionCreateParams, result=VERSION, write=True,
        tag="datasets")
def dataset_version_create(values, actor):
    """Keep what a dataset holds now (metadata, resources and their uploaded files) as a
    version with a stable URL, /dataset/<name>/version/<version>. Editors of its entity."""
    dataset = catalog.read_dataset(values["id"], actor)
    version = versions.create_version(dataset, values["version"], values.get("notes", ""),
                                      actor)
    return version_dict(dataset, version)


@action("dataset_version_list", params=IdParams, result={"type": "array", "items": VERSION},
        tag="datasets")
def dataset_version_list(values, actor):
    """Return a dataset's versions, oldest first."""
    dataset = catalog.read_dataset(values["id"], actor)
    return [version_dict(dataset, version) for version in versions.versions_of(dataset)]


@action("dataset_version_show", params=VersionShowParams, result=VERSION, tag="datasets")
def dataset_version_show(values, actor):
    """Return one version of a dataset: its metadata and resources as they were."""
    dataset = catalog.read_dataset(values["id"], actor)
    return version_dict(dataset, versions.get_version(dataset, values["version"]))


@action("dataset_version_diff", params=VersionDiffParams, result=DIFF, tag="datasets")
def dataset_version_diff(values, actor):
    """Return the rows added, removed and changed in a resource's CSV table between two
    versions, matched by the Table Schema's primaryKey or by ``key``."""
    dataset = catalog.read_dataset(values["id"], actor)
    limit = values.get("limit") or versions.DEFAULT_LIMIT
    return versions.diff_versions(dataset, values["resource_id"], values["old"], values["new"],
                                  key=values.get("key", ""), limit=limit).as_dict()
