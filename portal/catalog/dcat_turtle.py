"""DCAT-AP Turtle written straight from a dataset's fields: the export's hot path.

``dcat.dataset_triples`` says what a dataset is in RDF, as rdflib terms, for graphs (RDF/XML,
JSON-LD, the round trip). Making those terms and grouping them by subject costs most of a large
export, so the full dumps and the Turtle pages write the same statements here as text, with the
vocabulary terms prepared once per site. The tests check that both give the same graph for every
dataset of the demo and sample catalogs (and a harvested one), and that the result passes the
DCAT-AP shapes.

Takes an ORM ``Dataset`` or a ``portal.feeds.rows.DatasetRow`` (same attribute names). Literals
are escaped with ``turtle_string``, addresses typed by people made valid IRIs with ``safe_iri``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from rdflib import RDF, URIRef

from portal.catalog import dcat
from portal.catalog.codelists import codes
from portal.catalog.licenses import licenses
from portal.rdf import (
    EU_ACCESS_RIGHT,
    EU_AVAILABILITY,
    EU_DATA_THEME,
    EU_FILE_TYPE,
    EU_FREQUENCY,
    EU_LANGUAGE,
    safe_iri,
    turtle_iri,
    turtle_literal,
    turtle_string,
)

_SEP = " ;\n    "
_ES = "@es"


def _lit(value: str) -> str:
    return turtle_string(value)


def _lit_es(value: str) -> str:
    return turtle_string(value) + _ES


def _translated(predicate: str, translations: dict[str, str] | None) -> list[str]:
    """``dcat.tagged`` as Turtle: one literal per translation, tagged with its language
    (a code of ``translations.LANGUAGES``, checked on input)."""
    return [f"{predicate} {turtle_string(text)}@{lang}"
            for lang, text in (translations or {}).items()]


_DATES: dict[date, str] = {}


def _date(value: date | datetime) -> str:
    """``dcat._date_literal`` as Turtle: a date, or a date-time to the second."""
    if isinstance(value, datetime):
        return f'"{value.isoformat(timespec="seconds")}"^^xsd:dateTime'
    found = _DATES.get(value)
    if found is None:  # dates repeat (coverage, issue): kept, a few thousand at most
        found = f'"{value.isoformat()}"^^xsd:date'
        if len(_DATES) < 20_000:
            _DATES[value] = found
    return found


def _term(node: Any) -> str:
    """An IRI or a literal of ``dcat.DATASET_STATEMENTS`` as Turtle."""
    if isinstance(node, URIRef):
        return "a" if node == RDF.type else turtle_iri(str(node))
    return turtle_literal(node)


def _ref(node: URIRef) -> tuple[str, URIRef]:
    """A vocabulary term as written (``prefix:local`` or ``<iri>``) and as rdflib term."""
    return turtle_iri(str(node)), node


class DcatTurtle:
    """Writes datasets of one site (``base_url``) as Turtle statements, without prefixes."""

    def __init__(self, base_url: str):
        base = base_url.rstrip("/")
        self.base = base
        self.catalog = f"<{base}/catalog>"
        self.dataset_prefix = f"<{base}/dataset/"
        self.entity_prefix = f"<{base}/organization/"
        self.theme_prefix = f"<{base}/group/"
        vocab = dcat._vocabularies()
        self.eu_themes = {code: _ref(EU_DATA_THEME[code]) for code in vocab["data_themes"]["items"]}
        self.rights = {key: _ref(EU_ACCESS_RIGHT[item["code"]])
                       for key, item in vocab["access_rights"]["items"].items()}
        self.frequencies = {code: _ref(EU_FREQUENCY[code]) for code in codes("frequencies")}
        self.languages = {code: _ref(EU_LANGUAGE[item["eu"]])
                          for code, item in codes("languages").items()}
        self.spatial = {code: _ref(dcat.spatial_uri(code, base)) for code in codes("spatial")}
        self.availability = _ref(EU_AVAILABILITY[vocab["availability"]["default"]])
        self.file_types = {key: _ref(EU_FILE_TYPE[item["eu"]])
                           for key, item in dcat.file_types().items()}
        self.licences: dict[str, tuple[str, URIRef | None]] = {}
        for licence in licenses().values():
            if licence.url:
                self.licences[licence.id] = _ref(URIRef(licence.url))
            else:  # no canonical URL: a blank LicenseDocument, as _generic_license_triples
                self.licences[licence.id] = (
                    f"[ a dct:LicenseDocument ; dct:identifier {_lit(licence.id)} ; "
                    f"rdfs:label {_lit_es(licence.title)} ]", None)
        self.media_types: dict[str, tuple[str, URIRef]] = {}

    def _media_type(self, media_type: str) -> tuple[str, URIRef]:
        found = self.media_types.get(media_type)
        if found is None:
            found = _ref(dcat._media_type_uri(media_type))
            if len(self.media_types) < 1000:
                self.media_types[media_type] = found
        return found

    def dataset(self, dataset: Any, refs: dcat.References, *, in_catalog: bool = False) -> str:
        """The statements of one dataset and its distributions (``dcat.dataset_triples``);
        records in ``refs`` what they point to. ``in_catalog`` adds the catalog's
        ``dcat:dataset`` link."""
        iris = refs.iris
        node = f"{self.dataset_prefix}{safe_iri(dataset.name)}>"
        title = dataset.title
        out = [f"{self.catalog} dcat:dataset {node} .\n\n"] if in_catalog else []
        extra: list[str] = []  # statements about other subjects, written after the dataset
        p = [f"{node} a dcat:Dataset", f"dct:title {_lit_es(title)}",
             *_translated("dct:title", dataset.title_translated),
             f"dct:description {_lit_es(dataset.description or title)}",
             *_translated("dct:description", dataset.description_translated)]
        entity = dataset.entity
        remote = dcat.remote_publisher(dataset) if dataset.extras else None
        if remote is not None:
            p.append(f"dct:publisher {self._remote_publisher(remote, iris, extra)}")
        elif entity is not None:
            refs.entities[entity.id] = entity
            p.append(f"dct:publisher {self.entity_prefix}{safe_iri(entity.name)}>")
        if dataset.keywords:
            p.append("dcat:keyword " + ", ".join(_lit_es(k) for k in dataset.keywords))
        for lang, words in (dataset.keywords_translated or {}).items():
            p.append("dcat:keyword " + ", ".join(f"{turtle_string(k)}@{lang}" for k in words))
        for theme in dataset.themes:
            refs.themes[theme.id] = theme
            p.append(f"dcat:theme {self.theme_prefix}{safe_iri(theme.name)}>")
            eu = self.eu_themes.get(theme.eu_theme)
            if eu is not None:
                iris.add(eu[1])
                p.append(f"dcat:theme {eu[0]}")
        licence = self._licence(dataset.license_id, iris)
        if licence:
            p.append(f"dct:license {licence}")
        rights = self.rights.get(dataset.access_rights)
        if rights is not None:
            iris.add(rights[1])
            p.append(f"dct:accessRights {rights[0]}")
        if dataset.contact_name or dataset.contact_email:
            contact = ["a vcard:Kind"]
            if dataset.contact_name:
                contact.append(f"vcard:fn {_lit(dataset.contact_name)}")
            if dataset.contact_email:
                contact.append(f"vcard:hasEmail <{safe_iri('mailto:' + dataset.contact_email)}>")
            p.append(f"dcat:contactPoint [ {' ; '.join(contact)} ]")
        if dataset.temporal_start or dataset.temporal_end:
            period = ["a dct:PeriodOfTime"]
            if dataset.temporal_start:
                period.append(f"dcat:startDate {_date(dataset.temporal_start)}")
            if dataset.temporal_end:
                period.append(f"dcat:endDate {_date(dataset.temporal_end)}")
            p.append(f"dct:temporal [ {' ; '.join(period)} ]")
        spatial = self.spatial
        for code in dataset.spatial or ():
            place = spatial.get(code)
            if place is None:
                place = _ref(dcat.spatial_uri(code, self.base))
            iris.add(place[1])
            p.append(f"dct:spatial {place[0]}")
        if dataset.frequency:
            frequency = self.frequencies.get(dataset.frequency) or _ref(
                EU_FREQUENCY[dataset.frequency])
            iris.add(frequency[1])
            p.append(f"dct:accrualPeriodicity {frequency[0]}")
        for code in dataset.language or ():
            language = self.languages.get(code)
            if language is not None:
                iris.add(language[1])
                p.append(f"dct:language {language[0]}")
        if dataset.landing_page:
            page = f"<{safe_iri(dataset.landing_page)}>"
            p.append(f"dcat:landingPage {page}")
            extra.append(f"{page} a foaf:Document .\n")
        if dataset.version:
            p.append(f"dcat:version {_lit(dataset.version)}")
        if dataset.identifier:
            p.append(f"dct:identifier {_lit(dataset.identifier)}")
        if dataset.issued:
            p.append(f"dct:issued {_date(dataset.issued)}")
        if dataset.modified:
            p.append(f"dct:modified {_date(dataset.modified)}")
        if dataset.extras:
            self._provenance(dataset, p, extra)
            for key, value in dcat.exported_extras(dataset):
                value_text = turtle_literal(dcat.extra_literal(value))
                p.append(f"schema:additionalProperty [ a schema:PropertyValue ; schema:name "
                         f"{_lit(key)} ; schema:value {value_text} ]")
        for statements in dcat.DATASET_STATEMENTS:
            for subject, predicate, obj in statements(dataset, self.base):
                if str(subject) == node[1:-1]:
                    p.append(f"{_term(predicate)} {_term(obj)}")
                else:
                    extra.append(f"{_term(subject)} {_term(predicate)} {_term(obj)} .\n")
        resources = dataset.resources
        if resources:
            prefix = f"{node[:-1]}/resource/"
            p.append("dcat:distribution " + ", ".join(
                f"{prefix}{resource.id}>" for resource in resources))
        out.append(_SEP.join(p))
        out.append(" .\n\n")
        for position, resource in enumerate(resources):
            self._distribution(resource, dataset, f"{prefix}{resource.id}>", iris, out, extra,
                               position)
        if extra:
            out.extend(extra)
            out.append("\n")
        return "".join(out)

    def _licence(self, license_id: str, iris: set) -> str:
        found = self.licences.get(license_id) if license_id else None
        if found is None:
            return ""
        if found[1] is not None:
            iris.add(found[1])
        return found[0]

    @staticmethod
    def _remote_publisher(remote: dcat.RemotePublisher, iris: set, extra: list[str]) -> str:
        """A harvested dataset's own publisher (``dcat.remote_publisher_triples``): its node."""
        p = ["a foaf:Agent", f"foaf:name {_lit(remote.name)}"]
        if dcat.is_http(remote.type):
            p.append(f"dct:type <{safe_iri(remote.type)}>")
            if remote.type in dcat._publisher_type_uris():
                iris.add(URIRef(remote.type))
        if dcat.is_http(remote.url):
            p.append(f"foaf:homepage <{safe_iri(remote.url)}>")
        if remote.email:
            p.append(f"foaf:mbox <{safe_iri('mailto:' + remote.email)}>")
        if not dcat.is_http(remote.uri):
            return f"[ {' ; '.join(p)} ]"
        node = f"<{safe_iri(remote.uri)}>"
        extra.append(f"{node} {' ; '.join(p)} .\n")
        return node

    def _provenance(self, dataset: Any, p: list[str], extra: list[str]) -> None:
        provenance = dcat.provenance_of(dataset)
        if provenance is None:
            return
        if provenance.remote_url:
            remote = f"<{safe_iri(provenance.remote_url)}>"
            p.append(f"dct:source {remote}")
            extra.append(f"{remote} a dcat:Dataset ; dct:title {_lit_es(dataset.title)} ; "
                         f"dct:description {_lit_es(dataset.description or dataset.title)} .\n")
        if provenance.remote_id:
            p.append(f"adms:identifier [ a adms:Identifier ; skos:notation "
                     f"{_lit(provenance.remote_id)} ; adms:schemaAgency "
                     f"{_lit(provenance.source)} ]")

    def _distribution(self, resource: Any, dataset: Any, node: str, iris: set, out: list[str],
                      extra: list[str], position: int) -> None:
        p = [f"{node} a dcat:Distribution"]
        if resource.name:
            p.append(f"dct:title {_lit_es(resource.name)}")
            p.extend(_translated("dct:title", resource.name_translated))
        description = resource.description or dcat.generated_description(resource.name,
                                                                          resource.format)
        p.append(f"dct:description {_lit_es(description)}")
        p.extend(_translated("dct:description", resource.description_translated))
        p.append(f'schema:position "{position}"^^xsd:integer')
        if resource.url_type == "upload":
            url = f"<{dcat.download_url(dataset.name, resource, self.base)}>"
            p.append(f"dcat:accessURL {url}")
            p.append(f"dcat:downloadURL {url}")
            extra.append(f"{url} a rdfs:Resource .\n")
        elif resource.url:
            url = f"<{safe_iri(resource.url)}>"
            p.append(f"dcat:accessURL {url}")
            extra.append(f"{url} a rdfs:Resource .\n")
        fmt = resource.format
        if fmt:
            file_type = self.file_types.get(fmt.upper())
            if file_type is not None:
                iris.add(file_type[1])
                p.append(f"dct:format {file_type[0]}")
            else:
                p.append(f"dct:format [ a dct:MediaTypeOrExtent ; rdfs:label {_lit(fmt)} ]")
        if resource.media_type:
            media = self._media_type(resource.media_type)
            iris.add(media[1])
            p.append(f"dcat:mediaType {media[0]}")
        licence = self._licence(resource.license_id or dataset.license_id, iris)
        if licence:
            p.append(f"dct:license {licence}")
        if resource.rights:
            iri = dcat.rights_iri(resource.rights)
            if iri:
                p.append(f"dct:rights <{iri}>")
                extra.append(f"<{iri}> a dct:RightsStatement .\n")
            else:
                p.append(f"dct:rights [ a dct:RightsStatement ; rdfs:label "
                         f"{_lit_es(resource.rights)} ]")
        iris.add(self.availability[1])
        p.append(f"dcatap:availability {self.availability[0]}")
        if resource.size is not None and resource.size >= 0:
            p.append(f'dcat:byteSize "{resource.size}"^^xsd:nonNegativeInteger')
        if resource.sha256 or resource.hash:
            for algorithm, value in dcat.checksums(resource):
                iris.add(algorithm)
                p.append(f"spdx:checksum [ a spdx:Checksum ; spdx:algorithm "
                         f"{turtle_iri(str(algorithm))} ; "
                         f"spdx:checksumValue {_lit(value)}^^xsd:hexBinary ]")
        schema_url = dcat.schema_uri(resource, dataset.name, self.base) if resource.schema \
            else ""
        if schema_url:
            schema = f"<{safe_iri(schema_url)}>"
            p.append(f"dct:conformsTo {schema}")
            extra.append(f"{schema} a dct:Standard .\n")
        if resource.created:
            p.append(f"dct:issued {_date(resource.created)}")
        if resource.last_modified:
            p.append(f'dct:modified "{resource.last_modified.isoformat()}"^^xsd:dateTime')
        out.append(_SEP.join(p))
        out.append(" .\n\n")


@cache
def writer(base_url: str) -> DcatTurtle:
    return DcatTurtle(base_url)


def dataset_turtle(dataset: Any, base_url: str, refs: dcat.References | None = None, *,
                   in_catalog: bool = False) -> str:
    """Turtle statements (no prefixes) of one dataset, equal as a graph to
    ``dcat.dataset_triples(dataset, base_url, refs)``."""
    return writer(base_url.rstrip("/")).dataset(
        dataset, refs if refs is not None else dcat.References(), in_catalog=in_catalog)

