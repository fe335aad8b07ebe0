"""Dataset pages: the list, a dataset, a resource and its download."""

from __future__ import annotations

import importlib.util
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import caching, uploads
from portal.activity import services as activity
from portal.auth import permissions
from portal.catalog import error_pages, listing, services
from portal.catalog.models import Dataset, Resource
from portal.catalog.preview import csv_preview
from portal.errors import NotAuthorized, NotFound
from portal.storage import detect_media_type, storage

bp = Blueprint("dataset", __name__)
error_pages.register_portal_errors(bp)

ACTIVITY_LIMIT = 20


def readable_dataset(name: str) -> Dataset:
    """The dataset if the current user may see it; a private or draft dataset of an entity they
    do not belong to looks missing (404), as in CKAN."""
    try:
        return services.read_dataset(name, current_user)
    except NotAuthorized:
        raise NotFound(str(_not_found_message(name))) from None


def _not_found_message(name: str) -> str:
    from flask_babel import gettext as _

    return _("No existe el conjunto de datos «%(name)s».", name=name)


def dataset_resource(dataset: Dataset, resource_id: str) -> Resource:
    resource = services.get_resource(resource_id)
    if resource.dataset_id != dataset.id:
        abort(404)
    return resource


def sees_private_activity(entity_id: str) -> bool:
    return permissions.is_sysadmin(current_user) \
        or permissions.role(current_user, entity_id) is not None


def download_filename(resource: Resource) -> str:
    """The last part of a resource's file name or URL, used in its download address."""
    if resource.is_upload:
        return resource.url
    path = unquote(urlsplit(resource.url).path).rstrip("/")
    return path.rpartition("/")[2] or "recurso"


def _rdf_redirect(name: str):
    """303 to the dataset's RDF when the Accept header asks for it (when feeds are installed)."""
    if "feeds.dataset_rdf" not in current_app.view_functions \
            or importlib.util.find_spec("portal.feeds.negotiation") is None:
        return None
    from portal.feeds.negotiation import rdf_format_from_accept

    fmt = rdf_format_from_accept(request.headers.get("Accept", ""))
    if fmt is None:
        return None
    return redirect(url_for("feeds.dataset_rdf", name=name, fmt=fmt), 303)


@bp.route("/dataset")
def search():
    return caching.conditional(_search_page, caching.search_revision)


def _search_page() -> Response:
    params = listing.ListParams.from_args(request.args, current_app.config["PORTAL_PAGE_SIZE"])
    results = listing.find_datasets(params, current_user)
    return Response(render_template("catalog/dataset_list.html", params=params,
                                    results=results))


@bp.route("/dataset/<name>")
def read(name: str):
    negotiated = _rdf_redirect(name)
    if negotiated is not None:
        return negotiated
    return caching.conditional(lambda: _dataset_page(name),
                               lambda: caching.dataset_revision(name))


def _dataset_page(name: str) -> Response:
    dataset = readable_dataset(name)
    if dataset.name != name:  # reached by id: send to the canonical address
        return redirect(url_for("dataset.read", name=dataset.name), 301)
    activities = activity.list_for_object(
        "package", dataset.id, include_private=sees_private_activity(dataset.entity_id),
        limit=ACTIVITY_LIMIT,
    )
    return Response(render_template("catalog/dataset.html", dataset=dataset,
                                    activities=activities, download_filename=download_filename))


@bp.route("/dataset/<name>/resource/<resource_id>")
def resource_read(name: str, resource_id: str):
    dataset = readable_dataset(name)
    resource = dataset_resource(dataset, resource_id)
    return render_template("catalog/resource.html", dataset=dataset, resource=resource,
                           preview=csv_preview(resource), download_filename=download_filename)


@bp.route("/dataset/<name>/resource/<resource_id>/download/<filename>")
def resource_download(name: str, resource_id: str, filename: str):
    dataset = readable_dataset(name)
    resource = dataset_resource(dataset, resource_id)
    if not resource.is_upload:
        if not resource.url:
            abort(404)
        return redirect(resource.url, 302)
    if not storage().exists(resource.storage_key):
        abort(404)
    media_type = uploads.download_type(resource.media_type
                                       or detect_media_type(resource.url, b""))
    response = storage().send(resource.storage_key, filename=resource.url,
                              media_type=media_type, last_modified=resource.modified)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = uploads.DOWNLOAD_CSP
    return response
