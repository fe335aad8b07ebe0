"""Organization actions: CKAN's organizations are the portal's public entities."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api import ckan, params, queries, results
from portal.api.registry import action, ref
from portal.api.results import With
from portal.auth import permissions
from portal.auth import services as auth
from portal.catalog import services as catalog
from portal.errors import ValidationError

_WRITE = {"write": True, "tag": "organizations", "error_names": ckan.ORGANIZATION_ERROR_NAMES}
#: How many datasets ``include_datasets`` adds, at most (CKAN caps it too).
DATASETS_SHOWN = 1000
SORT_FIELDS = ("name", "title", "package_count")


def sort_key(sort: str | None) -> tuple[str, bool]:
    """CKAN's ``sort`` ("title asc", "package_count desc") as (field, descending)."""
    match = re.fullmatch(r"\s*(\w+)(?:\s+(asc|desc))?\s*", (sort or "title asc").lower())
    if match is None or match.group(1) not in SORT_FIELDS:
        raise ValidationError({"sort": [str(_l(
            "Orden no válido: «{sort}». Use name, title o package_count, y asc o desc."
        )).format(sort=sort)]})
    return match.group(1), match.group(2) == "desc"


def listing(pairs: list[tuple[Any, int]], values: dict[str, Any], names_key: str,
            schema) -> list:
    """CKAN's organization_list and group_list: filter, sort, page, then names or dicts."""
    field, descending = sort_key(values.get("sort"))
    wanted = values.get(names_key)
    if wanted:
        pairs = [pair for pair in pairs if pair[0].name in set(wanted)]
    if field == "package_count":
        pairs.sort(key=lambda pair: (pair[1], pair[0].name), reverse=descending)
    else:
        pairs.sort(key=lambda pair: getattr(pair[0], field).lower(), reverse=descending)
    offset = values.get("offset", 0)
    limit = values.get("limit")
    pairs = pairs[offset:offset + limit] if limit is not None else pairs[offset:]
    if not values.get("all_fields"):
        return [obj.name for obj, _count in pairs]
    return schema(many=True).dump([With(obj, package_count=count) for obj, count in pairs])


@action("organization_list", params=params.OrganizationListParams, result={
    "type": "array",
    "items": {"oneOf": [{"type": "string"}, ref(results.OrganizationOut)]},
    "description": "Names, or dictionaries with all_fields.",
}, tag="organizations")
def organization_list(values, _actor):
    """Return the names of the organizations (public entities), or their dictionaries with
    ``all_fields``; ``package_count`` counts public datasets."""
    return listing(catalog.list_entities(with_counts=True), values, "organizations",
                   results.OrganizationOut)


@action("organization_show", params=params.OrganizationShowParams,
        result=results.OrganizationShowOut, tag="organizations")
def organization_show(values, actor):
    """Return an organization, with its datasets (``include_datasets``) and members
    (``include_users``, shown to its admins only)."""
    entity = catalog.get_entity(values["id"])
    visible = queries.in_entity(queries.visible_datasets(actor), entity.id)
    extra: dict[str, Any] = {"package_count": queries.count(visible)}
    if values.get("include_datasets"):
        extra["packages"] = queries.datasets(visible, limit=DATASETS_SHOWN)
    if values.get("include_users", True):
        extra["users"] = (auth.members(entity)
                          if permissions.can_admin_entity(actor, entity.id) else [])
    return With(entity, **extra)


def _input(values: dict[str, Any], *, default_title: bool) -> dict[str, Any]:
    data = {key: value for key, value in values.items() if key != "id"}
    if default_title and not data.get("title") and data.get("name"):
        data["title"] = data["name"]
    return data


@action("organization_create", params=params.OrganizationParams,
        result=results.OrganizationOut, **_WRITE)
def organization_create(values, actor):
    """Create an organization (sysadmins only); return it."""
    entity = catalog.create_entity(_input(values, default_title=True), actor,
                                   entity_id=values.get("id"))
    return With(entity, package_count=0)


def _with_count(entity, actor):
    visible = queries.in_entity(queries.visible_datasets(actor), entity.id)
    return With(entity, package_count=queries.count(visible))


@action("organization_update", params=params.OrganizationUpdateParams,
        result=results.OrganizationOut, **_WRITE)
def organization_update(values, actor):
    """Replace an organization's fields (its admins and sysadmins); return it.

    Fields left out take their default values; use organization_patch to change only some.
    """
    entity = catalog.get_entity(values.get("id") or values["name"])
    catalog.update_entity(entity, _input(values, default_title=True), actor)
    return _with_count(entity, actor)


@action("organization_patch", params=params.OrganizationPatchParams,
        result=results.OrganizationOut, **_WRITE)
def organization_patch(values, actor):
    """Change only the given fields of an organization; return it."""
    entity = catalog.get_entity(values["id"])
    catalog.update_entity(entity, _input(values, default_title=False), actor, partial=True)
    return _with_count(entity, actor)


@action("organization_member_create", params=params.MemberCreateParams,
        result=results.MembershipOut, **_WRITE)
def organization_member_create(values, actor):
    """Make a user a member of an organization with a role, or change their role
    (the organization's admins and sysadmins)."""
    entity = catalog.get_entity(values["id"])
    return auth.set_membership(entity, {"username": values["username"],
                                        "role": values["role"]}, actor)


@action("organization_member_delete", params=params.MemberParams, result=None, **_WRITE)
def organization_member_delete(values, actor):
    """Remove a user from an organization (the organization's admins and sysadmins)."""
    auth.remove_membership(catalog.get_entity(values["id"]), values["username"], actor)


#: CKAN's permissions -> the roles that hold them.
PERMISSION_ROLES = {
    "manage_group": ("admin",), "admin": ("admin",),
    "create_dataset": ("admin", "editor"), "update_dataset": ("admin", "editor"),
    "delete_dataset": ("admin", "editor"), "read": ("admin", "editor", "member"),
}


@action("organization_list_for_user", params=params.OrganizationListForUserParams,
        result=results.OrganizationForUserOut, many=True, tag="organizations")
def organization_list_for_user(values, actor):
    """Return the organizations in which a user (default: the caller) has a permission, with
    their role (``capacity``).

    ``permission`` is CKAN's: "manage_group" (default; admins), "create_dataset",
    "update_dataset" or "delete_dataset" (editors and admins), "read" (every member). A
    sysadmin has every permission in every organization; an anonymous caller, none.
    """
    user = auth.get_user(values["id"]) if values.get("id") else actor
    if not getattr(user, "is_authenticated", False) and not values.get("id"):
        return []
    if permissions.is_sysadmin(user):
        pairs = [(entity, "admin") for entity in catalog.list_entities()]
    else:
        roles = PERMISSION_ROLES.get(values.get("permission") or "manage_group", ())
        held = {membership.entity_id: membership.role for membership in user.memberships
                if membership.role in roles}
        pairs = [(entity, held[entity.id]) for entity in catalog.list_entities()
                 if entity.id in held]
    return [With(_with_count(entity, actor), capacity=capacity) for entity, capacity in pairs]
