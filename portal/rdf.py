"""RDF namespaces and a streaming Turtle writer. Base module: imports no domain code.

The writer exists for speed and memory: building one rdflib graph of a whole catalog (millions
of triples) and serialising it with rdflib is slow and keeps everything in memory. Domains yield
their triples per dataset; ``turtle_block`` turns one dataset's triples into a Turtle fragment
(subjects grouped, blank nodes used once inlined as ``[ ... ]``) and ``turtle_prefixes`` writes the
prefixes once at the top of a document.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

# Plain namespaces: rdflib's closed ones warn on terms newer than their copy (dcat:version).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("http://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
TIME = Namespace("http://www.w3.org/2006/time#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

#: Authority tables of the EU Publications Office and the IANA media-type registry.
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
EU_FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
EU_FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
EU_LANGUAGE = Namespace(EU_AUTHORITY + "language/")
EU_COUNTRY = Namespace(EU_AUTHORITY + "country/")
EU_ACCESS_RIGHT = Namespace(EU_AUTHORITY + "access-right/")
EU_AVAILABILITY = Namespace(EU_AUTHORITY + "planned-availability/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")

PREFIXES: dict[str, Any] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "dcat": DCAT,
    "dct": DCT,
    "dcatap": DCATAP,
    "adms": ADMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "spdx": SPDX,
    "locn": LOCN,
    "gsp": GSP,
    "prov": PROV,
    "time": TIME,
    "hydra": HYDRA,
    "schema": SCHEMA,
}

Triple = tuple[Any, Any, Any]


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def new_graph() -> Graph:
    return bind_prefixes(Graph())


def parse_graph(data: str | bytes, fmt: str, *, base: str | None = None) -> Graph:
    """Parse RDF text. rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns
    that the class is deprecated; that is rdflib's own business, not the caller's."""
    graph = Graph()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph.parse(data=data, format=fmt, publicID=base)
    return graph


def turtle_prefixes() -> str:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in
                   PREFIXES.items()) + "\n"


# --- the writer ------------------------------------------------------------------------------

_QNAMES: dict[str, str] = {}
_NAMESPACES = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()),
                     key=lambda item: -len(item[0]))
_LOCAL_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _qname(iri: str) -> str | None:
    """``prefix:local`` for IRIs of known vocabularies with a plain local name, else None."""
    cached = _QNAMES.get(iri)
    if cached is not None:
        return cached or None
    found = ""
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if local and local[0].isalpha() and set(local) <= _LOCAL_OK:
                found = f"{prefix}:{local}"
            break
    if len(_QNAMES) < 10_000:  # vocabulary terms only; instance IRIs are not worth caching
        _QNAMES[iri] = found
    return found or None


_IRI_ESCAPES = {ord(c): f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ '}
_STRING_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r",
                   ord("\t"): "\\t"}


def _iri(iri: str) -> str:
    return _qname(iri) or f"<{iri.translate(_IRI_ESCAPES)}>"


def _literal(literal: Literal) -> str:
    text = f'"{str(literal).translate(_STRING_ESCAPES)}"'
    if literal.language:
        return f"{text}@{literal.language}"
    if literal.datatype is not None and literal.datatype != XSD.string:
        return f"{text}^^{_iri(str(literal.datatype))}"
    return text


def _term(term: Any, subjects: dict, inline: set, indent: str) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        return _literal(term)
    if isinstance(term, BNode):
        if term in inline:
            body = _predicates(subjects.pop(term, []), subjects, inline, indent + "    ")
            return f"[\n{indent}    {body}\n{indent}]" if body else "[]"
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def _predicates(pairs: list, subjects: dict, inline: set, indent: str) -> str:
    parts: list[str] = []
    current = None
    objects: list[str] = []
    for predicate, obj in pairs:
        if predicate != current:
            if current is not None:
                parts.append(f"{_predicate(current)} {', '.join(objects)}")
            current, objects = predicate, []
        objects.append(_term(obj, subjects, inline, indent))
    if current is not None:
        parts.append(f"{_predicate(current)} {', '.join(objects)}")
    return f" ;\n{indent}".join(parts)


def _predicate(predicate: URIRef) -> str:
    return "a" if predicate == RDF.type else _iri(str(predicate))


def turtle_block(triples: Iterable[Triple]) -> str:
    """Turtle statements (no prefixes) for ``triples``, in the order their subjects appear.

    Blank nodes that are the object of exactly one triple are written inline, so fragments can
    be concatenated without relabelling; others keep their (globally unique) rdflib labels.
    """
    subjects: dict[Any, list] = {}
    object_uses: dict[BNode, int] = {}
    for s, p, o in triples:
        subjects.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            object_uses[o] = object_uses.get(o, 0) + 1
    inline = {node for node, uses in object_uses.items() if uses == 1 and node in subjects}
    for pairs in subjects.values():
        # Group by predicate while keeping rdf:type first; Python's sort is stable.
        pairs.sort(key=lambda pair: (pair[0] != RDF.type, pair[0]))
    out: list[str] = []
    while subjects:
        subject = next(iter(subjects))
        if subject in inline:
            # Written inside its parent; move it behind so the parent comes first.
            subjects[subject] = subjects.pop(subject)
            if all(node in inline for node in subjects):
                inline.discard(subject)  # a cycle of blank nodes: write it labelled
            continue
        pairs = subjects.pop(subject)
        head = f"_:{subject}" if isinstance(subject, BNode) else _iri(str(subject))
        out.append(f"{head} {_predicates(pairs, subjects, inline, '    ')} .\n\n")
    return "".join(out)


def turtle_document(triples: Iterable[Triple]) -> str:
    return turtle_prefixes() + turtle_block(triples)
