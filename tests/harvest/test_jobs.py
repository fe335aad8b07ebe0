"""Running harvests: the lock row, hung jobs, the preview, schedules through the job queue, the
CLI, and a run whose worker died."""

from __future__ import annotations

import json
import socket
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import db, jobs
from portal.catalog.models import Dataset
from portal.db import unit_of_work, utcnow
from portal.harvest import registry, services
from portal.harvest.base import Harvester, RemoteItem
from portal.harvest.models import HarvestJob, HarvestLock
from tests.harvest.servers import FakeCkan, Reply, ckan_package


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_two_runs_of_one_source_never_overlap(site, add_source):
    FakeCkan(site, [ckan_package(1)])
    source = add_source("uno", "ckan", site.base)
    services._start_job(source, "manual")  # a run under way (its lock row is held)
    with pytest.raises(services.HarvestBusy) as caught:
        services.run_source(source)
    assert "ya se está cosechando" in caught.value.message
    assert _count(Dataset) == 0


def test_a_hung_job_is_ended_and_marked(site, add_source, harvest_app):
    FakeCkan(site, [ckan_package(1)])
    source = add_source("colgado", "ckan", site.base)
    stuck = services._start_job(source, "manual")
    with unit_of_work():
        old = utcnow() - timedelta(hours=2)
        db.session.get(HarvestJob, stuck.id).heartbeat = old
        db.session.get(HarvestLock, source.id).heartbeat = old
    job = services.run_source(source)  # the stale lock is taken over
    assert job.status == "done"
    db.session.expire_all()
    ended = db.session.get(HarvestJob, stuck.id)
    assert ended.status == "timed_out" and "no se eliminó nada" in ended.message


def test_a_job_without_progress_is_stopped_by_the_hang_limit(site, add_source, harvest_app):
    harvest_app.config["PORTAL_HARVEST_HANG_SECONDS"] = 1
    harvest_app.config["PORTAL_HARVEST_TIMEOUT"] = 10.0
    FakeCkan(site, [ckan_package(1)])
    site.add("/api/3/action/package_search", Reply(b"{}", delay=4))
    started = time.monotonic()
    job = services.run_source(add_source("lento", "ckan", site.base))
    assert time.monotonic() - started < 3.5
    assert job.status == "timed_out"
    assert services.job_errors(job)[0].type == "job-deadline"
    assert _count(HarvestLock) == 0


def test_preview_writes_nothing(site, add_source):
    FakeCkan(site, [ckan_package(1), ckan_package(2, title="")])
    source = add_source("vista", "ckan", site.base)
    preview = services.preview_source(source)
    assert preview.counts["added"] == 1 and preview.counts["failed"] == 1
    assert {item.status for item in preview.items} == {"added", "failed"}
    db.session.expire_all()
    assert _count(Dataset) == 0 and _count(HarvestJob) == 0


def test_due_sources_follow_their_cron_schedule(site, add_source):
    FakeCkan(site, [ckan_package(1)])
    hourly = add_source("horaria", "ckan", site.base, schedule="0 * * * *")
    add_source("manual", "ckan", site.base)
    with unit_of_work():
        hourly.created = utcnow() - timedelta(hours=2)
    assert [s.name for s in services.due_sources()] == ["horaria"]
    services.run_source(hourly, trigger="schedule")
    assert services.due_sources() == []
    assert services.next_run(hourly) > utcnow()


def test_bad_source_definitions_are_refused(add_source):
    from portal.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        add_source("Mal Nombre", "ftp", "file:///x", schedule="cada hora", config="{no json")
    assert set(caught.value.fields) == {"name", "type", "url", "schedule", "config"}
    with pytest.raises(ValidationError) as caught:
        add_source("opcion", "ckan", "https://example.org", config={"filas": 10})
    assert "filas" in caught.value.fields["config"][0]


