"""Harvest benchmark: a synthetic CKAN source of 10,000 datasets served from a local server,
harvested twice into a fresh SQLite portal.

    .venv/bin/python bench/harvest.py            # 10,000 datasets
    .venv/bin/python bench/harvest.py --n 500    # smaller, while developing

The source is the test suite's ``FakeCkan`` (real HTTP on 127.0.0.1, ``package_search`` pages of
100, ``fl`` and ``fq=metadata_modified`` honoured, as CKAN does); each dataset has a title, a
description, two keywords, a frequency extra and one CSV resource, a small valid CSV served by the
same local server. The app runs with its production settings: search index, dumps and validation
listeners all on, validation in background threads. The first run adds every dataset through the
catalog's services (one unit of work each, activity and signals included); the second finds
nothing changed. After each run the benchmark waits, untimed, for the background validation of
the CSV files the run queued (``validation_s``), so the second run does not compete with it.

Targets on a 2-core machine: first run >= 100 datasets/s, second run >= 5 times faster. Ends with
one JSON line: ``datasets``, ``first_s``, ``first_cpu_s`` (CPU time of the process, all threads),
``first_per_s``, ``second_s``, ``second_cpu_s``, ``second_per_s``, ``speedup``,
``validation_s`` and ``loadavg`` (1-minute load average of the machine before and after each run:
other processes on the machine slow the wall-clock figures).
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

from portal import create_app, jobs, migrations
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.harvest import services
from tests.harvest.servers import FakeCkan, Reply, Site, ckan_package, serve

CSV = b"departamento,poblacion\nLa Paz,3023791\nOruro,570194\n"


def _timed(work) -> tuple[object, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - started, time.process_time() - cpu


def run(n: int) -> dict[str, object]:
    figures: dict[str, object] = {"datasets": n}
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-harvest-") as folder:
        app = create_app({
            "PORTAL_DATABASE_URL": f"sqlite:///{folder}/portal.db",
            "PORTAL_INSTANCE_PATH": folder,
            "PORTAL_SECRET_KEY": "bench",
            "PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.0.0/8",
        })
        migrations.upgrade(app)
        jobs.backend(app).start()  # the job threads a web process starts with its first request
        site = Site()
        site.add("/files/datos.csv", Reply(CSV, content_type="text/csv"))
        ckan = FakeCkan(site, [])
        with serve(site) as base, app.app_context():
            ckan.packages.extend(
                ckan_package(number, resources=[{
                    "id": f"r-{number}", "name": "datos.csv", "format": "CSV", "description": "",
                    "url": f"{base}/files/datos.csv?n={number}"}])
                for number in range(1, n + 1))
            catalog.create_entity({"name": "ine", "title": "INE"}, SYSTEM)
            source = services.create_source({"name": "bench", "type": "ckan", "url": base,
                                             "entity": "ine"}, SYSTEM)
            waits = []
            for label in ("first", "second"):
                loads.append(os.getloadavg()[0])
                job, seconds, cpu = _timed(lambda: services.run_source(source))
                loads.append(os.getloadavg()[0])
                figures.update({f"{label}_s": round(seconds, 2), f"{label}_cpu_s": round(cpu, 2),
                                f"{label}_per_s": round(n / seconds, 1)})
                print(f"{label} run: {job.status}, {job.counts}, {seconds:.1f} s, "
                      f"CPU {cpu:.1f} s ({n / seconds:.0f} datasets/s)", file=sys.stderr)
                _, wait, _ = _timed(lambda: jobs.join(app, timeout=3600))
                waits.append(round(wait, 2))
        app.extensions["db_engine"].dispose()
    figures["speedup"] = round(figures["first_s"] / figures["second_s"], 1)
    figures["validation_s"] = waits
    figures["loadavg"] = loads
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="datasets at the source")
    args = parser.parse_args()
    print(json.dumps(run(args.n)))


if __name__ == "__main__":
    main()
