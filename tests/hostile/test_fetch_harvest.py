"""Harvests against the hostile server: a dripping source is cut at the download limit and at
the job's hang limit, mid-chunk; a package whose profile points inside is never followed there."""

from __future__ import annotations

import json
import time

from portal.harvest import services
from tests.harvest.conftest import add_source, harvest_app  # noqa: F401 - fixtures

SECONDS = 2


def _run(harvest_app, add_source, hostile, kind, url, **config):  # noqa: F811
    harvest_app.config.update({"PORTAL_HARVEST_ALLOWED_NETWORKS": hostile.ALLOWED, **config})
    started = time.monotonic()
    job = services.run_source(add_source("hostil", kind, url))
    return job, time.monotonic() - started


def test_a_dripping_catalog_is_cut_at_the_download_limit(harvest_app, add_source, hostile):  # noqa: F811
    job, took = _run(harvest_app, add_source, hostile, "dcat",
                     hostile.url("/drip", size=100_000, interval=0.5),
                     PORTAL_HARVEST_DOWNLOAD_SECONDS=SECONDS, PORTAL_HARVEST_TIMEOUT=5.0)
    assert took < SECONDS + 1
    assert job.status == "failed"
    assert services.job_errors(job)[0].type == "timeout"


def test_a_dripping_catalog_is_cut_at_the_job_hang_limit(harvest_app, add_source, hostile):  # noqa: F811
    job, took = _run(harvest_app, add_source, hostile, "dcat",
                     hostile.url("/drip", size=100_000, interval=0.5),
                     PORTAL_HARVEST_DOWNLOAD_SECONDS=300.0, PORTAL_HARVEST_TIMEOUT=5.0,
                     PORTAL_HARVEST_HANG_SECONDS=SECONDS)
    assert took < SECONDS + 1
    assert job.status == "timed_out", [(e.type, e.message) for e in services.job_errors(job)]
    assert services.job_errors(job)[0].type == "job-deadline"


def test_a_package_profile_pointing_inside_is_never_fetched(harvest_app, add_source, hostile):  # noqa: F811
    hostile.add("/t.csv", b"id,nombre\n1,La Paz\n", "text/csv")
    hostile.add("/datapackage.json", json.dumps({
        "name": "hostil", "title": "Paquete hostil", "licenses": [{"name": "CC-BY-4.0"}],
        "profile": hostile.internal_url("/profile.json").replace("http", "HTTP"),
        "resources": [{"name": "t", "path": "t.csv", "format": "csv"}]}).encode())
    job, _took = _run(harvest_app, add_source, hostile, "datapackage",
                      hostile.url("/datapackage.json"))
    assert hostile.internal_hits == []
    messages = [item.message for item in services.job_items(job)]
    assert any("privada" in message for message in messages), messages
