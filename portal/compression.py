"""Compression of HTML, JSON and RDF answers (flask-compress): brotli when the client accepts
it, else gzip, above 500 bytes, honouring ``Accept-Encoding`` and adding it to ``Vary``. Off with
``PORTAL_COMPRESS`` when the reverse proxy compresses. Streamed answers (CSV, sitemaps) and
stored files (downloads, dumps: already gzip or better left alone) are sent as they are.
A compressed answer's entity tag gets the algorithm as a suffix (``"…:gzip"``): the conditional
requests of ``portal.caching`` recognise it."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

ALGORITHMS = ("br", "gzip")
MEDIA_TYPES = (
    "text/html", "text/css", "text/javascript", "application/javascript",
    "application/json", "application/ld+json", "application/geo+json",
    "text/turtle", "application/rdf+xml", "application/n-triples",
    "application/atom+xml", "application/xml", "text/xml",
)


def init_app(app: Flask) -> None:
    if not app.config["PORTAL_COMPRESS"]:
        return
    app.config.setdefault("COMPRESS_MIMETYPES", list(MEDIA_TYPES))
    app.config.setdefault("COMPRESS_ALGORITHM", list(ALGORITHMS))
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    Compress(app)
