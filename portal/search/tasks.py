"""Search's jobs: every write to the index goes through the queue, one writer at a time (the
``search-index`` lock), in batches. The catalog announces changes with signals; the listeners
only ask for ``search.sync``, which finds what changed in the database itself:

* datasets whose ``metadata_modified`` is past the watermark (minus ``MARGIN``, for
  transactions that commit out of order) and that this process has not indexed in that version;
* datasets gone from the database (purged): the number of indexable datasets differs from the
  number of documents, and a full ``reconcile`` runs.

``search.reconcile`` compares every id and ``metadata_modified`` of the database with the index
and repairs the drift; it runs at start-up (the schedule's first tick) and every 10 minutes, so
a change committed but never indexed (a process killed with -9 between the two) is found by
itself. A waiting ``search.sync`` is never queued twice: many writes, one sync.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import db, jobs
from portal.catalog.models import Dataset
from portal.search import EXTENSION, documents, get_backend

MARGIN = timedelta(minutes=2)
INDEX_LOCK = "search-index"


@dataclass
class _Seen:
    """What this process last indexed: the watermark and the recent versions it wrote."""

    watermark: datetime | None = None
    recent: dict[str, datetime] = field(default_factory=dict)


_seen: dict[str, _Seen] = {}
_seen_lock = threading.Lock()


def _state() -> _Seen:
    key = str(current_app.extensions[EXTENSION].path)
    with _seen_lock:
        return _seen.setdefault(key, _Seen())


def reindex(session: Session, ids: list[str]) -> int:
    """Index (or drop) these datasets as the database has them now, in one index commit."""
    if not ids:
        return 0
    keep, drop = documents.documents_by_ids(session, ids)
    backend = get_backend()
    if keep:
        backend.index(keep)
    if drop:
        backend.delete(drop)
    return len(ids)


def _remember(state: _Seen, versions: dict[str, datetime]) -> None:
    state.recent.update(versions)
    if versions:
        newest = max(versions.values())
        state.watermark = max(state.watermark or newest, newest)
    if state.watermark is not None:
        floor = state.watermark - MARGIN
        state.recent = {i: m for i, m in state.recent.items() if m >= floor}


@jobs.job("search.sync", queue="search", lock=lambda **_: INDEX_LOCK,
          queueing_lock=lambda **_: "search.sync", every=60)
def sync() -> int:
    """Bring the index up to the database's recent changes; returns the datasets written."""
    state = _state()
    if state.watermark is None:
        return reconcile()
    with db.standalone_session() as session:
        rows = dict(session.execute(select(Dataset.id, Dataset.metadata_modified).where(
            Dataset.metadata_modified >= state.watermark - MARGIN)).all())
        changed = [i for i, modified in rows.items() if state.recent.get(i) != modified]
        written = reindex(session, changed)
        _remember(state, {i: rows[i] for i in changed})
        indexable = session.scalar(select(func.count()).select_from(Dataset).where(
            Dataset.state == "active"))  # as documents.is_indexed says, without sorting
        if get_backend().count() != indexable:
            return written + reconcile()
    return written


@jobs.job("search.reconcile", queue="search", lock=lambda **_: INDEX_LOCK, every=600)
def reconcile() -> int:
    """Compare the whole index with the database and repair every difference."""
    backend = get_backend()
    with db.standalone_session() as session:
        in_db = documents.modified_in_database(session)
        in_index = backend.modified_by_id()
        gone = [i for i in in_index if i not in in_db]
        wrong = [i for i, modified in in_db.items() if in_index.get(i) != modified]
        for start in range(0, len(wrong), documents.BATCH_SIZE):
            reindex(session, wrong[start:start + documents.BATCH_SIZE])
        if gone:
            backend.delete(gone)
        newest = session.scalar(select(Dataset.metadata_modified)
                                .order_by(Dataset.metadata_modified.desc()).limit(1))
    state = _state()
    state.watermark = newest
    state.recent = {i: m for i, m in in_db.items() if m >= newest - MARGIN} if newest else {}
    return len(gone) + len(wrong)


@jobs.job("search.index_entity", queue="search", lock=lambda **_: INDEX_LOCK)
def index_entity(entity_id: str) -> int:
    """An entity was renamed or retitled: its datasets' documents show it."""
    with db.standalone_session() as session:
        return reindex(session, documents.dataset_ids_of_entity(session, entity_id))


@jobs.job("search.index_theme", queue="search", lock=lambda **_: INDEX_LOCK)
def index_theme(theme_id: str) -> int:
    with db.standalone_session() as session:
        return reindex(session, documents.dataset_ids_of_theme(session, theme_id))
