"""Which RDF format an Accept header asks for."""

import pytest

from portal.feeds.negotiation import catalog_format_from_accept, rdf_format_from_accept

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(("accept", "expected"), [
    ("", None),
    ("*/*", None),
    (BROWSER, None),
    ("text/turtle", "ttl"),
    ("application/x-turtle", "ttl"),
    ("application/rdf+xml", "rdf"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.5", "rdf"),
    ("text/turtle, text/html;q=0.9", "ttl"),
    ("text/html, text/turtle;q=0.9", None),
    ("application/pdf", None),
])
def test_rdf_format_from_accept(accept, expected):
    assert rdf_format_from_accept(accept) == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("", "ttl"), ("*/*", "ttl"), (BROWSER, "html"), ("application/ld+json", "jsonld"),
    ("application/pdf", None),
])
def test_catalog_format_from_accept(accept, expected):
    assert catalog_format_from_accept(accept) == expected
