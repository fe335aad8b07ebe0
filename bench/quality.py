"""Quality benchmark: every dataset's MQA score recomputed, and one dataset's score after a change.

    .venv/bin/python bench/quality.py                   # 100,000 datasets
    .venv/bin/python bench/quality.py --datasets 5000   # smaller, while developing

The catalog is bench/dcat.py's (100,000 datasets, 3 distributions each, bulk-inserted into
SQLite). Timed:

* ``recompute``: ``portal quality recompute``'s work (``services.recompute_all``): every dataset
  loaded, checked against the DCAT-AP 3 shapes, scored and written as today's row, in chunks of
  500, one transaction each. Target: <= 300 s on 2 cores.
* ``observatory``: ``GET /observatorio`` and one entity's scorecard through the test client once
  every score is in (the first request of the process reads the trend's past days; later
  ones only today's), median of 3 after the first.
* ``latency``: a dataset changed through the catalog's services (its keywords dropped), then
  the time until its new score is in the database, through the real queue: the change's signal,
  the listener (the dataset recorded in ``quality_pending``), ``quality.score_pending`` queued
  with the inprocess backend in background mode and run by its worker thread. Only the quality
  listener is connected in this process (the search index, validation and link checks would
  otherwise queue work on the 100,000 datasets that competes with what is measured). Median
  and worst of 5 changes. Target: seconds.

Ends with one JSON line: ``datasets``, ``recompute_s``, ``datasets_per_s``, ``observatory_ms``,
``scorecard_ms``, ``latency_ms``, ``latency_max_ms``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dcat import populated_app
from sqlalchemy import func, select

from portal import create_app, db, jobs, signals
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.quality import listeners, services
from portal.quality.models import QualityScore


def recompute(app) -> tuple[int, float]:
    with app.app_context():
        started = time.perf_counter()
        count = services.recompute_all()
        elapsed = time.perf_counter() - started
        assert db.session.scalar(select(func.count()).select_from(QualityScore)) == count
    return count, elapsed


def pages(app) -> dict[str, tuple[float, float]]:
    """First and median-of-3 later times of the observatory and a scorecard, in ms."""
    client = app.test_client()
    found = {}
    for key, path in (("observatory", "/observatorio"),
                      ("scorecard", "/organization/entidad-0/calidad")):
        times = []
        for _ in range(4):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        found[key] = (times[0], statistics.median(times[1:]))
    return found


def latency(instance: Path, changes: int = 5) -> list[float]:
    app = create_app({
        "PORTAL_DATABASE_URL": f"sqlite:///{instance / 'bench.db'}",
        "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SECRET_KEY": "bench",
        "PORTAL_JOBS_MODE": "background", "PORTAL_JOBS_WORKERS": 1,
    })
    for signal in (signals.dataset_changed, signals.dataset_deleted):
        signal.receivers.clear()
    listeners.connect()
    carrier = jobs.backend(app)
    carrier.start(schedule=False)
    found = []
    try:
        with app.app_context():
            names = list(db.session.scalars(select(Dataset.name).order_by(Dataset.name)
                                            .limit(changes)))
            for name in names:
                dataset = catalog.get_dataset(name)
                before = services.latest(dataset.id).score.points
                started = time.perf_counter()
                catalog.update_dataset(dataset, {**catalog.dataset_input(dataset),
                                                 "keywords": []}, SYSTEM)
                while True:
                    db.session.expire_all()
                    now = services.latest(dataset.id)
                    if now.score.points != before:
                        break
                    if time.perf_counter() - started > 60:
                        raise RuntimeError(f"{name}: no new score after 60 s")
                    time.sleep(0.005)
                found.append((time.perf_counter() - started) * 1000)
                assert round(before - now.score.points, 2) == 30  # keywords: 30 points
    finally:
        jobs.join(app, timeout=30)
        carrier.stop()
        app.extensions["db_engine"].dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        instance = Path(tmp)
        app = populated_app(instance, args.datasets)
        count, seconds = recompute(app)
        print(f"recompute: {count} datasets scored in {seconds:.1f} s "
              f"({count / seconds:.0f}/s)", flush=True)
        shown = pages(app)
        for key, (first, later) in shown.items():
            print(f"{key} page: first {first:.0f} ms, then {later:.0f} ms", flush=True)
        app.extensions["db_engine"].dispose()
        ms = latency(instance)
        print("one dataset's score after a change: "
              + ", ".join(f"{m:.0f}" for m in ms) + " ms", flush=True)
        print(json.dumps({"datasets": count, "recompute_s": round(seconds, 1),
                          "datasets_per_s": round(count / seconds),
                          "observatory_ms": round(shown["observatory"][1], 1),
                          "scorecard_ms": round(shown["scorecard"][1], 1),
                          "latency_ms": round(statistics.median(ms), 1),
                          "latency_max_ms": round(max(ms), 1)}))


if __name__ == "__main__":
    main()
