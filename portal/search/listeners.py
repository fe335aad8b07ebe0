"""Keep the index in step with the catalog: receivers of ``portal.signals``.

Signals are sent after the catalog's transaction has committed, from inside that commit, so the
receivers read with a session of their own (the committing one may not emit SQL any more). An
index failure is logged and never undoes or breaks the catalog write: ``portal search check``
reports the drift and ``portal search rebuild`` repairs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from portal import db, signals
from portal.catalog import services as catalog
from portal.search import EXTENSION, documents, get_backend

log = logging.getLogger(__name__)


def _with_session(work: Callable[[Session], None], what: str) -> None:
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return  # an app without search (or a signal sent outside any app)
    try:
        with Session(db.engine()) as session:
            work(session)
    except Exception:  # the catalog write has committed already: report, never break it
        log.exception("search index not updated after %s", what)


def reindex(session: Session, ids: list[str]) -> None:
    if not ids:
        return
    keep, drop = documents.documents_by_ids(session, ids)
    backend = get_backend()
    if keep:
        backend.index(keep)
    if drop:
        backend.delete(drop)


def reindex_datasets(dataset_ids: list[str]) -> None:
    """Index (or drop) these datasets as the database has them now, in one index commit."""
    _with_session(lambda s: reindex(s, dataset_ids),
                  f"dataset {dataset_ids[0]} changed" if len(dataset_ids) == 1
                  else f"{len(dataset_ids)} datasets changed")


def on_dataset_changed(dataset_id: str, **_: object) -> None:
    # During a bulk write (a harvest) one index commit per batch, not one per dataset.
    batch = catalog.current_batch()
    if batch is not None:
        batch.defer(reindex_datasets, dataset_id)
    else:
        reindex_datasets([dataset_id])


def on_dataset_deleted(dataset_id: str, **_: object) -> None:
    _with_session(lambda s: get_backend().delete([dataset_id]), f"dataset {dataset_id} deleted")


def on_entity_changed(entity_id: str, **_: object) -> None:
    _with_session(lambda s: reindex(s, documents.dataset_ids_of_entity(s, entity_id)),
                  f"entity {entity_id} changed")


def on_theme_changed(theme_id: str, **_: object) -> None:
    _with_session(lambda s: reindex(s, documents.dataset_ids_of_theme(s, theme_id)),
                  f"theme {theme_id} changed")


def connect() -> None:
    """Idempotent: blinker keeps one connection per receiver (module functions, strong refs)."""
    signals.dataset_changed.connect(on_dataset_changed, weak=False)
    signals.dataset_deleted.connect(on_dataset_deleted, weak=False)
    signals.entity_changed.connect(on_entity_changed, weak=False)
    signals.theme_changed.connect(on_theme_changed, weak=False)
