"""Pages of the catalog, at CKAN's familiar paths. This module holds the home and licence pages,
and ``init_app``, which registers every page blueprint of the catalog:

* ``dataset_views``: ``/dataset``, ``/dataset/<name>``, resource pages and downloads;
* ``publish_views``: the publisher's forms for datasets and resources (same ``dataset``
  blueprint, so endpoints read as CKAN's: ``dataset.new``, ``dataset.resource_new``...);
* ``entity_views``: ``/organization`` pages and entity administration;
* ``theme_views``: ``/group`` pages.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template

from portal import caching, storage
from portal.catalog import error_pages, listing, services, templating
from portal.catalog.licenses import licenses

home = Blueprint("home", __name__)
error_pages.register_portal_errors(home)


@home.route("/")
def index():
    return caching.conditional(_home_page, caching.catalog_revision)


def _home_page() -> Response:
    entities = sorted(services.list_entities(with_counts=True), key=lambda pair: -pair[1])
    newest = listing.newest_datasets()
    return Response(render_template(
        "home.html",
        figures=listing.catalog_figures(),
        newest=newest,
        updated=listing.updated_datasets(exclude=[dataset.id for dataset in newest]),
        themes=services.list_themes(with_counts=True),
        entities=[pair for pair in entities if pair[1]][:8],
    ))


@home.route("/licenses")
def license_list():
    ordered = sorted(licenses().values(), key=lambda lic: (not lic.is_open, lic.title))
    return render_template("catalog/licenses.html", licenses=ordered)


def init_app(app: Flask) -> None:
    from portal.catalog import entity_views, publish_views, theme_views

    templating.init_app(app)
    error_pages.init_app(app)
    storage.register_holder(app, services.stored_keys_in_use)
    # publish_views.bp is dataset_views.bp with the publisher's form routes added.
    for blueprint in (home, publish_views.bp, entity_views.bp, theme_views.bp):
        app.register_blueprint(blueprint)
