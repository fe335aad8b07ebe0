"""The trash of deleted datasets, as CKAN's ``/ckan-admin/trash``.

Deleting a dataset is soft (``services.delete_dataset``): it leaves the portal but its row stays,
in the trash. From there an admin of its entity (or a sysadmin) restores it as it was; a sysadmin
purges it for good with ``services.purge_dataset`` (the one purge service, also behind the API's
``dataset_purge``). These functions are the trash's services: the views only call them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import db, signals
from portal.activity import services as activity
from portal.auth import permissions
from portal.catalog.models import Dataset, Entity
from portal.db import on_commit, unit_of_work, utcnow
from portal.errors import ValidationError

PAGE_SIZE = 50


def deleted_query(entity: Entity | None = None):
    query = select(Dataset).where(Dataset.state == "deleted")
    if entity is not None:
        query = query.where(Dataset.entity_id == entity.id)
    return query


def deleted_datasets(entity: Entity | None = None, *, page: int = 1) -> tuple[list[Dataset], int]:
    """One page of the trash (all of it, or one entity's), last deleted first, and its size."""
    query = deleted_query(entity)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Dataset.metadata_modified.desc(), Dataset.name)
                              .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows), total


def restore_dataset(dataset: Dataset, actor) -> Dataset:
    """Bring a deleted dataset back as it was (public or private), by an admin of its entity."""
    permissions.require(permissions.can_admin_entity(actor, dataset.entity_id))
    if dataset.state != "deleted":
        raise ValidationError({"state": [str(_l(
            "El conjunto de datos «{title}» no está en la papelera.")).format(
                title=dataset.title)]})
    with unit_of_work():
        dataset.state = "active"
        dataset.metadata_modified = utcnow()
        activity.record("changed package", "package", dataset.id, actor,
                        entity_id=dataset.entity_id, private=not dataset.is_public,
                        data={"title": dataset.title, "changes": {"state": ["deleted", "active"]}})
        dataset_id = dataset.id
        on_commit(lambda: signals.dataset_changed.send(dataset_id),
                  key=("dataset_changed", dataset_id))
    return dataset
