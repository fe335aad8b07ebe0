"""Purging a dataset over HTTP, through both storage backends: every file it stored goes (its
resources' uploads, its versions' copies), only once the purge has committed, even when some
are already missing; a purge that rolls back keeps them all, and a file another row still
references is kept."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import update
from werkzeug.test import EnvironBuilder

from portal import db
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from portal.catalog.models import Resource
from portal.storage import LocalStorage, storage
from tests import factories
from tests.storage.conftest import s3_client

FIRST = b"departamento,casos\nLa Paz,10\nOruro,3\n"
SECOND = b"departamento,casos\nLa Paz,12\nOruro,3\nPotosi,1\n"


def _world(app) -> str:
    """Two datasets of one entity and a sysadmin; returns the sysadmin's API token."""
    with app.app_context():
        factories.entity("ine")
        factories.dataset("censo", title="Censo")
        factories.dataset("otro", title="Otro conjunto")
        factories.user("root", sysadmin=True)
        return tokens.create_token(get_user("root"), SYSTEM, name="t")[1]


def _call(app, token: str, action: str, data: dict, upload: tuple[bytes, str] | None = None):
    if upload is None:
        return app.test_client().post(f"/api/3/action/{action}", json=data,
                                      headers={"Authorization": token})
    builder = EnvironBuilder(path=f"/api/3/action/{action}", method="POST",
                             headers={"Authorization": token},
                             data={**data, "upload": (io.BytesIO(upload[0]), upload[1])})
    environ = builder.get_environ()
    try:
        return app.test_client().open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()


def _ok(response):
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def _stored(app) -> set[str]:
    """Every key the backend holds, listed from the folder or the bucket themselves."""
    backend = app.extensions["storage"]
    if isinstance(backend, LocalStorage):
        root = backend.root
        return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    listed = s3_client(backend.client.meta.endpoint_url).list_objects_v2(Bucket=backend.bucket)
    return {item["Key"][len(backend.prefix):] for item in listed.get("Contents", [])}


@pytest.fixture
def versioned(make_app, backend_settings):
    """censo with an upload kept as version 1.0, then replaced by a file of another name and
    kept as 2.0; otro with an upload of its own."""
    app = make_app("a", **backend_settings)
    token = _world(app)
    resource = _ok(_call(app, token, "resource_create", {"package_id": "censo", "name": "Casos"},
                         (FIRST, "casos-2024.csv")))
    _ok(_call(app, token, "dataset_version_create", {"id": "censo", "version": "1.0"}))
    _ok(_call(app, token, "resource_patch", {"id": resource["id"]}, (SECOND, "casos-2025.csv")))
    _ok(_call(app, token, "dataset_version_create", {"id": "censo", "version": "2.0"}))
    other = _ok(_call(app, token, "resource_create", {"package_id": "otro", "name": "Otro"},
                      (FIRST, "otro.csv")))
    versions = _ok(app.test_client().get("/api/3/action/dataset_version_list?id=censo"))
    keys = _stored(app)
    current = f"resources/{resource['id']}/casos-2025.csv"
    kept = f"resources/{other['id']}/otro.csv"
    copies = keys - {current, kept}
    # The first file went when it was replaced; each version holds a copy of its own.
    assert {current, kept} <= keys and len(copies) == 2
    assert all(key.startswith("versions/") and key.endswith(f"/{resource['id']}/casos-{year}.csv")
               for key, year in zip(sorted(copies, key=lambda k: "casos-2025" in k),
                                    ("2024", "2025"), strict=True))
    return app, token, {"current": current, "kept": kept, "copies": copies,
                        "versions": versions, "other_id": other["id"]}


def _download(app, url: str) -> bytes:
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    with app.test_client().get(path) as response:
        if response.status_code == 302:
            import requests

            return requests.get(response.headers["Location"], timeout=10).content
        assert response.status_code == 200, response.status_code
        return response.data


