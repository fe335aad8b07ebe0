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

from rdflib import RDF, Graph
from rdflib.term import Node

from portal.catalog import dcat
from portal.rdf import DCAT, DCT, Lit, Triple
from portal.series import services


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


def register() -> None:
    if series_statements not in dcat.DATASET_STATEMENTS:
        dcat.DATASET_STATEMENTS.append(series_statements)


# --- harvest ---------------------------------------------------------------------------------


def with_series(graph: Graph, nodes: list[Node]) -> list[Node]:
    """``nodes`` (the source's datasets) and the series it describes (with a title), once each:
    ckanext-dcat and others type a series ``dcat:DatasetSeries`` only."""
    found = dict.fromkeys(nodes)
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
