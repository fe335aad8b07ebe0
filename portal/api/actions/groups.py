"""Group actions (the portal's themes) and tags (keywords)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api import params, queries, results
from portal.api.actions.organizations import DATASETS_SHOWN, listing
from portal.api.registry import action, ref
from portal.api.results import With
from portal.catalog import services as catalog
from portal.errors import NotFound


@action("group_list", params=params.GroupListParams, result={
    "type": "array",
    "items": {"oneOf": [{"type": "string"}, ref(results.GroupOut)]},
    "description": "Names, or dictionaries with all_fields.",
}, tag="groups")
def group_list(values, _actor):
    """Return the names of the groups (themes), or their dictionaries with ``all_fields``;
    ``package_count`` counts public datasets."""
    return listing(catalog.list_themes(with_counts=True), values, "groups", results.GroupOut)


@action("group_show", params=params.GroupShowParams, result=results.GroupShowOut,
        tag="groups")
def group_show(values, actor):
    """Return a group (theme), with its datasets when ``include_datasets`` is true."""
    theme = catalog.get_theme(values["id"])
    visible = queries.in_theme(queries.visible_datasets(actor), theme.id)
    extra: dict[str, Any] = {"package_count": queries.count(visible)}
    if values.get("include_datasets"):
        extra["packages"] = queries.datasets(visible, limit=DATASETS_SHOWN)
    return With(theme, **extra)


@action("group_create", params=params.GroupParams, result=results.GroupOut, write=True,
        tag="groups")
def group_create(values, actor):
    """Create a group (theme; sysadmins only); return it."""
    data = dict(values)
    theme_id = data.pop("id", None)
    if not data.get("title"):
        data["title"] = data["name"]
    return With(catalog.create_theme(data, actor, theme_id=theme_id), package_count=0)


@action("tag_list", params=params.TagListParams, result={
    "type": "array",
    "items": {"oneOf": [{"type": "string"}, ref(results.TagOut)]},
    "description": "Names, or dictionaries with all_fields.",
}, tag="groups")
def tag_list(values, _actor):
    """Return the keywords of public datasets, in alphabetical order; ``query`` keeps those
    containing a text."""
    tags = queries.public_tags(values.get("query", ""))
    if values.get("all_fields"):
        return results.TagOut(many=True).dump(tags)
    return [tag.name for tag in tags]


@action("tag_show", params=params.TagShowParams, result=results.TagShowOut, tag="groups")
def tag_show(values, actor):
    """Return a tag (keyword) by name or id, with its datasets the caller can see when
    ``include_datasets`` is true (up to 1000).

    A tag is found while a dataset the caller can see carries it. The portal's tags are
    free tags: a ``vocabulary_id`` finds none.
    """
    tag = queries.visible_tag(values["id"], actor)
    if tag is None or values.get("vocabulary_id"):
        raise NotFound(str(_l("No existe la etiqueta «{ref}».")).format(ref=values["id"]))
    extra: dict[str, Any] = {}
    if values.get("include_datasets"):
        extra["packages"] = queries.datasets(
            queries.with_tag(queries.visible_datasets(actor), tag.id), limit=DATASETS_SHOWN)
    return With(tag, **extra)
