"""Load benchmark (issue 19 item 4): many clients of mixed reads and writes against a real server
process, then a check that nothing was lost and that the search index equals the database.

    .venv/bin/python bench/load.py                       # 100 clients, 60 s, SQLite
    .venv/bin/python bench/load.py --db postgres         # the same on a throwaway PostgreSQL
    .venv/bin/python bench/load.py --clients 10 --seconds 5   # small, while developing

Loopback only. The server is ``portal serve`` when the portal has it, else ``portal run`` (the
threaded development server), with the production job settings: jobs on the queue, run by the
server's own job threads (the embedded backend). Each client loops until the time is up: 40%
reads of the API (``package_search``, ``package_show``), 20% page reads (home, a dataset page),
25% ``package_create``, 15% ``package_patch`` of a dataset it created. Afterwards the benchmark
waits for the job queue to drain (untimed) and checks:

* lost writes: a create or patch answered with success whose result is not in the database;
* index drift: ``portal search check`` (datasets missing from, stale in, or extra in the index).

Prints one JSON line: requests, requests/s, p95 and p50 in ms (all, reads, writes), server
errors (5xx and broken connections), lost writes, drift, queue drain seconds, cores.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import percentile  # noqa: E402

PORTAL = [sys.executable, "-m", "portal.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@functools.cache
def _commands() -> str:
    return subprocess.run([*PORTAL, "--help"], capture_output=True, text=True).stdout


def has_serve() -> bool:
    return any(line.split()[:1] == ["serve"] for line in _commands().splitlines())


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """A real server process on 127.0.0.1:port; returns once it answers."""
    command = ([*PORTAL, "serve", "--bind", f"127.0.0.1:{port}"] if has_serve() else
               [*PORTAL, "run", "--host", "127.0.0.1", "--port", str(port), "--with-threads"])
    with log.open("ab") as sink:  # a session of its own: a crash test kills the whole group
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink, cwd=ROOT,
                                   start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended at start-up: {log.read_text()[-2000:]}")
        try:
            requests.get(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=2)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not answer within 60 s")


def environment(database_url: str, instance: Path) -> dict[str, str]:
    return {**os.environ, "PORTAL_DATABASE_URL": database_url,
            "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SECRET_KEY": "bench",
            "PORTAL_JOBS_MODE": "background", "PORTAL_JOBS_TICK_SECONDS": "5",
            "PORTAL_SITE_URL": "http://127.0.0.1", "FLASK_DEBUG": "0"}


def seed(env: dict[str, str], datasets: int = 20) -> str:
    """Database, an entity, a sysadmin's API token and a few datasets to read."""
    subprocess.run([*PORTAL, "init"], env=env, check=True, capture_output=True, cwd=ROOT)
    from portal import create_app, jobs
    from portal.auth import services as auth
    from portal.auth import tokens
    from portal.auth.permissions import SYSTEM
    from portal.catalog import services as catalog

    app = create_app({k: v for k, v in env.items() if k.startswith("PORTAL_")})
    with app.app_context():
        catalog.create_entity({"name": "ine", "title": "Instituto Nacional de Estadística"},
                              SYSTEM)
        user = auth.create_user({"name": "carga", "email": "carga@example.org",
                                 "password": "secreto-123", "sysadmin": True}, SYSTEM)
        token = tokens.create_token(user, SYSTEM, name="bench")[1]
        for number in range(datasets):
            catalog.create_dataset({"name": f"lectura-{number}", "title": f"Lectura {number}",
                                    "entity": "ine", "description": "Datos para leer.",
                                    "license_id": "CC-BY-4.0"},
                                   SYSTEM)
    jobs.backend(app).stop()
    app.extensions["db_engine"].dispose()
    return token


