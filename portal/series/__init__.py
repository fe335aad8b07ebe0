"""Dataset series (DCAT-AP 3 ``dcat:DatasetSeries``) and their members.

``models.py`` holds the tables, ``services.py`` the rules and the only writer, ``api.py`` the
``series_*`` actions, ``package.py`` what package_show says, ``dcat.py`` the RDF of both
directions, ``views.py`` the series page. See docs/series.md.
"""


def init_app(app) -> None:
    from sqlalchemy import event

    from portal import signals, storage
    from portal.catalog.models import Dataset
    from portal.series import dcat, services, versions, views

    app.register_blueprint(views.bp)
    # A purged dataset's versions go with it: their copied files are deleted after the commit,
    # unless a row still references them.
    if not event.contains(Dataset, "before_delete", versions.forget_files):
        event.listen(Dataset, "before_delete", versions.forget_files)
    storage.register_holder(app, versions.stored_keys_in_use)
    app.jinja_env.globals.update(
        is_series=lambda dataset: services.is_series(dataset.id),
        series_navigation=lambda dataset: services.links().navigation(dataset.id))
    dcat.register()
    # A member's dates or visibility change the series' order: reload the links (before search
    # indexes the dataset, whose listener connects later).
    signals.dataset_changed.connect(services.forget_links, weak=False)
    signals.dataset_deleted.connect(services.forget_links, weak=False)
