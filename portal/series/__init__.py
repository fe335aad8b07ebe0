"""Dataset series (DCAT-AP 3 ``dcat:DatasetSeries``) and their members.

``models.py`` holds the tables, ``services.py`` the rules and the only writer, ``api.py`` the
``series_*`` actions, ``package.py`` what package_show says, ``dcat.py`` the RDF of both
directions, ``views.py`` the series page. See docs/series.md.
"""


def init_app(app) -> None:
    from portal import signals
    from portal.series import dcat, services, views

    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(
        is_series=lambda dataset: services.is_series(dataset.id),
        series_navigation=lambda dataset: services.links().navigation(dataset.id))
    dcat.register()
    # A member's dates or visibility change the series' order: reload the links (before search
    # indexes the dataset, whose listener connects later).
    signals.dataset_changed.connect(services.forget_links, weak=False)
    signals.dataset_deleted.connect(services.forget_links, weak=False)
