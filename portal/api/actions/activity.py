"""Activity streams: what changed, when and by whom."""

from __future__ import annotations

from portal.activity import services as activity
from portal.api import params, results
from portal.api.registry import action
from portal.auth import permissions
from portal.catalog import services as catalog

DEFAULT_LIMIT = 31


def _member(actor, entity_id: str) -> bool:
    """Activity recorded while a dataset was private is shown to its entity's members only."""
    return permissions.is_sysadmin(actor) or permissions.role(actor, entity_id) is not None


def _page(values) -> dict[str, int]:
    return {"limit": values.get("limit", DEFAULT_LIMIT), "offset": values.get("offset", 0)}


@action("package_activity_list", params=params.ObjectActivityParams,
        result=results.ActivityOut, many=True, tag="activity")
def package_activity_list(values, actor):
    """Return a dataset's activity, newest first.

    What was recorded while the dataset was private or a draft is shown to its entity's members
    only."""
    dataset = catalog.read_dataset(values["id"], actor)
    return activity.list_for_object(
        "package", dataset.id, include_private=_member(actor, dataset.entity_id),
        **_page(values))


@action("organization_activity_list", params=params.ObjectActivityParams,
        result=results.ActivityOut, many=True, tag="activity")
def organization_activity_list(values, actor):
    """Return the activity of an organization and of its datasets, newest first; that of
    private datasets only to its members.

    The public sees a dataset's activity only while the dataset is public: of one made private,
    set back to draft or deleted, only a ``withdrawn package`` event (date and actor)."""
    entity = catalog.get_entity(values["id"])
    return activity.list_for_entity(entity.id, include_private=_member(actor, entity.id),
                                    **_page(values))


@action("recently_changed_packages_activity_list", params=params.ActivityParams,
        result=results.ActivityOut, many=True, tag="activity")
def recently_changed_packages_activity_list(values, _actor):
    """Return the latest activity of public datasets across the site, newest first, and
    ``withdrawn package`` events (date and actor) of datasets that left publication."""
    return activity.list_recent("package", **_page(values))
