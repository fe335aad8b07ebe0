"""Whole answers to anonymous public reads kept in front of Flask (portal.response_cache):
answered without crossing the app while their revision holds, never across a write, a
credential, a session, a language or an encoding."""

from __future__ import annotations

import gzip

import pytest

from portal.auth import tokens
from portal.auth.models import User
from portal.auth.permissions import SYSTEM
from portal.catalog import services
from portal.db import session
from portal.response_cache import ResponseCache
from tests.serving.conftest import login

READS = ("/dataset/censo-2024", "/api/3/action/package_show?id=censo-2024",
         "/dataset/censo-2024.jsonld", "/catalog.ttl", "/feeds/datasets.atom", "/",
         "/dataset?q=censo")


@pytest.fixture
def through(catalog):
    """The number of requests that crossed the Flask app, by path."""
    middleware = catalog.wsgi_app
    assert isinstance(middleware, ResponseCache)
    inner = middleware.wsgi_app
    seen: list[str] = []

    def counting(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    middleware.wsgi_app = counting
    return seen


def _retitle(app, title: str) -> None:
    with app.app_context():
        services.update_dataset(services.get_dataset("censo-2024"), {"title": title}, SYSTEM,
                                partial=True)


@pytest.mark.parametrize("path", READS)
def test_a_repeated_anonymous_read_is_answered_in_front_of_the_app(catalog, client, through,
                                                                   path):
    first = client.get(path)
    assert first.status_code == 200 and len(through) == 1
    again = client.get(path)
    assert len(through) == 1  # not through Flask
    assert again.status_code == 200 and again.data == first.data
    assert list(again.headers) == list(first.headers)
    head = client.head(path)
    assert len(through) == 1 and head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == first.headers["ETag"]


def test_a_write_on_another_node_is_seen_by_the_next_request(catalog, other_node, client,
                                                             through):
    path = "/api/3/action/package_show?id=censo-2024"
    assert client.get(path).get_json()["result"]["title"] == "Censo 2024"
    _retitle(other_node, "Censo nacional 2024")
    assert client.get(path).get_json()["result"]["title"] == "Censo nacional 2024"
    assert len(through) == 2  # the entry's revision moved on: built again
    assert client.get(path).get_json()["result"]["title"] == "Censo nacional 2024"
    assert len(through) == 2


def test_conditional_requests_are_answered_from_the_entry(catalog, client, through):
    first = client.get("/dataset/censo-2024.jsonld")
    tagged = client.get("/dataset/censo-2024.jsonld",
                        headers={"If-None-Match": first.headers["ETag"]})
    assert tagged.status_code == 304 and tagged.data == b""
    assert tagged.headers["ETag"] == first.headers["ETag"]
    assert "Content-Length" not in tagged.headers or tagged.headers["Content-Length"] == "0"
    since = client.get("/dataset/censo-2024.jsonld",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    for garbage in ('garbage, "unterminated', "W/", "", '"not-this-one"'):
        answer = client.get("/dataset/censo-2024.jsonld", headers={"If-None-Match": garbage})
        assert answer.status_code == 200 and answer.data == first.data
    older = client.get("/dataset/censo-2024.jsonld",
                       headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status_code == 200
    assert client.get("/dataset/censo-2024.jsonld",
                      headers={"If-Modified-Since": "yesterday"}).status_code == 200
    assert len(through) == 1


def test_credentials_and_sessions_always_cross_the_app(catalog, client, through, app):
    client.get("/dataset/censo-2024")
    with app.app_context():
        user = session.query(User).filter_by(name="editora").one()
        token = tokens.create_token(user, user, name="lectura")[1]
    for headers in ({"Authorization": token}, {"X-CKAN-API-Key": token}):
        shown = client.get("/api/3/action/package_show?id=registro-interno", headers=headers)
        assert shown.status_code == 200
        client.get("/dataset/censo-2024", headers=headers)
    assert through.count("/dataset/censo-2024") == 3
    login(client, app)
    page = client.get("/dataset/registro-interno")
    assert page.status_code == 200
    assert client.get("/dataset/censo-2024").status_code == 200
    assert through.count("/dataset/censo-2024") == 4  # a session cookie: through Flask
    anonymous = app.test_client()
    assert anonymous.get("/dataset/registro-interno").status_code == 404
    assert anonymous.get("/api/3/action/package_show?id=registro-interno").status_code == 403


def test_languages_and_encodings_are_kept_apart(catalog, client, through):
    spanish = client.get("/dataset/censo-2024")
    english = client.get("/dataset/censo-2024", headers={"Accept-Language": "en"})
    assert 'lang="es"' in spanish.get_data(as_text=True)
    assert 'lang="en"' in english.get_data(as_text=True)
    client.set_cookie("lang", "en")
    by_cookie = client.get("/dataset/censo-2024")
    assert 'lang="en"' in by_cookie.get_data(as_text=True)
    client.delete_cookie("lang")
    packed = client.get("/dataset/censo-2024", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == spanish.data
    assert len(through) == 4
    # each again: from its own entry
    assert client.get("/dataset/censo-2024").data == spanish.data
    assert client.get("/dataset/censo-2024", headers={"Accept-Language": "en"}).data == \
        english.data
    assert client.get("/dataset/censo-2024", headers={"Accept-Encoding": "gzip"}).data == \
        packed.data
    assert len(through) == 4
    client.set_cookie("other", "x")  # an unknown cookie: through the app, as a session would
    client.get("/dataset/censo-2024")
    assert len(through) == 5


def test_writes_and_errors_are_never_kept(catalog, client, through):
    assert client.get("/dataset/no-existe").status_code == 404
    assert client.get("/dataset/no-existe").status_code == 404
    assert len(through) == 2
    client.post("/api/3/action/package_show", json={"id": "censo-2024"})
    client.post("/api/3/action/package_show", json={"id": "censo-2024"})
    assert len(through) == 4


def test_off_with_no_entries(make_app):
    app = make_app(PORTAL_RESPONSE_CACHE_ENTRIES=0)
    assert not isinstance(app.wsgi_app, ResponseCache)


def test_a_client_that_only_revalidates_fills_the_entry(catalog, app, through):
    """A harvester polling a feed sends its validators every time: the process that never
    answered it a 200 still keeps the answer, and the next polls are answered in front."""
    tag = app.test_client().get("/feeds/datasets.atom").headers["ETag"]
    fresh = catalog.test_client()
    catalog.wsgi_app.entries = type(catalog.wsgi_app.entries)(10)  # another process: empty
    through.clear()
    for _ in range(3):
        answer = fresh.get("/feeds/datasets.atom", headers={"If-None-Match": tag})
        assert answer.status_code == 304 and answer.data == b""
    assert through == ["/feeds/datasets.atom", "/feeds/datasets.atom"]  # the 304, the fill
    with fresh.get("/static/img/favicon.svg") as static:
        tag = static.headers["ETag"]
    with fresh.get("/static/img/favicon.svg", headers={"If-None-Match": tag}) as again:
        assert again.status_code == 304  # other conditional answers are Flask's, as they were
