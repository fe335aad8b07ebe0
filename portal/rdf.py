"""RDF namespaces and a streaming Turtle writer. Base module: imports no domain code.

The writer exists for speed and memory: building one rdflib graph of a whole catalog (millions
of triples) and serialising it with rdflib is slow and keeps everything in memory. Domains yield
their triples per dataset; ``turtle_block`` turns one dataset's triples into a Turtle fragment
(subjects grouped, blank nodes used once inlined as ``[ ... ]``) and ``turtle_prefixes`` writes the
prefixes once at the top of a document.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib import Namespace as _RdflibNamespace

_TERMS: dict[str, URIRef] = {}


class Namespace(_RdflibNamespace):
    """An open namespace whose terms are made once and reused: rdflib builds (and validates) a
    new URIRef on every attribute access, which dominates the cost of a large export. Terms
    that clash with ``str`` methods (``format``, ``index``...) are read with ``NS["format"]``."""

    def term(self, name: str) -> URIRef:
        key = str.__add__(self, name)
        found = _TERMS.get(key)
        if found is None:
            found = _TERMS[key] = URIRef(key)
        return found

    def __getitem__(self, key: str) -> URIRef:  # type: ignore[override]
        return self.term(key)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        found = self.term(name)
        self.__dict__[name] = found  # next time a plain attribute: no __getattr__ call
        return found


# Open namespaces, also for RDF/RDFS/XSD: rdflib's closed ones are slow and warn on terms newer
# than their copy (dcat:version).
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
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
RDF_TYPE = RDF.type


class Lit(NamedTuple):
    """A literal as exporters yield it: plain values, no parsing (rdflib's ``Literal`` parses
    and normalises its lexical form, which costs more than the rest of an export). Turned into
    a ``Literal`` only when added to a graph."""

    value: str
    datatype: str | None = None
    lang: str | None = None


def to_term(term: Any) -> Any:
    if isinstance(term, Lit):
        return Literal(term.value, lang=term.lang,
                       datatype=URIRef(term.datatype) if term.datatype else None)
    return term


def add_triples(graph: Graph, triples: Iterable[Triple]) -> None:
    graph.addN((s, p, to_term(o), graph) for s, p, o in triples)

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
    # The EU authority tables every dataset and distribution points to: short names make the
    # documents (and the full dump) a tenth smaller and easier to read.
    "datatheme": EU_DATA_THEME,
    "filetype": EU_FILE_TYPE,
    "frequency": EU_FREQUENCY,
    "language": EU_LANGUAGE,
    "country": EU_COUNTRY,
    "accessright": EU_ACCESS_RIGHT,
    "availability": EU_AVAILABILITY,
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


# --- escaping --------------------------------------------------------------------------------

# Characters an IRI may not hold (RFC 3987 / Turtle IRIREF): controls, space and <>"{}|^`\.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
# Characters a short Turtle string may not hold as such, and the other C0 controls.
_STRING_UNSAFE = re.compile(r'[\x00-\x1f"\\\x7f]')
_STRING_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r",
                   ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"}
_STRING_ESCAPES.update({code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]
                        if code not in _STRING_ESCAPES})


def _percent(match: re.Match) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode())


def safe_iri(text: str) -> str:
    """``text`` with the characters no IRI may contain percent-encoded (a link typed with a space
    stays the same address, and the IRI stays valid in every RDF syntax)."""
    return _IRI_UNSAFE.sub(_percent, text) if _IRI_UNSAFE.search(text) else text


def turtle_string(value: str) -> str:
    """A quoted Turtle string: ``"..."`` with quotes, backslashes and controls escaped."""
    if _STRING_UNSAFE.search(value):
        value = value.translate(_STRING_ESCAPES)
    return f'"{value}"'


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


def _iri(iri: str) -> str:
    return _qname(iri) or f"<{iri.translate(_IRI_ESCAPES)}>"


def turtle_iri(iri: str) -> str:
    """An IRI as Turtle writes it: ``prefix:local`` for the known vocabularies, else ``<iri>``."""
    return _iri(iri)


def turtle_literal(literal: Any) -> str:
    """A ``Lit`` or an rdflib ``Literal`` as Turtle."""
    return _literal(literal)


def _literal(literal: Any) -> str:
    if isinstance(literal, Lit):
        value, datatype, lang = literal
    else:
        value, datatype, lang = str(literal), literal.datatype, literal.language
    text = turtle_string(value)
    if lang:
        return f"{text}@{lang}"
    if datatype is not None and datatype != _XSD_STRING:
        return f"{text}^^{_iri(str(datatype))}"
    return text


_XSD_STRING = str(XSD.string)


def _term(term: Any, subjects: dict, inline: set, indent: str) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Lit | Literal):
        return _literal(term)
    if isinstance(term, BNode):
        key = "_:" + str(term)
        if key in inline:
            entry = subjects.pop(key, None)
            body = _predicates(entry[1], subjects, inline, indent + "    ") if entry else ""
            return f"[\n{indent}    {body}\n{indent}]" if body else "[]"
        return key
    raise TypeError(f"not an RDF term: {term!r}")


def _predicates(predicates: dict, subjects: dict, inline: set, indent: str) -> str:
    parts = [
        f"{'a' if predicate == _RDF_TYPE else _iri(predicate)} "
        f"{', '.join(_term(obj, subjects, inline, indent) for obj in objects)}"
        for predicate, objects in predicates.items()
    ]
    return f" ;\n{indent}".join(parts)


_RDF_TYPE = str(RDF_TYPE)


def turtle_block(triples: Iterable[Triple]) -> str:
    """Turtle statements (no prefixes) for ``triples``, in the order their subjects appear.

    Blank nodes that are the object of exactly one triple are written inline, so fragments can
    be concatenated without relabelling; others keep their (globally unique) rdflib labels.
    Terms are compared as plain strings: rdflib's own comparisons are slow.
    """
    subjects: dict[str, tuple[Any, dict[str, list]]] = {}
    object_uses: dict[str, int] = {}
    for s, p, o in triples:
        key = "_:" + str(s) if isinstance(s, BNode) else str(s)
        entry = subjects.get(key)
        if entry is None:
            entry = subjects[key] = (s, {})
        predicate = str(p)
        objects = entry[1].get(predicate)
        if objects is None:
            if predicate == _RDF_TYPE and entry[1]:
                others = dict(entry[1])  # rdf:type goes first
                entry[1].clear()
                objects = entry[1][predicate] = []
                entry[1].update(others)
            else:
                objects = entry[1][predicate] = []
        objects.append(o)
        if isinstance(o, BNode):
            object_key = "_:" + str(o)
            object_uses[object_key] = object_uses.get(object_key, 0) + 1
    inline = {key for key, uses in object_uses.items() if uses == 1 and key in subjects}
    out: list[str] = []
    while subjects:
        key = next(iter(subjects))
        if key in inline:
            # Written inside its parent; move it behind so the parent comes first.
            subjects[key] = subjects.pop(key)
            if all(other in inline for other in subjects):
                inline.discard(key)  # a cycle of blank nodes: write it labelled
            continue
        subject, predicates = subjects.pop(key)
        head = key if isinstance(subject, BNode) else _iri(key)
        out.append(f"{head} {_predicates(predicates, subjects, inline, '    ')} .\n\n")
    return "".join(out)


def turtle_document(triples: Iterable[Triple]) -> str:
    return turtle_prefixes() + turtle_block(triples)
