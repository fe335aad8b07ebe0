"""Pages of the catalog, at CKAN's familiar paths."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from portal.catalog import services

home = Blueprint("home", __name__)


@home.route("/")
def index():
    return render_template(
        "home.html",
        dataset_count=services.count_public_datasets(),
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(home)
