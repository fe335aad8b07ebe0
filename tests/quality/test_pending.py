"""Scores after changes are coalesced: a change adds its dataset to ``quality_pending`` and asks
for ``quality.score_pending``, which waits in the queue at most once and drains the set.

Through the real catalog services, the real queue (the embedded backend in background mode, its
worker threads started only when the test says so) and the real database (SQLite, or PostgreSQL
with ``PORTAL_TEST_DATABASE_URL``)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from portal import db, jobs
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.jobs.models import QueuedJob
from portal.jobs.registry import JOBS
from portal.quality import services, tasks
from portal.quality.models import QualityPending
from tests import factories


@pytest.fixture
def scored(monkeypatch) -> Counter:
    """How many times each dataset was scored (the real scoring runs)."""
    counts: Counter = Counter()
    real = services.score_datasets

    def counting(dataset_ids):
        ids = list(dataset_ids)
        counts.update(ids)
        return real(ids)

    monkeypatch.setattr(services, "score_datasets", counting)
    return counts


def _waiting() -> dict[str, int]:
    rows = db.session.execute(select(QualityPending.dataset_id, QualityPending.asks)).all()
    db.session.rollback()
    return dict(rows)


def _queued(name: str) -> int:
    count = db.session.scalar(select(func.count()).select_from(QueuedJob).where(
        QueuedJob.name == name, QueuedJob.status == "queued"))
    db.session.rollback()
    return count


def test_the_drain_job_shares_the_lock_of_the_nightly_run_and_waits_once():
    pending = JOBS["quality.score_pending"]
    assert pending.lock_key({}) == JOBS["quality.recompute"].lock_key({}) == tasks.LOCK
    assert pending.queueing_key({}) == "quality.score_pending"
    assert pending.every == tasks.PENDING_SWEEP  # the sweep: what a failed enqueue left


def test_many_changes_wait_as_one_job_and_each_dataset_is_scored_once(make_app, scored):
    app = make_app(PORTAL_JOBS_MODE="background", PORTAL_JOBS_WORKERS=1)
    with app.app_context():
        factories.entity()
        created = [factories.dataset(f"cambio-{i}") for i in range(6)]
        for dataset in created[:3]:  # changed again while its first score waits
            catalog.update_dataset(dataset, {"title": f"Otra vez {dataset.name}"}, SYSTEM,
                                   partial=True)
        ids = [d.id for d in created]
        assert _queued("quality.score_pending") == 1
        assert _waiting() == {i: 2 if n < 3 else 1 for n, i in enumerate(ids)}
        assert not scored

        jobs.backend().start()
        assert jobs.join(timeout=60)
        assert scored == Counter(ids)  # each once, with its latest state
        assert _waiting() == {}
        for dataset in created[:3]:
            assert services.latest(dataset.id).score.computed > dataset.metadata_modified


def test_a_dataset_asked_for_again_while_it_is_scored_is_scored_again(make_app, monkeypatch):
    app = make_app(PORTAL_JOBS_MODE="off")
    with app.app_context():
        factories.entity()
        ids = [factories.dataset(f"lote-{i}").id for i in range(5)]
        assert set(_waiting()) == set(ids)  # no queue: they wait
        again = ids[1]
        calls: list[list[str]] = []
        real = services.score_datasets

        def scoring(dataset_ids):
            batch = list(dataset_ids)
            calls.append(batch)
            done = real(batch)
            if again in batch and len(calls) == 1:
                services.ask([again])  # a change committed by another process meanwhile
            return done

        monkeypatch.setattr(services, "score_datasets", scoring)
        assert services.score_pending(batch=2) == 6
        assert calls[0] == ids[:2]  # the longest waiting first
        scored = Counter(i for batch in calls for i in batch)
        assert scored == Counter({**dict.fromkeys(ids, 1), again: 2})
        assert _waiting() == {}


def test_a_failing_enqueue_keeps_the_write_and_leaves_the_dataset_waiting(app, monkeypatch,
                                                                          caplog):
    with app.app_context():
        factories.entity()
        dataset = factories.dataset("sin-cola")
        assert services.latest(dataset.id) is not None and _waiting() == {}
        backend = jobs.backend()
        send = backend.send

        def unreachable(job, kwargs):
            if job.name == "quality.score_pending":
                raise ConnectionError("the queue is down")
            send(job, kwargs)

        monkeypatch.setattr(backend, "send", unreachable)
        catalog.update_dataset(dataset, {"title": "Cambiado sin cola"}, SYSTEM, partial=True)
        db.session.remove()
        assert catalog.get_dataset("sin-cola").title == "Cambiado sin cola"  # committed
        assert set(_waiting()) == {dataset.id}
        assert "could not queue the score" in caplog.text
        old = services.latest(dataset.id).score.computed

        monkeypatch.setattr(backend, "send", send)
        jobs.enqueue("quality.score_pending")  # as the schedule's sweep does
        assert _waiting() == {}
        assert services.latest(dataset.id).score.computed > old


def test_a_failure_to_record_the_ids_never_breaks_the_write(app, monkeypatch, caplog):
    with app.app_context():
        factories.entity()
        dataset = factories.dataset("sin-tabla")

        def broken(dataset_ids):
            raise RuntimeError("the database said no")

        monkeypatch.setattr(services, "ask", broken)
        catalog.update_dataset(dataset, {"title": "Cambiado igual"}, SYSTEM, partial=True)
        db.session.remove()
        assert catalog.get_dataset("sin-tabla").title == "Cambiado igual"
        assert "could not record that 1 datasets wait for their score" in caplog.text


def test_a_purged_dataset_leaves_the_set_without_a_score(make_app):
    app = make_app(PORTAL_JOBS_MODE="off")
    with app.app_context():
        factories.entity()
        dataset = factories.dataset("efimero")
        catalog.purge_dataset(dataset, SYSTEM)
        assert set(_waiting()) == {dataset.id}
        assert services.score_pending() == 0
        assert _waiting() == {} and services.latest(dataset.id) is None


def test_a_drain_that_dies_leaves_what_it_did_not_score(make_app, monkeypatch):
    app = make_app(PORTAL_JOBS_MODE="off")
    with app.app_context():
        factories.entity()
        ids = [factories.dataset(f"caida-{i}").id for i in range(5)]
        real = services.score_datasets
        batches: list[list[str]] = []

        def dying(dataset_ids):
            batches.append(list(dataset_ids))
            if len(batches) == 2:
                raise RuntimeError("the worker died")
            return real(batches[-1])

        monkeypatch.setattr(services, "score_datasets", dying)
        monkeypatch.setattr(services, "PENDING_BATCH", 2)
        with pytest.raises(RuntimeError):
            jobs.run_now("quality.score_pending")
        assert len(batches) == 2 and len(batches[0]) == 2
        assert set(_waiting()) == set(ids) - set(batches[0])  # the first batch was done
        monkeypatch.setattr(services, "score_datasets", real)
        jobs.run_now("quality.score_pending")
        assert _waiting() == {}
        assert all(services.latest(i) is not None for i in ids)
