"""The DataStore: the rows of every valid tabular resource, loaded after validation into a
Parquet file (through ``portal.storage``) and queried with DuckDB; CKAN's ``datastore_search``
and ``datastore_info``, and filtered exports at ``/datastore/dump/<resource_id>``.

``ingest`` (file in, Parquet out; no app), ``query`` (parameters in, SQL with bound values out),
``models``, ``services`` (the only writer), ``tasks`` (jobs), ``listeners`` (validation and
catalog signals), ``api`` (actions), ``dump`` (exports), ``views`` (the resource page's status),
``cli``. See docs/datastore.md.
"""


def init_app(app) -> None:
    """Register the export route, the template function, the listeners, the jobs and
    ``portal datastore``."""
    from portal.datastore import cli, dump, listeners, tasks, views  # noqa: F401 - jobs

    app.register_blueprint(dump.bp)
    views.init_app(app)
    listeners.connect()
    app.cli.add_command(cli.datastore_group)
