"""Resource actions: links, multipart uploads, updates and deletes."""

import io

from portal import db
from portal.catalog.models import Resource
from tests.api.conftest import CSV, failed, ok


def _multipart(api, name, fields, *, token, content=CSV, filename="nuevo.csv"):
    return api(name, {**fields, "upload": (io.BytesIO(content), filename)}, token=token,
               content_type="multipart/form-data")


def test_create_a_link(api, world):
    resource = ok(api("resource_create", {"package_id": world.public,
                                          "url": "https://example.org/a.json",
                                          "description": "Datos en JSON"},
                      token=world.tokens["editor"]))
    assert resource["name"] == "a.json" and resource["url_type"] is None
    assert resource["position"] == 2 and resource["package_id"] == world.public_id
    assert ok(api("resource_show", {"id": resource["id"]}))["description"] == "Datos en JSON"


def test_upload_a_file_with_multipart(app, api, world, client):
    resource = ok(_multipart(api, "resource_create", {"package_id": world.public,
                                                      "name": "Nuevo"},
                             token=world.tokens["editor"], filename="Matrícula 2024.csv"))
    assert resource["url_type"] == "upload" and resource["format"] == "CSV"
    assert resource["url"].endswith(f"/resource/{resource['id']}/download/matricula-2024.csv")
    assert resource["size"] == len(CSV)
    with client.get(resource["url"].removeprefix("http://localhost")) as downloaded:
        assert downloaded.status_code == 200 and downloaded.data == CSV


def test_upload_replaces_the_file(api, world):
    replaced = ok(_multipart(api, "resource_patch", {"id": world.upload_id},
                             token=world.tokens["editor"], content=b"a,b\n1,2\n",
                             filename="otro.csv"))
    assert replaced["size"] == 8 and replaced["url"].endswith("/otro.csv")
    assert replaced["name"] == "Casos"  # patch keeps what it does not name


def test_a_url_replaces_the_upload(api, world):
    token = world.tokens["editor"]
    linked = ok(api("resource_patch", {"id": world.upload_id,
                                       "url": "https://example.org/externo.csv"}, token=token))
    assert linked["url_type"] is None and linked["url"] == "https://example.org/externo.csv"
    assert linked["size"] is None and linked["hash"] == ""


def test_update_sending_back_its_own_download_url_keeps_the_file(api, world):
    shown = ok(api("resource_show", {"id": world.upload_id}))
    updated = ok(api("resource_update", {**shown, "description": "Casos por departamento"},
                     token=world.tokens["editor"]))
    assert updated["url_type"] == "upload" and updated["hash"] == shown["hash"]
    assert updated["description"] == "Casos por departamento"


def test_update_replaces_and_schema_may_be_a_json_string(api, world):
    updated = ok(api("resource_update", {
        "id": world.link_id, "url": "https://example.org/censo.csv",
        "schema": '{"fields": [{"name": "año", "type": "integer"}]}',
    }, token=world.tokens["editor"]))
    assert updated["schema"] == {"fields": [{"name": "año", "type": "integer"}]}
    assert updated["name"] == ""  # CKAN's update: left out means default
    failed(api("resource_update", {"id": world.link_id, "schema": "{roto"},
               token=world.tokens["editor"]), 409, "Validation Error")


def test_delete(app, api, world):
    assert ok(api("resource_delete", {"id": world.link_id}, token=world.tokens["editor"])) is None
    with app.app_context():
        assert db.session.get(Resource, world.link_id) is None
    failed(api("resource_show", {"id": world.link_id}), 404, "Not Found Error")


def test_bad_resource_input(app, api, world):
    token = world.tokens["editor"]
    error = failed(api("resource_create", {"package_id": world.public}, token=token), 409,
                   "Validation Error")
    assert "url" in error
    error = failed(api("resource_create", {"package_id": world.public, "url": "x",
                                           "mimetype": 5}, token=token),
                   409, "Validation Error")
    assert "mimetype" in error
    error = failed(api("resource_create", {"package_id": world.public, "upload": "texto"},
                       token=token), 409, "Validation Error")
    assert "multipart" in error["upload"][0]
    error = failed(_multipart(api, "resource_create", {"package_id": world.public},
                              token=token, filename="virus.exe"), 409, "Validation Error")
    assert ".exe" in error["upload"][0]
    failed(api("resource_create", {"package_id": "no-existe", "url": "https://e.org/x"},
               token=token), 404, "Not Found Error")
    with app.app_context():
        assert db.session.query(Resource).count() == 2


def test_file_sent_to_an_action_without_files_is_refused(api, world):
    error = failed(_multipart(api, "package_patch", {"id": world.public},
                              token=world.tokens["editor"]), 400, "Bad request")
    assert "package_patch" in error["message"]


def test_too_large_upload_names_the_limit(app, api, world):
    # The body is built here: the test client would spool a large one to a file it never
    # closes.
    big = b"x" * (3 * 1024 * 1024 + 10)  # the test app allows 2 MB (+1 MB of request)
    body = (f"--frontera\r\nContent-Disposition: form-data; name=\"package_id\"\r\n\r\n"
            f"{world.public}\r\n--frontera\r\nContent-Disposition: form-data; "
            f"name=\"upload\"; filename=\"grande.csv\"\r\n\r\n").encode() \
        + big + b"\r\n--frontera--\r\n"
    error = failed(api("resource_create", body, token=world.tokens["editor"],
                       content_type="multipart/form-data; boundary=frontera"), 409,
                   "Validation Error")
    assert "2 MB" in error["upload"][0]
    with app.app_context():
        assert db.session.query(Resource).count() == 2
