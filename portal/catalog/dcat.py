"""DCAT-AP 3 for the catalog: both directions, side by side, so export and harvest can't drift.

Export: ``*_triples`` generators yield the triples of one object (fast, for streamed dumps and
pages); ``*_to_rdf`` add them to an rdflib graph. Objects that many datasets point to (publishers,
themes, vocabulary concepts) are not repeated in each dataset: the generators record what they
reference in a ``References`` and ``references_triples`` describes each once.

Import: ``*_from_rdf(graph, node)`` read any DCAT (ours, CKAN's, uData's, the SEMIC examples),
tolerating literals where IRIs are expected, and return the catalog's input dictionaries; what
cannot be mapped goes to ``extras``.

URIs: ``{base}/dataset/<name>``, ``{base}/dataset/<name>/resource/<id>``,
``{base}/organization/<name>``, ``{base}/group/<name>``, ``{base}/catalog``. Vocabulary mappings
are data in ``standards/dcat/`` and ``standards/codelists/``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from portal.catalog.codelists import codes
from portal.catalog.licenses import get_license, licenses
from portal.catalog.models import Dataset, Entity, Resource, Theme
from portal.catalog.schemas import SLUG
from portal.catalog.translations import DEFAULT_LANGUAGE, LANGUAGES
from portal.rdf import (
    ADMS,
    DCAT,
    DCATAP,
    DCT,
    EU_ACCESS_RIGHT,
    EU_AVAILABILITY,
    EU_COUNTRY,
    EU_DATA_THEME,
    EU_FILE_TYPE,
    EU_FREQUENCY,
    EU_LANGUAGE,
    FOAF,
    GSP,
    IANA_MEDIA_TYPES,
    LOCN,
    OWL,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    SPDX,
    TIME,
    VCARD,
    XSD,
    Lit,
    Triple,
    safe_iri,
    to_term,
)
from portal.standards import load_standard

LANG = "es"  # the language the catalog's metadata is written in
SHA256 = SPDX.checksumAlgorithm_sha256
#: Checksum algorithms by the name a declared hash carries (``md5:...``) or its hex length.
CHECKSUM_ALGORITHMS = {name: SPDX["checksumAlgorithm_" + name]
                       for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")}
_ALGORITHM_BY_LENGTH = {32: "md5", 40: "sha1", 56: "sha224", 64: "sha256", 96: "sha384",
                        128: "sha512"}
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")
#: Statements other domains add to a dataset (series, versions): ``f(dataset, base_url)``
#: yields triples, registered once at start-up (``portal.series.dcat.register``). The fast
#: Turtle writer writes the same triples.
DATASET_STATEMENTS: list[Callable[[Any, str], Iterable[Triple]]] = []


# --- vocabularies (data in standards/) -------------------------------------------------------


@cache
def _vocabularies() -> dict[str, Any]:
    return load_standard("dcat/vocabularies.json")


@cache
def file_types() -> dict[str, dict]:
    """``{FORMAT: item}`` with aliases, from ``standards/dcat/file-types.json``."""
    table: dict[str, dict] = {}
    for item in load_standard("dcat/file-types.json")["items"]:
        table[item["format"]] = item
        for alias in item["aliases"]:
            table.setdefault(alias, item)
    return table


@cache
def _formats_by_uri() -> dict[str, str]:
    found: dict[str, str] = {}
    for item in load_standard("dcat/file-types.json")["items"]:
        found.setdefault(str(EU_FILE_TYPE[item["eu"]]), item["format"])
        found.setdefault(IANA_MEDIA_TYPES + item["media_type"], item["format"])
        found.setdefault(item["media_type"], item["format"])
    return found


def _normal_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}"


@cache
def _licenses_by_url() -> dict[str, str]:
    """Registry licence ids by normalised URL: canonical URLs and EU licence authority IRIs."""
    found = {_normal_url(item.url): item.id for item in licenses().values() if item.url}
    eu = _vocabularies()["eu_licences"]
    for license_id, code in eu["by_license"].items():
        found.setdefault(_normal_url(eu["base_uri"] + code), license_id)
    return found


@cache
def _spatial_boxes() -> dict[str, list[float]]:
    return load_standard("dcat/spatial.json")["items"]


@cache
def _catalog_settings() -> dict[str, Any]:
    return load_standard("dcat/catalog.json")


# --- URIs ------------------------------------------------------------------------------------


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def catalog_uri(base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/catalog")


def dataset_uri(name: str, base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/dataset/{name}")


def distribution_uri(dataset_name: str, resource_id: str, base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/dataset/{dataset_name}/resource/{resource_id}")


def download_url(dataset_name: str, resource: Resource, base_url: str) -> str:
    """The portal's download address of an uploaded file (the pages' download route)."""
    filename = quote(resource.url or "archivo", safe="")
    return f"{_base(base_url)}/dataset/{dataset_name}/resource/{resource.id}/download/{filename}"


def entity_uri(name: str, base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/organization/{name}")


def theme_uri(name: str, base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/group/{name}")


def theme_scheme_uri(base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/group")


def spatial_uri(code: str, base_url: str) -> URIRef:
    if code == "BO":
        return EU_COUNTRY.BOL
    return URIRef(f"{_base(base_url)}/spatial/{code}")


def spatial_scheme_uri(base_url: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/spatial")


def _license_node(license_id: str) -> Node | None:
    licence = get_license(license_id) if license_id else None
    if licence is None:
        return None
    return URIRef(licence.url) if licence.url else None


def _generic_license_triples(license_id: str) -> Iterator[Triple]:
    """A licence without a canonical URL (other-open...) as a blank LicenseDocument."""
    licence = get_license(license_id)
    node = BNode()
    yield node, RDF.type, DCT.LicenseDocument
    yield node, DCT.identifier, Lit(licence.id)
    yield node, RDFS.label, Lit(licence.title, None, LANG)


def _media_type_uri(media_type: str) -> URIRef:
    return URIRef(safe_iri(IANA_MEDIA_TYPES + media_type.strip().lower()))


def _add(graph: Graph, triple: Triple) -> None:
    subject, predicate, obj = triple
    graph.add((subject, predicate, to_term(obj)))


# --- references described once ----------------------------------------------------------------


@dataclass
class References:
    """What exported triples point to and must be described (typed, labelled) somewhere."""

    iris: set[URIRef] = field(default_factory=set)
    entities: dict[str, Entity] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)

    def update(self, other: References) -> None:
        self.iris |= other.iris
        self.entities.update(other.entities)
        self.themes.update(other.themes)


def _concept(node: URIRef, label: str, scheme: URIRef, *classes: URIRef,
             lang: str = LANG) -> list[Triple]:
    triples: list[Triple] = [(node, RDF.type, SKOS.Concept)]
    triples += [(node, RDF.type, cls) for cls in classes]
    triples.append((node, SKOS.prefLabel, Lit(label, None, lang)))
    triples.append((node, SKOS.inScheme, scheme))
    return triples


def _wkt_box(box: list[float]) -> tuple[Literal, Literal]:
    west, south, east, north = box
    polygon = (f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, "
               f"{west} {south}))")
    centre = f"POINT({round((west + east) / 2, 2)} {round((south + north) / 2, 2)})"
    return Lit(polygon, GSP.wktLiteral), Lit(centre, GSP.wktLiteral)


@cache
def vocabulary(base_url: str) -> dict[URIRef, tuple[Triple, ...]]:
    """Descriptions of every vocabulary concept the export may point to, by IRI."""
    vocab = _vocabularies()
    found: dict[URIRef, list[Triple]] = {}
    themes = vocab["data_themes"]
    theme_scheme = URIRef(themes["scheme"])
    found[theme_scheme] = [(theme_scheme, RDF.type, SKOS.ConceptScheme),
                           (theme_scheme, DCT.title, Lit(themes["title"], None, "en"))]
    for code, label in themes["items"].items():
        found[EU_DATA_THEME[code]] = _concept(EU_DATA_THEME[code], label, theme_scheme)
    frequency_scheme = URIRef(str(EU_FREQUENCY).rstrip("/"))
    for code, item in codes("frequencies").items():
        found[EU_FREQUENCY[code]] = _concept(EU_FREQUENCY[code], item["label"],
                                             frequency_scheme, DCT.Frequency)
    language_scheme = URIRef(str(EU_LANGUAGE).rstrip("/"))
    for item in codes("languages").values():
        node = EU_LANGUAGE[item["eu"]]
        found[node] = _concept(node, item["label"], language_scheme, DCT.LinguisticSystem)
    spatial_scheme = spatial_scheme_uri(base_url)
    found[spatial_scheme] = [
        (spatial_scheme, RDF.type, SKOS.ConceptScheme),
        (spatial_scheme, DCT.title, Lit("Cobertura geográfica: Bolivia y sus departamentos",
                                            lang=LANG)),
    ]
    for code, item in codes("spatial").items():
        node = spatial_uri(code, base_url)
        scheme = URIRef(str(EU_COUNTRY).rstrip("/")) if code == "BO" else spatial_scheme
        triples = _concept(node, item["label"], scheme, DCT.Location)
        triples.append((node, SKOS.notation, Lit(code)))
        if code in _spatial_boxes():
            bbox, centroid = _wkt_box(_spatial_boxes()[code])
            triples += [(node, DCAT.bbox, bbox), (node, DCAT.centroid, centroid)]
        found[node] = triples
    rights = vocab["access_rights"]
    for item in rights["items"].values():
        node = EU_ACCESS_RIGHT[item["code"]]
        found[node] = _concept(node, item["label"], URIRef(rights["scheme"]),
                               DCT.RightsStatement)
    availability = vocab["availability"]
    for code, label in availability["items"].items():
        found[EU_AVAILABILITY[code]] = _concept(EU_AVAILABILITY[code], label,
                                                URIRef(availability["scheme"]))
    for kind in ("publisher_types", "licence_types"):
        table = vocab[kind]
        for code, label in table["labels"].items():
            node = URIRef(table["base_uri"] + code)
            found[node] = _concept(node, label, URIRef(table["scheme"]), lang="en")
    licence_types = vocab["licence_types"]
    for licence in licenses().values():
        if not licence.url:
            continue
        node = URIRef(licence.url)
        triples = [(node, RDF.type, DCT.LicenseDocument),
                   (node, DCT.identifier, Lit(licence.id)),
                   (node, RDFS.label, Lit(licence.title, None, LANG))]
        kind = licence_types["by_license"].get(licence.id)
        if kind:
            triples.append((node, DCT.type, URIRef(licence_types["base_uri"] + kind)))
        eu_code = vocab["eu_licences"]["by_license"].get(licence.id)
        if eu_code:
            triples.append((node, SKOS.exactMatch,
                            URIRef(vocab["eu_licences"]["base_uri"] + eu_code)))
        found[node] = triples
    for item in load_standard("dcat/file-types.json")["items"]:
        node = EU_FILE_TYPE[item["eu"]]
        found[node] = [(node, RDF.type, DCT.MediaTypeOrExtent),
                       (node, RDFS.label, Lit(item["format"]))]
        media = _media_type_uri(item["media_type"])
        found[media] = [(media, RDF.type, DCT.MediaType),
                        (media, RDFS.label, Lit(item["media_type"]))]
    for algorithm in CHECKSUM_ALGORITHMS.values():
        found[algorithm] = [(algorithm, RDF.type, SPDX.ChecksumAlgorithm)]
    return {node: tuple(triples) for node, triples in found.items()}


def _describe_iri(node: URIRef, base_url: str, seen: set) -> Iterator[Triple]:
    if node in seen:
        return
    seen.add(node)
    triples = vocabulary(base_url).get(node)
    if triples is None:
        if str(node).startswith(IANA_MEDIA_TYPES):
            yield node, RDF.type, DCT.MediaType
        return
    for triple in triples:
        yield triple
        # A licence points to its licence type, a concept to its scheme: describe them too.
        if triple[1] in (DCT.type,) and isinstance(triple[2], URIRef):
            yield from _describe_iri(triple[2], base_url, seen)


def references_triples(refs: References, base_url: str) -> Iterator[Triple]:
    """Describe once what a set of exported triples points to."""
    seen: set = set()
    for entity in sorted(refs.entities.values(), key=lambda e: e.name):
        for triple in publisher_triples(entity, base_url):
            yield triple
            if triple[1] == DCT.type:
                yield from _describe_iri(triple[2], base_url, seen)
    if refs.themes:
        yield from _describe_iri(theme_scheme_uri(base_url), base_url, seen)
        yield from theme_scheme_triples(base_url)
    for theme in sorted(refs.themes.values(), key=lambda t: t.name):
        yield from theme_triples(theme, base_url)
    for node in sorted(refs.iris):
        yield from _describe_iri(node, base_url, seen)


def theme_scheme_triples(base_url: str) -> Iterator[Triple]:
    from flask import current_app, has_app_context

    scheme = theme_scheme_uri(base_url)
    title = "Datos Abiertos de Bolivia"
    if has_app_context():
        title = current_app.config.get("PORTAL_SITE_TITLE") or title
    yield scheme, RDF.type, SKOS.ConceptScheme
    yield scheme, DCT.title, Lit(f"Temas de {title}", None, LANG)


def theme_triples(theme: Theme, base_url: str) -> Iterator[Triple]:
    node = theme_uri(theme.name, base_url)
    yield node, RDF.type, SKOS.Concept
    yield node, SKOS.prefLabel, Lit(theme.title, None, LANG)
    yield from tagged(node, SKOS.prefLabel, theme.title_translated)
    yield node, SKOS.inScheme, theme_scheme_uri(base_url)
    yield node, SKOS.notation, Lit(theme.name)
    if theme.description:
        yield node, SKOS.definition, Lit(theme.description, None, LANG)
        yield from tagged(node, SKOS.definition, theme.description_translated)
    if theme.eu_theme in _vocabularies()["data_themes"]["items"]:
        yield node, SKOS.closeMatch, EU_DATA_THEME[theme.eu_theme]


def theme_to_rdf(theme: Theme, graph: Graph, base_url: str) -> URIRef:
    for triple in theme_triples(theme, base_url):
        _add(graph, triple)
    return theme_uri(theme.name, base_url)


# --- publisher (foaf:Agent) --------------------------------------------------------------------


def publisher_type(kind: str, level: str = "") -> URIRef | None:
    """The ADMS publisher type of an entity: by its kind, else (kind ``otra``) by its level:
    every entity of the portal is a public body, national or territorial."""
    table = _vocabularies()["publisher_types"]
    code = table["from_entity_kind"].get(kind) or table["from_entity_level"].get(level)
    return URIRef(table["base_uri"] + code) if code else None


def publisher_triples(entity: Entity, base_url: str) -> Iterator[Triple]:
    node = entity_uri(entity.name, base_url)
    yield node, RDF.type, FOAF.Agent
    yield node, RDF.type, FOAF.Organization
    yield node, FOAF.name, Lit(entity.title, None, LANG)
    yield from tagged(node, FOAF.name, entity.title_translated)
    kind = publisher_type(entity.kind, entity.level)
    if kind is not None:
        yield node, DCT.type, kind
    if entity.website:
        yield node, FOAF.homepage, URIRef(safe_iri(entity.website))
    if entity.email:
        yield node, FOAF.mbox, URIRef(safe_iri(f"mailto:{entity.email}"))


def publisher_to_rdf(entity: Entity, graph: Graph, base_url: str) -> URIRef:
    seen: set = set()
    for triple in publisher_triples(entity, base_url):
        _add(graph, triple)
        if triple[1] == DCT.type:
            for described in _describe_iri(triple[2], base_url, seen):
                _add(graph, described)
    return entity_uri(entity.name, base_url)


def publisher_from_rdf(graph: Graph, node: Node) -> dict[str, Any]:
    """Entity input (as ``create_entity`` takes it) for a publisher node."""
    title = _text(graph, node, FOAF.name, SKOS.prefLabel, VCARD.fn, RDFS.label)
    if not title and isinstance(node, Literal):
        title = str(node)
    kind, level = "otra", "central"
    type_node = graph.value(node, DCT.type) if not isinstance(node, Literal) else None
    if type_node is not None:
        table = _vocabularies()["publisher_types"]
        code = str(type_node).rsplit("/", 1)[-1]
        mapped = table["to_entity_kind"].get(code)
        if mapped:
            kind, level = mapped["kind"], mapped["level"]
    website = _iri_or_text(graph, node, FOAF.homepage) if not isinstance(node, Literal) else ""
    email = _email(_iri_or_text(graph, node, FOAF.mbox)) if not isinstance(node, Literal) else ""
    return {
        "type": str(type_node) if isinstance(type_node, URIRef) else "",
        "name": _slug_from(node, title) or "entidad",
        "title": title,
        "kind": kind,
        "level": level,
        "website": website if website.startswith(("http://", "https://")) else "",
        "email": email,
        "uri": str(node) if isinstance(node, URIRef) else "",
        **_translated_names(graph, node),
    }


def _translated_names(graph: Graph, node: Node) -> dict[str, Any]:
    names = {} if isinstance(node, Literal) else translations_from(graph, node, FOAF.name)
    return {"title_translated": names} if names else {}


# --- contact point (vcard:Kind) ---------------------------------------------------------------


def contact_point_triples(name: str, email: str) -> Iterator[Triple]:
    node = BNode()
    yield node, RDF.type, VCARD.Kind
    if name:
        yield node, VCARD.fn, Lit(name)
    if email:
        yield node, VCARD.hasEmail, URIRef(safe_iri(f"mailto:{email}"))


def contact_point_to_rdf(dataset: Dataset, graph: Graph) -> BNode | None:
    if not (dataset.contact_name or dataset.contact_email):
        return None
    triples = list(contact_point_triples(dataset.contact_name, dataset.contact_email))
    for triple in triples:
        _add(graph, triple)
    return triples[0][0]


def contact_point_from_rdf(graph: Graph, node: Node) -> dict[str, str]:
    if isinstance(node, Literal):
        text = str(node)
        return {"contact_name": "" if "@" in text else text, "contact_email": _email(text)}
    return {
        "contact_name": _text(graph, node, VCARD.fn, VCARD["organization-name"], FOAF.name),
        "contact_email": _email(_iri_or_text(graph, node, VCARD.hasEmail, VCARD.email)),
    }


# --- dataset ---------------------------------------------------------------------------------


def _date_literal(value: date | datetime) -> Literal:
    if isinstance(value, datetime):
        return Lit(value.replace(microsecond=0).isoformat(), XSD.dateTime)
    return Lit(value.isoformat(), XSD.date)


def dataset_triples(dataset: Dataset, base_url: str,
                    refs: References | None = None) -> Iterator[Triple]:
    """The triples of one dataset and its distributions. Records what it points to in ``refs``."""
    refs = refs if refs is not None else References()
    node = dataset_uri(dataset.name, base_url)
    yield node, RDF.type, DCAT.Dataset
    yield node, DCT.title, Lit(dataset.title, None, LANG)
    yield from tagged(node, DCT.title, dataset.title_translated)
    # dct:description is mandatory in DCAT-AP: a dataset without one is described by its title.
    yield node, DCT.description, Lit(dataset.description or dataset.title, None, LANG)
    yield from tagged(node, DCT.description, dataset.description_translated)
    remote = remote_publisher(dataset)
    if remote is not None:
        agent = list(remote_publisher_triples(remote))
        yield node, DCT.publisher, agent[0][0]
        yield from agent
        if remote.type in _publisher_type_uris():
            refs.iris.add(URIRef(remote.type))
    elif dataset.entity is not None:
        refs.entities[dataset.entity.id] = dataset.entity
        yield node, DCT.publisher, entity_uri(dataset.entity.name, base_url)
    for keyword in dataset.keywords:
        yield node, DCAT.keyword, Lit(keyword, None, LANG)
    for lang, words in (dataset.keywords_translated or {}).items():
        for keyword in words:
            yield node, DCAT.keyword, Lit(keyword, None, lang)
    eu_themes = _vocabularies()["data_themes"]["items"]
    for theme in dataset.themes:
        refs.themes[theme.id] = theme
        yield node, DCAT.theme, theme_uri(theme.name, base_url)
        if theme.eu_theme in eu_themes:
            refs.iris.add(EU_DATA_THEME[theme.eu_theme])
            yield node, DCAT.theme, EU_DATA_THEME[theme.eu_theme]
    licence = _license_node(dataset.license_id)
    if licence is not None:
        refs.iris.add(licence)
        yield node, DCT.license, licence
    elif get_license(dataset.license_id) is not None:
        generic = list(_generic_license_triples(dataset.license_id))
        yield node, DCT.license, generic[0][0]
        yield from generic
    rights = _vocabularies()["access_rights"]["items"].get(dataset.access_rights)
    if rights:
        refs.iris.add(EU_ACCESS_RIGHT[rights["code"]])
        yield node, DCT.accessRights, EU_ACCESS_RIGHT[rights["code"]]
    if dataset.contact_name or dataset.contact_email:
        contact = list(contact_point_triples(dataset.contact_name, dataset.contact_email))
        yield node, DCAT.contactPoint, contact[0][0]
        yield from contact
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        yield node, DCT.temporal, period
        yield period, RDF.type, DCT.PeriodOfTime
        if dataset.temporal_start:
            yield period, DCAT.startDate, _date_literal(dataset.temporal_start)
        if dataset.temporal_end:
            yield period, DCAT.endDate, _date_literal(dataset.temporal_end)
    for code in dataset.spatial or ():
        place = spatial_uri(code, base_url)
        refs.iris.add(place)
        yield node, DCT.spatial, place
    if dataset.frequency:
        refs.iris.add(EU_FREQUENCY[dataset.frequency])
        yield node, DCT.accrualPeriodicity, EU_FREQUENCY[dataset.frequency]
    languages = codes("languages")
    for code in dataset.language or ():
        if code in languages:
            language = EU_LANGUAGE[languages[code]["eu"]]
            refs.iris.add(language)
            yield node, DCT.language, language
    if dataset.landing_page:
        page = URIRef(safe_iri(dataset.landing_page))
        yield node, DCAT.landingPage, page
        yield page, RDF.type, FOAF.Document
    if dataset.version:
        yield node, DCAT.version, Lit(dataset.version)
    if dataset.identifier:
        yield node, DCT.identifier, Lit(dataset.identifier)
    if dataset.issued:
        yield node, DCT.issued, _date_literal(dataset.issued)
    if dataset.modified:
        yield node, DCT.modified, _date_literal(dataset.modified)
    yield from provenance_triples(dataset, node)
    for key, value in exported_extras(dataset):
        prop = BNode()
        yield node, SCHEMA.additionalProperty, prop
        yield prop, RDF.type, SCHEMA.PropertyValue
        yield prop, SCHEMA.name, Lit(key)
        yield prop, SCHEMA.value, extra_literal(value)
    for statements in DATASET_STATEMENTS:
        yield from statements(dataset, base_url)
    for position, resource in enumerate(dataset.resources):
        yield node, DCAT.distribution, distribution_uri(dataset.name, resource.id, base_url)
        yield from distribution_triples(resource, dataset, base_url, refs, position=position)


def tagged(node: Node, predicate: URIRef, translations: dict[str, str] | None
           ) -> Iterator[Triple]:
    """One literal per translation, tagged with its language (the Spanish one is the main)."""
    for lang, text in (translations or {}).items():
        yield node, predicate, Lit(text, None, lang)


def translations_from(graph: Graph, node: Node, predicate: URIRef) -> dict[str, str]:
    """``{lang: text}`` of the literals tagged with a language of the portal other than
    Spanish (``en-GB`` counts as ``en``); the first of each language."""
    found: dict[str, str] = {}
    for literal in sorted((o for o in graph.objects(node, predicate)
                           if isinstance(o, Literal) and o.language), key=str):
        lang = literal.language.split("-")[0].lower()
        if lang in LANGUAGES and lang != DEFAULT_LANGUAGE and str(literal).strip():
            found.setdefault(lang, str(literal).strip())
    return {lang: found[lang] for lang in LANGUAGES if lang in found}


def _keywords_from(graph: Graph, node: Node) -> tuple[list[str], dict[str, list[str]]]:
    """The Spanish (or untagged) keywords, and the others by language. A catalog without
    Spanish or untagged keywords gives all of them as the main ones."""
    main: set[str] = set()
    other: dict[str, set[str]] = {}
    for literal in graph.objects(node, DCAT.keyword):
        text = str(literal).strip()
        lang = (getattr(literal, "language", None) or "").split("-")[0].lower()
        if not text:
            continue
        if lang in ("", DEFAULT_LANGUAGE):
            main.add(text)
        elif lang in LANGUAGES:
            other.setdefault(lang, set()).add(text)
        else:
            other.setdefault("", set()).add(text)
    unknown = other.pop("", set())
    if not main:
        return sorted(unknown.union(*other.values())), {}
    return sorted(main), {lang: sorted(other[lang]) for lang in LANGUAGES if lang in other}


def dataset_to_rdf(dataset: Dataset, graph: Graph, base_url: str) -> URIRef:
    """Add a self-contained description of ``dataset`` to ``graph``; return its node."""
    refs = References()
    for triple in dataset_triples(dataset, base_url, refs):
        _add(graph, triple)
    for triple in references_triples(refs, base_url):
        _add(graph, triple)
    return dataset_uri(dataset.name, base_url)


def dataset_from_rdf(graph: Graph, node: Node) -> dict[str, Any]:
    """The catalog's input for ``create_dataset`` read from a DCAT dataset node.

    Returns the dataset's fields, ``entity`` (the publisher's slug), ``resources`` (resource
    inputs) and ``extras`` with what has no field: the node's ``uri``, the ``publisher`` as entity
    input, EU ``eu_themes``, ``source`` (``dct:source``) and ``alternate_identifier``
    (``adms:identifier``), and values that match none of the catalog's code lists.
    """
    extras: dict[str, Any] = {}
    if isinstance(node, URIRef):
        extras["uri"] = str(node)
    title = _text(graph, node, DCT.title)
    description = _text(graph, node, DCT.description)
    values: dict[str, Any] = {
        "name": _slug_from(node, title),
        "title": title,
        # The export describes a dataset without description by its title (DCAT-AP wants one).
        "description": "" if description == title else description,
    }
    publisher = graph.value(node, DCT.publisher)
    values["entity"] = ""
    if publisher is not None:
        extras["publisher"] = publisher_from_rdf(graph, publisher)
        values["entity"] = extras["publisher"]["name"]
    values["keywords"], values["keywords_translated"] = _keywords_from(graph, node)
    values["title_translated"] = translations_from(graph, node, DCT.title)
    values["description_translated"] = translations_from(graph, node, DCT.description)
    values["themes"] = _themes_from(graph, node, extras)
    values.update(_license_from(graph, node, extras))
    values["access_rights"] = _access_rights_from(graph, node, extras)
    contact = graph.value(node, DCAT.contactPoint)
    values.update(contact_point_from_rdf(graph, contact) if contact is not None
                  else {"contact_name": "", "contact_email": ""})
    values["temporal_start"], values["temporal_end"] = _period_from(graph, node)
    values["spatial"] = _spatial_from(graph, node, extras)
    values["frequency"] = _frequency_from(graph, node, extras)
    values["language"] = _languages_from(graph, node, extras)
    values["landing_page"] = _iri_or_text(graph, node, DCAT.landingPage)
    values["version"] = _text(graph, node, DCAT.version, OWL.versionInfo)
    values["identifier"] = _text(graph, node, DCT.identifier)
    values["issued"] = _date_from(graph.value(node, DCT.issued))
    values["modified"] = _date_from(graph.value(node, DCT.modified))
    _provenance_from(graph, node, extras)
    _extras_from(graph, node, extras)
    resources = [distribution_from_rdf(graph, dist)
                 for dist in graph.objects(node, DCAT.distribution)]
    for resource in resources:
        if resource["license_id"] == values["license_id"]:
            resource["license_id"] = ""  # inherits the dataset's licence
    if not values["license_id"]:
        found = [r["license_id"] for r in resources if r["license_id"]]
        if found:
            values["license_id"] = max(set(found), key=found.count)
            for resource in resources:
                if resource["license_id"] == values["license_id"]:
                    resource["license_id"] = ""
    values["resources"] = sorted(resources, key=lambda r: (
        r["position"] is None, r["position"] or 0, r["name"], r["url"]))
    values["extras"] = extras
    return values


# --- the remote publisher of a harvested dataset -------------------------------------------------

#: The extras that keep a harvested dataset's own publisher (ckanext-dcat's names); the
#: dataset's entity stays the one that harvests it (the harvest source's owner).
PUBLISHER_KEYS = ("publisher_uri", "publisher_name", "publisher_type", "publisher_email",
                  "publisher_url")


@dataclass(frozen=True)
class RemotePublisher:
    uri: str
    name: str
    type: str
    email: str
    url: str


def remote_publisher(dataset: Any) -> RemotePublisher | None:
    """The publisher a harvested dataset came with, or None (its entity publishes it)."""
    extras = dataset.extras or {}
    values = {key: str(extras.get(key) or "").strip() for key in PUBLISHER_KEYS}
    if not values["publisher_name"]:
        return None
    return RemotePublisher(*(values[key] for key in PUBLISHER_KEYS))


def publisher_extras(publisher: dict[str, Any]) -> dict[str, str]:
    """``publisher_*`` extras for a publisher read by ``publisher_from_rdf``."""
    found = {"publisher_uri": publisher.get("uri") or "",
             "publisher_name": publisher.get("title") or "",
             "publisher_type": publisher.get("type") or "",
             "publisher_email": publisher.get("email") or "",
             "publisher_url": publisher.get("website") or ""}
    return {key: value for key, value in found.items() if value}


@cache
def _publisher_type_uris() -> frozenset[str]:
    table = _vocabularies()["publisher_types"]
    return frozenset(table["base_uri"] + code for code in table["labels"])


def is_http(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def remote_publisher_triples(publisher: RemotePublisher) -> Iterator[Triple]:
    node = URIRef(safe_iri(publisher.uri)) if is_http(publisher.uri) else BNode()
    yield node, RDF.type, FOAF.Agent
    yield node, FOAF.name, Lit(publisher.name)
    if is_http(publisher.type):
        yield node, DCT.type, URIRef(safe_iri(publisher.type))
    if is_http(publisher.url):
        yield node, FOAF.homepage, URIRef(safe_iri(publisher.url))
    if publisher.email:
        yield node, FOAF.mbox, URIRef(safe_iri(f"mailto:{publisher.email}"))


# --- free extras (schema:additionalProperty) -------------------------------------------------


def exported_extras(dataset: Any) -> list[tuple[str, Any]]:
    """The extras exported as ``schema:additionalProperty``: all but those said otherwise
    (the harvester's provenance, the remote publisher)."""
    return sorted(((key, value) for key, value in (dataset.extras or {}).items()
                   if key not in PROVENANCE_KEYS and key not in PUBLISHER_KEYS),
                  key=lambda item: item[0])


def extra_literal(value: Any) -> Lit:
    """A text extra as a plain literal, any other JSON value as an ``rdf:JSON`` literal."""
    if isinstance(value, str):
        return Lit(value)
    return Lit(json.dumps(value, ensure_ascii=False, sort_keys=True), str(RDF.JSON))


def _extras_from(graph: Graph, node: Node, extras: dict) -> None:
    """Free extras; a key the import has already filled from the graph keeps that value."""
    for prop in graph.objects(node, SCHEMA.additionalProperty):
        key = _text(graph, prop, SCHEMA.name)
        value = graph.value(prop, SCHEMA.value)
        if not key or key in extras or not isinstance(value, Literal) \
                or key.startswith("harvest_"):
            continue
        extras[key] = str(value)
        if value.datatype == RDF.JSON:
            with suppress(ValueError):  # broken JSON stays text
                extras[key] = json.loads(str(value))


# --- provenance of harvested datasets -----------------------------------------------------------

#: The extras a harvester writes on each dataset it creates (``portal.harvest.mapping``).
PROVENANCE_KEYS = ("harvest_source", "harvest_remote_id", "harvest_remote_url", "harvest_last")


@dataclass(frozen=True)
class Provenance:
    """Where a harvested dataset comes from: the harvest source's name, the dataset's id and
    address in the remote catalog, and when the portal last took changes from it."""

    source: str
    remote_id: str
    remote_url: str
    last: datetime | None


def provenance_of(dataset: Any) -> Provenance | None:
    """The provenance a harvester stored in ``dataset.extras``; None for datasets made here."""
    extras = dataset.extras or {}
    source = str(extras.get("harvest_source") or "").strip()
    if not source:
        return None
    remote_url = str(extras.get("harvest_remote_url") or "").strip()
    if not remote_url.lower().startswith(("http://", "https://")):
        remote_url = ""
    try:
        last = datetime.fromisoformat(str(extras.get("harvest_last") or "").replace("Z", "+00:00"))
    except ValueError:
        last = None
    return Provenance(source, str(extras.get("harvest_remote_id") or "").strip(), remote_url,
                      last)


def provenance_triples(dataset: Any, node: URIRef) -> Iterator[Triple]:
    """``dct:source``: the remote dataset (typed ``dcat:Dataset``, as DCAT-AP's range says, so it
    carries the title and description it was harvested with); ``adms:identifier``: its id in the
    remote catalog, with the harvest source as the agency of that identifier."""
    provenance = provenance_of(dataset)
    if provenance is None:
        return
    if provenance.remote_url:
        remote = URIRef(safe_iri(provenance.remote_url))
        yield node, DCT.source, remote
        yield remote, RDF.type, DCAT.Dataset
        yield remote, DCT.title, Lit(dataset.title, None, LANG)
        yield remote, DCT.description, Lit(dataset.description or dataset.title, None, LANG)
    if provenance.remote_id:
        identifier = BNode()
        yield node, ADMS.identifier, identifier
        yield identifier, RDF.type, ADMS.Identifier
        yield identifier, SKOS.notation, Lit(provenance.remote_id)
        yield identifier, ADMS.schemaAgency, Lit(provenance.source)


def _provenance_from(graph: Graph, node: Node, extras: dict) -> None:
    """Another catalog's ``dct:source`` and ``adms:identifier`` into extras, under the names
    ckanext-dcat uses (``source``, ``alternate_identifier``). The ``harvest_*`` keys are the
    harvester's own business: it sets them for the catalog it reads from."""
    sources = sorted(str(o) for o in graph.objects(node, DCT.source)
                     if isinstance(o, URIRef | Literal))
    if sources:
        extras["source"] = sources
    identifiers = []
    for identifier in graph.objects(node, ADMS.identifier):
        notation = str(identifier) if isinstance(identifier, Literal) else _text(
            graph, identifier, SKOS.notation)
        if notation.strip():
            identifiers.append(notation.strip())
    if identifiers:
        extras["alternate_identifier"] = sorted(set(identifiers))


# --- distribution ----------------------------------------------------------------------------


def generated_description(name: str, fmt: str) -> str:
    """What describes a distribution without a description (DCAT-AP recommends one): its name
    and format, which the portal knows. The import reads it back as no description."""
    return f"«{name}», en formato {fmt}." if fmt else f"«{name}»."


def declared_checksum(declared: str) -> tuple[URIRef, str] | None:
    """A declared hash (``md5:...``, ``sha256:...`` or bare hex, named by its length) as an
    SPDX algorithm and a lower-case hex value; None when it is neither."""
    algorithm, _sep, value = declared.strip().rpartition(":")
    algorithm = algorithm.lower().replace("-", "") or _ALGORITHM_BY_LENGTH.get(len(value), "")
    if algorithm not in CHECKSUM_ALGORITHMS or not _HEX.match(value):
        return None
    return CHECKSUM_ALGORITHMS[algorithm], value.lower()


def checksums(resource: Any) -> list[tuple[URIRef, str]]:
    """The portal's SHA-256 of an upload, then the hash its publisher declared (if another)."""
    found = [(SHA256, resource.sha256.lower())] if resource.sha256 else []
    declared = declared_checksum(resource.hash or "")
    if declared is not None and declared not in found:
        found.append(declared)
    return found


def _declared_hash(algorithm: URIRef, value: str) -> str:
    """A checksum as a declared hash: bare hex when its length names the algorithm."""
    name = str(algorithm).rsplit("_", 1)[-1]
    return value if _ALGORITHM_BY_LENGTH.get(len(value)) == name else f"{name}:{value}"


def schema_uri(resource: Any, dataset_name: str, base_url: str) -> str:
    """Where a resource's Table Schema is: its URL, the portal's address of an inline schema
    (``.../resource/<id>/schema.json``) or of a schema of the registry."""
    schema = resource.schema
    if isinstance(schema, dict) and "fields" not in schema:
        schema = schema.get("url") or schema.get("name")
    if isinstance(schema, dict):
        return f"{distribution_uri(dataset_name, resource.id, base_url)}/schema.json"
    if not isinstance(schema, str) or not schema.strip():
        return ""
    if is_http(schema.strip()):
        return schema.strip()
    return registry_schema_uri(schema.strip(), base_url)


def registry_schema_uri(reference: str, base_url: str) -> str:
    """The descriptor of a schema of the portal's registry (``name``, ``entity/name@N``), as
    its page ``/schemas/<reference>`` gives it in JSON."""
    return f"{_base(base_url)}/schemas/{quote(reference, safe='/@')}?format=json"


def rights_iri(rights: str) -> str:
    """A rights statement that is a single http(s) address, written as that IRI (as
    ckanext-dcat does); ``""`` for a text, written as a labelled ``dct:RightsStatement``."""
    if is_http(rights) and not any(char.isspace() for char in rights) \
            and safe_iri(rights) == rights:
        return rights
    return ""


def rights_triples(node: Node, rights: str) -> Iterator[Triple]:
    """``dct:rights`` of a distribution: ``[ a dct:RightsStatement ; rdfs:label "..." ]``, or the
    statement's IRI typed ``dct:RightsStatement``."""
    if not rights:
        return
    iri = rights_iri(rights)
    statement = URIRef(iri) if iri else BNode()
    yield node, DCT.rights, statement
    yield statement, RDF.type, DCT.RightsStatement
    if not iri:
        yield statement, RDFS.label, Lit(rights, None, LANG)


def distribution_triples(resource: Resource, dataset: Dataset, base_url: str,
                         refs: References | None = None, *,
                         position: int | None = None) -> Iterator[Triple]:
    refs = refs if refs is not None else References()
    node = distribution_uri(dataset.name, resource.id, base_url)
    yield node, RDF.type, DCAT.Distribution
    if resource.name:
        yield node, DCT.title, Lit(resource.name, None, LANG)
        yield from tagged(node, DCT.title, resource.name_translated)
    description = resource.description or generated_description(resource.name, resource.format)
    yield node, DCT.description, Lit(description, None, LANG)
    yield from tagged(node, DCT.description, resource.description_translated)
    if position is not None:  # the order of the dataset's distributions (RDF has none)
        yield node, SCHEMA.position, Lit(str(position), XSD.integer)
    # DCAT-AP 3.0.0's shapes (those of ckanext-dcat) want the URLs typed rdfs:Resource.
    if resource.is_upload:
        url = URIRef(download_url(dataset.name, resource, base_url))
        yield node, DCAT.accessURL, url
        yield node, DCAT.downloadURL, url
        yield url, RDF.type, RDFS.Resource
    elif resource.url:
        url = URIRef(safe_iri(resource.url))
        yield node, DCAT.accessURL, url
        yield url, RDF.type, RDFS.Resource
    file_type = file_types().get((resource.format or "").upper())
    if file_type is not None:
        refs.iris.add(EU_FILE_TYPE[file_type["eu"]])
        yield node, DCT["format"], EU_FILE_TYPE[file_type["eu"]]
    elif resource.format:
        extent = BNode()
        yield node, DCT["format"], extent
        yield extent, RDF.type, DCT.MediaTypeOrExtent
        yield extent, RDFS.label, Lit(resource.format)
    if resource.media_type:
        media = _media_type_uri(resource.media_type)
        refs.iris.add(media)
        yield node, DCAT.mediaType, media
    license_id = resource.license_id or dataset.license_id
    licence = _license_node(license_id)
    if licence is not None:
        refs.iris.add(licence)
        yield node, DCT.license, licence
    elif get_license(license_id) is not None:
        generic = list(_generic_license_triples(license_id))
        yield node, DCT.license, generic[0][0]
        yield from generic
    yield from rights_triples(node, resource.rights)
    availability = EU_AVAILABILITY[_vocabularies()["availability"]["default"]]
    refs.iris.add(availability)
    yield node, DCATAP.availability, availability
    if resource.size is not None and resource.size >= 0:
        yield node, DCAT.byteSize, Lit(str(resource.size), XSD.nonNegativeInteger)
    for algorithm, value in checksums(resource):
        checksum = BNode()
        yield node, SPDX.checksum, checksum
        yield checksum, RDF.type, SPDX.Checksum
        yield checksum, SPDX.algorithm, algorithm
        refs.iris.add(algorithm)
        yield checksum, SPDX.checksumValue, Lit(value, XSD.hexBinary)
    schema_url = schema_uri(resource, dataset.name, base_url)
    if schema_url:
        schema = URIRef(safe_iri(schema_url))
        yield node, DCT.conformsTo, schema
        yield schema, RDF.type, DCT.Standard
    if resource.created:
        yield node, DCT.issued, _date_literal(resource.created)
    if resource.last_modified:  # when the data changed (declared, or the upload's time)
        yield node, DCT.modified, precise_datetime(resource.last_modified)


def precise_datetime(value: datetime) -> Lit:
    """An ``xsd:dateTime`` to the microsecond, so a harvester gets back the same instant."""
    return Lit(value.isoformat(), XSD.dateTime)


def distribution_to_rdf(resource: Resource, graph: Graph, base_url: str) -> URIRef:
    refs = References()
    for triple in distribution_triples(resource, resource.dataset, base_url, refs):
        _add(graph, triple)
    for triple in references_triples(refs, base_url):
        _add(graph, triple)
    return distribution_uri(resource.dataset.name, resource.id, base_url)


def distribution_from_rdf(graph: Graph, node: Node) -> dict[str, Any]:
    """Resource input (as ``create_resource`` takes it), plus ``size``, ``sha256`` and ``uri``."""
    url = _iri_or_text(graph, node, DCAT.downloadURL) or _iri_or_text(graph, node,
                                                                        DCAT.accessURL)
    media_type = _media_type_from(graph.value(node, DCAT.mediaType), graph)
    fmt = _format_from(graph.value(node, DCT["format"]), graph)
    if not fmt and media_type:
        fmt = _formats_by_uri().get(media_type, "")
    if not media_type and fmt.count("/") == 1:  # CKAN's format given as a media type
        media_type, fmt = fmt.lower(), _formats_by_uri().get(fmt.lower(), "")
    licence_node = graph.value(node, DCT.license)
    license_id = _license_id(graph, licence_node) if licence_node is not None else ""
    size = graph.value(node, DCAT.byteSize)
    sha256, found = "", []
    for checksum in graph.objects(node, SPDX.checksum):
        algorithm = graph.value(checksum, SPDX.algorithm)
        value = str(graph.value(checksum, SPDX.checksumValue) or "").strip().lower()
        name = str(algorithm or "").rsplit("_", 1)[-1].lower()
        if name not in CHECKSUM_ALGORITHMS or not _HEX.match(value):
            continue
        found.append((name != "sha256", CHECKSUM_ALGORITHMS[name], value))
        if name == "sha256":
            sha256 = value
    # The declared hash: another algorithm than the portal's SHA-256 when there are several.
    declared = _declared_hash(*max(found, key=lambda item: item[0])[1:]) if found else ""
    schema = _iri_or_text(graph, node, DCT.conformsTo)
    name = _text(graph, node, DCT.title) or url.rsplit("/", 1)[-1][:500]
    rights = _rights_from(graph, node)
    description = _text(graph, node, DCT.description)
    return {
        "name": name,
        "description": "" if description == generated_description(name, fmt) else description,
        "name_translated": translations_from(graph, node, DCT.title),
        "description_translated": translations_from(graph, node, DCT.description),
        "url": url,
        "format": fmt,
        "media_type": media_type,
        "license_id": license_id,
        "rights": rights,
        "schema": schema if is_http(schema) else None,
        "size": _int(size),
        "hash": declared,
        "last_modified": _datetime_from(graph.value(node, DCT.modified)),
        "sha256": sha256,
        "uri": str(node) if isinstance(node, URIRef) else "",
        "position": _int(graph.value(node, SCHEMA.position)),
    }


# --- catalog ---------------------------------------------------------------------------------


def catalog_triples(base_url: str, *, title: str, publisher: Entity | None = None,
                    issued: date | datetime | None = None,
                    modified: date | datetime | None = None,
                    refs: References | None = None) -> Iterator[Triple]:
    """The catalog node. Link datasets with ``(catalog_uri, dcat:dataset, dataset_uri)``."""
    refs = refs if refs is not None else References()
    settings = _catalog_settings()
    node = catalog_uri(base_url)
    yield node, RDF.type, DCAT.Catalog
    yield node, DCT.title, Lit(title, None, LANG)
    yield node, DCT.description, Lit(settings["description"], None, LANG)
    if publisher is None:
        publisher = Entity(**settings["publisher"])
    refs.entities[publisher.id or publisher.name] = publisher
    yield node, DCT.publisher, entity_uri(publisher.name, base_url)
    homepage = URIRef(_base(base_url) + "/")
    yield node, FOAF.homepage, homepage
    yield homepage, RDF.type, FOAF.Document
    languages = codes("languages")
    for code in settings["language"]:
        refs.iris.add(EU_LANGUAGE[languages[code]["eu"]])
        yield node, DCT.language, EU_LANGUAGE[languages[code]["eu"]]
    for code in settings["spatial"]:
        refs.iris.add(spatial_uri(code, base_url))
        yield node, DCT.spatial, spatial_uri(code, base_url)
    licence = _license_node(settings["license_id"])
    if licence is not None:
        refs.iris.add(licence)
        yield node, DCT.license, licence
    yield node, DCT.issued, _date_literal(issued or date.fromisoformat(settings["issued"]))
    if modified is not None:
        yield node, DCT.modified, _date_literal(modified)
    theme_scheme = URIRef(_vocabularies()["data_themes"]["scheme"])
    refs.iris.add(theme_scheme)
    yield node, DCAT.themeTaxonomy, theme_scheme
    yield node, DCAT.themeTaxonomy, theme_scheme_uri(base_url)
    yield from theme_scheme_triples(base_url)


def catalog_to_rdf(graph: Graph, base_url: str, *, title: str,
                   datasets: Iterable[Dataset] = (), publisher: Entity | None = None,
                   issued: date | datetime | None = None,
                   modified: date | datetime | None = None) -> URIRef:
    refs = References()
    node = catalog_uri(base_url)
    for triple in catalog_triples(base_url, title=title, publisher=publisher, issued=issued,
                                  modified=modified, refs=refs):
        _add(graph, triple)
    for dataset in datasets:
        graph.add((node, DCAT.dataset, dataset_uri(dataset.name, base_url)))
        for triple in dataset_triples(dataset, base_url, refs):
            _add(graph, triple)
    for triple in references_triples(refs, base_url):
        _add(graph, triple)
    return node


def catalog_from_rdf(graph: Graph, node: Node) -> dict[str, Any]:
    """A remote catalog's own metadata and its dataset nodes (for harvesters)."""
    publisher = graph.value(node, DCT.publisher)
    return {
        "uri": str(node) if isinstance(node, URIRef) else "",
        "title": _text(graph, node, DCT.title),
        "description": _text(graph, node, DCT.description),
        "homepage": _iri_or_text(graph, node, FOAF.homepage),
        "publisher": publisher_from_rdf(graph, publisher) if publisher is not None else None,
        "language": _languages_from(graph, node, {}),
        "modified": _date_from(graph.value(node, DCT.modified)),
        "datasets": list(graph.objects(node, DCAT.dataset)),
    }


def find_datasets(graph: Graph) -> list[Node]:
    """Every dataset node described in a graph: typed dcat:Dataset or listed by a catalog.

    A paged catalog may list a dataset that only a later page describes: it is left out here.
    """
    listed: dict[Node, None] = {}
    for catalog in graph.subjects(RDF.type, DCAT.Catalog):
        listed.update(dict.fromkeys(graph.objects(catalog, DCAT.dataset)))
    # A dataset named only as the dct:source of another (where a harvested copy came from) is
    # described there for DCAT-AP's sake, not offered: it is left out unless a catalog lists it.
    sources = set(graph.objects(None, DCT.source))
    found = {node: None for node in graph.subjects(RDF.type, DCAT.Dataset)
             if node not in sources or node in listed}
    found.update(listed)
    return [node for node in found if (node, DCT.title, None) in graph
            or (node, DCAT.distribution, None) in graph]


# --- reading helpers -------------------------------------------------------------------------


def _text(graph: Graph, node: Node, *predicates: URIRef) -> str:
    """The best literal: Spanish first, then untagged, then any language."""
    for predicate in predicates:
        found = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
        if found:
            for wanted in (LANG, None):
                for literal in found:
                    if (literal.language or None) == wanted or (
                            wanted and (literal.language or "").startswith(wanted + "-")):
                        return str(literal).strip()
            return min(str(literal) for literal in found).strip()
    return ""


def _iri_or_text(graph: Graph, node: Node, *predicates: URIRef) -> str:
    for predicate in predicates:
        for value in graph.objects(node, predicate):
            if isinstance(value, URIRef | Literal):
                return str(value).strip()
    return ""


def _email(value: str) -> str:
    value = unquote(value.strip())
    return value[len("mailto:"):] if value.lower().startswith("mailto:") else value


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-_")[:100].strip("-_")


def _slug_from(node: Node, title: str) -> str:
    """The last segment of the node's IRI when it is a valid name, else the title made a slug."""
    if isinstance(node, URIRef):
        parts = urlsplit(str(node))
        segment = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
        if SLUG.match(segment):
            return segment
    return _slug(title)


def _date_from(value: Node | None) -> str | None:
    """An ISO date from a date, dateTime, gYear or gYearMonth literal (first day)."""
    if value is None:
        return None
    text = str(value).strip()
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _end_date_from(value: Node | None) -> str | None:
    """Like ``_date_from`` but a bare year or month means its last day."""
    start = _date_from(value)
    if start is None:
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = int(text[:4]), int(text[5:7])
        next_month = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(next_month.toordinal() - 1).isoformat()
    return start


def _datetime_from(value: Node | None) -> str | None:
    """An ISO date-time (UTC, no offset, as the catalog stores it) from a date or dateTime."""
    if value is None:
        return None
    try:
        found = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if found.tzinfo is not None:
        found = found.astimezone(UTC).replace(tzinfo=None)
    return found.isoformat()


def _int(value: Node | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(float(str(value).strip()))
    except ValueError:
        return None
    return number if number >= 0 else None


def _period_from(graph: Graph, node: Node) -> tuple[str | None, str | None]:
    for period in graph.objects(node, DCT.temporal):
        start = (graph.value(period, DCAT.startDate) or graph.value(period, SCHEMA.startDate))
        end = graph.value(period, DCAT.endDate) or graph.value(period, SCHEMA.endDate)
        if start is None:
            beginning = graph.value(period, TIME.hasBeginning)
            if beginning is not None:
                start = graph.value(beginning, TIME.inXSDDate) or graph.value(
                    beginning, TIME.inXSDDateTimeStamp) or graph.value(beginning,
                                                                       TIME.inXSDDateTime)
        if end is None:
            ending = graph.value(period, TIME.hasEnd)
            if ending is not None:
                end = graph.value(ending, TIME.inXSDDate) or graph.value(
                    ending, TIME.inXSDDateTimeStamp) or graph.value(ending, TIME.inXSDDateTime)
        if start is not None or end is not None:
            return _date_from(start), _end_date_from(end)
    return None, None


def _themes_from(graph: Graph, node: Node, extras: dict) -> list[str]:
    names: list[str] = []
    # An EU theme that only restates one of the dataset's themes (its skos:closeMatch, as
    # our export writes it) says nothing more.
    matched = {match for theme in graph.objects(node, DCAT.theme)
               for match in graph.objects(theme, SKOS.closeMatch)}
    for theme in graph.objects(node, DCAT.theme):
        text = str(theme)
        if isinstance(theme, URIRef) and text.startswith(str(EU_DATA_THEME)):
            if theme not in matched:
                extras.setdefault("eu_themes", []).append(text.rsplit("/", 1)[-1])
            continue
        name = _slug_from(theme, "") if isinstance(theme, URIRef) else ""
        if name and "/group/" in text:
            names.append(name)
        else:
            label = _text(graph, theme, SKOS.prefLabel) if not isinstance(theme, Literal) \
                else text
            extras.setdefault("themes", []).append(label or text)
    for key in ("eu_themes", "themes"):
        if key in extras:
            extras[key] = sorted(set(extras[key]))
    return sorted(set(names))


def _license_id(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        found = _licenses_by_url().get(_normal_url(str(node)))
        if found:
            return found
    if isinstance(node, Literal):
        text = str(node).strip()
        if get_license(text):
            return text
        return _licenses_by_url().get(_normal_url(text), "") if "/" in text else ""
    identifier = _text(graph, node, DCT.identifier)
    if identifier and get_license(identifier):
        return identifier
    for match in graph.objects(node, SKOS.exactMatch):
        found = _licenses_by_url().get(_normal_url(str(match)))
        if found:
            return found
    return ""


def _license_from(graph: Graph, node: Node, extras: dict) -> dict[str, str]:
    licence = graph.value(node, DCT.license)
    if licence is None:
        return {"license_id": ""}
    license_id = _license_id(graph, licence)
    if not license_id:
        extras["license"] = str(licence) if not isinstance(licence, BNode) else _text(
            graph, licence, RDFS.label, DCT.title)
    return {"license_id": license_id}


def _rights_from(graph: Graph, node: Node) -> str:
    """A distribution's ``dct:rights``: a literal, the label of a ``dct:RightsStatement``, or
    the statement's IRI when it has no label (ckanext-dcat's ``rights``). Cut to the field's
    2000 characters."""
    for value in graph.objects(node, DCT.rights):
        if isinstance(value, Literal):
            text = str(value).strip()
        else:
            text = _text(graph, value, RDFS.label, SKOS.prefLabel, DCT.title, DCT.description)
            if not text and isinstance(value, URIRef):
                text = str(value)
        if text:
            return text[:2000]
    return ""


def _access_rights_from(graph: Graph, node: Node, extras: dict) -> str:
    value = graph.value(node, DCT.accessRights)
    if value is None:
        return "public"
    code = str(value).rstrip("/").rsplit("/", 1)[-1].upper().replace("-", "_")
    for ours, item in _vocabularies()["access_rights"]["items"].items():
        if code == item["code"]:
            return ours
    extras["access_rights"] = str(value)
    return "public"


def _spatial_from(graph: Graph, node: Node, extras: dict) -> list[str]:
    known = codes("spatial")
    found: list[str] = []
    for place in graph.objects(node, DCT.spatial):
        text = str(place)
        if isinstance(place, URIRef) and text.rstrip("/").endswith("/country/BOL"):
            found.append("BO")
            continue
        segment = text.rstrip("/").rsplit("/", 1)[-1].upper()
        notation = _text(graph, place, SKOS.notation) if not isinstance(place, Literal) else ""
        if notation in known:
            found.append(notation)
        elif isinstance(place, URIRef) and segment in known:
            found.append(segment)
        else:
            geometry = "" if isinstance(place, Literal) else _text(
                graph, place, LOCN.geometry, DCAT.bbox)
            extras.setdefault("spatial", []).append(text if not isinstance(place, BNode)
                                                    else geometry)
    return list(dict.fromkeys(found))


def _frequency_from(graph: Graph, node: Node, extras: dict) -> str:
    value = graph.value(node, DCT.accrualPeriodicity)
    if value is None:
        return ""
    text = str(value).strip()
    aliases = _vocabularies()["frequency_aliases"]
    if text in aliases:
        return aliases[text]
    code = text.rstrip("/").rsplit("/", 1)[-1].upper()
    if code in codes("frequencies"):
        return code
    extras["frequency"] = text
    return ""


def _languages_from(graph: Graph, node: Node, extras: dict) -> list[str]:
    by_eu = {item["eu"]: code for code, item in codes("languages").items()}
    found: list[str] = []
    for value in _json_lists(graph.objects(node, DCT.language)):
        text = str(value).strip()
        tail = text.rstrip("/").rsplit("/", 1)[-1]
        if tail.upper() in by_eu:
            found.append(by_eu[tail.upper()])
        elif tail.lower() in codes("languages"):
            found.append(tail.lower())
        else:
            extras.setdefault("language", []).append(text)
    # RDF keeps no order: the code list's (Spanish, then the other official languages...).
    return [code for code in codes("languages") if code in found]


def _json_lists(values: Iterable[Node]) -> Iterator[Node | str]:
    """Values, with a literal holding a JSON array (CKAN's ``["es","en"]`` extras, exported as
    one literal by some portals) taken item by item."""
    for value in values:
        text = str(value).strip()
        if isinstance(value, Literal) and text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = None
            if isinstance(items, list):
                yield from (str(item) for item in items)
                continue
        yield value


def _format_from(value: Node | None, graph: Graph) -> str:
    if value is None:
        return ""
    if isinstance(value, BNode):
        text = _text(graph, value, RDFS.label, RDF.value, SKOS.prefLabel)
    else:
        text = str(value).strip()
    if text in _formats_by_uri():
        return _formats_by_uri()[text]
    if text.lower() in _formats_by_uri():
        return _formats_by_uri()[text.lower()]
    if "/" in text and text.startswith(("http://", "https://")):
        text = text.rstrip("/").rsplit("/", 1)[-1]
    item = file_types().get(text.upper())
    return item["format"] if item else text.upper()[:50]


def _media_type_from(value: Node | None, graph: Graph) -> str:
    if value is None:
        return ""
    text = _text(graph, value, RDFS.label, RDF.value) if isinstance(value, BNode) \
        else str(value).strip()
    for prefix in (IANA_MEDIA_TYPES, "http://www.iana.org/assignments/media-types/"):
        if text.startswith(prefix):
            return text[len(prefix):].lower()
    return text.lower() if text.count("/") == 1 else ""