def test_purge_deletes_every_file_the_dataset_stored(versioned):
    app, token, files = versioned
    with app.app_context():
        # A file already gone (removed by hand, or by an earlier purge that failed half way)
        # does not stop the purge.
        storage().delete(sorted(files["copies"])[0])
    _ok(_call(app, token, "dataset_purge", {"id": "censo"}))
    assert _stored(app) == {files["kept"]}
    backend = app.extensions["storage"]
    if isinstance(backend, LocalStorage):  # no empty folder of the purged dataset is left
        folders = {p.relative_to(backend.root).as_posix() for p in backend.root.rglob("*")
                   if p.is_dir()}
        assert folders <= {"resources", "versions", f"resources/{files['other_id']}"}
    other = _ok(app.test_client().get(f"/api/3/action/resource_show?id={files['other_id']}"))
    assert _download(app, other["url"]) == FIRST


def test_a_purge_that_rolls_back_keeps_every_file(versioned, monkeypatch):
    app, token, files = versioned
    before = _stored(app)
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from portal.audit import services as audit

    record = audit.record
    purging = []

    def recorded(*args, **kwargs):
        purging.append(kwargs.get("target"))
        return record(*args, **kwargs)

    def refuse(_session):
        if purging:
            raise RuntimeError("the database refused the commit")

    # The purge runs to its end (rows deleted and flushed, audit written); its commit fails.
    monkeypatch.setattr(audit, "record", recorded)
    event.listen(Session, "before_commit", refuse)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        failed = _call(app, token, "dataset_purge", {"id": "censo"})
    finally:
        event.remove(Session, "before_commit", refuse)
    assert purging == ["censo"]
    assert failed.status_code == 500
    assert _stored(app) == before
    shown = _ok(app.test_client().get("/api/3/action/package_show?id=censo"))
    assert _download(app, shown["resources"][0]["url"]) == SECOND
    for version in files["versions"]:
        [resource] = version["resources"]
        assert _download(app, resource["download_url"]) in (FIRST, SECOND)
    # The same purge, once it can commit, deletes them.
    _ok(_call(app, token, "dataset_purge", {"id": "censo"}))
    assert _stored(app) == {files["kept"]}


def test_a_file_another_row_still_references_is_kept(versioned):
    app, token, files = versioned
    shared = sorted(files["copies"])[0]
    with app.app_context():
        # No writer of the portal shares a key today (each key names its resource or version);
        # were a row of another dataset to hold one, its file must survive the purge.
        db.session.execute(update(Resource).where(Resource.id == files["other_id"])
                           .values(storage_key=shared))
        db.session.commit()
    _ok(_call(app, token, "dataset_purge", {"id": "censo"}))
    assert _stored(app) == {files["kept"], shared}


def test_purge_from_the_trash_page_deletes_the_files_too(versioned, login_as):
    app, token, files = versioned
    _ok(_call(app, token, "package_delete", {"id": "censo"}))
    page = login_as(app, "root")
    assert page.post("/dataset/censo/purge").status_code in (302, 303)
    assert _stored(app) == {files["kept"]}


@pytest.fixture
def login_as():
    """``login_as(app, name)``: a client with that user's session, as the login page opens it."""

    def login(app, name: str):
        with app.app_context():
            user_id = get_user(name).get_id()  # the id and its password fingerprint
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        return client

    return login


def test_local_delete_keeps_the_top_folders(tmp_path: Path):
    backend = LocalStorage(tmp_path, 1024, set())
    (tmp_path / "versions" / "v1" / "r1").mkdir(parents=True)
    (tmp_path / "versions" / "v1" / "r1" / "a.csv").write_bytes(b"a")
    (tmp_path / "versions" / "v2").mkdir()
    backend.delete("versions/v1/r1/a.csv")
    backend.delete("versions/v1/r1/a.csv")  # already gone: no error
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "versions", "versions/v2"]
