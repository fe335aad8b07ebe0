"""Tim Berners-Lee's five stars of open data, per resource, explained. A pure module: facts in,
rating out (the app side gathers the facts: ``facts_of``).

Each star needs the ones before it (https://5stardata.info):

1. open licence: the licence (the resource's, else the dataset's) is approved by the Open
   Definition (``standards/licenses.json``, as CKAN's ``isopen``), and the data is on the web:
   a link whose last check failed gets no star at all until it answers again;
2. machine-readable structured data: a format a program can read as data (a table, JSON,
   XML...), not a document or an image (PDF, DOC, HTML, JPG);
3. open, non-proprietary format: CSV, JSON, XML, ODS, GeoJSON... (XLS, XLSX, SHP, DBF, MDB
   get two stars, as in ckanext-qa);
4. URIs to denote things: an RDF serialisation (Turtle, RDF/XML, JSON-LD, N-Triples...) or a
   SPARQL endpoint;
5. linked data: the data links to other people's data. The portal does not read the file to
   find such links; it gives the fifth star to RDF served at a link that dereferences to RDF
   (its last check answered with an RDF media type), as Linked Data is published. RDF in an
   uploaded file stays at four stars, with that reason.

The dataset's rating is its best resource's (``best``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

#: Formats (upper-case names, as the catalog stores them) and their media types.
RDF_FORMATS = frozenset({"RDF", "RDF/XML", "RDFXML", "TTL", "TURTLE", "N3", "NT", "N-TRIPLES",
                         "NTRIPLES", "JSON-LD", "JSONLD", "TRIG", "NQ", "N-QUADS", "OWL",
                         "SPARQL", "SPARQL ENDPOINT"})
RDF_MEDIA_TYPES = frozenset({"application/rdf+xml", "text/turtle", "application/x-turtle",
                             "text/n3", "application/n-triples", "application/ld+json",
                             "application/trig", "application/n-quads",
                             "application/sparql-results+json", "application/sparql-query"})
OPEN_FORMATS = frozenset({"CSV", "TSV", "JSON", "XML", "ODS", "GEOJSON", "KML", "GML", "GPX",
                          "TOPOJSON", "NETCDF", "NC", "PARQUET", "AVRO", "ARROW", "GEOPACKAGE",
                          "GPKG", "OCDS", "DATAPACKAGE", "SDMX", "ATOM", "RSS", "ICS", "WMS",
                          "WFS", "WCS", "API", "ODT-TABLE", "TXT-CSV", "JSONL", "NDJSON",
                          "XBRL", "YAML", "SQL"})
PROPRIETARY_FORMATS = frozenset({"XLS", "XLSX", "XLSM", "XLSB", "SHP", "DBF", "MDB", "ACCDB",
                                 "SAV", "DTA", "SAS7BDAT", "KMZ", "ESRI REST", "ARCGIS"})
OPEN_MEDIA_TYPES = frozenset({"text/csv", "text/tab-separated-values", "application/json",
                              "application/xml", "text/xml", "application/geo+json",
                              "application/vnd.geo+json",
                              "application/vnd.oasis.opendocument.spreadsheet",
                              "application/vnd.google-earth.kml+xml", "application/x-ndjson",
                              "application/vnd.apache.parquet", "application/atom+xml",
                              "application/rss+xml", "text/calendar", "application/yaml"})
PROPRIETARY_MEDIA_TYPES = frozenset({
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/x-shapefile", "application/x-dbf", "application/x-msaccess",
    "application/vnd.google-earth.kmz"})


@dataclass(frozen=True)
class Facts:
    """What the rating reads of a resource."""

    licence_open: bool
    licence_title: str = ""
    format: str = ""
    media_type: str = ""
    is_upload: bool = False
    #: The last link check: None when never checked (or an upload), else whether it answered.
    link_ok: bool | None = None
    link_media_type: str = ""


@dataclass(frozen=True)
class Rating:
    stars: int
    #: One line per star earned, then why the next one is missing (Spanish, for people).
    earned: tuple[str, ...] = field(default=())
    missing: str = ""

    @property
    def reason(self) -> str:
        return self.missing or str(_l("Tiene las cinco estrellas."))


def _kind(format_: str, media_type: str) -> str:
    """"rdf", "open", "proprietary", or "" (not structured data, or unknown)."""
    name = (format_ or "").strip().upper().lstrip(".")
    media = (media_type or "").split(";", 1)[0].strip().lower()
    if name in RDF_FORMATS or media in RDF_MEDIA_TYPES:
        return "rdf"
    if name in OPEN_FORMATS or media in OPEN_MEDIA_TYPES:
        return "open"
    if name in PROPRIETARY_FORMATS or media in PROPRIETARY_MEDIA_TYPES:
        return "proprietary"
    return ""


def rate(facts: Facts) -> Rating:
    """The stars of one resource, what earned each and why the next one is missing."""
    # Few distinct facts, many resources (each dataset dictionary rates all of its own): the
    # rating in the reader's language is worked out once.
    return _rate(facts, str(get_locale()))


@functools.lru_cache(maxsize=4096)
def _rate(facts: Facts, _locale: str) -> Rating:
    if facts.link_ok is False:
        return Rating(0, (), str(_l(
            "El enlace no responde en la última comprobación: los datos no están disponibles "
            "en la web.")))
    if not facts.licence_open:
        missing = _l("La licencia «{licence}» no es abierta según la Open Definition.") \
            if facts.licence_title else _l("No indica una licencia abierta.")
        return Rating(0, (), str(missing).format(licence=facts.licence_title))
    earned = [str(_l("Disponible en la web con licencia abierta ({licence}).")).format(
        licence=facts.licence_title)]
    kind = _kind(facts.format, facts.media_type)
    label = facts.format or facts.media_type or str(_l("sin formato indicado"))
    if not kind:
        return Rating(1, tuple(earned), str(_l(
            "El formato ({format}) no es legible por máquina como datos estructurados: "
            "publique una tabla (CSV), JSON o XML.")).format(format=label))
    earned.append(str(_l("Datos estructurados legibles por máquina ({format}).")).format(
        format=label))
    if kind == "proprietary":
        return Rating(2, tuple(earned), str(_l(
            "{format} es un formato propietario: publique también un formato abierto como CSV "
            "u ODS.")).format(format=label))
    earned.append(str(_l("Formato abierto, no propietario.")))
    if kind != "rdf":
        return Rating(3, tuple(earned), str(_l(
            "No usa URI para identificar las cosas: publique los datos en RDF (Turtle, "
            "JSON-LD, RDF/XML).")))
    earned.append(str(_l("Usa URI para identificar las cosas (RDF).")))
    served_as_rdf = not facts.is_upload and facts.link_ok and \
        _kind("", facts.link_media_type) == "rdf"
    if not served_as_rdf:
        return Rating(4, tuple(earned), str(_l(
            "No consta que enlace a datos de otros: sírvalo como datos enlazados en una URL que "
            "responda con RDF.")))
    earned.append(str(_l("Datos enlazados: su URL responde con RDF.")))
    return Rating(5, tuple(earned), "")


def best(ratings: Iterable[Rating]) -> Rating | None:
    """A dataset's rating: its best resource's; None without resources."""
    return max(ratings, key=lambda rating: rating.stars, default=None)


def facts_of(resource, dataset, check=None) -> Facts:
    """The facts of a catalog resource (and its dataset, and its current link check: see
    ``portal.linkcheck.services.current``). Reads attributes only."""
    from portal.catalog.licenses import get_license

    licence_id = resource.license_id or dataset.license_id
    licence = get_license(licence_id) if licence_id else None
    return Facts(licence_open=bool(licence and licence.is_open),
                 licence_title=licence.title if licence else (licence_id or ""),
                 format=resource.format or "", media_type=resource.media_type or "",
                 is_upload=resource.is_upload,
                 link_ok=None if check is None else check.status == "ok",
                 link_media_type=(check.media_type if check is not None else "") or "")


def rate_dataset(dataset, checks: dict | None = None) -> tuple[dict[str, Rating], Rating | None]:
    """Each resource's rating by id, and the dataset's (its best). ``checks``: current link
    checks by resource id."""
    checks = checks or {}
    ratings = {resource.id: rate(facts_of(resource, dataset, checks.get(resource.id)))
               for resource in dataset.resources}
    return ratings, best(ratings.values())
