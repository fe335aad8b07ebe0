"""Scores after a burst of changes: one job per change (the old way) against the coalescing
dirty set (``quality_pending`` drained by one waiting ``quality.score_pending``).

    .venv/bin/python bench/quality_coalesce.py                       # 2,000 datasets, 300 changes
    .venv/bin/python bench/quality_coalesce.py --datasets 5000 --changes 1000

The catalog is bench/dcat.py's (bulk-inserted into SQLite). Each mode changes the same
datasets through the catalog's services (a new title, one transaction each) while the embedded
queue runs in background mode with ``PORTAL_JOBS_WORKERS`` threads (2), then waits until the
queue is empty. ``live``: the worker threads run during the changes; ``backlog``: they start
after the last change (a worker busy or down during a burst, then catching up). Only the
quality listener is connected (search, validation and link checks would queue work that
competes with what is measured). ``per-change`` connects a listener that
queues ``quality.score_datasets(dataset_ids=[id])`` per change, as the portal did before;
``coalesced`` is the portal's listener. Printed per mode: the changes' time, the drain after the
last change, the jobs run, and the scorings (rows written to ``quality_score``, counted on the
scorer).

Ends with one JSON line per mode.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dcat import make_app, populate
from sqlalchemy import select

from portal import create_app, db, jobs, migrations, signals
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.jobs import inprocess
from portal.quality import listeners, services


def _per_change(dataset_id: str, **_: object) -> None:
    jobs.enqueue("quality.score_datasets", dataset_ids=[dataset_id])


def run(instance: Path, mode: str, changes: int, workers: int, backlog: bool) -> dict:
    app = create_app({
        "PORTAL_DATABASE_URL": f"sqlite:///{instance / 'bench.db'}",
        "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SECRET_KEY": "bench",
        "PORTAL_JOBS_MODE": "background", "PORTAL_JOBS_WORKERS": workers,
    })
    for signal in (signals.dataset_changed, signals.dataset_deleted, signals.links_checked):
        signal.receivers.clear()
    if mode == "coalesced":
        listeners.connect()
    else:
        signals.dataset_changed.connect(_per_change, weak=False)
    jobs_run: dict[str, int] = {}
    scorings = [0]
    execute, score = inprocess.InProcessBackend._execute, services.score_datasets

    def counting_execute(self, job_id, name, args):
        jobs_run[name] = jobs_run.get(name, 0) + 1
        return execute(self, job_id, name, args)

    def counting_score(dataset_ids):
        done = score(dataset_ids)
        scorings[0] += done
        return done

    inprocess.InProcessBackend._execute = counting_execute
    services.score_datasets = counting_score
    carrier = jobs.backend(app)
    if not backlog:
        carrier.start(schedule=False)
    try:
        with app.app_context():
            names = list(db.session.scalars(select(Dataset.name).order_by(Dataset.name)
                                            .limit(changes)))
            started = time.perf_counter()
            for name in names:
                catalog.update_dataset(catalog.get_dataset(name),
                                       {"title": f"{mode} {name}"}, SYSTEM, partial=True)
            written = time.perf_counter()
            db.session.remove()
        if backlog:
            carrier.start(schedule=False)
        assert jobs.join(app, timeout=1800), "the queue did not drain in 30 min"
        drained = time.perf_counter()
    finally:
        carrier.stop()
        inprocess.InProcessBackend._execute = execute
        services.score_datasets = score
        signals.dataset_changed.receivers.clear()
        app.extensions["db_engine"].dispose()
    return {"mode": mode, "backlog": backlog, "changes": len(names),
            "changes_s": round(written - started, 1),
            "drain_after_s": round(drained - written, 2), "jobs": jobs_run,
            "scorings": scorings[0], "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-coalesce-") as tmp:
        instance = Path(tmp)
        app = make_app(instance)
        migrations.upgrade(app)
        populate(app, args.datasets)
        app.extensions["db_engine"].dispose()
        results = []
        for backlog in (False, True):
            for mode in ("per-change", "coalesced"):
                found = run(instance, mode, args.changes, args.workers, backlog)
                results.append(found)
                print(f"{mode}, {'backlog' if backlog else 'live'}: {found['changes']} changes "
                      f"in {found['changes_s']} s, queue empty "
                      f"{found['drain_after_s']} s after the last; jobs run {found['jobs']}; "
                      f"{found['scorings']} scorings; load average {found['load']:.2f}",
                      flush=True)
        for found in results:
            print(json.dumps(found))


if __name__ == "__main__":
    main()
