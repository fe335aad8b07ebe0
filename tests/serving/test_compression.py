"""Compression of HTML, JSON and RDF answers, negotiated on Accept-Encoding (portal.compression)."""

from __future__ import annotations

import gzip

import brotli
import pytest

from portal import create_app

BIG = ("/dataset/censo-2024", "/api/3/action/package_show?id=censo-2024",
       "/dataset/censo-2024.ttl", "/catalog.jsonld")


@pytest.mark.parametrize("path", BIG)
def test_gzip_and_brotli_when_accepted(catalog, client, path):
    plain = client.get(path)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data)
    brotlied = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert brotlied.headers["Content-Encoding"] == "br"
    assert brotli.decompress(brotlied.data) == plain.data
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain.data


def test_a_compressed_answers_tag_still_gives_304(catalog, client):
    zipped = client.get("/dataset/censo-2024.jsonld", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["ETag"].endswith(':gzip"')
    again = client.get("/dataset/censo-2024.jsonld", headers={
        "Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304


def test_small_answers_and_stored_files_are_left_alone(catalog, client):
    small = client.get("/api/3", headers={"Accept-Encoding": "gzip"})
    assert len(small.data) < 500 and "Content-Encoding" not in small.headers
    with client.get("/dump/catalog.ttl.gz", headers={"Accept-Encoding": "gzip"}) as dump:
        assert "Content-Encoding" not in dump.headers


def test_off_when_the_proxy_compresses(catalog, migrated, tmp_path):
    app = create_app({"PORTAL_DATABASE_URL": migrated, "PORTAL_SECRET_KEY": "test",
                      "PORTAL_INSTANCE_PATH": str(tmp_path / "plain"), "TESTING": True,
                      "PORTAL_COMPRESS": False})
    try:
        response = app.test_client().get("/dataset/censo-2024",
                                         headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200 and "Content-Encoding" not in response.headers
    finally:
        app.extensions["db_engine"].dispose()
