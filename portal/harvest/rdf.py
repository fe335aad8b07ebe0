"""Parsing remote RDF safely: Turtle, RDF/XML, JSON-LD and N-Triples.

* RDF/XML goes through defusedxml's expat reader: entity declarations (billion laughs), external
  entities and external DTDs are refused with a clear error instead of being expanded or fetched.
* JSON-LD documents that name a remote ``@context`` would make rdflib fetch it with urllib,
  outside every safety check; such contexts are fetched through the harvest ``Fetcher`` instead
  and inlined before parsing.
* Anything else that fails to parse is reported with the format tried and the parser's message.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any
from xml.sax import SAXParseException, handler

import rdflib
from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser as create_defused_parser
from flask_babel import lazy_gettext as _l
from rdflib import Graph, plugin
from rdflib.parser import InputSource, Parser
from rdflib.plugins.parsers.rdfxml import ErrorHandler, RDFXMLHandler

from portal import bounded_json

SAFE_XML = "portal-safe-xml"

#: Media types and file extensions -> rdflib format names.
MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": SAFE_XML,
    "application/xml": SAFE_XML,
    "text/xml": SAFE_XML,
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
EXTENSIONS = {
    ".ttl": "turtle", ".rdf": SAFE_XML, ".xml": SAFE_XML, ".owl": SAFE_XML,
    ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt",
}
FORMAT_NAMES = {"turtle": "Turtle", SAFE_XML: "RDF/XML", "json-ld": "JSON-LD", "nt": "N-Triples"}
MAX_CONTEXT_DEPTH = 4


class RdfError(Exception):
    def __init__(self, type: str, message: Any):
        super().__init__(str(message))
        self.type = type
        self.message = str(message)


class SafeRDFXMLParser(Parser):
    """rdflib's RDF/XML handler on defusedxml's expat reader (no entities, no external DTD)."""

    def parse(self, source: InputSource, sink: Graph, **_args: Any) -> None:
        reader = create_defused_parser(forbid_dtd=False, forbid_entities=True,
                                       forbid_external=True)
        reader.setFeature(handler.feature_namespaces, 1)
        content = RDFXMLHandler(sink)
        content.setDocumentLocator(source)  # type: ignore[arg-type]  # as rdflib does
        reader.setContentHandler(content)
        reader.setErrorHandler(ErrorHandler())
        reader.parse(source)


plugin.register(SAFE_XML, Parser, __name__, "SafeRDFXMLParser")


def guess_format(content: bytes, media_type: str = "", url: str = "") -> str:
    """The rdflib format for a document: from its media type, its extension, then its bytes."""
    if media_type in MEDIA_TYPES and media_type != "text/plain":
        return MEDIA_TYPES[media_type]
    path = url.split("?", 1)[0].lower()
    for extension, name in EXTENSIONS.items():
        if path.endswith(extension):
            return name
    head = content.lstrip()[:500]
    if head.startswith(b"<"):
        return SAFE_XML
    if head.startswith((b"{", b"[")):
        return "json-ld"
    if b"@prefix" in head.lower() or b"@base" in head.lower() or b"prefix " in head.lower():
        return "turtle"
    return MEDIA_TYPES.get(media_type, "turtle")


def parse_rdf(content: bytes, *, media_type: str = "", url: str = "",
              fetch_json: Callable[[str], Any] | None = None) -> Graph:
    """Parse ``content`` into a new graph, or raise ``RdfError`` naming the problem."""
    fmt = guess_format(content, media_type, url)
    graph = Graph()
    try:
        if fmt == "json-ld":
            document = _load_json(content, url)
            document = inline_contexts(document, fetch_json, url)
            with warnings.catch_warnings():
                # rdflib 7's JSON-LD parser builds a ConjunctiveGraph, which it deprecates.
                warnings.simplefilter("ignore", DeprecationWarning)
                graph.parse(data=json.dumps(document), format="json-ld", publicID=url or None)
        else:
            graph.parse(data=content, format=fmt, publicID=url or None)
    except DefusedXmlException as exc:
        raise RdfError("unsafe-xml", _l(
            "El RDF/XML de {url} declara entidades o DTD externos ({kind}); por seguridad no "
            "se procesa.").format(url=url, kind=type(exc).__name__)) from None
    except RdfError:
        raise
    except (SAXParseException, SyntaxError, ValueError, TypeError, KeyError, IndexError,
            AttributeError, rdflib.exceptions.Error) as exc:
        raise RdfError("invalid-rdf", _l(
            "No se pudo leer {url} como {format}: {error}").format(
                url=url, format=FORMAT_NAMES.get(fmt, fmt), error=_short(exc))) from None
    return graph


def _load_json(content: bytes, url: str) -> Any:
    try:
        return bounded_json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RdfError("invalid-rdf", _l("JSON-LD inválido en {url}: {error}").format(
            url=url, error=_short(exc))) from None


def inline_contexts(document: Any, fetch_json: Callable[[str], Any] | None, base: str = "",
                    depth: int = 0) -> Any:
    """Replace every remote ``@context`` (a URL) by the context it names, fetched safely."""
    if isinstance(document, list):
        return [inline_contexts(item, fetch_json, base, depth) for item in document]
    if not isinstance(document, dict):
        return document
    result = {}
    for key, value in document.items():
        if key == "@context":
            result[key] = _resolve_context(value, fetch_json, base, depth)
        else:
            result[key] = inline_contexts(value, fetch_json, base, depth)
    return result


def _resolve_context(value: Any, fetch_json, base: str, depth: int) -> Any:
    if isinstance(value, list):
        return [_resolve_context(item, fetch_json, base, depth) for item in value]
    if isinstance(value, str):
        if fetch_json is None:
            raise RdfError("remote-context", _l(
                "El JSON-LD usa un contexto remoto ({url}) que no se puede obtener.").format(
                    url=value))
        if depth >= MAX_CONTEXT_DEPTH:
            raise RdfError("remote-context", _l(
                "Demasiados contextos JSON-LD encadenados a partir de {url}.").format(url=base))
        fetched = fetch_json(value)
        context = fetched.get("@context", {}) if isinstance(fetched, dict) else {}
        return _resolve_context(context, fetch_json, value, depth + 1)
    if isinstance(value, dict):
        merged: dict[str, Any] = {}
        if isinstance(value.get("@import"), str):  # JSON-LD 1.1: local terms override
            imported = _resolve_context(value["@import"], fetch_json, base, depth)
            merged.update(imported if isinstance(imported, dict) else {})
        merged.update({key: inline_contexts(item, fetch_json, base, depth)
                       for key, item in value.items() if key != "@import"})
        return merged
    return value


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
