"""The app context's session is closed while the objects it loaded are still alive.

``datasets_with_resources`` links each resource to its dataset, so a page's datasets and
resources form reference cycles that only the cyclic GC frees. If a collection ran while
``session.remove()`` was detaching their states (any allocation can start one), SQLAlchemy's
weakref cleanup ran on a state whose attributes ``close()`` was setting; on Python 3.11 that
re-entrant store freed the state's attribute values under it and gunicorn workers died of
SIGSEGV under load. Here a collection is forced at the start of SQLAlchemy's ``Session.close()``."""

from __future__ import annotations

import gc
import weakref

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal import db
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from tests import factories


def _collect_inside_close(monkeypatch, refs: list, seen: dict) -> None:
    """SQLAlchemy's ``Session.close`` starts with a forced collection, as an allocation inside
    it may start one; ``seen["alive"]``: whether the loaded objects were still alive then."""
    close = Session.close

    def close_after_a_collection(self) -> None:
        if refs:
            gc.collect()
            seen["alive"] = all(ref() is not None for ref in refs)
        close(self)

    monkeypatch.setattr(Session, "close", close_after_a_collection)


def _datasets(app) -> None:
    with app.app_context():
        factories.entity()
        for number in range(3):
            dataset = factories.dataset(f"conjunto-{number}")
            factories.resource(dataset)


def test_loaded_objects_outlive_the_session_close_at_teardown(app, monkeypatch):
    _datasets(app)
    refs: list = []
    seen: dict[str, bool] = {}
    _collect_inside_close(monkeypatch, refs, seen)
    with app.app_context():
        loaded = catalog.datasets_with_resources(select(Dataset))
        assert loaded and all(dataset.resources for dataset in loaded)
        refs.extend(weakref.ref(dataset) for dataset in loaded)
        del loaded  # only the dataset <-> resource cycles keep them now
    assert seen == {"alive": True}
    gc.collect()
    assert all(ref() is None for ref in refs)  # and nothing is kept after the teardown


def test_a_standalone_session_keeps_its_objects_alive_while_it_closes(app, monkeypatch):
    """Job tasks and CLI commands open sessions of their own: the same guard."""
    _datasets(app)
    refs: list = []
    seen: dict[str, bool] = {}
    with app.app_context():
        _collect_inside_close(monkeypatch, refs, seen)
        with db.standalone_session() as session:
            loaded = session.scalars(select(Dataset).options(selectinload(Dataset.resources)))
            for dataset in loaded:
                for resource in dataset.resources:
                    resource.cycle = dataset  # a reference cycle, as a page's objects have
                refs.append(weakref.ref(dataset))
            del loaded, dataset, resource
        assert seen == {"alive": True}
    gc.collect()
    assert all(ref() is None for ref in refs)
