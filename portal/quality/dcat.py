"""Quality in RDF: the DQV measurements of a dataset (``dqv:hasQualityMeasurement``, added to the
dataset's own DCAT document) and the small vocabulary of the metrics they measure, served at
``/calidad/metricas``.

Each measurement is a ``dqv:QualityMeasurement`` computed on the dataset, with its
``dqv:isMeasurementOf`` a ``dqv:Metric`` of the vocabulary: the MQA total, one per MQA dimension
(each metric ``dqv:inDimension`` of the MQA dimensions, themselves ``dqv:inCategory`` the MQA),
and the portal's own DCAT-AP 3 violations and recommendations.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import current_app
from rdflib import BNode, URIRef

from portal.catalog import dcat as catalog_dcat
from portal.quality import mqa, services
from portal.rdf import (
    DCT,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    Lit,
    Namespace,
    Triple,
    turtle_block,
    turtle_prefixes,
)

DQV = Namespace("http://www.w3.org/ns/dqv#")

#: metric -> (label, definition, dimension or None, datatype)
METRICS: dict[str, tuple[str, str, str | None, URIRef]] = {
    "mqa-points": ("Puntuación MQA", "Puntos del Metadata Quality Assessment de data.europa.eu "
                   f"(de {mqa.MAX_POINTS}).", None, XSD.decimal),
    **{f"mqa-{d}": (f"MQA: {d}", f"Puntos de la dimensión {d} del MQA (de "
                    f"{mqa.DIMENSION_MAX[d]}).", d, XSD.decimal) for d in mqa.DIMENSIONS},
    "dcat-ap-violations": ("Violaciones de DCAT-AP 3", "Restricciones obligatorias de las "
                           "formas SHACL de DCAT-AP 3 que la descripción incumple.", None,
                           XSD.nonNegativeInteger),
    "dcat-ap-recommendations": ("Recomendaciones de DCAT-AP 3 no seguidas", "Propiedades "
                                "recomendadas de DCAT-AP 3 que faltan.", None,
                                XSD.nonNegativeInteger),
}


def vocabulary_uri(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/calidad/metricas"


def metric_uri(key: str, base_url: str) -> URIRef:
    return URIRef(f"{vocabulary_uri(base_url)}#{key}")


def metrics_triples(base_url: str) -> Iterator[Triple]:
    category = metric_uri("mqa", base_url)
    yield category, RDF.type, DQV.Category
    yield category, SKOS.prefLabel, Lit("Metadata Quality Assessment (data.europa.eu)", None, "en")
    for dimension in mqa.DIMENSIONS:
        node = metric_uri(dimension, base_url)
        yield node, RDF.type, DQV.Dimension
        yield node, SKOS.prefLabel, Lit(dimension, None, "en")
        yield node, DQV.inCategory, category
    for key, (label, definition, dimension, datatype) in METRICS.items():
        node = metric_uri(key, base_url)
        yield node, RDF.type, DQV.Metric
        yield node, SKOS.prefLabel, Lit(label, None, "es")
        yield node, SKOS.definition, Lit(definition, None, "es")
        yield node, DQV.expectedDataType, datatype
        if dimension is not None:
            yield node, DQV.inDimension, metric_uri(dimension, base_url)


def metrics_turtle() -> str:
    base = current_app.config["PORTAL_SITE_URL"]
    head = [(URIRef(vocabulary_uri(base)), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")),
            (URIRef(vocabulary_uri(base)), RDFS.label, Lit("Métricas de calidad del portal", None,
                                                         "es"))]
    return turtle_prefixes() + turtle_block([*head, *metrics_triples(base)])


def measurement_triples(dataset, base_url: str) -> Iterator[Triple]:
    """The DQV measurements of the dataset's latest score (none before the first)."""
    found = services.latest(dataset.id)
    if found is None:
        return
    node = catalog_dcat.dataset_uri(dataset.name, base_url)
    score = found.score
    values = {"mqa-points": (score.points, XSD.decimal),
              **{f"mqa-{d}": (getattr(score, d), XSD.decimal) for d in mqa.DIMENSIONS},
              "dcat-ap-violations": (score.shacl_violations, XSD.nonNegativeInteger),
              "dcat-ap-recommendations": (score.shacl_warnings, XSD.nonNegativeInteger)}
    for key, (value, datatype) in values.items():
        measurement = BNode()
        yield node, DQV.hasQualityMeasurement, measurement
        yield measurement, RDF.type, DQV.QualityMeasurement
        yield measurement, DQV.computedOn, node
        yield measurement, DQV.isMeasurementOf, metric_uri(key, base_url)
        yield measurement, DQV.value, Lit(f"{value:g}" if isinstance(value, float) else
                                          str(value), datatype)
        yield measurement, PROV.generatedAtTime, Lit(
            score.computed.replace(microsecond=0).isoformat(), XSD.dateTime)
        yield measurement, DCT.date, Lit(score.day.isoformat(), XSD.date)
