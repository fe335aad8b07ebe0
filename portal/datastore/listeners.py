"""The DataStore follows validation: when a resource's validation finishes (``resource_validated``)
or its dataset changes (a report computed inside the save, by the publishing rule), a table whose
current report is ``success`` and whose data is not of its current version is queued for loading;
one whose report is ``failure`` says on its page that the data shown is the previous one."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import event, select

from portal import db, jobs, signals

log = logging.getLogger(__name__)


def on_resource_validated(resource_id: str, **_extra) -> None:
    _follow([resource_id])


def on_dataset_changed(dataset_id: str, **_extra) -> None:
    from portal.catalog.models import Dataset

    app = current_app._get_current_object()
    try:
        with app.app_context():
            dataset = db.session.get(Dataset, dataset_id)
            ids = [] if dataset is None or dataset.state == "deleted" else \
                [resource.id for resource in dataset.resources]
    except Exception:  # listeners must not break the write that announced itself
        log.exception("could not read dataset %s for the datastore", dataset_id)
        return
    _follow(ids)


def _follow(resource_ids: list[str]) -> None:
    from portal.catalog.models import Resource
    from portal.datastore import services, tasks

    app = current_app._get_current_object()
    try:
        with app.app_context():
            for resource_id in resource_ids:
                resource = db.session.get(Resource, resource_id)
                if resource is None or not services.is_table(resource):
                    continue
                if services.wants_ingest(resource):
                    jobs.enqueue(tasks.ingest_resource, resource_id=resource_id)
                else:
                    services.note_invalid(resource)
    except Exception:  # the next datastore.recover finds what was missed
        log.exception("could not queue the datastore ingest of %s", resource_ids)


def forget_files(_mapper, connection, resource) -> None:
    """A resource is being deleted (its DataStore row goes with it, ``ON DELETE CASCADE``):
    its Parquet file is deleted once the deletion commits."""
    from portal.datastore.models import DatastoreTable
    from portal.datastore.services import delete_quietly

    key = connection.execute(select(DatastoreTable.data_key).where(
        DatastoreTable.resource_id == resource.id)).scalar()
    if key:
        db.on_commit(lambda: delete_quietly(key))


def connect() -> None:
    signals.resource_validated.connect(on_resource_validated)
    signals.dataset_changed.connect(on_dataset_changed)
    from portal.catalog.models import Resource

    if not event.contains(Resource, "before_delete", forget_files):
        event.listen(Resource, "before_delete", forget_files)
