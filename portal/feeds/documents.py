"""RDF documents of the feeds: a page of the catalog (Hydra-paged) and one dataset.

Turtle is written as text: each dataset by ``portal.catalog.dcat_turtle`` (the hot path), the
catalog head, paging and shared descriptions by the writer of ``portal.rdf``. RDF/XML and JSON-LD
go through an rdflib graph of the same triples (pages are small).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from rdflib import Graph, Literal, URIRef
from sqlalchemy import func, select

from portal import db
from portal.catalog import dcat, services
from portal.catalog.dcat_turtle import dataset_turtle
from portal.catalog.models import Dataset, Entity
from portal.feeds.queries import FeedQuery, Page, catalog_version, remember
from portal.rdf import (
    DCAT,
    HYDRA,
    PREFIXES,
    RDF,
    XSD,
    Triple,
    add_triples,
    bind_prefixes,
    turtle_block,
    turtle_prefixes,
)

JSONLD_CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def base_url() -> str:
    return current_app.config["PORTAL_SITE_URL"].rstrip("/")


def site_title() -> str:
    return current_app.config["PORTAL_SITE_TITLE"]


def catalog_publisher() -> Entity | None:
    name = dcat._catalog_settings()["publisher"]["name"]
    return db.session.scalar(select(Entity).where(Entity.name == name,
                                                  Entity.state == "active"))


def catalog_dates(version: tuple | None = None) -> tuple[datetime | None, datetime | None]:
    """When the first public dataset was created and the last one changed: a scan of the
    datasets, kept while the catalog's version (``queries.catalog_version``, read here when not
    given) stays the same."""

    def compute() -> tuple[datetime | None, datetime | None]:
        row = db.session.execute(services.public_datasets_query().with_only_columns(
            func.min(Dataset.metadata_created), func.max(Dataset.metadata_modified))).one()
        return row[0], row[1]

    return remember("dates", version or catalog_version(), compute)


def catalog_head_triples(refs: dcat.References,
                         version: tuple | None = None) -> Iterable[Triple]:
    issued, modified = catalog_dates(version)
    return dcat.catalog_triples(base_url(), title=site_title(), publisher=catalog_publisher(),
                                issued=issued, modified=modified, refs=refs)


def page_url(ext: str, query: FeedQuery, page: int) -> URIRef:
    return URIRef(f"{base_url()}/catalog.{ext}?{urlencode(query.args(page=page))}")


def hydra_triples(ext: str, query: FeedQuery, page: Page) -> Iterable[Triple]:
    """Paging as Hydra ``PartialCollectionView``, and as the older ``PagedCollection`` terms
    that ckanext-dcat's and uData's harvesters follow."""
    catalog = dcat.catalog_uri(base_url())
    view = page_url(ext, query, page.number)
    total = Literal(page.total, datatype=XSD.integer)
    yield catalog, HYDRA.totalItems, total
    yield catalog, HYDRA.view, view
    yield view, RDF.type, HYDRA.PartialCollectionView
    yield view, RDF.type, HYDRA.PagedCollection
    yield view, HYDRA.totalItems, total
    yield view, HYDRA.itemsPerPage, Literal(page.size, datatype=XSD.integer)
    links = {"first": 1, "last": page.last}
    if page.number < page.last:
        links["next"] = page.number + 1
    if page.number > 1:
        links["previous"] = page.number - 1
    for name, number in links.items():
        target = page_url(ext, query, number)
        yield view, HYDRA[name], target
        yield view, HYDRA[f"{name}Page"], target


def catalog_page_turtle(query: FeedQuery, page: Page) -> str:
    """A page of the catalog as Turtle: the same statements as ``catalog_page_triples``."""
    refs = dcat.References()
    base = base_url()
    head = [*catalog_head_triples(refs, page.version), *hydra_triples("ttl", query, page)]
    body = [dataset_turtle(dataset, base, refs, in_catalog=True) for dataset in page.datasets]
    tail = turtle_block(dcat.references_triples(refs, base))
    return "".join((turtle_prefixes(), turtle_block(head), *body, tail))


def extra_triples(dataset: Any) -> list[Triple]:
    """Statements other domains add to a dataset's own document (quality: its DQV
    measurements): functions ``(dataset, base_url) -> triples`` they list in
    ``app.extensions["dataset_rdf_extras"]``. The feeds import none of them."""
    return [triple for extra in current_app.extensions.get("dataset_rdf_extras", ())
            for triple in extra(dataset, base_url())]


def dataset_document_turtle(dataset: Any) -> str:
    refs = dcat.References()
    body = dataset_turtle(dataset, base_url(), refs)
    return (turtle_prefixes() + body + turtle_block(extra_triples(dataset))
            + turtle_block(dcat.references_triples(refs, base_url())))


def catalog_page_triples(ext: str, query: FeedQuery, page: Page) -> list[Triple]:
    refs = dcat.References()
    base = base_url()
    catalog = dcat.catalog_uri(base)
    triples = list(catalog_head_triples(refs, page.version))
    triples += hydra_triples(ext, query, page)
    for dataset in page.datasets:
        triples.append((catalog, DCAT.dataset, dcat.dataset_uri(dataset.name, base)))
        triples += dcat.dataset_triples(dataset, base, refs)
    triples += dcat.references_triples(refs, base)
    return triples


def dataset_document_triples(dataset: Any) -> list[Triple]:
    refs = dcat.References()
    triples = list(dcat.dataset_triples(dataset, base_url(), refs))
    triples += extra_triples(dataset)
    triples += dcat.references_triples(refs, base_url())
    return triples


def serialize(triples: list[Triple], ext: str) -> str:
    """RDF/XML or JSON-LD (Turtle is written by ``catalog_page_turtle`` and
    ``dataset_document_turtle``)."""
    graph = bind_prefixes(Graph())
    add_triples(graph, triples)
    if ext == "jsonld":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
    if ext in ("rdf", "xml"):
        return graph.serialize(format="xml")
    raise ValueError(f"not a graph format: {ext}")
