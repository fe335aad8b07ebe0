"""Uploads and dumps through both storage backends, over HTTP, as two web nodes see them: what one
node stores, the other serves; a refused upload leaves nothing behind; validation reads the file
wherever it is stored."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
import requests
from werkzeug.test import EnvironBuilder

from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from tests import factories
from tests.storage.conftest import s3_client

CSV = "año,departamento,casos\n2024,La Paz,10\n2024,Oruro,3\n".encode()


def _world(app) -> str:
    """An entity, a public dataset and a sysadmin; returns the sysadmin's API token."""
    with app.app_context():
        factories.entity("ine")
        factories.dataset("censo", title="Censo")
        factories.user("root", sysadmin=True)
        return tokens.create_token(get_user("root"), SYSTEM, name="t")[1]


def _upload(app, token, content=CSV, filename="Casos por año.csv", **fields):
    # The test client spools a large body to a temporary file: built here so it gets closed.
    builder = EnvironBuilder(
        path="/api/3/action/resource_create", method="POST", headers={"Authorization": token},
        data={"package_id": "censo", "name": "Casos", **fields,
              "upload": (io.BytesIO(content), filename)})
    environ = builder.get_environ()
    try:
        return app.test_client().open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()


def _download(app, url_path: str) -> tuple[bytes, dict[str, str]]:
    """The bytes and headers a browser ends with: following a redirect to the object store."""
    with app.test_client().get(url_path) as response:
        if response.status_code == 302:
            assert response.headers["Cache-Control"] == "private, no-store"
            fetched = requests.get(response.headers["Location"], timeout=10)
            assert fetched.status_code == 200
            return fetched.content, {k.lower(): v for k, v in fetched.headers.items()}
        assert response.status_code == 200, response.status_code
        return response.data, {k.lower(): v for k, v in response.headers.items()}


def test_an_upload_on_one_node_downloads_from_the_other(make_app, backend_settings):
    node_a = make_app("a", **backend_settings)
    node_b = make_app("b", **backend_settings)
    token = _world(node_a)
    created = _upload(node_a, token)
    assert created.status_code == 200, created.get_json()
    resource = created.get_json()["result"]
    assert resource["size"] == len(CSV)
    path = resource["url"].split("://", 1)[1].split("/", 1)[1]
    body, headers = _download(node_b, "/" + path)
    assert body == CSV
    assert headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"].startswith("attachment;")
    assert "casos-por-ano.csv" in headers["content-disposition"]


def test_s3_objects_live_under_the_prefix(make_app, s3_endpoint, bucket):
    from tests.storage.conftest import s3_settings

    app = make_app("a", **s3_settings(s3_endpoint, bucket))
    token = _world(app)
    resource = _upload(app, token).get_json()["result"]
    listed = s3_client(s3_endpoint).list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [
        (f"portal/resources/{resource['id']}/casos-por-ano.csv", len(CSV))]
    head = s3_client(s3_endpoint).head_object(Bucket=bucket, Key=listed[0]["Key"])
    assert head["ContentType"] == "text/csv"


@pytest.mark.parametrize("content, filename, problem", [
    (b"x" * (1024 * 1024 + 1), "grande.csv", "supera el tamaño máximo"),
    (b"", "vacio.csv", "vacío"),
    (b"MZ\x90\x00", "programa.exe", ".exe"),
])
def test_a_refused_upload_leaves_nothing_stored(make_app, backend_settings, s3_endpoint,
                                                content, filename, problem):
    app = make_app("a", **backend_settings)
    token = _world(app)
    refused = _upload(app, token, content=content, filename=filename)
    assert refused.status_code == 409
    assert refused.get_json()["success"] is False
    assert problem in json.dumps(refused.get_json(), ensure_ascii=False)
    if backend_settings["PORTAL_STORAGE"] == "s3":
        listed = s3_client(s3_endpoint).list_objects_v2(Bucket=backend_settings["PORTAL_S3_BUCKET"])
        assert listed["KeyCount"] == 0
    root = Path(app.instance_path)
    leftovers = [p for p in root.rglob("*")
                 if p.is_file() and p.relative_to(root).parts[0] in {"storage", "tmp"}]
    assert leftovers == []


def test_a_deleted_resource_takes_its_file_with_it(make_app, backend_settings):
    app = make_app("a", **backend_settings)
    token = _world(app)
    resource = _upload(app, token).get_json()["result"]
    with app.app_context():
        from portal.storage import storage

        key = f"resources/{resource['id']}/casos-por-ano.csv"
        assert storage().exists(key)
        deleted = app.test_client().post("/api/3/action/resource_delete",
                                         headers={"Authorization": token},
                                         json={"id": resource["id"]})
        assert deleted.status_code == 200
        assert not storage().exists(key) and storage().stat(key) is None
        with pytest.raises(FileNotFoundError):
            storage().open(key)


def test_validation_reads_the_stored_file(make_app, backend_settings):
    app = make_app("a", PORTAL_VALIDATION_MODE="sync", **backend_settings)
    token = _world(app)
    bad = CSV + "2024,Potosí,muchos\n".encode()
    schema = json.dumps({"fields": [{"name": "año", "type": "integer"},
                                    {"name": "departamento", "type": "string"},
                                    {"name": "casos", "type": "integer"}]})
    resource = _upload(app, token, content=bad, schema=schema).get_json()["result"]
    shown = app.test_client().get("/api/3/action/resource_validation_show",
                                  query_string={"id": resource["id"]}).get_json()
    report = shown["result"]
    assert report["status"] == "failure", report
    assert json.dumps(report).count("type-error") >= 1


def test_dumps_are_stored_and_served_by_every_node(make_app, backend_settings):
    node_a = make_app("a", **backend_settings)
    node_b = make_app("b", **backend_settings)
    _world(node_a)
    body, headers = _download(node_a, "/dump/catalog.jsonl.gz")
    assert headers["content-type"] == "application/gzip"
    assert "catalog.jsonl.gz" in headers["content-disposition"]
    names = [json.loads(line)["name"] for line in gzip.decompress(body).splitlines()]
    assert names == ["censo"]
    with node_a.app_context():
        from portal.storage import storage

        assert storage().exists("dumps/catalog.jsonl.gz")
    with node_b.app_context():
        from portal.storage import storage

        assert storage().stat("dumps/catalog.jsonl.gz").size == len(body)


def test_local_files_can_be_handed_to_nginx(make_app, tmp_path):
    app = make_app("a", PORTAL_STORAGE_ACCEL_PREFIX="/_storage/")
    token = _world(app)
    resource = _upload(app, token).get_json()["result"]
    key = f"resources/{resource['id']}/casos-por-ano.csv"
    # nginx runs as another user: the stored file must be readable by it.
    assert (Path(app.instance_path) / "storage" / key).stat().st_mode & 0o777 == 0o644
    path = "/" + resource["url"].split("://", 1)[1].split("/", 1)[1]
    with app.test_client().get(path) as response:
        assert response.status_code == 200
        assert response.data == b""  # nginx sends the bytes
        assert response.headers["X-Accel-Redirect"] == f"/_storage/{key}"
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith(
            'attachment; filename="casos-por-ano.csv"')
