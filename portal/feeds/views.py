"""The feeds blueprint: DCAT catalog pages, dataset documents, CSV, dumps, Atom and sitemap.

Bad input is answered with a small JSON body and a 400, 404 or 406: never a 500.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from portal import caching, csvsafe, db
from portal.catalog import dcat, services
from portal.catalog.models import Dataset
from portal.errors import NotFound
from portal.feeds import atom, concepts, documents, dumps, sitemap
from portal.feeds.errors import FeedError
from portal.feeds.negotiation import (
    MEDIA_TYPE_OF,
    catalog_format_from_accept,
    rdf_format_from_accept,
)
from portal.feeds.queries import FeedQuery, fetch_page
from portal.feeds.records import CSV_COLUMNS, csv_rows
from portal.feeds.rows import BATCH, RowLoader
from portal.rdf import turtle_document
from portal.storage import storage

bp = Blueprint("feeds", __name__)

RDF_EXTENSIONS = ("ttl", "rdf", "xml", "jsonld")
ATOM_SIZE = 50


@bp.errorhandler(FeedError)
def _feed_error(exc: FeedError):
    return jsonify(exc.as_json()), exc.status


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    return jsonify(FeedError(404, exc.message).as_json()), 404


def _rdf_response(text: str, ext: str) -> Response:
    response = Response(text, mimetype=MEDIA_TYPE_OF[ext])
    response.headers["Vary"] = "Accept"
    return response


def _check_extension(ext: str) -> None:
    if ext not in RDF_EXTENSIONS:
        raise FeedError(404, _("Formato desconocido: «%(ext)s». Formatos: %(known)s.",
                               ext=ext, known=", ".join(RDF_EXTENSIONS)))


# --- DCAT ------------------------------------------------------------------------------------


@bp.route("/catalog.<ext>")
def catalog(ext: str):
    if ext == "csv":
        return catalog_csv()
    _check_extension(ext)
    query = FeedQuery.from_args(request.args)

    def document() -> Response:
        page = fetch_page(query)
        if ext == "ttl":
            return _rdf_response(documents.catalog_page_turtle(query, page), ext)
        triples = documents.catalog_page_triples(ext, query, page)
        return _rdf_response(documents.serialize(triples, ext), ext)

    return caching.conditional(document, caching.catalog_revision, vary="Accept")


@bp.route("/catalog")
def catalog_negotiated():
    """The catalog's URI: 303 to the document in the format the client asks for."""
    fmt = catalog_format_from_accept(request.headers.get("Accept", ""))
    if fmt is None:
        raise FeedError(406, _("No podemos responder en el formato pedido (Accept: %(accept)s). "
                               "Formatos: %(known)s, text/html.", accept=request.headers["Accept"],
                               known=", ".join(sorted(set(MEDIA_TYPE_OF.values())))))
    if fmt == "html":
        target = url_for("dataset.search") if "dataset.search" in current_app.view_functions \
            else "/dataset"
    else:
        target = url_for("feeds.catalog", ext=fmt)
    query = urlencode(request.args)
    response = redirect(f"{target}?{query}" if query else target, 303)
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/dataset/<name>.<fmt>")
def dataset_rdf(name: str, fmt: str):
    """One public dataset as Turtle, RDF/XML or JSON-LD (``.xml`` is RDF/XML too)."""
    _check_extension(fmt)

    def document() -> Response:
        dataset = services.get_dataset(name)
        if not dataset.is_public:
            raise FeedError(404, _("No existe el conjunto de datos «%(name)s».", name=name))
        if fmt == "ttl":
            return _rdf_response(documents.dataset_document_turtle(dataset), fmt)
        return _rdf_response(documents.serialize(documents.dataset_document_triples(dataset),
                                                 fmt), fmt)

    return caching.conditional(document, lambda: caching.dataset_revision(name), vary="Accept")


# --- spatial concepts ------------------------------------------------------------------------


def _rdf_document(triples: list, ext: str) -> Response:
    _check_extension(ext)
    text = turtle_document(triples) if ext == "ttl" else documents.serialize(triples, ext)
    return _rdf_response(text, ext)


def _negotiated(endpoint: str, **values) -> Response | None:
    """303 to the RDF document when the client prefers RDF (as for dataset pages)."""
    fmt = rdf_format_from_accept(request.headers.get("Accept", ""))
    if fmt is None:
        return None
    response = redirect(url_for(endpoint, ext=fmt, **values), 303)
    response.headers["Vary"] = "Accept"
    return response


def _known_concept(code: str):
    found = concepts.spatial_concept(code, documents.base_url())
    if found is None:
        raise FeedError(404, _("No existe la cobertura geográfica «%(code)s». Códigos: "
                               "%(known)s.", code=code, known=", ".join(
                                   c.code for c in concepts.spatial_concepts(""))))
    return found


@bp.route("/spatial")
def spatial_scheme():
    """The scheme of the departments: a page, or 303 to its RDF."""
    negotiated = _negotiated("feeds.spatial_scheme_rdf")
    if negotiated is not None:
        return negotiated
    response = Response(render_template(
        "feeds/spatial.html", concept=None,
        concepts=concepts.spatial_concepts(documents.base_url())))
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/spatial.<ext>")
def spatial_scheme_rdf(ext: str):
    return _rdf_document(concepts.scheme_triples(documents.base_url()), ext)


