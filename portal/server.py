"""What ``portal serve`` runs: the portal under gunicorn, with production defaults.

Each gunicorn worker process builds its own app (no ``preload_app``: database pools and the search
index must not be shared across ``fork``). The master builds one first, only to check the settings,
the database and the storage, so a misconfiguration stops the start with a message naming the
setting instead of workers failing to boot one after the other.

Forwarded headers are believed only through ``PORTAL_TRUSTED_PROXIES`` (``portal.security``):
gunicorn's own handling of ``X-Forwarded-Proto`` is switched off so there is one rule, not two.
"""

from __future__ import annotations

import faulthandler
import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

#: Apache-style combined log, plus the request's duration in milliseconds.
ACCESS_LOG_FORMAT = '%(h)s - %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def default_workers() -> int:
    """gunicorn's rule of thumb: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def options(settings: dict[str, Any], *, bind: str | None = None,
            workers: int | None = None, threads: int | None = None) -> dict[str, Any]:
    """gunicorn's settings for these portal settings and command-line choices."""
    return {
        "bind": [bind or settings["PORTAL_SERVE_BIND"]],
        "workers": workers or settings["PORTAL_SERVE_WORKERS"] or default_workers(),
        "worker_class": "gthread",
        "threads": threads or settings["PORTAL_SERVE_THREADS"],
        "timeout": settings["PORTAL_SERVE_TIMEOUT"],
        "graceful_timeout": 30,
        "keepalive": 5,
        # A worker is replaced after this many requests (a slow leak cannot grow for ever); the
        # jitter keeps them from all restarting at once. Not a few thousand: answers kept in
        # front of the app cost well under a millisecond, a new worker builds its app again
        # (seconds of CPU) and starts with empty caches.
        "max_requests": settings["PORTAL_SERVE_MAX_REQUESTS"],
        "max_requests_jitter": settings["PORTAL_SERVE_MAX_REQUESTS"] // 10,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "proc_name": "portal-web",
        "secure_scheme_headers": {},
        "forwarded_allow_ips": "",
        # Heartbeat files in memory, not on a disk that may stall (gunicorn's advice).
        "worker_tmp_dir": "/dev/shm" if Path("/dev/shm").is_dir() else None,
        # gunicorn >= 25's control socket sits at one path per user: two servers on a machine
        # (two ports) would take it from each other, and the portal has no use for it.
        "control_socket_disable": True,
    }


class PortalServer(BaseApplication):
    def __init__(self, gunicorn_options: dict[str, Any]):
        self.gunicorn_options = gunicorn_options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.gunicorn_options.items():
            if value is not None and name in self.cfg.settings:  # older gunicorn lacks some
                self.cfg.set(name, value)

    def load(self):
        from portal.app import create_app

        # In each worker: a crash in native code (a segmentation fault) writes the Python stack
        # of every thread to the error log before the process dies.
        faulthandler.enable()
        return create_app()


def check(app) -> list[str]:
    """Problems that would stop every worker: the database, the storage, the job queue."""
    from sqlalchemy import text

    from portal import db
    from portal.storage import storage

    problems = []
    try:
        with app.app_context(), db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure: report it with the setting to look at
        problems.append(f"PORTAL_DATABASE_URL: cannot connect ({exc.__class__.__name__}: "
                        f"{str(exc).splitlines()[0]})")
    with app.app_context():
        ok, detail = storage().check()
    if not ok:
        problems.append(f"PORTAL_STORAGE: {detail}")
    if not problems:  # the queue lives in the database: only worth asking when it answers
        from portal import jobs

        queue = jobs.health(app)
        if not queue["ok"]:
            problems.append(f"PORTAL_JOBS_BACKEND: {queue['detail']} (run `portal init`)")
    app.extensions["db_engine"].dispose()
    return problems
