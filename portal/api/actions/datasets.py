"""Dataset actions (CKAN's packages)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api import ckan, params, queries, results
from portal.api.registry import action
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.errors import NotFound, ValidationError

_WRITE = {"write": True, "tag": "datasets", "error_names": ckan.DATASET_ERROR_NAMES}


@action("package_list", params=params.PackageListParams, result={
    "type": "array", "items": {"type": "string"}}, tag="datasets")
def package_list(values, _actor):
    """Return the names of the site's public datasets, in alphabetical order."""
    return queries.public_names(values.get("limit"), values.get("offset", 0))


@action("package_show", params=params.IdParams, result=results.PackageOut, tag="datasets")
def package_show(values, actor):
    """Return a dataset, by id or name, with its resources.

    A private dataset is shown to the members of its organization only.
    """
    return catalog.read_dataset(values["id"], actor)


@action("current_package_list_with_resources", params=params.CurrentPackageListParams,
        result=results.PackageOut, many=True, tag="datasets")
def current_package_list_with_resources(values, actor):
    """Return the datasets the caller can see, with their resources, most recently modified
    first."""
    limit = values.get("limit", 100)
    offset = (values["page"] - 1) * limit if "page" in values else values.get("offset", 0)
    return queries.datasets(queries.visible_datasets(actor), limit=limit, offset=offset)


def _theme_names(refs: list[str]) -> list[str]:
    """Groups may be named by id (as package_show lists them): the catalog takes names."""
    names = []
    for ref in refs:
        try:
            names.append(catalog.get_theme(ref).name)
        except NotFound:
            names.append(ref)  # the catalog reports it as an unknown theme
    return names


def _catalog_input(values: dict[str, Any], *, default_title: bool) -> tuple[dict, list | None]:
    data = dict(values)
    data.pop("id", None)
    resources = data.pop("resources", None)
    if "themes" in data:
        data["themes"] = _theme_names(data["themes"])
    if default_title and not data.get("title") and data.get("name"):
        data["title"] = data["name"]
    return data, resources


def _resource_error(index: int, error: ValidationError) -> ValidationError:
    names = ckan.rename_errors(error.fields, ckan.RESOURCE_ERROR_NAMES)
    return ValidationError({"resources": [
        str(_l("Recurso {n}, {field}: {message}")).format(n=index + 1, field=field,
                                                           message=message)
        for field, messages in names.items() for message in messages
    ]})


def sync_resources(dataset: Dataset, items: list[dict[str, Any]], actor) -> None:
    """Make the dataset's resources those listed: update the ones named by id, create the
    others, delete the ones left out (CKAN's package_update with ``resources``)."""
    existing = {resource.id: resource for resource in dataset.resources}
    kept = set()
    for index, item in enumerate(items):
        item = dict(item)
        resource = existing.get(item.pop("id", None) or "")
        try:
            if resource is not None:
                kept.add(resource.id)
                catalog.update_resource(resource, ckan.without_own_download_url(resource, item),
                                        actor)
            else:
                catalog.create_resource(dataset, item, actor)
        except ValidationError as exc:
            raise _resource_error(index, exc) from None
    for resource_id, resource in existing.items():
        if resource_id not in kept:
            catalog.delete_resource(resource, actor)


@action("package_create", params=params.PackageParams, result=results.PackageOut, **_WRITE)
def package_create(values, actor):
    """Create a dataset (and resources given by URL); return it.

    The caller must be an editor or admin of the organization named in ``owner_org``.
    """
    data, resources = _catalog_input(values, default_title=True)
    dataset = catalog.create_dataset(data, actor)
    if resources:
        sync_resources(dataset, resources, actor)
    return dataset


@action("package_update", params=params.PackageUpdateParams, result=results.PackageOut,
        **_WRITE)
def package_update(values, actor):
    """Replace a dataset's metadata; return it.

    Fields left out take their default values, as in CKAN; use package_patch to change only
    some. ``resources``, when given, replaces the list of resources; left out, they are kept.
    """
    dataset = catalog.get_dataset(values.get("id") or values["name"])
    data, resources = _catalog_input(values, default_title=True)
    catalog.update_dataset(dataset, data, actor)
    if resources is not None:
        sync_resources(dataset, resources, actor)
    return dataset


@action("package_patch", params=params.PackagePatchParams, result=results.PackageOut,
        **_WRITE)
def package_patch(values, actor):
    """Change only the given fields of a dataset; return it."""
    dataset = catalog.get_dataset(values["id"])
    data, resources = _catalog_input(values, default_title=False)
    catalog.update_dataset(dataset, data, actor, partial=True)
    if resources is not None:
        sync_resources(dataset, resources, actor)
    return dataset


@action("package_delete", params=params.IdParams, result=None, **_WRITE)
def package_delete(values, actor):
    """Delete a dataset (softly: its state becomes "deleted" and its record is kept)."""
    catalog.delete_dataset(catalog.get_dataset(values["id"]), actor)
