"""Dataset series (DCAT-AP 3 ``dcat:DatasetSeries``) and their members.

``models.py`` holds the tables, ``services.py`` the rules and the only writer, ``api.py`` the
``series_*`` actions, ``package.py`` what package_show says, ``dcat.py`` the RDF of both
directions, ``views.py`` the series page. See docs/series.md.
"""


def init_app(app) -> None:
    from portal.series import dcat, views

    app.register_blueprint(views.bp)
    dcat.register()
