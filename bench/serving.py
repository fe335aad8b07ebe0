"""Serving benchmark (issue 20): public reads of the portal beside a bare Flask app serving the
same bytes, in the same run, on the same machine.

    .venv/bin/python bench/serving.py                       # demo catalog, 10 s per figure
    .venv/bin/python bench/serving.py --datasets 2000       # plus 2,000 generated datasets
    .venv/bin/python bench/serving.py --seconds 3           # quick, while developing

Both servers are gunicorn with 2 workers (gthread, 4 threads each, as ``portal serve``) on a
temporary SQLite instance loaded with ``portal demo load``. The client is closed-loop: 16
keep-alive connections (2 client processes of 8 threads, so the client is not one GIL), each
sending the next request as soon as the last one answered, for ``--seconds`` per kind. Kinds:
``package_show``, a dataset page, the home page, the search page, and conditional GETs (the
validators of a first answer sent back) of ``/catalog.ttl`` and a dataset's ``.jsonld``. Each
kind is also timed alone: 200 requests one after the other on one connection (no queueing).
Every figure carries the load average of the machine when it was taken. Loopback only. Prints
a table; the last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import closed_loop, percentile  # noqa: E402
from scripts.cluster import PORTAL, free_port  # noqa: E402

CONNECTIONS = 16
CLIENT_PROCESSES = 2
BARE_APP = '''
import json
from flask import Flask, Response, request
bodies = json.load(open("{bodies}"))
app = Flask("bare")

@app.route("/<kind>")
def serve(kind):
    body = bodies[kind]
    if body["etag"] and request.headers.get("If-None-Match") == body["etag"]:
        return Response(status=304)
    return Response(body["text"], mimetype=body["type"])
'''


def _env(instance: Path) -> dict[str, str]:
    return {**os.environ, "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SECRET_KEY": "bench",
            "PORTAL_SITE_URL": "http://127.0.0.1", "PORTAL_JOBS_WORKERS": "0",
            "PORTAL_VALIDATION_MODE": "off", "FLASK_DEBUG": "0"}


def prepare(instance: Path, extra: int) -> None:
    env = _env(instance)
    for args in (["init"], ["demo", "load"]):
        subprocess.run([*PORTAL, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    if extra:
        generate(env, extra)
    # No job threads in these processes: the index is built here, once.
    subprocess.run([*PORTAL, "search", "rebuild"], env=env, cwd=ROOT, check=True,
                   capture_output=True)


def generate(env: dict[str, str], extra: int) -> None:
    """``extra`` datasets (three resources, three keywords and a theme each) written in bulk,
    as bench/dcat.py writes its catalog, on top of the demo catalog."""
    sys.path.insert(0, str(ROOT / "bench"))
    from dcat import populate

    from portal import create_app

    app = create_app({k: v for k, v in env.items() if k.startswith("PORTAL_")})
    populate(app, extra)
    app.extensions["db_engine"].dispose()


def wait_up(url: str, process: subprocess.Popen, path: str) -> None:
    deadline = time.monotonic() + 120
    port = url.rsplit(":", 1)[1]
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not start")


def fetch(port: int, path: str, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def pick(requests: list[tuple[str, dict]], rng: random.Random,
         sent: int) -> tuple[str, str, dict]:
    path, headers = rng.choice(requests)
    return "", path, headers


def measure(pool, port: int, requests: list[tuple[str, dict]], seconds: float) -> dict:
    threads = CONNECTIONS // CLIENT_PROCESSES
    args = ([[f"http://127.0.0.1:{port}"]] * CLIENT_PROCESSES,
            [partial(pick, requests)] * CLIENT_PROCESSES)
    list(pool.map(closed_loop, *args, [1.0] * CLIENT_PROCESSES, [threads] * CLIENT_PROCESSES,
                  range(50, 50 + CLIENT_PROCESSES)))  # warm-up
    rows = [row for part in pool.map(closed_loop, *args, [seconds] * CLIENT_PROCESSES,
                                     [threads] * CLIENT_PROCESSES, range(CLIENT_PROCESSES))
            for row in part]
    times = [ms for _, ms, _ in rows]
    statuses: dict[str, int] = {}
    for _, _, status in rows:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"requests_per_s": round(len(rows) / seconds, 1),
            "avg_ms": round(sum(times) / len(times), 2) if times else 0.0,
            "p95_ms": round(percentile(times, 0.95), 2), "statuses": statuses,
            "load_1m": round(os.getloadavg()[0], 2)}


def sequential(port: int, request: tuple[str, dict], count: int = 200) -> dict:
    """One connection, one request at a time: the latency without queueing behind others."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", request[0], headers=request[1])
        connection.getresponse().read()
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return {"median_ms": round(percentile(times, 0.5), 2),
            "p95_ms": round(percentile(times, 0.95), 2), "load_1m": round(os.getloadavg()[0], 2)}


