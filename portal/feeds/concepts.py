"""The spatial concepts the feeds point to, so their URIs resolve: ``{site}/spatial/<code>`` for
each department of Bolivia (a ``skos:Concept`` and ``dct:Location`` of the portal's scheme
``{site}/spatial``, labelled in Spanish from ``standards/codelists/spatial.json``). Bolivia as a
whole is the EU country ``BOL``. The descriptions are those the feeds embed
(``dcat.vocabulary``), so a page and a feed can't disagree."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from portal.catalog import dcat
from portal.catalog.codelists import codes
from portal.rdf import SKOS, Triple

NATIONAL = "BO"  # Bolivia: the EU country authority's concept, not one of ours


@dataclass(frozen=True)
class SpatialConcept:
    code: str
    label: str
    uri: str
    bbox: tuple[float, float, float, float] | None  # west, south, east, north (WGS84)


def spatial_concepts(base_url: str) -> list[SpatialConcept]:
    """The departments, in the order of the code list."""
    boxes = dcat._spatial_boxes()
    return [SpatialConcept(code, item["label"], str(dcat.spatial_uri(code, base_url)),
                           tuple(boxes[code]) if code in boxes else None)
            for code, item in codes("spatial").items() if code != NATIONAL]


def spatial_concept(code: str, base_url: str) -> SpatialConcept | None:
    return next((c for c in spatial_concepts(base_url) if c.code == code), None)


def concept_triples(code: str, base_url: str) -> list[Triple]:
    """One department and its scheme."""
    vocabulary = dcat.vocabulary(base_url)
    return [*vocabulary[dcat.spatial_scheme_uri(base_url)],
            *vocabulary[dcat.spatial_uri(code, base_url)]]


def scheme_triples(base_url: str) -> list[Triple]:
    """The scheme with every department (``skos:hasTopConcept``)."""
    vocabulary = dcat.vocabulary(base_url)
    scheme = dcat.spatial_scheme_uri(base_url)
    triples = list(vocabulary[scheme])
    for concept in spatial_concepts(base_url):
        node = URIRef(concept.uri)
        triples.append((scheme, SKOS.hasTopConcept, node))
        triples += vocabulary[node]
    return triples
