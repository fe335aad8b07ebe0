"""Resource actions: links and uploaded files of a dataset."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.api import ckan, params, queries, results
from portal.api.registry import action, ref
from portal.catalog import services as catalog
from portal.errors import ValidationError

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


@action("resource_search", params=params.ResourceSearchParams, result={
    "type": "object", "required": ["count", "results"], "properties": {
        "count": {"type": "integer", "description": "Matches, before offset and limit."},
        "results": {"type": "array", "items": ref(results.ResourceOut)}},
}, tag="resources")
def resource_search(values, _actor):
    """Search the resources of public datasets by field: ``query`` is ``"field:term"`` or a
    list of them, all of which must match; return ``{"count", "results"}``.

    Text fields match when they contain the term, in any case; ``hash`` matches a prefix of the
    declared or computed checksum; ``id``, ``package_id`` and ``size`` match exactly.
    ``order_by`` sorts by one of these fields (ascending).
    """
    order_by = values.get("order_by") or None
    if order_by is not None and order_by not in queries.RESOURCE_SEARCH_FIELDS:
        raise ValidationError({"order_by": [str(_l(
            "No se puede ordenar por «{field}». Campos: {fields}.")).format(
                field=order_by, fields=", ".join(queries.RESOURCE_SEARCH_FIELDS))]})
    count, found = queries.search_resources(
        [_criterion(term) for term in values["query"]], order_by,
        values.get("offset", 0), values.get("limit", 100))
    return {"count": count, "results": results.ResourceOut(many=True).dump(found)}


def _criterion(term: str) -> tuple[str, str]:
    field, colon, value = term.partition(":")
    if not colon:
        raise ValidationError({"query": [str(_l(
            "Use pares campo:término («format:csv»), no «{term}».")).format(term=term)]})
    if field.strip() not in queries.RESOURCE_SEARCH_FIELDS:
        raise ValidationError({"query": [str(_l(
            "No se puede buscar por «{field}». Campos: {fields}.")).format(
                field=field, fields=", ".join(queries.RESOURCE_SEARCH_FIELDS))]})
    return field.strip(), value


@action("format_autocomplete", params=params.FormatAutocompleteParams, result={
    "type": "array", "items": {"type": "string"}}, tag="resources")
def format_autocomplete(values, _actor):
    """Return the formats of public resources that contain ``q`` (any case), in lower case,
    most used first; ``limit`` (default 5) of them."""
    return queries.formats_containing(values["q"], values.get("limit", 5))
