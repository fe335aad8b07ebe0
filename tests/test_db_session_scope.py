"""The app context's session is closed while the objects it loaded are still alive.

``datasets_with_resources`` links each resource to its dataset, so a page's datasets and
resources form reference cycles that only the cyclic GC frees. If a collection ran while
``session.remove()`` was detaching their states (any allocation can start one), SQLAlchemy's
weakref cleanup ran on a state whose attributes ``close()`` was setting; on Python 3.11 that
re-entrant store freed the state's attribute values under it and gunicorn workers died of
SIGSEGV under load. Here a collection is forced at the start of ``close()``."""

from __future__ import annotations

import gc
import weakref

from sqlalchemy import select

from portal import db
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from tests import factories


def test_loaded_objects_outlive_the_session_close_at_teardown(app):
    with app.app_context():
        factories.entity()
        for number in range(3):
            dataset = factories.dataset(f"conjunto-{number}")
            factories.resource(dataset)

    seen: dict[str, bool] = {}
    with app.app_context():
        loaded = catalog.datasets_with_resources(select(Dataset))
        assert loaded and all(dataset.resources for dataset in loaded)
        refs = [weakref.ref(dataset) for dataset in loaded]
        del loaded, dataset  # only the dataset <-> resource cycles keep them now

        sess = db.session()
        close = sess.close

        def close_after_a_collection() -> None:
            gc.collect()  # as an allocation inside close() may start one
            seen["alive"] = all(ref() is not None for ref in refs)
            close()

        sess.close = close_after_a_collection
    assert seen == {"alive": True}
    gc.collect()
    assert all(ref() is None for ref in refs)  # and nothing is kept after the teardown
