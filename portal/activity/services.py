"""Writing and reading the activity record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from portal import db
from portal.activity.models import Activity
from portal.catalog.models import Dataset

#: The one event the public sees of a dataset that left publication (made private, back to
#: draft, deleted): its date and actor, nothing of its content.
WITHDRAWN = "withdrawn package"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    activity_type: str,
    object_type: str,
    object_id: str,
    actor,
    *,
    entity_id: str | None = None,
    private: bool = False,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Add an activity to the current unit of work (it commits with the change it describes)."""
    activity = Activity(
        activity_type=activity_type,
        object_type=object_type,
        object_id=object_id,
        user_id=getattr(actor, "id", None),
        user_name=getattr(actor, "name", "") or "",
        entity_id=entity_id,
        private=private,
        data=_plain(data or {}),
    )
    db.session.add(activity)
    return activity


def _public(query):
    """What anyone may see: activity recorded while its dataset was public, and only while that
    dataset is public now (visibility follows the dataset's current state), plus withdrawals."""
    public_now = select(Dataset.id).where(
        Dataset.id == Activity.object_id, Dataset.state == "active", Dataset.private.is_(False)
    ).exists()
    return query.where(
        Activity.private.is_(False),
        or_(Activity.object_type != "package", Activity.activity_type == WITHDRAWN, public_now),
    )


def _page(query, include_private: bool, limit: int, offset: int) -> list[Activity]:
    if not include_private:
        query = _public(query)
    query = query.order_by(Activity.timestamp.desc(), Activity.id).limit(limit).offset(offset)
    return list(db.session.scalars(query))


def list_for_object(object_type: str, object_id: str, *, include_private: bool = False,
                    limit: int = 31, offset: int = 0) -> list[Activity]:
    query = select(Activity).where(
        Activity.object_type == object_type, Activity.object_id == object_id
    )
    return _page(query, include_private, limit, offset)


def list_for_entity(entity_id: str, *, include_private: bool = False,
                    limit: int = 31, offset: int = 0) -> list[Activity]:
    """The entity's own activity and that of its datasets."""
    query = select(Activity).where(
        or_(Activity.entity_id == entity_id, Activity.object_id == entity_id)
    )
    return _page(query, include_private, limit, offset)


def list_recent(object_type: str | None = None, *, include_private: bool = False,
                limit: int = 31, offset: int = 0) -> list[Activity]:
    query = select(Activity)
    if object_type:
        query = query.where(Activity.object_type == object_type)
    return _page(query, include_private, limit, offset)


def page_for_object(object_type: str, object_id: str, *, include_private: bool, page: int,
                    per_page: int) -> tuple[list[Activity], bool]:
    """One page of an object's activity, newest first, and whether an older page follows."""
    found = list_for_object(object_type, object_id, include_private=include_private,
                            limit=per_page + 1, offset=(page - 1) * per_page)
    return found[:per_page], len(found) > per_page


def page_for_entity(entity_id: str, *, include_private: bool, page: int,
                    per_page: int) -> tuple[list[Activity], bool]:
    found = list_for_entity(entity_id, include_private=include_private,
                            limit=per_page + 1, offset=(page - 1) * per_page)
    return found[:per_page], len(found) > per_page


def get_visible(activity_id: str, *, include_private: bool) -> Activity | None:
    """One activity if the viewer may see it (the same rules as the lists), else None."""
    query = select(Activity).where(Activity.id == activity_id)
    if not include_private:
        query = _public(query)
    return db.session.scalar(query)


def latest_withdrawal(object_id: str) -> Activity | None:
    """The newest ``withdrawn package`` event of a dataset (public whatever its state)."""
    return db.session.scalar(
        select(Activity).where(Activity.object_id == object_id,
                               Activity.activity_type == WITHDRAWN,
                               Activity.private.is_(False))
        .order_by(Activity.timestamp.desc(), Activity.id).limit(1))
