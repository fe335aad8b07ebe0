"""Uploads refused by name and by content (whatever the name), data files still accepted, and
stored files sent so that a browser never runs them."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import db
from portal.auth import tokens
from portal.catalog.models import Resource
from tests import factories

CSV = "año,departamento,casos\n2024,La Paz,10\n".encode()


def _pe() -> bytes:
    header = bytearray(b"MZ" + b"\x00" * 0x7E)
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 64


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


@pytest.fixture
def publish(app, client):
    """``publish(filename, content, **fields)``: the API's ``resource_create`` response for an
    upload to a dataset, by its entity's editor."""
    with app.app_context():
        factories.entity("ine")
        factories.dataset("censo")
        editor = factories.user("editora", member_of="ine", role="editor")
        _token, raw = tokens.create_token(editor, editor)

    def _publish(filename: str, content: bytes, **fields):
        return client.post("/api/3/action/resource_create", headers={"Authorization": raw},
                           data={"package_id": "censo", "upload": (io.BytesIO(content), filename),
                                 **fields}, content_type="multipart/form-data")

    return _publish


def _stored(app) -> list[Path]:
    root = Path(app.instance_path) / "storage"
    return [p for p in root.rglob("*") if p.is_file()]


def _resources(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Resource))


def _refused(app, response) -> str:
    body = response.get_json()
    assert response.status_code == 409 and body["success"] is False, body
    assert _resources(app) == 0 and _stored(app) == []
    return body["error"]["upload"][0]


@pytest.mark.parametrize("filename", [
    "pagina.xhtml", "dibujo.svgz", "incluye.shtml", "app.hta", "shell.php5", "evil.php.",
    "evil.php. . .", "EVIL.PHP", "evil.php::$DATA", "web.PHTML", ".htaccess",
    "evil.p-h-p", "evil.\uff50\uff48\uff50",
])
def test_dangerous_names_are_refused(app, publish, filename):
    message = _refused(app, publish(filename, CSV))
    assert message.startswith("No se permiten archivos .") and "por seguridad" in message


@pytest.mark.parametrize(("content", "kind"), [
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "ELF"),
    (_pe(), "Windows PE"),
    (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 32, "Mach-O"),
    (b"\x00asm\x01\x00\x00\x00", "WebAssembly"),
    (b"#!/bin/sh\nrm -rf /\n", "#!"),
])
def test_programs_are_refused_whatever_their_name(app, publish, content, kind):
    message = _refused(app, publish("datos.csv", content))
    assert "programa ejecutable" in message and kind in message


@pytest.mark.parametrize("content", [
    b"<!DOCTYPE html><html><body>hola</body></html>",
    b"\n  <html><script>alert(1)</script></html>",
    b"<script>alert(document.cookie)</script>",
    b"<iframe src=https://example.org></iframe>",
    b"<!-- comentario --><p>hola</p>",
    codecs.BOM_UTF8 + b"<HTML><BODY>hola</BODY></HTML>",
    codecs.BOM_UTF16_LE + "<html><body>hola</body></html>".encode("utf-16-le"),
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
    b"</svg>",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">'
    b"<body/></html>",
    b'<?xml version="1.0"?><datos><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)'
    b"</x:script></datos>",
    b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="a.xsl"?><datos/>',
    b'<?xml version="1.0"?><xsl:stylesheet version="1.0" '
    b'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>',
])
def test_web_pages_and_active_markup_are_refused_whatever_their_name(app, publish, content):
    message = _refused(app, publish("datos.xml", content))
    assert "página web o un documento con código" in message


@pytest.mark.parametrize(("filename", "content"), [
    ("datos.csv", CSV),
    ("datos.csv", b"MZ,valor\n1,2\n"),  # a column called MZ is not a Windows program
    ("notas.csv", b'id,nota\n1,"<script>alert(1)</script> es texto en una celda"\n'),
    ("datos.json", b'{"a": [1, 2], "html": "<html>"}'),
    ("mapa.geojson", b'{"type": "FeatureCollection", "features": []}'),
    ("datos.xml", b'<?xml version="1.0" encoding="UTF-8"?>\n<datos><fila a="1"/></datos>'),
    ("tabla.xml", b'<?xml version="1.0"?><!-- export --><table><row><p>1</p></row></table>'),
    ("datos.xml", b"<datos><onda>1</onda></datos>"),
    ("hoja.xlsx", _xlsx()),
    ("informe.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"),
])
def test_data_files_are_still_accepted_whole(app, client, publish, filename, content):
    response = publish(filename, content)
    assert response.status_code == 200, response.get_json()
    resource = response.get_json()["result"]
    assert [p.read_bytes() for p in _stored(app)] == [content]
    path = "/" + resource["url"].split("://", 1)[1].split("/", 1)[1]
    with client.get(path) as download:
        assert download.status_code == 200 and download.data == content


def test_downloads_are_attachments_that_cannot_run(app, client, publish):
    csv_resource = publish("datos.csv", CSV).get_json()["result"]
    posing = publish("otro.csv", CSV, mimetype="text/html").get_json()["result"]
    for resource, media_type in ((csv_resource, "text/csv"),
                                 (posing, "application/octet-stream")):
        path = "/" + resource["url"].split("://", 1)[1].split("/", 1)[1]
        with client.get(path) as download:
            assert download.status_code == 200
            assert download.mimetype == media_type
            assert download.headers["Content-Disposition"].startswith("attachment")
            assert download.headers["X-Content-Type-Options"] == "nosniff"
            assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
