"""The entity admins' pages (sources, job history, full report, CSV) and the API actions."""

from __future__ import annotations

import csv
import io

import pytest

from portal.harvest import services
from tests import factories
from tests.harvest.servers import FakeCkan, ckan_package


@pytest.fixture
def harvested(site, add_source, harvest_app):
    FakeCkan(site, [ckan_package(1), ckan_package(2, title=""), ckan_package(3)])
    source = add_source("ine-ckan", "ckan", site.base, title="CKAN del INE")
    job = services.run_source(source)
    factories.user("jefa", member_of="ine", role="admin")
    factories.user("ajena", member_of="mefp", role="admin")
    return source, job


def _login(client, name: str):
    response = client.post("/user/login", data={"username": name, "password": "secreto-123"})
    assert response.status_code == 302
    return client


def test_admin_sees_sources_history_and_full_report(client, harvested):
    _source, job = harvested
    _login(client, "jefa")
    listing = client.get("/harvest/").get_data(as_text=True)
    assert "CKAN del INE" in listing
    history = client.get("/harvest/ine-ckan").get_data(as_text=True)
    assert f"/harvest/job/{job.id}" in history
    report = client.get(f"/harvest/job/{job.id}").get_data(as_text=True)
    assert "Conjunto sintético 1" in report and "no tiene título" in report
    failed_only = client.get(f"/harvest/job/{job.id}?status=failed").get_data(as_text=True)
    assert "Conjunto sintético 3" not in failed_only and "no tiene título" in failed_only


def test_report_downloads_as_csv(client, harvested):
    _source, job = harvested
    _login(client, "jefa")
    response = client.get(f"/harvest/job/{job.id}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["status"] for r in rows] == ["added", "failed", "added"]
    assert "no tiene título" in rows[1]["message"]


def test_other_entities_and_anonymous_users_are_kept_out(client, harvested):
    _source, job = harvested
    assert client.get("/harvest/").status_code == 302  # to the login page
    _login(client, "ajena")
    assert client.get("/harvest/ine-ckan").status_code == 403
    assert client.get(f"/harvest/job/{job.id}.csv").status_code == 403
    assert "CKAN del INE" not in client.get("/harvest/").get_data(as_text=True)


def test_api_actions(client, harvested):
    _source, job = harvested
    _login(client, "jefa")

    def call(name, **params):
        body = client.get(f"/api/3/action/{name}", query_string=params).get_json()
        assert body["success"], body
        return body["result"]

    sources = call("harvest_source_list")
    assert [s["name"] for s in sources] == ["ine-ckan"]
    assert sources[0]["last_job"]["counts"]["added"] == 2
    assert call("harvest_source_show", id="ine-ckan")["type"] == "ckan"
    jobs = call("harvest_job_list", id="ine-ckan")
    assert [j["id"] for j in jobs] == [job.id]
    assert call("harvest_job_show", id=job.id)["status"] == "errors"
    report = call("harvest_job_report", id=job.id)
    assert len(report["items"]) == 3 and report["counts"]["failed"] == 1


def test_api_hides_other_entities_sources(client, harvested):
    _source, job = harvested
    _login(client, "ajena")
    assert client.get("/api/3/action/harvest_source_list").get_json()["result"] == []
    body = client.get("/api/3/action/harvest_job_report", query_string={"id": job.id})
    assert body.status_code == 404 and body.get_json()["success"] is False
