"""Series in DCAT-AP 3, both directions: what a dataset says of its series (export) and what a
source's graph says of series (harvest).

A series is typed ``dcat:Dataset`` and ``dcat:DatasetSeries`` (DCAT 3 makes the series a kind
of dataset; the catalog lists it with ``dcat:dataset``) and links its first and last public
members (``dcat:first``, ``dcat:last``). A member links each series (``dcat:inSeries``) and
its neighbours there (``dcat:prev``, ``dcat:next``); the series is described (type, title,
description) beside the member, so a member's own document passes the shapes' range check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from portal.catalog import dcat
from portal.rdf import ADMS, DCAT, DCT, Lit, Triple
from portal.series import services, versions


def series_statements(dataset: Any, base_url: str) -> Iterator[Triple]:
    links = services.links()
    node = dcat.dataset_uri(dataset.name, base_url)
    if dataset.id in links.series:
        yield node, RDF.type, DCAT.DatasetSeries
        members = links.members[dataset.id]
        if members:
            yield node, DCAT["first"], dcat.dataset_uri(members[0].name, base_url)
            yield node, DCAT["last"], dcat.dataset_uri(members[-1].name, base_url)
    for item in links.navigation(dataset.id):
        series = item["series"]
        series_node = dcat.dataset_uri(series.name, base_url)
        yield node, DCAT.inSeries, series_node
        yield series_node, RDF.type, DCAT.DatasetSeries
        yield series_node, DCT.title, Lit(series.title, None, dcat.LANG)
        yield series_node, DCT.description, Lit(series.description or series.title, None,
                                                dcat.LANG)
        if item["prev"] is not None:
            yield node, DCAT["prev"], dcat.dataset_uri(item["prev"].name, base_url)
        if item["next"] is not None:
            yield node, DCAT["next"], dcat.dataset_uri(item["next"].name, base_url)


def version_uri(name: str, version: str, base_url: str) -> URIRef:
    return URIRef(f"{dcat.dataset_uri(name, base_url)}/version/{quote(version)}")


def version_statements(dataset: Any, base_url: str) -> Iterator[Triple]:
    """A dataset's versions: ``dcat:hasVersion`` (DCAT 3) and ``dct:hasVersion`` (DCAT-AP 3)
    to each, described as a dataset that ``dcat:isVersionOf`` it, with ``dcat:version``,
    ``adms:versionNotes`` and when it was made (``dct:issued``)."""
    node = dcat.dataset_uri(dataset.name, base_url)
    for version in versions.catalog_versions().get(dataset.id, ()):
        target = version_uri(dataset.name, version.version, base_url)
        yield node, DCAT.hasVersion, target
        yield node, DCT.hasVersion, target
        yield target, RDF.type, DCAT.Dataset
        title = version.title or dataset.title
        yield target, DCT.title, Lit(title, None, dcat.LANG)
        yield target, DCT.description, Lit(version.description or title, None, dcat.LANG)
        yield target, DCAT.isVersionOf, node
        yield target, DCT.isVersionOf, node
        yield target, DCAT.version, Lit(version.version)
        if version.notes:
            yield target, ADMS.versionNotes, Lit(version.notes, None, dcat.LANG)
        yield target, DCT.issued, dcat._date_literal(version.created)


def register() -> None:
    for statements in (series_statements, version_statements):
        if statements not in dcat.DATASET_STATEMENTS:
            dcat.DATASET_STATEMENTS.append(statements)


# --- harvest ---------------------------------------------------------------------------------


def with_series(graph: Graph, nodes: list[Node]) -> list[Node]:
    """``nodes`` (the source's datasets) and the series it describes (with a title), once each:
    ckanext-dcat and others type a series ``dcat:DatasetSeries`` only. A version of a dataset
    of the graph (``dcat:isVersionOf``) is that dataset's, not one more dataset."""
    found = {node: None for node in nodes
             if not any(original in graph.subjects(RDF.type, DCAT.Dataset)
                        for original in graph.objects(node, DCAT.isVersionOf))}
    for node in graph.subjects(RDF.type, DCAT.DatasetSeries):
        if (node, DCT.title, None) in graph:
            found.setdefault(node)
    return list(found)


def series_links(graph: Graph, node: Node) -> dict[str, object]:
    """What a source says of a node: a series, or a dataset and the IRIs of its series."""
    if (node, RDF.type, DCAT.DatasetSeries) in graph:
        return {"type": services.SERIES_TYPE, "in_series": []}
    return {"type": services.DATASET_TYPE,
            "in_series": sorted({str(series) for series in graph.objects(node, DCAT.inSeries)})}