def kinds(port: int) -> dict[str, dict]:
    """Each kind: its path, the bytes the portal answers, and the validators of that answer."""
    status, _, body = fetch(port, "/api/3/action/package_search?q=presupuesto&rows=1")
    name = json.loads(body)["result"]["results"][0]["name"]
    paths = {"package_show": f"/api/3/action/package_show?id={name}",
             "dataset page": f"/dataset/{name}", "home page": "/",
             "search page": "/dataset?q=presupuesto",
             "catalog.ttl 304": "/catalog.ttl", "dataset.jsonld 304": f"/dataset/{name}.jsonld"}
    found = {}
    for kind, path in paths.items():
        status, headers, body = fetch(port, path)
        if status != 200:
            raise RuntimeError(f"{path}: {status}")
        conditional = {}
        if kind.endswith("304"):
            if headers.get("ETag"):
                conditional["If-None-Match"] = headers["ETag"]
            if headers.get("Last-Modified"):
                conditional["If-Modified-Since"] = headers["Last-Modified"]
        found[kind] = {"path": path, "headers": conditional, "text": body.decode(),
                       "type": headers.get("Content-Type", "text/html"),
                       "etag": headers.get("ETag", ""), "bytes": len(body)}
    return found


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as sink:
        return subprocess.Popen(args, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(seconds: float, extra: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-serving-"))
    instance = folder / "instance"
    instance.mkdir()
    prepare(instance, extra)
    portal_port, bare_port = free_port(), free_port()
    portal = start([*PORTAL, "serve", "--bind", f"127.0.0.1:{portal_port}", "--workers", "2"],
                   _env(instance), folder / "portal.log")
    bare = None
    try:
        wait_up(f"http://127.0.0.1:{portal_port}", portal, "/api/3")
        found = kinds(portal_port)
        (folder / "bodies.json").write_text(json.dumps(found))
        (folder / "bare.py").write_text(BARE_APP.format(bodies=folder / "bodies.json"))
        bare = start([sys.executable, "-m", "gunicorn", "--chdir", str(folder), "-w", "2",
                      "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{bare_port}",
                      "--control-socket", str(folder / "bare.ctl"),
                      "bare:app"], os.environ, folder / "bare.log")
        wait_up(f"http://127.0.0.1:{bare_port}", bare, "/home%20page")
        figures: dict = {"datasets_extra": extra, "seconds": seconds, "cores": os.cpu_count(),
                         "connections": CONNECTIONS}
        with ProcessPoolExecutor(CLIENT_PROCESSES) as pool:
            for kind, spec in found.items():
                request = [(spec["path"], spec["headers"])]
                bare_request = [(f"/{kind.replace(' ', '%20')}", spec["headers"])]
                figures[kind] = {"bytes": spec["bytes"],
                                 "portal": measure(pool, portal_port, request, seconds),
                                 "bare": measure(pool, bare_port, bare_request, seconds),
                                 "portal_alone": sequential(portal_port, request[0]),
                                 "bare_alone": sequential(bare_port, bare_request[0])}
        return figures
    finally:
        stop(portal)
        if bare is not None:
            stop(bare)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--datasets", type=int, default=0,
                        help="generated datasets added to the demo catalog")
    options = parser.parse_args()
    figures = run(options.seconds, options.datasets)
    print(f"{'kind':20} {'req/s':>8} {'avg ms':>8} {'p95 ms':>8} {'load':>6}   bare: "
          f"{'req/s':>8} {'p95 ms':>8}  ratio  alone: median ms (bare)  statuses")
    for kind, row in figures.items():
        if not isinstance(row, dict):
            continue
        portal, bare = row["portal"], row["bare"]
        ratio = portal["requests_per_s"] / bare["requests_per_s"] if bare["requests_per_s"] \
            else 0
        print(f"{kind:20} {portal['requests_per_s']:8.1f} {portal['avg_ms']:8.2f} "
              f"{portal['p95_ms']:8.2f} {portal['load_1m']:6.2f}         "
              f"{bare['requests_per_s']:8.1f} {bare['p95_ms']:8.2f}  {ratio:5.2f}  "
              f"{row['portal_alone']['median_ms']:6.2f} ({row['bare_alone']['median_ms']:.2f})  "
              f"{portal['statuses']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
