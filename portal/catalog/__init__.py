"""The catalog: entities, themes, datasets, resources and licences."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.catalog import views

    views.init_app(app)
