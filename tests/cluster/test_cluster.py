"""The cluster test (issue 11): PostgreSQL, two ``portal serve`` web nodes and two ``portal worker``
processes on the procrastinate queue, started by ``scripts/cluster.py``, sharing one instance
folder (the search index) as a shared volume would be.

* Files in an S3 bucket (moto's standalone server on loopback), as on several machines.
* A bounded mixed load through both nodes (creates, patches, uploads, searches, reads) while
  harvests of a local CKAN run: afterwards no server error, no lost write (every created dataset
  on both nodes with its last title, and in the search of both), every upload downloadable from
  the other node, no job or harvest left running.
* Both workers killed with -9 mid-validation and mid-harvest: the validation is retried and
  succeeds, the harvest ends as failed with the reason, nothing is left running.

Needs PostgreSQL: runs when ``PORTAL_TEST_DATABASE_URL`` names one (CI's second run).
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass, field
from functools import partial

import pytest
import requests
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from portal import create_app, db, jobs
from portal.auth import services as auth
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.harvest import services as harvest
from portal.harvest.models import HarvestJob, HarvestLock
from portal.validation.models import ValidationReport
from scripts.cluster import Cluster, drop_database, fresh_database
from tests.harvest.servers import FakeCkan, Reply, Site, ckan_package, serve
from tests.harvest.servers import held as hold_reply
from tests.storage.conftest import s3_client, s3_settings

SERVER = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not SERVER.startswith("postgresql"),
                                reason="the cluster needs PostgreSQL (PORTAL_TEST_DATABASE_URL)")

LOAD_SECONDS = 25
CLIENTS = 6
CSV = b"departamento,poblacion\nLa Paz,3023791\nOruro,570194\n"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, worker_id, s3_endpoint):
    """The cluster, with its files in an S3 bucket (moto's server) as on several machines; the
    instance folder, shared, holds the search index."""
    folder = tmp_path_factory.mktemp("cluster")
    url = fresh_database(SERVER, f"{make_url(SERVER).database}_{worker_id}_cluster")
    bucket = f"cluster-{worker_id}".lower()
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    settings = {"PORTAL_HARVEST_ALLOWED_NETWORKS": "127.0.0.0/8",
                "PORTAL_VALIDATION_MODE": "background", **s3_settings(s3_endpoint, bucket)}
    with Cluster(url, folder / "instance", web=2, workers=2, web_processes=1, web_threads=4,
                 settings=settings) as started:
        app = create_app({k: v for k, v in started.env.items() if k.startswith("PORTAL_")})
        with app.app_context():
            catalog.create_entity({"name": "ine", "title": "Instituto Nacional de Estadística"},
                                  SYSTEM)
            user = auth.create_user({"name": "carga", "email": "carga@example.org",
                                     "password": "secreto-123", "sysadmin": True}, SYSTEM)
            started.token = tokens.create_token(user, SYSTEM, name="cluster")[1]
            db.session.remove()
        started.app = app
        yield started
        app.extensions["db_engine"].dispose()
    drop_database(url)


def _scalar(app, query):
    with app.app_context():
        try:
            return db.session.scalar(query)
        finally:
            db.session.remove()


def _until(condition, timeout: float, what: str, app=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout} s: {what}" + (_queue_state(app) if app else ""))


def _queue_state(app) -> str:
    """The queue's rows, for a failure message."""
    with app.app_context():
        try:
            rows = db.session.execute(text(
                "SELECT id, task_name, status, attempts, worker_id FROM procrastinate_jobs "
                "WHERE status <> 'succeeded' ORDER BY id")).all()
            reports = db.session.execute(select(ValidationReport.resource_id,
                                                ValidationReport.status)).all()
        finally:
            db.session.remove()
    return f"\njobs: {rows}\nreports: {reports}"


def _jobs_busy(app) -> int:
    """Jobs waiting or running in the procrastinate queue."""
    with app.app_context():
        try:
            return db.session.execute(text(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                "AND (scheduled_at IS NULL OR scheduled_at <= NOW())")).scalar()
        finally:
            db.session.remove()


def _jobs_done(app) -> str:
    """Jobs run, per task: how many and for how long in all."""
    with app.app_context():
        try:
            rows = db.session.execute(text(
                "SELECT j.task_name, count(DISTINCT j.id), sum(extract(epoch FROM e2.at - e1.at))"
                " FROM procrastinate_jobs j"
                " JOIN procrastinate_events e1 ON e1.job_id = j.id AND e1.type = 'started'"
                " JOIN procrastinate_events e2 ON e2.job_id = j.id"
                "  AND e2.type IN ('succeeded', 'failed')"
                " GROUP BY j.task_name ORDER BY 3 DESC")).all()
        finally:
            db.session.remove()
    return "".join(f"\n  {name}: {count} jobs, {seconds:.1f} s" for name, count, seconds in rows)


def _nothing_running(app) -> bool:
    return (_jobs_busy(app) == 0
            and not _scalar(app, select(func.count()).select_from(HarvestJob).where(
                HarvestJob.status == "running"))
            and not _scalar(app, select(func.count()).select_from(ValidationReport).where(
                ValidationReport.status.in_(("pending", "running")))))


@dataclass
class Outcome:
    titles: dict[str, str] = field(default_factory=dict)  # dataset -> last title written
    uploads: list[tuple[int, str, bytes]] = field(default_factory=list)  # node, url, bytes
    failures: list[str] = field(default_factory=list)  # 5xx, broken connections, refusals
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client(threading.Thread):
    """Loops until ``until`` over both nodes: its own creates, patches and uploads, searches
    and reads. Every answer that is not the expected 200 is a failure."""

    def __init__(self, number: int, cluster: Cluster, until: float, outcome: Outcome):
        super().__init__(daemon=True)
        self.number = number
        self.urls = cluster.urls
        self.until = until
        self.outcome = outcome
        self.random = random.Random(number)
        self.session = requests.Session()
        self.session.headers["Authorization"] = cluster.token
        self.mine: list[str] = []

    def call(self, kind: str, node: int, method: str, path: str, **kwargs):
        with self.outcome.lock:
            self.outcome.counts[kind] = self.outcome.counts.get(kind, 0) + 1
        try:
            response = self.session.request(method, self.urls[node] + path, timeout=60,
                                            **kwargs)
        except requests.RequestException as exc:
            self.outcome.failures.append(f"{kind} on node {node}: {type(exc).__name__}")
            return None
        if response.status_code != 200:
            self.outcome.failures.append(f"{kind} on node {node}: {response.status_code} "
                                         f"{response.text[:200]}")
            return None
        return response

    def action(self, kind: str, node: int, name: str, **kwargs):
        response = self.call(kind, node, "POST", f"/api/3/action/{name}", **kwargs)
        return response.json()["result"] if response is not None else None

    def run(self) -> None:
        serial = 0
        while time.monotonic() < self.until:
            node = self.random.randrange(len(self.urls))
            roll = self.random.random()
            if roll < 0.2 or not self.mine:
                serial += 1
                name = f"carga-{self.number}-{serial}"
                title = f"Carga {self.number} {serial}"
                if self.action("create", node, "package_create", json={
                        "name": name, "title": title, "owner_org": "ine",
                        "license_id": "CC-BY-4.0", "notes": "Escrito bajo carga."}):
                    self.mine.append(name)
                    self.outcome.titles[name] = title
            elif roll < 0.35:
                name = self.random.choice(self.mine)
                title = f"Cambiado {self.random.randrange(10**6)}"
                if self.action("patch", node, "package_patch", json={"id": name,
                                                                     "title": title}):
                    self.outcome.titles[name] = title
            elif roll < 0.45:
                name = self.random.choice(self.mine)
                content = CSV + f"Potosí,{self.random.randrange(10**6)}\n".encode()
                created = self.action("upload", node, "resource_create", data={
                    "package_id": name, "name": "Población", "format": "CSV"},
                    files={"upload": ("poblacion.csv", content, "text/csv")})
                if created:
                    self.outcome.uploads.append((node, created["url"], content))
            elif roll < 0.7:
                self.call("search", node, "GET", "/api/3/action/package_search",
                          params={"q": self.random.choice(["carga", "conjunto", "cambiado"]),
                                  "rows": 20})
            elif roll < 0.8:
                self.call("search page", node, "GET", "/dataset", params={"q": "carga"})
            elif roll < 0.9:
                self.call("show", node, "GET", "/api/3/action/package_show",
                          params={"id": self.random.choice(self.mine)})
            else:
                self.call("dataset page", node, "GET",
                          f"/dataset/{self.random.choice(self.mine)}")


def _searchable(url: str) -> set[str]:
    found = requests.get(f"{url}/api/3/action/package_search", timeout=30,
                         params={"rows": 1000}).json()["result"]["results"]
    return {item["name"] for item in found}


def test_mixed_load_through_both_nodes_loses_nothing(cluster):
    app = cluster.app
    site = Site()
    FakeCkan(site, [ckan_package(n) for n in range(1, 9)])
    outcome = Outcome()
    with serve(site) as remote:
        with app.app_context():
            source_id = harvest.create_source({"name": "remota", "type": "ckan", "url": remote,
                                               "entity": "ine"}, SYSTEM).id
            db.session.remove()
        until = time.monotonic() + LOAD_SECONDS
        clients = [Client(n, cluster, until, outcome) for n in range(CLIENTS)]
        for client in clients:
            client.start()
        runs = 0
        while time.monotonic() < until - 5:  # harvest runs while the load goes on
            with app.app_context():
                jobs.enqueue("harvest.run_source", source_id=source_id, trigger="manual")
                db.session.remove()
            runs += 1
            time.sleep(6)
        for client in clients:
            client.join(LOAD_SECONDS + 60)
        assert not any(client.is_alive() for client in clients)
        drain = time.monotonic()
        _until(lambda: _nothing_running(app), 300, "the queue to drain", app)
        drain = time.monotonic() - drain
    print(f"\ncluster load: {sum(outcome.counts.values())} requests in {LOAD_SECONDS} s "
          f"{outcome.counts}, {runs} harvest runs, {len(outcome.titles)} datasets created, "
          f"{len(outcome.uploads)} uploads; the queue drained {drain:.0f} s after the load"
          f"{_jobs_done(app)}")

    assert outcome.failures == []
    assert outcome.counts.get("create", 0) >= 10 and len(outcome.uploads) >= 3
    # No lost write: each dataset on both nodes, with the last title written.
    for name, title in outcome.titles.items():
        for url in cluster.urls:
            shown = requests.get(f"{url}/api/3/action/package_show", params={"id": name},
                                 timeout=30).json()
            assert shown["success"] and shown["result"]["title"] == title, (url, name)
    # ... and in the search of both nodes, within seconds.
    expected = set(outcome.titles) | {f"conjunto-{n}" for n in range(1, 9)}
    for url in cluster.urls:
        _until(lambda url=url: expected <= _searchable(url), 30, f"every dataset in {url}")
    # Every upload downloads from the other node.
    for node, url, content in outcome.uploads:
        other = cluster.urls[1 - node]
        path = url.split("://", 1)[1].split("/", 1)[1]
        downloaded = requests.get(f"{other}/{path}", timeout=30)
        assert downloaded.status_code == 200 and downloaded.content == content, url
    # Every harvest run ended; harvested datasets exist once each.
    assert _scalar(app, select(func.count()).select_from(HarvestJob).where(
        HarvestJob.source_id == source_id, HarvestJob.status == "done")) >= 1
    assert _scalar(app, select(func.count()).select_from(Dataset).where(
        Dataset.name.like("conjunto-%"))) == 8


def test_workers_killed_mid_validation_and_mid_harvest(cluster):
    app = cluster.app
    hold = threading.Event()
    hold.set()

    held = partial(hold_reply, hold=hold, seconds=60)

    site = Site()
    site.add("/files/lento.csv", held(Reply(CSV, content_type="text/csv")))
    ckan = FakeCkan(site, [ckan_package(n) for n in range(101, 105)])
    slow_search = ckan.package_search
    site.add("/api/3/action/package_search", lambda query: held(slow_search(query))(query))
    with serve(site) as remote:
        response = requests.post(
            f"{cluster.urls[0]}/api/3/action/package_create", timeout=30,
            headers={"Authorization": cluster.token},
            json={"name": "lento", "title": "Lento", "owner_org": "ine",
                  "license_id": "CC-BY-4.0",
                  "resources": [{"url": f"{remote}/files/lento.csv", "name": "lento.csv",
                                 "format": "CSV"}]}).json()
        resource_id = response["result"]["resources"][0]["id"]
        with app.app_context():
            source_id = harvest.create_source({"name": "lenta", "type": "ckan", "url": remote,
                                               "entity": "ine"}, SYSTEM).id
            jobs.enqueue("harvest.run_source", source_id=source_id, trigger="manual")
            db.session.remove()
        _until(lambda: _scalar(app, select(ValidationReport.status).where(
            ValidationReport.resource_id == resource_id)) == "running", 60,
            "the validation to start")
        _until(lambda: _scalar(app, select(HarvestJob.status).where(
            HarvestJob.source_id == source_id)) == "running", 60, "the harvest to start")
        for worker in cluster.workers:
            Cluster.kill(worker)  # kill -9, mid-validation and mid-harvest
        hold.clear()
        started = time.monotonic()
        cluster.workers.clear()
        cluster.start_worker()
        cluster.start_worker()
        # The validation had a retry left: it runs again and ends.
        _until(lambda: _scalar(app, select(ValidationReport.status).where(
            ValidationReport.resource_id == resource_id)) == "success", 240,
            "the validation to be retried and succeed", app)
        # The harvest is ended with the reason, and its source freed.
        ended = _until(lambda: _scalar(app, select(HarvestJob).where(
            HarvestJob.source_id == source_id, HarvestJob.status != "running")), 240,
            "the dead harvest to be ended")
        assert ended.status == "failed" and ended.message, ended.status
        assert _scalar(app, select(HarvestLock).where(
            HarvestLock.source_id == source_id)) is None
        _until(lambda: _nothing_running(app), 120, "the queue to drain")
        print(f"\nrecovered {time.monotonic() - started:.0f} s after the kill: "
              f"harvest {ended.status!r}: {ended.message}")
