"""Dataset actions (CKAN's packages)."""

from __future__ import annotations

import copy
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api import ckan, params, queries, results, revise
from portal.api.registry import action, get_action, ref
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
    for theme_ref in refs:
        try:
            names.append(catalog.get_theme(theme_ref).name)
        except NotFound:
            names.append(theme_ref)  # the catalog reports it as an unknown theme
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
        wanted_id = item.pop("id", None) or ""
        resource = existing.get(wanted_id)
        upload = item.pop("upload", None)
        files = {"upload": upload.stream, "filename": upload.filename or ""} if upload else {}
        try:
            if resource is not None:
                kept.add(resource.id)
                catalog.update_resource(resource, ckan.without_own_download_url(resource, item),
                                        actor, **files)
            else:
                catalog.create_resource(dataset, item, actor, resource_id=wanted_id, **files)
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
    dataset = catalog.create_dataset(data, actor, dataset_id=values.get("id"))
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


@action("dataset_purge", params=params.IdParams, result=None, **_WRITE)
def dataset_purge(values, actor):
    """Remove a dataset for good (sysadmins only): unlike package_delete, nothing is kept.

    Its resources, validation reports, link checks, versions and activity go with it, in one
    transaction; the audit log records who purged it. Every file it stored (its uploads, its
    versions' copies, its DataStore tables) is deleted once that transaction has committed: a
    purge that fails keeps them. It cannot be undone.
    """
    catalog.purge_dataset(catalog.get_dataset(values["id"]), actor)


@action("package_autocomplete", params=params.PackageAutocompleteParams, result={
    "type": "array", "items": ref(results.PackageAutocompleteOut)}, tag="datasets")
def package_autocomplete(values, actor):
    """Return the datasets the caller can see whose name or title contains ``q`` (any
    case): names that match first, then titles; ``limit`` (default 10) of them."""
    found = queries.name_or_title_contains(queries.visible_datasets(actor), values["q"],
                                           values.get("limit", 10))
    text = values["q"].lower()
    return [{"name": name, "title": title,
             "match_field": "name" if text in name else "title",
             "match_displayed": name if text in name else f"{title} ({name})"}
            for name, title in found]


def _revision(values: dict[str, Any], actor) -> tuple[Dataset, dict[str, Any]]:
    """The dataset ``match`` names, and its package_show dictionary after the match checks,
    the filter and the updates (CKAN's package_revise)."""
    match, match_keys = values.get("match", {}), values.get("match_keys", {})
    ref_ = (match_keys.get("id") or match.get("id") or match_keys.get("name")
            or match.get("name"))
    if not ref_ or not isinstance(ref_, str):
        raise ValidationError({"match__id": [str(_l("Falta este campo."))]})
    dataset = catalog.read_dataset(ref_, actor)
    original = results.PackageOut().dump(dataset)
    try:
        unmatched = revise.mismatches(original, match)
        for key, value in sorted(match_keys.items()):
            unmatched += revise.key_mismatches(original, key, value)
    except revise.RevisionError as exc:
        raise ValidationError({"match": [exc.message]}) from None
    if unmatched:
        raise ValidationError({"match": ["__".join(str(part) for part in path)
                                         for path in unmatched]})
    revised = copy.deepcopy(original)
    if "filter" in values:
        revise.filter_globs(revised, values["filter"])
        revised["id"] = original["id"]
    try:
        if "update" in values:
            revise.merge(revised, values["update"])
    except revise.RevisionError as exc:
        raise ValidationError({"update": [exc.message]}) from None
    # extend first, so that a file may go to a resource added by the same call
    for key, value in sorted(values.get("update_keys", {}).items(),
                             key=lambda item: (not item[0].endswith("extend"), item[0])):
        try:
            revise.merge_key(revised, key, value)
        except revise.RevisionError as exc:
            raise ValidationError({f"update__{key}": [exc.message]}) from None
    return dataset, revised


@action("package_revise", params=params.PackageReviseParams, result={
    "type": "object", "properties": {"package": {
        "type": "object", "description": "The dataset as package_show gives it, with only the "
                                         "fields ``include`` keeps."}},
}, multipart=True, **_WRITE)
def package_revise(values, actor):
    """Change a dataset selectively and safely: check ``match``, remove what ``filter`` names,
    merge ``update``; return ``{"package": ...}``.

    ``match`` must name the dataset's ``id`` or ``name``; every value it gives must equal the
    current one, or nothing changes (409 listing the keys that differ). ``match`` and
    ``update`` may also be sent as flattened keys: ``match__name=x``,
    ``update__resources__0__name=y``, ``update__resources__1f9ab__description=z`` (a resource
    by the start of its id, 5 characters or more), ``update__resources__-1`` (the last one),
    ``update__resources__extend=[{...}]`` (new resources). Files go in a multipart request as
    ``update__resources__<index or id>__upload``. ``extend`` keys apply first, so ``-1`` then
    names the resource just added. ``filter`` patterns: ``-key`` removes, ``+key`` keeps (put
    it before the ``-`` pattern it protects from), ``*`` is every key or item of a level
    (``["+resources", "-*"]``). ``include`` filters the answer with the same patterns, from its
    top: ``["+package__name", "-package__*"]``.
    """
    from portal.api.views import load_params  # the dispatcher's loading (views import us)

    dataset, revised = _revision(values, actor)
    package_update(load_params(get_action("package_update"), revised), actor)
    answer = {"package": results.PackageOut().dump(dataset)}
    if "include" in values:
        revise.filter_globs(answer, values["include"])
    return answer
