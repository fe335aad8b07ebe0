"""Validators, 304s, Cache-Control and Vary on public reads (portal.caching)."""

from __future__ import annotations

import pytest

from portal.auth.permissions import SYSTEM
from portal.catalog import services
from tests import factories
from tests.serving.conftest import login

READS = ("/dataset/censo-2024", "/api/3/action/package_show?id=censo-2024",
         "/dataset/censo-2024.jsonld", "/dataset/censo-2024.ttl", "/catalog.ttl",
         "/catalog.jsonld", "/feeds/datasets.atom", "/")


def _retitle(app, name: str, title: str) -> None:
    with app.app_context():
        services.update_dataset(services.get_dataset(name), {"title": title}, SYSTEM,
                                partial=True)


@pytest.mark.parametrize("path", READS)
def test_anonymous_reads_carry_validators_and_answer_304(catalog, client, path):
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=60"
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.data == first.data


@pytest.mark.parametrize("headers", [
    {"If-None-Match": "garbage, \"unterminated"}, {"If-None-Match": ""},
    {"If-None-Match": "W/"}, {"If-Modified-Since": "yesterday at noon"},
    {"If-Modified-Since": "Thu, 99 Foo 20xx 25:61:61 GMT"}, {"If-Modified-Since": ""},
    {"If-None-Match": "\x00\xff", "If-Modified-Since": "\x00"},
])
@pytest.mark.parametrize("path", READS[:4])
def test_garbage_validators_are_ignored(catalog, client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.data == client.get(path).data


def test_an_old_if_modified_since_gets_the_page(catalog, client):
    response = client.get("/dataset/censo-2024",
                          headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert response.status_code == 200


def test_if_none_match_wins_over_if_modified_since(catalog, client):
    first = client.get("/dataset/censo-2024")
    response = client.get("/dataset/censo-2024", headers={
        "If-None-Match": '"stale"', "If-Modified-Since": first.headers["Last-Modified"]})
    assert response.status_code == 200


def test_pages_vary_on_cookie_and_negotiated_documents_on_accept(catalog, client):
    assert "Cookie" in client.get("/dataset/censo-2024").headers["Vary"]
    assert "Cookie" in client.get("/").headers["Vary"]
    assert "Accept" in client.get("/catalog.ttl").headers["Vary"]
    document = client.get("/dataset/censo-2024.jsonld")
    assert "Accept" in document.headers["Vary"]
    assert "Accept" in client.get("/dataset/censo-2024.jsonld", headers={
        "If-None-Match": document.headers["ETag"]}).headers["Vary"]


def test_the_language_changes_the_entity_tag(catalog, client):
    spanish = client.get("/dataset/censo-2024")
    english = client.get("/dataset/censo-2024?lang=en")
    assert spanish.headers["ETag"] != english.headers["ETag"]
    client.set_cookie("lang", "en")
    assert client.get("/dataset/censo-2024", headers={
        "If-None-Match": spanish.headers["ETag"]}).status_code == 200


def test_a_logged_in_page_is_never_cached(catalog, client, app):
    login(client, app)
    first = client.get("/dataset/censo-2024")
    assert first.status_code == 200
    assert "ETag" not in first.headers
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first.headers["Vary"]
    anonymous = app.test_client().get("/dataset/censo-2024")
    again = client.get("/dataset/censo-2024", headers={"If-None-Match": anonymous.headers["ETag"]})
    assert again.status_code == 200


def test_an_api_read_with_a_token_is_private(catalog, client, app):
    from portal.auth import tokens
    from portal.auth.models import User
    from portal.db import session

    with app.app_context():
        user = session.query(User).filter_by(name="editora").one()
        secret = tokens.create_token(user, user, name="lectura")[1]
    response = client.get("/api/3/action/package_show?id=registro-interno",
                          headers={"Authorization": secret})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response.headers


def test_writes_and_sessions_are_not_shared_cache_material(catalog, client):
    posted = client.post("/api/3/action/package_show", json={"id": "censo-2024"})
    assert posted.status_code == 200
    assert "public" not in posted.headers.get("Cache-Control", "")
    form = client.get("/user/login")
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "private, no-cache"


def test_cache_seconds_zero_lets_no_proxy_keep_anything(catalog, app, client):
    app.config["PORTAL_CACHE_SECONDS"] = 0
    response = client.get("/dataset/censo-2024")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert client.get("/dataset/censo-2024", headers={
        "If-None-Match": response.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", READS)
def test_no_stale_read_after_a_write_on_another_node(catalog, app, other_node, path):
    here, there = app.test_client(), other_node.test_client()
    before = there.get(path)
    assert b"Censo 2024" in before.data
    assert there.get(path).data == before.data  # served from the other node's cache now
    _retitle(app, "censo-2024", "Censo Nacional 2024")
    after = there.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"Censo Nacional 2024" in after.data
    assert here.get(path).headers["ETag"] == after.headers["ETag"]


@pytest.mark.parametrize("path", ("/", "/catalog.ttl", "/feeds/datasets.atom"))
def test_a_purge_on_another_node_changes_the_catalog_pages(catalog, app, other_node, path):
    """A purged dataset leaves no date behind: the catalog's revision still moves on."""
    with app.app_context():
        factories.dataset("efimero", title="Conjunto efímero")
    _retitle(app, "censo-2024", "Censo Nacional 2024")  # the newest change is not the purged one
    there = other_node.test_client()
    before = there.get(path)
    assert "efímero".encode() in before.data
    with app.app_context():
        services.purge_dataset(services.get_dataset("efimero"), SYSTEM)
    after = there.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert "efímero".encode() not in after.data


def test_theme_and_entity_changes_change_the_dataset_tag(catalog, app, client):
    path = "/api/3/action/package_show?id=censo-2024"
    tags = [client.get(path).headers["ETag"]]
    with app.app_context():
        services.update_theme(services.get_theme("economia"), {"title": "Economía y finanzas"},
                              SYSTEM, partial=True)
    tags.append(client.get(path).headers["ETag"])
    assert "Economía y finanzas" in client.get(path).get_data(as_text=True)
    with app.app_context():
        services.update_entity(services.get_entity("ine"), {"title": "INE de Bolivia"},
                               SYSTEM, partial=True)
    tags.append(client.get(path).headers["ETag"])
    assert "INE de Bolivia" in client.get(path).get_data(as_text=True)
    assert len(set(tags)) == 3


def test_a_dataset_made_private_is_not_served_from_its_public_entry(catalog, app, other_node):
    there = other_node.test_client()
    path = "/api/3/action/package_show?id=censo-2024"
    public = there.get(path)
    assert public.status_code == 200
    for page in ("/dataset/censo-2024", "/dataset/censo-2024.jsonld"):
        assert there.get(page).status_code == 200
    with app.app_context():
        services.update_dataset(services.get_dataset("censo-2024"), {"private": True}, SYSTEM,
                                partial=True)
    hidden = there.get(path, headers={"If-None-Match": public.headers["ETag"]})
    assert hidden.status_code == 403
    assert b"Resultados del censo" not in hidden.data
    for page in ("/dataset/censo-2024", "/dataset/censo-2024.jsonld"):
        assert there.get(page).status_code == 404


def test_a_members_private_read_never_reaches_anonymous_viewers(catalog, app, client):
    member = login(app.test_client(), app)
    assert member.get("/dataset/registro-interno").status_code == 200
    assert member.get("/api/3/action/package_show?id=registro-interno").status_code == 200
    assert client.get("/dataset/registro-interno").status_code == 404
    denied = client.get("/api/3/action/package_show?id=registro-interno")
    assert denied.status_code == 403 and b"Registro interno" not in denied.data


def _status_and_headers(client, path: str, **headers) -> tuple[int, dict]:
    with client.get(path, headers=headers) as response:  # closes a file-backed body
        return response.status_code, dict(response.headers)


def test_downloads_and_dumps_answer_304(catalog, client, app):
    with app.app_context():
        resource = services.get_dataset("censo-2024").resources[0]
        path = f"/dataset/censo-2024/resource/{resource.id}/download/casos.csv"
    for url in (path, "/dump/catalog.ttl.gz"):
        status, first = _status_and_headers(client, url)
        assert status == 200 and first["ETag"] and first["Last-Modified"]
        assert _status_and_headers(client, url, **{"If-None-Match": first["ETag"]})[0] == 304
        assert _status_and_headers(client, url, **{
            "If-Modified-Since": first["Last-Modified"]})[0] == 304
        assert _status_and_headers(client, url, **{"If-None-Match": "rubbish"})[0] == 200


def test_search_pages_follow_the_catalog_and_the_index(catalog, app, client):
    from portal.search import get_backend

    path = "/dataset?q=censo"
    first = client.get(path)
    assert first.headers["ETag"] and first.headers["Cache-Control"] == "public, max-age=60"
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    with app.app_context():
        from tests import factories

        factories.dataset("censo-2025", title="Censo agropecuario 2025", keywords=["censo"])
    added = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert added.status_code == 200 and "/dataset/censo-2025" in added.get_data(as_text=True)
    with app.app_context():  # the index alone changes (as when its job catches up)
        get_backend().delete([services.get_dataset("censo-2025").id])
    dropped = client.get(path, headers={"If-None-Match": added.headers["ETag"]})
    assert dropped.status_code == 200
    assert "/dataset/censo-2025" not in dropped.get_data(as_text=True)


def test_a_logged_in_search_page_is_built_for_the_viewer(catalog, app):
    member = login(app.test_client(), app)
    page = member.get("/dataset?q=registro")
    assert "ETag" not in page.headers and "/dataset/registro-interno" in page.get_data(as_text=True)
    anonymous = app.test_client().get("/dataset?q=registro")
    assert "/dataset/registro-interno" not in anonymous.get_data(as_text=True)
