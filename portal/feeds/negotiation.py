"""Content negotiation on ``Accept`` for the RDF documents: header in, answer out."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

#: Media types we serve, with the extension of the matching document.
RDF_MEDIA_TYPES: dict[str, str] = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/rdf+xml": "rdf",
    "application/ld+json": "jsonld",
}
MEDIA_TYPE_OF = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "xml": "application/rdf+xml",
                 "jsonld": "application/ld+json"}
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _accept(header: str) -> MIMEAccept:
    return parse_accept_header(header or "", MIMEAccept)


def rdf_format_from_accept(accept_header: str) -> str | None:
    """"ttl", "rdf" or "jsonld" when the client prefers RDF; None when it prefers HTML, accepts
    anything (``*/*``, browsers, no header), or asks for nothing we have in RDF."""
    if not accept_header:
        return None
    best = _accept(accept_header).best_match([*HTML_TYPES, *RDF_MEDIA_TYPES])
    return RDF_MEDIA_TYPES.get(best or "")


def catalog_format_from_accept(accept_header: str) -> str | None:
    """For ``/catalog``: an RDF extension, "html", or None when nothing offered is acceptable.

    The catalog is linked data first: no header or ``*/*`` gives Turtle.
    """
    if not accept_header:
        return "ttl"
    best = _accept(accept_header).best_match([*RDF_MEDIA_TYPES, *HTML_TYPES])
    if best in HTML_TYPES:
        return "html"
    return RDF_MEDIA_TYPES.get(best or "")