class Client(threading.Thread):
    def __init__(self, number: int, base: str, token: str, until: float, seed: int):
        super().__init__(daemon=True)
        self.number, self.base, self.until = number, base, until
        self.session = requests.Session()
        self.session.headers["Authorization"] = token
        self.random = random.Random(seed)
        self.timings: list[tuple[str, float, int]] = []  # (kind, seconds, status; 0: broken)
        self.created: dict[str, str] = {}  # name -> title last confirmed
        self.count = 0

    def _call(self, kind: str, method: str, path: str, **kwargs) -> dict | None:
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, timeout=120, **kwargs)
            status = response.status_code
        except requests.RequestException:
            response, status = None, 0
        self.timings.append((kind, time.perf_counter() - started, status))
        if response is not None and status == 200 and path.startswith("/api/"):
            body = response.json()
            return body if body.get("success") else None
        return None

    def run(self) -> None:
        while time.monotonic() < self.until:
            roll = self.random.random()
            if roll < 0.25:
                self._call("read", "GET", "/api/3/action/package_search",
                           params={"q": self.random.choice(["lectura", "carga", "datos"]),
                                   "rows": 10})
            elif roll < 0.40:
                self._call("read", "GET", "/api/3/action/package_show",
                           params={"id": f"lectura-{self.random.randrange(20)}"})
            elif roll < 0.50:
                self._call("page", "GET", "/")
            elif roll < 0.60:
                self._call("page", "GET", f"/dataset/lectura-{self.random.randrange(20)}")
            elif roll < 0.85 or not self.created:
                self.count += 1
                name = f"carga-{self.number}-{self.count}"
                title = f"Carga {self.number} número {self.count}"
                if self._call("write", "POST", "/api/3/action/package_create", json={
                        "name": name, "title": title, "owner_org": "ine", "license_id": "CC-BY-4.0",
                        "notes": "Escrito por la prueba de carga.",
                        "tags": [{"name": f"carga{self.number % 7}"}]}):
                    self.created[name] = title
            else:
                name = self.random.choice(list(self.created))
                title = f"{self.created[name].split(' v')[0]} v{self.random.randrange(10**6)}"
                if self._call("write", "POST", "/api/3/action/package_patch",
                              json={"id": name, "title": title}):
                    self.created[name] = title


def lost_writes(env: dict[str, str], clients: list[Client]) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(env["PORTAL_DATABASE_URL"])
    with engine.connect() as connection:
        stored = dict(connection.execute(text(
            "SELECT name, title FROM dataset WHERE name LIKE 'carga-%'")).all())
    engine.dispose()
    return sum(1 for client in clients for name, title in client.created.items()
               if stored.get(name) != title)


def drain(env: dict[str, str], timeout: float = 600) -> float:
    """Seconds until no job is queued or running (the server's threads run them)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(env["PORTAL_DATABASE_URL"])
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            with engine.connect() as connection:
                left = connection.execute(text(
                    "SELECT count(*) FROM job WHERE status IN ('queued', 'running') "
                    "AND name <> 'feeds.build_dumps'")).scalar()
            if not left:
                break
            time.sleep(0.5)
    finally:
        engine.dispose()
    return time.monotonic() - started


def index_drift(env: dict[str, str]) -> dict[str, int]:
    check = subprocess.run([*PORTAL, "search", "check"], env=env, capture_output=True,
                           text=True, cwd=ROOT)
    drift = {}
    for line in check.stdout.splitlines():
        for label, key in (("In the index but not in the database", "only_index"),
                           ("In the database but not in the index", "only_database"),
                           ("Stale in the index", "stale")):
            if line.startswith(label):
                drift[key] = int(line.rsplit(":", 1)[1])
        if line.startswith("Datasets in the database"):
            drift["database"] = int(line.split(":")[1].split(";")[0])
    return drift


def postgres_url() -> tuple[str, callable]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    import dev

    base = make_url(dev.start_postgres())
    name = f"portal_load_{os.getpid()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def run(db: str, clients: int, seconds: float) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    drop = None
    try:
        if db == "postgres":
            url, drop = postgres_url()
        else:
            url = f"sqlite:///{folder}/portal.db"
        env = environment(url, folder / "instance")
        token = seed(env)
        port = free_port()
        server = start_server(env, port, folder / "server.log")
        try:
            until = time.monotonic() + seconds
            threads = [Client(n, f"http://127.0.0.1:{port}", token, until, n)
                       for n in range(clients)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            drained = drain(env)
        finally:
            server.terminate()
            server.wait(30)
        timings = [t for thread in threads for t in thread.timings]
        errors = sum(1 for _kind, _s, status in timings if status == 0 or status >= 500)

        def ms(kinds: tuple[str, ...], fraction: float) -> float:
            return round(1000 * percentile([s for k, s, _ in timings if k in kinds],
                                           fraction), 1)

        figures = {
            "db": db, "clients": clients, "seconds": round(elapsed, 1),
            "requests": len(timings), "requests_per_s": round(len(timings) / elapsed, 1),
            "p50_ms": ms(("read", "page", "write"), 0.5),
            "p95_ms": ms(("read", "page", "write"), 0.95),
            "p95_read_ms": ms(("read", "page"), 0.95), "p95_write_ms": ms(("write",), 0.95),
            "writes_ok": sum(len(thread.created) for thread in threads),
            "server_errors": errors,
            "client_errors": sum(1 for _k, _s, status in timings if 400 <= status < 500),
            "lost_writes": lost_writes(env, threads),
            "drain_s": round(drained, 1), "drift": index_drift(env),
            "cores": os.cpu_count(), "loadavg": round(os.getloadavg()[0], 2),
        }
        if errors:
            tail = (folder / "server.log").read_text(errors="replace")[-3000:]
            print(f"server log tail:\n{tail}", file=sys.stderr)
        return figures
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(json.dumps(run(args.db, min(args.clients, 200), min(args.seconds, 300))))


if __name__ == "__main__":
    main()
