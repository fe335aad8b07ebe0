"""Cluster read benchmark (issue 11): requests/s and p95 of a read mix with one web process, then
with two (two ``portal serve`` nodes of one gunicorn worker each, as ``scripts/cluster.py``
starts them, on one PostgreSQL and one instance folder), and the ratio.

    .venv/bin/python bench/cluster.py                   # 500 datasets, 20 s per run
    .venv/bin/python bench/cluster.py --seconds 5 --datasets 100   # small, while developing

The read mix, in equal parts: the home page, the search page (``/dataset?q=``), a dataset page,
``package_search`` and ``package_show``. Closed loop: client processes (several, so the client is
not one GIL) each run threads that send the next request as soon as the last one answered, over
keep-alive connections, spread evenly over the nodes. A short warm-up precedes each run.
Targets: two processes serve >= 1.6x the requests of one; package_show p95 <= 50 ms under load.
The clients run on the same cores as the servers: the figures say how many cores there were.
Loopback only. Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import closed_loop, percentile  # noqa: E402
from scripts.cluster import PORTAL, Cluster, drop_database, fresh_database, postgres_server  # noqa: E402

KINDS = ("home", "search page", "dataset page", "package_search", "package_show")
WORDS = ("censo", "salud", "presupuesto", "educación", "agua", "datos")


def seed(env: dict[str, str], datasets: int) -> list[str]:
    """The database, an entity and ``datasets`` public datasets, and the search index of them."""
    subprocess.run([*PORTAL, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    from portal import create_app, db
    from portal.auth.permissions import SYSTEM
    from portal.catalog import services as catalog

    app = create_app({k: v for k, v in env.items() if k.startswith("PORTAL_")})
    names = []
    with app.app_context():
        catalog.create_entity({"name": "ine", "title": "Instituto Nacional de Estadística"},
                              SYSTEM)
        for number in range(datasets):
            word = WORDS[number % len(WORDS)]
            dataset = catalog.create_dataset({
                "name": f"lectura-{number}", "title": f"Datos de {word} {number}",
                "entity": "ine", "description": f"Conjunto de {word} para leer, número {number}.",
                "keywords": [word, "bench"], "license_id": "CC-BY-4.0"}, SYSTEM)
            names.append(dataset.name)
        db.session.remove()
    app.extensions["db_engine"].dispose()
    subprocess.run([*PORTAL, "search", "rebuild"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    return names


def _path(kind: str, rng: random.Random, names: list[str]) -> str:
    word = quote(rng.choice(WORDS))
    name = rng.choice(names)
    return {
        "home": "/",
        "search page": f"/dataset?q={word}",
        "dataset page": f"/dataset/{name}",
        "package_search": f"/api/3/action/package_search?q={word}&rows=10",
        "package_show": f"/api/3/action/package_show?id={name}",
    }[kind]


def pick(names: list[str], rng: random.Random, sent: int) -> tuple[str, str, dict]:
    """The kinds in turn, each with a random word or dataset."""
    kind = KINDS[sent % len(KINDS)]
    return kind, _path(kind, rng, names), {}


def measure(urls: list[str], names: list[str], seconds: float, clients: int,
            threads: int) -> dict:
    with ProcessPoolExecutor(clients) as pool:  # warm-up: index readers, caches, connections
        picks = [partial(pick, names)] * clients
        list(pool.map(closed_loop, [urls] * clients, picks, [3.0] * clients,
                      [threads] * clients, range(100, 100 + clients)))
        started = time.monotonic()
        parts = list(pool.map(closed_loop, [urls] * clients, picks, [seconds] * clients,
                              [threads] * clients, range(clients)))
        elapsed = time.monotonic() - started
    rows = [row for part in parts for row in part]
    figures = {"requests": len(rows), "requests_per_s": round(len(rows) / seconds, 1),
               "errors": sum(1 for _, _, status in rows if status != 200),
               "p95_ms": round(percentile([ms for _, ms, _ in rows], 0.95), 1),
               "wall_s": round(elapsed, 1)}
    for kind in KINDS:
        times = [ms for k, ms, _ in rows if k == kind]
        figures[f"{kind} p95_ms"] = round(percentile(times, 0.95), 1)
    return figures


def run(datasets: int, seconds: float, clients: int, threads: int) -> dict:
    database = fresh_database(postgres_server(), "portal_bench_cluster")
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-cluster-"))
    try:
        base = Cluster(database, folder / "instance", web=0, workers=0)
        base.instance.mkdir(parents=True, exist_ok=True)
        names = seed(base.env, datasets)
        results = {}
        for web in (1, 2):
            with Cluster(database, folder / "instance", web=web, workers=0,
                         web_processes=1, web_threads=4) as cluster:
                results[web] = measure(cluster.urls, names, seconds, clients, threads)
            print(f"{web} web process(es): {results[web]}", flush=True)
    finally:
        drop_database(database)
    ratio = results[2]["requests_per_s"] / max(results[1]["requests_per_s"], 0.1)
    load = os.getloadavg()
    summary = {"cores": os.cpu_count(), "datasets": datasets, "seconds": seconds,
               "clients": clients * threads, "one": results[1], "two": results[2],
               "ratio": round(ratio, 2),
               "package_show_p95_ms_two": results[2]["package_show p95_ms"],
               "load_average_after": [round(value, 1) for value in load]}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per client process")
    args = parser.parse_args()
    summary = run(args.datasets, args.seconds, args.clients, args.threads)
    print(f"\n{'':24}{'1 process':>12}{'2 processes':>14}")
    for key in ("requests_per_s", "p95_ms", "errors", *(f"{k} p95_ms" for k in KINDS)):
        print(f"{key:24}{summary['one'][key]:>12}{summary['two'][key]:>14}")
    print(f"ratio (2 / 1): {summary['ratio']}x (target >= 1.6x); package_show p95 with 2: "
          f"{summary['package_show_p95_ms_two']} ms (target <= 50 ms); cores: "
          f"{summary['cores']}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