def test_cli_add_list_show_run_preview(site, runner, harvest_app):
    FakeCkan(site, [ckan_package(n) for n in range(1, 4)])
    result = runner.invoke(args=["harvest", "source", "add", "cli", "--type", "ckan",
                                 "--url", site.base, "--entity", "ine", "--schedule", "@hourly",
                                 "--config", '{"rows": 2}'])
    assert result.exit_code == 0, result.output
    assert "cli\tckan\tine\t@hourly\tnever run" in runner.invoke(
        args=["harvest", "source", "list"]).output
    preview = runner.invoke(args=["harvest", "preview", "cli"])
    assert preview.exit_code == 0 and "3 added" in preview.output
    run = runner.invoke(args=["harvest", "run", "cli"])
    assert run.exit_code == 0, run.output
    assert "3 added" in run.output and "done" in run.output
    shown = json.loads(runner.invoke(args=["harvest", "source", "show", "cli"]).output)
    assert shown["datasets"] == 3 and shown["jobs"][0]["counts"]["added"] == 3
    assert runner.invoke(args=["harvest", "run", "--due"]).output.strip() == "No source is due."
    bad = runner.invoke(args=["harvest", "run", "nada"])
    assert bad.exit_code != 0 and "No existe la fuente" in bad.output


def test_due_sources_are_run_through_the_job_queue(site, add_source, harvest_app):
    FakeCkan(site, [ckan_package(1), ckan_package(2)])
    source = add_source("programada", "ckan", site.base, schedule="* * * * *")
    add_source("manual", "ckan", site.base)  # no schedule: never due
    with unit_of_work():
        source.created = utcnow() - timedelta(minutes=5)
    jobs.run_now("harvest.enqueue_due")  # what the schedule's tick asks every minute
    db.session.expire_all()
    job = services.last_job(source)
    assert job.status == "done" and job.trigger == "schedule" and job.added == 2
    # Not due again until the next minute after its run (asked at the run's start: a minute
    # boundary may pass before this line, and an every-minute source is then due again).
    assert services.due_sources(now=job.started) == []
    assert services.next_run(source) > job.started


def test_a_run_whose_worker_died_is_failed_with_the_reason_and_frees_the_source(
        site, add_source, harvest_app):
    """kill -9 of the worker mid-harvest: the queue finds the dead run and the harvest domain
    ends its job row, so the source is not left "running" for the hang limit."""
    import subprocess

    from portal.jobs.models import QueuedJob

    FakeCkan(site, [ckan_package(1)])
    source = add_source("cortada", "ckan", site.base)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    harvest_app.config["PORTAL_JOBS_MODE"] = "background"
    carrier = jobs.backend(harvest_app)
    carrier.mode = "background"
    stuck = services._start_job(source, "manual")  # what the killed worker had started
    with unit_of_work() as session:
        session.add(QueuedJob(name="harvest.run_source", args={"source_id": source.id},
                              lock_key=f"harvest:{source.id}", status="running", attempts=1,
                              owner=f"{socket.gethostname()}:{dead.pid}",
                              started=utcnow(), heartbeat=utcnow()))
    assert len(carrier.recover()) == 1
    db.session.expire_all()
    ended = db.session.get(HarvestJob, stuck.id)
    assert ended.status == "failed" and "stopped while running it" in ended.message
    assert db.session.get(HarvestLock, source.id) is None
    assert services.run_source(source).status == "done"  # the source is free again


class _Broken(Harvester):
    type = "roto"
    defaults = {"fail_in": "init"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.config["fail_in"] == "init":
            raise RuntimeError("backend roto")

    def list_items(self):
        yield RemoteItem("a", title="A")
        yield RemoteItem("b", title="B")

    def to_dataset(self, item):
        if item.remote_id == "a":
            raise KeyError("campo")
        return {"title": "B", "license_id": "CC-BY-4.0"}


@pytest.fixture
def broken_backend():
    registry.register("roto", _Broken)
    yield
    registry.unregister("roto")


def test_a_backend_that_breaks_frees_the_source(add_source, broken_backend):
    source = add_source("rota", "roto", "https://example.org/")
    with pytest.raises(RuntimeError):
        services.run_source(source)
    job = services.last_job(source)
    assert job.status == "failed" and "backend roto" in job.message
    assert _count(HarvestLock) == 0


def test_an_unexpected_item_error_fails_that_item_only(add_source, broken_backend):
    source = add_source("a-medias", "roto", "https://example.org/", config={"fail_in": "item"})
    job = services.run_source(source)
    assert job.counts["failed"] == 1 and job.counts["added"] == 1
    report = services.report_dict(job)
    assert "Error inesperado (KeyError)" in report["items"][0]["message"]
