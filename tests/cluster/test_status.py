"""``status_show`` reports the database, the job queue, the search index and the storage, each
with ok and detail, next to CKAN's fields; a part that is down makes ``ok`` false, never a 500."""

from __future__ import annotations

import pytest

from tests.storage.conftest import s3_client, s3_settings

PARTS = {"database", "queue", "search", "storage"}


def _status(app) -> dict:
    response = app.test_client().get("/api/3/action/status_show")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["success"] is True
    return body["result"]


def test_every_part_up(make_app):
    app = make_app("a")
    status = _status(app)
    assert status["ckan_version"] == "2.10.0" and status["api_version"] == 3
    assert {"site_url", "site_title", "extensions", "locale_default"} <= set(status)
    health = status["health"]
    assert set(health) == PARTS | {"ok"}
    assert health["ok"] is True, health
    with app.app_context():
        from portal import db

        dialect = db.engine().dialect.name
    assert health["database"]["detail"].startswith(dialect)
    assert health["queue"]["backend"] == app.config.get("PORTAL_JOBS_BACKEND", "inprocess")
    assert {"queued", "running", "failed_recent"} <= set(health["queue"])
    assert health["search"]["detail"].startswith("whoosh index, 0 datasets")
    assert health["storage"]["detail"].startswith(f"local folder {app.instance_path}")


@pytest.mark.parametrize("part", ["storage", "search"])
def test_a_part_down_is_reported_not_raised(make_app, tmp_path, part):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    if part == "search":
        app = make_app("a", PORTAL_SEARCH_INDEX=str(blocker))
    else:
        app = make_app("a")
        folder = tmp_path / "a" / "storage"
        if folder.is_dir():
            folder.rmdir()
        folder.write_text("a file where the storage folder should be")
    health = _status(app)["health"]
    assert health["ok"] is False
    assert health[part]["ok"] is False and health[part]["detail"]
    assert all(health[other]["ok"] for other in PARTS - {part}), health


def test_a_database_that_is_down(make_app, tmp_path):
    app = make_app("a", PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'portal.db'}")
    health = _status(app)["health"]
    assert health["ok"] is False
    assert health["database"]["ok"] is False
    assert "OperationalError" in health["database"]["detail"]
    assert health["storage"]["ok"] is True


def test_a_bucket_gone_after_start_names_the_setting(make_app, s3_endpoint, bucket):
    app = make_app("a", **s3_settings(s3_endpoint, bucket))
    assert _status(app)["health"]["storage"]["detail"].startswith(f"s3://{bucket}/portal/")
    s3_client(s3_endpoint).delete_bucket(Bucket=bucket)
    storage = _status(app)["health"]["storage"]
    assert storage["ok"] is False
    assert "PORTAL_S3_BUCKET: the bucket does not exist" in storage["detail"]
