#!/usr/bin/env python3
"""A small portal cluster on this machine, as docs/deploy.md lays one out on several:

* PostgreSQL (dev.py's throwaway server, or the one ``--database`` names), a database of its own;
* ``--web`` ``portal serve`` processes (gunicorn) on ports of their own, as web nodes;
* ``--workers`` ``portal worker`` processes on the procrastinate job queue;
* one instance folder shared by all (the search index and the local storage, as a shared volume
  would be), or an S3 bucket when the environment sets ``PORTAL_STORAGE=s3``.

    .venv/bin/python scripts/cluster.py                 # 2 web nodes, 2 workers; Ctrl+C stops
    .venv/bin/python scripts/cluster.py --web 1 --workers 1

``tests/cluster/test_cluster.py`` and ``bench/cluster.py`` use ``Cluster`` from here. Loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = [sys.executable, "-m", "portal.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(server_url: str, name: str) -> str:
    """An empty database ``name`` on the PostgreSQL server of ``server_url``; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(server_url)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{base.database}" WITH (FORCE)'))
    admin.dispose()


def postgres_server() -> str:
    """``PORTAL_TEST_DATABASE_URL`` when set, else dev.py's throwaway server (started here)."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url
    sys.path.insert(0, str(ROOT))
    import dev

    return dev.start_postgres()


class Cluster:
    """Web nodes and workers on one database and one instance folder. A context manager."""

    def __init__(self, database_url: str, instance: Path, *, web: int = 2, workers: int = 2,
                 web_processes: int = 1, web_threads: int = 4, settings: dict | None = None):
        self.instance = instance
        self.logs = instance.parent / "logs"
        self.web_count = web
        self.worker_count = workers
        self.web_processes = web_processes
        self.web_threads = web_threads
        self.env = {
            **os.environ,
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_INSTANCE_PATH": str(instance),
            "PORTAL_SECRET_KEY": "cluster",  # one key: a session or form works on every node
            "PORTAL_SITE_URL": "http://127.0.0.1",
            "PORTAL_JOBS_BACKEND": "procrastinate",
            "PORTAL_JOBS_MODE": "background",
            "FLASK_DEBUG": "0",
            **(settings or {}),
        }
        self.web: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.workers: list[subprocess.Popen] = []

    # -- processes -----------------------------------------------------------------------------

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        with (self.logs / log_name).open("ab") as sink:
            return subprocess.Popen([*PORTAL, *args], env=self.env, cwd=ROOT, stdout=sink,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def init(self) -> None:
        self.instance.mkdir(parents=True, exist_ok=True)
        subprocess.run([*PORTAL, "init"], env=self.env, cwd=ROOT, check=True,
                       capture_output=True)

    def start_web(self) -> str:
        port = free_port()
        number = len(self.web)
        self.web.append(self._spawn(
            ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(self.web_processes),
             "--threads", str(self.web_threads)], f"web-{number}.log"))
        self.urls.append(f"http://127.0.0.1:{port}")
        return self.urls[-1]

    def start_worker(self) -> subprocess.Popen:
        worker = self._spawn(["worker"], f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def wait_until_up(self, timeout: float = 90) -> None:
        import requests

        deadline = time.monotonic() + timeout
        for url, process in zip(self.urls, self.web, strict=True):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{url} exited with {process.returncode}: see "
                                       f"{self.logs}")
                try:
                    if requests.get(f"{url}/api/3/action/status_show", timeout=10).ok:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not answer within {timeout} s")
                time.sleep(0.2)

    def start(self) -> Cluster:
        self.init()
        for _ in range(self.web_count):
            self.start_web()
        for _ in range(self.worker_count):
            self.start_worker()
        self.wait_until_up()
        return self

    @staticmethod
    def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        """Signal the process and every process it started (gunicorn's workers)."""
        if process.poll() is None:
            os.killpg(process.pid, sig)
        process.wait(60)

    def stop(self) -> None:
        for process in self.workers + self.web:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.workers + self.web:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill(process)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web", type=int, default=2, help="portal serve processes")
    parser.add_argument("--workers", type=int, default=2, help="portal worker processes")
    parser.add_argument("--database", help="PostgreSQL server URL (default: dev.py's)")
    args = parser.parse_args()
    server = args.database or postgres_server()
    url = fresh_database(server, "portal_cluster")
    folder = Path(tempfile.mkdtemp(prefix="portal-cluster-"))
    with Cluster(url, folder / "instance", web=args.web, workers=args.workers) as cluster:
        print("web nodes:", " ".join(cluster.urls))
        print(f"workers: {len(cluster.workers)}; logs in {cluster.logs}. Ctrl+C stops.",
              flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
