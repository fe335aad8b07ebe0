"""DCAT: a catalog in Turtle, RDF/XML, JSON-LD or N-Triples, paged with Hydra.

Pages are followed through ``hydra:next`` and the older ``hydra:nextPage``; a page seen twice
(a loop) or more than ``max_pages`` pages stop the listing with an error, so nothing is removed
on that run. Every dataset node is read with the catalog's own ``dataset_from_rdf``, so harvest
and export can never drift apart. A dataset's remote id is its ``dct:identifier``, or its URI.

The remote publisher (``dct:publisher``) is kept as the dataset's ``publisher_*`` extras
(ckanext-dcat's names) beside the harvesting entity. A distribution's Table Schema published at
the distribution's own address + ``/schema.json`` (how this portal exports an inline schema) is
read and stored inline; any other ``dct:conformsTo`` stays a URL.

Configuration: ``format`` forces a parser (``turtle``, ``xml``, ``json-ld``, ``nt``) when the
server sends a wrong media type.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from flask_babel import lazy_gettext as _l
from rdflib import Graph, Namespace, URIRef

from portal.catalog.dcat import dataset_from_rdf, find_datasets, publisher_extras
from portal.harvest.base import Harvester, RemoteItem
from portal.harvest.rdf import SAFE_XML, parse_rdf
from portal.outbound import FetchError
from portal.series import dcat as series_dcat
from portal.series.harvest import KEY as SERIES_LINKS

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
          "application/n-triples;q=0.7, */*;q=0.1")
FORMATS = {"turtle": "text/turtle", "xml": "application/rdf+xml", "rdf": "application/rdf+xml",
           SAFE_XML: "application/rdf+xml", "json-ld": "application/ld+json",
           "nt": "application/n-triples"}


def next_page(graph: Graph, base: str) -> str | None:
    """The next page of a Hydra-paged catalog, in either vocabulary form."""
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for target in graph.objects(None, predicate):
            text = str(target).strip()
            if text:
                return urljoin(base, text)
    return None


class DcatHarvester(Harvester):
    type = "dcat"
    label = _l("DCAT (Turtle, RDF/XML, JSON-LD, N-Triples)")
    defaults = {"format": ""}

    @classmethod
    def check_config(cls, config):
        problems = super().check_config(config)
        if config.get("format") and config["format"] not in FORMATS:
            problems.append(str(_l("Formato desconocido: «{value}». Use: {names}.")).format(
                value=config["format"], names=", ".join(sorted(FORMATS))))
        return problems

    def list_items(self) -> Iterator[RemoteItem]:
        url: str | None = self.source.url
        visited: set[str] = set()
        forced = FORMATS.get(self.config.get("format") or "", "")
        while url:
            if url in visited:
                self.problem("page-loop", str(_l(
                    "La paginación Hydra vuelve a una página ya leída ({url}); se detuvo el "
                    "listado.")).format(url=url), url)
                return
            if len(visited) >= int(self.config["max_pages"]):
                self.problem("too-many-pages", str(_l(
                    "El catálogo tiene más de {n} páginas; aumente «max_pages».")).format(
                        n=self.config["max_pages"]), url)
                return
            visited.add(url)
            fetched = self.fetcher.get(url, accept=ACCEPT)
            graph = parse_rdf(fetched.content, media_type=forced or fetched.media_type,
                              url=fetched.url, fetch_json=self.get_json)
            for node in series_dcat.with_series(graph, find_datasets(graph)):
                yield self._item(graph, node, fetched.url)
            url = next_page(graph, fetched.url)

    def _item(self, graph: Graph, node: Any, page: str) -> RemoteItem:
        try:
            data = dataset_from_rdf(graph, node)
            data[SERIES_LINKS] = series_dcat.series_links(graph, node)
        except Exception as exc:  # one odd node fails alone, in to_dataset
            data = {"_error": f"{type(exc).__name__}: {exc}"}
        uri = str(node) if isinstance(node, URIRef) else ""
        remote_id = data.get("identifier") or uri
        if not remote_id:  # a blank node without dct:identifier: its title is all we have
            remote_id = "sin-uri:" + hashlib.sha256(
                str(data.get("title")).encode()).hexdigest()[:16]
        return RemoteItem(remote_id=str(remote_id), url=uri or page,
                          title=str(data.get("title") or ""), payload=data)

    def to_dataset(self, item: RemoteItem) -> dict[str, Any]:
        if "_error" in item.payload:
            raise ValueError(str(_l("No se pudo leer el conjunto DCAT: {error}")).format(
                error=item.payload["_error"]))
        data = dict(item.payload)
        item.extra[SERIES_LINKS] = data.pop(SERIES_LINKS, None)
        extras = dict(data.get("extras") or {})
        extras.pop("uri", None)  # the remote address: the provenance's harvest_remote_url
        publisher = extras.pop("publisher", None)
        if isinstance(publisher, dict):
            extras.update(publisher_extras(publisher))
        data["extras"] = extras
        data["resources"] = [self._inline_schema(resource, item)
                             for resource in data.get("resources") or []]
        return data

    def _inline_schema(self, resource: dict[str, Any], item: RemoteItem) -> dict[str, Any]:
        """A schema published beside its distribution is that distribution's own: copy it.
        When it cannot be read, the resource keeps its URL and the item a note."""
        schema, uri = resource.get("schema"), resource.get("uri") or ""
        if not (uri and isinstance(schema, str) and schema == f"{uri}/schema.json"):
            return resource
        try:
            found = self.get_json(schema)
        except (FetchError, ValueError):
            found = None
        if not isinstance(found, dict) or not isinstance(found.get("fields"), list):
            item.extra.setdefault("notes", []).append(str(_l(
                "No se pudo leer el esquema {url}; se guardó su dirección.")).format(url=schema))
            return resource
        return {**resource, "schema": found}
