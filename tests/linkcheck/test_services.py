"""The link checker in the app: what is due, what is recorded, the job after a URL changes, the
pages, the API's ``archiver``/``qa``/``freshness`` keys and ``portal linkcheck``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import db, jobs
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Entity
from portal.db import unit_of_work, utcnow
from portal.linkcheck import services
from portal.linkcheck.models import LinkCheck
from tests import factories
from tests.linkcheck.server import serve


@pytest.fixture
def server():
    with serve() as running:
        yield running


@pytest.fixture
def link_app(make_app, tmp_path):
    app = make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
                   PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32",
                   PORTAL_LINKCHECK_TIMEOUT=0.5, PORTAL_LINKCHECK_HOST_DELAY=0.0,
                   PORTAL_LINKCHECK_PER_HOST=4)
    return app


def _dataset(base: str, paths: list[str], name: str = "presupuesto-2024", **fields):
    if db.session.scalar(select(Entity.id).where(Entity.name == "ine")) is None:
        factories.entity("ine")
    dataset = factories.dataset(name, **fields)
    for position, path in enumerate(paths):
        factories.resource(dataset, url=f"{base}{path}", name=f"r{position}", format="CSV")
    return catalog.get_dataset(name)


def _rows() -> dict[str, LinkCheck]:
    return {row.resource_id: row for row in db.session.scalars(select(LinkCheck))}


def test_a_run_records_every_kind_of_outcome_and_skips_uploads(link_app, server):
    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        dataset = _dataset(base, ["/ok/a.csv", "/status/404/b", "/internal/c", "/hang/d"])
        factories.resource(dataset, content=b"a,b\n1,2\n")
        summary = services.run()
        assert summary.checked == 4 and summary.ok == 1
        rows = _rows()
        by_name = {r.name: rows.get(r.id) for r in catalog.get_dataset(dataset.id).resources}
        assert by_name["datos.csv"] is None  # the upload
        ok = by_name["r0"]
        assert (ok.status, ok.http_status, ok.media_type, ok.size) == ("ok", 200, "text/csv", 1234)
        assert ok.last_success is not None and ok.failures == 0
        assert (by_name["r1"].status, by_name["r1"].http_status) == ("broken", 404)
        assert by_name["r2"].status == "forbidden-address"
        assert by_name["r3"].status == "timeout"
        assert by_name["r1"].failures == 1 and by_name["r1"].first_failure is not None
        assert services.run().checked == 0  # nothing is due any more


def test_failures_count_in_a_row_and_a_success_resets_them(link_app, server):
    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        dataset = _dataset(base, ["/status/500/x"])
        resource = dataset.resources[0]
        services.run()
        first = _rows()[resource.id].first_failure
        services.run(resource_ids=[resource.id], force=True)
        row = _rows()[resource.id]
        assert row.failures == 2 and row.first_failure == first
        catalog.update_resource(resource, {"url": f"{base}/ok/x.csv"}, SYSTEM, partial=True)
        assert services.count_due() == 1  # its URL changed
        services.run()
        row = _rows()[resource.id]
        assert (row.status, row.failures, row.first_failure) == ("ok", 0, None)
        assert row.url == f"{base}/ok/x.csv"


def test_a_link_is_due_again_after_the_interval(link_app, server):
    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        _dataset(base, ["/ok/a.csv"])
        services.run()
        assert services.count_due() == 0
        with unit_of_work() as session:
            session.execute(update(LinkCheck).values(checked_at=utcnow() - timedelta(hours=25)))
        assert services.count_due() == 1


def test_a_changed_url_is_checked_through_the_job_queue(make_app, tmp_path, server):
    app = make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "bg"), PORTAL_LINKCHECK_MODE="background",
                   PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32", PORTAL_LINKCHECK_TIMEOUT=0.5,
                   PORTAL_LINKCHECK_HOST_DELAY=0.0)
    base = f"http://127.0.0.1:{server.port}"
    with app.app_context():
        dataset = _dataset(base, ["/ok/a.csv"])  # jobs run at once after the commit in tests
        jobs.join(app)
        resource = dataset.resources[0]
        assert _rows()[resource.id].status == "ok"
        catalog.update_resource(resource, {"url": f"{base}/status/410/a"}, SYSTEM, partial=True)
        jobs.join(app)
        db.session.expire_all()
        assert (_rows()[resource.id].status, _rows()[resource.id].http_status) == ("broken", 410)


def test_the_scheduled_job_does_nothing_when_off(link_app, server):
    with link_app.app_context():
        _dataset(f"http://127.0.0.1:{server.port}", ["/ok/a.csv"])
        jobs.run_now("linkcheck.run_due")
        assert _rows() == {}


def test_pages_flag_broken_links_freshness_and_stars(link_app, server):
    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        dataset = _dataset(base, ["/ok/a.csv", "/status/404/b"], frequency="MONTHLY",
                           modified="2020-01-01")
        services.run()
        with unit_of_work() as session:  # nothing newer than the declared date
            for resource in dataset.resources:
                resource.created = utcnow().replace(year=2020, month=1, day=1)
            session.execute(update(LinkCheck).values(url_since=utcnow().replace(year=2020)))
            session.execute(update(LinkCheck).values(remote_modified=None))
        broken_id = dataset.resources[1].id
        ok_id = dataset.resources[0].id
    client = link_app.test_client()
    page = client.get("/dataset/presupuesto-2024").get_data(as_text=True)
    assert 'data-broken-links="1"' in page and "Enlace roto" in page and "HTTP 404" in page
    assert 'data-freshness="overdue"' in page and "Desactualizado" in page
    assert 'data-stars="3"' in page  # CC-BY, CSV: best resource
    page = client.get(f"/dataset/presupuesto-2024/resource/{broken_id}").get_data(as_text=True)
    assert 'data-link-status="broken"' in page and "falla desde" in page
    assert 'data-stars="0"' in page
    page = client.get(f"/dataset/presupuesto-2024/resource/{ok_id}").get_data(as_text=True)
    assert 'data-link-status="ok"' in page and 'data-missing-star="4"' in page
    report = client.get("/organization/ine/enlaces")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert f'data-resource="{broken_id}"' in html and f'data-resource="{ok_id}"' not in html
    assert 'data-link-counts="2 2 1"' in html
    assert 'data-overdue-counts="1 1"' in html and 'data-overdue="presupuesto-2024"' in html
    assert client.get("/organization/no-existe/enlaces").status_code == 404


def test_api_shows_archiver_qa_and_freshness(link_app, server):
    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        dataset = _dataset(base, ["/ok/a.csv", "/status/500/b"], frequency="ANNUAL")
        services.run()
        ids = [resource.id for resource in dataset.resources]
    client = link_app.test_client()
    shown = client.get(f"/api/3/action/resource_show?id={ids[1]}").get_json()["result"]
    assert shown["archiver"]["is_broken"] is True and shown["archiver"]["status"] == "broken"
    assert shown["archiver"]["http_status"] == 500 and shown["archiver"]["failure_count"] == 1
    assert shown["qa"]["openness_score"] == 0
    package = client.get("/api/3/action/package_show?id=presupuesto-2024").get_json()["result"]
    ok = package["resources"][0]
    assert ok["archiver"]["is_broken"] is False and ok["archiver"]["mimetype"] == "text/csv"
    assert ok["archiver"]["size"] == 1234 and ok["qa"]["openness_score"] == 3
    assert package["archiver"] == {"is_broken": False, "broken_resources": 1,
                                   "checked_resources": 2, "links": 2}
    assert package["qa"]["openness_score"] == 3
    assert package["freshness"]["status"] == "fresh"
    assert package["freshness"]["frequency"] == "ANNUAL"
    found = client.get("/api/3/action/package_search?q=*:*").get_json()["result"]["results"]
    assert found[0]["archiver"]["broken_resources"] == 1


def test_cli_run_and_report(link_app, server):
    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        _dataset(base, ["/ok/a.csv", "/status/404/b"])
    runner = link_app.test_cli_runner()
    result = runner.invoke(args=["linkcheck", "run"])
    assert result.exit_code == 0, result.output
    assert "2 links checked" in result.output and "broken: 1" in result.output
    result = runner.invoke(args=["linkcheck", "report", "ine", "--json"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(line["dataset"], line["status"]) for line in lines] == [
        ("presupuesto-2024", "broken")]
    assert runner.invoke(args=["linkcheck", "report", "nadie"]).exit_code == 1
    result = runner.invoke(args=["linkcheck", "run", "--dataset", "presupuesto-2024"])
    assert "2 links checked" in result.output


def test_entity_counts(link_app, server):
    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        dataset = _dataset(base, ["/ok/a.csv", "/status/404/b", "/ok/never-checked"])
        services.run(resource_ids=[r.id for r in dataset.resources[:2]])
        counts = services.entity_counts()
        assert counts[dataset.entity_id] == {"links": 3, "checked": 2, "broken": 1}


def test_a_row_another_run_inserted_meanwhile_is_updated_not_lost(link_app, server):
    """The scheduled run and a dataset's check may check the same new link at once: the one
    that writes second finds the unique row taken, and writes its batch again over it."""
    from sqlalchemy import event, insert

    from portal.db import new_id
    from portal.linkcheck.checker import Outcome

    base = f"http://127.0.0.1:{server.port}"
    with link_app.app_context():
        resource = _dataset(base, ["/ok/a.csv"]).resources[0]
        url, resource_id = resource.url, resource.id
        session = db.session()
        inserted = []

        @event.listens_for(session, "before_flush")
        def other_run(*_args):
            if not inserted:  # the other run commits its row between our read and our write
                inserted.append(True)
                with link_app.extensions["db_engine"].begin() as connection:
                    connection.execute(insert(LinkCheck).values(
                        id=new_id(), resource_id=resource_id, url=url, status="timeout",
                        message="", final_url="", media_type="", url_since=utcnow(),
                        checked_at=utcnow(), failures=1, first_failure=utcnow()))

        services.record([(resource_id, url, Outcome("ok", 200, media_type="text/csv"))])
        event.remove(session, "before_flush", other_run)
        rows = list(db.session.scalars(select(LinkCheck)))
        assert inserted and len(rows) == 1
        assert (rows[0].status, rows[0].failures, rows[0].media_type) == ("ok", 0, "text/csv")
