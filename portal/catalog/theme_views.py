"""Theme pages (CKAN's ``/group``): the list and a theme with its datasets."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.catalog import error_pages, listing, services
from portal.errors import NotFound

bp = Blueprint("group", __name__)
error_pages.register_portal_errors(bp)


@bp.route("/group")
def index():
    return render_template("catalog/theme_list.html",
                           themes=services.list_themes(with_counts=True))


@bp.route("/group/<name>")
def read(name: str):
    theme = services.get_theme(name)
    if theme.state != "active":
        raise NotFound(_("No existe el tema «%(name)s».", name=name))
    args = request.args.copy()
    args.setlist("groups", [theme.name])
    params = listing.ListParams.from_args(args, current_app.config["PORTAL_PAGE_SIZE"])
    results = listing.find_datasets(params, current_user)
    return render_template("catalog/theme.html", theme=theme, params=params, results=results)
