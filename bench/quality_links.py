"""Link checking of 10,000 URLs served by local test servers (issue 16's target: <= 3 minutes on
2 cores, bounded memory, no hung worker).

Usage: ``.venv/bin/python bench/quality_links.py [--urls 10000] [--hosts 200]``

A child process serves ``tests/linkcheck/server.py`` on ``--hosts`` loopback addresses
(127.0.1.1, 127.0.1.2...: different hosts to the checker, so politeness applies per address).
The portal (a temporary SQLite instance) gets one dataset per 10 links, inserted directly, with
this mix of URLs: ok (some after redirects, some refusing HEAD), slow (0.5-1.5 s), broken (404,
500), redirecting to forbidden addresses (127.0.0.2, outside the allowed 127.0.1.0/24, and
169.254.169.254), never answering, redirect loops and unresolvable names. Then the scheduled
job ``linkcheck.run_due`` runs through the job queue (``jobs.run_now``), with
``PORTAL_LINKCHECK_THREADS``/``PER_HOST``/``HOST_DELAY``/``TIMEOUT`` from the options.

Prints progress to stderr and, last, one JSON object: the elapsed seconds, URLs per second, the
statuses recorded against the ones expected (mismatches), the peak RSS of the checking process,
the threads left running after the run and the load average.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from portal import create_app, db, jobs, migrations
from portal.catalog.models import Dataset, Entity, Resource
from portal.db import new_id, utcnow
from portal.linkcheck.models import LinkCheck

#: (share of the URLs, path template, expected status)
MIX = [
    (0.55, "/ok/{n}.csv", "ok"),
    (0.05, "/redirect/2/{n}.csv", "ok"),
    (0.05, "/nohead/{n}.json", "ok"),
    (0.05, "/slow/{slow}/{n}.csv", "ok"),
    (0.05, "/status/404/{n}", "broken"),
    (0.05, "/status/500/{n}", "broken"),
    (0.05, "/internal/{n}", "forbidden-address"),
    (0.03, "/metadata/{n}", "forbidden-address"),
    (0.05, "/loop/{n}", "too-many-redirects"),
    (0.02, "/hang/{n}", "timeout"),
]
DNS_SHARE = 0.05  # what the mix leaves: unresolvable names, "dns-error"


def _serve(hosts: list[str], port_queue) -> None:
    """The child process: one LinkServer per loopback address, on one common port."""
    from tests.linkcheck.server import LinkServer

    port = 0
    servers = []
    for host in hosts:
        server = LinkServer(host, port)
        port = server.port
        servers.append(server)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True).start()
    port_queue.put(port)
    threading.Event().wait()


def _plan(urls: int, hosts: list[str], port: int) -> list[tuple[str, str]]:
    """(url, expected status) for each link, hosts taken in turn."""
    plan = []
    counts = [(share, path, status) for share, path, status in MIX]
    kinds: list[tuple[str, str]] = []
    for share, path, status in counts:
        kinds += [(path, status)] * round(share * urls)
    kinds += [("dns", "dns-error")] * (urls - len(kinds))
    for n, (path, status) in enumerate(kinds[:urls]):
        if path == "dns":
            plan.append((f"http://h{n}.no-existe.invalid/datos.csv", status))
            continue
        host = hosts[n % len(hosts)]
        slow = 0.5 + (n % 3) * 0.5  # under the timeout: slow, not dead
        plan.append((f"http://{host}:{port}{path.format(n=n, slow=slow)}", status))
    return plan


def _populate(plan: list[tuple[str, str]]) -> dict[str, str]:
    """One entity, a dataset per 10 links; returns resource id -> expected status."""
    expected = {}
    now = utcnow()
    entity_id = new_id()
    with db.session.begin():
        db.session.execute(insert(Entity), [{"id": entity_id, "name": "bench", "title": "Bench",
                                             "created": now, "modified": now}])
        datasets, resources = [], []
        for start in range(0, len(plan), 10):
            dataset_id = new_id()
            datasets.append({"id": dataset_id, "name": f"d{start}", "title": f"D {start}",
                             "entity_id": entity_id, "metadata_created": now,
                             "metadata_modified": now})
            for position, (url, status) in enumerate(plan[start:start + 10]):
                resource_id = new_id()
                expected[resource_id] = status
                resources.append({"id": resource_id, "dataset_id": dataset_id,
                                  "position": position, "url": url, "format": "CSV",
                                  "schema": None, "created": now, "modified": now})
        db.session.execute(insert(Dataset), datasets)
        db.session.execute(insert(Resource), resources)
    return expected


def run(urls: int, hosts_count: int, threads: int, per_host: int, delay: float,
        timeout: float) -> dict[str, object]:
    hosts = [f"127.0.1.{i}" for i in range(1, hosts_count + 1)]
    port_queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_serve, args=(hosts, port_queue), daemon=True)
    child.start()
    port = port_queue.get(timeout=60)
    figures: dict[str, object] = {"urls": urls, "hosts": hosts_count, "threads": threads,
                                  "per_host": per_host, "host_delay_s": delay,
                                  "timeout_s": timeout}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-links-") as folder:
            app = create_app({
                "PORTAL_DATABASE_URL": f"sqlite:///{folder}/portal.db",
                "PORTAL_INSTANCE_PATH": folder, "PORTAL_SECRET_KEY": "bench",
                "PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.1.0/24",
                "PORTAL_JOBS_MODE": "off", "PORTAL_LINKCHECK_MODE": "background",
                "PORTAL_LINKCHECK_THREADS": threads, "PORTAL_LINKCHECK_PER_HOST": per_host,
                "PORTAL_LINKCHECK_HOST_DELAY": delay, "PORTAL_LINKCHECK_TIMEOUT": timeout,
            })
            migrations.upgrade(app)
            with app.app_context():
                expected = _populate(_plan(urls, hosts, port))
            print(f"{urls} links on {hosts_count} hosts, port {port}; checking...",
                  file=sys.stderr)
            threads_before = threading.active_count()
            load_before = os.getloadavg()[0]
            started = time.perf_counter()
            with app.app_context():
                jobs.run_now("linkcheck.run_due")
            elapsed = time.perf_counter() - started
            load_after = os.getloadavg()[0]
            time.sleep(1)
            left = [t.name for t in threading.enumerate() if t.name.startswith("linkcheck")]
            with app.app_context():
                got = dict(db.session.execute(
                    select(LinkCheck.resource_id, LinkCheck.status)).all())
            app.extensions["db_engine"].dispose()
    finally:
        child.terminate()
        child.join(5)
    mismatches = Counter(f"{status}->{got.get(rid, 'unchecked')}"
                         for rid, status in expected.items() if got.get(rid) != status)
    figures.update({
        "seconds": round(elapsed, 1), "urls_per_s": round(urls / elapsed, 1),
        "recorded": len(got), "statuses": dict(Counter(got.values())),
        "mismatches": dict(mismatches),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "checker_threads_left": len(left), "threads_before": threads_before,
        "loadavg": [round(load_before, 2), round(load_after, 2)],
        "target_met": elapsed <= 180 and not mismatches and not left,
    })
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=200, help="loopback addresses serving")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0.25, help="seconds between two "
                        "requests to one host")
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    print(json.dumps(run(args.urls, args.hosts, args.threads, args.per_host, args.delay,
                         args.timeout)))


if __name__ == "__main__":
    main()