@bp.route("/spatial/<code>")
def spatial_concept(code: str):
    """A department's concept URI: a page, or 303 to its RDF. Bolivia as a whole is the EU
    country concept, where ``/spatial/BO`` sends."""
    if code == concepts.NATIONAL:
        return redirect(str(dcat.spatial_uri(code, documents.base_url())), 303)
    if code != code.upper() and concepts.spatial_concept(code.upper(), "") is not None:
        return redirect(url_for("feeds.spatial_concept", code=code.upper()), 301)
    concept = _known_concept(code)
    negotiated = _negotiated("feeds.spatial_concept_rdf", code=code)
    if negotiated is not None:
        return negotiated
    response = Response(render_template("feeds/spatial.html", concept=concept, concepts=None))
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/spatial/<code>.<ext>")
def spatial_concept_rdf(code: str, ext: str):
    _known_concept(code)
    return _rdf_document(concepts.concept_triples(code, documents.base_url()), ext)


# --- Table Schemas of resources ---------------------------------------------------------------


@bp.route("/dataset/<name>/resource/<resource_id>/schema.json")
def resource_schema(name: str, resource_id: str):
    """The Table Schema of a public dataset's resource: the stable address of an inline schema
    (``dct:conformsTo`` in the DCAT export); a schema given by URL or registry name redirects
    to where it is."""
    dataset = services.get_dataset(name)
    resource = next((r for r in dataset.resources if r.id == resource_id), None)
    if not dataset.is_public or resource is None or resource.schema is None:
        raise FeedError(404, _("Este recurso no tiene un esquema."))
    if isinstance(resource.schema, dict) and "fields" in resource.schema:
        return jsonify(resource.schema)
    return redirect(dcat.schema_uri(resource, dataset.name, documents.base_url()), 303)


# --- CSV, dumps ------------------------------------------------------------------------------


def catalog_csv():
    """One row per resource, UTF-8; ``?bom=1`` starts it with a byte order mark, which Excel
    needs to read the accents of a UTF-8 file it opens."""
    query = FeedQuery.from_args(request.args)
    bom = request.args.get("bom", "0")
    if bom not in ("0", "1"):
        raise FeedError(400, _("«bom» debe ser 0 o 1."))
    base = documents.base_url()
    statement = query.ordered().with_only_columns(Dataset.id)

    def rows():
        buffer = io.StringIO()
        if bom == "1":
            buffer.write("\ufeff")
        writer = csvsafe.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        ids = list(db.session.scalars(statement))
        loader = RowLoader(db.session)
        for start in range(0, len(ids), BATCH):
            for dataset in loader.load(ids[start:start + BATCH]):
                writer.writerows(csv_rows(dataset, base))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="catalog.csv"'
    return response


@bp.route("/dump/<filename>")
def dump(filename: str):
    formats = {name: fmt for fmt, name in dumps.FORMATS.items()}
    if filename not in formats:
        raise FeedError(404, _("No existe el volcado «%(name)s». Volcados: %(known)s.",
                               name=filename, known=", ".join(sorted(formats))))
    key = dumps.build((formats[filename],))[formats[filename]]
    return storage().send(key, filename=filename, media_type="application/gzip")


# --- Atom, sitemap ---------------------------------------------------------------------------


@bp.route("/feeds/datasets.atom")
@bp.route("/feeds/dataset.atom")
def atom_feed():
    return caching.conditional(_atom_feed, caching.catalog_revision)


def _atom_feed() -> Response:
    query = FeedQuery.from_args(request.args)
    ids = list(db.session.scalars(query.ordered().with_only_columns(Dataset.id)
                                  .limit(ATOM_SIZE)))
    by_id = {d.id: d for d in services.datasets_with_resources(
        select(Dataset).where(Dataset.id.in_(ids)))} if ids else {}
    datasets = [by_id[i] for i in ids]
    base = documents.base_url()
    self_url = f"{base}{request.path}"
    body = atom.atom_feed(
        datasets, base_url=base, self_url=self_url,
        title=_("%(site)s: conjuntos de datos nuevos y actualizados",
                site=documents.site_title()),
        updated=datasets[0].metadata_modified if datasets else None,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.route("/sitemap.xml")
def sitemap_xml():
    base = documents.base_url()
    total = sitemap.public_count()
    if sitemap.parts(total) == 1:
        body = sitemap.urlset(base, 1, with_home=True)
    else:
        body = sitemap.index(base, total)
    return Response(stream_with_context(body), mimetype="application/xml")


@bp.route("/sitemap-<int:part>.xml")
def sitemap_part(part: int):
    total = sitemap.public_count()
    if not 1 <= part <= sitemap.parts(total):
        raise FeedError(404, _("No existe la parte %(part)d del mapa del sitio.", part=part))
    body = sitemap.urlset(documents.base_url(), part, with_home=part == 1)
    return Response(stream_with_context(body), mimetype="application/xml")


#: Addresses crawlers should leave alone: forms, accounts, the API and search exports. (Not
#: "/dataset?": simple parsers, Python's among them, read it as all of /dataset.)
ROBOTS_DISALLOW = ("/api/", "/user/", "/dashboard", "/dataset/new", "/dataset/edit/",
                   "/dataset/delete/", "/dataset.csv", "/search/")


@bp.route("/robots.txt")
def robots_txt():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "",
             f"Sitemap: {documents.base_url()}{url_for('feeds.sitemap_xml')}", ""]
    return Response("\n".join(lines), mimetype="text/plain")
