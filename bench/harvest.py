"""Harvest benchmark: a synthetic CKAN source of 10,000 datasets served from a local server,
harvested twice into a fresh SQLite portal.

    .venv/bin/python bench/harvest.py            # 10,000 datasets
    .venv/bin/python bench/harvest.py --n 500    # smaller, while developing

The source is the test suite's ``FakeCkan`` (real HTTP on 127.0.0.1, ``package_search`` pages of
100, ``fl`` and ``fq=metadata_modified`` honoured, as CKAN does); each dataset has a title, a
description, two keywords, a frequency extra and one CSV resource. The first run adds every
dataset through the catalog's services (one unit of work each, activity and signals included);
the second finds nothing changed. Targets on a 2-core machine: first run >= 100 datasets/s,
second run >= 5 times faster. Ends with one JSON line: ``datasets``, ``first_s``,
``first_per_s``, ``second_s``, ``second_per_s``, ``speedup``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app, migrations
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.harvest import services
from tests.harvest.servers import FakeCkan, Site, ckan_package, serve


def run(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-harvest-") as folder:
        app = create_app({
            "PORTAL_DATABASE_URL": f"sqlite:///{folder}/portal.db",
            "PORTAL_INSTANCE_PATH": folder,
            "PORTAL_SECRET_KEY": "bench",
            "PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.0.0/8",
        })
        migrations.upgrade(app)
        site = Site()
        FakeCkan(site, [ckan_package(number) for number in range(1, n + 1)])
        with serve(site) as base, app.app_context():
            catalog.create_entity({"name": "ine", "title": "INE"}, SYSTEM)
            source = services.create_source({"name": "bench", "type": "ckan", "url": base,
                                             "entity": "ine"}, SYSTEM)
            timings = []
            for label in ("first", "second"):
                started = time.perf_counter()
                job = services.run_source(source)
                seconds = time.perf_counter() - started
                timings.append(seconds)
                print(f"{label} run: {job.status}, {job.counts}, {seconds:.1f} s "
                      f"({n / seconds:.0f} datasets/s)", file=sys.stderr)
        app.extensions["db_engine"].dispose()
    first, second = timings
    return {"datasets": n, "first_s": round(first, 2), "first_per_s": round(n / first, 1),
            "second_s": round(second, 2), "second_per_s": round(n / second, 1),
            "speedup": round(first / second, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="datasets at the source")
    args = parser.parse_args()
    print(json.dumps(run(args.n)))


if __name__ == "__main__":
    main()
