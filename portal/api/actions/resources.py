"""Resource actions: links and uploaded files of a dataset."""

from __future__ import annotations

from portal.api import ckan, params, results
from portal.api.registry import action
from portal.catalog import services as catalog

_WRITE = {"write": True, "tag": "resources", "error_names": ckan.RESOURCE_ERROR_NAMES}


@action("resource_show", params=params.IdParams, result=results.ResourceOut, tag="resources")
def resource_show(values, actor):
    """Return a resource by id."""
    resource = catalog.get_resource(values["id"])
    catalog.read_dataset(resource.dataset_id, actor)
    return resource


def _upload(values):
    upload = values.pop("upload", None)
    if upload is None:
        return {}
    return {"upload": upload.stream, "filename": upload.filename or ""}


@action("resource_create", params=params.ResourceCreateParams, result=results.ResourceOut,
        multipart=True, **_WRITE)
def resource_create(values, actor):
    """Add a resource to a dataset: a link (``url``) or a file (``upload``, in a
    multipart/form-data request); return it."""
    dataset = catalog.get_dataset(values.pop("package_id"))
    upload = _upload(values)
    return catalog.create_resource(dataset, values, actor, **upload)


def _update(values, actor, *, partial: bool):
    resource = catalog.get_resource(values.pop("id"))
    upload = _upload(values)
    values.pop("package_id", None)
    values = ckan.without_own_download_url(resource, values)
    return catalog.update_resource(resource, values, actor, partial=partial, **upload)


@action("resource_update", params=params.ResourceUpdateParams, result=results.ResourceOut,
        multipart=True, **_WRITE)
def resource_update(values, actor):
    """Replace a resource's metadata, and its file when ``upload`` is sent; return it.

    Fields left out take their default values; use resource_patch to change only some.
    """
    return _update(values, actor, partial=False)


@action("resource_patch", params=params.ResourceUpdateParams, result=results.ResourceOut,
        multipart=True, **_WRITE)
def resource_patch(values, actor):
    """Change only the given fields of a resource (and its file with ``upload``); return it."""
    return _update(values, actor, partial=True)


@action("resource_delete", params=params.IdParams, result=None, **_WRITE)
def resource_delete(values, actor):
    """Delete a resource (and its stored file)."""
    catalog.delete_resource(catalog.get_resource(values["id"]), actor)
