"""Safe RDF parsing: no entity expansion, no external entities, no remote JSON-LD contexts
fetched behind the fetcher's back, clear messages for invalid RDF."""

from __future__ import annotations

import json

import pytest

from portal.harvest.rdf import RdfError, parse_rdf

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="http://example.org/d"><dct:title>&lol9;</dct:title></rdf:Description>
</rdf:RDF>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="http://example.org/d"><dct:title>&xxe;</dct:title></rdf:Description>
</rdf:RDF>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_are_refused(document):
    with pytest.raises(RdfError) as caught:
        parse_rdf(document, media_type="application/rdf+xml", url="http://x/catalog.rdf")
    assert caught.value.type == "unsafe-xml"
    assert "entidades" in caught.value.message


@pytest.mark.parametrize(("content", "media_type", "name"), [
    (b"@prefix dct: <http://purl.org/dc/terms/> . <http://a> dct:title ", "text/turtle",
     "Turtle"),
    (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Descr",
     "application/rdf+xml", "RDF/XML"),
    (b"<http://a> <http://b> .", "application/n-triples", "N-Triples"),
    (b'{"@id": "http://a", ', "application/ld+json", "JSON-LD"),
])
def test_invalid_rdf_names_the_format(content, media_type, name):
    with pytest.raises(RdfError) as caught:
        parse_rdf(content, media_type=media_type, url="http://x/c")
    assert caught.value.type == "invalid-rdf"
    assert name in caught.value.message or "JSON-LD" in caught.value.message


def test_remote_jsonld_context_goes_through_the_given_fetcher():
    asked = []

    def fetch_json(url):
        asked.append(url)
        return {"@context": {"title": "http://purl.org/dc/terms/title"}}

    document = json.dumps({"@context": "https://contexts.example.org/dcat.jsonld",
                           "@id": "http://example.org/d", "title": "Hola"}).encode()
    graph = parse_rdf(document, media_type="application/ld+json", url="http://x/c.jsonld",
                      fetch_json=fetch_json)
    assert asked == ["https://contexts.example.org/dcat.jsonld"]
    assert len(graph) == 1
    with pytest.raises(RdfError) as caught:
        parse_rdf(document, media_type="application/ld+json", url="http://x/c.jsonld")
    assert caught.value.type == "remote-context"
