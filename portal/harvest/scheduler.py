"""The long-running scheduler: starts due sources, each in a child process, and ends hung ones.

Every tick it (1) ends jobs whose heartbeat is older than ``PORTAL_HARVEST_HANG_SECONDS``,
killing the child process that runs them, (2) forgets children that have finished and
(3) starts ``portal harvest run NAME`` for each due source while fewer than ``workers`` run.
A child process can be killed outright, which a thread cannot: a backend stuck in a parser or a
dead connection cannot keep a source locked. The lock row in the database (not this process)
is what keeps two runs of one source apart, so a cron ``run --due`` next to a scheduler is safe.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from portal import config, db
from portal.db import utcnow
from portal.harvest import services
from portal.harvest.models import HarvestLock


def child_environment(app: Flask) -> dict[str, str]:
    """The environment for a child ``portal`` process: the app's settings as variables."""
    env = dict(os.environ)
    for setting in config.SETTINGS:
        value = app.config.get(setting.name)
        if value is None:
            continue
        env[setting.name] = ("true" if value else "false") if isinstance(value, bool) \
            else str(value)
    return env


@dataclass
class Child:
    source_id: str
    name: str
    process: subprocess.Popen
    started: float = field(default_factory=time.monotonic)


class Scheduler:
    def __init__(self, app: Flask, *, workers: int = 2,
                 log: Callable[[str], None] = print,
                 command: Callable[[str], list[str]] | None = None):
        self.app = app
        self.workers = max(1, workers)
        self.log = log
        self.command = command or (lambda name: [
            sys.executable, "-m", "portal.cli", "harvest", "run", name, "--quiet",
            "--trigger", "schedule"])
        self.children: dict[str, Child] = {}

    def tick(self) -> list[str]:
        """One look at the schedules; returns the names of the sources started."""
        with self.app.app_context():
            self._end_hung()
            self._collect()
            started = []
            for source in services.due_sources():
                if len(self.children) >= self.workers:
                    break
                if source.id in self.children:
                    continue
                process = subprocess.Popen(self.command(source.name),
                                           env=child_environment(self.app))
                self.children[source.id] = Child(source.id, source.name, process)
                started.append(source.name)
                self.log(f"started {source.name} (pid {process.pid})")
            db.session.remove()
            return started

    def _end_hung(self) -> None:
        limit = services.hang_limit()
        cutoff = utcnow() - limit
        for child in list(self.children.values()):
            lock = db.session.get(HarvestLock, child.source_id)
            if lock is not None:
                db.session.refresh(lock)
            silent = (lock is not None and lock.heartbeat < cutoff) or (
                lock is None and time.monotonic() - child.started > limit.total_seconds())
            if silent and child.process.poll() is None:
                child.process.kill()
                child.process.wait()
                self.log(f"killed hung harvest of {child.name} (pid {child.process.pid})")
                del self.children[child.source_id]
        for job_id in services.reap_hung_jobs():
            self.log(f"ended hung job {job_id}")

    def _collect(self) -> None:
        for source_id, child in list(self.children.items()):
            code = child.process.poll()
            if code is not None:
                self.log(f"{child.name} finished (exit {code})")
                del self.children[source_id]

    def wait(self, timeout: float = 60.0) -> None:
        """Wait for the running children (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        for child in list(self.children.values()):
            child.process.wait(max(0.1, deadline - time.monotonic()))
        self._collect_outside()

    def _collect_outside(self) -> None:
        self.children = {k: c for k, c in self.children.items() if c.process.poll() is None}

    def stop(self) -> None:
        for child in self.children.values():
            if child.process.poll() is None:
                child.process.terminate()
        for child in self.children.values():
            child.process.wait(10)
        self.children.clear()

    def run_forever(self, interval: float = 60.0) -> None:
        self.log(f"harvest scheduler: every {interval:g} s, {self.workers} worker(s)")
        try:
            while True:
                self.tick()
                time.sleep(interval)
        except KeyboardInterrupt:
            self.log("stopping: waiting for running harvests to be ended")
        finally:
            self.stop()
