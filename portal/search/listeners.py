"""Keep the index in step with the catalog: receivers of ``portal.signals``.

Signals are sent after the catalog's transaction has committed. The receivers do no index work
themselves: they ask the job queue for it (``portal.search.tasks``), so one writer updates the
index in batches instead of every request thread waiting for whoosh's writer lock, and a change
whose job was lost (kill -9) is still found by the periodic ``search.sync``/``reconcile``.
A failure to queue is logged and never undoes or breaks the catalog write.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context

from portal import jobs, signals
from portal.catalog import services as catalog
from portal.search import EXTENSION

log = logging.getLogger(__name__)


def _ask(name: str, **kwargs) -> None:
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return  # an app without search (or a signal sent outside any app)
    try:
        jobs.enqueue(name, **kwargs)
    except Exception:  # the catalog write has committed already: report, never break it
        log.exception("could not queue %s; the periodic reconcile will catch up", name)


def _sync(_ids: list[str] | None = None) -> None:
    _ask("search.sync")


def on_dataset_changed(dataset_id: str, **_: object) -> None:
    # During a bulk write (a harvest) one sync per batch, not one per dataset.
    batch = catalog.current_batch()
    if batch is not None:
        batch.defer(_sync, dataset_id)
    else:
        _sync()


def on_dataset_deleted(dataset_id: str, **_: object) -> None:
    _sync()


def on_entity_changed(entity_id: str, **_: object) -> None:
    _ask("search.index_entity", entity_id=entity_id)


def on_theme_changed(theme_id: str, **_: object) -> None:
    _ask("search.index_theme", theme_id=theme_id)


def connect() -> None:
    """Idempotent: blinker keeps one connection per receiver (module functions, strong refs)."""
    signals.dataset_changed.connect(on_dataset_changed, weak=False)
    signals.dataset_deleted.connect(on_dataset_deleted, weak=False)
    signals.entity_changed.connect(on_entity_changed, weak=False)
    signals.theme_changed.connect(on_theme_changed, weak=False)
