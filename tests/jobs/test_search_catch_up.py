"""The index catches up with the database by itself (issue 19 item 6): ``search.sync`` finds
changes no job announced (their process was killed between commit and indexing), purged
datasets, and ``search.reconcile`` repairs an index that lost documents."""

from __future__ import annotations

from sqlalchemy import delete

from portal import db, jobs
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Dataset, Resource
from portal.search import close_backend, get_backend
from portal.search.backend import SearchQuery
from tests import factories


def _found(q: str = "") -> list[str]:
    return sorted(get_backend().search(SearchQuery(q=q, rows=100)).ids)


def test_sync_and_reconcile_repair_drift_without_an_operator(make_app):
    app = make_app(PORTAL_JOBS_MODE="sync")
    with app.app_context():
        factories.entity("ine")
        first = factories.dataset("hospitales", title="Hospitales").id
        second = factories.dataset("escuelas", title="Escuelas").id
        assert _found() == sorted([first, second])  # followed through the queue

        jobs.backend(app).mode = "off"  # as if the process died before its jobs were queued
        catalog.update_dataset(catalog.get_dataset("hospitales"), {"title": "Postas"}, SYSTEM,
                               partial=True)
        third = factories.dataset("mercados", title="Mercados").id
        with db.unit_of_work() as session:  # purged behind the index's back
            session.execute(delete(Resource).where(Resource.dataset_id == second))
            session.execute(delete(Dataset).where(Dataset.id == second))
        assert _found("postas") == [] and third not in _found()

        jobs.run_now("search.sync")
        assert _found("postas") == [first]
        assert _found() == sorted([first, third])

        get_backend().delete([third])  # the index lost a document
        jobs.run_now("search.reconcile")
        assert _found() == sorted([first, third])
        db.session.remove()
    close_backend(app)
